//! A command's peer as the user wrote it (SPEC §2): a URL of one of the command's schemes,
//! or a bare `host[:port]` that takes the command's default scheme. Parsed with netkit's own
//! URL parser (the `url` crate has no ports for imap, smtp, nntp…), userinfo percent-decoded.

use std::net::Ipv6Addr;

use super::scheme::{self, Scheme};
use crate::auth::Secret;
use crate::url::parse::Url;
use crate::url::quote::unquote_to_bytes;
use crate::{Error, ErrorKind};

/// Where to connect, and what the URL said besides.
#[derive(Debug, Clone)]
pub struct Target {
    pub scheme: &'static Scheme,
    /// IDNA ASCII form; an IPv6 literal without brackets.
    pub host: String,
    pub port: u16,
    /// The URL named the port (else it is the scheme's default).
    pub port_given: bool,
    pub user: Option<String>,
    pub password: Option<Secret>,
    /// The path as written (still percent-encoded), `""` when absent.
    pub path: String,
    pub query: String,
}

impl Target {
    /// `host:port` with brackets around IPv6, for messages.
    pub fn authority(&self) -> String {
        if self.host.contains(':') {
            format!("[{}]:{}", self.host, self.port)
        } else {
            format!("{}:{}", self.host, self.port)
        }
    }

    /// Whether the peer is this machine (credentials may then go in clear text).
    pub fn is_loopback(&self) -> bool {
        if self.host.eq_ignore_ascii_case("localhost") {
            return true;
        }
        self.host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
    }
}

/// The URL as messages may show it: a password in the userinfo becomes `***` (the one rule
/// of `auth::redact`, which also masks passwords that hold unencoded delimiters).
pub fn redacted(text: &str) -> String {
    use crate::auth::redact::redact_userinfo;
    if text.contains("://") {
        return redact_userinfo(text).into_owned();
    }
    // A bare `user:pass@host` takes the command's scheme: mask it the same way.
    let masked = redact_userinfo(&format!("x://{text}")).into_owned();
    masked.get(4..).unwrap_or_default().to_owned()
}

/// The delimiter a user left unencoded in a URL password (`alice:Top/Secret@host`): the
/// authority as RFC 3986 reads it has no `@`, yet one follows later in the same URL.
fn unencoded_in_password(text: &str) -> Option<char> {
    let rest = &text[text.find("://")? + 3..];
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let authority = &rest[..authority_end];
    let user_colon = authority.find(':')?;
    if authority.contains('@') || !rest[authority_end..].contains('@') {
        return None;
    }
    // Only when no '/' '?' '#' stands between the colon and the later '@' would it be odd to
    // read the tail as a path; a ':' before it with no '@' at all is just a port.
    let at = rest.rfind('@')?;
    let port_like = rest[user_colon + 1..authority_end]
        .chars()
        .all(|c| c.is_ascii_digit());
    if port_like && rest[authority_end..at].contains('/') && authority_end > user_colon + 1 {
        return None;
    }
    rest[user_colon + 1..at]
        .chars()
        .find(|c| matches!(c, '/' | '?' | '#'))
}

/// Parses `text` for a command whose schemes are `allowed` (the first is the default).
/// Error messages show the URL with its password masked.
pub fn parse(text: &str, allowed: &[&str]) -> Result<Target, Error> {
    let shown = redacted(text);
    if let Some(c) = unencoded_in_password(text) {
        // Parsed as written, the password's tail would become the port or the path, and a
        // message about either would show it: refuse before any parser sees it.
        return Err(Error::usage(format!(
            "'{shown}': the password holds an unencoded '{c}'; percent-encode it ({})",
            "'/' %2F, '?' %3F, '#' %23, '@' %40, ':' %3A"
        )));
    }
    let default = allowed.first().copied().unwrap_or("tcp");
    let owned;
    let url_text = if text.contains("://") {
        text
    } else if text.parse::<Ipv6Addr>().is_ok() {
        owned = format!("{default}://[{text}]");
        &owned
    } else {
        owned = format!("{default}://{text}");
        &owned
    };
    let url = Url::parse(url_text).map_err(|e| Error::usage(format!("'{shown}': {e}")))?;
    let name = url.scheme();
    if !allowed.iter().any(|a| a.eq_ignore_ascii_case(name)) {
        return Err(Error::usage(format!(
            "'{shown}': scheme '{name}' is not one this command speaks (use {})",
            allowed.join(", ")
        )));
    }
    let scheme = scheme::lookup(name)
        .ok_or_else(|| Error::usage(format!("'{shown}': unknown scheme '{name}'")))?;
    let host = url
        .host()
        .filter(|h| !h.is_empty())
        .ok_or_else(|| Error::usage(format!("'{shown}': no host")))?
        .to_owned();
    let decode = |part: &str, what: &str| {
        String::from_utf8(unquote_to_bytes(part.as_bytes())).map_err(|_| {
            Error::new(
                ErrorKind::Usage,
                format!("'{shown}': the {what} in the URL is not UTF-8 once decoded"),
            )
        })
    };
    let user = url.user().map(|u| decode(u, "user name")).transpose()?;
    let password = url
        .password()
        .map(|p| decode(p, "password").map(Secret::new))
        .transpose()?;
    Ok(Target {
        scheme,
        port: url.port().unwrap_or(scheme.default_port),
        port_given: url.port().is_some(),
        host,
        user,
        password,
        path: url.path().to_owned(),
        query: url.query().to_owned(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const SMTP: &[&str] = &["smtp", "smtps"];

    #[test]
    fn bare_host_takes_the_default_scheme_and_port() {
        let t = parse("mail.example.org", SMTP).unwrap();
        assert_eq!(
            (t.scheme.name, t.host.as_str(), t.port),
            ("smtp", "mail.example.org", 25)
        );
        let t = parse("127.0.0.1:2525", SMTP).unwrap();
        assert_eq!(t.port, 2525);
        let t = parse("[::1]:2525", SMTP).unwrap();
        assert_eq!(
            (t.host.as_str(), t.authority()),
            ("::1", "[::1]:2525".to_owned())
        );
        assert_eq!(parse("::1", SMTP).unwrap().host, "::1");
    }

    #[test]
    fn userinfo_is_percent_decoded_and_secret() {
        let t = parse("smtps://nkuser2:p%40ss%3Aw%2Frd%20%251@localhost", SMTP).unwrap();
        assert_eq!(t.scheme.name, "smtps");
        assert_eq!(t.port, 465);
        assert_eq!(t.user.as_deref(), Some("nkuser2"));
        assert_eq!(
            t.password.as_ref().map(Secret::expose),
            Some("p@ss:w/rd %1")
        );
        assert!(!format!("{t:?}").contains("p@ss"));
        assert!(t.is_loopback());
    }

    #[test]
    fn foreign_schemes_and_hostless_urls_are_usage_errors() {
        for bad in ["http://example.org", "smtp://", "smtp://[::1"] {
            assert_eq!(
                parse(bad, SMTP).unwrap_err().kind(),
                ErrorKind::Usage,
                "{bad}"
            );
        }
    }

    #[test]
    fn errors_never_show_the_password() {
        for bad in [
            "smtp://alice:s3cretPW@[::1",
            "smtp://alice:s3cretPW@host:99999",
            "http://alice:s3cretPW@host/x",
            "alice:s3cretPW@[::1",
        ] {
            let err = parse(bad, SMTP).unwrap_err();
            assert!(!err.message().contains("s3cretPW"), "{}", err.message());
            assert!(err.message().contains("alice:***@"), "{}", err.message());
        }
        assert_eq!(redacted("smtp://bob@h/p"), "smtp://bob@h/p");
        assert_eq!(redacted("smtps://u:p@q@h:1/x"), "smtps://u:***@h:1/x");
    }

    #[test]
    fn idna_hosts_are_sent_in_ascii() {
        assert_eq!(
            parse("smtp://bücher.example", SMTP).unwrap().host,
            "xn--bcher-kva.example"
        );
    }
}
