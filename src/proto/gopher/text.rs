//! Text items (type 0): RFC 1436 §3.9 sends them as lines ending in CRLF, a line that starts
//! with `.` stuffed with a second one, and the whole ended by a line holding one `.`. Printed
//! with LF line ends and un-stuffed, in pieces, so lines of any length stream through.
//!
//! Gophernicus (and other servers that send files as they are) neither stuffs nor sends the
//! final `.`: the end of the connection ends the text, and a line that starts with a single
//! `.` (impossible from a server that stuffs) proves the server does not stuff, after which
//! `..` lines are kept as they are. `--raw` prints the bytes exactly as sent.

/// What to write for one piece of the body.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Out<'a> {
    /// Write `held` (a CR kept back from the previous piece), then `data`, then LF when
    /// `newline`.
    Data {
        held: &'static [u8],
        data: &'a [u8],
        newline: bool,
    },
    /// The final `.` line: the text is complete.
    End,
}

/// The un-stuffing state of one text body.
#[derive(Debug, Default)]
pub struct Unstuffer {
    at_line_start: bool,
    /// The server sent a line starting with a single dot: it does not stuff.
    unstuffed_server: bool,
    /// The previous piece ended in CR without its LF: kept back until we know.
    held_cr: bool,
    /// The server ended the text with `.`.
    pub terminated: bool,
}

impl Unstuffer {
    pub fn new() -> Self {
        Unstuffer {
            at_line_start: true,
            ..Self::default()
        }
    }

    /// One piece as `LineReader::read_piece` hands it out: a whole line with its line end
    /// (`ends`), or at least 8 KiB of a longer one.
    pub fn feed<'a>(&mut self, piece: &'a [u8], ends: bool) -> Out<'a> {
        let held: &'static [u8] = if std::mem::take(&mut self.held_cr) {
            b"\r"
        } else {
            b""
        };
        let mut data = piece;
        if ends {
            data = data.strip_suffix(b"\n").unwrap_or(data);
            data = data.strip_suffix(b"\r").unwrap_or(data);
        }
        let mut held = held;
        if ends && data.is_empty() && !held.is_empty() {
            // The CR kept back was the first half of this CRLF.
            held = b"";
        }
        if self.at_line_start && held.is_empty() {
            if ends && data == b"." {
                self.terminated = true;
                return Out::End;
            }
            if data.starts_with(b"..") {
                if !self.unstuffed_server {
                    data = &data[1..];
                }
            } else if data.starts_with(b".") {
                self.unstuffed_server = true;
            }
        }
        if !ends && data.last() == Some(&b'\r') {
            data = &data[..data.len() - 1];
            self.held_cr = true;
        }
        self.at_line_start = ends;
        Out::Data {
            held,
            data,
            newline: ends,
        }
    }

    /// At the end of the connection: what is still held back.
    pub fn finish(&mut self) -> &'static [u8] {
        if std::mem::take(&mut self.held_cr) {
            b"\r"
        } else {
            b""
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Feeds `wire` line by line (or in `chunk`-byte pieces of long lines).
    fn run(wire: &[u8], chunk: usize) -> (Vec<u8>, bool) {
        let mut u = Unstuffer::new();
        let mut out = Vec::new();
        let mut rest = wire;
        while !rest.is_empty() {
            let (piece, ends) = match rest.iter().position(|&b| b == b'\n') {
                Some(i) if i < chunk => (&rest[..=i], true),
                _ if rest.len() > chunk => (&rest[..chunk], false),
                _ => (rest, false),
            };
            rest = &rest[piece.len()..];
            match u.feed(piece, ends) {
                Out::End => return (out, true),
                Out::Data {
                    held,
                    data,
                    newline,
                } => {
                    out.extend_from_slice(held);
                    out.extend_from_slice(data);
                    if newline {
                        out.push(b'\n');
                    }
                }
            }
        }
        out.extend_from_slice(u.finish());
        (out, false)
    }

    #[test]
    fn rfc1436_text_is_unstuffed_and_ends_at_the_dot() {
        let (out, done) = run(b"one\r\n..two\r\nthree\r\n.\r\nafter\r\n", 8192);
        assert_eq!(out, b"one\n.two\nthree\n");
        assert!(done);
    }

    #[test]
    fn gophernicus_text_without_stuffing_or_dot_is_kept() {
        let (out, done) = run(b"line one\r\n.dot line\r\n..two dots\r\nlast\r\n", 8192);
        assert_eq!(out, b"line one\n.dot line\n..two dots\nlast\n");
        assert!(!done);
    }

    #[test]
    fn crlf_split_across_pieces_is_one_line_end() {
        let (out, _) = run(b"abcd\r\nefgh\r\n", 5);
        assert_eq!(out, b"abcd\nefgh\n");
    }

    proptest! {
        #[test]
        fn stuffed_text_round_trips(lines in proptest::collection::vec("[.a-z ]{0,12}", 0..20), chunk in 3usize..20) {
            let mut wire = Vec::new();
            let mut want = Vec::new();
            for l in &lines {
                if l.starts_with('.') {
                    wire.push(b'.');
                }
                wire.extend_from_slice(l.as_bytes());
                wire.extend_from_slice(b"\r\n");
                want.extend_from_slice(l.as_bytes());
                want.push(b'\n');
            }
            wire.extend_from_slice(b".\r\n");
            // Pieces are at least as long as any line here, as read_piece guarantees.
            let (out, done) = run(&wire, chunk.max(16));
            prop_assert!(done);
            prop_assert_eq!(out, want);
        }

        #[test]
        fn arbitrary_bytes_never_panic(wire in proptest::collection::vec(any::<u8>(), 0..400), chunk in 1usize..50) {
            let _ = run(&wire, chunk);
        }
    }
}
