//! Local input under the run's bounds: `--max-time` covers reading files and stdin too (a
//! stalled pipe is polled, never waited on blindly), and a size limit stops `/dev/zero` as
//! soon as it passes it instead of filling memory or the disk.

use std::io::{self, Read, Write};
use std::os::fd::{AsRawFd, RawFd};
use std::time::Instant;

use crate::{Error, ErrorKind};

/// How much, and until when, one run may read.
#[derive(Debug, Clone, Copy, Default)]
pub struct Bounds {
    /// Most bytes read in all (`--max-size`); `None`: no limit.
    pub max_bytes: Option<u64>,
    /// `--max-time`'s deadline.
    pub deadline: Option<Instant>,
}

/// Copies `from` to `to` until EOF within `bounds`; returns the bytes copied. `what` names
/// the input in errors (`stdin`, `--attach big.iso`).
pub fn copy(
    from: &mut (impl Read + AsRawFd),
    to: &mut impl Write,
    bounds: Bounds,
    what: &str,
) -> Result<u64, Error> {
    copy_until(from, to, bounds, what, 0, |_| false).map(|(n, _)| n)
}

/// [`copy`] in steps: `already` bytes of the same input were read before (they count
/// against `bounds.max_bytes` and in messages), and after each chunk is written `stop` sees
/// it and may end the copy early (a header block's end, say). Returns the bytes copied by
/// this call and whether the input reached its end.
pub fn copy_until(
    from: &mut (impl Read + AsRawFd),
    to: &mut impl Write,
    bounds: Bounds,
    what: &str,
    already: u64,
    mut stop: impl FnMut(&[u8]) -> bool,
) -> Result<(u64, bool), Error> {
    let fd = from.as_raw_fd();
    let mut buf = vec![0u8; 64 * 1024];
    let mut total = already;
    let local = |e: io::Error| {
        Error::new(
            ErrorKind::LocalIo,
            format!("reading {what}: {}", crate::error::io_words(&e)),
        )
    };
    loop {
        if let Some(end) = bounds.deadline {
            let left = end.saturating_duration_since(Instant::now());
            if left.is_zero() || !readable_within(fd, left).map_err(local)? {
                return Err(Error::new(
                    ErrorKind::Timeout,
                    format!("--max-time reached while reading {what} ({total} bytes read)"),
                ));
            }
        }
        let n = match from.read(&mut buf) {
            Ok(0) => return Ok((total - already, true)),
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(local(e)),
        };
        total += n as u64;
        if let Some(max) = bounds.max_bytes.filter(|&m| total > m) {
            return Err(Error::new(
                ErrorKind::Refused,
                format!("{what} is over the limit of {max} bytes (--max-size): not sent"),
            ));
        }
        to.write_all(&buf[..n]).map_err(|e| {
            Error::new(
                ErrorKind::LocalIo,
                format!("spooling {what}: {}", crate::error::io_words(&e)),
            )
        })?;
        if stop(&buf[..n]) {
            return Ok((total - already, false));
        }
    }
}

/// Reads all of `from` into memory within `bounds`.
pub fn read_all(
    from: &mut (impl Read + AsRawFd),
    bounds: Bounds,
    what: &str,
) -> Result<Vec<u8>, Error> {
    let mut out = Vec::new();
    copy(from, &mut out, bounds, what)?;
    Ok(out)
}

/// Most bytes of stdin spooled to a temporary file when a command needs its length or must
/// read it twice (an IMAP literal, an HTTP body sent again after a redirect), unless the
/// command has a limit of its own: endless input stops there instead of filling the disk.
pub const SPOOL_MAX: u64 = 256 << 20;

/// Stdin as a `File` (a duplicate of descriptor 0), for commands that take `-` where a file
/// goes: its metadata tells a regular file (used in place) from a pipe.
pub fn stdin_file() -> io::Result<std::fs::File> {
    use std::os::fd::AsFd;
    io::stdin()
        .as_fd()
        .try_clone_to_owned()
        .map(std::fs::File::from)
}

/// Stdin spooled to an unnamed temporary file within `bounds` (at most [`SPOOL_MAX`] unless
/// `bounds` says less), rewound; and its length.
pub fn spool_stdin(bounds: Bounds) -> Result<(std::fs::File, u64), Error> {
    let local = |e: io::Error| {
        Error::new(
            ErrorKind::LocalIo,
            format!("spooling stdin: {}", crate::error::io_words(&e)),
        )
    };
    let mut spool = tempfile::tempfile().map_err(local)?;
    let bounds = Bounds {
        max_bytes: Some(bounds.max_bytes.unwrap_or(SPOOL_MAX)),
        ..bounds
    };
    let len = copy(&mut io::stdin().lock(), &mut spool, bounds, "stdin")?;
    std::io::Seek::rewind(&mut spool).map_err(local)?;
    Ok((spool, len))
}

/// A reader that waits for data only until `deadline`: a pipe whose writer went silent
/// ends with `TimedOut` at `--max-time` instead of holding the run past it.
pub struct UntilDeadline<R> {
    pub inner: R,
    pub deadline: Option<Instant>,
}

impl<R: Read + AsRawFd> Read for UntilDeadline<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if let Some(end) = self.deadline {
            let left = end.saturating_duration_since(Instant::now());
            if left.is_zero() || !readable_within(self.inner.as_raw_fd(), left)? {
                return Err(io::Error::new(
                    io::ErrorKind::TimedOut,
                    "--max-time reached while reading the input",
                ));
            }
        }
        self.inner.read(buf)
    }
}

/// True when `fd` has data (or EOF) within `wait`. Regular files are always readable.
fn readable_within(fd: RawFd, wait: std::time::Duration) -> io::Result<bool> {
    let mut pfd = libc::pollfd {
        fd,
        events: libc::POLLIN,
        revents: 0,
    };
    let ms = libc::c_int::try_from(wait.as_millis().max(1)).unwrap_or(libc::c_int::MAX);
    loop {
        // SAFETY: one valid pollfd for the call's duration.
        let r = unsafe { libc::poll(&mut pfd, 1, ms) };
        match r {
            0 => return Ok(false),
            r if r > 0 => return Ok(true),
            _ => {
                let e = io::Error::last_os_error();
                if e.kind() != io::ErrorKind::Interrupted {
                    return Err(e);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn a_size_limit_stops_an_endless_input_as_it_passes() {
        let mut zero = std::fs::File::open("/dev/zero").expect("/dev/zero");
        let bounds = Bounds {
            max_bytes: Some(1_000_000),
            deadline: None,
        };
        let err = read_all(&mut zero, bounds, "stdin").expect_err("over the limit");
        assert_eq!(err.kind(), ErrorKind::Refused);
    }

    #[test]
    fn the_deadline_stops_an_endless_input() {
        let mut zero = std::fs::File::open("/dev/zero").expect("/dev/zero");
        let bounds = Bounds {
            max_bytes: None,
            deadline: Instant::now().checked_add(Duration::from_millis(200)),
        };
        let err = copy(&mut zero, &mut io::sink(), bounds, "x").expect_err("deadline");
        assert_eq!(err.kind(), ErrorKind::Timeout);
    }

    #[test]
    fn a_copy_in_steps_counts_what_was_read_before_and_stops_when_asked() {
        let mut zero = std::fs::File::open("/dev/zero").expect("/dev/zero");
        let mut out = Vec::new();
        let (n, eof) = copy_until(&mut zero, &mut out, Bounds::default(), "z", 0, |_| true)
            .expect("one chunk");
        assert!(!eof && n > 0 && out.len() as u64 == n);
        let bounds = Bounds {
            max_bytes: Some(n + 10),
            deadline: None,
        };
        let err =
            copy_until(&mut zero, &mut out, bounds, "z", n, |_| false).expect_err("over the limit");
        assert!(
            err.message().contains(&format!("{} bytes", n + 10)),
            "{err}"
        );
        let mut f = tempfile::tempfile().expect("tempfile");
        f.write_all(b"hello").expect("write");
        std::io::Seek::rewind(&mut f).expect("rewind");
        let (n, eof) = copy_until(&mut f, &mut io::sink(), bounds, "f", 3, |_| false).expect("f");
        assert_eq!((n, eof), (5, true));
    }

    #[test]
    fn a_whole_file_is_copied() {
        let mut f = tempfile::tempfile().expect("tempfile");
        f.write_all(b"hello").expect("write");
        std::io::Seek::rewind(&mut f).expect("rewind");
        assert_eq!(
            read_all(&mut f, Bounds::default(), "f").expect("read"),
            b"hello"
        );
    }
}
