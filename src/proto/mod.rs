//! Protocol library: sans-IO encoders and decoders plus the blocking client exchanges built on
//! `crate::net`. Typed errors, no printing, no clap/anyhow.

pub mod time;
