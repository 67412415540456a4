//! `--get TEMPLATE`: trurl-like text templates over a parsed URL.
//!
//! `{name}` is replaced by a component, `{{` and `}}` are literal braces, and
//! `{query:KEY}` is the first decoded value of KEY in the query (as trurl has it). Absent
//! components are empty text. `{port}` is the port a client would use — the explicit one,
//! else the scheme's default, as trurl does — while `{default_port}` is the scheme's default
//! alone; the explicit port alone is in `--json`. The template is compiled once, so an
//! unknown name is a usage error before any URL is read.

use std::fmt::Write as _;

use super::Url;
use crate::Error;

/// The names a template may use, in the order `--help` lists them.
pub const FIELDS: &[&str] = &[
    "url",
    "scheme",
    "user",
    "password",
    "host",
    "host_unicode",
    "port",
    "default_port",
    "netloc",
    "path",
    "params",
    "query",
    "fragment",
];

#[derive(Debug, Clone, PartialEq, Eq)]
enum Piece {
    Text(String),
    Field(usize),
    QueryKey(String),
}

/// A compiled template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Template {
    pieces: Vec<Piece>,
}

impl Template {
    pub fn compile(template: &str) -> Result<Self, Error> {
        let mut pieces = Vec::new();
        let mut text = String::new();
        let mut rest = template;
        while let Some(i) = rest.find(['{', '}']) {
            text.push_str(&rest[..i]);
            let tail = &rest[i..];
            if let Some(after) = tail.strip_prefix("{{") {
                text.push('{');
                rest = after;
            } else if let Some(after) = tail.strip_prefix("}}") {
                text.push('}');
                rest = after;
            } else if tail.starts_with('}') {
                return Err(Error::usage(
                    "unmatched '}' in the template (write '}}' for a brace)",
                ));
            } else {
                let close = tail.find('}').ok_or_else(|| {
                    Error::usage("unclosed '{' in the template (write '{{' for a brace)")
                })?;
                let name = &tail[1..close];
                if !text.is_empty() {
                    pieces.push(Piece::Text(std::mem::take(&mut text)));
                }
                pieces.push(field(name)?);
                rest = &tail[close + 1..];
            }
        }
        text.push_str(rest);
        if !text.is_empty() {
            pieces.push(Piece::Text(text));
        }
        Ok(Template { pieces })
    }

    /// Appends the text for `url` to `out`.
    pub fn render(&self, url: &Url<'_>, out: &mut String) {
        for piece in &self.pieces {
            match piece {
                Piece::Text(t) => out.push_str(t),
                Piece::QueryKey(key) => {
                    if let Some((_, v)) = url.query_pairs().find(|(k, _)| k == key) {
                        out.push_str(&v);
                    }
                }
                Piece::Field(i) => push_field(url, FIELDS[*i], out),
            }
        }
    }
}

fn field(name: &str) -> Result<Piece, Error> {
    if let Some(key) = name.strip_prefix("query:") {
        return Ok(Piece::QueryKey(key.to_owned()));
    }
    FIELDS
        .iter()
        .position(|f| *f == name)
        .map(Piece::Field)
        .ok_or_else(|| {
            Error::usage(format!(
                "unknown template name '{{{name}}}' (one of {{{}}}, {{query:KEY}})",
                FIELDS.join("}, {")
            ))
        })
}

fn push_field(url: &Url<'_>, name: &str, out: &mut String) {
    let port = |out: &mut String, p: Option<u16>| {
        if let Some(p) = p {
            // Writing to a String cannot fail.
            let _ = write!(out, "{p}");
        }
    };
    match name {
        "url" => out.push_str(url.text()),
        "scheme" => out.push_str(url.scheme()),
        "user" => out.push_str(url.user().unwrap_or("")),
        "password" => out.push_str(url.password().unwrap_or("")),
        "host" => out.push_str(url.host().unwrap_or("")),
        "host_unicode" => out.push_str(url.host_unicode().unwrap_or("")),
        "port" => port(out, url.effective_port()),
        "default_port" => port(out, url.default_port()),
        "netloc" => out.push_str(url.netloc()),
        "path" => out.push_str(url.path()),
        "params" => out.push_str(url.params()),
        "query" => out.push_str(url.query()),
        "fragment" => out.push_str(url.fragment()),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn render(t: &str, url: &str) -> String {
        let mut out = String::new();
        Template::compile(t)
            .unwrap()
            .render(&Url::parse(url).unwrap(), &mut out);
        out
    }

    #[test]
    fn fields_and_literal_braces() {
        assert_eq!(
            render("{{{scheme}}} {host}:{port}{path}", "HTTPS://Ex.org/a"),
            "{https} ex.org:443/a"
        );
        assert_eq!(render("{port}/{default_port}", "imap://h:1/"), "1/143");
        assert_eq!(render("[{user}|{password}]", "x://h"), "[|]");
    }

    #[test]
    fn query_key_gives_the_first_decoded_value() {
        assert_eq!(render("{query:b}", "http://h/?a=1&b=x+y&b=2"), "x y");
        assert_eq!(render("{query:zz}", "http://h/?a=1"), "");
    }

    #[test]
    fn unknown_names_and_stray_braces_are_usage_errors() {
        for t in ["{nope}", "{host", "host}", "{}"] {
            assert!(Template::compile(t).is_err(), "{t}");
        }
    }
}
