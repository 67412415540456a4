//! `netkit gopher URL [--query Q] [-o FILE] [--raw] [--json]` (SPEC §7, issue 17): one RFC
//! 1436 request per run. Menus (types 1 and 7) print one line per menu line as they arrive
//! (`TYPE TAB TEXT TAB URL`, info lines as their text alone; `--json`: one record a line);
//! text prints un-stuffed; binaries go to a file through `save` (or a pipe, never a
//! terminal). `fetch gopher://…` runs through [`run`]. The protocol is `proto::gopher`.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;

use ring::digest;
use serde::Serialize;

use crate::cli::cmd::fetch::{Digest, parse_sha256};
use crate::cli::common::{NetOpts, OutputOpts, TlsMode, TlsOpts};
use crate::cli::exit::Outcome;
use crate::cli::render::{Stdout, clean_text, hex, warn_as, write_out};
use crate::net::{self, Target};
use crate::progress::Progress;
use crate::proto::gopher::menu::{MenuLine, Origin, push_url, url_of};
use crate::proto::gopher::{self, Kind, Locator, client};
use crate::proto::pingpong::{LineReader, StepClock};
use crate::save::Output;
use crate::{Error, ErrorKind};

#[derive(clap::Args, Debug, Clone)]
pub struct Args {
    /// gopher:// or gophers:// URL (RFC 4266: /TYPE SELECTOR), or HOST[:PORT] for its menu
    #[arg(value_name = "URL")]
    pub url: String,

    /// Search text for a type 7 item (sent as SELECTOR TAB QUERY)
    #[arg(long, value_name = "Q")]
    pub query: Option<String>,

    /// Write the item to FILE (via FILE.part, renamed when complete); - for stdout
    #[arg(short = 'o', long, value_name = "FILE")]
    pub output: Option<PathBuf>,

    /// Save under the selector's last component (sanitised), in --output-dir or here
    #[arg(short = 'O', long, conflicts_with = "output")]
    pub remote_name: bool,

    /// Directory for -O
    #[arg(long, value_name = "DIR")]
    pub output_dir: Option<PathBuf>,

    /// The answer exactly as the server sent it: no menu rendering, no un-stuffing
    #[arg(long)]
    pub raw: bool,

    /// Fail with exit 10 unless the item's SHA-256 is HEX; the file is then not kept
    #[arg(long, value_name = "HEX", value_parser = parse_sha256)]
    pub sha256: Option<Digest>,

    #[command(flatten)]
    pub net: NetOpts,

    #[command(flatten)]
    pub tls: TlsOpts,

    #[command(flatten)]
    pub output_opts: OutputOpts,

    #[command(flatten)]
    pub probe: crate::cli::probe::ProbeOpts,
}

/// One menu line under `--json`.
#[derive(Serialize)]
struct LineJson<'a> {
    #[serde(rename = "type")]
    item_type: String,
    text: String,
    selector: String,
    host: &'a str,
    port: Option<u16>,
    url: Option<String>,
}

/// The `--json` report of a saved item.
#[derive(Serialize)]
struct ItemJson<'a> {
    url: &'a str,
    #[serde(rename = "type")]
    item_type: String,
    bytes: u64,
    file: Option<String>,
    sha256: String,
    seconds: f64,
}

/// Where the answer goes: stdout, or a file written through `.part`.
enum Sink {
    Stdout(Stdout),
    File(std::io::BufWriter<Output>),
}

impl Write for Sink {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        match self {
            Sink::Stdout(s) => s.write(buf),
            Sink::File(f) => f.write(buf),
        }
    }

    fn flush(&mut self) -> std::io::Result<()> {
        match self {
            Sink::Stdout(s) => s.flush(),
            Sink::File(f) => f.flush(),
        }
    }
}

/// The sink, counting and hashing what passes.
struct Counted {
    sink: Sink,
    bytes: u64,
    /// Only with --sha256 or --json (the report's sha256): hashing costs ~1 ns a byte.
    hasher: Option<digest::Context>,
}

impl Write for Counted {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.sink.write_all(buf)?;
        self.bytes += buf.len() as u64;
        if let Some(h) = &mut self.hasher {
            h.update(buf);
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.sink.flush()
    }
}

/// The file a run writes, if any (`None`: stdout).
fn destination(args: &Args, loc: &Locator) -> Result<Option<PathBuf>, Error> {
    if let Some(o) = &args.output {
        return Ok((o.as_os_str() != "-").then(|| o.clone()));
    }
    if args.remote_name || args.output_dir.is_some() {
        let selector = String::from_utf8_lossy(&loc.selector);
        let name = crate::http::names::sanitize(&selector)
            .ok_or_else(|| Error::usage("the selector has no file name for -O: give -o FILE"))?;
        return Ok(Some(match &args.output_dir {
            Some(dir) => dir.join(name),
            None => PathBuf::from(name),
        }));
    }
    Ok(None)
}

/// Checks the flags against the item before connecting; returns the query to send.
fn plan(args: &Args, target: &Target, loc: &Locator) -> Result<Option<Vec<u8>>, Error> {
    let t = loc.item_type;
    let shown = (t as char).escape_default().to_string();
    match gopher::kind(t) {
        Kind::Session => {
            return Err(Error::usage(format!(
                "type {shown} is a {} session, not a document: use netkit telnet telnet://{}",
                if t == b'T' {
                    "tn3270"
                } else if t == b'2' {
                    "CSO"
                } else {
                    "telnet"
                },
                target.authority()
            )));
        }
        Kind::NotAnItem => {
            return Err(Error::usage(format!(
                "type {shown} is a menu's {} line, not an item to fetch",
                if t == b'i' { "information" } else { "error" }
            )));
        }
        _ => {}
    }
    if args.tls.tls == TlsMode::Required && target.scheme.tls == net::scheme::TlsStyle::None {
        return Err(Error::new(
            ErrorKind::Tls,
            "gopher:// has no TLS upgrade (--tls required): use gophers://",
        ));
    }
    let query = match (&args.query, &loc.search) {
        (Some(q), _) => Some(q.as_bytes().to_vec()),
        (None, Some(s)) => Some(s.clone()),
        (None, None) => None,
    };
    if query.is_some() && t != b'7' {
        return Err(Error::usage(format!(
            "--query goes with a type 7 (search) item; this URL names type {shown}"
        )));
    }
    if t == b'7' && query.is_none() {
        return Err(Error::usage(
            "a type 7 item is a search: give --query TEXT (or %09TEXT in the URL)",
        ));
    }
    Ok(query)
}

pub fn run(args: Args) -> anyhow::Result<Outcome> {
    args.probe.validate(false)?;
    if args.probe.check {
        return check_url(
            &args.url,
            &args.net,
            &args.tls,
            &args.output_opts,
            &args.probe,
            "gopher",
        );
    }
    match run_one(args) {
        // `netkit gopher URL | head -1`: the reader has what it wanted.
        Err(e)
            if e.downcast_ref::<Error>().is_some_and(|e| {
                e.kind() == ErrorKind::LocalIo && e.message().ends_with("stdout closed")
            }) =>
        {
            Ok(Outcome::Success)
        }
        other => other,
    }
}

fn run_one(args: Args) -> anyhow::Result<Outcome> {
    let started = std::time::Instant::now();
    let deadline = args.net.deadline();
    let json = args.output_opts.json;
    let quiet = args.output_opts.quiet;
    let url_text = if args.url.contains("://") {
        args.url.clone()
    } else if args.url.parse::<std::net::Ipv6Addr>().is_ok() {
        format!("gopher://[{}]", args.url)
    } else {
        format!("gopher://{}", args.url)
    };
    let target = net::target::parse(&url_text, &["gopher", "gophers"])?;
    let shown_url = net::target::redacted(&url_text);
    let loc = gopher::locate(gopher::raw_path(&url_text))
        .map_err(|e| Error::usage(format!("'{shown_url}': {}", e.message())))?;
    let query = plan(&args, &target, &loc)?;
    if loc.gopher_plus && !quiet {
        warn_as(
            "gopher",
            json,
            "the URL's Gopher+ string is ignored: netkit makes plain RFC 1436 requests",
        );
    }
    let kind = gopher::kind(loc.item_type);
    let menu = kind == Kind::Menu && !args.raw;
    let path = destination(&args, &loc)?;
    if json && !menu && path.is_none() {
        return Err(Error::usage(
            "--json prints the report on stdout: save the item with -o FILE or -O",
        )
        .into());
    }
    if kind == Kind::Binary && path.is_none() && std::io::stdout().is_terminal() {
        return Err(Error::usage(format!(
            "type {} is binary data; not written to the terminal (use -o FILE, -O, or pipe it)",
            (loc.item_type as char).escape_default()
        ))
        .into());
    }
    let request = gopher::request(&loc.selector, query.as_deref())?;
    // The file is opened (and locked) before connecting: a name in the way costs nothing.
    let sink = match &path {
        Some(p) => Sink::File(std::io::BufWriter::with_capacity(
            64 * 1024,
            Output::open(p, false)?,
        )),
        None => Sink::Stdout(Stdout::new()),
    };
    let mut out = Counted {
        sink,
        bytes: 0,
        hasher: (args.sha256.is_some() || (json && !menu))
            .then(|| digest::Context::new(&digest::SHA256)),
    };
    let server = target.authority();
    let result = exchange(&args, &target, &loc, &request, kind, &mut out, deadline);
    let fail = |out: Counted, e: Error| -> anyhow::Result<Outcome> {
        if let Sink::File(f) = out.sink {
            // The buffer's bytes are dropped with the file.
            let (file, _) = f.into_parts();
            file.discard();
        }
        Err(crate::cli::common::naming_server(&server, e).into())
    };
    if let Err(e) = result {
        if let Sink::Stdout(s) = &mut out.sink {
            // What arrived before the failure is still shown (a menu cut short).
            let _ = s.flush();
        }
        return fail(out, e);
    }
    let sum = out.hasher.take().map(|h| hex(h.finish().as_ref()));
    if let (Some(want), Some(got)) = (&args.sha256, &sum)
        && *got != hex(&want.0)
    {
        return fail(
            out,
            Error::new(
                ErrorKind::CheckFailed,
                format!(
                    "SHA-256 mismatch: got {got}, expected {}; file not kept",
                    hex(&want.0)
                ),
            ),
        );
    }
    let bytes = out.bytes;
    let saved = match out.sink {
        Sink::Stdout(s) => {
            write_out(s.finish())?;
            None
        }
        Sink::File(f) => match f.into_inner() {
            Ok(file) => file.commit()?,
            Err(e) => {
                let message = format!("writing: {}", crate::error::io_words(e.error()));
                let (file, _) = e.into_inner().into_parts();
                file.discard();
                return Err(Error::new(ErrorKind::LocalIo, message).into());
            }
        },
    };
    if json && !menu {
        let mut o = Stdout::new();
        write_out(o.json(&ItemJson {
            url: &shown_url,
            item_type: (loc.item_type as char).to_string(),
            bytes,
            file: saved.as_ref().map(|p| p.display().to_string()),
            sha256: sum.unwrap_or_default(),
            seconds: started.elapsed().as_secs_f64(),
        }))?;
        write_out(o.finish())?;
    }
    Ok(Outcome::Success)
}

/// Connects, sends the request and copies the answer into `out`.
fn exchange(
    args: &Args,
    target: &Target,
    loc: &Locator,
    request: &[u8],
    kind: Kind,
    out: &mut Counted,
    deadline: net::Deadline,
) -> Result<(), Error> {
    let json = args.output_opts.json;
    let quiet = args.output_opts.quiet;
    let tls = args.tls.context("gopher", json, quiet);
    let connect = args.net.connect_options(deadline);
    let (mut stream, _peer) = net::open(target, &connect, args.net.timeout, &tls)?;
    let socket = stream
        .try_clone_socket()
        .map_err(|e| Error::new(ErrorKind::LocalIo, net::io_words(&e)))?;
    let watchdog = net::Watchdog::arm(
        socket
            .try_clone()
            .map_err(|e| Error::new(ErrorKind::LocalIo, net::io_words(&e)))?,
        deadline.instant(),
    );
    let mut transcript = args.output_opts.transcript();
    let server = target.authority();
    client::send_request(&mut stream, request, &mut transcript)?;
    let origin = Origin {
        host: target.host.clone(),
        port: target.port,
        tls: stream.is_tls(),
    };
    let result = match kind {
        Kind::Menu if !args.raw => {
            let mut lines = LineReader::new(&mut stream);
            lines.set_step_clock(StepClock::new(socket, args.net.timeout));
            menu(&mut lines, &mut transcript, &origin, json, quiet, out)
        }
        Kind::Text if !args.raw => {
            let mut lines = LineReader::new(&mut stream);
            lines.set_step_clock(StepClock::new(socket, args.net.timeout));
            client::copy_text(&mut lines, out, &server).map(|s| {
                if s.received == 0 {
                    warn_empty(json, quiet);
                }
            })
        }
        _ => {
            let progress = Progress::for_stderr(
                quiet || matches!(out.sink, Sink::Stdout(_)),
                args.output_opts.no_progress,
            );
            let label = String::from_utf8_lossy(
                loc.selector
                    .rsplit(|&b| b == b'/')
                    .next()
                    .unwrap_or_default(),
            )
            .into_owned();
            let bar = progress.bar(&clean_text(&label), None, 0);
            let mut strict = net::stream::StrictEof(&mut stream);
            let r = client::copy_raw(
                &mut strict,
                &mut |chunk| {
                    bar.advance(chunk.len() as u64);
                    out.write_all(chunk).map_err(write_error)
                },
                &server,
            );
            bar.finish();
            r.map(|_| ())
        }
    };
    let fired = watchdog.fired();
    drop(watchdog);
    stream.close();
    if fired {
        return Err(Error::new(
            ErrorKind::Timeout,
            format!("{server}: --max-time reached (raise --max-time)"),
        ));
    }
    result
}

fn write_error(e: std::io::Error) -> Error {
    if e.kind() == std::io::ErrorKind::BrokenPipe {
        Error::new(ErrorKind::LocalIo, "stdout closed")
    } else {
        Error::new(
            ErrorKind::LocalIo,
            format!("writing: {}", crate::error::io_words(&e)),
        )
    }
}

fn warn_empty(json: bool, quiet: bool) {
    if !quiet {
        warn_as("gopher", json, "the server sent nothing for this item");
    }
}

/// Renders one menu line into `buf`: `TYPE TAB TEXT TAB URL` and LF, info lines as their
/// text alone. Server text is cleaned of control characters (ANSI escapes included).
fn human_line(l: &MenuLine<'_>, origin: &Origin, buf: &mut Vec<u8>) {
    buf.clear();
    let text = String::from_utf8_lossy(l.text);
    let text = crate::auth::redact::escape_controls(&text);
    if l.item_type != b'i' {
        let t = [l.item_type];
        let t = String::from_utf8_lossy(&t);
        buf.extend_from_slice(crate::auth::redact::escape_controls(&t).as_bytes());
        buf.push(b'\t');
    }
    buf.extend_from_slice(text.as_bytes());
    if l.item_type != b'i' {
        buf.push(b'\t');
        if !push_url(l, origin, buf) {
            buf.pop();
        }
    }
    buf.push(b'\n');
}

fn menu(
    lines: &mut LineReader<&mut net::Stream>,
    transcript: &mut crate::proto::pingpong::Transcript,
    origin: &Origin,
    json: bool,
    quiet: bool,
    out: &mut Counted,
) -> Result<(), Error> {
    let mut buf = Vec::with_capacity(256);
    let mut each = |l: &MenuLine<'_>| -> Result<(), Error> {
        let r = if json {
            let host_bytes = if l.host.is_empty() && !l.is_info() {
                origin.host.as_bytes()
            } else {
                l.host
            };
            let host = String::from_utf8_lossy(host_bytes);
            let port = match (l.port, l.shape) {
                (None, gopher::menu::Shape::Repaired) => Some(origin.port),
                (p, _) => p,
            };
            let record = LineJson {
                item_type: String::from_utf8_lossy(&[l.item_type]).into_owned(),
                text: String::from_utf8_lossy(l.text).into_owned(),
                selector: String::from_utf8_lossy(l.selector).into_owned(),
                host: &host,
                port,
                url: url_of(l, origin),
            };
            serde_json::to_writer(&mut *out, &record)
                .map_err(std::io::Error::from)
                .and_then(|()| out.write_all(b"\n"))
        } else {
            human_line(l, origin, &mut buf);
            out.write_all(&buf)
        };
        r.map_err(write_error)
    };
    let summary = client::read_menu(lines, transcript, &mut each)?;
    if !quiet {
        for (n, what) in [
            (summary.untabbed, "without TAB fields shown as text"),
            (
                summary.repaired,
                "without a host or port given the server's own",
            ),
            (
                summary.bad_port,
                "with a port that is not a number shown without a URL",
            ),
        ] {
            if n > 0 {
                warn_as(
                    "gopher",
                    json,
                    &format!(
                        "warning: {n} menu line{} {what}",
                        if n == 1 { "" } else { "s" }
                    ),
                );
            }
        }
    }
    if let Some(text) = summary.error {
        return Err(gopher::refused(&origin_authority(origin), &text));
    }
    if !summary.terminated {
        if summary.received == 0 {
            return Err(net::dropped_error(
                0,
                "the server closed the connection without answering",
            ));
        }
        return Err(Error::new(
            ErrorKind::Protocol,
            format!(
                "the menu ended without its final '.' line after {} lines: it may be incomplete",
                summary.lines
            ),
        ));
    }
    Ok(())
}

fn origin_authority(o: &Origin) -> String {
    if o.host.contains(':') {
        format!("[{}]:{}", o.host, o.port)
    } else {
        format!("{}:{}", o.host, o.port)
    }
}

/// The most lines a probe reads of a Gopher reply before it stops listening.
const PROBE_MAX_LINES: usize = 100_000;

/// `gopher --check URL` (and `fetch --check gopher://…`): sends the URL's selector (empty:
/// the root menu) and reads the reply to its end, `.` or the close, within `-t` per line. A
/// reply that is empty, or a menu whose first item is an error (type 3, RFC 1436 §3.8) or
/// no menu item at all, fails the probe.
pub fn check_url(
    url: &str,
    net_opts: &NetOpts,
    tls_opts: &TlsOpts,
    output: &OutputOpts,
    probe: &crate::cli::probe::ProbeOpts,
    command: &str,
) -> anyhow::Result<Outcome> {
    use crate::cli::probe as cli_probe;
    use crate::probe::Phase;
    let url_text = if url.contains("://") {
        url.to_owned()
    } else if url.parse::<std::net::Ipv6Addr>().is_ok() {
        format!("gopher://[{url}]")
    } else {
        format!("gopher://{url}")
    };
    let ctx = cli_probe::Context {
        command,
        service: "GOPHER",
        url: &url_text,
        probe,
        output,
    };
    cli_probe::run(&ctx, |recorder| {
        let target = net::target::parse(&url_text, &["gopher", "gophers"])?;
        let loc = gopher::locate(gopher::raw_path(&url_text)).map_err(|e| {
            Error::usage(format!(
                "'{}': {}",
                net::target::redacted(&url_text),
                e.message()
            ))
        })?;
        let request = gopher::request(&loc.selector, None)?;
        let tls = tls_opts.context(command, output.json, output.quiet);
        let deadline = net_opts.deadline();
        let stream = crate::probe::open(
            &target,
            &net_opts.connect_options(deadline),
            net_opts.timeout,
            &tls,
            recorder,
        )?;
        let server = target.authority();
        recorder.phase(Phase::Request);
        cli_probe::guarded(stream, deadline, &server, |mut stream| {
            let mut transcript = output.transcript().with_recorder(recorder.clone());
            client::send_request(&mut stream, &request, &mut transcript)?;
            let socket = stream
                .try_clone_socket()
                .map_err(|e| Error::new(ErrorKind::LocalIo, net::io_words(&e)))?;
            let mut lines = LineReader::new(&mut stream);
            lines.set_step_clock(StepClock::new(socket, net_opts.timeout));
            let mut first: Option<Vec<u8>> = None;
            for _ in 0..PROBE_MAX_LINES {
                let Some(line) = lines.read_line()? else {
                    break;
                };
                transcript.received(line);
                if first.is_none() {
                    first = Some(line.to_vec());
                }
                if line == b"." {
                    break;
                }
            }
            drop(lines);
            stream.close();
            // A menu's first item is shown by its display text, not its raw fields.
            if let Some(l) = first.as_deref().filter(|l| l.contains(&b'\t')) {
                let display = l.split(|&b| b == b'\t').next().unwrap_or_default();
                recorder.set_greeting(&String::from_utf8_lossy(
                    display.get(1..).unwrap_or_default(),
                ));
            }
            match first {
                None => Err(Error::new(
                    ErrorKind::Protocol,
                    "the server closed the connection without a reply",
                )),
                Some(l)
                    if gopher::kind(loc.item_type) == Kind::Menu && l.first() == Some(&b'3') =>
                {
                    Err(Error::new(
                        ErrorKind::Refused,
                        format!(
                            "the server answered with an error item: {}",
                            clean_text(&String::from_utf8_lossy(l.get(1..).unwrap_or_default()))
                        ),
                    ))
                }
                // gophernicus answers a missing selector with a bare text line.
                Some(l) if gopher::kind(loc.item_type) == Kind::Menu && !l.contains(&b'\t') => {
                    Err(Error::new(
                        ErrorKind::Protocol,
                        format!(
                            "the reply is not a menu: {}",
                            clean_text(&String::from_utf8_lossy(&l))
                        ),
                    ))
                }
                Some(_) => Ok(()),
            }
        })
    })
}
