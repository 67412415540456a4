//! RFC 1436 §3.8 menu lines: `<type><text> TAB <selector> TAB <host> TAB <port>` CRLF, the
//! menu ended by a line holding one `.`. Parsed one line at a time, borrowing the line, so a
//! menu of any size streams through in the memory of its longest line.
//!
//! Leniency, because gopherspace is hand-written: a line without any TAB (a plain text line
//! in a gophermap, or Gophernicus's `Error: …`) is shown as an information line; a line
//! missing its host or port takes the server's own (as most clients do); a 5th field (the
//! Gopher+ `+` or `?`) and Gopher+ attribute blocks (`+INFO:` lines and their indented
//! continuations, sent only to Gopher+ requests) are ignored. The callers count what was
//! repaired and say so once.

/// How well a menu line followed RFC 1436.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    Ok,
    /// An empty line: shown as an empty information line.
    Blank,
    /// No TAB at all: the whole line is shown as information text.
    Untabbed,
    /// Host or port missing: the server's own are used.
    Repaired,
    /// A port that is not a number from 1 to 65535: the item has no URL.
    BadPort,
}

/// One menu line, borrowed from the received bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MenuLine<'a> {
    pub item_type: u8,
    pub text: &'a [u8],
    pub selector: &'a [u8],
    /// Empty when the line had none (the server's own then applies).
    pub host: &'a [u8],
    pub port: Option<u16>,
    pub shape: Shape,
}

impl MenuLine<'_> {
    /// An information line (`i`) or an error line (`3`): text only, nothing to fetch.
    pub fn is_info(&self) -> bool {
        matches!(self.item_type, b'i' | b'3')
    }
}

/// What one received line is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Event<'a> {
    Line(MenuLine<'a>),
    /// A Gopher+ attribute line, ignored.
    Attribute,
    /// The final `.`.
    End,
}

/// Gopher+ attribute block headers look like `+INFO:`, `+ADMIN:`, `+VIEWS:`.
fn is_attribute_header(line: &[u8]) -> bool {
    let Some(rest) = line.strip_prefix(b"+") else {
        return false;
    };
    let name_len = rest
        .iter()
        .take_while(|b| b.is_ascii_uppercase() || **b == b'-')
        .count();
    name_len > 0 && rest.get(name_len) == Some(&b':')
}

fn parse_port(field: &[u8]) -> Option<u16> {
    let digits = field.trim_ascii();
    if digits.is_empty() || digits.len() > 5 || !digits.iter().all(u8::is_ascii_digit) {
        return None;
    }
    std::str::from_utf8(digits)
        .ok()?
        .parse::<u16>()
        .ok()
        .filter(|&p| p > 0)
}

/// Parses one menu line (without its line end), outside any Gopher+ block.
pub fn parse_line(line: &[u8]) -> Event<'_> {
    if line == b"." {
        return Event::End;
    }
    if line.is_empty() {
        return Event::Line(MenuLine {
            item_type: b'i',
            text: b"",
            selector: b"",
            host: b"",
            port: None,
            shape: Shape::Blank,
        });
    }
    // Before the TAB test: `+INFO: 1Name TAB sel TAB host TAB port TAB +` holds TABs.
    if is_attribute_header(line) {
        return Event::Attribute;
    }
    if !line.contains(&b'\t') {
        return Event::Line(MenuLine {
            item_type: b'i',
            text: line,
            selector: b"",
            host: b"",
            port: None,
            shape: Shape::Untabbed,
        });
    }
    let item_type = line[0];
    let mut fields = line[1..].split(|&b| b == b'\t');
    let text = fields.next().unwrap_or_default();
    let selector = fields.next().unwrap_or_default();
    let host = fields.next();
    let port = fields.next();
    // A 5th field is Gopher+'s `+` / `?`: ignored.
    let info = matches!(item_type, b'i' | b'3');
    let (host, port, shape) = match (host, port) {
        _ if info => (
            host.unwrap_or_default(),
            port.and_then(parse_port),
            Shape::Ok,
        ),
        (Some(h), Some(p)) if !h.is_empty() => match parse_port(p) {
            Some(n) => (h, Some(n), Shape::Ok),
            None if p.trim_ascii().is_empty() => (h, None, Shape::Repaired),
            None => (h, None, Shape::BadPort),
        },
        (h, p) => match p.map(parse_port) {
            Some(None) if !p.unwrap_or_default().trim_ascii().is_empty() => {
                (h.unwrap_or_default(), None, Shape::BadPort)
            }
            Some(n) => (h.unwrap_or_default(), n, Shape::Repaired),
            None => (h.unwrap_or_default(), None, Shape::Repaired),
        },
    };
    Event::Line(MenuLine {
        item_type,
        text,
        selector,
        host,
        port,
        shape,
    })
}

/// A menu's lines in order, with the state that spans lines (a Gopher+ attribute block, the
/// end), and the counts of lines that were repaired.
#[derive(Debug, Default)]
pub struct Parser {
    in_attributes: bool,
    ended: bool,
    pub lines: u64,
    pub untabbed: u64,
    pub repaired: u64,
    pub bad_port: u64,
}

impl Parser {
    pub fn new() -> Self {
        Self::default()
    }

    /// True once the final `.` was seen (later lines are not fed).
    pub fn ended(&self) -> bool {
        self.ended
    }

    /// Un-counts a line the caller does not show as a menu line (an error answer).
    pub fn forget_untabbed(&mut self, shape: Shape) {
        self.lines = self.lines.saturating_sub(1);
        if shape == Shape::Untabbed {
            self.untabbed = self.untabbed.saturating_sub(1);
        }
    }

    pub fn feed<'a>(&mut self, line: &'a [u8]) -> Event<'a> {
        if self.ended {
            return Event::End;
        }
        if self.in_attributes {
            if line.first() == Some(&b' ') {
                return Event::Attribute;
            }
            self.in_attributes = false;
        }
        let event = parse_line(line);
        match event {
            Event::End => self.ended = true,
            Event::Attribute => self.in_attributes = true,
            Event::Line(l) => {
                self.lines += 1;
                match l.shape {
                    Shape::Untabbed => self.untabbed += 1,
                    Shape::Repaired => self.repaired += 1,
                    Shape::BadPort => self.bad_port += 1,
                    Shape::Ok | Shape::Blank => {}
                }
            }
        }
        event
    }
}

/// The server a menu came from: missing hosts and ports are taken from it, and its items
/// are `gophers://` when it was reached over TLS.
#[derive(Debug, Clone)]
pub struct Origin {
    pub host: String,
    pub port: u16,
    pub tls: bool,
}

/// The URL a menu line points at: RFC 4266 for items, the `URL:` target for `h` items with
/// a `URL:` selector (the convention every client follows), none for info and error lines.
/// An item on the origin's host and port is `gophers://` when the origin was TLS: a menu
/// line cannot say so, and a client that dropped to plain text would leak the selection.
pub fn url_of(line: &MenuLine<'_>, origin: &Origin) -> Option<String> {
    let mut out = Vec::new();
    push_url(line, origin, &mut out).then(|| String::from_utf8_lossy(&out).into_owned())
}

/// [`url_of`], appended to `out`; false (and nothing appended) when the line has no URL.
pub fn push_url(line: &MenuLine<'_>, origin: &Origin, out: &mut Vec<u8>) -> bool {
    if line.is_info() {
        return false;
    }
    if line.item_type == b'h'
        && let Some(target) = line.selector.strip_prefix(b"URL:")
    {
        let text = String::from_utf8_lossy(target);
        out.extend_from_slice(crate::auth::redact::escape_controls(&text).as_bytes());
        return true;
    }
    let port = match (line.port, line.shape) {
        (Some(p), _) => p,
        (None, Shape::Repaired) => origin.port,
        (None, _) => return false,
    };
    let host_bytes = if line.host.is_empty() {
        origin.host.as_bytes()
    } else {
        line.host
    };
    let Ok(host) = std::str::from_utf8(host_bytes) else {
        return false;
    };
    if host.is_empty()
        || !host
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-._:[]".contains(&b))
    {
        return false;
    }
    let same = port == origin.port && host.eq_ignore_ascii_case(&origin.host);
    let scheme = if origin.tls && same {
        "gophers"
    } else {
        "gopher"
    };
    super::push_item_url(out, scheme, host, port, line.item_type, line.selector);
    true
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn line(bytes: &[u8]) -> MenuLine<'_> {
        match parse_line(bytes) {
            Event::Line(l) => l,
            other => panic!("{other:?}"),
        }
    }

    fn origin() -> Origin {
        Origin {
            host: "127.0.0.1".into(),
            port: 7070,
            tls: false,
        }
    }

    #[test]
    fn rfc1436_lines_split_into_fields() {
        let l = line(b"0About this server\t/about.txt\texample.org\t70");
        assert_eq!(l.item_type, b'0');
        assert_eq!(l.text, b"About this server");
        assert_eq!(l.selector, b"/about.txt");
        assert_eq!(l.host, b"example.org");
        assert_eq!(l.port, Some(70));
        assert_eq!(l.shape, Shape::Ok);
        assert_eq!(
            url_of(&l, &origin()).as_deref(),
            Some("gopher://example.org:70/0/about.txt")
        );
    }

    #[test]
    fn gophernicus_info_lines_have_no_url() {
        let l = line(b"iWelcome\tTITLE\tnull.host\t1");
        assert!(l.is_info());
        assert_eq!(l.text, b"Welcome");
        assert_eq!(url_of(&l, &origin()), None);
    }

    #[test]
    fn html_items_show_their_url_target() {
        let l = line(b"hWeb\tURL:http://example.org/\t127.0.0.1\t7070");
        assert_eq!(
            url_of(&l, &origin()).as_deref(),
            Some("http://example.org/")
        );
    }

    #[test]
    fn lines_without_tabs_become_text() {
        let l = line(b"Just some text");
        assert_eq!(
            (l.item_type, l.text, l.shape),
            (b'i', &b"Just some text"[..], Shape::Untabbed)
        );
        assert_eq!(line(b"").shape, Shape::Blank);
    }

    #[test]
    fn missing_host_and_port_take_the_servers() {
        let l = line(b"0About\t/about.txt");
        assert_eq!(l.shape, Shape::Repaired);
        assert_eq!(
            url_of(&l, &origin()).as_deref(),
            Some("gopher://127.0.0.1:7070/0/about.txt")
        );
        let l = line(b"1Menu\t/m\texample.org\tseventy");
        assert_eq!(l.shape, Shape::BadPort);
        assert_eq!(url_of(&l, &origin()), None);
    }

    #[test]
    fn gopher_plus_fields_and_blocks_are_ignored() {
        let l = line(b"1Plus\t/p\th\t70\t+");
        assert_eq!((l.port, l.shape), (Some(70), Shape::Ok));
        let mut p = Parser::new();
        assert_eq!(p.feed(b"+INFO: 1Plus\t/p\th\t70\t+"), Event::Attribute);
        assert_eq!(p.feed(b"+ADMIN:"), Event::Attribute);
        assert_eq!(p.feed(b" Admin: someone <a@b>"), Event::Attribute);
        assert!(matches!(p.feed(b"0Next\t/n\th\t70"), Event::Line(_)));
        assert_eq!(p.feed(b"."), Event::End);
        assert!(p.ended());
        assert_eq!(p.feed(b"0After\t/a\th\t70"), Event::End);
    }

    #[test]
    fn tls_origins_make_gophers_urls_for_their_own_items() {
        let o = Origin {
            tls: true,
            ..origin()
        };
        let own = line(b"0A\t/a\t127.0.0.1\t7070");
        let other = line(b"0B\t/b\tother.example\t70");
        assert!(url_of(&own, &o).unwrap().starts_with("gophers://"));
        assert!(url_of(&other, &o).unwrap().starts_with("gopher://"));
    }

    fn field() -> impl Strategy<Value = Vec<u8>> {
        proptest::collection::vec(
            any::<u8>().prop_filter("no TAB/CR/LF", |b| !matches!(b, b'\t' | b'\r' | b'\n')),
            0..40,
        )
    }

    proptest! {
        #[test]
        fn any_bytes_parse_without_panicking(bytes in proptest::collection::vec(any::<u8>(), 0..300)) {
            let mut p = Parser::new();
            for l in bytes.split(|&b| b == b'\n') {
                if let Event::Line(m) = p.feed(l) {
                    let _ = url_of(&m, &origin());
                }
            }
        }

        #[test]
        fn formatted_lines_parse_back(
            t in (0x21u8..0x7f).prop_filter("items", |t| !matches!(t, b'i' | b'3' | b'+')),
            text in field(),
            selector in field(),
            host in "[a-z][a-z0-9.-]{0,20}",
            port in 1u16..,
        ) {
            let mut wire = vec![t];
            wire.extend_from_slice(&text);
            wire.push(b'\t');
            wire.extend_from_slice(&selector);
            wire.extend_from_slice(format!("\t{host}\t{port}").as_bytes());
            let l = line(&wire);
            prop_assert_eq!(l.item_type, t);
            prop_assert_eq!(l.text, &text[..]);
            prop_assert_eq!(l.selector, &selector[..]);
            prop_assert_eq!(l.host, host.as_bytes());
            prop_assert_eq!(l.port, Some(port));
            prop_assert_eq!(l.shape, Shape::Ok);
            let url = url_of(&l, &origin()).unwrap();
            let back = super::super::locate(super::super::raw_path(&url));
            if !selector.contains(&0) {
                let back = back.unwrap();
                prop_assert_eq!(back.item_type, t);
                prop_assert_eq!(back.selector, selector);
            }
        }

        #[test]
        fn only_a_lone_dot_ends_a_menu(rest in field()) {
            let mut l = b".".to_vec();
            l.extend_from_slice(&rest);
            prop_assert_eq!(parse_line(&l) == Event::End, rest.is_empty());
        }
    }
}
