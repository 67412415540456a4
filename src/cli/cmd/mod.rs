//! One file per command: its clap `Args` and `run(args) -> Result<Outcome>`. Front ends parse
//! and print; the protocol work lives in the library modules they call.

pub mod fetch;
pub mod ftp;
pub mod gopher;
pub mod hostinfo;
pub mod imap;
pub mod nntp;
pub mod pop;
pub mod smtp_send;
pub mod telnet;
pub mod timeclient;
pub mod timeserver;
pub mod urlparse;
pub mod urlquote;
