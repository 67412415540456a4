//! Data-connection addresses, sans-IO: the port in an EPSV reply (RFC 2428 §3), the address
//! in a PASV reply (RFC 959 §4.1.2, whose host part netkit ignores), and the EPRT/PORT
//! arguments for `--active`.

use std::net::{IpAddr, SocketAddr};

use crate::{Error, ErrorKind};

fn bad(what: &str, text: &str) -> Error {
    Error::new(
        ErrorKind::Protocol,
        format!("malformed {what} reply: {}", printable(text)),
    )
}

fn printable(text: &str) -> String {
    text.chars()
        .take(200)
        .map(|c| if c.is_control() { '?' } else { c })
        .collect()
}

/// The port of `229 Entering Extended Passive Mode (|||6446|)`. The delimiter is whatever
/// character follows the parenthesis (RFC 2428 allows any of 33–126); the fields before the
/// port must be empty.
pub fn parse_epsv(text: &str) -> Result<u16, Error> {
    let open = text.find('(').ok_or_else(|| bad("EPSV", text))?;
    let inner = &text[open + 1..];
    let close = inner.find(')').ok_or_else(|| bad("EPSV", text))?;
    let inner = &inner[..close];
    let mut chars = inner.chars();
    let d = chars
        .next()
        .filter(|c| (33..=126).contains(&(*c as u32)) && !c.is_ascii_digit());
    let d = d.ok_or_else(|| bad("EPSV", text))?;
    let fields: Vec<&str> = inner.split(d).collect();
    // "|||6446|" splits into ["", "", "", "6446", ""].
    // Strict like curl: the protocol and address fields must be empty (RFC 2428 §3).
    if fields.len() != 5
        || fields
            .iter()
            .enumerate()
            .any(|(i, f)| i != 3 && !f.is_empty())
    {
        return Err(bad("EPSV", text));
    }
    parse_port(fields[3]).ok_or_else(|| bad("EPSV", text))
}

fn parse_port(text: &str) -> Option<u16> {
    if text.is_empty() || text.len() > 5 || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse::<u16>().ok().filter(|&p| p != 0)
}

/// The address of `227 Entering Passive Mode (h1,h2,h3,h4,p1,p2)`; the parentheses are
/// optional in practice (RFC 959 does not require them), so the six numbers are found as the
/// first run of `n,n,n,n,n,n`.
pub fn parse_pasv(text: &str) -> Result<SocketAddr, Error> {
    let bytes = text.as_bytes();
    let mut start = 0;
    while start < bytes.len() {
        if bytes[start].is_ascii_digit() {
            let end = bytes[start..]
                .iter()
                .position(|b| !(b.is_ascii_digit() || *b == b','))
                .map_or(bytes.len(), |n| start + n);
            let nums: Vec<&str> = text[start..end].split(',').collect();
            if nums.len() >= 6 {
                let parsed: Option<Vec<u8>> = nums[..6]
                    .iter()
                    .map(|n| (n.len() <= 3).then(|| n.parse::<u8>().ok()).flatten())
                    .collect();
                if let Some(n) = parsed {
                    let ip = IpAddr::from([n[0], n[1], n[2], n[3]]);
                    let port = u16::from(n[4]) << 8 | u16::from(n[5]);
                    if port == 0 {
                        return Err(bad("PASV", text));
                    }
                    return Ok(SocketAddr::new(ip, port));
                }
            }
            start = end;
        } else {
            start += 1;
        }
    }
    Err(bad("PASV", text))
}

/// `EPRT |1|132.235.1.2|6275|` (RFC 2428 §2).
pub fn eprt_argument(addr: SocketAddr) -> String {
    let family = if addr.is_ipv4() { 1 } else { 2 };
    format!("|{family}|{}|{}|", addr.ip(), addr.port())
}

/// `PORT h1,h2,h3,h4,p1,p2`; `None` for IPv6 (PORT cannot say it).
pub fn port_argument(addr: SocketAddr) -> Option<String> {
    let IpAddr::V4(ip) = addr.ip() else {
        return None;
    };
    let o = ip.octets();
    let p = addr.port();
    Some(format!(
        "{},{},{},{},{},{}",
        o[0],
        o[1],
        o[2],
        o[3],
        p >> 8,
        p & 0xff
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn epsv_takes_any_delimiter_and_refuses_junk() {
        assert_eq!(
            parse_epsv("Entering Extended Passive Mode (|||6446|)").unwrap(),
            6446
        );
        assert_eq!(parse_epsv("EPSV ok (!!!21000!)").unwrap(), 21000);
        for bad in [
            "no parens",
            "(|||0|)",
            "(|||70000|)",
            "(||1.2.3.4|80|)",
            "(|||80)",
            "(1111)",
            "(|||-1|)",
        ] {
            assert!(parse_epsv(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn pasv_finds_the_six_numbers_with_or_without_parentheses() {
        assert_eq!(
            parse_pasv("Entering Passive Mode (127,0,0,1,195,80).").unwrap(),
            "127.0.0.1:50000".parse().unwrap()
        );
        assert_eq!(
            parse_pasv("Entering Passive Mode 10,1,2,3,4,1").unwrap(),
            "10.1.2.3:1025".parse().unwrap()
        );
        for bad in ["(256,0,0,1,1,1)", "(1,2,3,4,5)", "", "(1,2,3,4,0,0)"] {
            assert!(parse_pasv(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn active_arguments() {
        assert_eq!(
            eprt_argument("127.0.0.1:1025".parse().unwrap()),
            "|1|127.0.0.1|1025|"
        );
        assert_eq!(eprt_argument("[::1]:2000".parse().unwrap()), "|2|::1|2000|");
        assert_eq!(
            port_argument("192.168.0.1:50000".parse().unwrap()).as_deref(),
            Some("192,168,0,1,195,80")
        );
        assert_eq!(port_argument("[::1]:1".parse().unwrap()), None);
    }

    proptest! {
        #[test]
        fn replies_never_panic(text in ".{0,80}") {
            let _ = parse_epsv(&text);
            let _ = parse_pasv(&text);
        }

        #[test]
        fn epsv_round_trips_every_port(port in 1u16..) {
            prop_assert_eq!(parse_epsv(&format!("ok (|||{port}|)")).unwrap(), port);
        }
    }
}
