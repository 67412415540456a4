//! The EHLO reply's service extensions (RFC 5321 §4.1.1.1): the first line is the server's
//! domain, each later line a keyword with parameters. Keywords are case-insensitive.

use crate::proto::pingpong::Reply;

/// What the server said it supports.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Extensions {
    /// The server's greeting domain (first EHLO line).
    pub domain: String,
    pub starttls: bool,
    pub pipelining: bool,
    /// RFC 1870 SIZE: `Some(0)` means "SIZE offered, no fixed limit".
    pub size: Option<u64>,
    pub eight_bit_mime: bool,
    pub smtputf8: bool,
    pub dsn: bool,
    pub enhanced_status_codes: bool,
    /// AUTH mechanisms, upper-cased.
    pub auth: Vec<String>,
}

impl Extensions {
    /// From a positive EHLO reply. `AUTH=LOGIN PLAIN` (the pre-RFC form some servers still
    /// send) counts as AUTH too.
    pub fn from_reply(reply: &Reply) -> Extensions {
        let mut ext = Extensions::default();
        let mut lines = reply.lines.iter();
        if let Some(first) = lines.next() {
            ext.domain = first
                .split_whitespace()
                .next()
                .unwrap_or_default()
                .to_owned();
        }
        for line in lines {
            let mut words = line.split([' ', '=']);
            let keyword = words.next().unwrap_or_default().to_ascii_uppercase();
            match keyword.as_str() {
                "STARTTLS" => ext.starttls = true,
                "PIPELINING" => ext.pipelining = true,
                "SIZE" => ext.size = Some(words.next().and_then(|n| n.parse().ok()).unwrap_or(0)),
                "8BITMIME" => ext.eight_bit_mime = true,
                "SMTPUTF8" => ext.smtputf8 = true,
                "DSN" => ext.dsn = true,
                "ENHANCEDSTATUSCODES" => ext.enhanced_status_codes = true,
                "AUTH" => {
                    for mech in words.filter(|w| !w.is_empty()) {
                        let mech = mech.to_ascii_uppercase();
                        if !ext.auth.contains(&mech) {
                            ext.auth.push(mech);
                        }
                    }
                }
                _ => {}
            }
        }
        ext
    }
}

/// An RFC 3463 enhanced status code at the start of a reply line, when its class agrees
/// with the reply code (`250 2.1.0 Ok` → `2.1.0`).
pub fn enhanced_status(code: u16, text: &str) -> Option<(String, String)> {
    let (first, rest) = text.split_once(' ').unwrap_or((text, ""));
    let mut parts = first.split('.');
    let (class, subject, detail) = (parts.next()?, parts.next()?, parts.next()?);
    let digits = |s: &str, max: usize| {
        !s.is_empty() && s.len() <= max && s.bytes().all(|b| b.is_ascii_digit())
    };
    let ok = parts.next().is_none()
        && digits(class, 1)
        && digits(subject, 3)
        && digits(detail, 3)
        && class.parse::<u16>().ok() == Some(code / 100);
    ok.then(|| (first.to_owned(), rest.to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reply(lines: &[&str]) -> Reply {
        Reply {
            code: 250,
            lines: lines.iter().map(|s| s.to_string()).collect(),
        }
    }

    #[test]
    fn postfix_ehlo_reply() {
        let ext = Extensions::from_reply(&reply(&[
            "mail.netkit.test",
            "PIPELINING",
            "SIZE 10240000",
            "VRFY",
            "ETRN",
            "STARTTLS",
            "AUTH PLAIN LOGIN",
            "AUTH=PLAIN LOGIN",
            "ENHANCEDSTATUSCODES",
            "8BITMIME",
            "DSN",
            "SMTPUTF8",
            "CHUNKING",
        ]));
        assert_eq!(ext.domain, "mail.netkit.test");
        assert!(ext.pipelining && ext.starttls && ext.eight_bit_mime && ext.dsn && ext.smtputf8);
        assert_eq!(ext.size, Some(10_240_000));
        assert_eq!(ext.auth, ["PLAIN", "LOGIN"]);
    }

    #[test]
    fn size_without_a_number_means_no_fixed_limit() {
        assert_eq!(Extensions::from_reply(&reply(&["x", "size"])).size, Some(0));
        assert_eq!(Extensions::from_reply(&reply(&["x"])).size, None);
    }

    #[test]
    fn enhanced_codes_must_match_the_reply_class() {
        assert_eq!(
            enhanced_status(250, "2.1.5 Ok"),
            Some(("2.1.5".to_owned(), "Ok".to_owned()))
        );
        assert_eq!(enhanced_status(550, "2.1.5 Ok"), None);
        assert_eq!(enhanced_status(550, "no code here"), None);
        assert_eq!(
            enhanced_status(554, "5.7.1"),
            Some(("5.7.1".to_owned(), String::new()))
        );
    }

    proptest::proptest! {
        #[test]
        fn never_panics(lines in proptest::collection::vec("\\PC{0,40}", 0..8), code in 100u16..600) {
            let r = Reply { code, lines: lines.clone() };
            let _ = Extensions::from_reply(&r);
            for l in &lines {
                let _ = enhanced_status(code, l);
            }
        }
    }
}
