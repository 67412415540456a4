//! Credentials: the `Secret` type that never prints, the password sources of SPEC §3 in
//! their order, netrc with curl's semantics, and the SASL client mechanisms.

pub mod credentials;
pub mod netrc;
pub mod redact;
pub mod sasl;
pub mod secret;

pub use credentials::{Credentials, NetrcChoice, Request, Source};
pub use secret::Secret;
