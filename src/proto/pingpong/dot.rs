//! Dot-stuffing both ways, as streaming adapters (RFC 5321 §4.5.2, RFC 1939 §3, RFC 3977
//! §3.1.1): a 1 GiB body passes in constant memory. Sending also turns every bare LF and
//! every bare CR into CRLF (RFC 5321 §2.3.8): a receiver that ends lines at a lone CR or LF
//! would otherwise see `<CR>.<CR>` or `<LF>.<LF>` as the end of the data and the bytes after
//! it as commands (SMTP smuggling, CVE-2023-51764/51765/51766). One line end is CRLF, and
//! only CRLF, on the wire; the same rule serves NNTP POST.

use std::io::{self, Read, Write};

use super::line::LineReader;
use crate::Error;

/// Wraps a writer: what is written to it goes out CRLF-normalised and dot-stuffed;
/// [`DotStuffer::finish`] ends the body with `CRLF . CRLF`.
pub struct DotStuffer<W: Write> {
    inner: W,
    at_line_start: bool,
    pending_cr: bool,
    out: Vec<u8>,
    /// Bytes of body accepted (before stuffing), for SIZE checks and reports.
    pub body_bytes: u64,
}

impl<W: Write> DotStuffer<W> {
    pub fn new(inner: W) -> Self {
        DotStuffer {
            inner,
            at_line_start: true,
            pending_cr: false,
            out: Vec::with_capacity(64 * 1024),
            body_bytes: 0,
        }
    }

    fn push_crlf(&mut self) {
        self.out.extend_from_slice(b"\r\n");
        self.at_line_start = true;
    }

    /// Writes the terminating `.` line (after a CRLF if the body did not end with one),
    /// flushes, and gives the writer back.
    pub fn finish(mut self) -> io::Result<W> {
        if self.pending_cr {
            self.pending_cr = false;
            self.push_crlf();
        }
        if !self.at_line_start {
            self.push_crlf();
        }
        self.out.extend_from_slice(b".\r\n");
        self.inner.write_all(&self.out)?;
        self.out.clear();
        self.inner.flush()?;
        Ok(self.inner)
    }
}

impl<W: Write> Write for DotStuffer<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let mut rest = buf;
        while !rest.is_empty() {
            if self.pending_cr {
                // A CR ends the line whether or not LF follows; an LF right after it is the
                // same line end, not a second one.
                self.pending_cr = false;
                self.push_crlf();
                if rest[0] == b'\n' {
                    rest = &rest[1..];
                    continue;
                }
            }
            if self.at_line_start && rest[0] == b'.' {
                self.out.push(b'.');
            }
            // Copy the run up to the next CR or LF at once: per-byte work only at line ends.
            match memchr::memchr2(b'\r', b'\n', rest) {
                None => {
                    self.out.extend_from_slice(rest);
                    self.at_line_start = false;
                    rest = &[];
                }
                Some(end) => {
                    self.out.extend_from_slice(&rest[..end]);
                    if end > 0 {
                        self.at_line_start = false;
                    }
                    if rest[end] == b'\n' {
                        self.push_crlf();
                    } else {
                        self.pending_cr = true;
                    }
                    rest = &rest[end + 1..];
                }
            }
        }
        self.body_bytes += buf.len() as u64;
        if self.out.len() >= 64 * 1024 {
            self.inner.write_all(&self.out)?;
            self.out.clear();
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.write_all(&self.out)?;
        self.out.clear();
        self.inner.flush()
    }
}

/// Reads a dot-terminated multi-line body from a [`LineReader`], un-stuffed, line by line.
pub struct DotReader<'a, R> {
    lines: &'a mut LineReader<R>,
    done: bool,
}

impl<'a, R: Read> DotReader<'a, R> {
    pub fn new(lines: &'a mut LineReader<R>) -> Self {
        DotReader { lines, done: false }
    }

    /// The next body line without CRLF and with its stuffing dot removed; `None` after the
    /// terminating `.`. EOF before it is a dropped connection (protocol error).
    pub fn next_line(&mut self) -> Result<Option<&[u8]>, Error> {
        if self.done {
            return Ok(None);
        }
        match self.lines.read_line()? {
            None => Err(Error::new(
                crate::ErrorKind::Protocol,
                "connection closed before the end of the data (no final '.')",
            )),
            Some(b".") => {
                self.done = true;
                Ok(None)
            }
            Some(line) => Ok(Some(line.strip_prefix(b".").unwrap_or(line))),
        }
    }

    /// Copies the whole body to `out` exactly as the server sent it, minus the stuffing
    /// dots and the terminator (POP3 RETR: the stored message is byte-identical), in
    /// constant memory whatever the line lengths; returns the bytes written.
    pub fn copy_raw_to(&mut self, out: &mut dyn Write) -> Result<u64, Error> {
        if self.done {
            return Ok(0);
        }
        let mut n = 0u64;
        let mut at_line_start = true;
        loop {
            let Some((piece, ends)) = self.lines.read_piece()? else {
                return Err(Error::new(
                    crate::ErrorKind::Protocol,
                    "connection closed before the end of the data (no final '.')",
                ));
            };
            let mut data = piece;
            if at_line_start && data.first() == Some(&b'.') {
                if ends && data == b".\r\n" {
                    self.done = true;
                    return Ok(n);
                }
                // `.` LF is not the end (RFC 1939: CRLF . CRLF). A server that stuffs only
                // CRLF lines passes a bare-LF `.` line of the message as it is; ending there
                // saved the message cut short, and `pop fetch` recorded it as saved. Such a
                // line is kept whole: its dot was never stuffing.
                if !(ends && data == b".\n") {
                    data = &data[1..];
                }
            }
            out.write_all(data).map_err(|e| {
                Error::new(
                    crate::ErrorKind::LocalIo,
                    format!("writing: {}", crate::error::io_words(&e)),
                )
            })?;
            n += data.len() as u64;
            at_line_start = ends;
        }
    }

    /// Copies the whole body to `out` with CRLF line ends; returns the bytes written.
    pub fn copy_to(&mut self, out: &mut impl Write) -> Result<u64, Error> {
        let mut n = 0u64;
        while let Some(line) = self.next_line()? {
            let io = |e: io::Error| {
                Error::new(
                    crate::ErrorKind::LocalIo,
                    format!("writing: {}", crate::error::io_words(&e)),
                )
            };
            out.write_all(line).map_err(io)?;
            out.write_all(b"\r\n").map_err(io)?;
            n += line.len() as u64 + 2;
        }
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn stuff(chunks: &[&[u8]]) -> Vec<u8> {
        let mut s = DotStuffer::new(Vec::new());
        for c in chunks {
            s.write_all(c).unwrap();
        }
        s.finish().unwrap()
    }

    fn unstuff(wire: &[u8]) -> Result<Vec<u8>, Error> {
        let mut lines = LineReader::new(wire);
        let mut out = Vec::new();
        DotReader::new(&mut lines).copy_to(&mut out)?;
        Ok(out)
    }

    fn unstuff_raw(wire: &[u8]) -> Result<Vec<u8>, Error> {
        let mut lines = LineReader::new(wire);
        let mut out = Vec::new();
        DotReader::new(&mut lines).copy_raw_to(&mut out)?;
        Ok(out)
    }

    #[test]
    fn raw_copies_keep_bytes_and_stream_lines_longer_than_the_cap() {
        assert_eq!(
            unstuff_raw(b"a\r\n..b\r\nbare\nc\r\n.\r\nafter").unwrap(),
            b"a\r\n.b\r\nbare\nc\r\n"
        );
        let long = vec![b'x'; 3 * super::super::line::DEFAULT_MAX_LINE];
        let mut wire = b".".to_vec();
        wire.extend_from_slice(&long);
        wire.extend_from_slice(b"\r\n.\r\n");
        let out = unstuff_raw(&wire).unwrap();
        assert_eq!(out.len(), long.len() + 2);
        assert!(out.starts_with(b"xxx"), "the stuffing dot is removed");
        assert!(unstuff_raw(b"a\r\nb\r\n").is_err(), "no terminator");
        assert!(unstuff_raw(b"a\r\n.").is_err(), "cut in the terminator");
    }

    #[test]
    fn a_bare_lf_dot_line_does_not_end_a_raw_copy() {
        assert_eq!(
            unstuff_raw(b"a\n.\nb\r\n..c\n.\r\nafter").unwrap(),
            b"a\n.\nb\r\n.c\n"
        );
        assert!(unstuff_raw(b"a\n.\n").is_err(), "no CRLF terminator");
    }

    proptest! {
        #[test]
        fn raw_copy_inverts_stuffing(lines in proptest::collection::vec("[.a-z]{0,5}", 0..20)) {
            let text: String = lines.iter().map(|l| format!("{l}\r\n")).collect();
            let wire = stuff(&[text.as_bytes()]);
            prop_assert_eq!(unstuff_raw(&wire).unwrap(), text.as_bytes());
        }
    }

    #[test]
    fn leading_dots_are_doubled_and_lf_becomes_crlf() {
        assert_eq!(
            stuff(&[b".hidden\n..two\nok\n"]),
            b"..hidden\r\n...two\r\nok\r\n.\r\n"
        );
        assert_eq!(stuff(&[b"no newline"]), b"no newline\r\n.\r\n");
        assert_eq!(stuff(&[b""]), b".\r\n");
    }

    #[test]
    fn crlf_split_across_writes_stays_one_line_end() {
        assert_eq!(stuff(&[b"a\r", b"\n.b\r\n"]), b"a\r\n..b\r\n.\r\n");
        assert_eq!(stuff(&[b"bare\rcr\r\n"]), b"bare\r\ncr\r\n.\r\n");
    }

    /// The smuggling sequences of the 2023 advisories (SEC Consult): each lone CR or LF
    /// becomes a CRLF line end, so the dot after it is stuffed and never ends the data.
    #[test]
    fn smuggling_sequences_never_end_the_data_early() {
        for (input, wire) in [
            (
                &b"a\n.\r\nMAIL FROM:<e@x>\r\n"[..],
                &b"a\r\n..\r\nMAIL FROM:<e@x>\r\n.\r\n"[..],
            ),
            (
                b"a\r.\rMAIL FROM:<e@x>\r",
                b"a\r\n..\r\nMAIL FROM:<e@x>\r\n.\r\n",
            ),
            (
                b"a\r\n.\rMAIL FROM:<e@x>\r\n",
                b"a\r\n..\r\nMAIL FROM:<e@x>\r\n.\r\n",
            ),
            (
                b"a\n.\nMAIL FROM:<e@x>\n",
                b"a\r\n..\r\nMAIL FROM:<e@x>\r\n.\r\n",
            ),
            (b"a\r\r\n", b"a\r\n\r\n.\r\n"),
        ] {
            for cut in 0..=input.len() {
                let got = stuff(&[&input[..cut], &input[cut..]]);
                assert_eq!(
                    got,
                    wire,
                    "input {:?} cut at {cut}",
                    String::from_utf8_lossy(input)
                );
                assert_no_bare_line_ends(&got);
            }
        }
    }

    fn assert_no_bare_line_ends(wire: &[u8]) {
        for (i, &b) in wire.iter().enumerate() {
            match b {
                b'\r' => assert_eq!(wire.get(i + 1), Some(&b'\n'), "bare CR at {i}"),
                b'\n' => assert!(i > 0 && wire[i - 1] == b'\r', "bare LF at {i}"),
                _ => {}
            }
        }
    }

    #[test]
    fn missing_final_dot_is_a_dropped_connection() {
        let err = unstuff(b"line\r\n").unwrap_err();
        assert_eq!(err.kind(), crate::ErrorKind::Protocol);
        assert_eq!(unstuff(b"..a\r\nb\r\n.\r\n").unwrap(), b".a\r\nb\r\n");
    }

    /// The rules, one byte at a time: the reference the fast writer must equal.
    fn reference(data: &[u8]) -> Vec<u8> {
        let mut out = Vec::new();
        let mut start = true;
        let mut i = 0;
        while i < data.len() {
            let b = data[i];
            if b == b'\n' || b == b'\r' {
                out.extend_from_slice(b"\r\n");
                start = true;
                let crlf = b == b'\r' && data.get(i + 1) == Some(&b'\n');
                i += if crlf { 2 } else { 1 };
                continue;
            }
            if start && b == b'.' {
                out.push(b'.');
            }
            out.push(b);
            start = false;
            i += 1;
        }
        if !start {
            out.extend_from_slice(b"\r\n");
        }
        out.extend_from_slice(b".\r\n");
        out
    }

    proptest! {
        #[test]
        fn stuffing_matches_the_byte_rules_for_any_bytes_and_split(
            data in proptest::collection::vec(proptest::sample::select(vec![b'a', b'.', b'\r', b'\n', 0xff]), 0..300),
            cut in 0usize..300,
        ) {
            let cut = cut.min(data.len());
            let wire = stuff(&[&data[..cut], &data[cut..]]);
            assert_no_bare_line_ends(&wire);
            prop_assert_eq!(wire, reference(&data));
        }

        #[test]
        fn unstuff_undoes_stuff_for_crlf_text(lines in proptest::collection::vec("[ -~]{0,30}", 0..20), cut in 0usize..200) {
            let mut body = Vec::new();
            for l in &lines {
                body.extend_from_slice(l.as_bytes());
                body.extend_from_slice(b"\r\n");
            }
            let cut = cut.min(body.len());
            let wire = stuff(&[&body[..cut], &body[cut..]]);
            prop_assert_eq!(unstuff(&wire).unwrap(), body);
        }
    }
}
