//! The mirror's transfer phase: N sessions (`-P N`) take files from one queue, and a pool
//! of sync threads makes each finished file durable while the sessions go on with the next.
//!
//! The durability rule (SPEC §6, issue 13): no file is reported copied before it is on disk
//! under its final name. Per file that takes a data fsync before the rename (so the final
//! name never holds a partial file) and a directory fsync after it (so the name survives a
//! crash). The data fsync stays per file; the directory fsync is done once per directory,
//! when its last file has been renamed, and its files are reported only then. Both waits
//! happen on the sync threads, not on the sessions: on ext4 an fsync is a journal commit
//! (3–4 ms on this project's VM), several fsyncs in flight share one commit, and a session
//! that waited for each would spend most of a small-file mirror idle.
//! The queue to the sync threads is bounded, so a disk slower than the network holds the
//! sessions back instead of piling up open files.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, Receiver, SyncSender};

use super::client::Session;
use super::mirror::{Item, Job};
use crate::save::{self, Output};
use crate::{Error, ErrorKind};

/// Sync threads: enough fsyncs in flight for ext4 to batch them into few journal commits
/// (measured: 2,000 small files, data fsync each, 6.8 s on one thread, 0.3–0.5 s on eight).
const SYNC_THREADS: usize = 8;
/// Files whose `.part` the opener creates ahead of the sessions.
const OPEN_AHEAD: usize = 4;
/// Files transferred but not yet synced, beyond those being synced (open descriptors).
const SYNC_QUEUE: usize = 16;
/// The sync threads only call fsync, rename and the report: a small stack is plenty.
const SYNC_STACK: usize = 128 << 10;

/// What one file's transfer produced.
pub struct Transferred {
    pub bytes: u64,
    /// A downloaded file complete and checked, still under its `.part` name: the sync pool
    /// fsyncs and renames it. `None` for uploads (the server holds the copy).
    pub output: Option<Output>,
}

/// What a file needs before its transfer, done off the session's thread: the download's
/// `.part` created ([`super::mirror::open_part`]); nothing for uploads.
pub type Prepare = fn(&Job) -> Result<Option<Output>, Error>;

/// One file's transfer ([`super::mirror::download`] or [`super::mirror::upload`]) into
/// what [`Prepare`] made, reporting bytes as they pass.
pub type Work =
    fn(&mut Session, &Job, Option<Output>, &(dyn Fn(u64) + Sync)) -> Result<Transferred, Error>;

type Report<'a> = &'a (dyn Fn(&Item) + Sync);

/// A file ready for a session: its job and what [`Prepare`] made for it.
struct Ready {
    job: Job,
    prepared: Result<Option<Output>, Error>,
}

/// A finished transfer on its way to the sync pool.
struct Finished {
    job: Job,
    result: Result<Transferred, Error>,
}

/// One local directory's files: how many are still to come, and the copied ones waiting
/// for the directory's fsync before they are reported.
#[derive(Default)]
struct DirState {
    remaining: usize,
    held: Vec<Item>,
}

struct Dirs(Mutex<HashMap<PathBuf, DirState>>);

fn parent(path: &Path) -> PathBuf {
    match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_owned(),
        _ => PathBuf::from("."),
    }
}

fn failed(job: &Job, e: &Error) -> Item {
    Item {
        remote: job.remote.clone(),
        local: job.local.display().to_string(),
        result: "failed",
        bytes: 0,
        error: Some(crate::auth::secret::mask_secrets(e.message()).into_owned()),
        kind: Some(e.kind()),
    }
}

fn copied(job: &Job, bytes: u64) -> Item {
    Item {
        remote: job.remote.clone(),
        local: job.local.display().to_string(),
        result: "copied",
        bytes,
        error: None,
        kind: None,
    }
}

impl Dirs {
    fn new(jobs: &[Job]) -> Dirs {
        let mut map: HashMap<PathBuf, DirState> = HashMap::new();
        for job in jobs {
            map.entry(parent(&job.local)).or_default().remaining += 1;
        }
        Dirs(Mutex::new(map))
    }

    /// Makes one finished transfer durable and accounts for it: fsync + rename of a
    /// download, then, when it was its directory's last file, the directory's fsync and
    /// the report of every file held for it. Failures are reported at once: they claim
    /// nothing about the disk.
    fn settle(&self, done: Finished, report: Report<'_>) {
        let Finished { job, result } = done;
        let dir = parent(&job.local);
        let (item, hold) = match result {
            Ok(Transferred {
                bytes,
                output: Some(output),
            }) => match output.sync_and_rename() {
                // Written in place (a device, a FIFO): nothing to rename, nothing to sync.
                Ok(None) => (copied(&job, bytes), false),
                Ok(Some(_)) => (copied(&job, bytes), true),
                Err(e) => (failed(&job, &e), false),
            },
            Ok(Transferred {
                bytes,
                output: None,
            }) => (copied(&job, bytes), false),
            Err(e) => (failed(&job, &e), false),
        };
        let (now, release) = {
            let mut map = self.0.lock().unwrap_or_else(|p| p.into_inner());
            let state = map.entry(dir.clone()).or_default();
            state.remaining = state.remaining.saturating_sub(1);
            let now = if hold {
                state.held.push(item);
                None
            } else {
                Some(item)
            };
            let release = (state.remaining == 0).then(|| std::mem::take(&mut state.held));
            (now, release)
        };
        if let Some(item) = now {
            report(&item);
        }
        if let Some(held) = release {
            release_dir(&dir, held, report);
        }
    }

    /// Whatever is still held (a worker that died before delivering its file): synced
    /// and reported at the end.
    fn flush(self, report: Report<'_>) {
        let map = self.0.into_inner().unwrap_or_else(|p| p.into_inner());
        for (dir, state) in map {
            if !state.held.is_empty() {
                release_dir(&dir, state.held, report);
            }
        }
    }
}

/// fsyncs `dir`, then reports its files copied; if the fsync fails, none of them is.
fn release_dir(dir: &Path, held: Vec<Item>, report: Report<'_>) {
    if held.is_empty() {
        return;
    }
    let synced = save::sync_dir(dir);
    for mut item in held {
        if let Err(e) = &synced {
            item.result = "failed";
            item.bytes = 0;
            item.error = Some(e.message().to_owned());
            item.kind = Some(e.kind());
        }
        report(&item);
    }
}

/// Whether a failed transfer means its session is gone (the next file would fail too).
fn breaks_session(session: &Session, result: &Result<Transferred, Error>) -> bool {
    session.is_out_of_step()
        || result.as_ref().is_err_and(|e| {
            matches!(
                e.kind(),
                ErrorKind::Timeout | ErrorKind::Connect | ErrorKind::Interrupted
            ) || e.message().contains("closed the connection")
                || e.message().contains("421")
        })
}

/// Runs `jobs` on the sessions (one thread each), `work` per file, each finished file made
/// durable by the sync pool before `report` hears of it. An opener thread runs `prepare`
/// (creating the `.part`) a few files ahead: on ext4 a create waits for the journal commit
/// the sync threads' fsyncs are in, and the sessions should be on the network meanwhile.
/// A file that fails is reported and the rest go on; a session whose connection broke stops
/// taking files, and files no session was left to take are reported failed. Returns the
/// sessions still usable.
pub fn run_jobs(
    sessions: Vec<Session>,
    jobs: Vec<Job>,
    prepare: Prepare,
    work: Work,
    advance: &(dyn Fn(u64) + Sync),
    report: Report<'_>,
) -> Vec<Session> {
    one_malloc_arena();
    let dirs = Dirs::new(&jobs);
    let queue = Mutex::new(jobs.into_iter());
    let (ready_tx, ready_rx) = mpsc::sync_channel::<Ready>(OPEN_AHEAD);
    let ready_rx = Mutex::new(ready_rx);
    // Set once no session is left: the opener stops creating files nobody will fill.
    let abandoned = AtomicBool::new(false);
    // What broke the last session: the files no session took fail with its kind, so the
    // exit code does not depend on which report the sync threads deliver first.
    let broke: Mutex<Option<ErrorKind>> = Mutex::new(None);
    let (tx, rx) = mpsc::sync_channel::<Finished>(SYNC_QUEUE);
    let rx = Mutex::new(rx);
    let left = std::thread::scope(|scope| {
        let mut syncers = 0;
        for _ in 0..SYNC_THREADS {
            let (rx, dirs) = (&rx, &dirs);
            let spawned = std::thread::Builder::new()
                .name("netkit-sync".to_owned())
                .stack_size(SYNC_STACK)
                .spawn_scoped(scope, move || sync_loop(rx, dirs, report));
            if spawned.is_ok() {
                syncers += 1;
            }
        }
        let (queue, abandoned) = (&queue, &abandoned);
        let opener = std::thread::Builder::new()
            .name("netkit-open".to_owned())
            .stack_size(SYNC_STACK)
            .spawn_scoped(scope, move || {
                while let Some(job) = queue.lock().ok().and_then(|mut q| q.next()) {
                    let prepared = if abandoned.load(Ordering::Relaxed) {
                        Ok(None)
                    } else {
                        prepare(&job)
                    };
                    if ready_tx.send(Ready { job, prepared }).is_err() {
                        return;
                    }
                }
            })
            .is_ok();
        let ready_rx = &ready_rx;
        // Without the opener thread (a thread limit) each session prepares its own file.
        let next = move || {
            if opener {
                ready_rx.lock().ok().and_then(|rx| rx.recv().ok())
            } else {
                let job = queue.lock().ok().and_then(|mut q| q.next())?;
                let prepared = if abandoned.load(Ordering::Relaxed) {
                    Ok(None)
                } else {
                    prepare(&job)
                };
                Some(Ready { job, prepared })
            }
        };
        let (dirs, broke) = (&dirs, &broke);
        // Copy (it holds references and a count), so each session thread takes its own.
        let deliver = move |tx: &SyncSender<Finished>, done: Finished| {
            if syncers == 0 {
                dirs.settle(done, report);
            } else if let Err(mpsc::SendError(done)) = tx.send(done) {
                dirs.settle(done, report);
            }
        };
        let handles: Vec<_> = sessions
            .into_iter()
            .map(|mut session| {
                let tx = tx.clone();
                scope.spawn(move || {
                    while let Some(Ready { job, prepared }) = next() {
                        let result =
                            prepared.and_then(|out| work(&mut session, &job, out, advance));
                        let broken = breaks_session(&session, &result);
                        if broken
                            && let Err(e) = &result
                            && let Ok(mut slot) = broke.lock()
                        {
                            *slot = Some(e.kind());
                        }
                        deliver(&tx, Finished { job, result });
                        if broken {
                            return None;
                        }
                    }
                    Some(session)
                })
            })
            .collect();
        let left: Vec<Session> = handles
            .into_iter()
            .filter_map(|h| h.join().ok().flatten())
            .collect();
        abandoned.store(true, Ordering::Relaxed);
        while let Some(Ready { job, prepared }) = next() {
            if let Ok(Some(output)) = prepared {
                output.discard();
            }
            let result = Err(if crate::net::interrupt::requested() {
                Error::new(ErrorKind::Interrupted, "not transferred: interrupted")
            } else {
                Error::new(
                    broke
                        .lock()
                        .ok()
                        .and_then(|k| *k)
                        .unwrap_or(ErrorKind::Protocol),
                    "not transferred: every connection to the server was lost",
                )
            });
            deliver(&tx, Finished { job, result });
        }
        // Closing the channel ends the sync threads once they have drained it.
        drop(tx);
        left
    });
    dirs.flush(report);
    left
}

/// glibc gives each thread that allocates its own arena (up to 8 per core), each with pages
/// of its own: the sync threads and sessions cost ~1.4 MiB of RSS that way (issue 13's
/// budget is 8 MiB). Their allocations are a few small strings per file; one arena's lock
/// costs nothing measurable against the network and the disk.
fn one_malloc_arena() {
    #[cfg(target_env = "gnu")]
    // SAFETY: mallopt only sets an allocator parameter; any value is accepted or refused.
    unsafe {
        libc::mallopt(libc::M_ARENA_MAX, 1);
    }
}

fn sync_loop(rx: &Mutex<Receiver<Finished>>, dirs: &Dirs, report: Report<'_>) {
    loop {
        // The lock is held only while waiting for the next file, not while syncing it.
        let next = rx.lock().unwrap_or_else(|p| p.into_inner()).recv();
        match next {
            Ok(done) => dirs.settle(done, report),
            Err(mpsc::RecvError) => return,
        }
    }
}
