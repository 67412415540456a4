//! Query strings as Python's `urllib.parse` builds and reads them (the
//! `application/x-www-form-urlencoded` form of the HTML/URL Standards, CPython's flavour):
//! `urlencode` over a list of pairs, `parse_qsl` and `parse_qs`.
//!
//! CPython 3.11 defaults are mirrored: `&` is the only separator (since 3.9.2 / 3.10 a `;`
//! is data), `strict_parsing=False`, `errors='replace'`, and `keep_blank_values` is a
//! parameter (Python's default is `false`: `a=` and a bare `a` are dropped).

use std::collections::HashMap;

use super::{Quoter, unquote_plus};

/// Python `urlencode(pairs, safe=safe)` for a list of pairs: `quote_plus` of each key and
/// value, `k=v` joined by `&`, in order, repeated keys kept.
pub fn urlencode<K: AsRef<[u8]>, V: AsRef<[u8]>>(pairs: &[(K, V)], safe: &[u8]) -> String {
    let quoter = Quoter::python_plus(safe);
    let mut out = Vec::new();
    for (i, (k, v)) in pairs.iter().enumerate() {
        if i > 0 {
            out.push(b'&');
        }
        quoter.quote_into(k.as_ref(), &mut out);
        out.push(b'=');
        quoter.quote_into(v.as_ref(), &mut out);
    }
    // The quoter writes only ASCII, and '&' and '=' are ASCII.
    out.into_iter().map(char::from).collect()
}

/// Python `parse_qsl(qs, keep_blank_values)`: `(name, value)` pairs in order. Empty fields
/// (`a&&b`) are always skipped; a field without `=`, or with an empty value, is kept (with
/// an empty value) only when `keep_blank`. An empty name with a value (`=v`) is kept.
pub fn parse_qsl(qs: &[u8], keep_blank: bool) -> Vec<(String, String)> {
    let mut pairs = Vec::new();
    for field in qs.split(|&b| b == b'&') {
        if field.is_empty() {
            continue;
        }
        let (name, value) = match field.iter().position(|&b| b == b'=') {
            Some(eq) => (&field[..eq], &field[eq + 1..]),
            None if keep_blank => (field, &b""[..]),
            None => continue,
        };
        if !value.is_empty() || keep_blank {
            pairs.push((unquote_plus(name), unquote_plus(value)));
        }
    }
    pairs
}

/// Python `parse_qs(qs, keep_blank_values)`: each name with the list of its values, names
/// in order of first appearance (as a Python dict keeps them).
pub fn parse_qs(qs: &[u8], keep_blank: bool) -> Vec<(String, Vec<String>)> {
    let mut groups: Vec<(String, Vec<String>)> = Vec::new();
    // The Vec keeps first-appearance order; the index finds a name's group without a scan,
    // so a query with many distinct names stays linear.
    let mut index: HashMap<String, usize> = HashMap::new();
    for (name, value) in parse_qsl(qs, keep_blank) {
        match index.get(&name) {
            Some(&at) => {
                if let Some((_, values)) = groups.get_mut(at) {
                    values.push(value);
                }
            }
            None => {
                index.insert(name.clone(), groups.len());
                groups.push((name, vec![value]));
            }
        }
    }
    groups
}
