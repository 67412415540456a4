//! One Gopher exchange over a byte stream: send the request line, then read the answer as a
//! menu (through the shared capped line reader, one line at a time), as text (in pieces, so
//! any line length streams), or as raw bytes until the server closes (binaries, `--raw`).
//! Every read is bounded by the socket's `-t` timeout, menu and text lines by the step
//! clock as well; the caller's watchdog enforces `--max-time`.

use std::io::{self, Read, Write};

use super::menu::{Event, MenuLine, Parser};
use super::text::{Out, Unstuffer};
use crate::proto::pingpong::line::read_error;
use crate::proto::pingpong::{LineReader, Transcript};
use crate::{Error, ErrorKind};

/// Sends the request line (`selector [TAB query] CRLF`).
pub fn send_request<W: Write>(
    stream: &mut W,
    line: &[u8],
    transcript: &mut Transcript,
) -> Result<(), Error> {
    transcript.sent(line.strip_suffix(b"\r\n").unwrap_or(line));
    stream
        .write_all(line)
        .and_then(|()| stream.flush())
        .map_err(crate::proto::pingpong::write_error)
}

/// How a menu went.
#[derive(Debug, Default, Clone)]
pub struct MenuSummary {
    pub lines: u64,
    pub untabbed: u64,
    pub repaired: u64,
    pub bad_port: u64,
    /// The final `.` arrived.
    pub terminated: bool,
    /// The answer was an error line (type 3, or Gophernicus's `Error: …` first line).
    pub error: Option<String>,
    pub received: u64,
}

/// Reads a menu, handing each line to `each` as it arrives (so a huge menu is never held).
pub fn read_menu<R: Read>(
    lines: &mut LineReader<R>,
    transcript: &mut Transcript,
    each: &mut dyn FnMut(&MenuLine<'_>) -> Result<(), Error>,
) -> Result<MenuSummary, Error> {
    let mut parser = Parser::new();
    let mut first = true;
    let mut error = None;
    loop {
        let Some(line) = lines.read_line()? else {
            break;
        };
        transcript.received(line);
        let event = parser.feed(line);
        match event {
            Event::End => break,
            Event::Attribute => {}
            Event::Line(l) => {
                if first {
                    let untyped_error =
                        l.shape == super::menu::Shape::Untabbed && l.text.starts_with(b"Error: ");
                    if l.item_type == b'3' || untyped_error {
                        // The error is the run's message: not a menu line, not a repair.
                        error = super::server_error(if untyped_error { l.text } else { line })
                            .or_else(|| Some(String::from_utf8_lossy(l.text).into_owned()));
                        parser.forget_untabbed(l.shape);
                        first = false;
                        continue;
                    }
                }
                first = false;
                each(&l)?;
            }
        }
    }
    Ok(MenuSummary {
        lines: parser.lines,
        untabbed: parser.untabbed,
        repaired: parser.repaired,
        bad_port: parser.bad_port,
        terminated: parser.ended(),
        error,
        received: lines.received(),
    })
}

/// How a text or raw body went.
#[derive(Debug, Default, Clone, Copy)]
pub struct BodySummary {
    /// Bytes written to the output.
    pub bytes: u64,
    /// Bytes received from the server.
    pub received: u64,
    /// Text only: the server ended it with `.` (RFC 1436); Gophernicus does not.
    pub terminated: bool,
}

fn write(out: &mut dyn Write, data: &[u8]) -> Result<(), Error> {
    out.write_all(data).map_err(|e| {
        if e.kind() == io::ErrorKind::BrokenPipe {
            Error::new(ErrorKind::LocalIo, "stdout closed")
        } else {
            Error::new(
                ErrorKind::LocalIo,
                format!("writing: {}", crate::error::io_words(&e)),
            )
        }
    })
}

/// Copies a text item to `out` un-stuffed with LF line ends ([`super::text`]). A one-line
/// answer that is a server error is returned as a refusal, with nothing written.
pub fn copy_text<R: Read>(
    lines: &mut LineReader<R>,
    out: &mut dyn Write,
    server: &str,
) -> Result<BodySummary, Error> {
    let mut u = Unstuffer::new();
    let mut bytes = 0u64;
    // The first line is held until the next piece shows whether it was the whole answer.
    let mut first: Option<Vec<u8>> = None;
    let mut pieces = 0u64;
    loop {
        let Some((piece, ends)) = lines.read_piece()? else {
            break;
        };
        pieces += 1;
        if pieces == 1 && ends && super::server_error(piece).is_some() {
            first = Some(piece.to_vec());
            continue;
        }
        if pieces == 2
            && let Some(held) = &first
            && piece.trim_ascii_end() == b"."
        {
            return Err(super::refused(
                server,
                &super::server_error(held).unwrap_or_default(),
            ));
        }
        if let Some(held) = first.take() {
            let mut u0 = Unstuffer::new();
            if let Out::Data {
                held: h,
                data,
                newline,
            } = u0.feed(&held, true)
            {
                write(out, h)?;
                write(out, data)?;
                if newline {
                    write(out, b"\n")?;
                }
                bytes += (h.len() + data.len() + usize::from(newline)) as u64;
            }
            u = u0;
        }
        match u.feed(piece, ends) {
            Out::End => break,
            Out::Data {
                held,
                data,
                newline,
            } => {
                write(out, held)?;
                write(out, data)?;
                if newline {
                    write(out, b"\n")?;
                }
                bytes += (held.len() + data.len() + usize::from(newline)) as u64;
            }
        }
    }
    if let Some(held) = first {
        return Err(super::refused(
            server,
            &super::server_error(&held).unwrap_or_default(),
        ));
    }
    let tail = u.finish();
    write(out, tail)?;
    bytes += tail.len() as u64;
    Ok(BodySummary {
        bytes,
        received: lines.received(),
        terminated: u.terminated,
    })
}

/// An answer shorter than this that is one error line is a refusal, not a file.
const ERROR_PEEK: usize = 1024;

/// Copies the answer as sent until the server closes (binaries, documents, `--raw`),
/// handing each chunk to `sink`. A short answer that is one server error line is a refusal.
pub fn copy_raw(
    stream: &mut dyn Read,
    sink: &mut dyn FnMut(&[u8]) -> Result<(), Error>,
    server: &str,
) -> Result<BodySummary, Error> {
    let mut buf = vec![0u8; 64 * 1024];
    let mut head: Vec<u8> = Vec::new();
    let mut deciding = true;
    let mut received = 0u64;
    loop {
        let n = match stream.read(&mut buf) {
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => {
                let mut err = read_error(e);
                if received > 0 && err.kind() == ErrorKind::Protocol {
                    err = Error::new(
                        ErrorKind::Protocol,
                        format!("{} after {received} bytes", err.message()),
                    );
                }
                return Err(err);
            }
        };
        if n == 0 {
            break;
        }
        received += n as u64;
        if deciding {
            head.extend_from_slice(&buf[..n]);
            if head.len() >= ERROR_PEEK {
                deciding = false;
                sink(&head)?;
                head = Vec::new();
            }
            continue;
        }
        sink(&buf[..n])?;
    }
    if deciding {
        if let Some(text) = super::server_error(&head) {
            return Err(super::refused(server, &text));
        }
        sink(&head)?;
    }
    Ok(BodySummary {
        bytes: received,
        received,
        terminated: false,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn menu(wire: &[u8]) -> (Vec<(u8, String)>, MenuSummary) {
        let mut lines = LineReader::new(wire);
        let mut got = Vec::new();
        let summary = read_menu(&mut lines, &mut Transcript::off(), &mut |l| {
            got.push((l.item_type, String::from_utf8_lossy(l.text).into_owned()));
            Ok(())
        })
        .unwrap();
        (got, summary)
    }

    #[test]
    fn menus_stop_at_the_dot() {
        let (got, s) = menu(b"iHi\t\tnull.host\t1\r\n0A\t/a\th\t70\r\n.\r\n0B\t/b\th\t70\r\n");
        assert_eq!(got, [(b'i', "Hi".to_owned()), (b'0', "A".to_owned())]);
        assert!(s.terminated);
        assert!(s.error.is_none());
    }

    #[test]
    fn a_menu_cut_short_is_not_terminated() {
        let (got, s) = menu(b"0A\t/a\th\t70\n0B\t/b\th\t70\n");
        assert_eq!(got.len(), 2);
        assert!(!s.terminated);
    }

    #[test]
    fn error_answers_are_flagged() {
        let (_, s) = menu(b"3No such selector\t\terror.host\t1\r\n.\r\n");
        assert_eq!(s.error.as_deref(), Some("No such selector"));
        let (_, s) = menu(b"Error: File or directory not found! (null)\r\n");
        assert_eq!(
            s.error.as_deref(),
            Some("Error: File or directory not found! (null)")
        );
    }

    fn text(wire: &[u8]) -> Result<(Vec<u8>, BodySummary), Error> {
        let mut lines = LineReader::new(wire);
        let mut out = Vec::new();
        let s = copy_text(&mut lines, &mut out, "h:70")?;
        Ok((out, s))
    }

    #[test]
    fn text_is_unstuffed_and_error_lines_refused() {
        let (out, s) = text(b"a\r\n..b\r\n.\r\n").unwrap();
        assert_eq!(out, b"a\n.b\n");
        assert!(s.terminated);
        let (out, _) = text(b"Error: not an error\r\nsecond line\r\n").unwrap();
        assert_eq!(out, b"Error: not an error\nsecond line\n");
        let e = text(b"Error: File or directory not found! (null)\r\n").unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Refused);
        let e = text(b"3Gone\terr\thost\t1\r\n.\r\n").unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Refused);
    }

    #[test]
    fn raw_copies_keep_bytes() {
        let data: Vec<u8> = (0..200_000u32).map(|i| (i % 251) as u8).collect();
        let mut got = Vec::new();
        let s = copy_raw(
            &mut &data[..],
            &mut |c| {
                got.extend_from_slice(c);
                Ok(())
            },
            "h",
        )
        .unwrap();
        assert_eq!(got, data);
        assert_eq!(s.bytes, data.len() as u64);
        let e = copy_raw(
            &mut &b"Error: File or directory not found! (null)\r\n"[..],
            &mut |_| Ok(()),
            "h",
        )
        .unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Refused);
    }
}
