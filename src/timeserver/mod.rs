//! `timeserver`'s machinery: RFC 867 daytime and RFC 868 time over TCP and UDP, and an
//! RFC 4330 SNTP server over UDP, on every listener at once.
//!
//! * One thread per listening socket, no thread per client: a TCP client gets its reply in
//!   one non-blocking `send` straight after `accept` and is closed, so a client that never
//!   reads, or a flood of them, costs the server nothing beyond the kernel's backlog, and
//!   memory stays flat (SPEC §7). A reply that does not fit the socket buffer at once
//!   (impossible for 40 bytes unless the peer is gone) counts as an error.
//! * UDP answers one datagram per datagram with the loop guards of `guard`.
//! * Events (each client, errors, the summary) go to a `Sink` the front end provides; this
//!   module never prints.
//! * `--inetd` (`inetd` module) serves one exchange on stdin/stdout instead.

mod guard;
pub mod inetd;
pub mod listen;
mod serve;
pub mod stop;

use std::io;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};

use crate::error::Result;
use crate::net::Family;
use crate::proto::time::ntp::{ServerState, Timestamp};
use crate::proto::time::{Protocol, Transport, UnixTime, clock, daytime};
use crate::{Error, ErrorKind};
pub use listen::Listener;

pub const DEFAULT_PORT: u16 = 8888;
/// RFC 4330 §5 suggests a stratum a client will not prefer over a real source.
pub const DEFAULT_STRATUM: u8 = 10;

/// What to serve and where.
#[derive(Debug, Clone)]
pub struct Config {
    /// `-l`: addresses to bind; empty = every address of both families.
    pub listen: Vec<std::net::IpAddr>,
    pub port: u16,
    pub family: Family,
    pub protocol: Protocol,
    pub transports: Vec<Transport>,
    pub format: daytime::Format,
    /// `--stratum`: declares the local clock a source of this stratum (leap 0).
    pub stratum: Option<u8>,
    pub max_conns: usize,
    pub once: bool,
}

/// Something worth logging.
#[derive(Debug, Clone)]
pub enum Event {
    /// A client was served. `peer` is `None` in `--inetd` mode without a socket.
    Connection {
        time: UnixTime,
        transport: Transport,
        peer: Option<SocketAddr>,
    },
    Error {
        peer: Option<SocketAddr>,
        message: String,
    },
    Warning(String),
}

/// Where events go; called from every serving thread.
pub trait Sink: Send + Sync {
    fn event(&self, event: Event);
}

/// Counters for the summary line.
#[derive(Debug, Default)]
pub struct Stats {
    pub clients: AtomicU64,
    pub errors: AtomicU64,
    /// Datagrams refused by the loop guards; not errors.
    pub dropped: AtomicU64,
    open: AtomicUsize,
}

/// A snapshot of `Stats`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Summary {
    pub clients: u64,
    pub errors: u64,
    pub dropped: u64,
    /// The signal that stopped the server, if one did.
    pub signal: Option<i32>,
}

/// The reply builder shared by the listeners.
#[derive(Debug, Clone, Copy)]
pub struct Replies {
    pub protocol: Protocol,
    pub format: daytime::Format,
    pub ntp: ServerState,
}

impl Replies {
    pub fn new(config: &Config, sink: &dyn Sink) -> Replies {
        let leap = match config.stratum {
            Some(_) => 0,
            None if clock::kernel_unsynchronised() => {
                if config.protocol == Protocol::Ntp {
                    sink.event(Event::Warning(
                        "the system clock is not synchronised: NTP replies carry leap 3 \
                         (give --stratum N to serve it as a source anyway)"
                            .into(),
                    ));
                }
                3
            }
            None => 0,
        };
        Replies {
            protocol: config.protocol,
            format: config.format,
            ntp: ServerState {
                stratum: config.stratum.unwrap_or(DEFAULT_STRATUM),
                leap,
                precision: precision(),
                reference_id: *b"LOCL",
                reference: Timestamp::now(),
            },
        }
    }
}

/// The clock's precision as RFC 4330 §4 defines it: log2 of the time to read it, measured.
fn precision() -> i8 {
    let start = std::time::Instant::now();
    for _ in 0..64 {
        std::hint::black_box(UnixTime::now());
    }
    let per_read = start.elapsed().as_secs_f64() / 64.0;
    ceil_log2(per_read.max(1e-9)).clamp(-30, 0) as i8
}

/// ⌈log2 x⌉ for a positive normal `x`, from its exponent and mantissa bits: exact, and
/// without libm (`f64::log2` made netkit load libm.so at every start for this one call).
fn ceil_log2(x: f64) -> i32 {
    let bits = x.to_bits();
    let exponent = ((bits >> 52) & 0x7ff) as i32 - 1023;
    let fraction = bits & ((1 << 52) - 1);
    if fraction == 0 {
        exponent
    } else {
        exponent + 1
    }
}

/// Bound sockets, ready to serve.
#[derive(Debug)]
pub struct Server {
    listeners: Vec<Listener>,
    config: Config,
}

impl Server {
    /// Binds what `config` asks for, or takes the socket-activated ones when `inherited`.
    pub fn bind(
        config: Config,
        inherited: Option<Vec<Listener>>,
        sink: &dyn Sink,
    ) -> Result<Server> {
        let listeners = match inherited {
            Some(l) => l,
            None => {
                let addrs = listen::addresses(&config.listen, config.family);
                let mut skipped = Vec::new();
                let l = listen::bind_all(&addrs, &config.transports, config.port, &mut skipped)
                    .map_err(|e| bind_error(&config, &e))?;
                for (addr, e) in skipped {
                    sink.event(Event::Warning(format!(
                        "not listening on {addr}: {}",
                        crate::error::io_words(&e)
                    )));
                }
                l
            }
        };
        if config.protocol == Protocol::Ntp
            && listeners.iter().all(|l| l.transport() == Transport::Tcp)
        {
            return Err(Error::usage(
                "NTP is served over UDP only; no UDP socket to serve on",
            ));
        }
        Ok(Server { listeners, config })
    }

    /// The port every listener shares (the first one's when they differ).
    pub fn port(&self) -> Option<u16> {
        self.listeners
            .first()
            .and_then(|l| l.local_addr().ok())
            .map(|a| a.port())
    }

    pub fn local_addrs(&self) -> Vec<(Transport, SocketAddr)> {
        self.listeners
            .iter()
            .filter_map(|l| l.local_addr().ok().map(|a| (l.transport(), a)))
            .collect()
    }

    /// Serves until SIGINT/SIGTERM (or one client with `--once`); exchanges in flight finish.
    pub fn run(self, sink: Arc<dyn Sink>) -> Result<Summary> {
        stop::install().map_err(|e| {
            Error::new(
                ErrorKind::LocalIo,
                format!(
                    "cannot install signal handlers: {}",
                    crate::error::io_words(&e)
                ),
            )
        })?;
        let replies = Replies::new(&self.config, sink.as_ref());
        let stats = Arc::new(Stats::default());
        let ctx = Arc::new(serve::Context {
            replies,
            stats: Arc::clone(&stats),
            sink,
            once: self.config.once,
            max_conns: self.config.max_conns.max(1),
            claimed: std::sync::atomic::AtomicBool::new(false),
        });
        // The listeners live here until every thread has returned and `stop` has forgotten
        // them, so a late signal never shuts down a descriptor that was closed and reused.
        let listeners: Vec<Arc<Listener>> = self.listeners.into_iter().map(Arc::new).collect();
        for l in &listeners {
            stop::register(l.as_raw_fd());
        }
        let mut threads = Vec::new();
        for listener in &listeners {
            let ctx = Arc::clone(&ctx);
            let listener = Arc::clone(listener);
            let handle = std::thread::Builder::new()
                .name("serve".into())
                .spawn(move || serve::listener(&listener, &ctx))
                .map_err(|e| {
                    Error::new(
                        ErrorKind::LocalIo,
                        format!("cannot start a thread: {}", crate::error::io_words(&e)),
                    )
                })?;
            threads.push(handle);
        }
        for t in threads {
            // A serving thread that panicked is a bug; the others still finish.
            if t.join().is_err() {
                stats.errors.fetch_add(1, Ordering::Relaxed);
            }
        }
        stop::unregister_all();
        drop(listeners);
        Ok(Summary {
            clients: stats.clients.load(Ordering::Relaxed),
            errors: stats.errors.load(Ordering::Relaxed),
            dropped: stats.dropped.load(Ordering::Relaxed),
            signal: stop::signal(),
        })
    }
}

fn bind_error(config: &Config, e: &io::Error) -> Error {
    let hint = match e.kind() {
        io::ErrorKind::AddrInUse => "; another server holds it: pick another -p (or -p 0)",
        io::ErrorKind::PermissionDenied => "; ports below 1024 need root (or CAP_NET_BIND_SERVICE)",
        io::ErrorKind::AddrNotAvailable => "; that address is not on this host (-l)",
        _ => "",
    };
    Error::new(
        ErrorKind::LocalIo,
        format!(
            "cannot listen on port {}: {}{hint}",
            config.port,
            crate::error::io_words(e)
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::ceil_log2;

    #[test]
    fn ceil_log2_is_libm_log2_ceiled_over_the_clock_read_range() {
        for k in -31..=1 {
            let power = 2f64.powi(k);
            for x in [power, power * 1.000001, power * 1.5, power * 1.999999] {
                assert_eq!(ceil_log2(x), x.log2().ceil() as i32, "{x:e}");
            }
        }
        assert_eq!(ceil_log2(1e-9), -29);
        assert_eq!(ceil_log2(1.0), 0);
    }
}
