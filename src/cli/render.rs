//! Output (SPEC §4): human lines or JSON on stdout through one buffered writer, JSON Lines
//! for streams. Write errors propagate as `io::Error`, so a closed pipe ends the command
//! quietly through `exit::report`.

use std::io::{self, BufWriter, StdoutLock, Write};
use std::sync::atomic::{AtomicBool, Ordering};

use serde::Serialize;

/// Buffered stdout. Bulk commands write millions of lines: one syscall per 64 KiB, not per line.
pub struct Stdout {
    inner: BufWriter<Sink>,
}

/// Rust's standard library pretends writes to a closed stdout (`>&-`) succeed; a command
/// whose output is lost must say so (exit 9), so a closed descriptor is noticed up front.
enum Sink {
    Open(StdoutLock<'static>),
    Closed,
}

impl Write for Sink {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match self {
            Sink::Open(s) => s.write(buf),
            Sink::Closed => Err(closed()),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        match self {
            Sink::Open(s) => s.flush(),
            Sink::Closed => Ok(()),
        }
    }
}

fn closed() -> io::Error {
    io::Error::other("standard output is closed")
}

static STDOUT_CLOSED: AtomicBool = AtomicBool::new(false);

fn stdout_is_open() -> bool {
    !STDOUT_CLOSED.load(Ordering::Relaxed)
}

/// At start-up, before anything opens a file: a closed descriptor 0, 1 or 2 is put on
/// /dev/null, so no socket or file can take its number and receive what was meant for the
/// terminal; a closed stdout is remembered, and writing to it is then an error.
pub fn guard_standard_descriptors() {
    for fd in 0..=2 {
        // SAFETY: F_GETFD reads descriptor flags; open() on a constant C string. No Rust
        // memory is involved, and this runs before any thread is started.
        let closed = unsafe { libc::fcntl(fd, libc::F_GETFD) == -1 };
        if closed {
            if fd == libc::STDOUT_FILENO {
                STDOUT_CLOSED.store(true, Ordering::Relaxed);
            }
            // open() returns the lowest free descriptor: this one.
            unsafe { libc::open(c"/dev/null".as_ptr(), libc::O_RDWR) };
        }
    }
}

impl Stdout {
    pub fn new() -> Self {
        let sink = if stdout_is_open() {
            Sink::Open(io::stdout().lock())
        } else {
            Sink::Closed
        };
        Stdout {
            inner: BufWriter::with_capacity(64 * 1024, sink),
        }
    }

    /// One JSON document (or one JSON Lines record) and a newline.
    pub fn json<T: Serialize + ?Sized>(&mut self, value: &T) -> io::Result<()> {
        serde_json::to_writer(&mut self.inner, value).map_err(io::Error::from)?;
        self.inner.write_all(b"\n")
    }

    /// One human line; `text` gets a newline.
    pub fn line(&mut self, text: &str) -> io::Result<()> {
        self.bytes_line(text.as_bytes())
    }

    /// One line of raw bytes (decoded data that need not be UTF-8) and a newline.
    pub fn bytes_line(&mut self, bytes: &[u8]) -> io::Result<()> {
        self.inner.write_all(bytes)?;
        self.inner.write_all(b"\n")
    }

    /// Flush before the command returns; a command must call it so that errors surface.
    pub fn finish(mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

impl Default for Stdout {
    fn default() -> Self {
        Self::new()
    }
}

impl Write for Stdout {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.inner.write(buf)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

/// A stdout write's error as netkit's: a closed pipe or a full disk is local I/O (9).
pub fn write_out(r: io::Result<()>) -> Result<(), crate::Error> {
    r.map_err(|e| {
        if e.kind() == io::ErrorKind::BrokenPipe {
            crate::Error::new(crate::ErrorKind::LocalIo, "stdout closed")
        } else {
            crate::Error::new(
                crate::ErrorKind::LocalIo,
                format!("writing stdout: {}", crate::error::io_words(&e)),
            )
        }
    })
}

/// A per-item problem in a stream (one bad URL among many): `netkit CMD: message` on
/// stderr, the stream goes on. The caller ends with `Outcome::Exit(Partial)`.
pub fn warn(command: &str, message: &str) {
    let message = crate::auth::secret::mask_secrets(message);
    let _ = writeln!(io::stderr().lock(), "netkit {command}: {message}");
}

/// A warning that keeps stderr parseable under `--json`: there it is one JSON line,
/// `{"warning":{"command":…,"message":…}}`, beside the error lines of SPEC §4.
pub fn warn_as(command: &str, json: bool, message: &str) {
    if json {
        let message = crate::auth::secret::mask_secrets(message);
        let line = serde_json::json!({"warning": {"command": command, "message": message}});
        let _ = writeln!(io::stderr().lock(), "{line}");
    } else {
        warn(command, message);
    }
}

/// Server- or user-supplied text made safe for a terminal: control characters (ANSI
/// escapes included) are shown as `\xNN` instead of being interpreted.
pub fn clean_text(text: &str) -> String {
    crate::auth::redact::escape_controls(text).into_owned()
}

/// Bytes as lowercase hex digits, as `sha256sum` prints a digest (`--sha256` messages).
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_are_made_visible() {
        assert_eq!(clean_text("a\x1b[31mb\r"), "a\\x1b[31mb\\x0d");
        assert_eq!(clean_text("tab\tok"), "tab\tok");
    }

    #[test]
    fn hex_is_lowercase_and_zero_padded() {
        assert_eq!(hex(&[0x00, 0x0f, 0xab, 0xff]), "000fabff");
        assert_eq!(hex(&[]), "");
    }
}
