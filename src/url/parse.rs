//! URL parsing, joining and building, sans I/O: netkit's own parser, compatible with Python
//! 3.11's `urllib.parse` where scripts can see it.
//!
//! - [`split`]: `urlsplit`/`urlparse` — scheme, netloc, path, params, query, fragment.
//! - [`host`]: netloc → user, password, host, port (RFC 3986 §3.2), for every scheme.
//! - [`Url`]: both, plus the host's IDNA forms (UTS #46 via `idna`) and the scheme's default
//!   port from netkit's table (SPEC §2).
//! - [`join`]: `urljoin` (RFC 3986 §5.2 as Python implements it).
//! - [`build`]: `urlunparse`-style editing of single parts (`--set`).
//! - [`template`]: trurl-like `{host}` text templates (`--get`).
//! - [`query`]: `parse_qsl(keep_blank_values=True)` pairs.
//!
//! Null versus empty follows Python: scheme, netloc, path, params, query and fragment are
//! `""` when absent; user, password, host and port are `None` when absent (`http://@h` has the
//! user `""`, `http://h` has none). Deliberate differences from Python, each for a client's
//! sake: the port is validated while parsing (Python raises only on `.port`); `host` is the
//! IDNA ASCII form and a host IDNA refuses is an error (a client could not send it); junk
//! around a bracketed host is refused instead of silently dropped.

pub mod build;
pub mod host;
pub mod join;
pub mod query;
pub mod split;
pub mod template;

#[cfg(test)]
mod props;
#[cfg(test)]
mod python_cases;

use std::borrow::Cow;

use crate::Error;
use split::{Span, Split};

/// One fully parsed URL. Components are slices of the cleaned input where possible, so a
/// million-line stream allocates only for the unusual line.
#[derive(Debug, Clone)]
pub struct Url<'a> {
    split: Split<'a>,
    user: Option<Span>,
    password: Option<Span>,
    host_raw: Option<Span>,
    host_text: Span,
    port: Option<u16>,
    port_text: Option<Span>,
    /// `None`: same text as `host_raw` (already lower-case ASCII); `Some`: mapped.
    host_ascii: Option<String>,
    /// `None`: same as the ASCII form (no IDNA labels in it).
    host_unicode: Option<String>,
}

impl<'a> Url<'a> {
    /// Parses `input` as Python's `urlparse` would, then checks and maps the host and port.
    pub fn parse(input: &'a str) -> Result<Self, Error> {
        let split = Split::parse(input)?;
        let netloc = split.netloc;
        let auth = host::authority(split.netloc())?;
        let shift = |(a, b): (usize, usize)| Span::new(netloc.start + a, netloc.start + b);
        let mut url = Url {
            user: auth.user.map(shift),
            password: auth.password.map(shift),
            host_raw: auth.host.map(shift),
            host_text: shift(auth.host_text),
            port: auth.port,
            port_text: auth.port_text.map(shift),
            host_ascii: None,
            host_unicode: None,
            split,
        };
        if let Some(span) = url.host_raw {
            let raw = span.of(url.split.text());
            let (ascii, unicode) = host_forms(raw, auth.bracketed)?;
            url.host_ascii = ascii;
            url.host_unicode = unicode;
        }
        Ok(url)
    }

    /// The text the components index: the input minus what Python strips.
    pub fn text(&self) -> &str {
        self.split.text()
    }

    pub fn scheme(&self) -> &str {
        self.split.scheme()
    }

    pub fn netloc(&self) -> &str {
        self.split.netloc()
    }

    pub fn user(&self) -> Option<&str> {
        self.user.map(|s| s.of(self.text()))
    }

    pub fn password(&self) -> Option<&str> {
        self.password.map(|s| s.of(self.text()))
    }

    /// The host as a client sends it: IDNA ASCII, lower-case, IPv6 without brackets (its
    /// `%zone` keeps its case, as Python's `hostname` does).
    pub fn host(&self) -> Option<&str> {
        let raw = self.host_raw?.of(self.text());
        Some(self.host_ascii.as_deref().unwrap_or(raw))
    }

    /// The host with IDNA labels shown in Unicode.
    pub fn host_unicode(&self) -> Option<&str> {
        match &self.host_unicode {
            Some(u) => Some(u),
            None => self.host(),
        }
    }

    /// The host as written, brackets included; `""` when the netloc has none.
    pub fn host_text(&self) -> &str {
        self.host_text.of(self.text())
    }

    /// The explicit port, if the URL has one.
    pub fn port(&self) -> Option<u16> {
        self.port
    }

    /// The port as written (`0080`), for rebuilding a netloc unchanged.
    pub fn port_text(&self) -> Option<&str> {
        self.port_text.map(|s| s.of(self.text()))
    }

    /// The scheme's default port from netkit's table (SPEC §2), if netkit knows the scheme.
    pub fn default_port(&self) -> Option<u16> {
        super::scheme::default_port(self.scheme())
    }

    /// The port a client connects to: the explicit one, else the scheme's default.
    pub fn effective_port(&self) -> Option<u16> {
        self.port.or_else(|| self.default_port())
    }

    pub fn path(&self) -> &str {
        self.split.path()
    }

    pub fn params(&self) -> &str {
        self.split.params()
    }

    pub fn query(&self) -> &str {
        self.split.query()
    }

    pub fn fragment(&self) -> &str {
        self.split.fragment()
    }

    /// The query as `parse_qsl(query, keep_blank_values=True)` pairs, decoded.
    pub fn query_pairs(&self) -> query::Pairs<'_> {
        query::pairs(self.query())
    }
}

/// The ASCII and Unicode forms of a host, `None` meaning "same as the text before".
fn host_forms(raw: &str, bracketed: bool) -> Result<(Option<String>, Option<String>), Error> {
    if bracketed {
        // Python lower-cases the address but not the zone (`fe80::1%tESt`).
        let (addr, zone) = raw.split_once('%').unwrap_or((raw, ""));
        if !addr.bytes().any(|b| b.is_ascii_uppercase()) {
            return Ok((None, None));
        }
        let mut lower = addr.to_ascii_lowercase();
        if raw.len() > addr.len() {
            lower.push('%');
            lower.push_str(zone);
        }
        return Ok((Some(lower), None));
    }
    let ascii = idna::domain_to_ascii_cow(raw.as_bytes(), idna::AsciiDenyList::EMPTY)
        .map_err(|_| Error::usage(format!("invalid international domain name '{raw}'")))?;
    let has_idna_label = ascii
        .split('.')
        .any(|label| label.len() >= 4 && label[..4].eq_ignore_ascii_case("xn--"));
    let unicode = has_idna_label.then(|| idna::domain_to_unicode(&ascii).0);
    let ascii = match ascii {
        Cow::Borrowed(_) => None,
        Cow::Owned(s) => Some(s),
    };
    Ok((ascii, unicode))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mail_news_and_gopher_schemes_get_hosts_and_default_ports() {
        for (url, host, port) in [
            ("imap://mail.example.org/INBOX", "mail.example.org", 143),
            ("pop3://u@pop.example.org", "pop.example.org", 110),
            (
                "nntp://news.example.org:1119/comp.lang.rust",
                "news.example.org",
                119,
            ),
            ("gopher://[2001:db8::1]:7070/1/", "2001:db8::1", 70),
            ("telnet://Host.Example", "host.example", 23),
            ("smtps://relay", "relay", 465),
        ] {
            let u = Url::parse(url).unwrap();
            assert_eq!(u.host(), Some(host), "{url}");
            assert_eq!(u.default_port(), Some(port), "{url}");
        }
        assert_eq!(
            Url::parse("nntp://n:1119/x").unwrap().effective_port(),
            Some(1119)
        );
    }

    #[test]
    fn idna_host_has_ascii_and_unicode_forms() {
        let u = Url::parse("http://B\u{fc}cher.example/").unwrap();
        assert_eq!(u.host(), Some("xn--bcher-kva.example"));
        assert_eq!(u.host_unicode(), Some("b\u{fc}cher.example"));
        let p = Url::parse("http://XN--BCHER-KVA.example/").unwrap();
        assert_eq!(p.host(), Some("xn--bcher-kva.example"));
        assert_eq!(p.host_unicode(), Some("b\u{fc}cher.example"));
    }

    #[test]
    fn plain_hosts_are_lowercased_without_idna_changes() {
        let u = Url::parse("HTTP://WWW.Example.COM:8080/").unwrap();
        assert_eq!(u.scheme(), "http");
        assert_eq!(u.host(), Some("www.example.com"));
        assert_eq!(u.host_unicode(), Some("www.example.com"));
        assert_eq!(u.host_text(), "WWW.Example.COM");
        assert_eq!(u.port_text(), Some("8080"));
    }

    #[test]
    fn ipv6_zone_keeps_its_case() {
        let u = Url::parse("http://[FE80::1%tESt]:1234/").unwrap();
        assert_eq!(u.host(), Some("fe80::1%tESt"));
        assert_eq!(u.port(), Some(1234));
    }

    #[test]
    fn bad_idna_is_an_error() {
        assert!(Url::parse("http://a\u{fffd}b/").is_err());
    }

    #[test]
    fn absent_parts_are_none_empty_parts_are_empty() {
        let u = Url::parse("http://h/").unwrap();
        assert_eq!((u.user(), u.password(), u.port()), (None, None, None));
        let e = Url::parse("").unwrap();
        assert_eq!((e.scheme(), e.host(), e.path()), ("", None, ""));
        assert_eq!(e.default_port(), None);
    }
}
