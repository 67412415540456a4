//! Transport: bytes only. The scheme table, the one connect path, TLS (rustls) and the
//! stream type that lets STARTTLS upgrade a connection in place.

pub mod connect;
pub mod datagram;
pub mod scheme;
pub mod stream;
pub mod target;
pub mod tls;
pub mod wait;
pub mod watchdog;

pub use connect::{ConnectOptions, Connected, Deadline, Family, connect, resolve};
pub use stream::{Stream, TlsInfo};
pub use target::Target;
pub use tls::{TlsContext, TlsPolicy, TlsSettings};
pub use watchdog::Watchdog;

use std::time::Duration;

use crate::Error;

/// Connects to `target` through the one connect path, sets the idle timeout, and runs the
/// TLS handshake at once for implicit-TLS schemes (`smtps`, `imaps`…), all inside the
/// connect budget.
pub fn open(
    target: &Target,
    opts: &ConnectOptions,
    idle: Duration,
    tls: &TlsContext,
) -> Result<(Stream, std::net::SocketAddr), Error> {
    let connected = connect(&target.host, target.port, opts)?;
    let stream = Stream::Plain(connected.stream);
    let io = |e: std::io::Error| Error::new(crate::ErrorKind::LocalIo, e.to_string());
    stream.set_idle_timeout(idle).map_err(io)?;
    let stream = if target.scheme.tls == scheme::TlsStyle::Implicit {
        stream.upgrade(
            &target.host,
            tls.config()?,
            connected.handshake_deadline,
            idle,
        )?
    } else {
        stream
    };
    Ok((stream, connected.peer))
}
pub use datagram::{Datagram, connect_udp};
