//! POP3 (RFC 1939) with CAPA (RFC 2449), STLS (RFC 2595), AUTH (RFC 5034) and APOP: the
//! sans-IO parsers here, the session in [`client`], the Maildir/mbox fetch loop in [`fetch`].

pub mod client;
pub mod fetch;

pub use client::{Options, Peer, Session};

use crate::proto::pingpong::reply::escape;
use crate::{Error, ErrorKind};

/// What CAPA said (RFC 2449 §6). `None` from the server: nothing is known.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Capabilities {
    pub top: bool,
    pub uidl: bool,
    pub pipelining: bool,
    pub stls: bool,
    pub user: bool,
    pub sasl: Vec<String>,
}

impl Capabilities {
    pub fn parse<'a>(lines: impl IntoIterator<Item = &'a str>) -> Capabilities {
        let mut c = Capabilities::default();
        for line in lines {
            let mut words = line.split_ascii_whitespace();
            match words
                .next()
                .map(str::to_ascii_uppercase)
                .as_deref()
                .unwrap_or("")
            {
                "TOP" => c.top = true,
                "UIDL" => c.uidl = true,
                "PIPELINING" => c.pipelining = true,
                "STLS" => c.stls = true,
                "USER" => c.user = true,
                "SASL" => c.sasl = words.map(str::to_owned).collect(),
                _ => {}
            }
        }
        c
    }
}

fn malformed(what: &str, line: &[u8]) -> Error {
    Error::new(
        ErrorKind::Protocol,
        format!("malformed {what} line from the server: {}", escape(line)),
    )
}

fn number<T: std::str::FromStr>(word: Option<&str>) -> Option<T> {
    let w = word?;
    if w.is_empty() || !w.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    w.parse().ok()
}

/// `+OK COUNT OCTETS …` of STAT (the text after `+OK`).
pub fn parse_stat(text: &str) -> Result<(u64, u64), Error> {
    let mut w = text.split_ascii_whitespace();
    match (number(w.next()), number(w.next())) {
        (Some(count), Some(octets)) => Ok((count, octets)),
        _ => Err(malformed("STAT", text.as_bytes())),
    }
}

/// One `N SIZE` line of LIST.
pub fn parse_list_line(line: &[u8]) -> Result<(u64, u64), Error> {
    let text = std::str::from_utf8(line).map_err(|_| malformed("LIST", line))?;
    let mut w = text.split_ascii_whitespace();
    match (number(w.next()), number(w.next())) {
        (Some(n), Some(size)) if n > 0 => Ok((n, size)),
        _ => Err(malformed("LIST", line)),
    }
}

/// One `N UID` line of UIDL. RFC 1939: the uid is 1–70 characters 0x21–0x7E.
pub fn parse_uidl_line(line: &[u8]) -> Result<(u64, String), Error> {
    let text = std::str::from_utf8(line).map_err(|_| malformed("UIDL", line))?;
    let mut w = text.split(' ').filter(|s| !s.is_empty());
    let n: Option<u64> = number(w.next());
    let uid = w.next().unwrap_or("");
    let valid_uid =
        !uid.is_empty() && uid.len() <= 70 && uid.bytes().all(|b| (0x21..=0x7e).contains(&b));
    match n {
        Some(n) if n > 0 && valid_uid && w.next().is_none() => Ok((n, uid.to_owned())),
        _ => Err(malformed("UIDL", line)),
    }
}

/// The APOP timestamp (`<pid.clock@host>`) in a greeting, if it has one.
pub fn apop_timestamp(greeting: &str) -> Option<&str> {
    let start = greeting.find('<')?;
    let len = greeting[start..].find('>')? + 1;
    let stamp = &greeting[start..start + len];
    (stamp.contains('@') && stamp.len() > 3 && !stamp[1..].contains('<')).then_some(stamp)
}

/// The APOP digest: MD5(timestamp + secret) in lower-case hex (RFC 1939 §7).
pub fn apop_digest(timestamp: &str, secret: &str) -> String {
    use md5::Digest;
    let mut h = md5::Md5::new();
    h.update(timestamp.as_bytes());
    h.update(secret.as_bytes());
    h.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

/// `-ERR [IN-USE] …` and `[SYS/TEMP]` (RFC 2449 §8, RFC 3206) are temporary: another
/// client holds the maildrop, or the server is in trouble. `[AUTH]`, and anything else on
/// a login command, is a refused login.
pub fn login_error_kind(text: &str) -> ErrorKind {
    let upper = text.to_ascii_uppercase();
    if upper.starts_with("[IN-USE]") || upper.starts_with("[SYS/TEMP]") {
        ErrorKind::Temporary
    } else {
        ErrorKind::Auth
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn capa_lists_are_read() {
        let c = Capabilities::parse(["TOP", "uidl", "SASL PLAIN LOGIN", "PIPELINING", "STLS"]);
        assert!(c.top && c.uidl && c.pipelining && c.stls && !c.user);
        assert_eq!(c.sasl, ["PLAIN", "LOGIN"]);
    }

    #[test]
    fn stat_list_and_uidl_lines() {
        assert_eq!(parse_stat("2 320").unwrap(), (2, 320));
        assert_eq!(parse_stat("2 320 extra").unwrap(), (2, 320));
        assert!(parse_stat("two 320").is_err());
        assert!(parse_stat("-1 3").is_err());
        assert_eq!(parse_list_line(b"1 120").unwrap(), (1, 120));
        assert!(parse_list_line(b"0 120").is_err());
        assert!(parse_list_line(b"1 99999999999999999999999").is_err());
        assert_eq!(
            parse_uidl_line(b"3 whqtswO00WBw418f9t5JxYwZ").unwrap(),
            (3, "whqtswO00WBw418f9t5JxYwZ".to_owned())
        );
        assert_eq!(parse_uidl_line(b"4 0042").unwrap().1, "0042");
        for bad in [&b"3"[..], b"3 ", b"x y", b"3 a b", b"3 caf\xc3\xa9"] {
            assert!(parse_uidl_line(bad).is_err(), "{bad:?}");
        }
        assert!(parse_uidl_line(&[b"1 ".as_slice(), &[b'a'; 71]].concat()).is_err());
    }

    #[test]
    fn apop_follows_rfc_1939() {
        let g = "POP3 server ready <1896.697170952@dbc.mtview.ca.us>";
        let stamp = apop_timestamp(g).unwrap();
        assert_eq!(stamp, "<1896.697170952@dbc.mtview.ca.us>");
        // The RFC's example digest.
        assert_eq!(
            apop_digest(stamp, "tanstaaf"),
            "c4c9334bac560ecc979e58001b3e22fb"
        );
        assert_eq!(apop_timestamp("Dovecot ready."), None);
        assert_eq!(apop_timestamp("ready <no-at-sign>"), None);
        assert_eq!(apop_timestamp("ready <unterminated@x"), None);
    }

    #[test]
    fn login_errors_are_typed_by_response_code() {
        assert_eq!(
            login_error_kind("[IN-USE] Mailbox locked"),
            ErrorKind::Temporary
        );
        assert_eq!(login_error_kind("[SYS/TEMP] later"), ErrorKind::Temporary);
        assert_eq!(login_error_kind("[AUTH] bad password"), ErrorKind::Auth);
        assert_eq!(login_error_kind("no"), ErrorKind::Auth);
    }

    proptest! {
        #[test]
        fn parsers_never_panic(line in proptest::collection::vec(any::<u8>(), 0..100)) {
            let _ = parse_list_line(&line);
            let _ = parse_uidl_line(&line);
            let text = String::from_utf8_lossy(&line);
            let _ = parse_stat(&text);
            let _ = apop_timestamp(&text);
            let _ = Capabilities::parse(text.lines());
        }
    }
}
