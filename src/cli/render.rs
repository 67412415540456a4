//! Output (SPEC §4): human lines or JSON on stdout through one buffered writer, JSON Lines
//! for streams. Write errors propagate as `io::Error`, so a closed pipe ends the command
//! quietly through `exit::report`.

use std::io::{self, BufWriter, StdoutLock, Write};

use serde::Serialize;

/// Buffered stdout. Bulk commands write millions of lines: one syscall per 64 KiB, not per line.
pub struct Stdout {
    inner: BufWriter<StdoutLock<'static>>,
}

impl Stdout {
    pub fn new() -> Self {
        Stdout {
            inner: BufWriter::with_capacity(64 * 1024, io::stdout().lock()),
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

/// A per-item problem in a stream (one bad URL among many): `netkit CMD: message` on
/// stderr, the stream goes on. The caller ends with `Outcome::Exit(Partial)`.
pub fn warn(command: &str, message: &str) {
    let _ = writeln!(io::stderr().lock(), "netkit {command}: {message}");
}

/// Server- or user-supplied text made safe for a terminal: control characters (ANSI
/// escapes included) are shown as `\xNN` instead of being interpreted.
pub fn clean_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_control() && c != '\t' {
            out.push_str(&format!("\\x{:02x}", c as u32));
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_are_made_visible() {
        assert_eq!(clean_text("a\x1b[31mb\r"), "a\\x1b[31mb\\x0d");
        assert_eq!(clean_text("tab\tok"), "tab\tok");
    }
}
