//! The UDP counterpart of `connect`: resolve within the connect timeout, bind an ephemeral
//! port of the right family, `connect()` the socket so the kernel drops datagrams from any
//! other source and reports ICMP port-unreachable as `ECONNREFUSED`, then send and wait for
//! replies with a bounded wait that `--max-time` caps too. Retrying is the caller's business:
//! a request may need fresh content per try (an NTP transmit timestamp).

use std::io;
use std::net::{Ipv4Addr, Ipv6Addr, SocketAddr, UdpSocket};
use std::time::{Duration, Instant};

use super::connect::{ConnectOptions, Deadline, interleave, resolve};
use super::wait::seconds;
use crate::error::Result;
use crate::{Error, ErrorKind};

/// A UDP socket connected to one peer.
#[derive(Debug)]
pub struct Datagram {
    pub socket: UdpSocket,
    pub peer: SocketAddr,
    host: String,
}

/// Resolves `host` and connects a UDP socket to the first address that takes it.
pub fn connect_udp(host: &str, port: u16, opts: &ConnectOptions) -> Result<Datagram> {
    let budget = opts
        .deadline
        .cap(opts.connect_timeout)
        .ok_or_else(|| Error::new(ErrorKind::Timeout, "--max-time reached before connecting"))?;
    let addrs = resolve(host, port, opts.family, budget)?;
    let mut last: Option<(SocketAddr, io::Error)> = None;
    for addr in interleave(&addrs) {
        match bind_and_connect(addr) {
            Ok(socket) => {
                return Ok(Datagram {
                    socket,
                    peer: addr,
                    host: host.to_owned(),
                });
            }
            Err(e) => last = Some((addr, e)),
        }
    }
    let (addr, e) =
        last.ok_or_else(|| Error::new(ErrorKind::Resolve, format!("{host}: no address")))?;
    Err(Error::new(
        ErrorKind::Connect,
        format!(
            "{host}: cannot send to {addr}: {}; check the host and network",
            crate::error::io_words(&e)
        ),
    ))
}

fn bind_and_connect(addr: SocketAddr) -> io::Result<UdpSocket> {
    let local: SocketAddr = if addr.is_ipv6() {
        (Ipv6Addr::UNSPECIFIED, 0).into()
    } else {
        (Ipv4Addr::UNSPECIFIED, 0).into()
    };
    let socket = UdpSocket::bind(local)?;
    socket.connect(addr)?;
    Ok(socket)
}

impl Datagram {
    pub fn send(&self, payload: &[u8]) -> Result<()> {
        self.socket
            .send(payload)
            .map(|_| ())
            .map_err(|e| self.io_error("sending", &e))
    }

    /// Waits up to `wait` (capped by `deadline`) for one datagram. `Ok(None)`: nothing came.
    /// A datagram longer than `buf` is cut to its length: size `buf` one byte above the
    /// largest valid reply to see oversized ones.
    pub fn recv_within(
        &self,
        buf: &mut [u8],
        wait: Duration,
        deadline: Deadline,
    ) -> Result<Option<usize>> {
        let until = Instant::now() + wait;
        loop {
            let left = until.saturating_duration_since(Instant::now());
            let Some(left) = deadline.cap(left).filter(|d| !d.is_zero()) else {
                if deadline.is_binding(wait) {
                    return Err(Error::new(
                        ErrorKind::Timeout,
                        format!(
                            "{}: --max-time reached waiting for a reply from {}",
                            self.host, self.peer
                        ),
                    ));
                }
                return Ok(None);
            };
            self.socket
                .set_read_timeout(Some(left))
                .map_err(|e| self.io_error("waiting", &e))?;
            match self.socket.recv(buf) {
                Ok(n) => return Ok(Some(n)),
                Err(e)
                    if matches!(
                        e.kind(),
                        io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
                    ) => {}
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(self.io_error("receiving", &e)),
            }
        }
    }

    fn io_error(&self, doing: &str, e: &io::Error) -> Error {
        let (kind, hint) = match e.kind() {
            io::ErrorKind::ConnectionRefused => (
                ErrorKind::Connect,
                "port unreachable; is the server running on that port?",
            ),
            _ => (ErrorKind::Connect, "check the host and network"),
        };
        Error::new(
            kind,
            format!(
                "{}: {doing} {}: {} ({hint})",
                self.host,
                self.peer,
                crate::error::io_words(e)
            ),
        )
    }
}

/// "no reply after N tries in 3 s" for callers that give up.
pub fn no_reply(host: &str, peer: SocketAddr, tries: u32, waited: Duration) -> Error {
    Error::new(
        ErrorKind::Timeout,
        format!(
            "{host}: no reply from {peer} after {tries} tr{} in {} (raise --timeout or --retries)",
            if tries == 1 { "y" } else { "ies" },
            seconds(waited)
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exchanges_with_a_local_peer_and_times_out_quietly() {
        let server = UdpSocket::bind("127.0.0.1:0").unwrap();
        let port = server.local_addr().unwrap().port();
        let d = connect_udp("127.0.0.1", port, &ConnectOptions::default()).unwrap();
        d.send(b"hi").unwrap();
        let mut buf = [0u8; 16];
        let (n, from) = server.recv_from(&mut buf).unwrap();
        server.send_to(&buf[..n], from).unwrap();
        let got = d
            .recv_within(&mut buf, Duration::from_secs(5), Deadline::none())
            .unwrap();
        assert_eq!(got, Some(2));
        let got = d
            .recv_within(&mut buf, Duration::from_millis(50), Deadline::none())
            .unwrap();
        assert_eq!(got, None);
    }

    #[test]
    fn closed_port_is_a_connect_error() {
        let port = UdpSocket::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let d = connect_udp("127.0.0.1", port, &ConnectOptions::default()).unwrap();
        d.send(b"x").unwrap();
        let mut buf = [0u8; 4];
        let err = d
            .recv_within(&mut buf, Duration::from_secs(5), Deadline::none())
            .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Connect);
    }
}
