//! `pop fetch`: every message (or with `--new` every message the state store does not
//! list) is retrieved into a [`MailSink`], in this order, which is what makes a kill at any
//! point lose and duplicate nothing:
//!
//! RETR → sink writes and fsyncs the file and renames it → (batch) directories fsynced →
//! state records the uids (fsynced) → only then DELE, and QUIT (where the server deletes).
//!
//! Maildir deliveries are batched (one directory fsync and one state write per batch); an
//! mbox append is announced in the state store before it starts, and recorded after it.

use std::collections::HashSet;
use std::io::Write;
use std::time::{Duration, Instant};

use serde::Serialize;

use super::Session;
use crate::mail::{MailSink, Meta, Recovered, StateStore, marker};
use crate::progress::Bar;
use crate::{Error, ErrorKind};

/// At most this many Maildir deliveries, or this much time, between state records.
const BATCH: usize = 64;
const BATCH_TIME: Duration = Duration::from_secs(1);

#[derive(Debug, Clone, Default)]
pub struct FetchOptions {
    /// The state key: server and user (`pop3://user@host:port`).
    pub key: String,
    /// Skip messages the state store lists as saved.
    pub new_only: bool,
    /// DELE every saved message (this run's and, with `--new`, earlier runs').
    pub delete: bool,
    pub limit: Option<u64>,
    pub max_size: Option<u64>,
}

/// One message that was not saved, and why.
#[derive(Debug, Clone, Serialize)]
pub struct Failed {
    pub number: u64,
    pub uid: Option<String>,
    pub error: String,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct FetchReport {
    pub listed: u64,
    pub fetched: u64,
    pub bytes: u64,
    /// Already saved (state store), not fetched again.
    pub known: u64,
    /// Found stored after an interrupted run, recorded without fetching.
    pub recovered: u64,
    /// Over `--max-size`: left on the server.
    pub too_large: u64,
    pub deleted: u64,
    pub failed: Vec<Failed>,
    /// `--limit` stopped the run with messages left.
    pub limited: bool,
}

struct Message {
    number: u64,
    size: u64,
    uid: Option<String>,
}

/// The messages with their uids (UIDL), which `--new` and `--delete` need.
fn messages(session: &mut Session, need_uids: bool) -> Result<Vec<Message>, Error> {
    let list = session.list()?;
    let uids = match session.uidl() {
        Ok(u) => Some(u),
        Err(e) if need_uids || e.kind() != ErrorKind::Refused => {
            return Err(Error::new(
                e.kind(),
                format!(
                    "{} (unique ids are needed to remember what is saved: --new and --delete)",
                    e.message()
                ),
            ));
        }
        Err(_) => None,
    };
    let mut by_number = std::collections::HashMap::new();
    if let Some(uids) = uids {
        // Two messages under one uid would make the second look saved when only the first
        // is (and --delete would then remove it unsaved): refuse the whole listing.
        let mut seen = HashSet::new();
        for (n, uid) in uids {
            if !seen.insert(uid.clone()) {
                return Err(Error::new(
                    ErrorKind::Protocol,
                    format!(
                        "UIDL gives two messages the unique id '{uid}': nothing fetched or deleted"
                    ),
                ));
            }
            // One number with two uids: which one is the message's is anyone's guess, and
            // the wrong one would be recorded as saved.
            if by_number.insert(n, uid).is_some() {
                return Err(Error::new(
                    ErrorKind::Protocol,
                    format!("UIDL lists message {n} twice: nothing fetched or deleted"),
                ));
            }
        }
    }
    let mut out: Vec<Message> = list
        .into_iter()
        .map(|(number, size)| Message {
            number,
            size,
            uid: by_number.remove(&number),
        })
        .collect();
    out.sort_by_key(|m| m.number);
    out.dedup_by_key(|m| m.number);
    if need_uids && let Some(m) = out.iter().find(|m| m.uid.is_none()) {
        return Err(Error::new(
            ErrorKind::Protocol,
            format!("UIDL lists no unique id for message {}", m.number),
        ));
    }
    Ok(out)
}

/// A writer that refuses to pass `left` bytes (and says so in `over`).
struct Capped<'a> {
    inner: &'a mut dyn Write,
    left: u64,
    over: bool,
}

impl Write for Capped<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if buf.len() as u64 > self.left {
            self.over = true;
            return Err(std::io::Error::other("over --max-size"));
        }
        self.inner.write_all(buf)?;
        self.left -= buf.len() as u64;
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

/// Deliveries not yet in the state store.
struct Batch {
    uids: Vec<String>,
    numbers: Vec<u64>,
    since: Instant,
}

pub fn fetch(
    session: &mut Session,
    sink: &mut dyn MailSink,
    state: &mut StateStore,
    opts: &FetchOptions,
    bar: &Bar,
) -> Result<FetchReport, Error> {
    let mut report = FetchReport::default();
    let all = messages(session, true)?;
    report.listed = all.len() as u64;
    let present: HashSet<&str> = all.iter().filter_map(|m| m.uid.as_deref()).collect();
    state.prune(&opts.key, &present)?;
    let mut to_delete: Vec<u64> = Vec::new();
    let mut batch = Batch {
        uids: Vec::new(),
        numbers: Vec::new(),
        since: Instant::now(),
    };
    let announces = sink.append_offset()?.is_some();
    let mut outcome = Ok(());
    for m in &all {
        let uid = m.uid.as_deref().unwrap_or("");
        if state.contains(&opts.key, uid) {
            if opts.new_only {
                report.known += 1;
                if opts.delete {
                    to_delete.push(m.number);
                }
                continue;
            }
        } else {
            let mark = marker(&opts.key, uid);
            if sink.recover(&mark, state.pending(&opts.key, uid))? == Recovered::Stored {
                report.recovered += 1;
                batch.uids.push(uid.to_owned());
                batch.numbers.push(m.number);
                continue;
            }
        }
        if opts.max_size.is_some_and(|max| m.size > max) {
            report.too_large += 1;
            continue;
        }
        if opts.limit.is_some_and(|l| report.fetched >= l) {
            report.limited = true;
            break;
        }
        if announces {
            // mbox: the state store knows where this append starts before it starts.
            let offset = sink.append_offset()?.unwrap_or(0);
            commit(
                sink,
                state,
                &opts.key,
                &mut batch,
                opts.delete,
                &mut to_delete,
            )?;
            state.record(&opts.key, &[], Some((uid, offset)))?;
        }
        let mark = marker(&opts.key, uid);
        let meta = Meta {
            marker: &mark,
            ..Meta::default()
        };
        let mut bytes = 0;
        let delivered = sink.deliver(&meta, &mut |w| {
            let Some(max) = opts.max_size else {
                bytes = session.retr(m.number, w)?;
                return Ok(());
            };
            // LIST sizes come from the server: one that says 20 and sends gigabytes must
            // not get past --max-size.
            let mut capped = Capped {
                inner: w,
                left: max,
                over: false,
            };
            let got = session.retr(m.number, &mut capped);
            if capped.over {
                return Err(Error::new(
                    ErrorKind::Protocol,
                    format!(
                        "message {} ran past --max-size ({max} bytes) although LIST gave it \
                         {} bytes; nothing of it is kept",
                        m.number, m.size
                    ),
                ));
            }
            bytes = got?;
            Ok(())
        });
        match delivered {
            Ok(()) => {
                report.fetched += 1;
                report.bytes += bytes;
                bar.advance(m.size);
                batch.uids.push(uid.to_owned());
                batch.numbers.push(m.number);
            }
            // -ERR on RETR: the session is still in step; the message stays on the server.
            Err(e) if matches!(e.kind(), ErrorKind::Refused | ErrorKind::Temporary) => {
                report.failed.push(Failed {
                    number: m.number,
                    uid: m.uid.clone(),
                    error: crate::auth::secret::mask_secrets(e.message()).into_owned(),
                });
            }
            Err(e) => {
                outcome = Err(e);
                break;
            }
        }
        if announces || batch.uids.len() >= BATCH || batch.since.elapsed() >= BATCH_TIME {
            commit(
                sink,
                state,
                &opts.key,
                &mut batch,
                opts.delete,
                &mut to_delete,
            )?;
        }
    }
    // What was delivered before a failure is still recorded, so a re-run does not fetch
    // it again; nothing is deleted after a failure (the caller abandons the session).
    commit(
        sink,
        state,
        &opts.key,
        &mut batch,
        opts.delete,
        &mut to_delete,
    )?;
    outcome?;
    report.deleted = delete(session, &to_delete, &mut report.failed)?;
    Ok(report)
}

/// Makes the batch durable, records it, and queues its messages for DELE.
fn commit(
    sink: &mut dyn MailSink,
    state: &mut StateStore,
    key: &str,
    batch: &mut Batch,
    delete: bool,
    to_delete: &mut Vec<u64>,
) -> Result<(), Error> {
    batch.since = Instant::now();
    if batch.uids.is_empty() {
        return Ok(());
    }
    sink.sync()?;
    let uids: Vec<&str> = batch.uids.iter().map(String::as_str).collect();
    state.record(key, &uids, None)?;
    if delete {
        to_delete.append(&mut batch.numbers);
    }
    batch.uids.clear();
    batch.numbers.clear();
    Ok(())
}

/// DELE for each saved message, pipelined when offered; returns how many were marked.
fn delete(session: &mut Session, numbers: &[u64], failed: &mut Vec<Failed>) -> Result<u64, Error> {
    let mut done = 0;
    let chunk = if session.pipelining() { 64 } else { 1 };
    for group in numbers.chunks(chunk) {
        for &n in group {
            session.queue_dele(n)?;
        }
        session.flush()?;
        for &n in group {
            match session.read_dele(n) {
                Ok(()) => done += 1,
                Err(e) if matches!(e.kind(), ErrorKind::Refused | ErrorKind::Temporary) => failed
                    .push(Failed {
                        number: n,
                        uid: None,
                        error: crate::auth::secret::mask_secrets(e.message()).into_owned(),
                    }),
                Err(e) => return Err(e),
            }
        }
    }
    Ok(done)
}
