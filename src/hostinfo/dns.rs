//! One question to one DNS server, directly (RFC 1035 §4.2, RFC 7766), for `--dns SERVER`.
//!
//! * UDP first, on a connected socket so that an ICMP port-unreachable comes back as
//!   `ECONNREFUSED` (exit 4) instead of silence; on silence the query is sent again, three
//!   tries sharing `--timeout` (exit 5 when all stay silent).
//! * A reply with the TC bit set (RFC 1035 §4.2.1, RFC 7766 §5) is asked again over TCP,
//!   2-byte length prefix. `--tcp` goes to TCP at once.
//! * EDNS(0) (RFC 6891) is sent by default with a 1232-byte payload (the DNS flag day 2020
//!   value, which is also dnsmasq's `edns-packet-max`); `no_edns` leaves it out, limiting UDP
//!   replies to 512 bytes.
//! * Replies are checked: a UDP datagram with another ID is ignored (stray or spoofed: keep
//!   listening, as resolvers do); one with our ID that does not parse, is not a response, or
//!   does not echo our question is a protocol error (exit 8). Over TCP any mismatch is an
//!   error. A UDP reply that has TC set but does not parse (some servers cut mid-record) still
//!   triggers the TCP retry.
//! * Query IDs come from `hickory_proto::op::Message::query()`, which draws them from `rand`'s
//!   thread RNG (seeded by the OS).

use std::io::{self, Read, Write};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr, UdpSocket};
use std::str::FromStr;
use std::time::{Duration, Instant};

use hickory_proto::op::{Edns, Message, MessageType, OpCode, Query, ResponseCode};
use hickory_proto::rr::{Name, RecordType};
use serde::Serialize;

use super::record::Rr;
use super::{Family, Limits, Wait, run_bounded, system, timeout_error};
use crate::error::Result;
use crate::net::{ConnectOptions, Deadline};
use crate::{Error, ErrorKind};

/// UDP tries that share `--timeout` before giving up.
pub const UDP_TRIES: u32 = 3;
/// The EDNS(0) UDP payload size announced (DNS flag day 2020).
pub const EDNS_PAYLOAD: u16 = 1232;

/// The record types `--type` takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QueryType {
    A,
    Aaaa,
    Mx,
    Txt,
    Ns,
    Soa,
    Cname,
    Ptr,
    Srv,
    Caa,
    Naptr,
    Ds,
    Dnskey,
    Sshfp,
    Tlsa,
    Https,
    Svcb,
    Any,
}

impl QueryType {
    /// Every type `--type` takes, with its wire type and its name (dig's spelling).
    const TABLE: [(QueryType, RecordType, &'static str); 18] = [
        (QueryType::A, RecordType::A, "A"),
        (QueryType::Aaaa, RecordType::AAAA, "AAAA"),
        (QueryType::Mx, RecordType::MX, "MX"),
        (QueryType::Txt, RecordType::TXT, "TXT"),
        (QueryType::Ns, RecordType::NS, "NS"),
        (QueryType::Soa, RecordType::SOA, "SOA"),
        (QueryType::Cname, RecordType::CNAME, "CNAME"),
        (QueryType::Ptr, RecordType::PTR, "PTR"),
        (QueryType::Srv, RecordType::SRV, "SRV"),
        (QueryType::Caa, RecordType::CAA, "CAA"),
        (QueryType::Naptr, RecordType::NAPTR, "NAPTR"),
        (QueryType::Ds, RecordType::DS, "DS"),
        (QueryType::Dnskey, RecordType::DNSKEY, "DNSKEY"),
        (QueryType::Sshfp, RecordType::SSHFP, "SSHFP"),
        (QueryType::Tlsa, RecordType::TLSA, "TLSA"),
        (QueryType::Https, RecordType::HTTPS, "HTTPS"),
        (QueryType::Svcb, RecordType::SVCB, "SVCB"),
        (QueryType::Any, RecordType::ANY, "ANY"),
    ];

    /// The names, for `--type`'s help, its error and shell completion.
    pub const NAMES: [&'static str; 18] = [
        "A", "AAAA", "MX", "TXT", "NS", "SOA", "CNAME", "PTR", "SRV", "CAA", "NAPTR", "DS",
        "DNSKEY", "SSHFP", "TLSA", "HTTPS", "SVCB", "ANY",
    ];

    fn entry(self) -> (QueryType, RecordType, &'static str) {
        Self::TABLE
            .into_iter()
            .find(|e| e.0 == self)
            .unwrap_or(Self::TABLE[0])
    }

    pub fn record_type(self) -> RecordType {
        self.entry().1
    }

    pub fn name(self) -> &'static str {
        self.entry().2
    }
}

impl FromStr for QueryType {
    type Err = String;

    /// Case-insensitive: `mx` and `MX` alike.
    fn from_str(s: &str) -> std::result::Result<Self, String> {
        QueryType::TABLE
            .into_iter()
            .find(|e| e.2.eq_ignore_ascii_case(s))
            .map(|e| e.0)
            .ok_or_else(|| format!("'{s}' is not one of {}", QueryType::NAMES.join(", ")))
    }
}

/// The first `nameserver` of resolv.conf(5) text, as dig asks it when no server is given.
pub fn first_nameserver(resolv_conf: &str) -> Option<String> {
    resolv_conf.lines().find_map(|line| {
        let mut words = line.split_whitespace();
        (words.next() == Some("nameserver"))
            .then(|| words.next().map(str::to_owned))
            .flatten()
    })
}

/// Where `--dns` points: an address or a name still to resolve, and a port.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ServerHost {
    Ip(IpAddr),
    Name(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServerSpec {
    pub host: ServerHost,
    pub port: u16,
}

/// Parses `ADDR`, `ADDR:PORT`, `[V6ADDR]:PORT`, `[V6ADDR]`, a bare `V6ADDR`, `NAME` or
/// `NAME:PORT`. Port 53 when none is given.
pub fn parse_server(text: &str) -> Result<ServerSpec> {
    let bad = |why: &str| {
        Error::usage(format!(
            "--dns '{text}': {why}; expected ADDR, ADDR:PORT, [V6ADDR]:PORT or a name"
        ))
    };
    let port_of = |p: &str| -> Result<u16> {
        match p.parse::<u16>() {
            Ok(0) | Err(_) => Err(bad("the port must be a number from 1 to 65535")),
            Ok(n) => Ok(n),
        }
    };
    if text.is_empty() {
        return Err(bad("empty"));
    }
    if let Some(rest) = text.strip_prefix('[') {
        let (inside, after) = rest.split_once(']').ok_or_else(|| bad("missing ']'"))?;
        let v6: Ipv6Addr = inside
            .parse()
            .map_err(|_| bad("not an IPv6 address inside [ ]"))?;
        let port = match after {
            "" => 53,
            _ => port_of(
                after
                    .strip_prefix(':')
                    .ok_or_else(|| bad("junk after ']'"))?,
            )?,
        };
        return Ok(ServerSpec {
            host: ServerHost::Ip(IpAddr::V6(v6)),
            port,
        });
    }
    if let Ok(ip) = text.parse::<IpAddr>() {
        return Ok(ServerSpec {
            host: ServerHost::Ip(ip),
            port: 53,
        });
    }
    let (host, port) = match text.rsplit_once(':') {
        Some((h, p)) if !h.contains(':') => (h, port_of(p)?),
        Some(_) => return Err(bad("an IPv6 address with a port needs brackets")),
        None => (text, 53),
    };
    if let Ok(v4) = host.parse::<Ipv4Addr>() {
        return Ok(ServerSpec {
            host: ServerHost::Ip(IpAddr::V4(v4)),
            port,
        });
    }
    let name_ok = !host.is_empty()
        && host.len() <= 253
        && host
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-._".contains(&b) || b >= 0x80);
    if !name_ok {
        return Err(bad("not an address or a host name"));
    }
    Ok(ServerSpec {
        host: ServerHost::Name(host.to_owned()),
        port,
    })
}

/// The server's socket address; a name goes through the system resolver within
/// `--connect-timeout`.
pub fn resolve_server(spec: &ServerSpec, family: Family, limits: &Limits) -> Result<SocketAddr> {
    let name = match &spec.host {
        ServerHost::Ip(ip) => return Ok(SocketAddr::new(*ip, spec.port)),
        ServerHost::Name(n) => n.clone(),
    };
    let wait = limits.cap(limits.connect_timeout, "--connect-timeout");
    let subject = format!("DNS server {name}");
    let lookup_name = name.clone();
    let found = run_bounded(&subject, wait, "the system resolver", move || {
        system::lookup_host(&lookup_name, family)
    })?;
    let ip = found
        .addresses
        .first()
        .copied()
        .ok_or_else(|| Error::new(ErrorKind::Resolve, format!("{subject}: has no address")))?;
    Ok(SocketAddr::new(ip, spec.port))
}

/// `4.3.2.1.in-addr.arpa.` / nibble-reversed `….ip6.arpa.` (RFC 1035 §3.5, RFC 3596 §2.5).
pub fn ptr_name(ip: IpAddr) -> String {
    match ip {
        IpAddr::V4(v4) => {
            let o = v4.octets();
            format!("{}.{}.{}.{}.in-addr.arpa.", o[3], o[2], o[1], o[0])
        }
        IpAddr::V6(v6) => {
            let mut out = String::with_capacity(73);
            for byte in v6.octets().iter().rev() {
                out.push_str(&format!("{:x}.{:x}.", byte & 0x0f, byte >> 4));
            }
            out.push_str("ip6.arpa.");
            out
        }
    }
}

/// The question's name: for PTR an address becomes its reverse name; other names are
/// converted to IDNA ASCII and made absolute.
pub fn query_name(text: &str, qtype: QueryType) -> Result<Name> {
    let bad = |why: String| Error::usage(format!("'{text}': not a DNS name: {why}"));
    let ascii = match text.parse::<IpAddr>() {
        Ok(ip) if qtype == QueryType::Ptr => ptr_name(ip),
        _ if text.is_ascii() => text.to_owned(),
        _ => idna::domain_to_ascii(text).map_err(|e| bad(e.to_string()))?,
    };
    let absolute = if ascii.ends_with('.') {
        ascii
    } else {
        format!("{ascii}.")
    };
    if absolute.len() > 254 || absolute.contains("..") && absolute != "." {
        return Err(bad("empty label or too long".into()));
    }
    Name::from_ascii(&absolute).map_err(|e| bad(e.to_string()))
}

/// How to ask.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AskOptions {
    pub force_tcp: bool,
    pub edns: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Transport {
    Udp,
    Tcp,
}

/// A validated reply and how it was obtained.
#[derive(Debug, Clone)]
pub struct Reply {
    pub server: SocketAddr,
    pub transport: Transport,
    /// UDP said TC and the answer came over TCP.
    pub tcp_fallback: bool,
    pub message: Message,
    pub elapsed: Duration,
}

/// The query message, with a random ID, RD set, and EDNS(0) unless disabled.
pub fn build_query(name: &Name, qtype: QueryType, edns: bool) -> Message {
    let mut msg = Message::query();
    msg.metadata.recursion_desired = true;
    msg.add_query(Query::query(name.clone(), qtype.record_type()));
    if edns {
        let mut e = Edns::new();
        e.set_max_payload(EDNS_PAYLOAD);
        msg.set_edns(e);
    }
    msg
}

/// Why a received reply is not accepted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Invalid {
    /// Another transaction's ID: not for us.
    OtherId(u16),
    /// Our ID and the TC bit, but the rest did not parse: retry over TCP.
    TruncatedUnparsed,
    /// Ours, and broken.
    Malformed(String),
}

/// Checks a reply against the query it answers (ID, QR, opcode, question).
pub fn validate_reply(bytes: &[u8], query: &Message) -> std::result::Result<Message, Invalid> {
    let id = query.metadata.id;
    if bytes.len() < 2 {
        return Err(Invalid::Malformed(format!(
            "{}-byte reply, shorter than a DNS header",
            bytes.len()
        )));
    }
    let got = u16::from_be_bytes([bytes[0], bytes[1]]);
    if got != id {
        return Err(Invalid::OtherId(got));
    }
    if bytes.len() < 12 {
        return Err(Invalid::Malformed(format!(
            "{}-byte reply, shorter than a DNS header",
            bytes.len()
        )));
    }
    let msg = match Message::from_vec(bytes) {
        Ok(m) => m,
        // Byte 2, bit 1 is TC (RFC 1035 §4.1.1).
        Err(_) if bytes[2] & 0x02 != 0 => return Err(Invalid::TruncatedUnparsed),
        Err(e) => return Err(Invalid::Malformed(format!("reply does not parse: {e}"))),
    };
    if msg.metadata.message_type != MessageType::Response {
        return Err(Invalid::Malformed(
            "the reply is a query, not a response (the request was echoed?)".into(),
        ));
    }
    if msg.metadata.op_code != OpCode::Query {
        return Err(Invalid::Malformed(format!(
            "reply has opcode {:?}, not QUERY",
            msg.metadata.op_code
        )));
    }
    let asked = &query.queries;
    let rcode = msg.metadata.response_code;
    // Error replies and truncated ones may leave the question out; any other must echo it.
    let may_omit =
        msg.metadata.truncation || !matches!(rcode, ResponseCode::NoError | ResponseCode::NXDomain);
    let same = msg.queries.len() == asked.len()
        && msg.queries.iter().zip(asked).all(|(a, b)| {
            // Names compare case-insensitively (RFC 4343); 0x20-randomising servers vary case.
            a.name().eq_ignore_root(b.name())
                && a.query_type() == b.query_type()
                && a.query_class() == b.query_class()
        });
    let omitted_ok = may_omit && msg.queries.is_empty();
    if !same && !omitted_ok {
        return Err(Invalid::Malformed(
            "the reply does not echo the question asked".into(),
        ));
    }
    Ok(msg)
}

/// Asks `server` the question, UDP with retries then TCP on truncation (or TCP only).
pub fn ask(
    server: SocketAddr,
    name: &Name,
    qtype: QueryType,
    opts: AskOptions,
    limits: &Limits,
) -> Result<Reply> {
    let start = Instant::now();
    let query = build_query(name, qtype, opts.edns);
    let wire = query
        .to_vec()
        .map_err(|e| Error::usage(format!("{name}: cannot encode the query: {e}")))?;
    let subject = format!("DNS server {server}");
    let mut tcp_fallback = false;
    if !opts.force_tcp {
        match ask_udp(server, &wire, &query, limits, &subject)? {
            Some(message) => {
                return Ok(Reply {
                    server,
                    transport: Transport::Udp,
                    tcp_fallback,
                    message,
                    elapsed: start.elapsed(),
                });
            }
            None => tcp_fallback = true,
        }
    }
    let message = ask_tcp(server, &wire, &query, limits, &subject)?;
    Ok(Reply {
        server,
        transport: Transport::Tcp,
        tcp_fallback,
        message,
        elapsed: start.elapsed(),
    })
}

fn protocol(subject: &str, why: &str) -> Error {
    Error::new(
        ErrorKind::Protocol,
        format!("{subject}: malformed reply: {why}; is it a DNS server?"),
    )
}

fn connect_error(subject: &str, transport: &str, e: &io::Error) -> Error {
    Error::new(
        ErrorKind::Connect,
        format!("{subject}: {transport} refused or unreachable ({e}); check the address and port"),
    )
}

/// UDP exchange: `Some(reply)`, or `None` when the reply was truncated (ask over TCP).
fn ask_udp(
    server: SocketAddr,
    wire: &[u8],
    query: &Message,
    limits: &Limits,
    subject: &str,
) -> Result<Option<Message>> {
    let local: SocketAddr = match server {
        SocketAddr::V4(_) => (Ipv4Addr::UNSPECIFIED, 0).into(),
        SocketAddr::V6(_) => (Ipv6Addr::UNSPECIFIED, 0).into(),
    };
    let sock = UdpSocket::bind(local)
        .map_err(|e| Error::new(ErrorKind::LocalIo, format!("cannot open a UDP socket: {e}")))?;
    sock.connect(server)
        .map_err(|e| connect_error(subject, "UDP", &e))?;
    let total = limits.cap(limits.timeout, "--timeout");
    let per_try = total.duration / UDP_TRIES;
    let give_up = Instant::now() + total.duration;
    let mut buf = vec![0u8; 65_535];
    for attempt in 0..UDP_TRIES {
        let try_end = if attempt + 1 == UDP_TRIES {
            give_up
        } else {
            (Instant::now() + per_try).min(give_up)
        };
        match sock.send(wire) {
            Ok(_) => {}
            Err(e) => return Err(connect_error(subject, "UDP", &e)),
        }
        loop {
            let left = try_end.saturating_duration_since(Instant::now());
            if left.is_zero() {
                break;
            }
            // A zero read timeout means "block forever" to the OS: never pass one.
            sock.set_read_timeout(Some(left.max(Duration::from_millis(1))))
                .map_err(|e| Error::new(ErrorKind::LocalIo, format!("socket: {e}")))?;
            let n = match sock.recv(&mut buf) {
                Ok(n) => n,
                Err(e)
                    if matches!(
                        e.kind(),
                        io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
                    ) =>
                {
                    break;
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(connect_error(subject, "UDP port", &e)),
            };
            match validate_reply(&buf[..n], query) {
                Ok(msg) if msg.metadata.truncation => return Ok(None),
                Ok(msg) => return Ok(Some(msg)),
                Err(Invalid::OtherId(_)) => continue,
                Err(Invalid::TruncatedUnparsed) => return Ok(None),
                Err(Invalid::Malformed(why)) => return Err(protocol(subject, &why)),
            }
        }
    }
    Err(timeout_error(
        subject,
        Wait {
            duration: total.duration,
            flag: total.flag,
        },
        &format!("a UDP reply ({UDP_TRIES} tries)"),
    ))
}

/// TCP exchange (RFC 1035 §4.2.2: two-byte length, then the message).
fn ask_tcp(
    server: SocketAddr,
    wire: &[u8],
    query: &Message,
    limits: &Limits,
    subject: &str,
) -> Result<Message> {
    let wait = limits.cap(limits.connect_timeout, "--connect-timeout");
    if wait.duration.is_zero() {
        return Err(timeout_error(subject, wait, "a TCP connection"));
    }
    // The one connect path (the server is an address already, so nothing is resolved).
    let opts = ConnectOptions {
        family: Family::Any,
        connect_timeout: wait.duration,
        deadline: Deadline::none(),
    };
    let mut stream = crate::net::connect(&server.ip().to_string(), server.port(), &opts)
        .map_err(|e| match e.kind() {
            ErrorKind::Timeout => timeout_error(subject, wait, "a TCP connection"),
            kind => Error::new(kind, format!("{subject}: TCP: {}", e.message())),
        })?
        .stream;
    let silence = limits.cap(limits.timeout, "--timeout");
    // A DNS reply is small: the whole TCP exchange gets at most --timeout (or what is left of
    // --max-time). Socket timeouts bound each silence; the watchdog bounds a server that
    // trickles a byte just inside every one of them.
    let whole = std::time::Instant::now() + silence.duration;
    let watchdog = crate::net::Watchdog::arm(
        stream
            .try_clone()
            .map_err(|e| Error::new(ErrorKind::LocalIo, format!("socket: {e}")))?,
        Some(whole),
    );
    let io_err = |e: io::Error| {
        if watchdog.fired()
            || matches!(
                e.kind(),
                io::ErrorKind::TimedOut | io::ErrorKind::WouldBlock
            )
        {
            timeout_error(subject, silence, "the TCP reply")
        } else {
            protocol(
                subject,
                &format!("TCP connection failed mid-exchange ({e})"),
            )
        }
    };
    let timeout = Some(silence.duration.max(Duration::from_millis(1)));
    stream
        .set_read_timeout(timeout)
        .and_then(|()| stream.set_write_timeout(timeout))
        .map_err(|e| Error::new(ErrorKind::LocalIo, format!("socket: {e}")))?;
    let len = u16::try_from(wire.len())
        .map_err(|_| Error::usage(format!("{subject}: query too long")))?;
    let mut framed = Vec::with_capacity(wire.len() + 2);
    framed.extend_from_slice(&len.to_be_bytes());
    framed.extend_from_slice(wire);
    stream.write_all(&framed).map_err(io_err)?;
    let mut len_buf = [0u8; 2];
    stream.read_exact(&mut len_buf).map_err(io_err)?;
    let mut reply = vec![0u8; usize::from(u16::from_be_bytes(len_buf))];
    stream.read_exact(&mut reply).map_err(io_err)?;
    match validate_reply(&reply, query) {
        Ok(msg) => Ok(msg),
        Err(Invalid::OtherId(got)) => Err(protocol(
            subject,
            &format!(
                "reply ID {got} does not match query ID {}",
                query.metadata.id
            ),
        )),
        Err(Invalid::TruncatedUnparsed) => Err(protocol(subject, "truncated reply over TCP")),
        Err(Invalid::Malformed(why)) => Err(protocol(subject, &why)),
    }
}

/// The JSON shape of one answer (SPEC §4; keys snake_case, elapsed in seconds).
#[derive(Debug, Clone, Serialize)]
pub struct Summary {
    pub server: String,
    pub name: String,
    #[serde(rename = "type")]
    pub qtype: &'static str,
    pub transport: Transport,
    pub tcp_fallback: bool,
    pub rcode: String,
    pub flags: Flags,
    pub answers: Vec<Rr>,
    pub authority: Vec<Rr>,
    pub elapsed: f64,
}

#[derive(Debug, Clone, Copy, Serialize)]
pub struct Flags {
    pub aa: bool,
    pub tc: bool,
    pub rd: bool,
    pub ra: bool,
}

/// The rcode as dig spells it (`NOERROR`, `NXDOMAIN`, …).
pub fn rcode_name(code: ResponseCode) -> String {
    match code {
        ResponseCode::NoError => "NOERROR".into(),
        ResponseCode::FormErr => "FORMERR".into(),
        ResponseCode::ServFail => "SERVFAIL".into(),
        ResponseCode::NXDomain => "NXDOMAIN".into(),
        ResponseCode::NotImp => "NOTIMP".into(),
        ResponseCode::Refused => "REFUSED".into(),
        other => format!("RCODE{}", u16::from(other)),
    }
}

impl Summary {
    pub fn new(reply: &Reply, name: &Name, qtype: QueryType) -> Summary {
        let m = &reply.message.metadata;
        Summary {
            server: reply.server.to_string(),
            name: name.to_ascii(),
            qtype: qtype.name(),
            transport: reply.transport,
            tcp_fallback: reply.tcp_fallback,
            rcode: rcode_name(m.response_code),
            flags: Flags {
                aa: m.authoritative,
                tc: m.truncation,
                rd: m.recursion_desired,
                ra: m.recursion_available,
            },
            answers: reply.message.answers.iter().map(Rr::from_record).collect(),
            authority: reply
                .message
                .authorities
                .iter()
                .map(Rr::from_record)
                .collect(),
            elapsed: reply.elapsed.as_secs_f64(),
        }
    }
}

/// The exit-relevant verdict on a reply:
/// NOERROR with answers → ok; NOERROR without (NODATA) and NXDOMAIN → `Resolve` (3), as
/// `host` does; REFUSED and NOTIMP → `Refused` (1, permanent); SERVFAIL → `Temporary` (11,
/// the server could not answer now); FORMERR and anything else → `Protocol` (8).
pub fn verdict(reply: &Reply, name: &Name, qtype: QueryType) -> Result<()> {
    let subject = format!("{} {} at {}", name.to_ascii(), qtype.name(), reply.server);
    let rcode = reply.message.metadata.response_code;
    let (kind, what) = match rcode {
        ResponseCode::NoError if !reply.message.answers.is_empty() => return Ok(()),
        ResponseCode::NoError => (
            ErrorKind::Resolve,
            format!(
                "the name exists but has no {} record (NODATA)",
                qtype.name()
            ),
        ),
        ResponseCode::NXDomain => (
            ErrorKind::Resolve,
            "no such name (NXDOMAIN); check the spelling".into(),
        ),
        ResponseCode::Refused => (
            ErrorKind::Refused,
            "the server refused to answer (REFUSED); ask a server that serves or recurses for \
             this name"
                .into(),
        ),
        ResponseCode::NotImp => (
            ErrorKind::Refused,
            "the server does not implement this query (NOTIMP)".into(),
        ),
        ResponseCode::ServFail => (
            ErrorKind::Temporary,
            "the server failed to answer (SERVFAIL); retry later or ask another server".into(),
        ),
        other => (
            ErrorKind::Protocol,
            format!(
                "the server answered {} (our query was not understood)",
                rcode_name(other)
            ),
        ),
    };
    Err(Error::new(kind, format!("{subject}: {what}")))
}

#[cfg(test)]
#[path = "dns_tests.rs"]
mod tests;
