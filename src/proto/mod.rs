//! The protocol library: typed errors, no printing, no clap/anyhow. `pingpong` is the line
//! layer the command/reply protocols share.

pub mod pingpong;
pub mod smtp;
