//! netkit: the classic Internet protocols as one multi-call binary.
//!
//! The library is split as STYLE.md describes: `cli` is the only front end (clap, anyhow,
//! stdout); `net`, `url` and `hostinfo` are typed, printing-free libraries under it.

pub mod auth;
pub mod cli;
pub mod error;
pub mod hostinfo;
pub mod http;
pub mod local;
pub mod mail;
pub mod media;
pub mod net;
pub mod probe;
pub mod progress;
pub mod proto;
pub mod save;
pub mod timeserver;
pub mod url;

pub use error::{Error, ErrorKind};
