//! `--set part=value`: change single parts of a URL (or build one from nothing) and put it
//! back together like Python's `urlunparse`.
//!
//! Values are taken as written, so already-encoded text passes unchanged (`%2F` stays
//! `%2F`); what is percent-encoded (UTF-8) is only what would otherwise change how the URL
//! splits, plus space, controls, non-ASCII and a `%` that starts no `%XX` escape:
//! - user: `:` `@` `/` `?` `#` `[` `]`; password: the same but `:` (the user ends at the
//!   first `:`, so the password may hold more);
//! - path: `?` `#`, and `;` in the last segment for schemes whose `;` starts params;
//! - params: `/` `?` `#`; query: `#`; fragment: nothing more.
//!
//! The scheme, host and port are checked instead of encoded: a scheme is
//! `ALPHA *(ALPHA / DIGIT / "+" / "-" / ".")` (lower-cased); a host with `:` is an IPv6
//! address and gets brackets; a host keeps Unicode (its IDNA form is derived when parsed);
//! a port is 0–65535. An empty value removes the part.
//!
//! Where `urlunsplit` would change the meaning, netkit keeps it instead: a path beginning
//! `//` after an empty authority gets its `//` authority marker, so it is not read back as a
//! host. Like `urlunsplit`, a path gets a leading `/` when there is a host.

use std::fmt::Write as _;
use std::str::FromStr;

use super::Url;
use super::host;
use super::join::unparse;
use super::split::{USES_PARAMS, scheme_end};
use crate::Error;

/// The parts `--set` can change.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part {
    Scheme,
    User,
    Password,
    Host,
    Port,
    Path,
    Params,
    Query,
    Fragment,
}

impl Part {
    pub const ALL: [Part; 9] = [
        Part::Scheme,
        Part::User,
        Part::Password,
        Part::Host,
        Part::Port,
        Part::Path,
        Part::Params,
        Part::Query,
        Part::Fragment,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Part::Scheme => "scheme",
            Part::User => "user",
            Part::Password => "password",
            Part::Host => "host",
            Part::Port => "port",
            Part::Path => "path",
            Part::Params => "params",
            Part::Query => "query",
            Part::Fragment => "fragment",
        }
    }
}

impl FromStr for Part {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self, Error> {
        Part::ALL
            .into_iter()
            .find(|p| p.name() == s)
            .ok_or_else(|| {
                let names: Vec<_> = Part::ALL.iter().map(|p| p.name()).collect();
                Error::usage(format!(
                    "unknown URL part '{s}' (one of {})",
                    names.join(", ")
                ))
            })
    }
}

/// One `part=value` edit, checked and encoded once, before any URL is read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edit {
    pub part: Part,
    /// The value as it goes into the URL (encoded, or checked), `None` to remove the part.
    value: Option<String>,
    /// The value as given, for parts whose encoding depends on the scheme (path).
    raw: String,
}

impl FromStr for Edit {
    type Err = Error;

    /// `part=value`.
    fn from_str(s: &str) -> Result<Self, Error> {
        let (name, raw) = s
            .split_once('=')
            .ok_or_else(|| Error::usage(format!("'{s}' is not part=value")))?;
        Edit::new(name.parse()?, raw)
    }
}

impl Edit {
    pub fn new(part: Part, raw: &str) -> Result<Self, Error> {
        let value = if raw.is_empty() {
            None
        } else {
            Some(match part {
                Part::Scheme => check_scheme(raw)?,
                Part::Host => check_host(raw)?,
                Part::Port => host::parse_port(raw)?.to_string(),
                Part::User => encode(raw, b":@/?#[]"),
                Part::Password => encode(raw, b"@/?#[]"),
                Part::Path => encode(raw, b"?#"),
                Part::Params => encode(raw, b"/?#"),
                Part::Query => encode(raw, b"#"),
                Part::Fragment => encode(raw, b""),
            })
        };
        Ok(Edit {
            part,
            value,
            raw: raw.to_owned(),
        })
    }
}

/// A scheme as RFC 3986 §3.1 spells it, lower-cased.
pub fn check_scheme(raw: &str) -> Result<String, Error> {
    if scheme_end(&format!("{raw}:")) == Some(raw.len()) {
        Ok(raw.to_ascii_lowercase())
    } else {
        Err(Error::usage(format!(
            "invalid scheme '{raw}' (a letter, then letters, digits, '+', '-' or '.')"
        )))
    }
}

fn check_host(raw: &str) -> Result<String, Error> {
    if let Some(inner) = raw.strip_prefix('[').and_then(|r| r.strip_suffix(']')) {
        host::check_bracketed(inner)?;
        return Ok(raw.to_owned());
    }
    if raw.contains(':') {
        host::check_bracketed(raw)?;
        return Ok(format!("[{raw}]"));
    }
    if raw
        .chars()
        .any(|c| c.is_control() || c.is_whitespace() || "/?#@[]\\".contains(c))
    {
        return Err(Error::usage(format!("invalid host '{raw}'")));
    }
    Ok(raw.to_owned())
}

/// Percent-encodes what `extra` names, plus space, controls, non-ASCII and a stray `%`.
fn encode(raw: &str, extra: &[u8]) -> String {
    let bytes = raw.as_bytes();
    let mut out = String::with_capacity(raw.len());
    for (i, &b) in bytes.iter().enumerate() {
        let escape_start = b == b'%'
            && bytes.get(i + 1).is_some_and(u8::is_ascii_hexdigit)
            && bytes.get(i + 2).is_some_and(u8::is_ascii_hexdigit);
        let keep = b.is_ascii_graphic() && !extra.contains(&b) && (b != b'%' || escape_start);
        if keep {
            out.push(char::from(b));
        } else {
            // Writing to a String cannot fail.
            let _ = write!(out, "%{b:02X}");
        }
    }
    out
}

/// The parts of a URL being rebuilt, each as it will be written.
#[derive(Debug, Default)]
struct Parts {
    scheme: String,
    user: Option<String>,
    password: Option<String>,
    host: String,
    port: Option<String>,
    path: String,
    params: String,
    query: String,
    fragment: String,
}

/// Applies `edits` in order (a later edit of the same part wins) to `url`, or to the empty
/// URL when `url` is `None`, and returns the new URL text.
pub fn apply(url: Option<&Url<'_>>, edits: &[Edit]) -> String {
    let mut p = Parts::default();
    let mut netloc_kept = String::new();
    if let Some(u) = url {
        p.scheme = u.scheme().to_owned();
        p.user = u.user().map(str::to_owned);
        p.password = u.password().map(str::to_owned);
        p.host = u.host_text().to_owned();
        p.port = u.port_text().map(str::to_owned);
        p.path = u.path().to_owned();
        p.params = u.params().to_owned();
        p.query = u.query().to_owned();
        p.fragment = u.fragment().to_owned();
        netloc_kept = u.netloc().to_owned();
    }
    let mut netloc_changed = false;
    let mut path_raw = None;
    for edit in edits {
        let v = edit.value.clone();
        match edit.part {
            Part::Scheme => p.scheme = v.unwrap_or_default(),
            Part::User => p.user = v,
            Part::Password => p.password = v,
            Part::Host => p.host = v.unwrap_or_default(),
            Part::Port => p.port = v,
            Part::Path => path_raw = Some(edit.raw.as_str()),
            Part::Params => p.params = v.unwrap_or_default(),
            Part::Query => p.query = v.unwrap_or_default(),
            Part::Fragment => p.fragment = v.unwrap_or_default(),
        }
        netloc_changed |= matches!(
            edit.part,
            Part::User | Part::Password | Part::Host | Part::Port
        );
    }
    if let Some(raw) = path_raw {
        // Encoded last: whether `;` must be escaped depends on the final scheme.
        p.path = encode(raw, b"?#");
        if USES_PARAMS.contains(&p.scheme.as_str()) {
            let from = p.path.rfind('/').unwrap_or(0);
            let (head, tail) = p.path.split_at(from);
            p.path = format!("{head}{}", tail.replace(';', "%3B"));
        }
    }
    let netloc = if netloc_changed {
        let mut n = String::new();
        if p.user.is_some() || p.password.is_some() {
            n.push_str(p.user.as_deref().unwrap_or(""));
            if let Some(pw) = &p.password {
                n.push(':');
                n.push_str(pw);
            }
            n.push('@');
        }
        n.push_str(&p.host);
        if let Some(port) = &p.port {
            n.push(':');
            n.push_str(port);
        }
        n
    } else {
        netloc_kept
    };
    let mut out = unparse(
        &p.scheme,
        &netloc,
        &p.path,
        &p.params,
        &p.query,
        &p.fragment,
    );
    if netloc.is_empty() && p.path.starts_with("//") {
        // `urlunsplit` would drop the empty authority and turn the path into a host.
        let at = if p.scheme.is_empty() {
            0
        } else {
            p.scheme.len() + 1
        };
        out.insert_str(at, "//");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(url: &str, edits: &[&str]) -> String {
        let edits: Vec<Edit> = edits.iter().map(|e| e.parse().unwrap()).collect();
        if url.is_empty() {
            apply(None, &edits)
        } else {
            apply(Some(&Url::parse(url).unwrap()), &edits)
        }
    }

    #[test]
    fn builds_from_nothing() {
        assert_eq!(set("", &["scheme=https", "host=x"]), "https://x");
        assert_eq!(
            set("", &["scheme=imap", "host=h", "path=INBOX", "user=a b"]),
            "imap://a%20b@h/INBOX"
        );
    }

    #[test]
    fn changes_one_part_and_keeps_the_rest_as_written() {
        let base = "http://U:p@Host:0080/a;x?q#f";
        assert_eq!(set(base, &["port=8080"]), "http://U:p@Host:8080/a;x?q#f");
        assert_eq!(set(base, &["query="]), "http://U:p@Host:0080/a;x#f");
        assert_eq!(
            set(base, &["fragment=a b"]),
            "http://U:p@Host:0080/a;x?q#a%20b"
        );
        assert_eq!(
            set(base, &["scheme=HTTPS"]),
            "https://U:p@Host:0080/a;x?q#f"
        );
        assert_eq!(set(base, &["user="]), "http://:p@Host:0080/a;x?q#f");
        assert_eq!(
            set(base, &["user=", "password="]),
            "http://Host:0080/a;x?q#f"
        );
    }

    #[test]
    fn delimiters_in_values_are_encoded_existing_escapes_kept() {
        assert_eq!(set("http://h/", &["user=a:b@c"]), "http://a%3Ab%40c@h/");
        assert_eq!(set("http://h/", &["password=a:b"]), "http://:a:b@h/");
        assert_eq!(
            set("http://h/", &["path=/a?b#c;d"]),
            "http://h/a%3Fb%23c%3Bd"
        );
        assert_eq!(set("gopher://h/", &["path=/a;d"]), "gopher://h/a;d");
        assert_eq!(
            set("http://h/", &["query=a=1&b=%2F%zz"]),
            "http://h/?a=1&b=%2F%25zz"
        );
        assert_eq!(set("http://h/", &["path=/\u{fc}"]), "http://h/%C3%BC");
    }

    #[test]
    fn ipv6_hosts_get_brackets() {
        assert_eq!(set("http://h:1/", &["host=::1"]), "http://[::1]:1/");
        assert_eq!(set("http://h/", &["host=[::2]"]), "http://[::2]/");
    }

    #[test]
    fn bad_scheme_host_port_are_refused() {
        for e in [
            "scheme=1x",
            "host=a/b",
            "host=:::x",
            "port=70000",
            "port=x",
            "nope=1",
            "host",
        ] {
            assert!(e.parse::<Edit>().is_err(), "{e}");
        }
    }

    #[test]
    fn double_slash_path_is_not_read_back_as_host() {
        let out = set("http:/x", &["path=//evil/x"]);
        assert_eq!(Url::parse(&out).unwrap().host(), None, "{out}");
        assert_eq!(Url::parse(&out).unwrap().path(), "//evil/x");
    }

    #[test]
    fn relative_path_gets_a_slash_when_there_is_a_host() {
        assert_eq!(set("", &["host=h", "path=p"]), "//h/p");
    }
}
