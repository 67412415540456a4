//! IMAP response syntax (RFC 3501 §7, §9), sans-IO: one complete response — its lines with
//! their literals inline, exactly as on the wire (`{n}` CRLF, then n bytes) — parsed into a
//! [`Response`]. The client side's formatting (atoms, quoted strings or literals for
//! arguments, UID sets) is in `args`, SEARCH and INTERNALDATE dates in `date`; both are
//! re-exported here. The reader in `client` assembles responses within a cap and streams
//! message literals past this parser instead of through it.

mod args;
mod date;

pub use args::{Part, astring, is_atom, quoted_or_literal, uid_sets};
pub use date::{internal_date, search_date};

use crate::proto::pingpong::ImapStatus;
use crate::proto::pingpong::reply::escape;
use crate::{Error, ErrorKind};

/// One value of a response: an atom (numbers, flags and `BODY[…]` included), a string
/// (quoted or literal), NIL, or a parenthesised list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Value {
    Atom(Vec<u8>),
    Str(Vec<u8>),
    Nil,
    List(Vec<Value>),
}

impl Value {
    pub fn as_number(&self) -> Option<u64> {
        match self {
            Value::Atom(a) if !a.is_empty() && a.iter().all(u8::is_ascii_digit) => {
                std::str::from_utf8(a).ok()?.parse().ok()
            }
            _ => None,
        }
    }

    /// An atom or a string's bytes (an astring, RFC 3501 §9).
    pub fn as_bytes(&self) -> Option<&[u8]> {
        match self {
            Value::Atom(a) | Value::Str(a) => Some(a),
            _ => None,
        }
    }

    pub fn is_atom(&self, name: &str) -> bool {
        matches!(self, Value::Atom(a) if a.eq_ignore_ascii_case(name.as_bytes()))
    }

    pub fn as_list(&self) -> Option<&[Value]> {
        match self {
            Value::List(l) => Some(l),
            _ => None,
        }
    }
}

/// One server response.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Response {
    /// `+ text`: the server waits for a literal or a SASL response.
    Continue(Vec<u8>),
    Tagged {
        tag: Vec<u8>,
        status: ImapStatus,
        code: Option<Vec<u8>>,
        text: Vec<u8>,
    },
    /// `* OK|NO|BAD|BYE|PREAUTH [code] text`.
    Status {
        status: ImapStatus,
        code: Option<Vec<u8>>,
        text: Vec<u8>,
    },
    /// `* N EXISTS|EXPUNGE|RECENT|FETCH …`; `name` upper-cased.
    Numbered {
        number: u64,
        name: String,
        values: Vec<Value>,
    },
    /// `* CAPABILITY|LIST|STATUS|SEARCH|FLAGS|ENABLED|… values`; `name` upper-cased.
    Data { name: String, values: Vec<Value> },
}

fn bad(buf: &[u8], why: &str) -> Error {
    let shown = &buf[..buf.len().min(200)];
    Error::new(
        ErrorKind::Protocol,
        format!("malformed IMAP response ({why}): {}", escape(shown)),
    )
}

/// A cursor over one response.
struct Parser<'a> {
    buf: &'a [u8],
    at: usize,
    depth: usize,
}

/// Nesting deeper than this is an attack, not mail (BODYSTRUCTURE nests a few levels).
const MAX_DEPTH: usize = 64;

impl<'a> Parser<'a> {
    fn peek(&self) -> Option<u8> {
        self.buf.get(self.at).copied()
    }

    fn eat(&mut self, b: u8) -> bool {
        if self.peek() == Some(b) {
            self.at += 1;
            true
        } else {
            false
        }
    }

    fn rest(&self) -> &'a [u8] {
        &self.buf[self.at.min(self.buf.len())..]
    }

    fn err(&self, why: &str) -> Error {
        bad(self.buf, why)
    }

    /// A bare word up to a space (tags, status words, response names).
    fn word(&mut self) -> &'a [u8] {
        let start = self.at;
        while let Some(b) = self.peek() {
            if b == b' ' || b == b'\r' || b == b'\n' {
                break;
            }
            self.at += 1;
        }
        &self.buf[start..self.at]
    }

    fn values_to_end(&mut self) -> Result<Vec<Value>, Error> {
        let mut out = Vec::new();
        loop {
            while self.eat(b' ') {}
            match self.peek() {
                None => return Ok(out),
                Some(b')') => return Err(self.err("unbalanced ')'")),
                Some(_) => out.push(self.value()?),
            }
        }
    }

    fn value(&mut self) -> Result<Value, Error> {
        match self.peek() {
            Some(b'(') => {
                self.at += 1;
                self.depth += 1;
                if self.depth > MAX_DEPTH {
                    return Err(self.err("lists nested too deep"));
                }
                let mut items = Vec::new();
                loop {
                    while self.eat(b' ') {}
                    match self.peek() {
                        Some(b')') => {
                            self.at += 1;
                            self.depth -= 1;
                            return Ok(Value::List(items));
                        }
                        None => return Err(self.err("unclosed '('")),
                        Some(_) => items.push(self.value()?),
                    }
                }
            }
            Some(b'"') => self.quoted().map(Value::Str),
            Some(b'{') => self.literal().map(Value::Str),
            Some(_) => {
                let atom = self.atom()?;
                if atom.eq_ignore_ascii_case(b"NIL") {
                    Ok(Value::Nil)
                } else {
                    Ok(Value::Atom(atom))
                }
            }
            None => Err(self.err("a value is missing")),
        }
    }

    fn quoted(&mut self) -> Result<Vec<u8>, Error> {
        self.at += 1;
        let mut out = Vec::new();
        loop {
            match self.peek() {
                None | Some(b'\r') | Some(b'\n') => return Err(self.err("unterminated string")),
                Some(b'"') => {
                    self.at += 1;
                    return Ok(out);
                }
                Some(b'\\') => {
                    self.at += 1;
                    match self.peek() {
                        Some(c @ (b'"' | b'\\')) => {
                            out.push(c);
                            self.at += 1;
                        }
                        _ => return Err(self.err("bad escape in a string")),
                    }
                }
                Some(c) => {
                    out.push(c);
                    self.at += 1;
                }
            }
        }
    }

    fn literal(&mut self) -> Result<Vec<u8>, Error> {
        let (n, after) = literal_marker(self.rest()).ok_or_else(|| self.err("bad literal"))?;
        self.at += after;
        if !(self.eat(b'\r') && self.eat(b'\n')) {
            return Err(self.err("a literal's size is not followed by CRLF"));
        }
        let n = usize::try_from(n).map_err(|_| self.err("literal too large"))?;
        let end = self
            .at
            .checked_add(n)
            .filter(|&e| e <= self.buf.len())
            .ok_or_else(|| self.err("literal shorter than announced"))?;
        let out = self.buf[self.at..end].to_vec();
        self.at = end;
        Ok(out)
    }

    /// An atom; `[…]` inside it may hold spaces (`BODY[HEADER.FIELDS (FROM)]`).
    fn atom(&mut self) -> Result<Vec<u8>, Error> {
        let start = self.at;
        let mut brackets = 0usize;
        while let Some(b) = self.peek() {
            match b {
                b'[' => brackets += 1,
                b']' if brackets > 0 => brackets -= 1,
                b' ' | b'(' | b')' if brackets == 0 => break,
                b'"' | b'{' if brackets == 0 => break,
                b'\r' | b'\n' | 0 => break,
                _ => {}
            }
            self.at += 1;
        }
        if self.at == start || brackets > 0 {
            return Err(self.err("bad atom"));
        }
        Ok(self.buf[start..self.at].to_vec())
    }

    /// `[code] text` after a status word.
    fn resp_text(&mut self) -> Result<(Option<Vec<u8>>, Vec<u8>), Error> {
        self.eat(b' ');
        let mut code = None;
        if self.eat(b'[') {
            let start = self.at;
            let mut depth = 1usize;
            while depth > 0 {
                match self.peek() {
                    Some(b'[') => depth += 1,
                    Some(b']') => depth -= 1,
                    None => return Err(self.err("unclosed response code")),
                    _ => {}
                }
                self.at += 1;
            }
            code = Some(self.buf[start..self.at - 1].to_vec());
            self.eat(b' ');
        }
        Ok((code, self.rest().to_vec()))
    }
}

/// `{n}` or `{n+}` at the start of `bytes`: the size and the marker's length.
pub fn literal_marker(bytes: &[u8]) -> Option<(u64, usize)> {
    if bytes.first() != Some(&b'{') {
        return None;
    }
    let close = bytes.iter().position(|&b| b == b'}')?;
    let inner = &bytes[1..close];
    let digits = inner.strip_suffix(b"+").unwrap_or(inner);
    if digits.is_empty() || digits.len() > 19 || !digits.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let n = std::str::from_utf8(digits).ok()?.parse().ok()?;
    Some((n, close + 1))
}

/// The size of the literal that ends a response line (`… {123}`), if any.
pub fn trailing_literal(line: &[u8]) -> Option<(u64, usize)> {
    if line.last() != Some(&b'}') {
        return None;
    }
    let open = line.iter().rposition(|&b| b == b'{')?;
    let (n, len) = literal_marker(&line[open..])?;
    (open + len == line.len()).then_some((n, open))
}

fn status_word(word: &[u8]) -> Option<ImapStatus> {
    Some(match word.to_ascii_uppercase().as_slice() {
        b"OK" => ImapStatus::Ok,
        b"NO" => ImapStatus::No,
        b"BAD" => ImapStatus::Bad,
        b"BYE" => ImapStatus::Bye,
        b"PREAUTH" => ImapStatus::PreAuth,
        _ => return None,
    })
}

/// Parses one complete response (without its final CRLF).
pub fn parse(buf: &[u8]) -> Result<Response, Error> {
    let mut p = Parser {
        buf,
        at: 0,
        depth: 0,
    };
    if p.eat(b'+') {
        p.eat(b' ');
        return Ok(Response::Continue(p.rest().to_vec()));
    }
    if p.eat(b'*') {
        if !p.eat(b' ') {
            return Err(p.err("no space after '*'"));
        }
        let first = p.word();
        if let Some(status) = status_word(first) {
            let (code, text) = p.resp_text()?;
            return Ok(Response::Status { status, code, text });
        }
        if !first.is_empty() && first.iter().all(u8::is_ascii_digit) {
            let number = std::str::from_utf8(first)
                .ok()
                .and_then(|t| t.parse().ok())
                .ok_or_else(|| p.err("number out of range"))?;
            p.eat(b' ');
            let name = String::from_utf8_lossy(p.word()).to_ascii_uppercase();
            if name.is_empty() {
                return Err(p.err("no response name after the number"));
            }
            let values = p.values_to_end()?;
            return Ok(Response::Numbered {
                number,
                name,
                values,
            });
        }
        if first.is_empty() || !first.iter().all(u8::is_ascii_alphanumeric_or_dash) {
            return Err(p.err("bad response name"));
        }
        let name = String::from_utf8_lossy(first).to_ascii_uppercase();
        let values = p.values_to_end()?;
        return Ok(Response::Data { name, values });
    }
    let tag = p.word().to_vec();
    if tag.is_empty() || !p.eat(b' ') {
        return Err(p.err("neither tagged, untagged nor a continuation"));
    }
    let status = status_word(p.word()).ok_or_else(|| p.err("unknown status"))?;
    let (code, text) = p.resp_text()?;
    Ok(Response::Tagged {
        tag,
        status,
        code,
        text,
    })
}

trait AlnumDash {
    fn is_ascii_alphanumeric_or_dash(&self) -> bool;
}

impl AlnumDash for u8 {
    fn is_ascii_alphanumeric_or_dash(&self) -> bool {
        self.is_ascii_alphanumeric() || *self == b'-' || *self == b'.'
    }
}

/// The first word of a response code, upper-cased (`UIDVALIDITY`, `UNAVAILABLE`…).
pub fn code_name(code: &[u8]) -> String {
    let end = code.iter().position(|&b| b == b' ').unwrap_or(code.len());
    String::from_utf8_lossy(&code[..end]).to_ascii_uppercase()
}

/// The words after a response code's name (`[APPENDUID 38505 3955]` → `["38505", "3955"]`).
pub fn code_args(code: &[u8]) -> Vec<String> {
    String::from_utf8_lossy(code)
        .split_ascii_whitespace()
        .skip(1)
        .map(str::to_owned)
        .collect()
}

/// FETCH items as (upper-cased name, value) pairs.
pub fn fetch_items(values: &[Value]) -> Result<Vec<(String, &Value)>, Error> {
    let list = match values {
        [Value::List(l)] => l,
        _ => {
            return Err(Error::new(
                ErrorKind::Protocol,
                "malformed IMAP FETCH response (no item list)",
            ));
        }
    };
    if list.len() % 2 != 0 {
        return Err(Error::new(
            ErrorKind::Protocol,
            "malformed IMAP FETCH response (an item without a value)",
        ));
    }
    list.chunks_exact(2)
        .map(|pair| match &pair[0] {
            Value::Atom(name) => Ok((String::from_utf8_lossy(name).to_ascii_uppercase(), &pair[1])),
            _ => Err(Error::new(
                ErrorKind::Protocol,
                "malformed IMAP FETCH response (an item name is not an atom)",
            )),
        })
        .collect()
}

/// IMAP system flags as Maildir info letters, in ASCII order (D F R S T).
pub fn maildir_flags(flags: &[Value]) -> String {
    let mut out: Vec<char> = flags
        .iter()
        .filter_map(|f| match f {
            Value::Atom(a) => match a.to_ascii_lowercase().as_slice() {
                b"\\draft" => Some('D'),
                b"\\flagged" => Some('F'),
                b"\\answered" => Some('R'),
                b"\\seen" => Some('S'),
                b"\\deleted" => Some('T'),
                _ => None,
            },
            _ => None,
        })
        .collect();
    out.sort_unstable();
    out.dedup();
    out.into_iter().collect()
}

#[cfg(test)]
mod tests {
    use std::time::{Duration, UNIX_EPOCH};

    use super::*;
    use proptest::prelude::*;

    fn atom(s: &str) -> Value {
        Value::Atom(s.as_bytes().to_vec())
    }

    #[test]
    fn tagged_untagged_and_continuation() {
        assert_eq!(
            parse(b"a1 OK [READ-ONLY] EXAMINE completed").unwrap(),
            Response::Tagged {
                tag: b"a1".to_vec(),
                status: ImapStatus::Ok,
                code: Some(b"READ-ONLY".to_vec()),
                text: b"EXAMINE completed".to_vec()
            }
        );
        assert_eq!(
            parse(b"+ Ready for literal data").unwrap(),
            Response::Continue(b"Ready for literal data".to_vec())
        );
        assert_eq!(parse(b"+").unwrap(), Response::Continue(Vec::new()));
        match parse(b"* OK [UIDVALIDITY 3857529045] UIDs valid").unwrap() {
            Response::Status { status, code, .. } => {
                assert_eq!(status, ImapStatus::Ok);
                let code = code.unwrap();
                assert_eq!(code_name(&code), "UIDVALIDITY");
                assert_eq!(code_args(&code), ["3857529045"]);
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(
            parse(b"* 23 EXISTS").unwrap(),
            Response::Numbered {
                number: 23,
                name: "EXISTS".into(),
                values: vec![]
            }
        );
    }

    #[test]
    fn list_with_quoted_literal_and_nil_names() {
        let r = parse(b"* LIST (\\HasNoChildren) \"/\" \"Entw&APw-rfe\"").unwrap();
        let Response::Data { name, values } = r else {
            panic!()
        };
        assert_eq!(name, "LIST");
        assert_eq!(values[0], Value::List(vec![atom("\\HasNoChildren")]));
        assert_eq!(values[1], Value::Str(b"/".to_vec()));
        assert_eq!(values[2], Value::Str(b"Entw&APw-rfe".to_vec()));
        let r = parse(b"* LIST () NIL {10}\r\nsay \"hi\" \\").unwrap();
        let Response::Data { values, .. } = r else {
            panic!()
        };
        assert_eq!(values[1], Value::Nil);
        assert_eq!(values[2], Value::Str(b"say \"hi\" \\".to_vec()));
        let r = parse(b"* LIST () \"/\" \"a \\\"q\\\" b\\\\\"").unwrap();
        let Response::Data { values, .. } = r else {
            panic!()
        };
        assert_eq!(values[2], Value::Str(b"a \"q\" b\\".to_vec()));
    }

    #[test]
    fn fetch_with_a_literal_body_and_bracketed_sections() {
        let r = parse(
            b"* 12 FETCH (UID 7 FLAGS (\\Seen) INTERNALDATE \" 5-Dec-2026 10:00:00 +0100\" \
              BODY[HEADER.FIELDS (FROM)] {5}\r\nab\r\nc BODY[] {0}\r\n)",
        )
        .unwrap();
        let Response::Numbered {
            number,
            name,
            values,
        } = r
        else {
            panic!()
        };
        assert_eq!((number, name.as_str()), (12, "FETCH"));
        let items = fetch_items(&values).unwrap();
        assert_eq!(items[0].0, "UID");
        assert_eq!(items[0].1.as_number(), Some(7));
        assert_eq!(maildir_flags(items[1].1.as_list().unwrap()), "S");
        assert_eq!(
            internal_date(items[2].1.as_bytes().unwrap()),
            Some(UNIX_EPOCH + Duration::from_secs(1_796_461_200))
        );
        assert_eq!(items[3].0, "BODY[HEADER.FIELDS (FROM)]");
        assert_eq!(items[3].1, &Value::Str(b"ab\r\nc".to_vec()));
        assert_eq!(items[4].1, &Value::Str(Vec::new()));
    }

    #[test]
    fn malformed_responses_are_errors_not_panics() {
        for bad in [
            &b""[..],
            b"*",
            b"* LIST (",
            b"* LIST )",
            b"* LIST {5}\r\nab",
            b"* LIST {5}ab",
            b"* LIST \"open",
            b"a1",
            b"a1 MAYBE done",
            b"* 99999999999999999999999 EXISTS",
        ] {
            assert!(parse(bad).is_err(), "{:?}", String::from_utf8_lossy(bad));
        }
        let deep = format!("* X {}", "(".repeat(100));
        assert!(parse(deep.as_bytes()).is_err());
    }

    #[test]
    fn trailing_literals_are_found() {
        assert_eq!(
            trailing_literal(b"* 1 FETCH (BODY[] {123}"),
            Some((123, 18))
        );
        assert_eq!(trailing_literal(b"* 1 FETCH (BODY[] {12+}"), Some((12, 18)));
        assert_eq!(trailing_literal(b"* OK {not}"), None);
        assert_eq!(trailing_literal(b"* OK done"), None);
    }

    proptest! {
        #[test]
        fn parsing_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..200)) {
            let _ = parse(&bytes);
        }

        #[test]
        fn parsing_structured_noise_never_panics(
            parts in proptest::collection::vec(
                prop_oneof![
                    Just("* ".to_owned()), Just("(".to_owned()), Just(")".to_owned()),
                    Just("\"".to_owned()), Just("{3}\r\n".to_owned()), Just("NIL".to_owned()),
                    Just("[".to_owned()), Just("]".to_owned()), Just(" ".to_owned()),
                    "[a-z0-9\\\\]{1,5}",
                ],
                0..30,
            )
        ) {
            let _ = parse(parts.concat().as_bytes());
        }

        #[test]
        fn quoted_arguments_parse_back(text in "[ -~]{0,40}") {
            if let Part::Text(t) = quoted_or_literal(text.as_bytes()) {
                let line = format!("* LIST () NIL {t}");
                let Ok(Response::Data { values, .. }) = parse(line.as_bytes()) else {
                    return Err(TestCaseError::fail("did not parse"));
                };
                prop_assert_eq!(values[2].as_bytes(), Some(text.as_bytes()));
            }
        }

        #[test]
        fn literals_carry_any_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..100)) {
            let mut wire = format!("* LIST () NIL {{{}}}\r\n", bytes.len()).into_bytes();
            wire.extend_from_slice(&bytes);
            let Ok(Response::Data { values, .. }) = parse(&wire) else {
                return Err(TestCaseError::fail("did not parse"));
            };
            prop_assert_eq!(values[2].as_bytes(), Some(&bytes[..]));
        }
    }
}
