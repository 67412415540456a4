//! `netkit timeserver`: flags, the log stream (text or JSON Lines, SPEC §8) and the summary.
//! The serving itself is `crate::timeserver`.
//!
//! Log lines go through a shared buffer that one writer thread empties every 20 ms: the
//! serving threads never wait for stdout (a paused terminal or a full pipe drops log lines
//! past 1 MiB, counted and reported at the end, rather than stopping the service), and under
//! load one `write` carries many lines.

use std::io::{self, Write};
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use anyhow::Context as _;
use clap::ValueEnum;

use crate::cli::exit::Outcome;
use crate::cli::render::warn;
use crate::net::{Family, resolve};
use crate::proto::time::daytime::{self, Format};
use crate::proto::time::{Protocol, Transport, UnixTime};
use crate::timeserver::{self, Config, Event, Server, Sink, Summary, inetd, listen};
use crate::{Error, ErrorKind};

const NAME: &str = "timeserver";

/// `--proto` for both time commands.
#[derive(ValueEnum, Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ProtoArg {
    /// RFC 867: one line of text
    #[default]
    Daytime,
    /// RFC 868: 4-byte seconds since 1900
    Time,
    /// RFC 4330 SNTP (UDP only)
    Ntp,
}

impl From<ProtoArg> for Protocol {
    fn from(p: ProtoArg) -> Protocol {
        match p {
            ProtoArg::Daytime => Protocol::Daytime,
            ProtoArg::Time => Protocol::Time,
            ProtoArg::Ntp => Protocol::Ntp,
        }
    }
}

/// Time formats (`--format`).
#[derive(ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum FormatArg {
    /// Tue Nov 24 18:09:22 2026 (local time, as Python's time.ctime())
    Ctime,
    /// 2026-11-24T18:09:22.123456Z (UTC)
    Rfc3339,
    /// 1795543762 (seconds since 1970)
    Unix,
}

impl From<FormatArg> for Format {
    fn from(f: FormatArg) -> Format {
        match f {
            FormatArg::Ctime => Format::Ctime,
            FormatArg::Rfc3339 => Format::Rfc3339,
            FormatArg::Unix => Format::Unix,
        }
    }
}

#[derive(ValueEnum, Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum LogArg {
    /// connection from ADDR:PORT
    #[default]
    Text,
    /// JSON Lines
    Json,
    /// No per-client lines (errors still go to stderr)
    Off,
}

#[derive(clap::Args, Debug)]
pub struct Args {
    /// Address to listen on (repeatable); default: every IPv4 and IPv6 address
    #[arg(short = 'l', long = "listen", value_name = "ADDR")]
    pub listen: Vec<String>,

    /// Port of every listener; 0 picks a free one and prints it as the first line
    #[arg(short = 'p', long, value_name = "PORT", default_value_t = timeserver::DEFAULT_PORT)]
    pub port: u16,

    /// Protocol to serve
    #[arg(long, value_enum, value_name = "PROTO", default_value_t)]
    pub proto: ProtoArg,

    /// Serve TCP (default: TCP and UDP; NTP is UDP only)
    #[arg(long)]
    pub tcp: bool,

    /// Serve UDP (default: TCP and UDP)
    #[arg(long)]
    pub udp: bool,

    /// Daytime line format [default: ctime]
    #[arg(long, value_enum, value_name = "FORMAT")]
    pub format: Option<FormatArg>,

    /// NTP: serve the local clock as a source of this stratum (1-15), leap 0. Without it replies say stratum 10, leap 3 (not synchronised), so clients do not take this clock as a source
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u8).range(1..=15))]
    pub stratum: Option<u8>,

    /// Most TCP clients open at once
    #[arg(long, value_name = "N", default_value_t = 1024, value_parser = clap::value_parser!(u32).range(1..))]
    pub max_conns: u32,

    /// Serve one client, then exit
    #[arg(long)]
    pub once: bool,

    /// Serve one exchange on stdin/stdout, for inetd/xinetd (logs go to stderr)
    #[arg(long, conflicts_with_all = ["listen", "once"])]
    pub inetd: bool,

    /// Per-client log on stdout
    #[arg(long, value_enum, value_name = "FORMAT", default_value_t)]
    pub log: LogArg,

    /// The same as --log json (every command's --json)
    #[arg(long, conflicts_with_all = ["log", "quiet"])]
    pub json: bool,

    /// No per-client log and no summary (errors still go to stderr)
    #[arg(short = 'q', long, conflicts_with = "log")]
    pub quiet: bool,

    /// Listen on IPv4 only
    #[arg(short = '4', long = "ipv4", conflicts_with = "ipv6")]
    pub ipv4: bool,

    /// Listen on IPv6 only
    #[arg(short = '6', long = "ipv6")]
    pub ipv6: bool,
}

impl Args {
    pub fn wants_json(&self) -> bool {
        self.log() == LogArg::Json
    }

    /// The log `--log`, `--json` or `-q` asked for.
    fn log(&self) -> LogArg {
        match (self.json, self.quiet) {
            (true, _) => LogArg::Json,
            (_, true) => LogArg::Off,
            _ => self.log,
        }
    }
}

pub fn run(args: Args) -> anyhow::Result<Outcome> {
    let protocol = Protocol::from(args.proto);
    if args.format.is_some() && protocol != Protocol::Daytime {
        return Err(Error::usage("--format applies to --proto daytime only").into());
    }
    if protocol == Protocol::Ntp && args.tcp {
        return Err(Error::usage("NTP is served over UDP only: drop --tcp").into());
    }
    if args.stratum.is_some() && protocol != Protocol::Ntp {
        return Err(Error::usage("--stratum applies to --proto ntp only").into());
    }
    let family = match (args.ipv4, args.ipv6) {
        (true, _) => Family::V4,
        (_, true) => Family::V6,
        _ => Family::Any,
    };
    let transports = match (protocol, args.tcp, args.udp) {
        (Protocol::Ntp, _, _) => vec![Transport::Udp],
        (_, true, false) => vec![Transport::Tcp],
        (_, false, true) => vec![Transport::Udp],
        _ => vec![Transport::Tcp, Transport::Udp],
    };
    let config = Config {
        listen: listen_addrs(&args.listen, family)?,
        port: args.port,
        family,
        protocol,
        transports,
        format: args.format.map(Format::from).unwrap_or_default(),
        stratum: args.stratum,
        max_conns: args.max_conns as usize,
        once: args.once,
    };
    if args.inetd {
        // stdout is the client: the log goes to stderr.
        let sink = LogSink::start(args.log(), Target::Stderr);
        let served = inetd::serve(&config, sink.as_ref());
        sink.finish();
        return match served? {
            true => Ok(Outcome::Success),
            false => Ok(Outcome::Exit(ErrorKind::Protocol)),
        };
    }
    // Socket activation is looked at before any thread starts (it edits the environment).
    let inherited = listen::activated().context("socket activation")?;
    if inherited.is_some() && !args.listen.is_empty() {
        warn(NAME, "socket-activated: -l is ignored");
    }
    let stderr_sink = StderrSink {
        json: args.wants_json(),
    };
    let server = Server::bind(config, inherited, &stderr_sink)?;
    if args.port == 0 {
        let port = server.port().unwrap_or(0);
        let mut out = io::stdout().lock();
        writeln!(out, "{port}").and_then(|()| out.flush())?;
    }
    let sink = LogSink::start(args.log(), Target::Stdout);
    let summary = server.run(sink.clone());
    let dropped_lines = sink.finish();
    let summary = summary?;
    if dropped_lines > 0 {
        warn(
            NAME,
            &format!("{dropped_lines} log lines dropped: stdout did not keep up"),
        );
    }
    if !args.quiet {
        print_summary(args.log(), &summary)?;
    }
    Ok(Outcome::Success)
}

/// `-l` values: IP literals (brackets allowed) or names, every address of a name.
fn listen_addrs(values: &[String], family: Family) -> anyhow::Result<Vec<IpAddr>> {
    let mut out = Vec::new();
    for v in values {
        let host = v
            .strip_prefix('[')
            .and_then(|h| h.strip_suffix(']'))
            .unwrap_or(v);
        let addrs =
            resolve(host, 0, family, Duration::from_secs(10)).with_context(|| format!("-l {v}"))?;
        for a in addrs {
            if !out.contains(&a.ip()) {
                out.push(a.ip());
            }
        }
    }
    Ok(out)
}

fn print_summary(log: LogArg, s: &Summary) -> io::Result<()> {
    let mut out = io::stdout().lock();
    match log {
        LogArg::Json => {
            let v = serde_json::json!({
                "time": daytime::rfc3339(UnixTime::now(), 6),
                "event": "summary",
                "clients": s.clients,
                "errors": s.errors,
                "dropped": s.dropped,
            });
            writeln!(out, "{v}")?;
        }
        _ => writeln!(out, "served {} clients, {} errors", s.clients, s.errors)?,
    }
    out.flush()
}

fn peer_text(peer: Option<SocketAddr>) -> String {
    peer.map_or_else(|| "-".to_owned(), |p| p.to_string())
}

/// Errors and warnings: stderr, at once (they are rare), as text or JSON.
fn report(json: bool, event: &Event) {
    let line = match (json, event) {
        (true, Event::Error { peer, message }) => serde_json::json!({
            "time": daytime::rfc3339(UnixTime::now(), 6),
            "event": "error", "peer": peer.map(|p| p.to_string()), "message": message,
        })
        .to_string(),
        (true, Event::Warning(message)) => serde_json::json!({
            "time": daytime::rfc3339(UnixTime::now(), 6),
            "event": "warning", "message": message,
        })
        .to_string(),
        (false, Event::Error { peer, message }) => {
            format!("netkit {NAME}: {}: {message}", peer_text(*peer))
        }
        (false, Event::Warning(message)) => format!("netkit {NAME}: warning: {message}"),
        (_, Event::Connection { .. }) => return,
    };
    let _ = writeln!(io::stderr().lock(), "{line}");
}

struct StderrSink {
    json: bool,
}

impl Sink for StderrSink {
    fn event(&self, event: Event) {
        report(self.json, &event);
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Target {
    Stdout,
    Stderr,
}

/// The per-client log: serving threads append formatted lines to a shared buffer (capped);
/// one writer thread sleeps until the buffer gets its first line, lets a batch gather for
/// `FLUSH_EVERY`, and writes it. An idle server's writer sleeps in the kernel (no timer);
/// a busy one is woken once per batch, not per client.
struct LogSink {
    log: LogArg,
    buffer: Arc<std::sync::Mutex<Vec<u8>>>,
    wake: Arc<std::sync::Condvar>,
    done: Arc<std::sync::atomic::AtomicBool>,
    writer: std::sync::Mutex<Option<std::thread::JoinHandle<()>>>,
    dropped: AtomicU64,
}

/// Lines wait at most this long before they are written.
const FLUSH_EVERY: Duration = Duration::from_millis(20);
/// Beyond this much unwritten log (stdout stuck), lines are dropped and counted.
const MAX_BUFFERED: usize = 1 << 20;

impl LogSink {
    fn start(log: LogArg, target: Target) -> Arc<LogSink> {
        let buffer = Arc::new(std::sync::Mutex::new(Vec::with_capacity(64 * 1024)));
        let wake = Arc::new(std::sync::Condvar::new());
        let done = Arc::new(std::sync::atomic::AtomicBool::new(false));
        let writer = if log == LogArg::Off {
            None
        } else {
            let (buffer, wake, done) = (Arc::clone(&buffer), Arc::clone(&wake), Arc::clone(&done));
            std::thread::Builder::new()
                .name("log".into())
                .spawn(move || write_log(target, &buffer, &wake, &done))
                .ok()
        };
        Arc::new(LogSink {
            log,
            buffer,
            wake,
            done,
            writer: std::sync::Mutex::new(writer),
            dropped: AtomicU64::new(0),
        })
    }

    /// Writes what is left and stops the writer; returns the lines dropped.
    fn finish(&self) -> u64 {
        // Under the lock, so the writer cannot miss the wake between its check and its wait.
        let guard = self.buffer.lock();
        self.done.store(true, Ordering::SeqCst);
        drop(guard);
        self.wake.notify_one();
        if let Some(handle) = self.writer.lock().ok().and_then(|mut w| w.take()) {
            let _ = handle.join();
        }
        self.dropped.load(Ordering::Relaxed)
    }
}

impl Sink for LogSink {
    fn event(&self, event: Event) {
        if !matches!(event, Event::Connection { .. }) {
            report(self.log == LogArg::Json, &event);
            return;
        }
        if self.log == LogArg::Off {
            return;
        }
        let Ok(mut buf) = self.buffer.lock() else {
            return;
        };
        if buf.len() > MAX_BUFFERED {
            self.dropped.fetch_add(1, Ordering::Relaxed);
            return;
        }
        let first = buf.is_empty();
        let _ = write_event(&mut *buf, self.log, &event);
        drop(buf);
        if first {
            self.wake.notify_one();
        }
    }
}

fn write_log(
    target: Target,
    buffer: &std::sync::Mutex<Vec<u8>>,
    wake: &std::sync::Condvar,
    done: &std::sync::atomic::AtomicBool,
) {
    let mut spare = Vec::with_capacity(64 * 1024);
    loop {
        let Ok(mut buf) = buffer.lock() else { return };
        while buf.is_empty() && !done.load(Ordering::SeqCst) {
            buf = match wake.wait(buf) {
                Ok(b) => b,
                Err(_) => return,
            };
        }
        let mut last = done.load(Ordering::SeqCst);
        drop(buf);
        if !last {
            // Let a batch gather: a busy server writes every FLUSH_EVERY, not per client.
            std::thread::sleep(FLUSH_EVERY);
            last = done.load(Ordering::SeqCst);
        }
        if let Ok(mut buf) = buffer.lock() {
            std::mem::swap(&mut *buf, &mut spare);
        }
        if !spare.is_empty() {
            let written = match target {
                Target::Stdout => io::stdout()
                    .lock()
                    .write_all(&spare)
                    .and_then(|()| io::stdout().flush()),
                Target::Stderr => io::stderr().lock().write_all(&spare),
            };
            spare.clear();
            if written.is_err() {
                // stdout is gone (closed pipe): keep serving, stop logging.
                return;
            }
        }
        if last {
            return;
        }
    }
}

fn write_event(out: &mut dyn Write, log: LogArg, event: &Event) -> io::Result<()> {
    let Event::Connection {
        time,
        transport,
        peer,
    } = event
    else {
        return Ok(());
    };
    match log {
        LogArg::Json => {
            let v = serde_json::json!({
                "time": daytime::rfc3339(*time, 6),
                "event": "connection",
                "proto": transport.name(),
                "peer": peer_text(*peer),
            });
            writeln!(out, "{v}")
        }
        _ => writeln!(out, "connection from {}", peer_text(*peer)),
    }
}
