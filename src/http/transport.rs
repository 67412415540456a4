//! How ureq reaches the network for netkit: names resolve through `net::resolve` (bounded by
//! `--connect-timeout`, `-4`/`-6`, addresses interleaved per RFC 8305, netkit's wording when a
//! name does not resolve), and markers in the connector chain time each phase for `--json`'s
//! `timings` (ureq keeps its own timings private).

use std::net::SocketAddr;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use ureq::http::Uri;
use ureq::unversioned::resolver::{ResolvedSocketAddrs, Resolver};
use ureq::unversioned::transport::{
    ConnectProxyConnector, ConnectionDetails, Connector, NextTimeout, RustlsConnector,
    TcpConnector, Transport,
};

use crate::net::{self, Family};

/// When each phase of the latest connection ended, from the request's start.
#[derive(Debug, Default, Clone, Copy)]
pub struct Phases {
    pub dns: Option<Duration>,
    pub connect: Option<Duration>,
    pub tls: Option<Duration>,
}

/// Shared between the agent's hooks and the download that reads them.
#[derive(Debug, Clone)]
pub struct PhaseClock {
    inner: Arc<Mutex<(Instant, Phases)>>,
}

impl PhaseClock {
    pub fn new() -> PhaseClock {
        PhaseClock {
            inner: Arc::new(Mutex::new((Instant::now(), Phases::default()))),
        }
    }

    /// A new request starts: phases count from now (a pooled connection records none).
    pub fn restart(&self) {
        *self.lock() = (Instant::now(), Phases::default());
    }

    pub fn phases(&self) -> Phases {
        self.lock().1
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, (Instant, Phases)> {
        self.inner.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn mark(&self, set: impl FnOnce(&mut Phases, Duration)) {
        let mut guard = self.lock();
        let elapsed = guard.0.elapsed();
        set(&mut guard.1, elapsed);
    }
}

impl Default for PhaseClock {
    fn default() -> Self {
        PhaseClock::new()
    }
}

/// ureq's resolver hook, answered by `net::resolve`.
#[derive(Debug)]
pub struct NetResolver {
    pub family: Family,
    pub connect_timeout: Duration,
    pub clock: PhaseClock,
}

impl Resolver for NetResolver {
    fn resolve(
        &self,
        uri: &Uri,
        _config: &ureq::config::Config,
        timeout: NextTimeout,
    ) -> Result<ResolvedSocketAddrs, ureq::Error> {
        let host = uri.host().ok_or(ureq::Error::HostNotFound)?;
        let host = host.trim_start_matches('[').trim_end_matches(']');
        let port = uri
            .port_u16()
            .unwrap_or(if uri.scheme_str() == Some("https") {
                443
            } else {
                80
            });
        let wait = timeout
            .not_zero()
            .map_or(self.connect_timeout, |t| (*t).min(self.connect_timeout));
        let found = net::resolve(host, port, self.family, wait).map_err(wrap)?;
        self.clock.mark(|p, d| p.dns = Some(d));
        let mut addrs = self.empty();
        for addr in net::connect::interleave(&found).into_iter().take(16) {
            addrs.push(addr);
        }
        Ok(addrs)
    }
}

/// A netkit error carried through ureq, to be unwrapped by `download::from_ureq`.
pub fn wrap(err: crate::Error) -> ureq::Error {
    ureq::Error::Other(Box::new(err))
}

/// Records the end of a phase as the connection passes through the chain.
#[derive(Debug)]
struct Mark {
    clock: PhaseClock,
    tls: bool,
}

impl<In: Transport> Connector<In> for Mark {
    type Out = In;

    fn connect(
        &self,
        details: &ConnectionDetails,
        chained: Option<In>,
    ) -> Result<Option<In>, ureq::Error> {
        if chained.is_some() {
            if !self.tls {
                self.clock.mark(|p, d| p.connect = Some(d));
            } else if details.needs_tls() {
                self.clock.mark(|p, d| p.tls = Some(d));
            }
        }
        Ok(chained)
    }
}

/// An agent whose connections go through netkit's resolver and phase markers, with ureq's
/// CONNECT-proxy, TCP and rustls connectors in between.
pub fn agent(config: ureq::config::Config, resolver: NetResolver) -> ureq::Agent {
    let clock = resolver.clock.clone();
    let connector = ()
        .chain(ConnectProxyConnector::default())
        .chain(TcpConnector::default())
        .chain(Mark {
            clock: clock.clone(),
            tls: false,
        })
        .chain(RustlsConnector::default())
        .chain(Mark { clock, tls: true });
    ureq::Agent::with_parts(config, connector, resolver)
}

/// The address a transport error names, when ureq gives none.
pub fn describe_addr(addr: Option<SocketAddr>) -> String {
    addr.map_or_else(String::new, |a| format!(" ({a})"))
}
