//! Loop guards for UDP daytime and time (RFC 867/868 "UDP based" services answer any
//! datagram, which makes them reflectors): never answer
//! * source port 0 (no one can receive there; a forged source),
//! * the well-known ports of the classic datagram services, echo 7, daytime 13, chargen 19
//!   and time 37 (FreeBSD inetd's `check_loop` list), nor our own port: two servers bouncing
//!   replies at each other would loop forever,
//! * a datagram that is itself a reply of our kind: a daytime line, or four bytes that read
//!   as a time within a year of our clock. Clients send empty or arbitrary datagrams; rdate
//!   sends four zero bytes (a time in 2036, far from now), so it is still served.
//!
//! NTP needs none of this: only mode-3 requests are answered (`ntp::reply`).

use std::net::SocketAddr;

use crate::proto::time::{Protocol, UnixTime, daytime, rfc868};

const SERVICE_PORTS: [u16; 4] = [7, 13, 19, 37];
const YEAR: i64 = 366 * 86_400;

/// Whether a datagram from `from` may be answered by a server on `own_port`.
pub fn may_answer(
    protocol: Protocol,
    from: SocketAddr,
    own_port: u16,
    datagram: &[u8],
    now: UnixTime,
) -> bool {
    let port = from.port();
    if port == 0 {
        return false;
    }
    if protocol == Protocol::Ntp {
        return true;
    }
    if SERVICE_PORTS.contains(&port) || port == own_port {
        return false;
    }
    match protocol {
        Protocol::Daytime => !(datagram.len() >= 8 && daytime::parse(datagram).is_some()),
        Protocol::Time => match rfc868::decode(datagram) {
            Some(secs) => (secs - now.secs).abs() > YEAR,
            None => true,
        },
        Protocol::Ntp => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn from(port: u16) -> SocketAddr {
        SocketAddr::from(([127, 0, 0, 1], port))
    }

    #[test]
    fn requests_pass_and_replies_and_service_ports_do_not() {
        let now = UnixTime::now();
        assert!(may_answer(Protocol::Daytime, from(40000), 8888, b"", now));
        assert!(may_answer(
            Protocol::Daytime,
            from(40000),
            8888,
            b"hello\n",
            now
        ));
        let line = daytime::format_line(now, daytime::Format::Ctime);
        assert!(!may_answer(
            Protocol::Daytime,
            from(40000),
            8888,
            line.as_bytes(),
            now
        ));
        assert!(!may_answer(Protocol::Daytime, from(0), 8888, b"", now));
        assert!(!may_answer(Protocol::Daytime, from(13), 8888, b"", now));
        assert!(!may_answer(Protocol::Time, from(8888), 8888, b"", now));
        assert!(may_answer(
            Protocol::Time,
            from(40000),
            8888,
            &[0, 0, 0, 0],
            now
        ));
        assert!(!may_answer(
            Protocol::Time,
            from(40000),
            8888,
            &rfc868::encode(now),
            now
        ));
        assert!(may_answer(Protocol::Ntp, from(123), 123, &[0x23; 48], now));
        assert!(!may_answer(Protocol::Ntp, from(0), 123, &[0x23; 48], now));
    }
}
