//! Transport: bytes only. The scheme table, the one connect path, TLS (rustls) and the
//! stream type that lets STARTTLS upgrade a connection in place.

pub mod connect;
/// The scheme table lives in `url` (one table for parsing and connecting); `net` reads it.
pub use crate::url::scheme;
pub mod datagram;
pub mod interrupt;
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
pub use crate::error::io_words;
pub use datagram::{Datagram, connect_udp};

/// SPEC §5's one rule for a peer that goes away: a connection closed or reset before the
/// peer's first byte never began the exchange, so it is a connect error (exit 4, like a
/// refused connection); once a byte has arrived it is a protocol error (exit 8). Every
/// protocol passes its "dropped" errors through here.
pub fn dropped_error(received: u64, message: impl Into<String>) -> Error {
    let kind = if received == 0 {
        crate::ErrorKind::Connect
    } else {
        crate::ErrorKind::Protocol
    };
    Error::new(kind, message)
}
