//! Reading one response: its line and the literals it holds, assembled within
//! [`RESPONSE_CAP`](super::RESPONSE_CAP) — except FETCH message literals, which a body
//! handler gets as they arrive, so a message of any size streams past the cap.

use std::io::Write;

use super::{MAX_STREAMED, RESPONSE_CAP, Session, text_of};
use crate::net::Stream;
use crate::proto::imap::syntax::{self, Response, Value};
use crate::proto::pingpong::{ImapStatus, LineReader};
use crate::{Error, ErrorKind};

/// A message literal being received: the handler copies it out or leaves it (skipped).
pub struct Literal<'r> {
    source: Source<'r>,
    left: u64,
}

/// Where a literal's bytes are: still on the wire, or already read (a quoted string, or a
/// literal small enough to have come with its response — RFC 3501's nstring allows both).
enum Source<'r> {
    Wire(&'r mut LineReader<Stream>),
    Read(&'r [u8]),
}

impl Literal<'_> {
    pub fn len(&self) -> u64 {
        self.left
    }

    pub fn is_empty(&self) -> bool {
        self.left == 0
    }

    /// Copies the whole literal into `out`.
    pub fn copy_to(&mut self, out: &mut dyn Write) -> Result<u64, Error> {
        let n = self.left;
        self.left = 0;
        match &mut self.source {
            Source::Wire(lines) => lines.copy_exact_to(Some(out), n)?,
            Source::Read(bytes) => out.write_all(bytes).map_err(|e| {
                Error::new(
                    ErrorKind::LocalIo,
                    format!("writing: {}", crate::error::io_words(&e)),
                )
            })?,
        }
        Ok(n)
    }
}

/// What a streamed FETCH literal belongs to: the message number and the items before it.
pub struct BodyStart<'a> {
    pub seq: u64,
    pub item: &'a str,
    pub items: &'a [(String, &'a Value)],
}

pub type BodyHandler<'h> = dyn FnMut(&BodyStart<'_>, &mut Literal<'_>) -> Result<(), Error> + 'h;

impl Session {
    /// Reads one response: its line, and any literals it holds assembled within
    /// [`RESPONSE_CAP`] — except, with `body`, a FETCH message literal, which is handed to
    /// `body` as it arrives (and stands as an empty string in the parsed response).
    pub(super) fn read_response(
        &mut self,
        mut body: Option<&mut BodyHandler<'_>>,
    ) -> Result<Response, Error> {
        let mut buf: Vec<u8> = Vec::new();
        let mut literals = 0usize;
        loop {
            let line = self.conn.read_line()?;
            let Some((n, open)) = syntax::trailing_literal(line) else {
                buf.extend_from_slice(line);
                break;
            };
            let line = line.to_vec();
            // The cap holds for the lines between streamed literals too: `BODY[] {0}` lines
            // without end would otherwise grow `buf` (and its re-scans) without bound.
            literals += usize::from(body.is_some());
            if literals > MAX_STREAMED || buf.len() + line.len() + 2 > RESPONSE_CAP {
                return Err(Error::new(
                    ErrorKind::Protocol,
                    format!(
                        "{}: one response went on past {RESPONSE_CAP} bytes or {MAX_STREAMED} \
                         message literals without ending",
                        self.server
                    ),
                ));
            }
            if let Some(handler) = body.as_deref_mut()
                && let Some((seq, item, prefix)) = streamable(&buf, &line[..open])
            {
                let parsed = syntax::parse(&prefix)?;
                let Response::Numbered { values, .. } = &parsed else {
                    return Err(Error::new(ErrorKind::Protocol, "malformed FETCH response"));
                };
                let items = syntax::fetch_items(values)?;
                let start = BodyStart {
                    seq,
                    item: &item,
                    items: &items[..items.len().saturating_sub(1)],
                };
                let mut literal = Literal {
                    source: Source::Wire(self.conn.lines()),
                    left: n,
                };
                handler(&start, &mut literal)?;
                let left = literal.left;
                self.conn.lines().copy_exact_to(None, left)?;
                // NIL stands for what was streamed; a string left in the parsed response is
                // a body that came inline, handed over below.
                buf.extend_from_slice(&line[..open]);
                buf.extend_from_slice(b"NIL");
                continue;
            }
            let room = RESPONSE_CAP.saturating_sub(buf.len() + line.len() + 2);
            if n > room as u64 {
                return Err(Error::new(
                    ErrorKind::Protocol,
                    format!(
                        "{}: the server announced a {n}-byte literal where netkit accepts at most \
                         {} bytes in one response",
                        self.server, RESPONSE_CAP
                    ),
                ));
            }
            buf.extend_from_slice(&line);
            buf.extend_from_slice(b"\r\n");
            self.conn.lines().read_exact_into(&mut buf, n as usize)?;
        }
        if let Some(c) = &mut self.capture {
            c.push(buf.clone());
        }
        let response = syntax::parse(&buf)?;
        if let Some(handler) = body
            && let Response::Numbered {
                number,
                name,
                values,
            } = &response
            && name == "FETCH"
        {
            let items = syntax::fetch_items(values)?;
            for (item, value) in &items {
                let Value::Str(bytes) = value else { continue };
                if !(item.starts_with("BODY[") || item.starts_with("BINARY[") || item == "RFC822") {
                    continue;
                }
                let start = BodyStart {
                    seq: *number,
                    item,
                    items: &items,
                };
                let mut literal = Literal {
                    source: Source::Read(bytes),
                    left: bytes.len() as u64,
                };
                handler(&start, &mut literal)?;
            }
        }
        match &response {
            Response::Numbered { number, name, .. } if name == "EXISTS" => {
                self.exists = Some(*number)
            }
            Response::Numbered { name, .. } if name == "EXPUNGE" => {
                self.exists = self.exists.map(|e| e.saturating_sub(1))
            }
            Response::Status {
                status: ImapStatus::Bye,
                code,
                text,
            } => self.bye = Some(text_of(code, text)),
            _ => {}
        }
        Ok(response)
    }
}

/// Whether the literal ending `line` (after the `buf` already assembled) is a FETCH message
/// body to stream: `* N FETCH (… BODY[…] {n}` at the item list's top level. Returns the
/// message number, the item name and the prefix made parseable (`… BODY[] NIL)`).
fn streamable(buf: &[u8], line_head: &[u8]) -> Option<(u64, String, Vec<u8>)> {
    let mut whole = buf.to_vec();
    whole.extend_from_slice(line_head);
    let rest = whole.strip_prefix(b"* ")?;
    let space = rest.iter().position(|&b| b == b' ')?;
    let seq: u64 = std::str::from_utf8(&rest[..space]).ok()?.parse().ok()?;
    if !rest[space + 1..]
        .get(..7)
        .is_some_and(|w| w.eq_ignore_ascii_case(b"FETCH ("))
    {
        return None;
    }
    let head = whole.strip_suffix(b" ")?;
    let item_start = head.iter().rposition(|&b| b == b' ' || b == b'(')? + 1;
    let mut item = &head[item_start..];
    // `BODY[HEADER.FIELDS (A B)]` has spaces: look back for its opening bracket.
    if item.ends_with(b"]") && !item.contains(&b'[') {
        let open = head.iter().rposition(|&b| b == b'[')?;
        let start = head[..open].iter().rposition(|&b| b == b' ' || b == b'(')? + 1;
        item = &head[start..];
    }
    let upper = item.to_ascii_uppercase();
    if !(upper.starts_with(b"BODY[") || upper.starts_with(b"BINARY[") || upper == b"RFC822") {
        return None;
    }
    let item = String::from_utf8_lossy(&upper).into_owned();
    let mut prefix = whole.clone();
    prefix.extend_from_slice(b"NIL)");
    Some((seq, item, prefix))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn message_literals_at_the_top_level_of_fetch_stream() {
        let (seq, item, prefix) = streamable(b"", b"* 12 FETCH (UID 7 BODY[] ").unwrap();
        assert_eq!((seq, item.as_str()), (12, "BODY[]"));
        assert_eq!(prefix, b"* 12 FETCH (UID 7 BODY[] NIL)");
        let (_, item, _) = streamable(b"", b"* 1 FETCH (BODY[HEADER.FIELDS (FROM TO)] ").unwrap();
        assert_eq!(item, "BODY[HEADER.FIELDS (FROM TO)]");
        assert!(streamable(b"", b"* LIST () \"/\" ").is_none());
        assert!(streamable(b"", b"* 1 FETCH (ENVELOPE (NIL ").is_none());
        assert!(streamable(b"", b"a1 OK ").is_none());
    }
}
