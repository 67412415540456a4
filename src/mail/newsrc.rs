//! The high-water state of `nntp over --new` (issue 16): per server and group, the highest
//! article number already listed, in a `.newsrc`-style text file (`group: 1-N`, the form
//! slrn and tin write, under a `[host:port]` line per server). It is rewritten atomically
//! (`FILE.part`, fsync, rename) after the listing has been written out, and held under
//! `flock` on `FILE.lock` for the run, so two cron jobs never both advance it.
//!
//! The mark moves only after the output is complete: a run that fails part-way lists the
//! same articles again next time (a duplicate in a digest, never a gap).

use std::collections::BTreeMap;
use std::fs::{File, OpenOptions};
use std::io::Write;
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt};
use std::path::{Path, PathBuf};

use crate::save::{Output, local, try_lock_exclusive};
use crate::{Error, ErrorKind};

const HEADER: &str = "# netkit newsrc: the highest article listed by `nntp over --new`\n";

pub struct Newsrc {
    path: PathBuf,
    /// server -> group -> high-water mark; BTreeMap keeps the file's order stable.
    marks: BTreeMap<String, BTreeMap<String, u64>>,
    _lock: File,
}

/// `$XDG_STATE_HOME/netkit/newsrc`, else `~/.local/state/netkit/newsrc`.
pub fn default_path() -> Result<PathBuf, Error> {
    if let Some(dir) = std::env::var_os("XDG_STATE_HOME").filter(|d| !d.is_empty()) {
        let dir = PathBuf::from(dir);
        // The XDG spec: a relative path is invalid and is to be ignored.
        if dir.is_absolute() {
            return Ok(dir.join("netkit").join("newsrc"));
        }
    }
    let home = std::env::var_os("HOME")
        .filter(|h| !h.is_empty())
        .ok_or_else(|| {
            Error::new(
                ErrorKind::LocalIo,
                "neither XDG_STATE_HOME nor HOME is set: give --state FILE",
            )
        })?;
    Ok(PathBuf::from(home)
        .join(".local")
        .join("state")
        .join("netkit")
        .join("newsrc"))
}

/// Parses the file's text; unknown lines are skipped (a hand-edited file stays usable).
fn parse(text: &str) -> BTreeMap<String, BTreeMap<String, u64>> {
    let mut marks: BTreeMap<String, BTreeMap<String, u64>> = BTreeMap::new();
    let mut server: Option<String> = None;
    for line in text.lines() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        if let Some(s) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
            server = Some(s.to_owned());
            continue;
        }
        let Some(server) = &server else { continue };
        // `group: 1-N` (subscribed) or `group! 1-N` (.newsrc's unsubscribed form).
        let Some(cut) = line.find([':', '!']) else {
            continue;
        };
        let group = line[..cut].trim();
        let ranges = line[cut + 1..].trim();
        // The high-water mark is the end of the last range (`1-40,42` -> 42).
        let high = ranges
            .rsplit(',')
            .next()
            .and_then(|r| r.rsplit('-').next())
            .and_then(|n| n.trim().parse::<u64>().ok());
        if let (false, Some(high)) = (group.is_empty(), high) {
            marks
                .entry(server.clone())
                .or_default()
                .insert(group.to_owned(), high);
        }
    }
    marks
}

impl Newsrc {
    /// Opens (a missing file is an empty state) and locks the state at `path`; its
    /// directory is created (0700) when missing.
    pub fn open(path: &Path) -> Result<Newsrc, Error> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::DirBuilder::new()
                .recursive(true)
                .mode(0o700)
                .create(dir)
                .map_err(|e| local("creating", dir, &e))?;
        }
        let mut lock_path = path.as_os_str().to_owned();
        lock_path.push(".lock");
        let lock_path = PathBuf::from(lock_path);
        let lock = OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .mode(0o600)
            .open(&lock_path)
            .map_err(|e| local("opening", &lock_path, &e))?;
        match try_lock_exclusive(&lock) {
            Ok(true) => {}
            Ok(false) => {
                return Err(Error::new(
                    ErrorKind::Temporary,
                    format!(
                        "another netkit run holds {}; try again later",
                        lock_path.display()
                    ),
                ));
            }
            Err(e) => return Err(local("locking", &lock_path, &e)),
        }
        let text = match std::fs::read(path) {
            Ok(bytes) => String::from_utf8_lossy(&bytes).into_owned(),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
            Err(e) => return Err(local("reading", path, &e)),
        };
        Ok(Newsrc {
            path: path.to_owned(),
            marks: parse(&text),
            _lock: lock,
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The highest article listed before in `group` on `server`.
    pub fn high(&self, server: &str, group: &str) -> Option<u64> {
        self.marks.get(server)?.get(group).copied()
    }

    pub fn set(&mut self, server: &str, group: &str, high: u64) {
        self.marks
            .entry(server.to_owned())
            .or_default()
            .insert(group.to_owned(), high);
    }

    /// The text of the file.
    fn render(&self) -> String {
        let mut text = HEADER.to_owned();
        for (server, groups) in &self.marks {
            text.push_str(&format!("[{server}]\n"));
            for (group, high) in groups {
                text.push_str(&format!("{group}: 1-{high}\n"));
            }
        }
        text
    }

    /// Writes the state atomically (`FILE.part`, fsync, rename, directory fsync).
    pub fn save(&self) -> Result<(), Error> {
        let mut out = Output::open(&self.path, false)?;
        out.write_all(self.render().as_bytes())?;
        out.flush().map_err(|e| local("writing", &self.path, &e))?;
        out.commit()?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn marks_survive_a_round_trip_and_hand_edits() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sub/newsrc");
        {
            let mut n = Newsrc::open(&path).unwrap();
            assert_eq!(n.high("h:119", "local.test"), None);
            n.set("h:119", "local.test", 42);
            n.set("h:119", "comp.lang.rust", 7);
            n.set("other:563", "local.test", 3);
            n.save().unwrap();
        }
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(
            text.contains("[h:119]\ncomp.lang.rust: 1-7\nlocal.test: 1-42\n"),
            "{text}"
        );
        let n = Newsrc::open(&path).unwrap();
        assert_eq!(n.high("h:119", "local.test"), Some(42));
        assert_eq!(n.high("other:563", "local.test"), Some(3));
        let parsed = parse("junk\n[s]\ng! 1-40,42\nbad: x\n: 1-3\n");
        assert_eq!(parsed["s"]["g"], 42);
        assert_eq!(parsed["s"].len(), 1);
    }

    #[test]
    fn a_second_run_is_refused_while_the_first_holds_the_lock() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("newsrc");
        let _first = Newsrc::open(&path).unwrap();
        let second = Newsrc::open(&path).err().map(|e| e.kind());
        assert_eq!(second, Some(ErrorKind::Temporary));
    }
}
