//! The front end: the only code that knows clap, anyhow and stdout. It parses arguments,
//! dispatches to one command, and turns the result into an exit code (SPEC §1, §4, §5).

pub mod cmd;
pub mod common;
pub mod exit;
pub mod help;
pub mod input;
pub mod multicall;
pub mod render;

use std::ffi::OsString;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{CommandFactory, FromArgMatches, Parser, Subcommand};

use crate::ErrorKind;
use exit::Outcome;

const ABOUT: &str = "The classic Internet protocols as one scriptable, multi-call binary";

#[derive(Parser, Debug)]
#[command(
    name = "netkit",
    version,
    about = ABOUT,
    after_long_help = help::ROOT,
    arg_required_else_help = true,
    args_conflicts_with_subcommands = true
)]
pub struct Cli {
    /// Print the command names, one a line
    #[arg(long)]
    pub list: bool,

    /// Symlink every command name in DIR to this binary
    #[arg(long, value_name = "DIR", conflicts_with = "list")]
    pub install: Option<PathBuf>,

    /// With --install: replace files that are not links to netkit
    #[arg(long, requires = "install")]
    pub force: bool,

    #[command(subcommand)]
    pub command: Option<Command>,
}

/// Every command netkit carries. The order here is the order of `--list` and `--help`.
#[derive(Subcommand, Debug)]
pub enum Command {
    /// Serve daytime, time and SNTP
    #[command(after_long_help = help::TIMESERVER)]
    Timeserver(cmd::timeserver::Args),
    /// Ask a daytime, time or NTP server for the time
    #[command(after_long_help = help::TIMECLIENT)]
    Timeclient(cmd::timeclient::Args),
    /// Download over HTTP(S), FTP(S) and Gopher (not built yet)
    #[command(disable_help_flag = true)]
    Fetch(cmd::NotBuilt),
    /// FTP and FTPS client: ls, get, put, mirror (not built yet)
    #[command(disable_help_flag = true)]
    Ftp(cmd::NotBuilt),
    /// Send mail over SMTP: a raw message or one composed from flags
    #[command(after_long_help = help::SMTP_SEND)]
    SmtpSend(Box<cmd::smtp_send::Args>),
    /// POP3 client: list, fetch, delete mail (not built yet)
    #[command(disable_help_flag = true)]
    Pop(cmd::NotBuilt),
    /// IMAP client: list, search, export, flag mail (not built yet)
    #[command(disable_help_flag = true)]
    Imap(cmd::NotBuilt),
    /// NNTP client: groups, overviews, articles, posting (not built yet)
    #[command(disable_help_flag = true)]
    Nntp(cmd::NotBuilt),
    /// Telnet client, interactive or scripted (not built yet)
    #[command(disable_help_flag = true)]
    Telnet(cmd::NotBuilt),
    /// Gopher client (not built yet)
    #[command(disable_help_flag = true)]
    Gopher(cmd::NotBuilt),
    /// Percent-encode and decode text like Python's urllib.parse
    #[command(after_long_help = help::URLQUOTE)]
    Urlquote(cmd::urlquote::Args),
    /// Split, join, build and template URLs
    #[command(after_long_help = help::URLPARSE)]
    Urlparse(cmd::urlparse::Args),
    /// Look up names, addresses, services and DNS records
    #[command(after_long_help = help::HOSTINFO)]
    Hostinfo(cmd::hostinfo::Args),
}

impl Command {
    /// Whether the user asked for JSON: decides the shape of the error report.
    fn wants_json(&self) -> bool {
        match self {
            Command::Urlquote(a) => a.json,
            Command::Urlparse(a) => a.json,
            Command::Hostinfo(a) => a.json,
            Command::SmtpSend(a) => a.client.output.json,
            Command::Timeserver(a) => a.wants_json(),
            Command::Timeclient(a) => a.output.json,
            _ => false,
        }
    }
}

/// The clap definition of the whole binary; xtask generates man pages and completions from it.
pub fn command() -> clap::Command {
    Cli::command()
}

/// The command names, in `--list` order, straight from the clap definition.
pub fn command_names() -> Vec<String> {
    command()
        .get_subcommands()
        .map(|c| c.get_name().to_owned())
        .filter(|n| n != "help")
        .collect()
}

/// The process entry point: parse, run, report, exit.
pub fn main() -> ExitCode {
    let args = multicall::effective_args(std::env::args_os().collect());
    ExitCode::from(run(args))
}

/// Runs one invocation over `args` (argv[0] included) and returns the exit code.
pub fn run(args: Vec<OsString>) -> u8 {
    let matches = match command().try_get_matches_from(args) {
        Ok(m) => m,
        Err(e) => return exit::report_clap_error(e),
    };
    let cli = match Cli::from_arg_matches(&matches) {
        Ok(c) => c,
        Err(e) => return exit::report_clap_error(e),
    };
    if cli.list {
        return finish("netkit", false, multicall::print_list());
    }
    if let Some(dir) = &cli.install {
        return finish("netkit", false, multicall::install(dir, cli.force));
    }
    let Some(command) = cli.command else {
        // arg_required_else_help prevents this; stay defensive all the same.
        return exit::code(ErrorKind::Usage);
    };
    let name = matches.subcommand_name().unwrap_or("netkit").to_owned();
    let json = command.wants_json();
    finish(&name, json, dispatch(command, &name))
}

fn dispatch(command: Command, name: &str) -> anyhow::Result<Outcome> {
    match command {
        Command::Urlquote(args) => cmd::urlquote::run(args),
        Command::Urlparse(args) => cmd::urlparse::run(args),
        Command::Hostinfo(args) => cmd::hostinfo::run(args),
        Command::SmtpSend(args) => cmd::smtp_send::run(*args),
        Command::Timeserver(args) => cmd::timeserver::run(args),
        Command::Timeclient(args) => cmd::timeclient::run(args),
        Command::Fetch(_)
        | Command::Ftp(_)
        | Command::Pop(_)
        | Command::Imap(_)
        | Command::Nntp(_)
        | Command::Telnet(_)
        | Command::Gopher(_) => cmd::not_built(name),
    }
}

fn finish(name: &str, json: bool, result: anyhow::Result<Outcome>) -> u8 {
    match result {
        Ok(outcome) => outcome.code(),
        Err(err) => exit::report(name, json, &err),
    }
}
