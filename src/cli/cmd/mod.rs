//! One file per command: its clap `Args` and `run(args) -> Result<Outcome>`. Front ends parse
//! and print; the protocol work lives in the library modules they call.

pub mod fetch;
pub mod ftp;
pub mod gopher;
pub mod hostinfo;
pub mod imap;
pub mod pop;
pub mod smtp_send;
pub mod telnet;
pub mod timeclient;
pub mod timeserver;
pub mod urlparse;
pub mod urlquote;

use std::ffi::OsString;

use crate::cli::exit::Outcome;
use crate::{Error, ErrorKind};

/// The arguments of a command that is not built yet: anything at all, so that every
/// invocation gets the same clear answer (SPEC §1).
#[derive(clap::Args, Debug)]
pub struct NotBuilt {
    #[arg(trailing_var_arg = true, allow_hyphen_values = true, hide = true)]
    rest: Vec<OsString>,
}

pub fn not_built(_name: &str) -> anyhow::Result<Outcome> {
    Err(Error::new(ErrorKind::Usage, "not built yet").into())
}
