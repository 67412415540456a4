//! Transport: bytes only. The scheme table, the one connect path, TLS (rustls) and the
//! stream type that lets STARTTLS upgrade a connection in place.

pub mod connect;
pub mod datagram;
pub mod scheme;
pub mod stream;
pub mod tls;
pub mod wait;

pub use connect::{ConnectOptions, Connected, Deadline, Family, connect, resolve};
pub use datagram::{Datagram, connect_udp};
