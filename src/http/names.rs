//! Local file names from a URL (`-O`) or a `Content-Disposition` header (`-J`), made safe
//! before they touch the file system (SPEC §6): only the last path component, no control
//! characters, no leading dot, never `.` or `..`, at most 255 bytes.

use percent_encoding::percent_decode_str;

/// The longest name most file systems take.
const MAX_NAME: usize = 255;

/// A name that came from a URL or a server, cut down to one safe path component; `None`
/// when nothing usable is left.
pub fn sanitize(raw: &str) -> Option<String> {
    let last = raw.rsplit(['/', '\\']).next().unwrap_or(raw);
    let cleaned: String = last.chars().filter(|c| !c.is_control()).collect();
    let trimmed = cleaned.trim().trim_start_matches('.').trim_start();
    if trimmed.is_empty() {
        return None;
    }
    let mut end = trimmed.len().min(MAX_NAME);
    while !trimmed.is_char_boundary(end) {
        end -= 1;
    }
    Some(trimmed[..end].to_owned())
}

/// `-O`: the last segment of the URL's path, percent-decoded. `None` for a path that ends
/// in `/` (there is no file name to take).
pub fn from_url_path(path: &str) -> Option<String> {
    let path = path.split(['?', '#']).next().unwrap_or(path);
    let segment = path.rsplit('/').next()?;
    if segment.is_empty() {
        return None;
    }
    let decoded = percent_decode_str(segment).decode_utf8_lossy();
    sanitize(&decoded)
}

/// `-J`: the file name of a `Content-Disposition` value (RFC 6266): `filename*=` (RFC 8187,
/// UTF-8 or ISO-8859-1, percent-encoded) wins over `filename=` (token or quoted string).
pub fn from_content_disposition(value: &str) -> Option<String> {
    let mut plain = None;
    let mut extended = None;
    for (name, val) in parameters(value) {
        match name.to_ascii_lowercase().as_str() {
            "filename*" => extended = extended.or_else(|| decode_ext_value(&val)),
            "filename" => plain = plain.or(Some(val)),
            _ => {}
        }
    }
    extended.or(plain).and_then(|n| sanitize(&n))
}

/// The `name=value` parameters after the disposition type, quoted strings unescaped.
fn parameters(value: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut rest = match value.split_once(';') {
        Some((_, r)) => r,
        None => return out,
    };
    loop {
        rest = rest.trim_start_matches([' ', '\t', ';']);
        if rest.is_empty() {
            return out;
        }
        let Some((name, after)) = rest.split_once('=') else {
            return out;
        };
        let name = name.trim().to_owned();
        let after = after.trim_start();
        if let Some(quoted) = after.strip_prefix('"') {
            let mut val = String::new();
            let mut chars = quoted.char_indices();
            let mut end = quoted.len();
            while let Some((i, c)) = chars.next() {
                match c {
                    '\\' => {
                        if let Some((_, n)) = chars.next() {
                            val.push(n);
                        }
                    }
                    '"' => {
                        end = i + 1;
                        break;
                    }
                    c => val.push(c),
                }
            }
            out.push((name, val));
            rest = &quoted[end.min(quoted.len())..];
        } else {
            let (val, r) = after.split_once(';').unwrap_or((after, ""));
            out.push((name, val.trim().to_owned()));
            rest = r;
        }
    }
}

/// RFC 8187 `charset'lang'pct-encoded`.
fn decode_ext_value(value: &str) -> Option<String> {
    let mut parts = value.splitn(3, '\'');
    let charset = parts.next()?.to_ascii_lowercase();
    let _lang = parts.next()?;
    let encoded = parts.next()?;
    let bytes: Vec<u8> = percent_decode_str(encoded).collect();
    match charset.as_str() {
        "utf-8" => Some(String::from_utf8_lossy(&bytes).into_owned()),
        "iso-8859-1" => Some(bytes.iter().map(|&b| char::from(b)).collect()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn hostile_names_are_cut_to_one_safe_component() {
        assert_eq!(sanitize("../../etc/passwd").as_deref(), Some("passwd"));
        assert_eq!(sanitize("/etc/x").as_deref(), Some("x"));
        assert_eq!(sanitize(".bashrc").as_deref(), Some("bashrc"));
        assert_eq!(sanitize("a\u{1}b.txt").as_deref(), Some("ab.txt"));
        assert_eq!(sanitize("..\\..\\boot.ini").as_deref(), Some("boot.ini"));
        assert_eq!(sanitize(".."), None);
        assert_eq!(sanitize("dir/"), None);
        assert_eq!(sanitize(" \t"), None);
    }

    #[test]
    fn url_names_are_the_decoded_last_segment() {
        assert_eq!(
            from_url_path("/a/b/report%20v2.pdf").as_deref(),
            Some("report v2.pdf")
        );
        assert_eq!(
            from_url_path("/x.tar.gz?sig=1").as_deref(),
            Some("x.tar.gz")
        );
        assert_eq!(from_url_path("/dir/"), None);
        assert_eq!(from_url_path("/a/%2e%2e").as_deref(), None);
        assert_eq!(
            from_url_path("/a/..%2f..%2fetc%2fpasswd").as_deref(),
            Some("passwd")
        );
    }

    #[test]
    fn content_disposition_prefers_the_extended_name() {
        assert_eq!(
            from_content_disposition("attachment; filename=\"report.csv\"").as_deref(),
            Some("report.csv")
        );
        assert_eq!(
            from_content_disposition("attachment; filename=plain.txt; size=3").as_deref(),
            Some("plain.txt")
        );
        assert_eq!(
            from_content_disposition(
                "attachment; filename=\"fallback.txt\"; filename*=UTF-8''caf%C3%A9.txt"
            )
            .as_deref(),
            Some("café.txt")
        );
        assert_eq!(
            from_content_disposition("attachment; filename=\"a\\\"b.txt\"").as_deref(),
            Some("a\"b.txt")
        );
        assert_eq!(
            from_content_disposition("attachment; filename=\"../../etc/passwd\"").as_deref(),
            Some("passwd")
        );
        assert_eq!(from_content_disposition("inline"), None);
    }

    proptest! {
        #[test]
        fn sanitized_names_are_always_one_plain_component(raw in ".{0,300}") {
            if let Some(name) = sanitize(&raw) {
                prop_assert!(!name.contains('/') && !name.contains('\\'));
                prop_assert!(!name.starts_with('.'));
                prop_assert!(!name.chars().any(char::is_control));
                prop_assert!(name.len() <= MAX_NAME && !name.is_empty());
            }
        }

        #[test]
        fn content_disposition_never_panics(raw in ".{0,200}") {
            let _ = from_content_disposition(&raw);
        }
    }
}
