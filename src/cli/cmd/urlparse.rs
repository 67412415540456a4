//! `netkit urlparse` (placeholder until the urlparse work lands).

use crate::cli::exit::Outcome;

#[derive(clap::Args, Debug)]
pub struct Args {
    /// URLs to parse; none: stdin, line by line
    pub url: Vec<String>,
    /// JSON Lines output
    #[arg(long)]
    pub json: bool,
}

pub fn run(_args: Args) -> anyhow::Result<Outcome> {
    super::not_built("urlparse")
}
