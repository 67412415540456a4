//! NNTP (RFC 3977) for readers, with AUTHINFO (RFC 4643), STARTTLS (RFC 4642) and the
//! overview/header extensions (RFC 3977 §8, RFC 2980's XOVER/XHDR for older servers): the
//! sans-IO parsers here, the session in [`client`]. Each parser takes one line (or a reply's
//! text) without CRLF and never panics on what a server sends.

pub mod client;
pub mod post;

pub use client::{Options, Peer, Session};

use crate::proto::pingpong::reply::escape;
use crate::proto::time::clock;
use crate::{Error, ErrorKind};

/// What CAPABILITIES said (RFC 3977 §5.2). `None` from the server: nothing is known.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Capabilities {
    pub reader: bool,
    pub mode_reader: bool,
    pub over: bool,
    pub hdr: bool,
    pub post: bool,
    pub newnews: bool,
    pub starttls: bool,
    /// `AUTHINFO USER` is offered (RFC 4643 §2.2).
    pub authinfo_user: bool,
    /// `AUTHINFO SASL` with `SASL` mechanisms (RFC 4643 §2.4).
    pub sasl: Vec<String>,
    /// `LIST` variants (`ACTIVE NEWSGROUPS OVERVIEW.FMT …`).
    pub list: Vec<String>,
}

impl Capabilities {
    pub fn parse<'a>(lines: impl IntoIterator<Item = &'a str>) -> Capabilities {
        let mut c = Capabilities::default();
        let mut sasl_listed = false;
        for line in lines {
            let words: Vec<String> = line
                .split_ascii_whitespace()
                .map(str::to_ascii_uppercase)
                .collect();
            let args = || words.iter().skip(1).cloned();
            match words.first().map(String::as_str).unwrap_or("") {
                "READER" => c.reader = true,
                "MODE-READER" => c.mode_reader = true,
                "OVER" => c.over = true,
                "HDR" => c.hdr = true,
                "POST" => c.post = true,
                "NEWNEWS" => c.newnews = true,
                "STARTTLS" => c.starttls = true,
                "AUTHINFO" => {
                    c.authinfo_user = words.iter().any(|w| w == "USER");
                    sasl_listed = words.iter().any(|w| w == "SASL");
                }
                "SASL" => c.sasl = args().collect(),
                "LIST" => c.list = args().collect(),
                _ => {}
            }
        }
        if !sasl_listed {
            c.sasl.clear();
        }
        c
    }
}

fn malformed(what: &str, line: &[u8]) -> Error {
    Error::new(
        ErrorKind::Protocol,
        format!("malformed {what} from the server: {}", escape(line)),
    )
}

/// An article number: 1 to 2^63-1 in decimal (RFC 3977 §6: up to 16 digits).
pub fn number(word: &str) -> Option<u64> {
    if word.is_empty() || word.len() > 20 || !word.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    word.parse().ok()
}

/// The 211 reply of GROUP: `count first last name` (RFC 3977 §6.1.1).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct GroupInfo {
    pub group: String,
    pub count: u64,
    pub first: u64,
    pub last: u64,
}

pub fn parse_group_reply(text: &str) -> Result<GroupInfo, Error> {
    let mut w = text.split_ascii_whitespace();
    match (
        w.next().and_then(number),
        w.next().and_then(number),
        w.next().and_then(number),
        w.next(),
    ) {
        (Some(count), Some(first), Some(last), Some(name)) => Ok(GroupInfo {
            group: name.to_owned(),
            count,
            first,
            last,
        }),
        _ => Err(malformed("GROUP reply", text.as_bytes())),
    }
}

/// One line of LIST ACTIVE: `name high low status` (RFC 3977 §7.6.3).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActiveGroup {
    pub name: String,
    pub last: u64,
    pub first: u64,
    pub status: String,
}

pub fn parse_active_line(line: &[u8]) -> Result<ActiveGroup, Error> {
    let text = std::str::from_utf8(line).map_err(|_| malformed("LIST ACTIVE line", line))?;
    let mut w = text.split_ascii_whitespace();
    match (
        w.next(),
        w.next().and_then(number),
        w.next().and_then(number),
        w.next(),
    ) {
        (Some(name), Some(last), Some(first), Some(status)) => Ok(ActiveGroup {
            name: name.to_owned(),
            last,
            first,
            status: status.to_owned(),
        }),
        _ => Err(malformed("LIST ACTIVE line", line)),
    }
}

/// One line of LIST NEWSGROUPS: `name<whitespace>description` (RFC 3977 §7.6.6).
pub fn parse_newsgroups_line(line: &[u8]) -> Option<(String, String)> {
    let text = String::from_utf8_lossy(line);
    let text = text.trim_end();
    let end = text.find([' ', '\t']).unwrap_or(text.len());
    let name = &text[..end];
    (!name.is_empty()).then(|| (name.to_owned(), text[end..].trim().to_owned()))
}

/// One overview line (RFC 3977 §8.3.2): the number, then tab-separated Subject, From, Date,
/// Message-ID, References, :bytes, :lines in that order (the order LIST OVERVIEW.FMT must
/// start with, §8.4), then optional extra fields, which are ignored.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Overview {
    pub number: u64,
    pub subject: String,
    pub from: String,
    pub date: String,
    pub message_id: String,
    pub references: String,
    pub bytes: Option<u64>,
    pub lines: Option<u64>,
}

pub fn parse_overview_line(line: &[u8]) -> Result<Overview, Error> {
    let text = String::from_utf8_lossy(line);
    let fields: Vec<&str> = text.split('\t').collect();
    let bad = || malformed("overview line", line);
    if fields.len() < 6 {
        return Err(bad());
    }
    let n = number(fields[0].trim())
        .filter(|&n| n > 0)
        .ok_or_else(bad)?;
    // Some servers send `Bytes: 123` in the metadata fields (RFC 3977 §8.3.2 allows the
    // name only for the extra header fields, but INN before 2.4 did it for all).
    let meta = |i: usize| {
        fields.get(i).and_then(|f| {
            let f = f.trim();
            let f = f.rsplit_once(':').map_or(f, |(_, v)| v.trim());
            number(f)
        })
    };
    Ok(Overview {
        number: n,
        subject: fields[1].to_owned(),
        from: fields[2].to_owned(),
        date: fields[3].to_owned(),
        message_id: fields[4].to_owned(),
        references: fields[5].to_owned(),
        bytes: meta(6),
        lines: meta(7),
    })
}

/// One line of HDR/XHDR: `number value` (RFC 3977 §8.5.2); the value may be empty.
pub fn parse_hdr_line(line: &[u8]) -> Result<(u64, String), Error> {
    let text = String::from_utf8_lossy(line);
    let (n, value) = text.split_once([' ', '\t']).unwrap_or((text.as_ref(), ""));
    let n = number(n).ok_or_else(|| malformed("HDR line", line))?;
    // XHDR answers `(none)` for an absent header (INN, RFC 2980 §2.6).
    let value = if value == "(none)" { "" } else { value };
    Ok((n, value.to_owned()))
}

/// An article range (RFC 3977 §1.8.2 `range`): `N`, `N-` or `N-M`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Range {
    pub first: u64,
    /// `None`: to the end of the group.
    pub last: Option<u64>,
    /// `N` alone: one article.
    pub single: bool,
}

impl Range {
    pub fn from(first: u64) -> Range {
        Range {
            first,
            last: None,
            single: false,
        }
    }

    pub fn parse(text: &str) -> Result<Range, Error> {
        let bad = || Error::usage(format!("'{text}' is not an article range (N, N- or N-M)"));
        match text.split_once('-') {
            None => {
                let n = number(text).ok_or_else(bad)?;
                Ok(Range {
                    first: n,
                    last: Some(n),
                    single: true,
                })
            }
            Some((a, "")) => Ok(Range::from(number(a).ok_or_else(bad)?)),
            Some((a, b)) => {
                let (first, last) = (number(a).ok_or_else(bad)?, number(b).ok_or_else(bad)?);
                if last < first {
                    return Err(Error::usage(format!(
                        "'{text}': the range ends before it starts"
                    )));
                }
                Ok(Range {
                    first,
                    last: Some(last),
                    single: false,
                })
            }
        }
    }

    /// The range as a command argument.
    pub fn wire(&self) -> String {
        match (self.single, self.last) {
            (true, _) => self.first.to_string(),
            (false, Some(l)) => format!("{}-{l}", self.first),
            (false, None) => format!("{}-", self.first),
        }
    }
}

/// A message-id as RFC 3977 §3.6 allows it: `<…>`, printable ASCII, no spaces, ≤ 250 bytes.
pub fn check_message_id(text: &str) -> Result<(), Error> {
    let ok = text.len() >= 3
        && text.len() <= 250
        && text.starts_with('<')
        && text.ends_with('>')
        && text.bytes().all(|b| (0x21..=0x7e).contains(&b));
    if ok {
        Ok(())
    } else {
        Err(Error::usage(format!(
            "'{}' is not a message-id (<unique@host>)",
            crate::proto::pingpong::reply::clean(text)
        )))
    }
}

/// A group name or wildmat as one command argument: printable, no whitespace.
pub fn check_word(what: &str, text: &str) -> Result<(), Error> {
    if text.is_empty() || text.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(Error::usage(format!(
            "{what} '{}' must be one word without spaces or control characters",
            crate::proto::pingpong::reply::clean(text)
        )));
    }
    Ok(())
}

/// A header name for HDR: RFC 5322 field name characters, or `:bytes`/`:lines` metadata.
pub fn check_header_name(text: &str) -> Result<(), Error> {
    let body = text.strip_prefix(':').unwrap_or(text);
    if body.is_empty() || !body.bytes().all(|b| (33..=126).contains(&b) && b != b':') {
        return Err(Error::usage(format!(
            "'{}' is not a header name",
            crate::proto::pingpong::reply::clean(text)
        )));
    }
    Ok(())
}

/// The 111 reply of DATE, `yyyymmddhhmmss` UTC (RFC 3977 §7.1), as Unix seconds.
pub fn parse_date_reply(text: &str) -> Result<i64, Error> {
    let word = text.split_ascii_whitespace().next().unwrap_or("");
    let bad = || malformed("DATE reply", text.as_bytes());
    if word.len() != 14 || !word.bytes().all(|b| b.is_ascii_digit()) {
        return Err(bad());
    }
    let n = |a: usize, b: usize| word[a..b].parse::<u32>().map_err(|_| bad());
    let (year, month, day) = (i64::from(n(0, 4)?), n(4, 6)?, n(6, 8)?);
    let (h, m, s) = (n(8, 10)?, n(10, 12)?, n(12, 14)?);
    if !(1..=12).contains(&month)
        || day == 0
        || day > clock::days_in_month(year, month)
        || h > 23
        || m > 59
        || s > 60
    {
        return Err(bad());
    }
    let days = clock::days_from_civil(year, month, day);
    Ok(days * 86_400 + i64::from(h * 3600 + m * 60 + s))
}

/// Unix seconds as NEWNEWS/NEWGROUPS want them: `yyyymmdd hhmmss GMT` (RFC 3977 §7.3).
pub fn wire_time(secs: i64) -> String {
    let (y, mo, d) = clock::civil_from_days(secs.div_euclid(86_400));
    let t = secs.rem_euclid(86_400);
    format!(
        "{y:04}{mo:02}{d:02} {:02}{:02}{:02} GMT",
        t / 3600,
        t / 60 % 60,
        t % 60
    )
}

/// `--since` as a user writes it: `YYYY-MM-DD`, `YYYY-MM-DDTHH:MM:SSZ` (RFC 3339 UTC, a
/// `+hh:mm` offset allowed) or Unix seconds.
pub fn parse_since(text: &str) -> Result<i64, Error> {
    let bad = || {
        Error::usage(format!(
            "'{text}' is not a time (YYYY-MM-DD, YYYY-MM-DDTHH:MM:SSZ or Unix seconds)"
        ))
    };
    if let Some(n) = number(text) {
        return i64::try_from(n).map_err(|_| bad());
    }
    let b = text.as_bytes();
    if b.len() < 10 || b[4] != b'-' || b[7] != b'-' {
        return Err(bad());
    }
    let digits = |a: usize, e: usize| -> Result<u32, Error> {
        let s = text.get(a..e).ok_or_else(bad)?;
        if !s.bytes().all(|c| c.is_ascii_digit()) {
            return Err(bad());
        }
        s.parse().map_err(|_| bad())
    };
    let (y, mo, d) = (i64::from(digits(0, 4)?), digits(5, 7)?, digits(8, 10)?);
    if !(1..=12).contains(&mo) || d == 0 || d > clock::days_in_month(y, mo) {
        return Err(bad());
    }
    let mut secs = clock::days_from_civil(y, mo, d) * 86_400;
    if b.len() == 10 {
        return Ok(secs);
    }
    if b.len() < 20 || !matches!(b[10], b'T' | b't' | b' ') || b[13] != b':' || b[16] != b':' {
        return Err(bad());
    }
    let (h, mi, s) = (digits(11, 13)?, digits(14, 16)?, digits(17, 19)?);
    if h > 23 || mi > 59 || s > 60 {
        return Err(bad());
    }
    secs += i64::from(h * 3600 + mi * 60 + s);
    // Fractions of a second do not matter to NEWNEWS.
    let mut rest = &text[19..];
    if let Some(frac) = rest.strip_prefix('.') {
        let n = frac.bytes().take_while(u8::is_ascii_digit).count();
        rest = &frac[n..];
    }
    match rest.as_bytes() {
        b"Z" | b"z" => Ok(secs),
        [sign @ (b'+' | b'-'), _, _, b':', _, _] => {
            let oh = i64::from(digits(text.len() - 5, text.len() - 3)?);
            let om = i64::from(digits(text.len() - 2, text.len())?);
            let off = oh * 3600 + om * 60;
            Ok(if *sign == b'+' {
                secs - off
            } else {
                secs + off
            })
        }
        _ => Err(bad()),
    }
}

/// The domain of a From:-style address, for the Message-ID of a composed post.
pub fn domain_of(from: &str) -> Option<String> {
    let addr = crate::proto::smtp::message::address_in(from)?;
    let domain = addr.rsplit_once('@')?.1.trim();
    let ok = !domain.is_empty()
        && domain
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'-');
    ok.then(|| domain.to_ascii_lowercase())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn inn_capabilities_are_read() {
        let c = Capabilities::parse([
            "VERSION 2",
            "IMPLEMENTATION INN 2.7.1",
            "AUTHINFO USER",
            "HDR",
            "LIST ACTIVE ACTIVE.TIMES DISTRIB.PATS HEADERS NEWSGROUPS OVERVIEW.FMT",
            "NEWNEWS",
            "OVER",
            "POST",
            "READER",
            "STARTTLS",
            "SASL PLAIN",
        ]);
        assert!(c.reader && c.over && c.hdr && c.post && c.newnews && c.starttls);
        assert!(c.authinfo_user && !c.mode_reader);
        assert!(
            c.sasl.is_empty(),
            "SASL without AUTHINFO SASL is not offered"
        );
        assert!(c.list.contains(&"NEWSGROUPS".to_owned()));
        let c = Capabilities::parse(["MODE-READER", "AUTHINFO SASL", "SASL PLAIN LOGIN"]);
        assert!(c.mode_reader && !c.reader && !c.authinfo_user);
        assert_eq!(c.sasl, ["PLAIN", "LOGIN"]);
    }

    #[test]
    fn group_and_active_lines() {
        assert_eq!(
            parse_group_reply("3 1 3 local.test").unwrap(),
            GroupInfo {
                group: "local.test".into(),
                count: 3,
                first: 1,
                last: 3
            }
        );
        assert!(parse_group_reply("3 1 local.test").is_err());
        assert!(parse_group_reply("x 1 3 g").is_err());
        let a = parse_active_line(b"local.test 0000000003 0000000001 y").unwrap();
        assert_eq!((a.last, a.first, a.status.as_str()), (3, 1, "y"));
        assert!(parse_active_line(b"local.test 3 1").is_err());
        assert_eq!(
            parse_newsgroups_line(b"local.test\tA test group "),
            Some(("local.test".into(), "A test group".into()))
        );
        assert_eq!(
            parse_newsgroups_line(b"local.empty"),
            Some(("local.empty".into(), String::new()))
        );
    }

    #[test]
    fn overview_lines_with_and_without_metadata_names() {
        let o = parse_overview_line(
            b"7\tHi there\tA <a@x>\tSat, 1 Feb 2025 10:00:00 +0000\t<m@x>\t<p@x>\t1234\t12\tXref: h g:7",
        )
        .unwrap();
        assert_eq!(o.number, 7);
        assert_eq!(o.subject, "Hi there");
        assert_eq!(o.message_id, "<m@x>");
        assert_eq!(o.references, "<p@x>");
        assert_eq!((o.bytes, o.lines), (Some(1234), Some(12)));
        let o = parse_overview_line(b"8\ts\tf\td\t<i@x>\t\tBytes: 10\tLines: 2").unwrap();
        assert_eq!((o.bytes, o.lines), (Some(10), Some(2)));
        let o = parse_overview_line(b"9\ts\tf\td\t<i@x>\t").unwrap();
        assert_eq!((o.bytes, o.lines), (None, None));
        for bad in [
            &b"x\ts\tf\td\t<i>\t"[..],
            b"0\ts\tf\td\t<i>\t",
            b"5 only spaces",
            b"",
        ] {
            assert!(parse_overview_line(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn hdr_lines() {
        assert_eq!(parse_hdr_line(b"3 Re: x").unwrap(), (3, "Re: x".into()));
        assert_eq!(parse_hdr_line(b"4 (none)").unwrap(), (4, String::new()));
        assert_eq!(parse_hdr_line(b"5").unwrap(), (5, String::new()));
        assert!(parse_hdr_line(b"<id@x> v").is_err());
    }

    #[test]
    fn ranges() {
        assert_eq!(Range::parse("5").unwrap().wire(), "5");
        assert_eq!(Range::parse("5-").unwrap().wire(), "5-");
        assert_eq!(Range::parse("5-9").unwrap().wire(), "5-9");
        for bad in ["", "-5", "9-5", "a-b", "5-x", "1 2"] {
            assert!(Range::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn message_ids_and_words() {
        assert!(check_message_id("<a@b>").is_ok());
        for bad in ["a@b", "<a b@c>", "<>", "<a@b>\r\nQUIT"] {
            assert!(check_message_id(bad).is_err(), "{bad}");
        }
        assert!(check_word("group", "comp.lang.*,!comp.lang.c").is_ok());
        assert!(check_word("group", "a b").is_err());
        assert!(check_header_name("Subject").is_ok());
        assert!(check_header_name(":bytes").is_ok());
        assert!(check_header_name("Sub ject").is_err());
    }

    #[test]
    fn dates_both_ways() {
        let t = parse_date_reply("20250102030405").unwrap();
        assert_eq!(t, 1_735_787_045);
        assert_eq!(wire_time(t), "20250102 030405 GMT");
        for bad in ["2025010203040", "20251302030405", "20250230030405", "x"] {
            assert!(parse_date_reply(bad).is_err(), "{bad}");
        }
        assert_eq!(parse_since("2025-01-02").unwrap(), 1_735_776_000);
        assert_eq!(parse_since("2025-01-02T03:04:05Z").unwrap(), t);
        assert_eq!(parse_since("2025-01-02T04:04:05+01:00").unwrap(), t);
        assert_eq!(parse_since("2025-01-02T03:04:05.5Z").unwrap(), t);
        assert_eq!(parse_since("1735787045").unwrap(), t);
        for bad in [
            "2025-13-01",
            "yesterday",
            "2025-01-02T03:04",
            "2025-01-02T03:04:05",
        ] {
            assert!(parse_since(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn domains_for_message_ids() {
        assert_eq!(
            domain_of("A <a@Netkit.Test>").as_deref(),
            Some("netkit.test")
        );
        assert_eq!(domain_of("nobody"), None);
    }

    proptest! {
        #[test]
        fn parsers_never_panic(line in proptest::collection::vec(any::<u8>(), 0..120)) {
            let _ = parse_overview_line(&line);
            let _ = parse_active_line(&line);
            let _ = parse_newsgroups_line(&line);
            let _ = parse_hdr_line(&line);
            let text = String::from_utf8_lossy(&line);
            let _ = parse_group_reply(&text);
            let _ = parse_date_reply(&text);
            let _ = parse_since(&text);
            let _ = Range::parse(&text);
            let _ = Capabilities::parse(text.lines());
        }

        #[test]
        fn wire_time_round_trips(secs in 0i64..8_000_000_000) {
            let w = wire_time(secs);
            let compact: String = w.split(' ').take(2).collect();
            prop_assert_eq!(parse_date_reply(&compact).unwrap(), secs);
        }
    }
}
