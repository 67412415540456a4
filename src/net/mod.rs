//! Transport: bytes only. Today the scheme table; the connect path, streams and TLS arrive
//! with the network-layer issue and slot in beside it.

pub mod scheme;
