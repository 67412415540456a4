//! The capped line reader every line protocol reads through. RFC 5321 §4.5.3.1.5 allows
//! 512-byte reply lines and RFC 3501 IMAP lines are unbounded in theory: netkit caps a line
//! at a generous limit and treats anything longer as a protocol error, never as memory.
//!
//! `-t` bounds a whole step, not the gap between bytes: with a [`StepClock`] installed, a
//! line (or a whole reply, see [`LineReader::begin_step`]) must be complete within the
//! timeout, so a peer that trickles one byte a second cannot hold a command for ever.

use std::io::{self, Read};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use crate::net::stream::{QUICK_ACK_BELOW, quick_ack};
use crate::{Error, ErrorKind};

/// Default cap on one line: far above what any real server sends, far below trouble.
pub const DEFAULT_MAX_LINE: usize = 64 * 1024;

/// The least a partial piece of a long body line holds ([`LineReader::read_piece`]): more
/// than any terminator line, so the dot rules can always be decided on the piece.
pub const PIECE: usize = 8 * 1024;

/// Buffered reader that hands out one line at a time, without its line ending.
pub struct LineReader<R> {
    inner: R,
    buf: Vec<u8>,
    start: usize,
    end: usize,
    max_line: usize,
    /// Bytes received so far: a connection that ends before the first byte never began.
    received: u64,
    clock: Option<StepClock>,
}

/// The socket's read timeout, shortened as a step runs out. A second handle on the socket
/// (`try_clone`) sets it, so the reader works the same over plain TCP and TLS.
pub struct StepClock {
    socket: TcpStream,
    /// `-t`: the longest a step may take, and the socket's timeout between steps.
    step: Duration,
    deadline: Option<Instant>,
    /// The socket's timeout was shortened below `step` and must be put back.
    shortened: bool,
}

impl StepClock {
    pub fn new(socket: TcpStream, step: Duration) -> Self {
        StepClock {
            socket,
            step,
            deadline: None,
            shortened: false,
        }
    }

    /// Before a read inside a step: what is left of it, as the socket's timeout.
    fn arm(&mut self) -> Result<(), Error> {
        let Some(deadline) = self.deadline else {
            return Ok(());
        };
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Err(step_timeout(self.step));
        }
        // Early in a step the socket's own timeout (= step) is close enough: skip the call.
        if self.step.saturating_sub(left) > Duration::from_millis(10) {
            self.socket.set_read_timeout(Some(left)).map_err(|e| {
                Error::new(
                    ErrorKind::LocalIo,
                    format!("socket timeout: {}", crate::error::io_words(&e)),
                )
            })?;
            self.shortened = true;
        }
        Ok(())
    }

    /// INN's nnrpd writes "101 Capability list:", then the list: the second piece waits
    /// under Nagle for our ACK (see [`quick_ack`]).
    fn quick_ack(&self) {
        quick_ack(&self.socket);
    }

    fn end(&mut self) {
        self.deadline = None;
        if self.shortened {
            self.shortened = false;
            // Best effort: a failure here shows as a timeout error on the next read.
            let _ = self.socket.set_read_timeout(Some(self.step));
        }
    }
}

impl<R: Read> LineReader<R> {
    pub fn new(inner: R) -> Self {
        Self::with_max_line(inner, DEFAULT_MAX_LINE)
    }

    pub fn with_max_line(inner: R, max_line: usize) -> Self {
        LineReader {
            inner,
            buf: vec![0; 16 * 1024],
            start: 0,
            end: 0,
            max_line,
            received: 0,
            clock: None,
        }
    }

    /// Bounds every step (a line, or what [`LineReader::begin_step`] spans) by `clock`.
    pub fn set_step_clock(&mut self, clock: StepClock) {
        self.clock = Some(clock);
    }

    /// Starts a step that spans several lines (a multi-line reply). Returns false when one
    /// is already running or no clock is installed; only the caller that began it ends it.
    pub fn begin_step(&mut self) -> bool {
        match &mut self.clock {
            Some(c) if c.deadline.is_none() => {
                c.deadline = Some(Instant::now() + c.step);
                true
            }
            _ => false,
        }
    }

    pub fn end_step(&mut self) {
        if let Some(c) = &mut self.clock {
            c.end();
        }
    }

    pub fn get_ref(&self) -> &R {
        &self.inner
    }

    pub fn get_mut(&mut self) -> &mut R {
        &mut self.inner
    }

    /// Bytes received but not yet handed out. STARTTLS must find none: a server that sends
    /// data after "220 Ready to start TLS" is injecting plaintext (CVE-2011-0411 style).
    pub fn buffered(&self) -> &[u8] {
        &self.buf[self.start..self.end]
    }

    /// Bytes received on this connection so far.
    pub fn received(&self) -> u64 {
        self.received
    }

    /// Gives back the inner stream, for an in-place upgrade (STARTTLS).
    pub fn into_inner(mut self) -> R {
        self.end_step();
        self.inner
    }

    /// The next line without CRLF (a bare LF ends a line too: some servers send it). EOF
    /// before any byte of a line is `Ok(None)`; EOF inside a line is a protocol error.
    /// The line is one step: it must be complete within the step clock's timeout.
    pub fn read_line(&mut self) -> Result<Option<&[u8]>, Error> {
        let began = self.begin_step();
        let found = self.find_line();
        if began {
            self.end_step();
        }
        Ok(found?.map(|(start, end)| &self.buf[start..end]))
    }

    /// The next piece of data in a line-structured body: through its LF when the line is
    /// buffered whole, else at least [`PIECE`] bytes of it, so lines longer than any cap
    /// stream through in constant memory. The flag says whether the piece ends its line.
    /// EOF before any byte is `Ok(None)`; EOF inside a line is a protocol error.
    pub fn read_piece(&mut self) -> Result<Option<(&[u8], bool)>, Error> {
        let began = self.begin_step();
        let found = self.find_piece();
        if began {
            self.end_step();
        }
        Ok(found?.map(|(start, end, ends)| (&self.buf[start..end], ends)))
    }

    fn find_piece(&mut self) -> Result<Option<(usize, usize, bool)>, Error> {
        loop {
            let start = self.start;
            if let Some(pos) = memchr::memchr(b'\n', &self.buf[start..self.end]) {
                self.start = start + pos + 1;
                return Ok(Some((start, self.start, true)));
            }
            if self.end - start >= PIECE {
                self.start = self.end;
                return Ok(Some((start, self.end, false)));
            }
            if self.fill()? == 0 {
                return if self.start == self.end {
                    Ok(None)
                } else {
                    Err(Error::new(
                        ErrorKind::Protocol,
                        "connection closed in the middle of a line",
                    ))
                };
            }
        }
    }

    /// The bounds of the next line in `buf`, reading as needed.
    fn find_line(&mut self) -> Result<Option<(usize, usize)>, Error> {
        // Offset from `start` already searched, so a slow trickle is not rescanned.
        let mut scanned = 0;
        loop {
            let found = self.buf[self.start + scanned..self.end]
                .iter()
                .position(|&b| b == b'\n');
            if let Some(pos) = found {
                let line_start = self.start;
                let newline = line_start + scanned + pos;
                self.start = newline + 1;
                let mut line_end = newline;
                if line_end > line_start && self.buf[line_end - 1] == b'\r' {
                    line_end -= 1;
                }
                if line_end - line_start > self.max_line {
                    return Err(too_long(self.max_line));
                }
                return Ok(Some((line_start, line_end)));
            }
            scanned = self.end - self.start;
            if scanned > self.max_line + 1 {
                return Err(too_long(self.max_line));
            }
            if self.fill()? == 0 {
                return if self.start == self.end {
                    Ok(None)
                } else {
                    Err(Error::new(
                        ErrorKind::Protocol,
                        "connection closed in the middle of a line",
                    ))
                };
            }
        }
    }

    /// Reads more bytes into the buffer, compacting or growing it (up to the line cap).
    /// Returns how many bytes arrived; 0 is EOF.
    fn fill(&mut self) -> Result<usize, Error> {
        if self.start == self.end {
            self.start = 0;
            self.end = 0;
        }
        if self.end == self.buf.len() {
            if self.start > 0 {
                self.buf.copy_within(self.start..self.end, 0);
                self.end -= self.start;
                self.start = 0;
            } else {
                let grown = (self.buf.len() * 2)
                    .min(self.max_line + 2)
                    .max(self.buf.len() + 1);
                self.buf.resize(grown, 0);
            }
        }
        if let Some(clock) = &mut self.clock {
            clock.arm()?;
        }
        loop {
            match self.inner.read(&mut self.buf[self.end..]) {
                Ok(n) => {
                    self.end += n;
                    self.received += n as u64;
                    if let Some(clock) = &self.clock
                        && n > 0
                        && n < QUICK_ACK_BELOW
                    {
                        clock.quick_ack();
                    }
                    return Ok(n);
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => {
                    let silent = matches!(
                        e.kind(),
                        io::ErrorKind::TimedOut | io::ErrorKind::WouldBlock
                    );
                    return Err(match &self.clock {
                        Some(c) if silent => step_timeout(c.step),
                        _ => read_error(e),
                    });
                }
            }
        }
    }

    /// Copies exactly `n` bytes (an IMAP literal) to `out`, through the buffer, in constant
    /// memory whatever `n` is; `out` = `None` skips them. The socket's timeout bounds each
    /// read, not the whole copy (a 100 MiB literal takes what it takes).
    pub fn copy_exact_to(
        &mut self,
        mut out: Option<&mut dyn std::io::Write>,
        mut n: u64,
    ) -> Result<(), Error> {
        while n > 0 {
            if self.start == self.end && self.fill()? == 0 {
                return Err(Error::new(
                    ErrorKind::Protocol,
                    format!("connection closed with {n} bytes of a literal missing"),
                ));
            }
            let take = (self.end - self.start).min(usize::try_from(n).unwrap_or(usize::MAX));
            if let Some(w) = out.as_mut() {
                w.write_all(&self.buf[self.start..self.start + take])
                    .map_err(|e| {
                        Error::new(
                            ErrorKind::LocalIo,
                            format!("writing: {}", crate::error::io_words(&e)),
                        )
                    })?;
            }
            self.start += take;
            n -= take as u64;
        }
        Ok(())
    }

    /// Reads exactly `n` bytes (an IMAP literal), through the buffer.
    pub fn read_exact_into(&mut self, out: &mut Vec<u8>, mut n: usize) -> Result<(), Error> {
        while n > 0 {
            if self.start == self.end && self.fill()? == 0 {
                return Err(Error::new(
                    ErrorKind::Protocol,
                    format!("connection closed with {n} bytes of a literal missing"),
                ));
            }
            let take = n.min(self.end - self.start);
            out.extend_from_slice(&self.buf[self.start..self.start + take]);
            self.start += take;
            n -= take;
        }
        Ok(())
    }
}

fn step_timeout(step: Duration) -> Error {
    Error::new(
        ErrorKind::Timeout,
        format!(
            "timed out: no complete reply from the server within {} (raise --timeout)",
            crate::net::wait::seconds(step)
        ),
    )
}

fn too_long(max: usize) -> Error {
    Error::new(
        ErrorKind::Protocol,
        format!("the server sent a line longer than {max} bytes"),
    )
}

/// A read error on an established connection: silence is a timeout (5), anything else
/// means the connection dropped mid-exchange (8).
pub fn read_error(e: io::Error) -> Error {
    match e.kind() {
        io::ErrorKind::TimedOut | io::ErrorKind::WouldBlock => Error::new(
            ErrorKind::Timeout,
            "timed out waiting for the server (raise --timeout)",
        ),
        _ => Error::new(
            ErrorKind::Protocol,
            format!(
                "connection lost while reading: {}",
                crate::error::io_words(&e)
            ),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// A reader that hands out its data a few bytes at a time, like a slow server.
    struct Trickle<'a>(&'a [u8], usize);

    impl Read for Trickle<'_> {
        fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
            let n = self.1.min(self.0.len()).min(out.len());
            out[..n].copy_from_slice(&self.0[..n]);
            self.0 = &self.0[n..];
            Ok(n)
        }
    }

    fn all_lines(input: &[u8], chunk: usize, max: usize) -> Result<Vec<Vec<u8>>, Error> {
        let mut r = LineReader::with_max_line(Trickle(input, chunk), max);
        let mut out = Vec::new();
        while let Some(line) = r.read_line()? {
            out.push(line.to_vec());
        }
        Ok(out)
    }

    #[test]
    fn crlf_and_bare_lf_both_end_lines() {
        let got = all_lines(b"220 hi\r\n250-a\n250 b\r\n", 3, 100).unwrap();
        assert_eq!(
            got,
            [b"220 hi".to_vec(), b"250-a".to_vec(), b"250 b".to_vec()]
        );
    }

    #[test]
    fn endless_line_is_a_protocol_error_with_bounded_memory() {
        let endless = vec![b'a'; 1 << 20];
        let mut r = LineReader::with_max_line(&endless[..], 1000);
        let err = r.read_line().unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Protocol);
        assert!(r.buf.len() <= 16 * 1024, "buffer grew to {}", r.buf.len());
    }

    #[test]
    fn eof_inside_a_line_is_a_drop_not_a_line() {
        let err = all_lines(b"220 ok\r\n250 half", 4, 100).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Protocol);
    }

    #[test]
    fn silence_maps_to_timeout() {
        let err = read_error(io::Error::from(io::ErrorKind::WouldBlock));
        assert_eq!(err.kind(), ErrorKind::Timeout);
    }

    #[test]
    fn literal_bytes_come_through_the_buffer() {
        let mut r = LineReader::new(&b"* 1 FETCH {5}\r\nhello)\r\n"[..]);
        assert_eq!(r.read_line().unwrap(), Some(&b"* 1 FETCH {5}"[..]));
        let mut lit = Vec::new();
        r.read_exact_into(&mut lit, 5).unwrap();
        assert_eq!(lit, b"hello");
        assert_eq!(r.read_line().unwrap(), Some(&b")"[..]));
        assert!(r.read_exact_into(&mut lit, 1).is_err());
    }

    proptest! {
        #[test]
        fn any_split_gives_the_same_lines(data in proptest::collection::vec(any::<u8>(), 0..600), chunk in 1usize..40) {
            let whole = all_lines(&data, data.len().max(1), 10_000);
            let split = all_lines(&data, chunk, 10_000);
            prop_assert_eq!(whole.ok(), split.ok());
        }
    }
}
