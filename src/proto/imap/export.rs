//! `imap export`: a mailbox into a [`MailSink`], incremental by UIDVALIDITY + UID through the
//! shared state store (the key carries the UIDVALIDITY, so a changed one starts a new state
//! and a full export instead of silently mixing two numberings). Two passes, both in UID
//! ranges, never one round trip per message: `UID FETCH 1:* (UID FLAGS INTERNALDATE
//! RFC822.SIZE)` decides what to fetch, then `UID FETCH set BODY.PEEK[]` streams each
//! message straight into the sink. Order per message, as for `pop fetch`: sink writes and
//! fsyncs → (batch) directory fsync → state record; EXAMINE + PEEK leave `\Seen` alone.

use std::collections::{HashMap, HashSet};
use std::time::{Duration, Instant};

use serde::Serialize;

use super::syntax::{self, Part};
use super::{MessageInfo, Session};
use crate::mail::{MailSink, Meta, Recovered, StateStore, marker};
use crate::progress::Bar;
use crate::{Error, ErrorKind};

const BATCH: usize = 64;
const BATCH_TIME: Duration = Duration::from_secs(1);
/// Messages per body command: bounds one command's line, not memory (bodies stream).
const PER_COMMAND: usize = 500;

#[derive(Debug, Clone, Default)]
pub struct ExportOptions {
    /// `imap://user@host:port/MAILBOX`; the state key adds `;UIDVALIDITY=N` (RFC 5092 form).
    pub key_base: String,
    pub mailbox: String,
    pub new_only: bool,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct ExportReport {
    pub mailbox: String,
    pub uidvalidity: u64,
    /// The state knew this mailbox under another UIDVALIDITY: everything is exported anew.
    pub previous_uidvalidity: Option<u64>,
    pub listed: u64,
    pub exported: u64,
    pub bytes: u64,
    pub known: u64,
    pub recovered: u64,
    /// Expunged by another client between listing and fetching.
    pub vanished: u64,
}

struct Batch {
    uids: Vec<String>,
    since: Instant,
}

impl Batch {
    fn commit(
        &mut self,
        sink: &mut dyn MailSink,
        state: &mut StateStore,
        key: &str,
    ) -> Result<(), Error> {
        self.since = Instant::now();
        if self.uids.is_empty() {
            return Ok(());
        }
        sink.sync()?;
        let uids: Vec<&str> = self.uids.iter().map(String::as_str).collect();
        state.record(key, &uids, None)?;
        self.uids.clear();
        Ok(())
    }

    fn due(&self) -> bool {
        self.uids.len() >= BATCH || self.since.elapsed() >= BATCH_TIME
    }
}

pub fn export(
    session: &mut Session,
    sink: &mut dyn MailSink,
    state: &mut StateStore,
    opts: &ExportOptions,
    bar: &Bar,
) -> Result<ExportReport, Error> {
    let selected = session.select(&opts.mailbox, false)?;
    let uidvalidity = selected.uidvalidity.ok_or_else(|| {
        Error::new(
            ErrorKind::Protocol,
            format!(
                "{}: EXAMINE {} gave no UIDVALIDITY, so nothing could be remembered",
                session.server(),
                opts.mailbox
            ),
        )
    })?;
    let prefix = format!("{};UIDVALIDITY=", opts.key_base);
    let key = format!("{prefix}{uidvalidity}");
    let mut report = ExportReport {
        mailbox: opts.mailbox.clone(),
        uidvalidity,
        previous_uidvalidity: state
            .keys()
            .filter(|k| *k != key)
            .filter_map(|k| k.strip_prefix(&prefix)?.parse().ok())
            .max(),
        ..ExportReport::default()
    };
    let infos = if selected.exists == 0 {
        Vec::new()
    } else {
        session.fetch_info("1:*")?
    };
    report.listed = infos.len() as u64;
    let uid_text: Vec<String> = infos.iter().map(|m| m.uid.to_string()).collect();
    let present: HashSet<&str> = uid_text.iter().map(String::as_str).collect();
    state.prune(&key, &present)?;
    let mut batch = Batch {
        uids: Vec::new(),
        since: Instant::now(),
    };
    let mut todo: Vec<&MessageInfo> = Vec::new();
    for m in &infos {
        let uid = m.uid.to_string();
        if state.contains(&key, &uid) {
            if opts.new_only {
                report.known += 1;
                continue;
            }
        } else if sink.recover(&marker(&key, &uid), state.pending(&key, &uid))? == Recovered::Stored
        {
            report.recovered += 1;
            batch.uids.push(uid);
            continue;
        }
        todo.push(m);
    }
    batch.commit(sink, state, &key)?;
    let by_uid: HashMap<u32, &MessageInfo> = todo.iter().map(|m| (m.uid, *m)).collect();
    let by_seq: HashMap<u64, u32> = infos.iter().map(|m| (m.seq, m.uid)).collect();
    let announces = sink.append_offset()?.is_some();
    let mut done: HashSet<u32> = HashSet::new();
    for chunk in todo.chunks(PER_COMMAND) {
        let uids: Vec<u32> = chunk.iter().map(|m| m.uid).collect();
        for set in syntax::uid_sets(&uids, 4000) {
            let command = Part::Text(format!("UID FETCH {set} (UID BODY.PEEK[])"));
            let fetched =
                session.run_streaming(&[command], &mut |_| Ok(()), &mut |start, literal| {
                    if start.item != "BODY[]" {
                        return Ok(());
                    }
                    let uid = start
                        .items
                        .iter()
                        .find(|(name, _)| name == "UID")
                        .and_then(|(_, v)| v.as_number())
                        .and_then(|n| u32::try_from(n).ok())
                        .or_else(|| by_seq.get(&start.seq).copied());
                    let Some(info) = uid.and_then(|u| by_uid.get(&u)) else {
                        return Ok(());
                    };
                    if !done.insert(info.uid) {
                        return Ok(());
                    }
                    let uid_s = info.uid.to_string();
                    if announces {
                        let offset = sink.append_offset()?.unwrap_or(0);
                        batch.commit(sink, state, &key)?;
                        state.record(&key, &[], Some((&uid_s, offset)))?;
                    }
                    let mark = marker(&key, &uid_s);
                    let flags = syntax::maildir_flags(&info.flags);
                    let meta = Meta {
                        marker: &mark,
                        flags: &flags,
                        received: info.internal_date,
                    };
                    let mut bytes = 0;
                    sink.deliver(&meta, &mut |w| {
                        bytes = literal.copy_to(w)?;
                        Ok(())
                    })?;
                    report.exported += 1;
                    report.bytes += bytes;
                    bar.advance(bytes);
                    batch.uids.push(uid_s);
                    if announces || batch.due() {
                        batch.commit(sink, state, &key)?;
                    }
                    Ok(())
                });
            if let Err(e) = fetched {
                // What was delivered before a failure is still recorded (then the error).
                batch.commit(sink, state, &key)?;
                return Err(e);
            }
        }
        batch.commit(sink, state, &key)?;
    }
    batch.commit(sink, state, &key)?;
    report.vanished = (todo.len() - done.len()) as u64;
    Ok(report)
}
