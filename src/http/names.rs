//! Local file names from a URL (`-O`) or a `Content-Disposition` header (`-J`), made safe
//! before they touch the file system (SPEC §6): only the last path component, no control
//! or invisible format characters, no leading dot, never `.` or `..`, short enough that
//! `NAME.part` fits the 255-byte limit of most file systems.

use percent_encoding::percent_decode_str;

/// The longest name kept: most file systems take 255 bytes, and `NAME.part` needs 5 more.
const MAX_NAME: usize = 250;
/// The longest `.ext` kept when a name is cut (`.tar.gz` is two: only `.gz` is kept).
const MAX_EXTENSION: usize = 16;

/// Unicode format characters (category Cf) and the line/paragraph separators: invisible, and
/// the bidi controls make `evil\u{202E}fdp.exe` show as `evilexe.pdf` in a listing.
fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{00AD}'
            | '\u{0600}'..='\u{0605}'
            | '\u{061C}'
            | '\u{06DD}'
            | '\u{070F}'
            | '\u{0890}'..='\u{0891}'
            | '\u{08E2}'
            | '\u{180E}'
            | '\u{200B}'..='\u{200F}'
            | '\u{2028}'..='\u{202E}'
            | '\u{2060}'..='\u{2064}'
            | '\u{2066}'..='\u{206F}'
            | '\u{FEFF}'
            | '\u{FFF9}'..='\u{FFFB}'
            | '\u{110BD}'
            | '\u{110CD}'
            | '\u{13430}'..='\u{1343F}'
            | '\u{1BCA0}'..='\u{1BCA3}'
            | '\u{1D173}'..='\u{1D17A}'
            | '\u{E0001}'
            | '\u{E0020}'..='\u{E007F}'
    )
}

/// `text` cut to at most `max` bytes on a character boundary.
fn cut(text: &str, max: usize) -> &str {
    let mut end = text.len().min(max);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

/// A name that came from a URL or a server, cut down to one safe path component; `None`
/// when nothing usable is left.
pub fn sanitize(raw: &str) -> Option<String> {
    let last = raw.rsplit(['/', '\\']).next().unwrap_or(raw);
    let cleaned: String = last
        .chars()
        .filter(|&c| !c.is_control() && !is_invisible(c))
        .collect();
    let trimmed = cleaned.trim().trim_start_matches('.').trim_start();
    if trimmed.is_empty() {
        return None;
    }
    if trimmed.len() <= MAX_NAME {
        return Some(trimmed.to_owned());
    }
    // Too long: cut the stem and keep a short extension, so `x…x.pdf` still opens as a PDF.
    let ext = trimmed
        .rfind('.')
        .filter(|&i| i > 0 && trimmed.len() - i <= MAX_EXTENSION)
        .map_or("", |i| &trimmed[i..]);
    let stem = &trimmed[..trimmed.len() - ext.len()];
    Some(format!("{}{ext}", cut(stem, MAX_NAME - ext.len())))
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
    fn bidi_and_other_invisible_characters_are_removed() {
        assert_eq!(
            sanitize("evil\u{202E}fdp.exe").as_deref(),
            Some("evilfdp.exe")
        );
        assert_eq!(
            sanitize("a\u{200B}b\u{200F}c\u{2066}d\u{2069}\u{FEFF}.txt").as_deref(),
            Some("abcd.txt")
        );
        assert_eq!(sanitize("\u{200B}.bashrc").as_deref(), Some("bashrc"));
        assert_eq!(sanitize("\u{202E}\u{FEFF}"), None);
        assert_eq!(sanitize("café.txt").as_deref(), Some("café.txt"));
    }

    #[test]
    fn long_names_are_cut_to_leave_room_for_part_and_keep_the_extension() {
        let long = format!("{}.pdf", "a".repeat(400));
        let name = sanitize(&long).expect("a name");
        assert_eq!(name.len(), 250);
        assert!(name.ends_with("aaa.pdf"), "{name}");
        // Multi-byte characters are never split.
        let name = sanitize(&format!("{}.tar.gz", "é".repeat(200))).expect("a name");
        assert!(name.len() <= 250 && name.ends_with(".gz"), "{name}");
        // No extension, or one too long to be one: a plain cut.
        assert_eq!(sanitize(&"b".repeat(300)).expect("a name").len(), 250);
        let odd = format!("x.{}", "c".repeat(300));
        assert_eq!(sanitize(&odd).expect("a name").len(), 250);
        assert_eq!(sanitize(&"d".repeat(250)).expect("a name").len(), 250);
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
                prop_assert!(!name.chars().any(|c| c.is_control() || is_invisible(c)));
                prop_assert!(name.len() <= MAX_NAME && !name.is_empty());
            }
        }

        #[test]
        fn content_disposition_never_panics(raw in ".{0,200}") {
            let _ = from_content_disposition(&raw);
        }
    }
}
