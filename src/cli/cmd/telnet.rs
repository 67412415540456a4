//! `netkit telnet URL|HOST [PORT]` (SPEC §7, issue 17): scripted `--send`/`--expect` steps for
//! CI (exit 10 names the step that did not match), pipe mode when stdin is not a terminal,
//! interactive with the terminal in raw mode otherwise (`^]` for a prompt), and `--check`.
//! The negotiation is `proto::telnet`'s sans-IO state machine; this file and its modules
//! move bytes: `link` is the connection, `script` the `--send`/`--expect` steps, `pipe` and
//! `interactive` the two ways to hand the connection to a user, `check` the probe.

mod check;
mod interactive;
mod link;
mod pipe;
mod script;

use std::path::PathBuf;

use clap::{ArgMatches, FromArgMatches};

use crate::cli::common::{NetOpts, OutputOpts};
use crate::cli::exit::Outcome;
use crate::cli::probe::ProbeOpts;
use crate::cli::tty;
use crate::net;
use crate::proto::telnet::{Negotiator, Offer};
use crate::{Error, ErrorKind};
use check::check;
use interactive::interactive_loop;
use link::{Link, io_error};
use pipe::pipe;
use script::{script, steps};

#[derive(clap::Args, Debug)]
pub struct Args {
    /// telnet://HOST[:PORT] or HOST, then an optional PORT
    #[arg(value_name = "TARGET", required = true, num_args = 1..=2)]
    pub target: Vec<String>,

    /// Send TEXT and CR LF (a step; steps run in command-line order)
    #[arg(long, value_name = "TEXT")]
    pub send: Vec<String>,

    /// Steps from FILE: `expect REGEX` or `send TEXT` a line; blank and # lines ignored
    #[arg(long, value_name = "FILE", conflicts_with_all = ["send", "expect"])]
    pub script: Option<PathBuf>,

    #[command(flatten)]
    pub net: NetOpts,

    #[command(flatten)]
    pub output: OutputOpts,

    /// `--expect REGEX` is a step here (wait for REGEX in what arrived since the last
    /// match, within -t); with `--check` the first bytes must match it.
    #[command(flatten)]
    pub probe: ProbeOpts,
}

fn target(args: &Args) -> Result<net::Target, Error> {
    let mut t = net::target::parse(&args.target[0], &["telnet"])?;
    if let Some(port) = args.target.get(1) {
        t.port = port
            .parse::<u16>()
            .ok()
            .filter(|&p| p > 0)
            .ok_or_else(|| Error::usage(format!("'{port}' is not a port number")))?;
    }
    Ok(t)
}

pub fn run_matches(m: &ArgMatches) -> anyhow::Result<Outcome> {
    let args = Args::from_arg_matches(m).map_err(|e| Error::usage(e.to_string()))?;
    args.probe.validate(true)?;
    args.probe.refuse_cert_days("telnet")?;
    if args.probe.check {
        return check(&args);
    }
    let steps = steps(m, &args)?;
    let target = target(&args)?;
    let deadline = args.net.deadline();
    let connected = net::connect(
        &target.host,
        target.port,
        &args.net.connect_options(deadline),
    )?;
    let server = target.authority();
    let sock = connected.stream;
    let _ = sock.set_nodelay(true);
    // A peer that stops reading must not hold a write for ever: -t bounds each write too.
    sock.set_write_timeout(Some(args.net.timeout))
        .map_err(|e| io_error("socket", &e))?;
    let interactive = steps.is_empty() && tty::is_terminal(0) && tty::is_terminal(1);
    let offer = if interactive {
        Offer {
            term: std::env::var("TERM").ok().filter(|t| !t.is_empty()),
            size: tty::window_size(0),
        }
    } else {
        Offer::default()
    };
    let mut link = Link {
        sock,
        neg: Negotiator::new(offer),
        verbose: args.output.verbose > 0,
        closed: false,
    };
    let start = link.neg.start();
    link.note(&format!("> {}", crate::proto::telnet::describe(&start)));
    link.write(&start)?;
    let with_server = |e: Error| Error::new(e.kind(), format!("{server}: {}", e.message()));
    if !steps.is_empty() {
        return script(&mut link, &steps, &args, deadline).map_err(|e| with_server(e).into());
    }
    if interactive {
        return interactive_loop(&mut link, &server, deadline).map_err(|e| with_server(e).into());
    }
    pipe(&mut link, args.net.timeout, deadline).map_err(|e| with_server(e).into())
}

/// `--max-time` ran out while the connection was handed to stdin or the terminal.
fn max_time_reached() -> Error {
    Error::new(ErrorKind::Timeout, "--max-time reached (raise --max-time)")
}
