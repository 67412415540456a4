//! The local mail store that `pop fetch` and `imap export` write to (SPEC §6, issue 14): a
//! Maildir or an mboxrd file behind one [`MailSink`] trait, and the incremental state store
//! that remembers which server messages are already saved. No protocol knowledge lives here:
//! a message is bytes, identified by a `key` (server, user, mailbox) and a `uid`.
//!
//! The order that keeps mail from being lost or duplicated, per message: the sink stores and
//! fsyncs it ([`MailSink::deliver`]), the directory entry is made durable ([`MailSink::sync`]),
//! the state store records the uid (fsynced), and only then may the server delete it. A
//! crash between delivery and the state record is what [`MailSink::recover`] handles on the
//! next run: Maildir names carry a marker derived from key + uid, and an mbox append is
//! announced in the state store before it starts.

pub mod maildir;
pub mod mbox;
pub mod newsrc;
pub mod state;

use std::io::Write;

pub use maildir::Maildir;
pub use mbox::Mbox;
pub use state::StateStore;

use crate::Error;

/// What a sink knows about a message besides its bytes.
#[derive(Debug, Clone, Default)]
pub struct Meta<'a> {
    /// Stable across runs for one server message: [`marker`] of key + uid.
    pub marker: &'a str,
    /// IMAP flags as Maildir info letters (`S` seen, `F` flagged…); empty for POP.
    pub flags: &'a str,
    /// The message's arrival time (IMAP INTERNALDATE), for the mbox From_ line and the
    /// Maildir file's mtime.
    pub received: Option<std::time::SystemTime>,
}

/// Streams one message's bytes (CRLF line ends, as the server sent them) into a writer.
pub type Body<'b> = dyn FnMut(&mut dyn Write) -> Result<(), Error> + 'b;

/// What recovery found for a message the state store does not list as saved.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Recovered {
    /// The message is stored already (a crash came after delivery): record it, do not fetch.
    Stored,
    /// Not stored (or a partial copy was removed): fetch it.
    Missing,
}

/// A local mail store.
pub trait MailSink {
    /// Stores one message. `body` streams it in; if `body` fails, nothing is left behind.
    /// On `Ok` the message's data is fsynced under its final name; its directory entry is
    /// durable once [`MailSink::sync`] returns.
    fn deliver(&mut self, meta: &Meta<'_>, body: &mut Body<'_>) -> Result<(), Error>;

    /// Makes every delivery so far durable (fsyncs the directories or the file).
    fn sync(&mut self) -> Result<(), Error>;

    /// After a crash: is the message with `marker` already stored? `pending` is the mbox
    /// offset the state store noted before its interrupted append, if any.
    fn recover(&mut self, marker: &str, pending: Option<u64>) -> Result<Recovered, Error>;

    /// Where the next message will start, for sinks whose appends are announced in the state
    /// store first (mbox); `None` for Maildir, whose names carry the marker instead.
    fn append_offset(&mut self) -> Result<Option<u64>, Error>;

    /// For messages and reports: the Maildir directory or the mbox file.
    fn describe(&self) -> String;
}

/// A destination and its state store, for `pop fetch` and `imap export`: a Maildir (made
/// when missing; the lock comes before the Maildir's clean-up of interrupted deliveries) or
/// an mbox. Opened and locked before connecting: a second run, or a file in the way, should
/// not cost a login.
pub fn open_destination(
    maildir: Option<&std::path::Path>,
    mbox: Option<&std::path::Path>,
) -> Result<(Box<dyn MailSink>, StateStore), Error> {
    if let Some(dir) = maildir {
        if !dir.exists() {
            std::fs::create_dir_all(dir).map_err(|e| crate::save::local("creating", dir, &e))?;
        }
        let state = StateStore::open(&StateStore::path_for(dir, true))?;
        Ok((Box::new(Maildir::open(dir)?), state))
    } else if let Some(file) = mbox {
        let state_path = StateStore::path_for(file, false);
        let fresh = !state_path.exists();
        let state = StateStore::open(&state_path)?;
        match Mbox::open(file) {
            Ok(sink) => Ok((Box::new(sink), state)),
            Err(e) => {
                // A run that finds the mbox locked (exit 11) leaves nothing behind: the
                // state file it has just made goes while its flock still keeps others off.
                if fresh {
                    let _ = std::fs::remove_file(&state_path);
                }
                drop(state);
                Err(e)
            }
        }
    } else {
        Err(Error::usage("needs --maildir DIR or --mbox FILE"))
    }
}

/// A short, stable, file-name-safe token for one server message: 16 hex digits of
/// SHA-256(key NUL uid). Kept in Maildir names so that a crash after the rename but before
/// the state record is recognised on the next run.
pub fn marker(key: &str, uid: &str) -> String {
    let mut ctx = ring::digest::Context::new(&ring::digest::SHA256);
    ctx.update(key.as_bytes());
    ctx.update(b"\0");
    ctx.update(uid.as_bytes());
    let digest = ctx.finish();
    digest.as_ref()[..8]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_locked_mbox_leaves_neither_a_new_mbox_nor_a_state_file() {
        let dir = tempfile::tempdir().expect("tempdir");
        let mbox = dir.path().join("mbox");
        let lock = dir.path().join("mbox.lock");
        std::fs::write(&lock, format!("{}\n", std::process::id())).expect("live lock");
        let err = open_destination(None, Some(&mbox)).err().expect("busy");
        assert_eq!(err.kind(), crate::ErrorKind::Temporary, "{}", err.message());
        let names: Vec<_> = std::fs::read_dir(dir.path())
            .expect("dir")
            .flatten()
            .map(|e| e.file_name())
            .collect();
        assert_eq!(names, [std::ffi::OsString::from("mbox.lock")]);
    }

    #[test]
    fn markers_are_stable_and_distinct() {
        let a = marker("pop3://u@h:110", "1");
        assert_eq!(a, marker("pop3://u@h:110", "1"));
        assert_eq!(a.len(), 16);
        assert!(a.bytes().all(|b| b.is_ascii_hexdigit()));
        assert_ne!(a, marker("pop3://u@h:110", "2"));
        assert_ne!(marker("a", "bc"), marker("ab", "c"));
    }
}
