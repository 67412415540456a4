//! The incremental state store: which server messages (a `key` such as
//! `pop3://user@host:110` or `imap://user@host:993/INBOX;UIDVALIDITY=7`, and a `uid`) are
//! saved in one destination. One text file, append-only, each record fsynced before the
//! caller goes on; held under `flock` for the run, so a second concurrent run on the same
//! destination stops at once (exit 11) instead of fetching the same mail twice.
//!
//! Records: `D KEY UID` (saved) and `P KEY UID OFFSET` (an mbox append about to start at
//! OFFSET). Fields are percent-encoded. A torn last line (a crash mid-write) is ignored.
//! Records of messages the server no longer has are dropped by [`StateStore::prune`],
//! which rewrites the file atomically.

use std::collections::{HashMap, HashSet};
use std::fs::{self, File, OpenOptions};
use std::io::{Read, Write};
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};

use percent_encoding::{AsciiSet, CONTROLS, percent_decode_str, utf8_percent_encode};

use crate::save::{local, sync_parent, try_lock_exclusive};
use crate::{Error, ErrorKind};

const HEADER: &str = "# netkit mail state 1\n";
const FIELD: &AsciiSet = &CONTROLS.add(b' ').add(b'%').add(b'\t');

pub struct StateStore {
    path: PathBuf,
    file: File,
    done: HashMap<String, HashSet<String>>,
    pending: HashMap<String, (String, u64)>,
    /// The file does not end with a line end (a torn record), until cut off at open.
    torn: bool,
}

fn enc(field: &str) -> String {
    utf8_percent_encode(field, FIELD).to_string()
}

fn dec(field: &str) -> Option<String> {
    percent_decode_str(field)
        .decode_utf8()
        .ok()
        .map(|c| c.into_owned())
}

impl StateStore {
    /// Where the state of a destination lives: inside a Maildir (`DIR/.netkit-state`, beside
    /// dovecot's own files; readers only look in tmp/new/cur), beside an mbox
    /// (`FILE.netkit-state`).
    pub fn path_for(dest: &Path, maildir: bool) -> PathBuf {
        if maildir {
            dest.join(".netkit-state")
        } else {
            let mut name = dest.as_os_str().to_owned();
            name.push(".netkit-state");
            PathBuf::from(name)
        }
    }

    /// Opens (creating, mode 0600) and locks the state file.
    pub fn open(path: &Path) -> Result<StateStore, Error> {
        let existed = path.exists();
        let mut file = OpenOptions::new()
            .read(true)
            .append(true)
            .create(true)
            .mode(0o600)
            .open(path)
            .map_err(|e| local("opening", path, &e))?;
        match try_lock_exclusive(&file) {
            Ok(true) => {}
            Ok(false) => {
                return Err(Error::new(
                    ErrorKind::Temporary,
                    format!(
                        "another netkit run is saving to this destination (it holds {}); try again later",
                        path.display()
                    ),
                ));
            }
            Err(e) => return Err(local("locking", path, &e)),
        }
        if !existed {
            sync_parent(path)?;
        }
        let mut text = String::new();
        file.read_to_string(&mut text).map_err(|e| {
            Error::new(
                ErrorKind::LocalIo,
                format!(
                    "{}: not a netkit state file ({})",
                    path.display(),
                    crate::error::io_words(&e)
                ),
            )
        })?;
        if !text.starts_with("# netkit mail state") && !HEADER.starts_with(text.as_str()) {
            return Err(Error::new(
                ErrorKind::LocalIo,
                format!("{}: not a netkit state file; not touched", path.display()),
            ));
        }
        let mut store = StateStore {
            path: path.to_owned(),
            file,
            done: HashMap::new(),
            pending: HashMap::new(),
            torn: !text.is_empty() && !text.ends_with('\n'),
        };
        let complete = match text.rfind('\n') {
            Some(end) => &text[..=end],
            None => "",
        };
        if store.torn {
            // A record cut short by a crash never counted; cut it off so that nothing
            // appended later can complete it.
            store
                .file
                .set_len(complete.len() as u64)
                .and_then(|()| store.file.sync_data())
                .map_err(|e| local("truncating", path, &e))?;
            store.torn = false;
        }
        for line in complete.lines() {
            store.apply(line);
        }
        if complete.is_empty() {
            store.append(HEADER)?;
        }
        Ok(store)
    }

    fn apply(&mut self, line: &str) {
        let fields: Vec<&str> = line.split(' ').collect();
        match fields.as_slice() {
            ["D", key, uid] => {
                if let (Some(key), Some(uid)) = (dec(key), dec(uid)) {
                    if self.pending.get(&key).is_some_and(|(p, _)| *p == uid) {
                        self.pending.remove(&key);
                    }
                    self.done.entry(key).or_default().insert(uid);
                }
            }
            ["P", key, uid, offset] => {
                if let (Some(key), Some(uid), Ok(offset)) = (dec(key), dec(uid), offset.parse()) {
                    self.pending.insert(key, (uid, offset));
                }
            }
            _ => {}
        }
    }

    fn append(&mut self, text: &str) -> Result<(), Error> {
        self.file
            .write_all(text.as_bytes())
            .and_then(|()| self.file.sync_data())
            .map_err(|e| local("writing", &self.path, &e))?;
        Ok(())
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn contains(&self, key: &str, uid: &str) -> bool {
        self.done.get(key).is_some_and(|s| s.contains(uid))
    }

    /// The offset of an announced, unconfirmed mbox append of this message.
    pub fn pending(&self, key: &str, uid: &str) -> Option<u64> {
        self.pending
            .get(key)
            .filter(|(p, _)| p == uid)
            .map(|&(_, at)| at)
    }

    /// Every key with records (IMAP export looks for an older UIDVALIDITY of its mailbox).
    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.done.keys().map(String::as_str)
    }

    /// How many messages of `key` are recorded.
    pub fn count(&self, key: &str) -> usize {
        self.done.get(key).map_or(0, HashSet::len)
    }

    /// Records `uids` as saved (one write, one fsync), and with `next` announces the mbox
    /// append that follows, in the same write.
    pub fn record(
        &mut self,
        key: &str,
        uids: &[&str],
        next: Option<(&str, u64)>,
    ) -> Result<(), Error> {
        let k = enc(key);
        let mut text = String::new();
        for uid in uids {
            text.push_str(&format!("D {k} {}\n", enc(uid)));
        }
        if let Some((uid, at)) = next {
            text.push_str(&format!("P {k} {} {at}\n", enc(uid)));
        }
        if text.is_empty() {
            return Ok(());
        }
        self.append(&text)?;
        for line in text.lines() {
            self.apply(line);
        }
        Ok(())
    }

    /// Forgets the records of `key` whose uid the server no longer lists, when they are
    /// most of the file (mail deleted with `--delete` or by another client): the file is
    /// rewritten to a temporary name, fsynced and renamed over the old one.
    pub fn prune(&mut self, key: &str, present: &HashSet<&str>) -> Result<(), Error> {
        let Some(set) = self.done.get(key) else {
            return Ok(());
        };
        let stale = set.iter().filter(|u| !present.contains(u.as_str())).count();
        if stale == 0 || stale * 2 < set.len().max(64) {
            return Ok(());
        }
        if let Some(set) = self.done.get_mut(key) {
            set.retain(|u| present.contains(u.as_str()));
        }
        let mut text = String::from(HEADER);
        let mut keys: Vec<&String> = self.done.keys().collect();
        keys.sort();
        for k in keys {
            let mut uids: Vec<&String> = self.done[k].iter().collect();
            uids.sort();
            for u in uids {
                text.push_str(&format!("D {} {}\n", enc(k), enc(u)));
            }
        }
        for (k, (u, at)) in &self.pending {
            text.push_str(&format!("P {} {} {at}\n", enc(k), enc(u)));
        }
        let mut tmp = self.path.as_os_str().to_owned();
        tmp.push(".new");
        let tmp = PathBuf::from(tmp);
        let mut file = OpenOptions::new()
            .read(true)
            .append(true)
            .create(true)
            .truncate(false)
            .mode(0o600)
            .open(&tmp)
            .map_err(|e| local("creating", &tmp, &e))?;
        if !matches!(try_lock_exclusive(&file), Ok(true)) {
            return Ok(());
        }
        file.set_len(0)
            .and_then(|()| file.write_all(text.as_bytes()))
            .and_then(|()| file.sync_all())
            .map_err(|e| local("writing", &tmp, &e))?;
        fs::rename(&tmp, &self.path).map_err(|e| local("renaming", &tmp, &e))?;
        sync_parent(&self.path)?;
        // The renamed file is the one we hold locked from now on.
        self.file = file;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn records_survive_a_reopen_and_a_torn_last_line_is_ignored() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("s");
        {
            let mut s = StateStore::open(&path).expect("open");
            s.record("pop3://u@h:110", &["a b", "1%"], None)
                .expect("record");
            s.record("pop3://u@h:110", &[], Some(("2", 77)))
                .expect("announce");
        }
        let mut raw = fs::read(&path).expect("read");
        raw.extend_from_slice(b"D pop3://u@h:110 tor");
        fs::write(&path, raw).expect("tear");
        let mut s = StateStore::open(&path).expect("reopen");
        assert!(s.contains("pop3://u@h:110", "a b"));
        assert!(s.contains("pop3://u@h:110", "1%"));
        assert!(!s.contains("pop3://u@h:110", "tor"));
        assert!(!s.contains("pop3://other@h:110", "a b"));
        assert_eq!(s.pending("pop3://u@h:110", "2"), Some(77));
        s.record("pop3://u@h:110", &["2"], None).expect("confirm");
        assert_eq!(s.pending("pop3://u@h:110", "2"), None);
        drop(s);
        let s = StateStore::open(&path).expect("reopen");
        assert!(s.contains("pop3://u@h:110", "2"));
        assert!(!s.contains("pop3://u@h:110", "tor"));
        assert_eq!(s.count("pop3://u@h:110"), 3);
    }

    #[test]
    fn a_second_run_is_refused_while_the_first_holds_the_lock() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("s");
        let first = StateStore::open(&path).expect("open");
        let err = StateStore::open(&path).err().expect("locked");
        assert_eq!(err.kind(), ErrorKind::Temporary);
        drop(first);
        assert!(StateStore::open(&path).is_ok());
    }

    #[test]
    fn a_foreign_file_is_not_touched() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("s");
        fs::write(&path, b"important notes\n").expect("write");
        assert!(StateStore::open(&path).is_err());
        assert_eq!(fs::read(&path).expect("read"), b"important notes\n");
    }

    #[test]
    fn prune_drops_only_gone_messages_and_keeps_the_lock() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("s");
        let mut s = StateStore::open(&path).expect("open");
        let uids: Vec<String> = (0..200).map(|i| i.to_string()).collect();
        let refs: Vec<&str> = uids.iter().map(String::as_str).collect();
        s.record("k", &refs, None).expect("record");
        s.record("other", &["x"], None).expect("record");
        let present: HashSet<&str> = refs[150..].iter().copied().collect();
        s.prune("k", &present).expect("prune");
        assert_eq!(s.count("k"), 50);
        assert!(
            StateStore::open(&path).is_err(),
            "still locked after the rewrite"
        );
        s.record("k", &["new"], None).expect("record");
        drop(s);
        let s = StateStore::open(&path).expect("reopen");
        assert_eq!(s.count("k"), 51);
        assert!(s.contains("other", "x"));
        assert!(!s.contains("k", "3"));
    }

    #[test]
    fn state_paths_sit_inside_a_maildir_and_beside_an_mbox() {
        assert_eq!(
            StateStore::path_for(Path::new("/m/Mail"), true),
            PathBuf::from("/m/Mail/.netkit-state")
        );
        assert_eq!(
            StateStore::path_for(Path::new("/m/inbox"), false),
            PathBuf::from("/m/inbox.netkit-state")
        );
    }

    proptest! {
        #[test]
        fn any_key_and_uid_round_trip(key in "\\PC{0,20}", uid in "[!-~]{1,70}") {
            let dir = tempfile::tempdir().expect("tempdir");
            let path = dir.path().join("s");
            {
                let mut s = StateStore::open(&path).expect("open");
                s.record(&key, &[uid.as_str()], None).expect("record");
            }
            let s = StateStore::open(&path).expect("reopen");
            prop_assert!(s.contains(&key, &uid));
        }
    }
}
