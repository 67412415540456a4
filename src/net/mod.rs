//! Transport: bytes only. The scheme table and the one connect path; streams and TLS slot in
//! beside them.

pub mod connect;
pub mod datagram;
pub mod scheme;

pub use connect::{ConnectOptions, Connected, Deadline, Family, connect, resolve};
pub use datagram::{Datagram, connect_udp};
