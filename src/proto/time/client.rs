//! The timeclient exchange: one server, one protocol, one transport, bounded in every wait.
//!
//! * daytime/TCP (RFC 867): read up to the first line end (or EOF) within `--timeout`, capped at
//!   512 bytes; the line must parse (see `daytime`) or the exchange fails as a protocol error.
//! * time/TCP (RFC 868): read to EOF; anything but exactly four bytes is refused, so a daytime
//!   line never turns into a bogus year.
//! * UDP (RFC 867/868 "UDP based" sections, RFC 4330): the request is sent again when no
//!   reply came; `--timeout` is shared out between the tries. An empty datagram asks for
//!   daytime/time (it cannot be mistaken for a reply by a server's loop guard).
//! * Offsets: second-resolution replies are taken as the middle of their second and compared
//!   with the middle of the exchange; NTP uses RFC 4330 §5's formulas; `-n` keeps the sample
//!   with the smallest delay, as SNTP clients (and ntpdate) do.

use std::io::{self, Read};
use std::net::SocketAddr;
use std::time::{Duration, Instant};

use super::clock::UnixTime;
use super::daytime::{self, Shape};
use super::ntp::{self, Invalid, Timestamp};
use super::{Protocol, Transport, rfc868};
use crate::error::Result;
use crate::net::datagram::{Datagram, connect_udp, no_reply};
use crate::net::wait::seconds;
use crate::net::{ConnectOptions, connect};
use crate::{Error, ErrorKind};

/// The longest daytime line read; RFC 867 lines are short, a longer reply is not daytime.
pub const MAX_DAYTIME: usize = 512;

/// One server to ask.
#[derive(Debug, Clone)]
pub struct Query {
    pub host: String,
    pub port: u16,
    pub protocol: Protocol,
    pub transport: Transport,
    /// NTP samples to take (`-n`); the best-delay one is reported.
    pub samples: u32,
    /// UDP: extra tries per sample when no reply came.
    pub retries: u32,
    pub connect: ConnectOptions,
    /// Longest silence waiting for a reply (`--timeout`).
    pub timeout: Duration,
    /// `--check`'s phase clock (off otherwise): connect, then the request.
    pub recorder: crate::probe::Recorder,
}

/// NTP header fields worth showing.
#[derive(Debug, Clone, PartialEq)]
pub struct NtpInfo {
    pub version: u8,
    pub stratum: u8,
    pub leap: u8,
    pub precision: i8,
    pub reference_id: String,
    pub root_delay: f64,
    pub root_dispersion: f64,
    pub samples: u32,
}

/// What one server said.
#[derive(Debug, Clone, PartialEq)]
pub struct Answer {
    pub peer: SocketAddr,
    /// The server's clock when its reply arrived (as best the protocol tells).
    pub time: UnixTime,
    /// Server clock minus local clock, seconds, unrounded.
    pub offset: f64,
    /// Round trip, seconds (NTP: RFC 4330's delay; others: connect/send to reply).
    pub delay: f64,
    /// Daytime: the line as sent (without its line end) and the shape it was read as.
    pub line: Option<String>,
    pub shape: Option<Shape>,
    /// The reply carried sub-second digits (NTP always; daytime sometimes; time never).
    pub subsecond: bool,
    pub ntp: Option<NtpInfo>,
    /// NTP: each request sent and the reply it got, decoded, for the `-v` transcript.
    pub packets: Vec<(ntp::Packet, ntp::Packet)>,
}

pub fn query(q: &Query) -> Result<Answer> {
    match (q.protocol, q.transport) {
        (Protocol::Ntp, Transport::Tcp) => Err(Error::usage("NTP runs over UDP only")),
        (Protocol::Ntp, Transport::Udp) => query_ntp(q),
        (_, Transport::Tcp) => query_tcp(q),
        (_, Transport::Udp) => query_udp(q),
    }
}

/// The server as messages name it: the address alone when the user gave it, else both.
fn name(q: &Query, peer: SocketAddr) -> String {
    if q.host.trim_matches(['[', ']']) == peer.ip().to_string() {
        peer.to_string()
    } else {
        format!("{} ({peer})", q.host)
    }
}

fn query_tcp(q: &Query) -> Result<Answer> {
    q.recorder.phase(crate::probe::Phase::Connect);
    let conn = connect(&q.host, q.port, &q.connect)?;
    q.recorder.phase(crate::probe::Phase::Request);
    let t1 = UnixTime::now();
    let peer = conn.peer;
    let mut stream = conn.stream;
    let cap = match q.protocol {
        Protocol::Time => rfc868::REPLY_LEN + 1,
        _ => MAX_DAYTIME + 1,
    };
    let mut buf = vec![0u8; cap];
    let mut len = 0;
    let mut first_byte: Option<UnixTime> = None;
    let started = Instant::now();
    // `--timeout` bounds the whole reply, not the gap between bytes: a peer trickling one
    // byte a second cannot keep the exchange alive past it.
    let step_end = started.checked_add(q.timeout);
    loop {
        let now = Instant::now();
        let step_left = step_end.map_or(q.timeout, |end| end.saturating_duration_since(now));
        let by_max_time = q.connect.deadline.is_binding(step_left);
        let wait = if by_max_time {
            q.connect.deadline.cap(step_left).unwrap_or(Duration::ZERO)
        } else {
            step_left
        };
        let expired = || {
            if by_max_time {
                max_time(q, peer)
            } else {
                silent(q, peer, len, started.elapsed())
            }
        };
        if wait.is_zero() {
            return Err(expired());
        }
        stream
            .set_read_timeout(Some(wait))
            .map_err(|e| dropped(q, peer, len, &e))?;
        let Some(free) = buf.get_mut(len..) else {
            break;
        };
        match stream.read(free) {
            Ok(0) if len == 0 => return Err(closed_silent(q, peer)),
            Ok(0) => break,
            Ok(n) => {
                first_byte.get_or_insert_with(UnixTime::now);
                len += n;
                if q.protocol == Protocol::Daytime && buf[..len].contains(&b'\n') {
                    break;
                }
                if len >= cap {
                    break;
                }
            }
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e)
                if matches!(
                    e.kind(),
                    io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
                ) =>
            {
                return Err(expired());
            }
            Err(e) => return Err(dropped(q, peer, len, &e)),
        }
    }
    let t4 = first_byte.unwrap_or_else(UnixTime::now);
    decode_reply(q, peer, &buf[..len], t1, t4)
}

fn query_udp(q: &Query) -> Result<Answer> {
    q.recorder.phase(crate::probe::Phase::Connect);
    let d = connect_udp(&q.host, q.port, &q.connect)?;
    q.recorder.phase(crate::probe::Phase::Request);
    let cap = match q.protocol {
        Protocol::Time => rfc868::REPLY_LEN + 1,
        _ => MAX_DAYTIME + 1,
    };
    let mut buf = vec![0u8; cap];
    let (n, t1, t4) = udp_exchange(q, &d, &mut buf, |_| Vec::new())?;
    decode_reply(q, d.peer, &buf[..n], t1, t4)
}

/// Sends `request(try)` and waits, up to `retries + 1` times. Returns the reply length and
/// the send and arrival times of the try that was answered.
fn udp_exchange(
    q: &Query,
    d: &Datagram,
    buf: &mut [u8],
    mut request: impl FnMut(UnixTime) -> Vec<u8>,
) -> Result<(usize, UnixTime, UnixTime)> {
    let tries = q.retries.saturating_add(1);
    let wait = q.timeout / tries;
    let started = Instant::now();
    for _ in 0..tries {
        let t1 = UnixTime::now();
        d.send(&request(t1))?;
        if let Some(n) = d.recv_within(buf, wait, q.connect.deadline)? {
            return Ok((n, t1, UnixTime::now()));
        }
    }
    Err(no_reply(&q.host, d.peer, tries, started.elapsed()))
}

fn decode_reply(
    q: &Query,
    peer: SocketAddr,
    reply: &[u8],
    t1: UnixTime,
    t4: UnixTime,
) -> Result<Answer> {
    let who = name(q, peer);
    let (server, subsecond, line, shape) = match q.protocol {
        Protocol::Time => {
            let secs = rfc868::decode(reply).ok_or_else(|| {
                let hint = if daytime::parse(reply).is_some() {
                    " (that is a daytime line: try --proto daytime)"
                } else {
                    ""
                };
                let size = match reply.len() {
                    n if n > rfc868::REPLY_LEN => "longer than 4 bytes".to_owned(),
                    1 => "1 byte".to_owned(),
                    n => format!("{n} bytes"),
                };
                let hint = if reply.len() > rfc868::REPLY_LEN && hint.is_empty() {
                    " (a daytime server? try --proto daytime)"
                } else {
                    hint
                };
                protocol(format!(
                    "{who}: time reply is {size}, RFC 868 sends exactly 4{hint}"
                ))
            })?;
            (UnixTime::from_secs(secs), false, None, None)
        }
        _ => {
            if reply.len() > MAX_DAYTIME {
                return Err(protocol(format!(
                    "{who}: daytime reply is longer than {MAX_DAYTIME} bytes; not a daytime server?"
                )));
            }
            let end = reply
                .iter()
                .position(|b| *b == b'\n')
                .map_or(reply.len(), |i| i + 1);
            let text = String::from_utf8_lossy(&reply[..end])
                .trim_end_matches(['\r', '\n', '\0'])
                .to_owned();
            let Some(p) = daytime::parse(&reply[..end]) else {
                let what = if reply.is_empty() {
                    "sent nothing".to_owned()
                } else {
                    format!(
                        "sent {:?}, which is no time netkit can read (ctime, RFC 3339, RFC 822, NIST, Unix seconds)",
                        text
                    )
                };
                return Err(protocol(format!("{who}: daytime server {what}")));
            };
            (p.time, p.subsecond, Some(text), Some(p.shape))
        }
    };
    let middle = (t1.as_f64() + t4.as_f64()) / 2.0;
    let half = if subsecond { 0.0 } else { 0.5 };
    let offset = server.as_f64() + half - middle;
    Ok(Answer {
        peer,
        time: UnixTime::from_f64(t4.as_f64() + offset),
        offset,
        delay: (t4.as_f64() - t1.as_f64()).max(0.0),
        line,
        shape,
        subsecond,
        ntp: None,
        packets: Vec::new(),
    })
}

fn query_ntp(q: &Query) -> Result<Answer> {
    q.recorder.phase(crate::probe::Phase::Connect);
    let d = connect_udp(&q.host, q.port, &q.connect)?;
    q.recorder.phase(crate::probe::Phase::Request);
    let who = name(q, d.peer);
    let mut best: Option<ntp::Sample> = None;
    let samples = q.samples.max(1);
    let mut buf = [0u8; 1024];
    let mut packets = Vec::new();
    for _ in 0..samples {
        let mut sent = Timestamp(0);
        let (n, _, _) = udp_exchange(q, &d, &mut buf, |now| {
            sent = Timestamp::from_unix(now);
            ntp::Packet::request(sent).encode().to_vec()
        })?;
        let arrived = Timestamp::now();
        if let Some(reply) = ntp::Packet::decode(&buf[..n]) {
            packets.push((ntp::Packet::request(sent), reply));
        }
        let sample = ntp::check(&buf[..n], sent, arrived).map_err(|e| invalid(&who, &e))?;
        if best.is_none_or(|b| sample.delay < b.delay) {
            best = Some(sample);
        }
    }
    let s = best.ok_or_else(|| no_reply(&q.host, d.peer, 0, Duration::ZERO))?;
    let p = s.reply;
    Ok(Answer {
        peer: d.peer,
        time: s.server_time(),
        offset: s.offset,
        delay: s.delay,
        line: None,
        shape: None,
        subsecond: true,
        ntp: Some(NtpInfo {
            version: p.version,
            stratum: p.stratum,
            leap: p.leap,
            precision: p.precision,
            reference_id: ntp::reference_id_text(p.stratum, p.reference_id),
            root_delay: f64::from(p.root_delay) / 65_536.0,
            root_dispersion: f64::from(p.root_dispersion) / 65_536.0,
            samples,
        }),
        packets,
    })
}

/// RFC 4330 §8: DENY and RSTR mean "stop asking" (refused, exit 1); RATE means "later"
/// (temporary, exit 11); every other failed check is a protocol error (exit 8).
fn invalid(who: &str, e: &Invalid) -> Error {
    let kind = match e {
        Invalid::Kiss(code) if code == "DENY" || code == "RSTR" => ErrorKind::Refused,
        Invalid::Kiss(code) if code == "RATE" => ErrorKind::Temporary,
        _ => ErrorKind::Protocol,
    };
    let hint = match kind {
        ErrorKind::Refused => "; the server refuses this client",
        ErrorKind::Temporary => "; ask less often",
        _ => "",
    };
    Error::new(kind, format!("{who}: NTP {e}{hint}"))
}

fn protocol(message: String) -> Error {
    Error::new(ErrorKind::Protocol, message)
}

fn silent(q: &Query, peer: SocketAddr, got: usize, waited: Duration) -> Error {
    let what = if got == 0 {
        "no reply".to_owned()
    } else {
        format!("reply stalled after {got} bytes")
    };
    Error::new(
        ErrorKind::Timeout,
        format!(
            "{}: {what} within {} (raise --timeout)",
            name(q, peer),
            seconds(waited)
        ),
    )
}

fn max_time(q: &Query, peer: SocketAddr) -> Error {
    Error::new(
        ErrorKind::Timeout,
        format!(
            "{}: --max-time reached waiting for the reply",
            name(q, peer)
        ),
    )
}

fn dropped(q: &Query, peer: SocketAddr, received: usize, e: &io::Error) -> Error {
    let when = if received == 0 {
        "before sending anything"
    } else {
        "mid-exchange"
    };
    crate::net::dropped_error(
        received as u64,
        format!(
            "{}: connection dropped {when} ({})",
            name(q, peer),
            crate::net::io_words(e)
        ),
    )
}

fn closed_silent(q: &Query, peer: SocketAddr) -> Error {
    let what = match q.protocol {
        Protocol::Time => "time",
        _ => "daytime",
    };
    crate::net::dropped_error(
        0,
        format!(
            "{}: {what} server sent nothing and closed the connection (is this the right port?)",
            name(q, peer)
        ),
    )
}
