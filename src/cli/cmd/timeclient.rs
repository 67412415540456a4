//! `netkit timeclient`: asks each server in turn and prints one line (or JSON object) per
//! server; the exit code is the worst (highest) of the servers' codes. The exchange itself is
//! `crate::proto::time::client`.
//!
//! Servers are `HOST[:PORT]`, `[V6ADDR]:PORT`, a bare IPv6 literal, or a URL whose scheme
//! names the protocol and its IANA port: `daytime://h` (13), `time://h` (37), `ntp://h`
//! (123). A bare HOST with `--proto` uses that protocol's IANA port, as rdate and ntpdate
//! do; with no `--proto` it is the tutorial's daytime on 8888 (what `timeserver` serves),
//! so the pair works out of the box.

use std::io::{self, Write};

use serde_json::json;

use crate::cli::common::{NetOpts, OutputOpts};
use crate::cli::exit::{self, Outcome};
use crate::cli::probe::{self as cli_probe, ProbeOpts};
use crate::cli::render::{Stdout, clean_text, warn};
use crate::proto::time::client::{self, Answer, Query};
use crate::proto::time::daytime;
use crate::proto::time::{Protocol, Transport, UnixTime};
use crate::timeserver::DEFAULT_PORT;
use crate::{Error, ErrorKind};

use super::timeserver::{FormatArg, ProtoArg};

const NAME: &str = "timeclient";

#[derive(clap::Args, Debug)]
pub struct Args {
    /// Servers: HOST[:PORT], [V6ADDR]:PORT, daytime://, time:// or ntp:// URLs [default: localhost:8888]. A HOST without PORT uses --proto's IANA port (13, 37, 123), or 8888 with no --proto
    #[arg(value_name = "SERVER")]
    pub servers: Vec<String>,

    /// Protocol to ask with (a URL's scheme wins) [default: daytime]
    #[arg(long, value_enum, value_name = "PROTO")]
    pub proto: Option<ProtoArg>,

    /// Daytime and time over UDP instead of TCP (NTP is always UDP)
    #[arg(long)]
    pub udp: bool,

    /// Exit 10 when a server's |offset| exceeds SECS
    #[arg(long, value_name = "SECS", value_parser = parse_offset)]
    pub max_offset: Option<f64>,

    /// How to print the server's time
    #[arg(long, value_enum, value_name = "FORMAT", default_value_t = FormatArg::Rfc3339)]
    pub format: FormatArg,

    /// NTP: samples to take; the one with the smallest delay is reported
    #[arg(short = 'n', long = "samples", value_name = "COUNT", default_value_t = 1,
          value_parser = clap::value_parser!(u32).range(1..=64))]
    pub samples: u32,

    /// UDP: tries after the first when no reply comes (--timeout is shared between them)
    #[arg(long, value_name = "N", default_value_t = 2, value_parser = clap::value_parser!(u32).range(0..=20))]
    pub retries: u32,

    #[command(flatten)]
    pub net: NetOpts,

    #[command(flatten)]
    pub output: OutputOpts,

    #[command(flatten)]
    pub probe: ProbeOpts,
}

fn parse_offset(text: &str) -> Result<f64, String> {
    match text.trim().parse::<f64>() {
        Ok(s) if s.is_finite() && s >= 0.0 => Ok(s),
        _ => Err(format!("'{text}': --max-offset takes seconds, 0 or more")),
    }
}

/// A server argument split into host, port and the protocol its scheme names.
fn parse_server(arg: &str, proto: Option<Protocol>) -> Result<(String, u16, Protocol), Error> {
    let bad = || {
        Error::usage(format!(
            "'{arg}': not HOST[:PORT], [V6ADDR]:PORT or a daytime://, time://, ntp:// URL"
        ))
    };
    let (rest, protocol, default_port) = match arg.split_once("://") {
        Some((scheme, rest)) => {
            let p = match scheme.to_ascii_lowercase().as_str() {
                "daytime" => Protocol::Daytime,
                "time" => Protocol::Time,
                "ntp" | "sntp" => Protocol::Ntp,
                _ => {
                    return Err(Error::usage(format!(
                        "'{arg}': timeclient speaks daytime://, time:// and ntp://"
                    )));
                }
            };
            (rest.trim_end_matches('/'), p, p.well_known_port())
        }
        None => match proto {
            Some(p) => (arg, p, p.well_known_port()),
            None => (arg, Protocol::default(), DEFAULT_PORT),
        },
    };
    let port = |p: &str| p.parse::<u16>().ok().filter(|p| *p != 0).ok_or_else(bad);
    let (host, port) = if let Some(v6) = rest.strip_prefix('[') {
        let (host, after) = v6.split_once(']').ok_or_else(bad)?;
        match after.strip_prefix(':') {
            Some(p) => (host, port(p)?),
            None if after.is_empty() => (host, default_port),
            None => return Err(bad()),
        }
    } else if rest.matches(':').count() > 1 {
        (rest, default_port) // a bare IPv6 literal
    } else if let Some((h, p)) = rest.split_once(':') {
        (h, port(p)?)
    } else {
        (rest, default_port)
    };
    if host.is_empty() || host.contains(['/', ' ', '@']) {
        return Err(bad());
    }
    Ok((host.to_owned(), port, protocol))
}

pub fn run(args: Args) -> anyhow::Result<Outcome> {
    args.probe.validate(false)?;
    args.probe.refuse_cert_days("timeclient")?;
    if args.probe.check {
        return check(&args);
    }
    let proto = args.proto.map(Protocol::from);
    let default = proto.unwrap_or_default();
    if args.samples > 1
        && default != Protocol::Ntp
        && !args.servers.iter().any(|s| s.starts_with("ntp://"))
    {
        return Err(Error::usage("-n/--samples applies to NTP only").into());
    }
    let servers = if args.servers.is_empty() {
        vec![format!("localhost:{DEFAULT_PORT}")]
    } else {
        args.servers.clone()
    };
    let mut targets = Vec::new();
    for s in &servers {
        targets.push((s.as_str(), parse_server(s, proto)?));
    }
    let deadline = args.net.deadline();
    let json = args.output.json;
    let single = targets.len() == 1;
    let mut out = Stdout::new();
    let mut worst: Option<ErrorKind> = None;
    for (label, (host, port, protocol)) in targets {
        let transport = if protocol == Protocol::Ntp || args.udp {
            Transport::Udp
        } else {
            Transport::Tcp
        };
        let query = Query {
            host,
            port,
            protocol,
            transport,
            samples: if protocol == Protocol::Ntp {
                args.samples
            } else {
                1
            },
            retries: args.retries,
            connect: args.net.connect_options(deadline),
            timeout: args.net.timeout,
            recorder: crate::probe::Recorder::default(),
        };
        match client::query(&query) {
            Ok(answer) => {
                let kind = show(&mut out, &args, label, &query, &answer)?;
                worst = worse(worst, kind);
            }
            Err(e) if single => {
                out.finish()?;
                return Err(e.into());
            }
            Err(e) => {
                // Several servers: report this one, go on with the next (flushing first so
                // stdout and stderr stay in order on a terminal).
                out.flush()?;
                let kind = e.kind();
                exit::report_item(NAME, json, label, &anyhow::Error::new(e));
                worst = worse(worst, Some(kind));
            }
        }
    }
    out.finish()?;
    Ok(worst.map_or(Outcome::Success, Outcome::Exit))
}

fn worse(a: Option<ErrorKind>, b: Option<ErrorKind>) -> Option<ErrorKind> {
    match (a, b) {
        (Some(x), Some(y)) => Some(if exit::code(y) > exit::code(x) { y } else { x }),
        (x, None) => x,
        (None, y) => y,
    }
}

fn format_time(t: UnixTime, f: FormatArg) -> String {
    match f {
        FormatArg::Rfc3339 => daytime::rfc3339(t, 6),
        FormatArg::Ctime => daytime::ctime(t.secs),
        FormatArg::Unix => format!("{}.{:06}", t.secs, t.nanos / 1000),
    }
}

/// Prints one server's result; returns `CheckFailed` when `--max-offset` is exceeded.
fn show(
    out: &mut Stdout,
    args: &Args,
    label: &str,
    q: &Query,
    a: &Answer,
) -> io::Result<Option<ErrorKind>> {
    let quiet = args.output.quiet;
    if let Some(line) = a.line.as_ref().filter(|_| args.output.verbose > 0) {
        let _ = writeln!(io::stderr().lock(), "< {}", clean_text(line));
    }
    if args.output.verbose > 0 {
        let mut err = io::stderr().lock();
        for (sent, got) in &a.packets {
            let _ = writeln!(err, "> {}", sent.describe());
            let _ = writeln!(err, "< {}", clean_text(&got.describe()));
        }
    }
    let ntp = a.ntp.as_ref();
    if ntp.is_some_and(|n| n.leap == 3) && !quiet {
        warn(
            NAME,
            &format!("{label}: server reports leap 3: its clock is not synchronised"),
        );
    }
    let exceeded = args.max_offset.filter(|max| a.offset.abs() > *max);
    if args.output.json {
        out.json(&json!({
            "server": label,
            "address": a.peer.to_string(),
            "protocol": q.protocol.name(),
            "transport": q.transport.name(),
            "time": daytime::rfc3339(a.time, 6),
            "offset": a.offset,
            "delay": a.delay,
            "stratum": ntp.map(|n| n.stratum),
            "refid": ntp.map(|n| n.reference_id.clone()),
            "leap": ntp.map(|n| n.leap),
            "precision": ntp.map(|n| n.precision),
            "version": ntp.map(|n| n.version),
            "root_delay": ntp.map(|n| n.root_delay),
            "root_dispersion": ntp.map(|n| n.root_dispersion),
            "samples": ntp.map(|n| n.samples),
            "line": a.line.as_deref(),
            "line_format": a.shape.map(|s| s.name()),
            "max_offset_exceeded": exceeded.is_some(),
        }))?;
    } else {
        // The address only when it says more than the label (a name, or no port given).
        let peer = a.peer.to_string();
        let address = if peer == label {
            String::new()
        } else {
            format!("{peer}, ")
        };
        let mut line = format!(
            "{label} ({address}{}/{}): {} offset {:+.6} s",
            q.protocol.name(),
            q.transport.name(),
            format_time(a.time, args.format),
            a.offset
        );
        match ntp {
            Some(n) => line.push_str(&format!(
                " delay {:.6} s stratum {} refid {} leap {} precision {}",
                a.delay,
                n.stratum,
                clean_text(&n.reference_id),
                n.leap,
                n.precision
            )),
            None if !a.subsecond => line.push_str(" (1 s resolution)"),
            None => {}
        }
        out.line(&line)?;
    }
    if let Some(max) = exceeded {
        out.flush()?;
        let e = Error::new(
            ErrorKind::CheckFailed,
            format!(
                "{label}: offset {:+.6} s exceeds --max-offset {max} s",
                a.offset
            ),
        );
        exit::report(NAME, args.output.json, &anyhow::Error::new(e));
        return Ok(Some(ErrorKind::CheckFailed));
    }
    Ok(None)
}

/// `timeclient --check SERVER`: one daytime, time or NTP exchange (no retries beyond
/// `--retries`, one sample). The reply is validated as usual; `--max-offset` counts as a
/// check too (exit 10). The greeting shown is the daytime line, or the time and offset.
fn check(args: &Args) -> anyhow::Result<Outcome> {
    let label = match args.servers.as_slice() {
        [] => format!("localhost:{DEFAULT_PORT}"),
        [one] => one.clone(),
        _ => return Err(Error::usage("--check takes one server").into()),
    };
    let proto = args.proto.map(Protocol::from);
    // A bad server argument is reported inside the probe (UNKNOWN under --nagios).
    let service = match parse_server(&label, proto) {
        Ok((_, _, Protocol::Ntp)) => "NTP",
        _ => "TIME",
    };
    let ctx = cli_probe::Context {
        command: NAME,
        service,
        url: &label,
        probe: &args.probe,
        output: &args.output,
    };
    cli_probe::run(&ctx, |recorder| {
        let (host, port, protocol) = parse_server(&label, proto)?;
        let transport = if protocol == Protocol::Ntp || args.udp {
            Transport::Udp
        } else {
            Transport::Tcp
        };
        let query = Query {
            host,
            port,
            protocol,
            transport,
            samples: 1,
            retries: args.retries,
            connect: args.net.connect_options(args.net.deadline()),
            timeout: args.net.timeout,
            recorder: recorder.clone(),
        };
        let answer = client::query(&query)?;
        let shown = match (&answer.line, &answer.ntp) {
            (Some(line), _) => line.clone(),
            (None, Some(n)) => format!(
                "{} offset {:+.6} s stratum {} refid {}",
                daytime::rfc3339(answer.time, 6),
                answer.offset,
                n.stratum,
                n.reference_id
            ),
            (None, None) => format!(
                "{} offset {:+.6} s",
                daytime::rfc3339(answer.time, 0),
                answer.offset
            ),
        };
        recorder.set_greeting(&shown);
        match args.max_offset.filter(|max| answer.offset.abs() > *max) {
            Some(max) => Err(Error::new(
                ErrorKind::CheckFailed,
                format!(
                    "{label}: offset {:+.6} s exceeds --max-offset {max} s",
                    answer.offset
                ),
            )),
            None => Ok(()),
        }
    })
}
