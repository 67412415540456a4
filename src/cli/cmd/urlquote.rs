//! `netkit urlquote` (placeholder until the urlquote work lands).

use crate::cli::exit::Outcome;

#[derive(clap::Args, Debug)]
pub struct Args {
    /// Text to quote; none: stdin, line by line
    pub text: Vec<String>,
}

pub fn run(_args: Args) -> anyhow::Result<Outcome> {
    super::not_built("urlquote")
}
