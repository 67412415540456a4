//! The client side of IMAP's syntax (RFC 3501 §9), sans-IO: each argument as an atom, a
//! quoted string or a literal, whichever the bytes allow; and UID sets short enough for a
//! command line.

/// An argument the client sends: text as is, or a literal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Part {
    Text(String),
    Literal(Vec<u8>),
}

/// Whether `bytes` may be sent as an atom (RFC 3501 §9 ATOM-CHAR).
pub fn is_atom(bytes: &[u8]) -> bool {
    !bytes.is_empty()
        && bytes
            .iter()
            .all(|&b| (0x21..0x7f).contains(&b) && !b"(){%*\"\\]".contains(&b))
}

/// An astring or string argument: an atom when it is one, a quoted string when 7-bit text
/// allows it, else a literal (8-bit, CR, LF, NUL, or long).
pub fn astring(bytes: &[u8]) -> Part {
    if is_atom(bytes) && !bytes.eq_ignore_ascii_case(b"NIL") {
        return Part::Text(String::from_utf8_lossy(bytes).into_owned());
    }
    quoted_or_literal(bytes)
}

/// A string argument (never an atom): quoted, or a literal.
pub fn quoted_or_literal(bytes: &[u8]) -> Part {
    if bytes.len() <= 1000
        && bytes
            .iter()
            .all(|&b| (1..0x80).contains(&b) && b != b'\r' && b != b'\n')
    {
        let mut s = String::with_capacity(bytes.len() + 2);
        s.push('"');
        for &b in bytes {
            if b == b'"' || b == b'\\' {
                s.push('\\');
            }
            s.push(b as char);
        }
        s.push('"');
        return Part::Text(s);
    }
    Part::Literal(bytes.to_vec())
}

/// UIDs as compact sets (`1:5,7,9:12`), each at most about `max_len` characters, so that a
/// command line stays well under servers' limits (RFC 7162 §4 suggests 8 KiB).
pub fn uid_sets(uids: &[u32], max_len: usize) -> Vec<String> {
    let mut sorted = uids.to_vec();
    sorted.sort_unstable();
    sorted.dedup();
    let mut sets = Vec::new();
    let mut current = String::new();
    let mut i = 0;
    while i < sorted.len() {
        let start = sorted[i];
        let mut end = start;
        while i + 1 < sorted.len() && sorted[i + 1] == end.wrapping_add(1) {
            i += 1;
            end = sorted[i];
        }
        i += 1;
        let piece = if start == end {
            start.to_string()
        } else {
            format!("{start}:{end}")
        };
        if !current.is_empty() && current.len() + piece.len() + 1 > max_len {
            sets.push(std::mem::take(&mut current));
        }
        if !current.is_empty() {
            current.push(',');
        }
        current.push_str(&piece);
    }
    if !current.is_empty() {
        sets.push(current);
    }
    sets
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arguments_are_atoms_quoted_or_literals() {
        assert_eq!(astring(b"INBOX"), Part::Text("INBOX".into()));
        assert_eq!(astring(b"My Box"), Part::Text("\"My Box\"".into()));
        assert_eq!(astring(b"a\"b\\c"), Part::Text("\"a\\\"b\\\\c\"".into()));
        assert_eq!(astring(b""), Part::Text("\"\"".into()));
        assert_eq!(astring(b"nil"), Part::Text("\"nil\"".into()));
        assert_eq!(
            astring("Entwürfe".as_bytes()),
            Part::Literal("Entwürfe".as_bytes().to_vec())
        );
        assert_eq!(astring(b"a\r\nb"), Part::Literal(b"a\r\nb".to_vec()));
    }

    #[test]
    fn uid_sets_are_compact_and_bounded() {
        assert_eq!(uid_sets(&[5, 1, 2, 3, 7, 9, 10, 11], 100), ["1:3,5,7,9:11"]);
        assert_eq!(uid_sets(&[], 100), Vec::<String>::new());
        let many: Vec<u32> = (1..2000).step_by(2).collect();
        let sets = uid_sets(&many, 50);
        assert!(sets.iter().all(|s| s.len() <= 50));
        let back: Vec<u32> = sets
            .iter()
            .flat_map(|s| s.split(','))
            .map(|n| n.parse().unwrap())
            .collect();
        assert_eq!(back, many);
    }
}
