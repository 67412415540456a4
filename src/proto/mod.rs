//! The protocol library: typed errors, no printing, no clap/anyhow. `pingpong` is the line
//! layer the command/reply protocols share; `time` holds the daytime/time/SNTP codecs and the
//! timeclient exchange; `gopher` the RFC 1436 menu, text and request codecs.

pub mod ftp;
pub mod gopher;
pub mod imap;
pub mod nntp;
pub mod pingpong;
pub mod pop;
pub mod smtp;
pub mod telnet;
pub mod time;
