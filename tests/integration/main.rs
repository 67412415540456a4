//! netkit's one integration-test binary: CLI behaviour, Python parity, and interop against
//! real servers that the harness in `util/` starts on loopback.

mod cli;
mod fetch;
mod ftp;
mod gopher;
mod hardening;
mod hostinfo;
mod imap;
mod mailpeers;
mod nntp;
mod pop;
mod probe;
mod smtp;
mod telnet;
mod time;
mod tls;
mod urlparse;
mod urlquote;
mod util;
