//! Passwords out of any text a user will see: error lines, JSON errors, clap's usage
//! messages. It works on raw text, before and whatever any URL parser makes of it, because
//! the URLs that fail to parse are exactly the ones users mistype (`alice:Top/Secret@host`,
//! an unencoded `/`, `?`, `#` or `@` in the password).

use std::borrow::Cow;

/// Every `scheme://USER:PASS@` in `text` becomes `scheme://USER:***@`. The userinfo of a
/// URL-looking token runs to its **last** `@` (a token ends at white space or a quote), so
/// a password holding unencoded `/ ? # @ :` is masked whole. This errs on the side of
/// masking: `http://h:80/a@b` shows as `http://h:***@b`, which no one relies on.
pub fn redact_userinfo(text: &str) -> Cow<'_, str> {
    let mut out = String::new();
    let mut copied = 0;
    let mut search = 0;
    while let Some(found) = text[search..].find("://") {
        let sep = search + found;
        let start = sep + 3;
        search = start;
        if !text[..sep]
            .chars()
            .next_back()
            .is_some_and(|c| c.is_ascii_alphanumeric())
        {
            continue;
        }
        let rest = &text[start..];
        let token_len = rest
            .find(|c: char| c.is_whitespace() || matches!(c, '\'' | '"' | '`'))
            .unwrap_or(rest.len());
        let token = &rest[..token_len];
        let Some(at) = token.rfind('@') else { continue };
        let Some(colon) = token[..at].find(':') else {
            continue;
        };
        out.push_str(&text[copied..start + colon + 1]);
        out.push_str("***");
        copied = start + at;
        search = start + token_len;
    }
    if copied == 0 {
        return Cow::Borrowed(text);
    }
    out.push_str(&text[copied..]);
    Cow::Owned(out)
}

/// Control characters as `\xNN` (tab kept), as the `-v` transcript shows them: an error
/// that echoes an argument or a server's text must not drive the user's terminal.
pub fn escape_controls(text: &str) -> Cow<'_, str> {
    if !text.chars().any(|c| c.is_control() && c != '\t') {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if c.is_control() && c != '\t' {
            out.push_str(&format!("\\x{:02x}", c as u32));
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn passwords_with_unencoded_delimiters_are_masked_whole() {
        for (given, shown) in [
            (
                "'smtp://alice:Top/Secret@127.0.0.1:1': port 'Top' is not a number",
                "'smtp://alice:***@127.0.0.1:1': port 'Top' is not a number",
            ),
            ("smtp://u:a?b#c@h", "smtp://u:***@h"),
            ("x imaps://u:p@ss@h/INBOX y", "x imaps://u:***@h/INBOX y"),
            ("smtp://u:p:q@h", "smtp://u:***@h"),
            (
                "two smtp://a:1@h and ftp://b:2@g",
                "two smtp://a:***@h and ftp://b:***@g",
            ),
        ] {
            assert_eq!(redact_userinfo(given), shown);
        }
    }

    #[test]
    fn text_without_a_password_is_untouched() {
        for text in [
            "smtp://bob@h/x",
            "no url here: a@b",
            "://odd:x@y",
            "http://h/p",
            "",
        ] {
            assert!(matches!(redact_userinfo(text), Cow::Borrowed(_)), "{text}");
        }
    }

    #[test]
    fn controls_are_escaped() {
        assert_eq!(
            escape_controls("a\x1b[31mb\r\n\tc"),
            "a\\x1b[31mb\\x0d\\x0a\tc"
        );
        assert!(matches!(escape_controls("plain"), Cow::Borrowed(_)));
    }

    proptest! {
        #[test]
        fn a_password_after_user_colon_never_survives(
            user in "[a-z]{1,8}",
            pass in "[A-Za-z0-9/?#@:%]{1,16}",
            host in "[a-z]{1,8}",
            prefix in "[ -~]{0,10}",
        ) {
            let marker = format!("Q{pass}Z");
            let text = format!("{prefix} 'smtp://{user}:{marker}@{host}:1' failed");
            let shown = redact_userinfo(&text);
            prop_assert!(!shown.contains(&marker), "{}", shown);
        }

        #[test]
        fn never_panics(text in "\\PC{0,60}") {
            let _ = redact_userinfo(&text);
            let _ = escape_controls(&text);
        }
    }
}
