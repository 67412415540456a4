//! The component split of Python 3.11's `urllib.parse.urlsplit` + `urlparse`: scheme, netloc,
//! path, params, query, fragment, each a slice of the (cleaned) input.
//!
//! Python's quirks kept on purpose, because scripts compare against Python:
//! - leading C0 controls and spaces are stripped, and TAB, CR and LF are removed anywhere
//!   (WHATWG "strip" rules, bpo-43882); trailing spaces are kept;
//! - a scheme is any `ALPHA *(ALPHA / DIGIT / "+" / "-" / ".")` before the first `:`, so
//!   `example.com:80` has the scheme `example.com` (RFC 3986 §3.1 allows it);
//! - `params` (`;…` in the last path segment, RFC 1808) split only for `USES_PARAMS` schemes;
//! - `[`/`]` must balance in the netloc and the first bracketed text must be an IPv6 address
//!   or an IPvFuture (RFC 3986 §3.2.2), as `_check_bracketed_host` demands;
//! - a non-ASCII netloc that NFKC-normalises to one of `/?#@:` is refused (CVE-2019-9636).

use std::borrow::Cow;

use super::host;
use crate::Error;

/// `urllib.parse.uses_params`: schemes whose last path segment carries `;params`.
pub const USES_PARAMS: &[&str] = &[
    "", "ftp", "hdl", "prospero", "http", "imap", "https", "shttp", "rtsp", "rtsps", "rtspu",
    "sip", "sips", "mms", "sftp", "tel",
];

/// A byte range of the cleaned text. Spans keep `Split` free of self-references while the
/// text may be borrowed (the fast path) or owned (after cleaning or lower-casing).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Span {
    pub start: usize,
    pub end: usize,
}

impl Span {
    pub fn new(start: usize, end: usize) -> Self {
        Span { start, end }
    }

    pub fn of(self, text: &str) -> &str {
        text.get(self.start..self.end).unwrap_or("")
    }

    pub fn is_empty(self) -> bool {
        self.start >= self.end
    }
}

/// The six `urlparse` components over one cleaned, scheme-lowercased text.
#[derive(Debug, Clone)]
pub struct Split<'a> {
    text: Cow<'a, str>,
    /// Set when the scheme came from the caller (`urljoin`'s base scheme), not the text.
    default_scheme: Option<&'a str>,
    pub(crate) scheme: Span,
    pub(crate) netloc: Span,
    pub(crate) path: Span,
    pub(crate) params: Span,
    pub(crate) query: Span,
    pub(crate) fragment: Span,
}

/// WHATWG's "C0 control or space", which Python strips from the front of a URL.
fn is_c0_or_space(c: char) -> bool {
    c <= ' '
}

/// Python's `_UNSAFE_URL_BYTES_TO_REMOVE`.
fn is_removed(b: u8) -> bool {
    matches!(b, b'\t' | b'\r' | b'\n')
}

/// The text Python actually parses: front-stripped, TAB/CR/LF removed. Borrowed unless a
/// character had to go.
pub fn clean(url: &str) -> Cow<'_, str> {
    let url = url.trim_start_matches(is_c0_or_space);
    if url.bytes().any(is_removed) {
        Cow::Owned(
            url.chars()
                .filter(|&c| !matches!(c, '\t' | '\r' | '\n'))
                .collect(),
        )
    } else {
        Cow::Borrowed(url)
    }
}

fn is_scheme(candidate: &str) -> bool {
    let mut bytes = candidate.bytes();
    bytes.next().is_some_and(|b| b.is_ascii_alphabetic())
        && bytes.all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'-' | b'.'))
}

/// Where the scheme's `:` is, if the text starts with a scheme.
pub fn scheme_end(text: &str) -> Option<usize> {
    let colon = text.find(':')?;
    (colon > 0 && is_scheme(&text[..colon])).then_some(colon)
}

impl<'a> Split<'a> {
    /// `urlparse(url)`.
    pub fn parse(url: &'a str) -> Result<Self, Error> {
        Self::parse_with_default(url, None)
    }

    /// `urlparse(url, scheme=default)`: the default counts only when the text has none, and
    /// (as in Python) it decides whether params are split.
    pub fn parse_with_default(url: &'a str, default: Option<&'a str>) -> Result<Self, Error> {
        let mut text = clean(url);
        let mut pos = 0;
        let mut scheme = Span::default();
        if let Some(colon) = scheme_end(&text) {
            if text[..colon].bytes().any(|b| b.is_ascii_uppercase()) {
                text.to_mut()[..colon].make_ascii_lowercase();
            }
            scheme = Span::new(0, colon);
            pos = colon + 1;
        }
        let s: &str = &text;
        let mut netloc = Span::new(pos, pos);
        if s[pos..].starts_with("//") {
            let start = pos + 2;
            let end = s[start..]
                .find(['/', '?', '#'])
                .map_or(s.len(), |i| start + i);
            netloc = Span::new(start, end);
            check_netloc(netloc.of(s))?;
            pos = end;
        }
        let mut end = s.len();
        let mut fragment = Span::new(end, end);
        if let Some(i) = s[pos..].find('#') {
            fragment = Span::new(pos + i + 1, end);
            end = pos + i;
        }
        let mut query = Span::new(end, end);
        if let Some(i) = s[pos..end].find('?') {
            query = Span::new(pos + i + 1, end);
            end = pos + i;
        }
        let mut path = Span::new(pos, end);
        let mut params = Span::new(end, end);
        let effective = if scheme.is_empty() {
            default.unwrap_or("")
        } else {
            scheme.of(s)
        };
        if USES_PARAMS.contains(&effective) {
            let p = path.of(s);
            // `_splitparams`: the first `;` after the last `/` (or anywhere without a `/`).
            let from = p.rfind('/').unwrap_or(0);
            if let Some(i) = p[from..].find(';') {
                let semi = path.start + from + i;
                params = Span::new(semi + 1, path.end);
                path = Span::new(path.start, semi);
            }
        }
        Ok(Split {
            text,
            default_scheme: if scheme.is_empty() { default } else { None },
            scheme,
            netloc,
            path,
            params,
            query,
            fragment,
        })
    }

    /// The cleaned text the spans index.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// Lower-cased scheme, `""` when none (or the default given to `parse_with_default`).
    pub fn scheme(&self) -> &str {
        match self.default_scheme {
            Some(d) => d,
            None => self.scheme.of(&self.text),
        }
    }

    pub fn netloc(&self) -> &str {
        self.netloc.of(&self.text)
    }

    pub fn path(&self) -> &str {
        self.path.of(&self.text)
    }

    pub fn params(&self) -> &str {
        self.params.of(&self.text)
    }

    pub fn query(&self) -> &str {
        self.query.of(&self.text)
    }

    pub fn fragment(&self) -> &str {
        self.fragment.of(&self.text)
    }
}

/// `urlsplit`'s netloc checks: balanced brackets, a real address inside them, NFKC safety.
fn check_netloc(netloc: &str) -> Result<(), Error> {
    let open = netloc.find('[');
    let close = netloc.find(']');
    match (open, close) {
        (None, None) => {}
        (Some(_), None) | (None, Some(_)) => {
            return Err(Error::usage("invalid IPv6 literal (unbalanced brackets)"));
        }
        (Some(o), Some(_)) => {
            // Python checks the text from the first `[` to the next `]`, even in userinfo.
            let inner = &netloc[o + 1..];
            let inner = &inner[..inner.find(']').unwrap_or(inner.len())];
            host::check_bracketed(inner)?;
        }
    }
    if netloc.is_ascii() {
        return Ok(());
    }
    let stripped: String = netloc
        .chars()
        .filter(|c| !matches!(c, '@' | ':' | '#' | '?'))
        .collect();
    let normalized = icu_normalizer::ComposingNormalizerBorrowed::new_nfkc().normalize(&stripped);
    if normalized != stripped && normalized.contains(['/', '?', '#', '@', ':']) {
        return Err(Error::usage(format!(
            "netloc '{netloc}' contains invalid characters under NFKC normalization"
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parts(url: &str) -> [String; 6] {
        let s = Split::parse(url).unwrap();
        [
            s.scheme(),
            s.netloc(),
            s.path(),
            s.params(),
            s.query(),
            s.fragment(),
        ]
        .map(str::to_owned)
    }

    #[test]
    fn splits_all_six_components() {
        assert_eq!(
            parts("HTTP://u:p@h:1/a/b;p?q=1#f"),
            ["http", "u:p@h:1", "/a/b", "p", "q=1", "f"].map(str::to_owned)
        );
    }

    #[test]
    fn params_only_for_uses_params_schemes_and_last_segment() {
        assert_eq!(parts("http://h/a;x/b;y")[2..4], ["/a;x/b", "y"]);
        assert_eq!(parts("gopher://h/a;y")[2..4], ["/a;y", ""]);
        assert_eq!(parts("a;b")[2..4], ["a", "b"]);
    }

    #[test]
    fn host_port_without_scheme_reads_as_scheme_like_python() {
        assert_eq!(parts("example.com:80")[0..3], ["example.com", "", "80"]);
        assert_eq!(parts("1http:x")[0..3], ["", "", "1http:x"]);
    }

    #[test]
    fn tabs_and_newlines_removed_leading_space_stripped() {
        assert_eq!(parts(" \x01ht\ttp://h\n/p ")[0..3], ["http", "h", "/p "]);
    }

    #[test]
    fn unbalanced_or_bad_brackets_are_errors() {
        assert!(Split::parse("http://[::1").is_err());
        assert!(Split::parse("http://::1]/").is_err());
        assert!(Split::parse("http://[1.2.3.4]/").is_err());
        assert!(Split::parse("http://[v1.x]/").is_ok());
        assert!(Split::parse("http://[fe80::1%eth0]/").is_ok());
    }

    #[test]
    fn nfkc_netloc_trick_is_refused() {
        assert!(Split::parse("http://evil\u{2100}.com/").is_err());
        assert!(Split::parse("http://b\u{fc}cher.example/").is_ok());
    }
}
