//! Gopher (RFC 1436) with RFC 4266 URLs, sans-IO: what an item type is, the request line
//! (`selector CRLF`, or `selector TAB query CRLF` for a type 7 search), item URLs, the menu
//! line parser ([`menu`]) and the text-body un-stuffer ([`text`]); [`client`] runs one
//! exchange over a byte stream through the shared line layer.
//!
//! Quirks handled here, each named where it is handled:
//! * Gophernicus sends text files without dot-stuffing and without the final `.` line, and
//!   its CGI menus (type 7 results) end without `.` and with bare LF line ends.
//! * Gophernicus answers a missing selector with one untyped line `Error: File or directory
//!   not found!`; RFC 1436 servers answer with a type `3` item.
//! * Gopher+ (the 5th tab field of a menu line, `+INFO:` attribute blocks) is ignored: netkit
//!   sends plain RFC 1436 requests only.

pub mod client;
pub mod menu;
pub mod text;

use crate::{Error, ErrorKind};

/// What netkit does with an item of a given RFC 1436 type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// `1`: a menu; `7`: a search, whose answer is a menu.
    Menu,
    /// `0` (and `c`, `x`, `M`…): text, dot-terminated per RFC 1436 (leniently).
    Text,
    /// `h`: an HTML document, passed as sent (servers do not dot-stuff it).
    Document,
    /// `9`, `g`, `I`, `s`, `5`, `;`, `d`, `4`, `6`, `P` and anything unknown: bytes until
    /// the server closes, saved to a file, never written to a terminal.
    Binary,
    /// `8`, `T`, `2`: sessions of another protocol (telnet, tn3270, CSO), not documents.
    Session,
    /// `i` and `3`: lines of a menu, not items that can be fetched.
    NotAnItem,
}

/// The kind of item type `t`.
pub fn kind(t: u8) -> Kind {
    match t {
        b'1' | b'7' => Kind::Menu,
        b'0' | b'c' | b'x' | b'M' => Kind::Text,
        b'h' => Kind::Document,
        b'8' | b'T' | b'2' => Kind::Session,
        b'i' | b'3' => Kind::NotAnItem,
        _ => Kind::Binary,
    }
}

/// An item as an RFC 4266 URL names it: `/<type><selector>%09<search>%09<gopher+>`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Locator {
    pub item_type: u8,
    pub selector: Vec<u8>,
    /// The search string of a type 7 URL (after the first `%09`).
    pub search: Option<Vec<u8>>,
    /// A Gopher+ string was present (after the second `%09`); it is not sent.
    pub gopher_plus: bool,
}

/// The gopher-path of a URL as written: everything after the authority up to a `#`
/// (RFC 4266 §2.1 gives `?` and `;` no meaning, so they are part of the selector).
pub fn raw_path(url: &str) -> &str {
    let rest = match url.find("://") {
        Some(i) => &url[i + 3..],
        None => url,
    };
    let rest = rest.split('#').next().unwrap_or(rest);
    match rest.find('/') {
        Some(i) => &rest[i..],
        None => "",
    }
}

/// Parses a gopher-path (`raw_path` of the URL): an empty path or `/` is the root menu
/// (type 1, empty selector), as RFC 4266 §2.1 says.
pub fn locate(path: &str) -> Result<Locator, Error> {
    let decoded = crate::url::quote::unquote_to_bytes(path.as_bytes());
    let body = decoded.strip_prefix(b"/").unwrap_or(&decoded);
    let Some((&item_type, rest)) = body.split_first() else {
        return Ok(Locator {
            item_type: b'1',
            selector: Vec::new(),
            search: None,
            gopher_plus: false,
        });
    };
    if item_type.is_ascii_control() || item_type == b' ' || !item_type.is_ascii() {
        return Err(Error::usage(format!(
            "'{}' is not a gopher item type (the URL path starts with the type: /1/ for a menu, /0/ for text)",
            item_type.escape_ascii()
        )));
    }
    let mut parts = rest.splitn(3, |&b| b == b'\t');
    let selector = parts.next().unwrap_or_default().to_vec();
    let search = parts.next().map(<[u8]>::to_vec);
    let gopher_plus = parts.next().is_some();
    check_field("the selector", &selector)?;
    if let Some(s) = &search {
        check_field("the search string", s)?;
    }
    Ok(Locator {
        item_type,
        selector,
        search,
        gopher_plus,
    })
}

/// A selector or search string may not hold CR, LF, TAB or NUL: they would end the request
/// line or start another field (RFC 1436 §3: the selector is a line without TAB).
pub fn check_field(what: &str, value: &[u8]) -> Result<(), Error> {
    if value.iter().any(|b| matches!(b, b'\r' | b'\n' | b'\t' | 0)) {
        return Err(Error::usage(format!(
            "{what} contains a line break, TAB or NUL byte: refused"
        )));
    }
    Ok(())
}

/// The request line: `selector CRLF`, or `selector TAB query CRLF` (RFC 1436 §3.7).
pub fn request(selector: &[u8], query: Option<&[u8]>) -> Result<Vec<u8>, Error> {
    check_field("the selector", selector)?;
    let mut line = Vec::with_capacity(selector.len() + 64);
    line.extend_from_slice(selector);
    if let Some(q) = query {
        check_field("the query", q)?;
        line.push(b'\t');
        line.extend_from_slice(q);
    }
    line.extend_from_slice(b"\r\n");
    Ok(line)
}

/// Bytes a selector keeps unencoded in a URL besides letters, digits and `_.-~`.
const SAFE: &[u8] = b"/:@!$&'()*+,;=";

/// The selector encoder, built once: a menu of 100,000 items makes 100,000 URLs.
fn selector_quoter() -> &'static crate::url::quote::Quoter {
    static QUOTER: std::sync::OnceLock<crate::url::quote::Quoter> = std::sync::OnceLock::new();
    QUOTER.get_or_init(|| crate::url::quote::Quoter::python(SAFE))
}

/// The RFC 4266 URL of an item: `gopher://host:port/<type><selector>` (the port always
/// shown, IPv6 hosts bracketed, the selector percent-encoded).
pub fn item_url(scheme: &str, host: &str, port: u16, item_type: u8, selector: &[u8]) -> String {
    let mut out = Vec::with_capacity(selector.len() + host.len() + 24);
    push_item_url(&mut out, scheme, host, port, item_type, selector);
    // Every byte pushed is ASCII or comes from `host`, a str.
    String::from_utf8(out).unwrap_or_default()
}

/// [`item_url`], appended to `out` (menus render 100,000 of them: no allocation each).
pub fn push_item_url(
    out: &mut Vec<u8>,
    scheme: &str,
    host: &str,
    port: u16,
    item_type: u8,
    selector: &[u8],
) {
    out.extend_from_slice(scheme.as_bytes());
    out.extend_from_slice(b"://");
    let bracket = host.contains(':') && !host.starts_with('[');
    if bracket {
        out.push(b'[');
    }
    out.extend_from_slice(host.as_bytes());
    if bracket {
        out.push(b']');
    }
    out.push(b':');
    let mut digits = [0u8; 5];
    let mut n = port;
    let mut i = digits.len();
    loop {
        i -= 1;
        digits[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    out.extend_from_slice(&digits[i..]);
    out.push(b'/');
    // The type is one byte: `/` and the other safe bytes stay, anything else is escaped.
    selector_quoter().quote_into(&[item_type], out);
    selector_quoter().quote_into(selector, out);
}

/// A whole response that is an error from the server: a type `3` line (RFC 1436), or
/// Gophernicus's untyped `Error: …` line. Returns the error text.
pub fn server_error(response: &[u8]) -> Option<String> {
    let line = response
        .strip_suffix(b"\r\n")
        .or_else(|| response.strip_suffix(b"\n"))
        .unwrap_or(response);
    let line = line
        .strip_suffix(b"\r\n.")
        .or_else(|| line.strip_suffix(b"\n."))
        .unwrap_or(line);
    if line.contains(&b'\n') || line.is_empty() {
        return None;
    }
    let text = if let Some(rest) = line.strip_prefix(b"3") {
        rest.split(|&b| b == b'\t').next().unwrap_or(rest)
    } else if line.starts_with(b"Error: ") && !line.contains(&b'\t') {
        line
    } else {
        return None;
    };
    Some(
        crate::auth::redact::escape_controls(&String::from_utf8_lossy(text))
            .trim()
            .to_owned(),
    )
}

/// The error for a server's error answer: a refusal (exit 1), as a missing file is.
pub fn refused(server: &str, text: &str) -> Error {
    Error::new(
        ErrorKind::Refused,
        format!("{server}: the server answered with an error: {text}"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_path_is_the_root_menu() {
        for p in ["", "/"] {
            let l = locate(p).unwrap();
            assert_eq!((l.item_type, l.selector.as_slice()), (b'1', &b""[..]));
        }
    }

    #[test]
    fn rfc4266_paths_split_type_selector_search_and_gopher_plus() {
        let l = locate("/0/about.txt").unwrap();
        assert_eq!(
            (l.item_type, l.selector.as_slice()),
            (b'0', &b"/about.txt"[..])
        );
        let l = locate("/7/cgi-bin/search%09foo%20bar").unwrap();
        assert_eq!(l.selector, b"/cgi-bin/search");
        assert_eq!(l.search.as_deref(), Some(&b"foo bar"[..]));
        assert!(!l.gopher_plus);
        let l = locate("/1/x%09%09+").unwrap();
        assert!(l.gopher_plus);
        assert_eq!(locate("/9/a%0d%0ab").unwrap_err().kind(), ErrorKind::Usage);
        assert_eq!(locate("/%01x").unwrap_err().kind(), ErrorKind::Usage);
    }

    #[test]
    fn raw_path_keeps_question_marks_and_semicolons() {
        assert_eq!(raw_path("gopher://h:70/1/a?b;c#frag"), "/1/a?b;c");
        assert_eq!(raw_path("gopher://h"), "");
        assert_eq!(raw_path("gopher://[::1]:70/"), "/");
    }

    #[test]
    fn requests_refuse_line_breaks() {
        assert_eq!(request(b"/x", None).unwrap(), b"/x\r\n");
        assert_eq!(request(b"/s", Some(b"q w")).unwrap(), b"/s\tq w\r\n");
        assert!(request(b"/x\r\nevil", None).is_err());
        assert!(request(b"/x", Some(b"a\tb")).is_err());
    }

    #[test]
    fn item_urls_are_rfc4266() {
        assert_eq!(
            item_url("gopher", "example.org", 70, b'0', b"/a b.txt"),
            "gopher://example.org:70/0/a%20b.txt"
        );
        assert_eq!(
            item_url("gopher", "::1", 7070, b'1', b""),
            "gopher://[::1]:7070/1"
        );
        assert_eq!(
            item_url("gophers", "h", 70, b'7', b"/s?x#y"),
            "gophers://h:70/7/s%3Fx%23y"
        );
    }

    #[test]
    fn error_answers_are_recognised() {
        assert_eq!(
            server_error(b"Error: File or directory not found! (null)\r\n").as_deref(),
            Some("Error: File or directory not found! (null)")
        );
        assert_eq!(
            server_error(b"3No such item\terror.host\t1\r\n.\r\n").as_deref(),
            Some("No such item")
        );
        assert_eq!(server_error(b"hello\r\n"), None);
        assert_eq!(server_error(b"Error: x\r\nmore\r\n"), None);
    }

    #[test]
    fn kinds_follow_rfc1436() {
        assert_eq!(kind(b'1'), Kind::Menu);
        assert_eq!(kind(b'7'), Kind::Menu);
        assert_eq!(kind(b'0'), Kind::Text);
        for t in *b"9gIs5;d4P" {
            assert_eq!(kind(t), Kind::Binary);
        }
        assert_eq!(kind(b'8'), Kind::Session);
        assert_eq!(kind(b'i'), Kind::NotAnItem);
    }
}
