//! Query pairs as Python 3.11's `parse_qsl(qs, keep_blank_values=True)` returns them:
//! split on `&` only (the 3.10 default, bpo-42967), empty pieces skipped, a piece without `=`
//! is a key with the value `""`, `+` is a space, `%XX` decoded as UTF-8 with U+FFFD for bad
//! sequences (`errors="replace"`). Lazy and borrowing: a plain pair allocates nothing.

use std::borrow::Cow;

use percent_encoding::percent_decode_str;

/// An iterator over decoded `(key, value)` pairs.
#[derive(Debug, Clone)]
pub struct Pairs<'a> {
    rest: Option<&'a str>,
}

pub fn pairs(query: &str) -> Pairs<'_> {
    Pairs { rest: Some(query) }
}

/// `unquote(s.replace('+', ' '), errors='replace')`.
pub fn decode(text: &str) -> Cow<'_, str> {
    let spaced: Cow<'_, str> = if text.contains('+') {
        Cow::Owned(text.replace('+', " "))
    } else {
        Cow::Borrowed(text)
    };
    if !spaced.contains('%') {
        return spaced;
    }
    let decoded = percent_decode_str(&spaced).decode_utf8_lossy().into_owned();
    Cow::Owned(decoded)
}

impl<'a> Iterator for Pairs<'a> {
    type Item = (Cow<'a, str>, Cow<'a, str>);

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            let rest = self.rest?;
            let (piece, tail) = match rest.split_once('&') {
                Some((p, t)) => (p, Some(t)),
                None => (rest, None),
            };
            self.rest = tail;
            if piece.is_empty() {
                continue;
            }
            let (k, v) = piece.split_once('=').unwrap_or((piece, ""));
            return Some((decode(k), decode(v)));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all(q: &str) -> Vec<(String, String)> {
        pairs(q)
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect()
    }

    #[test]
    fn matches_parse_qsl_keep_blank_values() {
        let got = all("a=1&&b&c=%ZZ&d=%C3+x&=e&f=1=2;g=3");
        let want = [
            ("a", "1"),
            ("b", ""),
            ("c", "%ZZ"),
            ("d", "\u{fffd} x"),
            ("", "e"),
            ("f", "1=2;g=3"),
        ];
        let want: Vec<_> = want
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        assert_eq!(got, want);
    }

    #[test]
    fn empty_query_has_no_pairs() {
        assert!(all("").is_empty());
        assert!(all("&&").is_empty());
    }

    #[test]
    fn plain_pairs_borrow() {
        let (k, v) = pairs("key=value").next().unwrap();
        assert!(matches!((k, v), (Cow::Borrowed(_), Cow::Borrowed(_))));
    }
}
