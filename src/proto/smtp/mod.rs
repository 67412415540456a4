//! SMTP submission for `netkit smtp-send` (RFC 5321 and its extensions): `ehlo` parses the
//! server's extensions, `message` prepares a raw message for DATA, `compose` builds MIME
//! from flags (`composed` streams its file parts), `client` runs the session over the shared pingpong layer.

pub mod client;
pub mod compose;
pub mod composed;
pub mod ehlo;
pub mod message;

pub use client::{Envelope, Message, Options, Peer, RecipientResult, Report, probe, send};
pub use message::Outgoing;
