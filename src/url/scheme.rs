//! netkit's one scheme table (SPEC §2): default ports and TLS style for every scheme a command
//! speaks. `net` connects by it, `urlparse` shows it, `timeclient` asks by it. The `url` crate
//! knows only the WHATWG "special" schemes; for imap, pop3, smtp, nntp, gopher, telnet and
//! the time protocols it has no default port, so netkit keeps its own table.

/// How a scheme gets TLS.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TlsStyle {
    /// Never (http, gopher, telnet, the time protocols).
    None,
    /// Upgraded in place when offered (STARTTLS, STLS, AUTH TLS), per `--tls`.
    Upgrade,
    /// TLS from the first byte (https, imaps, smtps…).
    Implicit,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Scheme {
    pub name: &'static str,
    pub default_port: u16,
    pub tls: TlsStyle,
}

const fn scheme(name: &'static str, default_port: u16, tls: TlsStyle) -> Scheme {
    Scheme {
        name,
        default_port,
        tls,
    }
}

/// Every scheme netkit knows. `news`/`snews` are RFC 5538's aliases of nntp/nntps.
pub const SCHEMES: &[Scheme] = &[
    scheme("http", 80, TlsStyle::None),
    scheme("https", 443, TlsStyle::Implicit),
    scheme("ftp", 21, TlsStyle::Upgrade),
    scheme("ftps", 990, TlsStyle::Implicit),
    scheme("smtp", 25, TlsStyle::Upgrade),
    scheme("smtps", 465, TlsStyle::Implicit),
    scheme("pop3", 110, TlsStyle::Upgrade),
    scheme("pop3s", 995, TlsStyle::Implicit),
    scheme("imap", 143, TlsStyle::Upgrade),
    scheme("imaps", 993, TlsStyle::Implicit),
    scheme("nntp", 119, TlsStyle::Upgrade),
    scheme("nntps", 563, TlsStyle::Implicit),
    scheme("news", 119, TlsStyle::Upgrade),
    scheme("snews", 563, TlsStyle::Implicit),
    scheme("gopher", 70, TlsStyle::None),
    scheme("gophers", 70, TlsStyle::Implicit),
    scheme("telnet", 23, TlsStyle::None),
    scheme("ws", 80, TlsStyle::None),
    scheme("wss", 443, TlsStyle::Implicit),
    scheme("daytime", 13, TlsStyle::None),
    scheme("time", 37, TlsStyle::None),
    scheme("ntp", 123, TlsStyle::None),
    scheme("sntp", 123, TlsStyle::None),
];

/// The entry for `name`, compared case-insensitively (RFC 3986 §3.1).
pub fn lookup(name: &str) -> Option<&'static Scheme> {
    SCHEMES.iter().find(|s| s.name.eq_ignore_ascii_case(name))
}

/// The default port of `name`, if netkit knows the scheme.
pub fn default_port(name: &str) -> Option<u16> {
    lookup(name).map(|s| s.default_port)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mail_and_news_schemes_have_their_ports() {
        assert_eq!(default_port("imaps"), Some(993));
        assert_eq!(default_port("POP3"), Some(110));
        assert_eq!(default_port("snews"), Some(563));
        assert_eq!(default_port("gopher"), Some(70));
        assert_eq!(default_port("telnet"), Some(23));
        assert_eq!(default_port("mailto"), None);
        assert_eq!(default_port("daytime"), Some(13));
        assert_eq!(default_port("time"), Some(37));
        assert_eq!(default_port("ntp"), Some(123));
    }

    #[test]
    fn implicit_tls_schemes_are_marked() {
        assert_eq!(lookup("smtps").map(|s| s.tls), Some(TlsStyle::Implicit));
        assert_eq!(lookup("smtp").map(|s| s.tls), Some(TlsStyle::Upgrade));
    }
}
