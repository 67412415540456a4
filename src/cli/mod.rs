//! The front end: the only code that knows clap, anyhow and stdout. It parses arguments,
//! dispatches to one command, and turns the result into an exit code (SPEC §1, §4, §5).

pub mod cmd;
pub mod common;
pub mod docs;
pub mod exit;
pub mod help;
pub mod input;
pub mod multicall;
pub mod probe;
pub mod render;
pub mod tty;

use std::ffi::OsString;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Arg, ArgAction, ArgMatches, FromArgMatches};

use crate::ErrorKind;
use exit::Outcome;

const ABOUT: &str = "The classic Internet protocols as one scriptable, multi-call binary";
const VERSION: &str = env!("CARGO_PKG_VERSION");

/// One command netkit carries: its name, its one-line and long help, how to define its
/// arguments, and how to run it. The table is the single source of `--list`, `--help`,
/// dispatch, man pages and completions; a run builds the clap definition of the one command
/// it invokes, not all thirteen (start-up time is paid by every script call).
pub struct Entry {
    pub name: &'static str,
    pub about: &'static str,
    pub long_help: Option<&'static str>,
    define: fn(clap::Command) -> clap::Command,
    run: fn(&ArgMatches) -> anyhow::Result<Outcome>,
}

/// Parses the matches into the command's `Args` and runs it.
fn run_with<A: FromArgMatches>(
    run: fn(A) -> anyhow::Result<Outcome>,
    matches: &ArgMatches,
) -> anyhow::Result<Outcome> {
    let args = A::from_arg_matches(matches).map_err(|e| crate::Error::usage(e.to_string()))?;
    run(args)
}

macro_rules! built {
    ($name:literal, $about:literal, $help:expr, $args:ty, $run:path) => {
        Entry {
            name: $name,
            about: $about,
            long_help: Some($help),
            define: <$args as clap::Args>::augment_args,
            run: |m| run_with::<$args>(|a| $run(a), m),
        }
    };
}

/// Every command netkit carries. The order here is the order of `--list` and `--help`.
pub static COMMANDS: &[Entry] = &[
    built!(
        "timeserver",
        "Serve daytime, time and SNTP",
        help::TIMESERVER,
        cmd::timeserver::Args,
        cmd::timeserver::run
    ),
    built!(
        "timeclient",
        "Ask a daytime, time or NTP server for the time",
        help::TIMECLIENT,
        cmd::timeclient::Args,
        cmd::timeclient::run
    ),
    built!(
        "fetch",
        "Download over HTTP and HTTPS (FTP and Gopher with their commands)",
        help::FETCH,
        cmd::fetch::Args,
        cmd::fetch::run
    ),
    built!(
        "ftp",
        "FTP and FTPS client: ls, get, put, rm, mkdir, rmdir, mv, size, mtime, quote",
        help::FTP,
        cmd::ftp::Args,
        cmd::ftp::run
    ),
    built!(
        "smtp-send",
        "Send mail over SMTP: a raw message or one composed from flags",
        help::SMTP_SEND,
        cmd::smtp_send::Args,
        cmd::smtp_send::run
    ),
    built!(
        "pop",
        "POP3 client: list, get, delete, and fetch mail into a Maildir or mbox",
        help::POP,
        cmd::pop::Args,
        cmd::pop::run
    ),
    built!(
        "imap",
        "IMAP client: list, search, get, export, append, flag, move and idle",
        help::IMAP,
        cmd::imap::Args,
        cmd::imap::run
    ),
    built!(
        "nntp",
        "NNTP client: groups, overviews, headers, articles, posting, new news",
        help::NNTP,
        cmd::nntp::Args,
        cmd::nntp::run
    ),
    Entry {
        name: "telnet",
        about: "Telnet client: interactive, piped, or scripted --send/--expect steps for CI",
        long_help: Some(help::TELNET),
        define: <cmd::telnet::Args as clap::Args>::augment_args,
        // The steps' order interleaves two options, which only the matches know.
        run: cmd::telnet::run_matches,
    },
    built!(
        "gopher",
        "Gopher client: menus, text, searches and binaries over gopher:// and gophers://",
        help::GOPHER,
        cmd::gopher::Args,
        cmd::gopher::run
    ),
    built!(
        "urlquote",
        "Percent-encode and decode text like Python's urllib.parse",
        help::URLQUOTE,
        cmd::urlquote::Args,
        cmd::urlquote::run
    ),
    built!(
        "urlparse",
        "Split, join, build and template URLs",
        help::URLPARSE,
        cmd::urlparse::Args,
        cmd::urlparse::run
    ),
    built!(
        "hostinfo",
        "Look up names, addresses, services and DNS records",
        help::HOSTINFO,
        cmd::hostinfo::Args,
        cmd::hostinfo::run
    ),
];

/// The entry of a command name.
pub fn entry(name: &str) -> Option<&'static Entry> {
    COMMANDS.iter().find(|e| e.name == name)
}

/// Network commands that draw no progress bar (a time reply, a terminal session, articles
/// printed as they come). They still accept `--no-progress`, as SPEC §3 says every network
/// command does (a script may pass it to all of them), but their help, man page and
/// completions do not offer a flag that would change nothing.
pub const DRAW_NO_PROGRESS: &[&str] = &["timeclient", "telnet", "nntp"];

impl Entry {
    /// This command's clap definition, as `netkit NAME` (it takes `--version` too).
    pub fn definition(&self) -> clap::Command {
        // The Args definition first: a doc comment on an Args struct would set `about` too.
        let mut c = (self.define)(clap::Command::new(self.name)).about(self.about);
        c = c.version(VERSION);
        if DRAW_NO_PROGRESS.contains(&self.name) {
            c = c.mut_arg("no_progress", |a| a.hide(true));
        }
        if let Some(help) = self.long_help {
            c = c.after_long_help(help);
        }
        c
    }
}

/// The root definition without its subcommands: netkit's own options.
fn root() -> clap::Command {
    clap::Command::new("netkit")
        .version(VERSION)
        .about(ABOUT)
        .after_long_help(help::ROOT)
        .arg_required_else_help(true)
        .args_conflicts_with_subcommands(true)
        .arg(
            Arg::new("list")
                .long("list")
                .action(ArgAction::SetTrue)
                .help("Print the command names, one a line"),
        )
        .arg(
            Arg::new("install")
                .long("install")
                .value_name("DIR")
                // Optional so that a bare `--install` gets our message naming the usual
                // directories rather than clap's "a value is required".
                .num_args(0..=1)
                .value_parser(clap::value_parser!(PathBuf))
                .value_hint(clap::ValueHint::DirPath)
                .conflicts_with_all(["list", "uninstall"])
                .help(
                    "Symlink every command name in DIR to this binary (DIR is created if missing)",
                ),
        )
        .arg(
            Arg::new("uninstall")
                .long("uninstall")
                .value_name("DIR")
                .value_parser(clap::value_parser!(PathBuf))
                .value_hint(clap::ValueHint::DirPath)
                .conflicts_with("list")
                .help("Remove the links in DIR that point at this binary, and nothing else"),
        )
        .arg(
            Arg::new("force")
                .long("force")
                .action(ArgAction::SetTrue)
                .requires("install")
                .help("With --install: replace files that are not links to netkit"),
        )
}

/// `netkit completions SHELL` and `netkit man [COMMAND]`: the docs without the source tree.
fn doc_commands() -> [clap::Command; 2] {
    let shells: Vec<&str> = docs::SHELLS.iter().map(|(name, _)| *name).collect();
    [
        clap::Command::new("completions")
            .about("Print the completion script for a shell (the linked command names included)")
            .arg(
                Arg::new("shell")
                    .value_name("SHELL")
                    .required(true)
                    .value_parser(clap::builder::PossibleValuesParser::new(shells)),
            )
            .after_long_help(help::COMPLETIONS),
        clap::Command::new("man")
            .about("Print a man page in roff (netkit man fetch | man -l -)")
            .arg(Arg::new("command").value_name("COMMAND").value_parser(
                clap::builder::PossibleValuesParser::new(docs::man_page_names()),
            )),
    ]
}

/// The clap definition of the whole binary; xtask generates man pages and completions from
/// it, and `netkit --help` / `netkit help CMD` use it.
pub fn command() -> clap::Command {
    COMMANDS
        .iter()
        .fold(root(), |root, e| root.subcommand(e.definition()))
        .subcommands(doc_commands())
}

/// The command names, in `--list` order.
pub fn command_names() -> Vec<String> {
    COMMANDS.iter().map(|e| e.name.to_owned()).collect()
}

/// The process entry point: parse, run, report, exit.
pub fn main() -> ExitCode {
    ExitCode::from(start())
}

/// The process entry point of a `no_main` binary: what std's start-up would have done that
/// netkit needs, then the run. Returns the exit code.
pub fn start() -> u8 {
    // SAFETY: setting a signal's disposition to SIG_IGN touches no memory of ours. Writes to
    // a closed pipe then fail with EPIPE, which `exit::report` turns into a quiet exit 0.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_IGN);
    }
    render::guard_standard_descriptors();
    let args = multicall::effective_args(std::env::args_os().collect());
    run(args)
}

/// Runs one invocation over `args` (argv[0] included) and returns the exit code.
pub fn run(args: Vec<OsString>) -> u8 {
    let json = exit::json_requested(&args);
    let invoked = args.get(1).and_then(|a| a.to_str()).and_then(entry);
    let Some(entry) = invoked else {
        return run_root(args, json);
    };
    let mut definition = entry
        .definition()
        .bin_name(format!("netkit {}", entry.name));
    let matches = match definition.try_get_matches_from_mut(&args[1..]) {
        Ok(m) => m,
        Err(e) if exit::nagios_requested(&args) && !is_help(&e) => {
            // A monitor reads stdout and the exit: UNKNOWN, as a plugin given a bad option.
            let rendered = e.render().to_string();
            let first = rendered.lines().next().unwrap_or_default();
            let first = first.strip_prefix("error: ").unwrap_or(first);
            return nagios_unknown(entry.name, first);
        }
        Err(e) => return exit::report_clap_error(e, entry.name, json),
    };
    let result = probe::refuse_strays(entry.name, &definition, &matches)
        .map_err(anyhow::Error::from)
        .and_then(|()| (entry.run)(&matches));
    match result {
        // A monitor reads stdout and the exit whatever stopped the probe before it began
        // (`--check` with an action word, a probe flag it cannot honour): UNKNOWN.
        Err(e) if exit::nagios_requested(&args) && !exit::is_broken_pipe(&e) => {
            nagios_unknown(entry.name, &format!("{e:#}"))
        }
        result => finish(entry.name, json, result),
    }
}

/// The monitoring-plugins UNKNOWN line on stdout (a closed stdout is not a panic: the
/// exit still says UNKNOWN), and its exit code.
fn nagios_unknown(command: &str, message: &str) -> u8 {
    use std::io::Write;
    let line =
        crate::probe::format::nagios_unknown(probe::service_of(command), &exit::safe_text(message));
    let _ = writeln!(std::io::stdout().lock(), "{line}");
    crate::probe::Status::Unknown.nagios_code()
}

fn is_help(e: &clap::Error) -> bool {
    matches!(
        e.kind(),
        clap::error::ErrorKind::DisplayHelp | clap::error::ErrorKind::DisplayVersion
    )
}

/// `netkit --list`, `--install`, `--help`, `--version`, `help CMD`, or a mistake.
fn run_root(args: Vec<OsString>, json: bool) -> u8 {
    // --version, --list and --install need netkit's own options only; the 13 command
    // definitions are built for help and for mistakes (whose suggestions name them).
    let own_options_only = args.get(1).and_then(|a| a.to_str()).is_some_and(|a| {
        matches!(a, "--version" | "-V" | "--list")
            || a.starts_with("--install")
            || a.starts_with("--uninstall")
    });
    let definition = if own_options_only { root() } else { command() };
    let matches = match definition.try_get_matches_from(args) {
        Ok(m) => m,
        Err(e) => return exit::report_clap_error(e, "netkit", json),
    };
    if matches.get_flag("list") {
        return finish("netkit", false, multicall::print_list());
    }
    if matches.contains_id("install") {
        let result = match matches.get_one::<PathBuf>("install") {
            Some(dir) => multicall::install(dir, matches.get_flag("force")),
            None => Err(crate::Error::usage(
                "--install needs a directory: ~/.local/bin for your account, /usr/local/bin for everyone",
            )
            .into()),
        };
        return finish("netkit", json, result);
    }
    if let Some(dir) = matches.get_one::<PathBuf>("uninstall") {
        return finish("netkit", json, multicall::uninstall(dir));
    }
    match matches.subcommand() {
        Some(("completions", m)) => {
            let name = m.get_one::<String>("shell").map(String::as_str);
            let shell = docs::SHELLS.iter().find(|(n, _)| Some(*n) == name);
            if let Some((_, shell)) = shell {
                return finish("netkit", json, print_bytes(&docs::completion(*shell)));
            }
        }
        Some(("man", m)) => {
            let name = m.get_one::<String>("command").map(String::as_str);
            let result = docs::man_page(name)
                .map_err(|e| anyhow::Error::from(crate::Error::usage(e)))
                .and_then(|page| print_bytes(&page));
            return finish("netkit", json, result);
        }
        _ => {}
    }
    // Subcommands are dispatched before this point; arg_required_else_help covers the rest.
    exit::code(ErrorKind::Usage)
}

/// Writes generated text to stdout; a full disk or closed pipe is reported, not lost.
fn print_bytes(bytes: &[u8]) -> anyhow::Result<Outcome> {
    use std::io::Write;
    let mut out = render::Stdout::new();
    render::write_out(out.write_all(bytes))?;
    render::write_out(out.finish())?;
    Ok(Outcome::Success)
}

fn finish(name: &str, json: bool, result: anyhow::Result<Outcome>) -> u8 {
    match result {
        Ok(outcome) => outcome.code(),
        Err(err) => exit::report(name, json, &err),
    }
}
