//! Credentials: the `Secret` type that never prints. Password sources, netrc and SASL arrive
//! with the network-layer issue.

pub mod secret;

pub use secret::Secret;
