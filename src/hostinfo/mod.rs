//! Host, address, service and DNS lookups for `netkit hostinfo` (SPEC §7, §8).
//!
//! * [`system`]: the system's own view through libc (getaddrinfo, getnameinfo, gethostname,
//!   getifaddrs, getservbyname_r/getservbyport_r).
//! * [`dns`]: one question to one DNS server, straight over UDP/TCP (RFC 1035 §4.2, RFC 7766),
//!   wire format by `hickory-proto`; [`record`] turns its answers into zone-file text.
//! * [`byteorder`]: htons/htonl arithmetic.
//!
//! The system resolver has no timeout of its own, so lookups go through
//! [`crate::net::wait::run_bounded`], which stops waiting when the caller's limit passes.

pub mod byteorder;
pub mod dns;
pub mod record;
pub mod system;

use crate::Error;
use crate::error::Result;

pub use crate::net::Family;
pub use crate::net::wait::{Limits, Wait, run_bounded, seconds, timeout_error};

/// A `--service` argument: `NAME`, `PORT`, `NAME/PROTO` or `PORT/PROTO` (default tcp).
pub fn parse_service(text: &str) -> Result<(system::ServiceKey, String)> {
    let (key, proto) = match text.split_once('/') {
        Some((k, p)) => (k, p),
        None => (text, "tcp"),
    };
    let bad = || {
        Error::usage(format!(
            "--service '{text}': expected NAME, PORT, NAME/PROTO or PORT/PROTO (e.g. smtp, 443/tcp)"
        ))
    };
    if key.is_empty()
        || proto.is_empty()
        || !proto
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-')
    {
        return Err(bad());
    }
    let key = if key.bytes().all(|b| b.is_ascii_digit()) {
        system::ServiceKey::Port(key.parse().map_err(|_| bad())?)
    } else if key
        .bytes()
        .all(|b| b.is_ascii_graphic() && b != b'/' && b != b'#')
    {
        system::ServiceKey::Name(key.to_owned())
    } else {
        return Err(bad());
    };
    Ok((key, proto.to_ascii_lowercase()))
}

#[cfg(test)]
mod tests {
    use super::system::ServiceKey;
    use super::*;

    #[test]
    fn service_argument_forms() {
        assert_eq!(
            parse_service("smtp").unwrap(),
            (ServiceKey::Name("smtp".into()), "tcp".into())
        );
        assert_eq!(
            parse_service("443/tcp").unwrap(),
            (ServiceKey::Port(443), "tcp".into())
        );
        assert_eq!(
            parse_service("53/UDP").unwrap(),
            (ServiceKey::Port(53), "udp".into())
        );
        for bad in ["", "/tcp", "smtp/", "70000", "a b", "x/y/z"] {
            assert!(parse_service(bad).is_err(), "{bad}");
        }
    }
}
