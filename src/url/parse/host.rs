//! The netloc's parts (RFC 3986 §3.2): userinfo, host, port — Python's `username`,
//! `password`, `hostname` and `port` properties, for every scheme alike (the `url` crate
//! treats imap, pop3, nntp, gopher… as opaque; netkit does not).
//!
//! Python's rules kept: userinfo ends at the LAST `@`; the user ends at the first `:` of it;
//! the port is what follows the host's first `:` (after `]` for a bracketed host); an empty
//! port is no port; a port must be ASCII digits and at most 65535.
//! Differences, for a tool that feeds clients: the port is checked when parsing (Python
//! raises only when `.port` is read); text before `[` or between `]` and `:` is refused
//! (Python silently drops it). The host's IDNA forms are derived in `Url::parse`.

use std::net::{Ipv4Addr, Ipv6Addr};

use crate::Error;

/// Where each part of a netloc lies, as byte offsets into the netloc.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Authority {
    pub user: Option<(usize, usize)>,
    pub password: Option<(usize, usize)>,
    /// The host without brackets; `None` when empty (Python's `hostname` is then `None`).
    pub host: Option<(usize, usize)>,
    /// The host as written, brackets included (for rebuilding a netloc).
    pub host_text: (usize, usize),
    pub bracketed: bool,
    pub port: Option<u16>,
    /// The port as written (for rebuilding a netloc); `None` when empty or absent.
    pub port_text: Option<(usize, usize)>,
}

/// `_check_bracketed_host`: an IPvFuture `v<hex>.<text>` or an IPv6 address (with an optional
/// `%zone`); an IPv4 address is refused in brackets.
pub fn check_bracketed(inner: &str) -> Result<(), Error> {
    if let Some(rest) = inner.strip_prefix('v') {
        let hex = rest.find('.').map(|dot| (&rest[..dot], &rest[dot + 1..]));
        return match hex {
            Some((h, tail))
                if !h.is_empty()
                    && h.bytes().all(|b| b.is_ascii_hexdigit())
                    && !tail.is_empty() =>
            {
                Ok(())
            }
            _ => Err(Error::usage(format!(
                "invalid IPvFuture address '[{inner}]'"
            ))),
        };
    }
    if inner.parse::<Ipv4Addr>().is_ok() {
        return Err(Error::usage(format!(
            "an IPv4 address cannot be in brackets: '[{inner}]'"
        )));
    }
    // Python's ipaddress allows `%zone` (RFC 6874 without the `%25`): non-empty, no `%`.
    let (addr, zone) = match inner.split_once('%') {
        Some((a, z)) => (a, Some(z)),
        None => (inner, None),
    };
    let zone_ok = zone.is_none_or(|z| !z.is_empty() && !z.contains('%'));
    if zone_ok && addr.parse::<Ipv6Addr>().is_ok() {
        Ok(())
    } else {
        Err(Error::usage(format!("invalid IPv6 literal '[{inner}]'")))
    }
}

/// Splits `netloc` into its parts and checks the port and brackets.
pub fn authority(netloc: &str) -> Result<Authority, Error> {
    let mut auth = Authority::default();
    let host_start = match netloc.rfind('@') {
        Some(at) => {
            match netloc[..at].find(':') {
                Some(colon) => {
                    auth.user = Some((0, colon));
                    auth.password = Some((colon + 1, at));
                }
                None => auth.user = Some((0, at)),
            }
            at + 1
        }
        None => 0,
    };
    let hostinfo = &netloc[host_start..];
    let (host, port) = if let Some(rest) = hostinfo.strip_prefix('[') {
        let close = rest
            .find(']')
            .ok_or_else(|| Error::usage("invalid IPv6 literal (unbalanced brackets)"))?;
        check_bracketed(&rest[..close])?;
        let after = &rest[close + 1..];
        let port = match after.strip_prefix(':') {
            Some(_) => Some(host_start + 1 + close + 2),
            None if after.is_empty() => None,
            None => {
                return Err(Error::usage(format!(
                    "unexpected '{after}' after the IPv6 literal"
                )));
            }
        };
        auth.bracketed = true;
        auth.host_text = (host_start, host_start + close + 2);
        ((host_start + 1, host_start + 1 + close), port)
    } else {
        if hostinfo.contains('[') {
            return Err(Error::usage(format!(
                "invalid host '{hostinfo}': '[' must open the host"
            )));
        }
        let colon = hostinfo.find(':');
        let end = colon.map_or(netloc.len(), |c| host_start + c);
        auth.host_text = (host_start, end);
        ((host_start, end), colon.map(|c| host_start + c + 1))
    };
    if host.0 < host.1 {
        auth.host = Some(host);
    }
    if let Some(start) = port {
        let text = &netloc[start..];
        if !text.is_empty() {
            auth.port = Some(parse_port(text)?);
            auth.port_text = Some((start, netloc.len()));
        }
    }
    Ok(auth)
}

/// A port as Python's `.port` reads it: ASCII digits (leading zeros fine), 0–65535.
pub fn parse_port(text: &str) -> Result<u16, Error> {
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return Err(Error::usage(format!(
            "port '{text}' is not a number (0-65535)"
        )));
    }
    let digits = text.trim_start_matches('0');
    if digits.len() > 5 {
        return Err(Error::usage(format!("port {text} is out of range 0-65535")));
    }
    // At most 5 ASCII digits: fits u32, cannot fail.
    let value: u32 = digits.parse().unwrap_or(0);
    u16::try_from(value).map_err(|_| Error::usage(format!("port {text} is out of range 0-65535")))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn part(netloc: &str, span: Option<(usize, usize)>) -> Option<&str> {
        span.map(|(a, b)| &netloc[a..b])
    }

    #[test]
    fn userinfo_ends_at_last_at_and_user_at_first_colon() {
        let n = "a:b:c@d@host:8080";
        let a = authority(n).unwrap();
        assert_eq!(part(n, a.user), Some("a"));
        assert_eq!(part(n, a.password), Some("b:c@d"));
        assert_eq!(part(n, a.host), Some("host"));
        assert_eq!(a.port, Some(8080));
    }

    #[test]
    fn empty_user_and_missing_password_differ() {
        let a = authority("@h").unwrap();
        assert_eq!(part("@h", a.user), Some(""));
        assert_eq!(a.password, None);
        let b = authority("u:@h").unwrap();
        assert_eq!(part("u:@h", b.password), Some(""));
    }

    #[test]
    fn bracketed_host_and_port() {
        let n = "[::1]:443";
        let a = authority(n).unwrap();
        assert_eq!(part(n, a.host), Some("::1"));
        assert_eq!(a.port, Some(443));
        assert_eq!(&n[a.host_text.0..a.host_text.1], "[::1]");
        assert!(authority("[::1]x:1").is_err());
        assert!(authority("a[::1]").is_err());
    }

    #[test]
    fn ports_are_checked_like_python_port_property() {
        assert_eq!(authority("h:").unwrap().port, None);
        assert_eq!(authority("h:0080").unwrap().port, Some(80));
        assert_eq!(authority("h:65535").unwrap().port, Some(65535));
        assert!(authority("h:65536").is_err());
        assert!(authority("h:0000000000000000099999").is_err());
        assert!(authority("h:8a").is_err());
        assert!(authority("h:1:2").is_err());
        assert!(authority("h:-1").is_err());
        assert!(authority("h:\u{b2}").is_err());
    }

    #[test]
    fn empty_host_is_none() {
        assert_eq!(authority("").unwrap().host, None);
        assert_eq!(authority("u@:80").unwrap().host, None);
    }

    #[test]
    fn zone_ids_follow_python_ipaddress() {
        assert!(check_bracketed("fe80::1%eth0").is_ok());
        assert!(check_bracketed("fe80::1%").is_err());
        assert!(check_bracketed("fe80::1%a%b").is_err());
        assert!(check_bracketed("v1f.abc").is_ok());
        assert!(check_bracketed("v.abc").is_err());
        assert!(check_bracketed("vg.abc").is_err());
    }
}
