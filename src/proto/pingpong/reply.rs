//! Reply classifiers, sans-IO: numeric replies (`NNN-`/`NNN `, RFC 5321 §4.2, RFC 959 §4.2,
//! RFC 3977 §3.2), POP3 status lines (`+OK`/`-ERR`, RFC 1939 §3), IMAP tagged and untagged
//! lines (RFC 3501 §2.2.2). Each takes one line without CRLF.

use crate::{Error, ErrorKind};

/// Most lines one multi-line reply may have: an endless reply is an error, not memory.
pub const MAX_REPLY_LINES: usize = 10_000;

/// A complete numeric reply: the code and the text of each line, code and separator removed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reply {
    pub code: u16,
    pub lines: Vec<String>,
}

impl Reply {
    /// 2 for 2xx and so on.
    pub fn class(&self) -> u16 {
        self.code / 100
    }

    pub fn is_positive(&self) -> bool {
        matches!(self.class(), 1..=3)
    }

    /// The reply's text, lines joined with a space, for messages.
    pub fn text(&self) -> String {
        self.lines.join(" ")
    }

    /// The kind of error this reply is where it was not the one expected: 4xx temporary
    /// (11), 5xx refused (1), and a positive reply out of sequence (FTP's 226 to RETR
    /// without its 150, SMTP's 354 to MAIL) a protocol error (8), not a refusal.
    pub fn error_kind(&self) -> ErrorKind {
        match self.class() {
            4 => ErrorKind::Temporary,
            5 => ErrorKind::Refused,
            _ => ErrorKind::Protocol,
        }
    }
}

/// The error a negative reply to `what` is: 4xx temporary (11), 5xx refused (1).
pub fn reply_error(what: &str, reply: &Reply) -> Error {
    Error::new(
        reply.error_kind(),
        format!(
            "{what}: the server answered {} {}",
            reply.code,
            clean(&reply.text())
        ),
    )
}

/// Server text made printable (it goes into our messages and the terminal).
pub fn clean(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_control() { '?' } else { c })
        .collect()
}

/// `NNN` + `' '` | `'-'` | end of line: the code, whether more lines follow, and the text.
pub fn parse_numeric_line(line: &[u8]) -> Result<(u16, bool, String), Error> {
    let bad = || {
        Error::new(
            ErrorKind::Protocol,
            format!("malformed reply line: {}", escape(line)),
        )
    };
    if line.len() < 3 || !line[..3].iter().all(u8::is_ascii_digit) {
        return Err(bad());
    }
    let code = u16::from(line[0] - b'0') * 100
        + u16::from(line[1] - b'0') * 10
        + u16::from(line[2] - b'0');
    if !(100..=599).contains(&code) {
        return Err(bad());
    }
    let (more, text) = match line.get(3) {
        None => (false, &line[3..]),
        Some(b' ') => (false, &line[4..]),
        Some(b'-') => (true, &line[4..]),
        Some(_) => return Err(bad()),
    };
    Ok((code, more, String::from_utf8_lossy(text).into_owned()))
}

/// How the lines inside a multi-line numeric reply look: the rule differs per protocol, and
/// applying FTP's to SMTP turns a malformed reply into a wait for the timeout.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Continuation {
    /// SMTP (RFC 5321 §4.2.1) and NNTP: every line carries the code, `NNN-` until `NNN `.
    /// A line that does not is malformed at once.
    #[default]
    EveryLine,
    /// FTP (RFC 959 §4.2): the lines between `NNN-` and `NNN ` may be free text.
    FreeText,
}

/// Builds a multi-line numeric reply line by line, under one protocol's [`Continuation`].
#[derive(Debug, Default)]
pub struct ReplyBuilder {
    rule: Continuation,
    code: Option<u16>,
    lines: Vec<String>,
}

impl ReplyBuilder {
    /// A builder for SMTP and NNTP replies (every line carries the code).
    pub fn new() -> Self {
        Self::default()
    }

    pub fn with_rule(rule: Continuation) -> Self {
        ReplyBuilder {
            rule,
            ..Self::default()
        }
    }

    /// Feeds one line; returns the reply when it is complete.
    pub fn feed(&mut self, line: &[u8]) -> Result<Option<Reply>, Error> {
        let Some(code) = self.code else {
            let (code, more, text) = parse_numeric_line(line)?;
            if !more {
                return Ok(Some(Reply {
                    code,
                    lines: vec![text],
                }));
            }
            self.code = Some(code);
            self.lines.push(text);
            return Ok(None);
        };
        if self.lines.len() >= MAX_REPLY_LINES {
            return Err(Error::new(
                ErrorKind::Protocol,
                format!("a reply ran past {MAX_REPLY_LINES} lines"),
            ));
        }
        let same_code = line.len() >= 3 && line[..3] == *code.to_string().as_bytes();
        match (same_code, line.get(3)) {
            (true, None | Some(b' ')) => {
                let text = line.get(4..).unwrap_or_default();
                self.lines.push(String::from_utf8_lossy(text).into_owned());
                Ok(Some(Reply {
                    code,
                    lines: std::mem::take(&mut self.lines),
                }))
            }
            (true, Some(b'-')) => {
                self.lines
                    .push(String::from_utf8_lossy(&line[4..]).into_owned());
                Ok(None)
            }
            _ if self.rule == Continuation::FreeText => {
                self.lines.push(String::from_utf8_lossy(line).into_owned());
                Ok(None)
            }
            _ => Err(Error::new(
                ErrorKind::Protocol,
                format!(
                    "malformed multi-line reply: {} inside a {code} reply",
                    escape(line)
                ),
            )),
        }
    }
}

/// A POP3 status line (RFC 1939 §3); `+ ` is a SASL continuation (RFC 5034).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PopStatus {
    Ok(String),
    Err(String),
    Continue(String),
}

pub fn parse_pop_status(line: &[u8]) -> Result<PopStatus, Error> {
    let text =
        |rest: &[u8]| String::from_utf8_lossy(rest.strip_prefix(b" ").unwrap_or(rest)).into_owned();
    if let Some(rest) = line.strip_prefix(b"+OK") {
        Ok(PopStatus::Ok(text(rest)))
    } else if let Some(rest) = line.strip_prefix(b"-ERR") {
        Ok(PopStatus::Err(text(rest)))
    } else if let Some(rest) = line.strip_prefix(b"+") {
        Ok(PopStatus::Continue(text(rest)))
    } else {
        Err(Error::new(
            ErrorKind::Protocol,
            format!("expected +OK or -ERR, got {}", escape(line)),
        ))
    }
}

/// The status of an IMAP tagged or untagged status response.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImapStatus {
    Ok,
    No,
    Bad,
    Bye,
    PreAuth,
}

/// One IMAP response line, classified (the rest of the line is left to the IMAP module).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ImapLine<'a> {
    Tagged {
        tag: &'a [u8],
        status: ImapStatus,
        text: &'a [u8],
    },
    Untagged(&'a [u8]),
    Continuation(&'a [u8]),
}

pub fn parse_imap_line(line: &[u8]) -> Result<ImapLine<'_>, Error> {
    if let Some(rest) = line.strip_prefix(b"* ") {
        return Ok(ImapLine::Untagged(rest));
    }
    if line == b"+" {
        return Ok(ImapLine::Continuation(b""));
    }
    if let Some(rest) = line.strip_prefix(b"+ ") {
        return Ok(ImapLine::Continuation(rest));
    }
    let bad = || {
        Error::new(
            ErrorKind::Protocol,
            format!("malformed IMAP response: {}", escape(line)),
        )
    };
    let space = line.iter().position(|&b| b == b' ').ok_or_else(bad)?;
    let (tag, rest) = (&line[..space], &line[space + 1..]);
    let word_end = rest.iter().position(|&b| b == b' ').unwrap_or(rest.len());
    let status = match rest[..word_end].to_ascii_uppercase().as_slice() {
        b"OK" => ImapStatus::Ok,
        b"NO" => ImapStatus::No,
        b"BAD" => ImapStatus::Bad,
        b"BYE" => ImapStatus::Bye,
        b"PREAUTH" => ImapStatus::PreAuth,
        _ => return Err(bad()),
    };
    let text = rest.get(word_end + 1..).unwrap_or_default();
    Ok(ImapLine::Tagged { tag, status, text })
}

/// Bytes as a readable, escaped string for error messages (`\r`, `\x1b`…), cut at 120 chars.
pub fn escape(bytes: &[u8]) -> String {
    let shown: String = bytes
        .iter()
        .take(120)
        .flat_map(|&b| std::ascii::escape_default(b))
        .map(char::from)
        .collect();
    if bytes.len() > 120 {
        format!("\"{shown}…\"")
    } else {
        format!("\"{shown}\"")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn reply(lines: &[&[u8]]) -> Result<Option<Reply>, Error> {
        let mut b = ReplyBuilder::new();
        let mut last = None;
        for line in lines {
            last = b.feed(line)?;
        }
        Ok(last)
    }

    #[test]
    fn smtp_multiline_ehlo_reply() {
        let r = reply(&[b"250-mail.example.org", b"250-PIPELINING", b"250 SIZE 1000"])
            .unwrap()
            .unwrap();
        assert_eq!(r.code, 250);
        assert_eq!(r.lines, ["mail.example.org", "PIPELINING", "SIZE 1000"]);
    }

    fn reply_with(rule: Continuation, lines: &[&[u8]]) -> Result<Option<Reply>, Error> {
        let mut b = ReplyBuilder::with_rule(rule);
        let mut last = None;
        for line in lines {
            last = b.feed(line)?;
        }
        Ok(last)
    }

    #[test]
    fn smtp_line_without_the_code_is_malformed_at_once() {
        for lines in [
            &[&b"220-hello"[..], b"250 hello"][..],
            &[b"250-a", b"free text"],
            &[b"250-a", b"2500 x"],
        ] {
            let err = reply(lines).unwrap_err();
            assert_eq!(err.kind(), ErrorKind::Protocol, "{lines:?}");
        }
    }

    #[test]
    fn ftp_free_text_lines_inside_a_reply() {
        let r = reply_with(
            Continuation::FreeText,
            &[
                b"230-Welcome",
                b" free text",
                b"123 not the end",
                b"230 done",
            ],
        )
        .unwrap()
        .unwrap();
        assert_eq!(r.code, 230);
        assert_eq!(r.lines.len(), 4);
    }

    #[test]
    fn bare_code_and_garbage() {
        assert_eq!(
            parse_numeric_line(b"220").unwrap(),
            (220, false, String::new())
        );
        for bad in [
            &b"hello"[..],
            b"22",
            b"2x0 hi",
            b"220x",
            b"999 no",
            b"\x1b[31m",
        ] {
            assert_eq!(
                parse_numeric_line(bad).unwrap_err().kind(),
                ErrorKind::Protocol
            );
        }
    }

    #[test]
    fn negative_replies_map_to_their_kind() {
        let r = Reply {
            code: 421,
            lines: vec![],
        };
        assert_eq!(r.error_kind(), ErrorKind::Temporary);
        let r = Reply {
            code: 550,
            lines: vec![],
        };
        assert_eq!(r.error_kind(), ErrorKind::Refused);
    }

    #[test]
    fn endless_multiline_reply_is_capped() {
        let mut b = ReplyBuilder::new();
        b.feed(b"250-start").unwrap();
        let mut err = None;
        for _ in 0..=MAX_REPLY_LINES {
            if let Err(e) = b.feed(b"250-more") {
                err = Some(e);
                break;
            }
        }
        assert_eq!(err.map(|e| e.kind()), Some(ErrorKind::Protocol));
    }

    #[test]
    fn pop_status_lines() {
        assert_eq!(
            parse_pop_status(b"+OK 2 320").unwrap(),
            PopStatus::Ok("2 320".into())
        );
        assert_eq!(
            parse_pop_status(b"-ERR no").unwrap(),
            PopStatus::Err("no".into())
        );
        assert_eq!(
            parse_pop_status(b"+ ").unwrap(),
            PopStatus::Continue(String::new())
        );
        assert!(parse_pop_status(b"OK").is_err());
    }

    #[test]
    fn imap_lines_are_classified() {
        assert_eq!(
            parse_imap_line(b"a1 OK [READ-WRITE] done").unwrap(),
            ImapLine::Tagged {
                tag: b"a1",
                status: ImapStatus::Ok,
                text: b"[READ-WRITE] done"
            }
        );
        assert_eq!(
            parse_imap_line(b"* 3 EXISTS").unwrap(),
            ImapLine::Untagged(b"3 EXISTS")
        );
        assert_eq!(
            parse_imap_line(b"+ go").unwrap(),
            ImapLine::Continuation(b"go")
        );
        assert!(parse_imap_line(b"a1 MAYBE").is_err());
    }

    proptest! {
        #[test]
        fn parsers_never_panic(line in proptest::collection::vec(any::<u8>(), 0..80)) {
            let _ = parse_numeric_line(&line);
            let _ = parse_pop_status(&line);
            let _ = parse_imap_line(&line);
            let mut b = ReplyBuilder::new();
            let _ = b.feed(&line);
            let _ = b.feed(&line);
        }
    }
}
