//! Maildir delivery (<https://cr.yp.to/proto/maildir.html>, Maildir++ size field): each message
//! is written to `tmp/`, fsynced, and renamed into `new/` (or `cur/` with `:2,FLAGS` when it
//! has flags). Names are `SECS.MUSECSPPIDQN.HOST,S=SIZE,N=MARKER`: unique per delivery, the
//! size for readers that use it, and the marker that recognises the message after a crash.
//! Messages are stored exactly as received (CRLF line ends from POP3 and IMAP).

use std::collections::HashSet;
use std::fs::{self, DirBuilder, OpenOptions};
use std::io::{self, BufWriter, Write};
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt};
use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

use super::{Body, MailSink, Meta, Recovered};
use crate::save::{local, sync_dir, sync_parent};
use crate::{Error, ErrorKind};

pub struct Maildir {
    root: PathBuf,
    host: String,
    pid: u32,
    deliveries: u64,
    new_dirty: bool,
    cur_dirty: bool,
    /// Markers found in `new/` and `cur/`, read once when recovery first needs them.
    markers: Option<HashSet<String>>,
}

/// The host part of a Maildir name: `/` and `:` are escaped as the spec says.
fn name_host() -> String {
    let mut buf = [0u8; 256];
    // SAFETY: gethostname writes at most buf.len() bytes into a buffer we own.
    let ok = unsafe { libc::gethostname(buf.as_mut_ptr().cast(), buf.len()) } == 0;
    let raw = if ok {
        let end = buf.iter().position(|&b| b == 0).unwrap_or(buf.len());
        String::from_utf8_lossy(&buf[..end]).into_owned()
    } else {
        String::new()
    };
    let host: String = raw
        .chars()
        .filter(|c| !c.is_control())
        .map(|c| match c {
            '/' => "\\057".to_owned(),
            ':' => "\\072".to_owned(),
            c => c.to_string(),
        })
        .collect();
    if host.is_empty() {
        "localhost".to_owned()
    } else {
        host
    }
}

/// The marker in a stored name (`…,N=0123456789abcdef…`).
fn marker_of(name: &str) -> Option<&str> {
    let base = name.split(':').next().unwrap_or(name);
    let at = base.rfind(",N=")?;
    let m = base[at + 3..].split(',').next()?;
    (m.len() == 16 && m.bytes().all(|b| b.is_ascii_hexdigit())).then_some(m)
}

/// Maildir info flags in the order the spec asks for (ASCII order), each once.
fn info_flags(flags: &str) -> String {
    let mut letters: Vec<char> = flags.chars().filter(|c| c.is_ascii_uppercase()).collect();
    letters.sort_unstable();
    letters.dedup();
    letters.into_iter().collect()
}

impl Maildir {
    /// Opens the Maildir at `root`, creating it with `tmp/ new/ cur/` (mode 0700) when
    /// missing. Our own leftovers in `tmp/` (an interrupted delivery) are removed: the caller
    /// holds the state lock, so no other netkit run is writing them.
    pub fn open(root: &Path) -> Result<Maildir, Error> {
        if root.exists() && !root.is_dir() {
            return Err(Error::new(
                ErrorKind::LocalIo,
                format!("{}: exists and is not a directory", root.display()),
            ));
        }
        let mut created = false;
        for sub in ["", "tmp", "new", "cur"] {
            let dir = root.join(sub);
            if dir.is_dir() {
                continue;
            }
            DirBuilder::new()
                .recursive(true)
                .mode(0o700)
                .create(&dir)
                .map_err(|e| local("creating", &dir, &e))?;
            created = true;
        }
        if created {
            sync_dir(root)?;
            sync_parent(root)?;
        }
        let md = Maildir {
            root: root.to_owned(),
            host: name_host(),
            pid: std::process::id(),
            deliveries: 0,
            new_dirty: false,
            cur_dirty: false,
            markers: None,
        };
        md.clean_tmp()?;
        Ok(md)
    }

    fn clean_tmp(&self) -> Result<(), Error> {
        let tmp = self.root.join("tmp");
        let entries = fs::read_dir(&tmp).map_err(|e| local("reading", &tmp, &e))?;
        for entry in entries.flatten() {
            let name = entry.file_name();
            if name.to_str().and_then(marker_of).is_some() {
                let _ = fs::remove_file(entry.path());
            }
        }
        Ok(())
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    fn unique(&mut self) -> String {
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap_or_default();
        self.deliveries += 1;
        format!(
            "{}.M{}P{}Q{}.{}",
            now.as_secs(),
            now.subsec_micros(),
            self.pid,
            self.deliveries,
            self.host
        )
    }

    fn scan_markers(&mut self) -> Result<&HashSet<String>, Error> {
        if self.markers.is_none() {
            let mut found = HashSet::new();
            for sub in ["new", "cur"] {
                let dir = self.root.join(sub);
                let entries = fs::read_dir(&dir).map_err(|e| local("reading", &dir, &e))?;
                for entry in entries.flatten() {
                    if let Some(m) = entry.file_name().to_str().and_then(marker_of) {
                        found.insert(m.to_owned());
                    }
                }
            }
            self.markers = Some(found);
        }
        Ok(self.markers.get_or_insert_with(HashSet::new))
    }
}

/// Counts what passes through, so the final name can carry the size.
struct Counting<W> {
    inner: W,
    bytes: u64,
}

impl<W: Write> Write for Counting<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.bytes += n as u64;
        Ok(n)
    }
    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

impl MailSink for Maildir {
    fn deliver(&mut self, meta: &Meta<'_>, body: &mut Body<'_>) -> Result<(), Error> {
        let unique = self.unique();
        let tmp = self
            .root
            .join("tmp")
            .join(format!("{unique},N={}", meta.marker));
        let file = OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .open(&tmp)
            .map_err(|e| local("creating", &tmp, &e))?;
        let mut out = Counting {
            inner: BufWriter::with_capacity(64 * 1024, file),
            bytes: 0,
        };
        let written = body(&mut out).and_then(|()| {
            out.flush().map_err(|e| local("writing", &tmp, &e))?;
            let file = out.inner.get_ref();
            if let Some(when) = meta.received {
                file.set_modified(when)
                    .map_err(|e| local("setting the time of", &tmp, &e))?;
            }
            file.sync_all().map_err(|e| local("syncing", &tmp, &e))
        });
        if let Err(e) = written {
            drop(out);
            let _ = fs::remove_file(&tmp);
            return Err(e);
        }
        let size = out.bytes;
        drop(out);
        let flags = info_flags(meta.flags);
        let (sub, info) = if flags.is_empty() {
            ("new", String::new())
        } else {
            ("cur", format!(":2,{flags}"))
        };
        let name = format!("{unique},S={size},N={}{info}", meta.marker);
        let dest = self.root.join(sub).join(name);
        if let Err(e) = fs::rename(&tmp, &dest) {
            let _ = fs::remove_file(&tmp);
            return Err(local("renaming", &tmp, &e));
        }
        if sub == "new" {
            self.new_dirty = true;
        } else {
            self.cur_dirty = true;
        }
        if let Some(m) = &mut self.markers {
            m.insert(meta.marker.to_owned());
        }
        Ok(())
    }

    fn sync(&mut self) -> Result<(), Error> {
        if self.new_dirty {
            sync_dir(&self.root.join("new"))?;
            self.new_dirty = false;
        }
        if self.cur_dirty {
            sync_dir(&self.root.join("cur"))?;
            self.cur_dirty = false;
        }
        Ok(())
    }

    fn recover(&mut self, marker: &str, _pending: Option<u64>) -> Result<Recovered, Error> {
        Ok(if self.scan_markers()?.contains(marker) {
            Recovered::Stored
        } else {
            Recovered::Missing
        })
    }

    fn append_offset(&mut self) -> Result<Option<u64>, Error> {
        Ok(None)
    }

    fn describe(&self) -> String {
        self.root.display().to_string()
    }
}

/// Opens `path` for reading, for tests and tools that compare stored messages.
pub fn stored_files(root: &Path) -> io::Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    for sub in ["new", "cur"] {
        for entry in fs::read_dir(root.join(sub))? {
            files.push(entry?.path());
        }
    }
    files.sort();
    Ok(files)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mail::marker;

    fn deliver(md: &mut Maildir, m: &str, flags: &str, bytes: &[u8]) -> Result<(), Error> {
        let meta = Meta {
            marker: m,
            flags,
            received: None,
        };
        md.deliver(&meta, &mut |w: &mut dyn Write| {
            w.write_all(bytes)
                .map_err(|e| Error::new(ErrorKind::LocalIo, e.to_string()))
        })
    }

    #[test]
    fn creates_the_three_directories_and_stores_bytes_exactly() {
        let dir = tempfile::tempdir().expect("tempdir");
        let root = dir.path().join("a/b/Mail");
        let mut md = Maildir::open(&root).expect("open");
        for sub in ["tmp", "new", "cur"] {
            assert!(root.join(sub).is_dir());
        }
        let m = marker("k", "1");
        let msg = b"From: a@b\r\n\r\n.dot\r\n\xff8bit\r\n";
        deliver(&mut md, &m, "", msg).expect("deliver");
        md.sync().expect("sync");
        let files = stored_files(&root).expect("list");
        assert_eq!(files.len(), 1);
        assert_eq!(fs::read(&files[0]).expect("read"), msg);
        let name = files[0].file_name().and_then(|n| n.to_str()).expect("name");
        assert!(name.contains(&format!(",S={},N={m}", msg.len())), "{name}");
        assert!(files[0].starts_with(root.join("new")));
        assert!(
            fs::read_dir(root.join("tmp"))
                .expect("tmp")
                .next()
                .is_none()
        );
    }

    #[test]
    fn flags_go_to_cur_with_sorted_info() {
        let dir = tempfile::tempdir().expect("tempdir");
        let mut md = Maildir::open(dir.path()).expect("open");
        deliver(&mut md, &marker("k", "2"), "SFS", b"x\r\n").expect("deliver");
        let files = stored_files(dir.path()).expect("list");
        let name = files[0].to_string_lossy().into_owned();
        assert!(name.contains("/cur/") && name.ends_with(":2,FS"), "{name}");
    }

    #[test]
    fn a_failed_body_leaves_nothing_and_names_are_unique() {
        let dir = tempfile::tempdir().expect("tempdir");
        let mut md = Maildir::open(dir.path()).expect("open");
        let meta = Meta {
            marker: &marker("k", "3"),
            ..Meta::default()
        };
        let err = md
            .deliver(&meta, &mut |w: &mut dyn Write| {
                let _ = w.write_all(b"half");
                Err(Error::new(ErrorKind::Protocol, "dropped"))
            })
            .expect_err("fails");
        assert_eq!(err.kind(), ErrorKind::Protocol);
        assert!(stored_files(dir.path()).expect("list").is_empty());
        assert!(
            fs::read_dir(dir.path().join("tmp"))
                .expect("tmp")
                .next()
                .is_none()
        );
        for i in 0..50 {
            deliver(&mut md, &marker("k", &i.to_string()), "", b"m\r\n").expect("deliver");
        }
        assert_eq!(stored_files(dir.path()).expect("list").len(), 50);
    }

    #[test]
    fn recovery_finds_delivered_markers_even_after_a_reader_moved_them() {
        let dir = tempfile::tempdir().expect("tempdir");
        let m = marker("k", "9");
        {
            let mut md = Maildir::open(dir.path()).expect("open");
            deliver(&mut md, &m, "", b"m\r\n").expect("deliver");
        }
        // A mail reader moves it to cur/ and adds flags.
        let file = stored_files(dir.path()).expect("list").remove(0);
        let name = file.file_name().and_then(|n| n.to_str()).expect("name");
        fs::rename(&file, dir.path().join("cur").join(format!("{name}:2,S"))).expect("mv");
        // An interrupted delivery left a tmp file behind.
        fs::write(
            dir.path().join("tmp").join(format!("1.M1P1Q1.h,N={m}")),
            b"half",
        )
        .expect("tmp");
        let mut md = Maildir::open(dir.path()).expect("reopen");
        assert!(
            fs::read_dir(dir.path().join("tmp"))
                .expect("tmp")
                .next()
                .is_none()
        );
        assert_eq!(md.recover(&m, None).expect("recover"), Recovered::Stored);
        assert_eq!(
            md.recover(&marker("k", "10"), None).expect("recover"),
            Recovered::Missing
        );
    }

    #[test]
    fn a_file_in_the_way_is_a_local_error() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("f");
        fs::write(&path, b"").expect("file");
        let err = Maildir::open(&path).err().expect("refused");
        assert_eq!(err.kind(), ErrorKind::LocalIo);
    }
}
