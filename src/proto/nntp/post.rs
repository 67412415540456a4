//! What a raw article needs before POST, sans-IO: the header fields netkit adds when the
//! file lacks them — `Newsgroups:` from the URL's group, `Message-ID:` (so the poster knows
//! the id to look for), `Date:` — prepended, the article itself sent as it is. RFC 5536 §3.1
//! makes From, Newsgroups, Subject, Message-ID, Date and Path mandatory; the server adds
//! Path, and refuses (441) what is still missing, which is the user's to fix.

use crate::{Error, ErrorKind};

/// What the header block of a raw article holds, and what netkit prepends to it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawArticle {
    /// Header fields to send in front of the article, CRLF-terminated.
    pub prefix: Vec<u8>,
    pub message_id: String,
    pub newsgroups: String,
}

/// The unfolded value of the first `name:` field in the header block of `article`.
pub fn header_value(article: &[u8], name: &str) -> Option<String> {
    let mut value: Option<String> = None;
    let mut in_field = false;
    for line in article.split(|&b| b == b'\n') {
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        if line.is_empty() {
            break;
        }
        if matches!(line[0], b' ' | b'\t') {
            if in_field && let Some(v) = value.as_mut() {
                v.push(' ');
                v.push_str(String::from_utf8_lossy(line).trim());
            }
            continue;
        }
        if value.is_some() {
            break;
        }
        in_field = false;
        if let Some(colon) = line.iter().position(|&b| b == b':')
            && line[..colon].eq_ignore_ascii_case(name.as_bytes())
        {
            in_field = true;
            value = Some(
                String::from_utf8_lossy(&line[colon + 1..])
                    .trim()
                    .to_owned(),
            );
        }
    }
    value
}

/// Decides the prefix of a raw article; `group` is the URL's group, `new_id` makes a
/// Message-ID from a domain, `date` is now as an RFC 5322 date.
pub fn prepare_raw(
    article: &[u8],
    group: Option<&str>,
    new_id: impl FnOnce(&str) -> String,
    date: impl FnOnce() -> String,
) -> Result<RawArticle, Error> {
    if article.iter().all(u8::is_ascii_whitespace) {
        return Err(Error::usage("the article is empty: nothing to post"));
    }
    let mut prefix = Vec::new();
    let newsgroups = match (header_value(article, "newsgroups"), group) {
        (Some(n), _) if !n.is_empty() => n,
        (_, Some(g)) => {
            prefix.extend_from_slice(format!("Newsgroups: {g}\r\n").as_bytes());
            g.to_owned()
        }
        _ => {
            return Err(Error::new(
                ErrorKind::Usage,
                "the article has no Newsgroups: header and the URL names no group \
                 (post nntp://host/GROUP FILE)",
            ));
        }
    };
    let message_id = match header_value(article, "message-id") {
        Some(id) if !id.is_empty() => id,
        _ => {
            let domain = header_value(article, "from")
                .and_then(|f| super::domain_of(&f))
                .unwrap_or_else(|| "netkit.invalid".to_owned());
            let id = new_id(&domain);
            prefix.extend_from_slice(format!("Message-ID: {id}\r\n").as_bytes());
            id
        }
    };
    if header_value(article, "date").is_none() {
        prefix.extend_from_slice(format!("Date: {}\r\n", date()).as_bytes());
    }
    Ok(RawArticle {
        prefix,
        message_id,
        newsgroups,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn prep(article: &[u8], group: Option<&str>) -> Result<RawArticle, Error> {
        prepare_raw(
            article,
            group,
            |d| format!("<new@{d}>"),
            || "Sat, 01 Feb 2025 10:00:00 +0000".into(),
        )
    }

    #[test]
    fn a_complete_article_gets_nothing_added() {
        let a = b"From: a@x.org\r\nNewsgroups: local.test\r\nSubject: s\r\nMessage-ID: <m@x>\r\nDate: d\r\n\r\nbody\r\n";
        let r = prep(a, Some("other.group")).unwrap();
        assert!(r.prefix.is_empty());
        assert_eq!(r.message_id, "<m@x>");
        assert_eq!(r.newsgroups, "local.test");
    }

    #[test]
    fn missing_fields_are_prepended_with_an_id_from_the_sender_domain() {
        let a = b"From: A <a@Example.ORG>\nSubject: s\n\nMessage-ID: <in-body@x>\n";
        let r = prep(a, Some("local.test")).unwrap();
        let prefix = String::from_utf8(r.prefix).unwrap();
        assert_eq!(
            prefix,
            "Newsgroups: local.test\r\nMessage-ID: <new@example.org>\r\nDate: Sat, 01 Feb 2025 10:00:00 +0000\r\n"
        );
        assert_eq!(r.message_id, "<new@example.org>");
        assert!(prep(b"Subject: s\n\nbody\n", None).is_err());
        assert!(prep(b"\n\n", Some("g")).is_err());
    }

    #[test]
    fn folded_headers_are_unfolded() {
        let a = b"Newsgroups: a.b,\r\n c.d\r\nSubject: x\r\n\r\n";
        assert_eq!(header_value(a, "newsgroups").as_deref(), Some("a.b, c.d"));
        assert_eq!(header_value(a, "subject").as_deref(), Some("x"));
        assert_eq!(header_value(a, "from"), None);
    }

    proptest::proptest! {
        #[test]
        fn header_scan_never_panics(data in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..300)) {
            let _ = header_value(&data, "newsgroups");
            let _ = prep(&data, Some("g"));
        }
    }
}
