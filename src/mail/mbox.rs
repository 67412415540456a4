//! mboxrd delivery (RFC 4155 and the mboxrd quoting of qmail's mbox(5)): each message is
//! appended as a `From MAILER-DAEMON <asctime>` line, its lines with LF ends (the Unix
//! format every mbox reader expects; CR before LF dropped), every line matching `>*From `
//! given one more `>`, and a blank line after it. The file is held under `flock` and a
//! `FILE.lock` dot-lock (for MDAs and readers that use only one of the two) for the whole
//! run, and fsynced before the state store records what was appended.

use std::fs::{self, File, OpenOptions};
use std::io::{self, BufWriter, Read, Seek, SeekFrom, Write};
use std::os::unix::fs::{MetadataExt, OpenOptionsExt};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use super::{Body, MailSink, Meta, Recovered};
use crate::save::{local, sync_parent, try_lock_exclusive};
use crate::{Error, ErrorKind};

/// A dot-lock older than this whose owner cannot be checked is taken as stale.
const STALE_LOCK: Duration = Duration::from_secs(300);
/// How long to wait for another program's lock before giving up (exit 11).
const LOCK_WAIT: Duration = Duration::from_secs(10);

pub struct Mbox {
    path: PathBuf,
    file: File,
    /// Declared after `file`: the flock goes first, then the dot-lock (the reverse of
    /// taking them).
    _dotlock: DotLock,
    dirty: bool,
}

fn busy(path: &Path, by: &str) -> Error {
    Error::new(
        ErrorKind::Temporary,
        format!("{} is locked by {by}; try again later", path.display()),
    )
}

/// `FILE.lock`, held by this run: removed on drop if the name still holds our file, by
/// inode and pid (a freed inode is soon reused): a program that broke our lock as stale
/// and took it has its own there now.
struct DotLock {
    path: PathBuf,
    id: (u64, u64),
}

impl Drop for DotLock {
    fn drop(&mut self) {
        let ours = fs::symlink_metadata(&self.path).is_ok_and(|m| (m.dev(), m.ino()) == self.id)
            && fs::read(&self.path)
                .is_ok_and(|t| t == format!("{}\n", std::process::id()).as_bytes());
        if ours {
            let _ = fs::remove_file(&self.path);
        }
    }
}

/// Takes `FILE.lock` holding our pid; a lock whose pid is gone, or that is older than five
/// minutes, is removed as stale (see [`break_if_stale`]). The lock is written under a name
/// of our own first and then linked to `FILE.lock` (link fails if it exists, as O_EXCL
/// does), so the lock never exists without its pid: a kill -9 between an O_EXCL create and
/// the write left an empty lock that only the five-minute rule could clear.
fn take_dotlock(lock: &Path, mbox: &Path) -> Result<DotLock, Error> {
    let mut own = lock.as_os_str().to_owned();
    own.push(format!(".{}", std::process::id()));
    take_dotlock_as(lock, mbox, Path::new(&own))
}

/// [`take_dotlock`] with the name the lock is written under first (one per process; the
/// tests race threads, each with its own).
fn take_dotlock_as(lock: &Path, mbox: &Path, own: &Path) -> Result<DotLock, Error> {
    let _ = fs::remove_file(own);
    let mut f = OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(own)
        .map_err(|e| local("creating", own, &e))?;
    let written = writeln!(f, "{}", std::process::id()).and_then(|()| f.metadata());
    drop(f);
    let meta = match written {
        Ok(m) => m,
        Err(e) => {
            let _ = fs::remove_file(own);
            return Err(local("writing", own, &e));
        }
    };
    let end = Instant::now() + LOCK_WAIT;
    let taken = loop {
        match fs::hard_link(own, lock) {
            Ok(()) => {
                break Ok(DotLock {
                    path: lock.to_owned(),
                    id: (meta.dev(), meta.ino()),
                });
            }
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {
                // A stale lock we cannot remove (a directory, another user's in a sticky
                // /var/mail) is waited on like a live one: retrying at once spun forever.
                if break_if_stale(lock) {
                    continue;
                }
                if Instant::now() >= end {
                    break Err(busy(mbox, &format!("another program ({})", lock.display())));
                }
                std::thread::sleep(Duration::from_millis(100));
            }
            // No hard links here (vfat, some FUSE): an O_EXCL create, then the pid.
            Err(e) if matches!(e.raw_os_error(), Some(libc::EPERM | libc::EOPNOTSUPP)) => {
                break OpenOptions::new()
                    .write(true)
                    .create_new(true)
                    .mode(0o600)
                    .open(lock)
                    .and_then(|mut f| {
                        writeln!(f, "{}", std::process::id())?;
                        f.metadata()
                    })
                    .map(|m| DotLock {
                        path: lock.to_owned(),
                        id: (m.dev(), m.ino()),
                    })
                    .map_err(|e| match e.kind() {
                        io::ErrorKind::AlreadyExists => {
                            busy(mbox, &format!("another program ({})", lock.display()))
                        }
                        _ => local("creating", lock, &e),
                    });
            }
            Err(e) => break Err(local("creating", lock, &e)),
        }
    };
    let _ = fs::remove_file(own);
    taken
}

/// Removes `lock` if it is stale; true when the caller should try to take it at once (it
/// is gone). Two runs that both found the same stale lock used to both remove "it": the
/// second removed the fresh lock the first had just linked in its place, and both held
/// the mbox. So the lock is judged and removed under an flock on the lock file itself
/// (released by the kernel if we die, so it can never go stale), and only if its name
/// still leads to the file judged: whoever broke it before us has removed that name, and
/// the file now there is judged afresh. Programs that break dot-locks their own way
/// (procmail, mutt) are not bound by this; with them it is as safe as their scheme.
fn break_if_stale(lock: &Path) -> bool {
    let file = match File::open(lock) {
        Ok(f) => f,
        Err(e) => return e.kind() == io::ErrorKind::NotFound,
    };
    // Another run is judging it: wait for its verdict.
    if !matches!(try_lock_exclusive(&file), Ok(true)) {
        return false;
    }
    let (Ok(held), named) = (file.metadata(), fs::symlink_metadata(lock)) else {
        return false;
    };
    match named {
        Ok(m) if (m.dev(), m.ino()) == (held.dev(), held.ino()) => {}
        Ok(_) => return true,
        Err(e) => return e.kind() == io::ErrorKind::NotFound,
    }
    dotlock_is_stale(&file, &held) && fs::remove_file(lock).is_ok()
}

fn dotlock_is_stale(lock: &File, meta: &fs::Metadata) -> bool {
    let mut text = String::new();
    let pid = lock
        .take(64)
        .read_to_string(&mut text)
        .ok()
        .and_then(|_| text.trim().parse::<i32>().ok());
    if let Some(pid) = pid.filter(|&p| p > 0) {
        // SAFETY: kill with signal 0 only checks that the process exists.
        let alive = unsafe { libc::kill(pid, 0) } == 0
            || io::Error::last_os_error().raw_os_error() == Some(libc::EPERM);
        return !alive;
    }
    meta.modified()
        .ok()
        .and_then(|t| t.elapsed().ok())
        .is_some_and(|age| age > STALE_LOCK)
}

impl Mbox {
    /// Locks and opens (creating, mode 0600) the mbox for this run. The dot-lock comes
    /// first, as procmail takes it: it needs no mbox, so a run that finds the mbox busy
    /// (exit 11) leaves no new empty file behind.
    pub fn open(path: &Path) -> Result<Mbox, Error> {
        if path.is_dir() {
            return Err(Error::new(
                ErrorKind::LocalIo,
                format!(
                    "{} is a directory (use --maildir for a Maildir)",
                    path.display()
                ),
            ));
        }
        let mut lock = path.as_os_str().to_owned();
        lock.push(".lock");
        let dotlock = take_dotlock(Path::new(&lock), path)?;
        let existed = path.exists();
        let file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .mode(0o600)
            .open(path)
            .map_err(|e| local("opening", path, &e))?;
        if !existed {
            sync_parent(path)?;
        }
        let end = Instant::now() + LOCK_WAIT;
        loop {
            match try_lock_exclusive(&file) {
                Ok(true) => break,
                Ok(false) if Instant::now() < end => std::thread::sleep(Duration::from_millis(100)),
                Ok(false) => return Err(busy(path, "another program (flock)")),
                Err(e) => return Err(local("locking", path, &e)),
            }
        }
        Ok(Mbox {
            path: path.to_owned(),
            file,
            _dotlock: dotlock,
            dirty: false,
        })
    }

    fn len(&self) -> Result<u64, Error> {
        self.file
            .metadata()
            .map(|m| m.len())
            .map_err(|e| local("reading", &self.path, &e))
    }

    fn truncate(&mut self, to: u64) -> Result<(), Error> {
        self.file
            .set_len(to)
            .and_then(|()| self.file.sync_all())
            .map_err(|e| local("truncating", &self.path, &e))
    }

    /// Where the first `\nFrom ` line after `start` begins (the next message), if any.
    fn next_from_line(&mut self, start: u64) -> Result<Option<u64>, Error> {
        let io = |e: io::Error| local("reading", &self.path, &e);
        self.file.seek(SeekFrom::Start(start)).map_err(io)?;
        let mut reader = io::BufReader::with_capacity(64 * 1024, &self.file);
        let mut pos = start;
        let mut line = Vec::new();
        let mut first = true;
        loop {
            line.clear();
            let n = io::BufRead::read_until(&mut reader, b'\n', &mut line).map_err(io)?;
            if n == 0 {
                return Ok(None);
            }
            if !first && line.starts_with(b"From ") {
                return Ok(Some(pos));
            }
            first = false;
            pos += n as u64;
        }
    }

    fn read_at(&mut self, at: u64, len: usize) -> Result<Vec<u8>, Error> {
        let mut buf = vec![0u8; len];
        self.file
            .seek(SeekFrom::Start(at))
            .and_then(|_| self.file.read_exact(&mut buf))
            .map_err(|e| local("reading", &self.path, &e))?;
        Ok(buf)
    }
}

/// The mboxrd transform as a streaming writer: CRLF → LF, `>*From ` quoted, over lines that
/// may arrive split across writes.
struct Quoting<W> {
    inner: W,
    at_line_start: bool,
    /// The start of the current line while it may still turn out to be `>*From `.
    pending: Vec<u8>,
    /// A CR seen at the end of a write: dropped if LF follows.
    cr: bool,
}

impl<W: Write> Quoting<W> {
    fn new(inner: W) -> Self {
        Quoting {
            inner,
            at_line_start: true,
            pending: Vec::new(),
            cr: false,
        }
    }

    /// Decides the pending line start once it is long enough (or the line ended).
    fn settle(&mut self, line_ended: bool) -> io::Result<()> {
        let gts = self.pending.iter().take_while(|&&b| b == b'>').count();
        let rest = &self.pending[gts..];
        let decided = rest.len() >= 5 || line_ended || !b"From ".starts_with(rest);
        if !decided {
            return Ok(());
        }
        if rest.starts_with(b"From ") {
            self.inner.write_all(b">")?;
        }
        self.inner.write_all(&self.pending)?;
        self.pending.clear();
        self.at_line_start = false;
        Ok(())
    }

    fn byte_run(&mut self, mut data: &[u8]) -> io::Result<()> {
        while !data.is_empty() {
            if self.cr {
                self.cr = false;
                if data[0] != b'\n' {
                    self.text(b"\r")?;
                }
            }
            match memchr::memchr2(b'\r', b'\n', data) {
                None => {
                    self.text(data)?;
                    return Ok(());
                }
                Some(i) => {
                    self.text(&data[..i])?;
                    if data[i] == b'\n' {
                        self.end_line()?;
                    } else if i + 1 == data.len() {
                        self.cr = true;
                    } else if data[i + 1] == b'\n' {
                        // CRLF: the CR goes, the LF is handled next round.
                    } else {
                        self.text(b"\r")?;
                    }
                    data = &data[i + 1..];
                }
            }
        }
        Ok(())
    }

    fn text(&mut self, data: &[u8]) -> io::Result<()> {
        if data.is_empty() {
            return Ok(());
        }
        if self.at_line_start {
            self.pending.extend_from_slice(data);
            self.settle(false)
        } else {
            self.inner.write_all(data)
        }
    }

    fn end_line(&mut self) -> io::Result<()> {
        if self.at_line_start && !self.pending.is_empty() {
            self.settle(true)?;
        }
        self.inner.write_all(b"\n")?;
        self.at_line_start = true;
        Ok(())
    }

    /// Ends the message: a final line end if missing, then the blank separator line.
    fn finish(mut self) -> io::Result<W> {
        if self.cr {
            self.cr = false;
            self.text(b"\r")?;
        }
        if !self.at_line_start || !self.pending.is_empty() {
            self.end_line()?;
        }
        self.inner.write_all(b"\n")?;
        Ok(self.inner)
    }
}

impl<W: Write> Write for Quoting<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.byte_run(buf)?;
        Ok(buf.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

fn from_line(received: Option<SystemTime>) -> String {
    let secs = received
        .unwrap_or_else(SystemTime::now)
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64);
    format!(
        "From MAILER-DAEMON {}\n",
        crate::proto::time::daytime::ctime(secs)
    )
}

impl MailSink for Mbox {
    fn deliver(&mut self, meta: &Meta<'_>, body: &mut Body<'_>) -> Result<(), Error> {
        let start = self.len()?;
        let path = self.path.clone();
        let io = |e: io::Error| local("writing", &path, &e);
        // A file whose last message lacks its blank line (another writer's) gets one first.
        let mut prefix = Vec::new();
        if start > 0 {
            let tail = self.read_at(start.saturating_sub(2), start.min(2) as usize)?;
            if !tail.ends_with(b"\n") {
                prefix.extend_from_slice(b"\n\n");
            } else if start >= 2 && !tail.ends_with(b"\n\n") {
                prefix.push(b'\n');
            }
        }
        self.file.seek(SeekFrom::Start(start)).map_err(io)?;
        let written = (|| {
            let mut out = BufWriter::with_capacity(64 * 1024, &self.file);
            out.write_all(&prefix).map_err(io)?;
            out.write_all(from_line(meta.received).as_bytes())
                .map_err(io)?;
            let mut quoting = Quoting::new(&mut out);
            body(&mut quoting)?;
            quoting.finish().map_err(io)?;
            out.flush().map_err(io)
        })();
        if let Err(e) = written {
            let _ = self.truncate(start);
            return Err(e);
        }
        // The data is fsynced per message: the state store records it right after.
        self.file
            .sync_data()
            .map_err(|e| local("syncing", &self.path, &e))?;
        self.dirty = false;
        Ok(())
    }

    fn sync(&mut self) -> Result<(), Error> {
        if self.dirty {
            self.file
                .sync_data()
                .map_err(|e| local("syncing", &self.path, &e))?;
            self.dirty = false;
        }
        Ok(())
    }

    /// An append announced at `pending` and not confirmed: if only our bytes follow that
    /// offset, they are cut off (complete or not) and the message is fetched again; if
    /// another program appended after them, ours stay and count as stored when complete.
    /// Bytes at that offset that do not begin with our `From MAILER-DAEMON ` line (after
    /// the blank-line prefix [`deliver`](Self::deliver) may write) are not ours — another
    /// MDA appended there after the crash, or a mail reader rewrote the file — and are
    /// never cut.
    fn recover(&mut self, _marker: &str, pending: Option<u64>) -> Result<Recovered, Error> {
        const OURS: &[u8] = b"From MAILER-DAEMON ";
        let Some(at) = pending else {
            return Ok(Recovered::Missing);
        };
        let len = self.len()?;
        if len <= at {
            return Ok(Recovered::Missing);
        }
        let head = self.read_at(at, (len - at).min(2 + OURS.len() as u64) as usize)?;
        let skip = head.iter().take(2).take_while(|&&b| b == b'\n').count();
        let rest = &head[skip..];
        let starts_ours = if rest.len() < OURS.len() {
            OURS.starts_with(rest)
        } else {
            rest.starts_with(OURS)
        };
        if !starts_ours {
            return Ok(Recovered::Missing);
        }
        let own = at + skip as u64;
        match self.next_from_line(own)? {
            None => {
                self.truncate(at)?;
                Ok(Recovered::Missing)
            }
            Some(next) => {
                let tail = self.read_at(next - 2.min(next - own), 2.min(next - own) as usize)?;
                Ok(if tail == b"\n\n" {
                    Recovered::Stored
                } else {
                    Recovered::Missing
                })
            }
        }
    }

    fn append_offset(&mut self) -> Result<Option<u64>, Error> {
        self.len().map(Some)
    }

    fn describe(&self) -> String {
        self.path.display().to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn quote(chunks: &[&[u8]]) -> Vec<u8> {
        let mut q = Quoting::new(Vec::new());
        for c in chunks {
            q.write_all(c).expect("write");
        }
        q.finish().expect("finish")
    }

    /// mboxrd un-quoting, as a reader does it.
    fn unquote(stored: &[u8]) -> Vec<u8> {
        let mut out = Vec::new();
        let body = stored.strip_suffix(b"\n").unwrap_or(stored);
        for line in body.split_inclusive(|&b| b == b'\n') {
            let gts = line.iter().take_while(|&&b| b == b'>').count();
            if gts > 0 && line[gts..].starts_with(b"From ") {
                out.extend_from_slice(&line[1..]);
            } else {
                out.extend_from_slice(line);
            }
        }
        out
    }

    #[test]
    fn from_lines_are_quoted_and_crlf_becomes_lf() {
        assert_eq!(
            quote(&[b"Subject: x\r\n\r\nFrom here\r\n>From there\r\nFromage\r\n"]),
            b"Subject: x\n\n>From here\n>>From there\nFromage\n\n"
        );
        assert_eq!(
            quote(&[b"Fr", b"om split\r", b"\nend"]),
            b">From split\nend\n\n"
        );
        assert_eq!(quote(&[b"a\rb\r\n"]), b"a\rb\n\n");
        assert_eq!(quote(&[b"x\r"]), b"x\r\n\n");
    }

    proptest! {
        #[test]
        fn quoting_round_trips_whatever_the_chunking(
            lines in proptest::collection::vec("(>{0,3}From |From|>|x|\\.| )[a-z ]{0,6}", 0..12),
            cut in 0usize..64,
        ) {
            let text: String = lines.iter().map(|l| format!("{l}\r\n")).collect();
            let bytes = text.as_bytes();
            let cut = cut.min(bytes.len());
            let stored = quote(&[&bytes[..cut], &bytes[cut..]]);
            prop_assert_eq!(stored.clone(), quote(&[bytes]));
            let lf = text.replace("\r\n", "\n");
            prop_assert_eq!(unquote(&stored), lf.as_bytes());
        }
    }

    fn deliver(mbox: &mut Mbox, bytes: &[u8]) -> Result<(), Error> {
        mbox.deliver(&Meta::default(), &mut |w: &mut dyn Write| {
            w.write_all(bytes)
                .map_err(|e| Error::new(ErrorKind::LocalIo, e.to_string()))
        })
    }

    #[test]
    fn a_stale_lock_that_cannot_be_removed_is_busy_not_a_spin() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("mbox");
        let lock = dir.path().join("mbox.lock");
        fs::create_dir(&lock).expect("lock dir");
        let old = std::time::SystemTime::now() - STALE_LOCK - Duration::from_secs(60);
        File::open(&lock)
            .and_then(|f| f.set_modified(old))
            .expect("age the lock");
        let err = Mbox::open(&path).err().expect("busy");
        assert_eq!(err.kind(), ErrorKind::Temporary, "{}", err.message());
        assert!(lock.is_dir());
        let left: Vec<_> = fs::read_dir(dir.path())
            .expect("dir")
            .map(|e| e.expect("entry").file_name())
            .filter(|n| n.to_string_lossy().starts_with("mbox.lock."))
            .collect();
        assert!(left.is_empty(), "{left:?}");
    }

    #[test]
    fn runs_racing_to_break_one_stale_lock_never_hold_it_together() {
        use std::sync::Barrier;
        use std::sync::atomic::{AtomicUsize, Ordering::SeqCst};
        const RACERS: usize = 6;
        let dir = tempfile::tempdir().expect("tempdir");
        let mbox = dir.path().join("mbox");
        let lock = dir.path().join("mbox.lock");
        for round in 0..20 {
            // pid_max is at most 2^22: no process has this pid.
            fs::write(&lock, b"999999999\n").expect("stale lock");
            let start = Barrier::new(RACERS);
            let holders = AtomicUsize::new(0);
            let most = AtomicUsize::new(0);
            std::thread::scope(|s| {
                for i in 0..RACERS {
                    let own = dir.path().join(format!("mbox.lock.racer{i}"));
                    let (start, holders, most) = (&start, &holders, &most);
                    let (lock, mbox) = (&lock, &mbox);
                    s.spawn(move || {
                        start.wait();
                        let held = take_dotlock_as(lock, mbox, &own).expect("taken in turn");
                        most.fetch_max(holders.fetch_add(1, SeqCst) + 1, SeqCst);
                        std::thread::sleep(Duration::from_millis(5));
                        holders.fetch_sub(1, SeqCst);
                        drop(held);
                    });
                }
            });
            assert_eq!(
                most.load(SeqCst),
                1,
                "round {round}: two runs held the lock at once"
            );
            assert!(!lock.exists(), "round {round}: the last one out removed it");
        }
    }

    #[test]
    fn our_lock_broken_and_taken_by_another_is_not_removed_at_the_end() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("mbox");
        let lock = dir.path().join("mbox.lock");
        let mbox = Mbox::open(&path).expect("open");
        fs::remove_file(&lock).expect("broken");
        fs::write(&lock, b"1\n").expect("another program's lock");
        drop(mbox);
        assert_eq!(fs::read(&lock).expect("kept"), b"1\n");
    }

    #[test]
    fn a_busy_dot_lock_leaves_no_new_mbox_behind() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("mbox");
        let lock = dir.path().join("mbox.lock");
        fs::write(&lock, format!("{}\n", std::process::id())).expect("live lock");
        let err = Mbox::open(&path).err().expect("busy");
        assert_eq!(err.kind(), ErrorKind::Temporary, "{}", err.message());
        assert!(!path.exists(), "the busy run created the mbox");
    }

    #[test]
    fn the_dot_lock_is_born_holding_our_pid_and_leaves_no_other_file() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("mbox");
        let mbox = Mbox::open(&path).expect("open");
        let lock = fs::read_to_string(dir.path().join("mbox.lock")).expect("lock");
        assert_eq!(lock.trim(), std::process::id().to_string());
        let mut names: Vec<String> = fs::read_dir(dir.path())
            .expect("dir")
            .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        assert_eq!(names, ["mbox", "mbox.lock"]);
        drop(mbox);
        assert!(!dir.path().join("mbox.lock").exists());
    }

    #[test]
    fn appends_are_separated_and_a_failed_one_is_cut_off() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("mbox");
        let mut mbox = Mbox::open(&path).expect("open");
        assert!(dir.path().join("mbox.lock").exists());
        deliver(&mut mbox, b"A: 1\r\n\r\none\r\n").expect("one");
        let after_one = fs::read(&path).expect("read");
        let err = mbox
            .deliver(&Meta::default(), &mut |w: &mut dyn Write| {
                let _ = w.write_all(b"B: half");
                Err(Error::new(ErrorKind::Protocol, "dropped"))
            })
            .expect_err("fails");
        assert_eq!(err.kind(), ErrorKind::Protocol);
        assert_eq!(fs::read(&path).expect("read"), after_one);
        deliver(&mut mbox, b"A: 2\r\n\r\ntwo").expect("two");
        drop(mbox);
        assert!(!dir.path().join("mbox.lock").exists());
        let text = String::from_utf8(fs::read(&path).expect("read")).expect("utf8");
        let parts: Vec<&str> = text.split("From MAILER-DAEMON ").collect();
        assert_eq!(parts.len(), 3, "{text}");
        assert!(parts[1].ends_with("\nA: 1\n\none\n\n"), "{text}");
        assert!(parts[2].ends_with("\nA: 2\n\ntwo\n\n"), "{text}");
    }

    #[test]
    fn a_second_writer_waits_for_the_locks() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("mbox");
        // A dot-lock held by a live process (this one) is respected…
        fs::write(
            dir.path().join("mbox.lock"),
            format!("{}\n", std::process::id()),
        )
        .expect("lock");
        let t = Instant::now();
        let err = Mbox::open(&path).err().expect("locked");
        assert_eq!(err.kind(), ErrorKind::Temporary);
        assert!(t.elapsed() >= LOCK_WAIT);
        // …one whose process is gone is stale.
        fs::write(dir.path().join("mbox.lock"), b"999999999\n").expect("lock");
        assert!(Mbox::open(&path).is_ok());
    }

    #[test]
    fn recovery_never_cuts_mail_another_program_appended_at_the_announced_offset() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("mbox");
        let mut mbox = Mbox::open(&path).expect("open");
        deliver(&mut mbox, b"A: 1\r\n\r\none\r\n").expect("one");
        let at = mbox.append_offset().expect("offset").expect("some");
        // A crash after the announcement, before any byte; then procmail delivers.
        let mut more = fs::read(&path).expect("read");
        more.extend_from_slice(b"From alice@x Sat Dec  6 00:00:00 2026\nB: 1\n\nkeep\n\n");
        fs::write(&path, &more).expect("write");
        assert_eq!(
            mbox.recover("", Some(at)).expect("recover"),
            Recovered::Missing
        );
        assert_eq!(fs::read(&path).expect("read"), more);
        // A mail reader rewrote the file: the offset now falls inside a message.
        let inside = more.len() as u64 - 6;
        assert_eq!(
            mbox.recover("", Some(inside)).expect("recover"),
            Recovered::Missing
        );
        assert_eq!(fs::read(&path).expect("read"), more);
        // Our own partial From line (after the blank-line prefix) is still cut.
        let mut half = more.clone();
        half.extend_from_slice(b"\nFrom MAIL");
        fs::write(&path, &half).expect("write");
        let end = more.len() as u64;
        assert_eq!(
            mbox.recover("", Some(end)).expect("recover"),
            Recovered::Missing
        );
        assert_eq!(fs::read(&path).expect("read"), more);
    }

    #[test]
    fn recovery_cuts_our_unconfirmed_tail_and_keeps_foreign_mail() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("mbox");
        let mut mbox = Mbox::open(&path).expect("open");
        deliver(&mut mbox, b"A: 1\r\n\r\none\r\n").expect("one");
        let at = mbox.append_offset().expect("offset").expect("some");
        // A crash in the middle of our append at `at`.
        let mut half = fs::read(&path).expect("read");
        half.extend_from_slice(b"From MAILER-DAEMON Sat Dec  6 00:00:00 2026\nA: 2\n\ntw");
        fs::write(&path, &half).expect("write");
        assert_eq!(
            mbox.recover("", Some(at)).expect("recover"),
            Recovered::Missing
        );
        assert_eq!(fs::metadata(&path).map_or(0, |m| m.len()), at);
        // A complete append of ours, then another program's message after it.
        deliver(&mut mbox, b"A: 2\r\n\r\ntwo\r\n").expect("two");
        let mut more = fs::read(&path).expect("read");
        more.extend_from_slice(b"From other@x Sat Dec  6 00:00:00 2026\nB: 1\n\n");
        fs::write(&path, &more).expect("write");
        assert_eq!(
            mbox.recover("", Some(at)).expect("recover"),
            Recovered::Stored
        );
        assert_eq!(fs::read(&path).expect("read"), more);
        assert_eq!(mbox.recover("", None).expect("recover"), Recovered::Missing);
    }
}
