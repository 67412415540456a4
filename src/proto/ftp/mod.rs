//! FTP and FTPS (RFC 959, 2428, 3659, 4217) on the shared line layer: `client` runs a
//! session, `list` parses listings and times, `pasv` the data-connection addresses. The
//! parsers are sans-IO and tested on text.

pub mod client;
pub mod list;
pub mod mirror;
pub mod pasv;
pub mod pipeline;

pub use client::{Features, Options, Peer, Session, probe};
pub use list::{Entry, Kind};
