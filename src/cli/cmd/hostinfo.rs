//! `netkit hostinfo` (placeholder until the hostinfo work lands).

use crate::cli::common::NetOpts;
use crate::cli::exit::Outcome;

#[derive(clap::Args, Debug)]
pub struct Args {
    /// Names or addresses to look up; none: this host
    pub name: Vec<String>,
    #[command(flatten)]
    pub net: NetOpts,
    /// Machine-readable result on stdout
    #[arg(long)]
    pub json: bool,
}

pub fn run(_args: Args) -> anyhow::Result<Outcome> {
    super::not_built("hostinfo")
}
