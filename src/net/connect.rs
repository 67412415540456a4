//! The one connect path: resolve every address, then race them as RFC 8305 ("Happy Eyeballs
//! v2") suggests — families interleaved, a later attempt started when an earlier one has not
//! answered within 250 ms, the first to connect wins. Every wait is bounded: resolution and
//! connection share the connect timeout, and the command's `--max-time` caps both.

use std::io;
use std::net::{IpAddr, SocketAddr, TcpStream, ToSocketAddrs};
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

use socket2::{Domain, Protocol, SockAddr, Socket, Type};

use super::wait::{Wait, run_bounded, seconds};
use crate::error::Result;
use crate::{Error, ErrorKind};

/// RFC 8305 §5's recommended "Connection Attempt Delay".
pub const ATTEMPT_DELAY: Duration = Duration::from_millis(250);

/// Which addresses a command may use (`-4`, `-6`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Family {
    #[default]
    Any,
    V4,
    V6,
}

impl Family {
    fn allows(self, addr: &SocketAddr) -> bool {
        match self {
            Family::Any => true,
            Family::V4 => addr.is_ipv4(),
            Family::V6 => addr.is_ipv6(),
        }
    }
}

/// A point in time no wait may pass: the sooner of a step's own timeout and `--max-time`.
#[derive(Debug, Clone, Copy)]
pub struct Deadline {
    at: Option<Instant>,
}

impl Deadline {
    /// No hard deadline (no `--max-time`).
    pub fn none() -> Self {
        Deadline { at: None }
    }

    pub fn after(limit: Option<Duration>) -> Self {
        Deadline {
            at: limit.and_then(|d| Instant::now().checked_add(d)),
        }
    }

    /// `timeout`, shortened to what is left before the deadline; `None` when it has passed.
    pub fn cap(&self, timeout: Duration) -> Option<Duration> {
        match self.at {
            None => Some(timeout),
            Some(at) => {
                let left = at.checked_duration_since(Instant::now())?;
                (!left.is_zero()).then(|| left.min(timeout))
            }
        }
    }

    /// The deadline itself, when there is one.
    pub fn instant(&self) -> Option<Instant> {
        self.at
    }

    /// True when the hard deadline (not a step's timeout) is what limits a wait.
    pub fn is_binding(&self, timeout: Duration) -> bool {
        self.at
            .is_some_and(|at| at.saturating_duration_since(Instant::now()) < timeout)
    }
}

/// How to connect: the knobs of SPEC §3 that the transport needs.
#[derive(Debug, Clone, Copy)]
pub struct ConnectOptions {
    pub family: Family,
    /// Resolve + connect (+ TLS handshake, which the caller does inside the same budget).
    pub connect_timeout: Duration,
    pub deadline: Deadline,
}

impl Default for ConnectOptions {
    fn default() -> Self {
        ConnectOptions {
            family: Family::Any,
            connect_timeout: Duration::from_secs(10),
            deadline: Deadline::none(),
        }
    }
}

/// A connected stream and the address that answered.
#[derive(Debug)]
pub struct Connected {
    pub stream: TcpStream,
    pub peer: SocketAddr,
    /// When the budget for resolve + connect + handshake runs out.
    pub handshake_deadline: Instant,
}

/// Resolves `host` (a name or an IP literal, without brackets) through the system resolver,
/// within `timeout`. getaddrinfo cannot be cancelled, so it runs on a helper thread that is
/// abandoned when the time is up.
pub fn resolve(
    host: &str,
    port: u16,
    family: Family,
    timeout: Duration,
) -> Result<Vec<SocketAddr>> {
    if let Ok(ip) = host.parse::<IpAddr>() {
        let addr = SocketAddr::new(ip, port);
        return if family.allows(&addr) {
            Ok(vec![addr])
        } else {
            Err(Error::new(
                ErrorKind::Resolve,
                format!("{host}: address does not match -4/-6"),
            ))
        };
    }
    let name = host.to_owned();
    let wait = Wait {
        duration: timeout,
        flag: "--connect-timeout",
    };
    let found = run_bounded(host, wait, "the name lookup", move || {
        (name.as_str(), port)
            .to_socket_addrs()
            .map(Vec::from_iter)
            .map_err(|e| {
                // std wraps glibc's gai_strerror text in its own prefix; the words are the
                // same ones hostinfo prints for the same status.
                let text = e.to_string();
                let why = text
                    .strip_prefix("failed to lookup address information: ")
                    .unwrap_or(&text);
                does_not_resolve(&name, why)
            })
    })?;
    let mut addrs: Vec<SocketAddr> = Vec::with_capacity(found.len());
    for addr in found.into_iter().filter(|a| family.allows(a)) {
        if !addrs.contains(&addr) {
            addrs.push(addr);
        }
    }
    if addrs.is_empty() {
        let which = match family {
            Family::V4 => "IPv4 ",
            Family::V6 => "IPv6 ",
            Family::Any => "",
        };
        return Err(Error::new(
            ErrorKind::Resolve,
            format!("{host}: has no {which}address"),
        ));
    }
    Ok(addrs)
}

/// RFC 8305 §4: alternate the families, starting with the family of the first answer.
/// The one wording of a failed lookup, for every command (hostinfo included).
pub fn does_not_resolve(subject: &str, why: &str) -> Error {
    Error::new(
        ErrorKind::Resolve,
        format!("{subject}: does not resolve ({why}); check the spelling"),
    )
}

pub fn interleave(addrs: &[SocketAddr]) -> Vec<SocketAddr> {
    let Some(first) = addrs.first() else {
        return Vec::new();
    };
    let (mut same, mut other): (Vec<_>, Vec<_>) =
        addrs.iter().partition(|a| a.is_ipv6() == first.is_ipv6());
    same.reverse();
    other.reverse();
    let mut out = Vec::with_capacity(addrs.len());
    while let Some(a) = same.pop() {
        out.push(a);
        if let Some(b) = other.pop() {
            out.push(b);
        }
    }
    out.extend(other.into_iter().rev());
    out
}

/// Resolves and connects to `host:port`. `host` is what the user wrote (IPv6 without brackets).
pub fn connect(host: &str, port: u16, opts: &ConnectOptions) -> Result<Connected> {
    let started = Instant::now();
    let budget = opts
        .deadline
        .cap(opts.connect_timeout)
        .ok_or_else(max_time_passed)?;
    let handshake_deadline = started + budget;
    let addrs = resolve(host, port, opts.family, budget)?;
    let left = handshake_deadline.saturating_duration_since(Instant::now());
    race(host, &interleave(&addrs), left, opts, handshake_deadline)
}

/// Connects to addresses [`resolve`] already found (ureq asks its resolver hook first, then
/// its connector), with the same happy-eyeballs race and wording as [`connect`].
pub fn connect_resolved(
    host: &str,
    addrs: &[SocketAddr],
    opts: &ConnectOptions,
) -> Result<Connected> {
    let budget = opts
        .deadline
        .cap(opts.connect_timeout)
        .ok_or_else(max_time_passed)?;
    let handshake_deadline = Instant::now() + budget;
    race(host, &interleave(addrs), budget, opts, handshake_deadline)
}

fn race(
    host: &str,
    addrs: &[SocketAddr],
    budget: Duration,
    opts: &ConnectOptions,
    handshake_deadline: Instant,
) -> Result<Connected> {
    let until = Instant::now() + budget;
    // One address: nothing to race, so no thread (an FTP mirror connects once per file).
    if let [addr] = addrs {
        return match attempt(*addr, until) {
            Ok(stream) => Ok(Connected {
                stream,
                peer: *addr,
                handshake_deadline,
            }),
            Err(e) if e.kind() == io::ErrorKind::TimedOut => {
                Err(timed_out(host, addrs, budget, opts))
            }
            Err(e) => Err(connect_error(host, *addr, 1, &e)),
        };
    }
    let (tx, rx) = mpsc::channel::<AttemptResult>();
    let mut next = 0;
    let mut running = 0;
    let mut last_error: Option<(SocketAddr, io::Error)> = None;
    loop {
        // Nothing in flight: start the next address at once.
        if running == 0 {
            let Some(addr) = addrs.get(next).copied() else {
                break;
            };
            next += 1;
            match spawn_attempt(addr, until, tx.clone()) {
                Ok(()) => running += 1,
                Err(e) => {
                    last_error = Some((addr, e));
                    continue;
                }
            }
        }
        let now = Instant::now();
        let Some(left) = until.checked_duration_since(now).filter(|d| !d.is_zero()) else {
            return Err(timed_out(host, addrs, budget, opts));
        };
        let wait = if next < addrs.len() {
            left.min(ATTEMPT_DELAY)
        } else {
            left
        };
        match rx.recv_timeout(wait) {
            Ok((peer, Ok(stream))) => {
                return Ok(Connected {
                    stream,
                    peer,
                    handshake_deadline,
                });
            }
            Ok((peer, Err(e))) => {
                running -= 1;
                last_error = Some((peer, e));
            }
            Err(mpsc::RecvTimeoutError::Timeout) => {
                // The delay passed with no answer: race the next address too (RFC 8305 §5).
                if let Some(addr) = addrs.get(next).copied() {
                    next += 1;
                    match spawn_attempt(addr, until, tx.clone()) {
                        Ok(()) => running += 1,
                        Err(e) => last_error = Some((addr, e)),
                    }
                }
            }
            Err(mpsc::RecvTimeoutError::Disconnected) => break,
        }
        if running == 0 && next >= addrs.len() {
            break;
        }
    }
    Err(match last_error {
        Some((peer, e)) => connect_error(host, peer, addrs.len(), &e),
        None => timed_out(host, addrs, budget, opts),
    })
}

type AttemptResult = (SocketAddr, io::Result<TcpStream>);

/// One connection attempt on its own thread, so that attempts overlap as RFC 8305 wants.
fn spawn_attempt(
    addr: SocketAddr,
    until: Instant,
    tx: mpsc::Sender<AttemptResult>,
) -> io::Result<()> {
    thread::Builder::new()
        .name("connect".into())
        .spawn(move || {
            let result = attempt(addr, until);
            // The race may be over; a late winner is simply dropped (and closed).
            let _ = tx.send((addr, result));
        })
        .map(|_| ())
}

fn attempt(addr: SocketAddr, until: Instant) -> io::Result<TcpStream> {
    let timeout = until
        .checked_duration_since(Instant::now())
        .filter(|d| !d.is_zero())
        .ok_or_else(|| io::Error::from(io::ErrorKind::TimedOut))?;
    let socket = Socket::new(Domain::for_address(addr), Type::STREAM, Some(Protocol::TCP))?;
    socket.connect_timeout(&SockAddr::from(addr), timeout)?;
    // Line protocols send small commands and wait for the reply: no Nagle delay.
    socket.set_tcp_nodelay(true)?;
    Ok(socket.into())
}

fn connect_error(host: &str, peer: SocketAddr, tried: usize, e: &io::Error) -> Error {
    let also = if tried > 1 {
        format!(
            " (and {} other address{})",
            tried - 1,
            if tried > 2 { "es" } else { "" }
        )
    } else {
        String::new()
    };
    let (kind, hint) = match e.kind() {
        io::ErrorKind::ConnectionRefused => {
            (ErrorKind::Connect, "is the server running on that port?")
        }
        io::ErrorKind::TimedOut => (ErrorKind::Timeout, "raise --connect-timeout"),
        _ => (ErrorKind::Connect, "check the host, port and network"),
    };
    let reason = match e.kind() {
        io::ErrorKind::ConnectionRefused => "connection refused".to_owned(),
        io::ErrorKind::TimedOut => "connection timed out".to_owned(),
        _ => crate::error::io_words(e),
    };
    Error::new(kind, format!("{host}: {reason} at {peer}{also}; {hint}"))
}

fn timed_out(host: &str, addrs: &[SocketAddr], budget: Duration, opts: &ConnectOptions) -> Error {
    let hint = if opts.deadline.is_binding(opts.connect_timeout) {
        "raise --max-time"
    } else {
        "raise --connect-timeout"
    };
    let first = addrs
        .first()
        .map(|a| format!(" at {a}"))
        .unwrap_or_default();
    Error::new(
        ErrorKind::Timeout,
        format!(
            "{host}: connect timed out after {}{first} ({hint})",
            seconds(budget)
        ),
    )
}

fn max_time_passed() -> Error {
    Error::new(ErrorKind::Timeout, "--max-time reached before connecting")
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::TcpListener;

    fn a(s: &str) -> SocketAddr {
        s.parse().unwrap()
    }

    #[test]
    fn families_alternate_starting_with_the_first() {
        let got = interleave(&[
            a("[::1]:1"),
            a("[::2]:1"),
            a("[::3]:1"),
            a("1.1.1.1:1"),
            a("2.2.2.2:1"),
        ]);
        let want = [
            a("[::1]:1"),
            a("1.1.1.1:1"),
            a("[::2]:1"),
            a("2.2.2.2:1"),
            a("[::3]:1"),
        ];
        assert_eq!(got, want);
        let got = interleave(&[a("1.1.1.1:1"), a("[::1]:1"), a("[::2]:1"), a("[::3]:1")]);
        assert_eq!(
            got,
            [a("1.1.1.1:1"), a("[::1]:1"), a("[::2]:1"), a("[::3]:1")]
        );
    }

    #[test]
    fn literal_addresses_skip_the_resolver_and_honour_the_family() {
        assert_eq!(
            resolve("::1", 7, Family::Any, Duration::from_secs(1)).unwrap(),
            [a("[::1]:7")]
        );
        let err = resolve("127.0.0.1", 7, Family::V6, Duration::from_secs(1)).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Resolve);
    }

    #[test]
    fn connects_to_a_listening_port() {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let got = connect("127.0.0.1", port, &ConnectOptions::default()).unwrap();
        assert_eq!(got.peer, a(&format!("127.0.0.1:{port}")));
    }

    #[test]
    fn refused_port_is_a_connect_error_naming_the_address() {
        let port = {
            let l = TcpListener::bind("127.0.0.1:0").unwrap();
            l.local_addr().unwrap().port()
        };
        let err = connect("127.0.0.1", port, &ConnectOptions::default()).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Connect);
        assert!(
            err.message().contains(&format!("127.0.0.1:{port}")),
            "{}",
            err.message()
        );
    }

    #[test]
    fn later_address_wins_when_the_first_is_refused() {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let dead = {
            let l = TcpListener::bind("127.0.0.1:0").unwrap();
            l.local_addr().unwrap()
        };
        let live = a(&format!("127.0.0.1:{port}"));
        let opts = ConnectOptions::default();
        let got = race(
            "h",
            &[dead, live],
            Duration::from_secs(5),
            &opts,
            Instant::now(),
        )
        .unwrap();
        assert_eq!(got.peer, live);
    }

    #[test]
    fn blackholed_address_gives_up_instead_of_hanging() {
        // 192.0.2.0/24 is TEST-NET-1: never routed, so the SYN goes unanswered (or the
        // network says unreachable at once). Either way the call returns with an error.
        let opts = ConnectOptions {
            connect_timeout: Duration::from_millis(300),
            ..ConnectOptions::default()
        };
        let err = connect("192.0.2.1", 9, &opts).unwrap_err();
        assert!(
            matches!(err.kind(), ErrorKind::Timeout | ErrorKind::Connect),
            "{err}"
        );
    }

    #[test]
    fn max_time_caps_the_connect_timeout() {
        let deadline = Deadline::after(Some(Duration::from_millis(100)));
        assert!(deadline.cap(Duration::from_secs(10)).unwrap() <= Duration::from_millis(100));
        assert!(deadline.is_binding(Duration::from_secs(10)));
        assert_eq!(
            Deadline::none().cap(Duration::from_secs(3)),
            Some(Duration::from_secs(3))
        );
    }
}
