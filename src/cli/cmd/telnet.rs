//! `netkit telnet URL|HOST [PORT]` (SPEC §7, issue 17): scripted `--send`/`--expect` steps for
//! CI (exit 10 names the step that did not match), pipe mode when stdin is not a terminal,
//! interactive with the terminal in raw mode otherwise (`^]` for a prompt), and `--check`.
//! The negotiation is `proto::telnet`'s sans-IO state machine; this file moves bytes.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::os::fd::AsRawFd;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use clap::{ArgMatches, FromArgMatches};
use serde::Serialize;

use crate::cli::common::{NetOpts, OutputOpts};
use crate::cli::exit::Outcome;
use crate::cli::probe::{self as cli_probe, ProbeOpts};
use crate::cli::render::{Stdout, write_out};
use crate::cli::tty;
use crate::net;
use crate::proto::telnet::{BRK, IAC, Negotiator, Offer};
use crate::{Error, ErrorKind};

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

#[derive(Debug, Clone)]
enum Step {
    Send(String),
    Expect(regex_lite::Regex, String),
}

#[derive(Serialize)]
struct StepJson {
    step: usize,
    kind: &'static str,
    text: String,
    ok: bool,
    seconds: f64,
}

fn expect_step(pattern: &str, k: usize) -> Result<Step, Error> {
    regex_lite::Regex::new(pattern)
        .map(|re| Step::Expect(re, pattern.to_owned()))
        .map_err(|e| {
            Error::usage(format!(
                "step {k}: --expect '{pattern}' is not a regex: {e}"
            ))
        })
}

/// The steps in command-line order (`--send` and `--expect` interleave), or from `--script`.
fn steps(m: &ArgMatches, args: &Args) -> Result<Vec<Step>, Error> {
    if let Some(path) = &args.script {
        let text =
            std::fs::read_to_string(path).map_err(|e| crate::save::local("reading", path, &e))?;
        let mut out = Vec::new();
        for (n, line) in text.lines().enumerate() {
            let line = line.trim_end_matches('\r');
            if line.trim().is_empty() || line.trim_start().starts_with('#') {
                continue;
            }
            let (word, rest) = line.split_once(' ').unwrap_or((line, ""));
            out.push(match word {
                "send" => Step::Send(rest.to_owned()),
                "expect" => expect_step(rest, out.len() + 1)?,
                _ => {
                    return Err(Error::usage(format!(
                        "{}:{}: expected 'send TEXT' or 'expect REGEX'",
                        path.display(),
                        n + 1
                    )));
                }
            });
        }
        return Ok(out);
    }
    let mut indexed: Vec<(usize, bool, &String)> = Vec::new();
    for (id, values, is_send) in [
        ("send", &args.send, true),
        ("expect", &args.probe.expect, false),
    ] {
        if let Some(indices) = m.indices_of(id) {
            indexed.extend(indices.zip(values).map(|(i, v)| (i, is_send, v)));
        }
    }
    indexed.sort_by_key(|(i, _, _)| *i);
    indexed
        .into_iter()
        .enumerate()
        .map(|(k, (_, is_send, v))| {
            if is_send {
                Ok(Step::Send(v.clone()))
            } else {
                expect_step(v, k + 1)
            }
        })
        .collect()
}

/// `data` after `carry` as text, except an incomplete UTF-8 sequence at the end, which stays
/// in `carry` for the next read (decoded alone, each half would be U+FFFD and a regex
/// for the character could never match).
fn utf8_chunk(carry: &mut Vec<u8>, data: &[u8]) -> String {
    carry.extend_from_slice(data);
    let len = carry.len();
    let mut tail = 0;
    for back in 1..=len.min(3) {
        let b = carry[len - back];
        if b & 0xc0 == 0x80 {
            continue;
        }
        let need = match b {
            0xc0..=0xdf => 2,
            0xe0..=0xef => 3,
            0xf0..=0xf7 => 4,
            _ => 1,
        };
        if need > back {
            tail = back;
        }
        break;
    }
    let text = String::from_utf8_lossy(&carry[..len - tail]).into_owned();
    carry.drain(..len - tail);
    text
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

/// One connection and its negotiation.
struct Link {
    sock: TcpStream,
    neg: Negotiator,
    verbose: bool,
    closed: bool,
}

enum Got {
    Data(Vec<u8>),
    Nothing,
    Closed,
}

fn poll_fds(fds: &mut [libc::pollfd], wait: Duration) -> std::io::Result<usize> {
    let ms = wait.as_millis().min(i32::MAX as u128) as i32;
    // SAFETY: fds is a valid slice of pollfd for the call's duration.
    let n = unsafe { libc::poll(fds.as_mut_ptr(), fds.len() as libc::nfds_t, ms) };
    if n < 0 {
        let e = std::io::Error::last_os_error();
        if e.kind() == std::io::ErrorKind::Interrupted {
            return Ok(0);
        }
        return Err(e);
    }
    Ok(n as usize)
}

fn io_error(what: &str, e: &std::io::Error) -> Error {
    Error::new(
        ErrorKind::Protocol,
        format!("{what}: {}", crate::error::io_words(e)),
    )
}

impl Link {
    fn write(&mut self, bytes: &[u8]) -> Result<(), Error> {
        if bytes.is_empty() {
            return Ok(());
        }
        self.sock
            .write_all(bytes)
            .map_err(crate::proto::pingpong::write_error)
    }

    fn note(&self, text: &str) {
        if self.verbose {
            eprintln!("{text}");
        }
    }

    /// Acknowledges at once instead of after Linux's 40 ms delayed ACK: a server that writes
    /// an echo and then a prompt (telnetd does) holds the prompt under Nagle until that ACK,
    /// which would add 40 ms to every step of a dialogue. The flag does not stick, so it is
    /// set again after each read.
    fn quick_ack(&self) {
        let one: libc::c_int = 1;
        // SAFETY: a valid socket fd and a c_int option value of the right size.
        unsafe {
            libc::setsockopt(
                self.sock.as_raw_fd(),
                libc::IPPROTO_TCP,
                libc::TCP_QUICKACK,
                (&one as *const libc::c_int).cast(),
                std::mem::size_of::<libc::c_int>() as libc::socklen_t,
            );
        }
    }

    /// Sends user data (IAC doubled, CR per the BINARY rule).
    fn send(&mut self, data: &[u8]) -> Result<(), Error> {
        let mut out = Vec::with_capacity(data.len() + 8);
        self.neg.encode(data, &mut out);
        self.write(&out)
    }

    /// Whatever the socket has now (it is readable): data after negotiation.
    fn read_ready(&mut self) -> Result<Got, Error> {
        let mut buf = [0u8; 16 * 1024];
        let n = match self.sock.read(&mut buf) {
            Ok(0) => {
                self.closed = true;
                return Ok(Got::Closed);
            }
            Ok(n) => n,
            Err(e)
                if matches!(
                    e.kind(),
                    std::io::ErrorKind::WouldBlock | std::io::ErrorKind::Interrupted
                ) =>
            {
                return Ok(Got::Nothing);
            }
            Err(e) if e.kind() == std::io::ErrorKind::ConnectionReset => {
                self.closed = true;
                return Ok(Got::Closed);
            }
            Err(e) => return Err(io_error("connection lost while reading", &e)),
        };
        self.quick_ack();
        let (mut data, mut replies) = (Vec::new(), Vec::new());
        self.neg.receive(&buf[..n], &mut data, &mut replies);
        if !replies.is_empty() {
            self.note(&format!("> {}", crate::proto::telnet::describe(&replies)));
            self.write(&replies)?;
        }
        Ok(Got::Data(data))
    }

    /// Waits up to `wait` for data.
    fn read(&mut self, wait: Duration) -> Result<Got, Error> {
        let mut fds = [libc::pollfd {
            fd: self.sock.as_raw_fd(),
            events: libc::POLLIN,
            revents: 0,
        }];
        if poll_fds(&mut fds, wait).map_err(|e| io_error("poll", &e))? == 0 {
            return Ok(Got::Nothing);
        }
        self.read_ready()
    }
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

fn script(
    link: &mut Link,
    steps: &[Step],
    args: &Args,
    deadline: net::Deadline,
) -> Result<Outcome, Error> {
    let json = args.output.json;
    let mut stdout = std::io::stdout();
    let mut text = String::new();
    let mut received = String::new();
    // A character split between two reads waits here for its other bytes.
    let mut carry: Vec<u8> = Vec::new();
    let mut report: Vec<StepJson> = Vec::new();
    let mut failed: Option<Error> = None;
    for (k, step) in steps.iter().enumerate() {
        let began = Instant::now();
        match step {
            Step::Send(t) => {
                link.note(&format!("> send {t}"));
                let mut line = t.clone().into_bytes();
                line.extend_from_slice(b"\r\n");
                link.send(&line)?;
                report.push(StepJson {
                    step: k + 1,
                    kind: "send",
                    text: t.clone(),
                    ok: true,
                    seconds: began.elapsed().as_secs_f64(),
                });
            }
            Step::Expect(re, src) => {
                let until = deadline
                    .cap(args.net.timeout)
                    .map(|d| began + d)
                    .unwrap_or(began);
                let mut why = if deadline.is_binding(args.net.timeout) {
                    "before --max-time (raise --max-time)"
                } else {
                    "within the step timeout (raise -t)"
                };
                let matched = loop {
                    if let Some(m) = re.find(&text) {
                        let end = m.end();
                        text.drain(..end);
                        break true;
                    }
                    if link.closed {
                        why = "before the connection closed";
                        break false;
                    }
                    let left = until.saturating_duration_since(Instant::now());
                    if left.is_zero() {
                        break false;
                    }
                    if let Got::Data(d) = link.read(left.min(Duration::from_millis(500)))? {
                        if !json {
                            let _ = stdout.write_all(&d).and_then(|()| stdout.flush());
                        }
                        let chunk = utf8_chunk(&mut carry, &d);
                        text.push_str(&chunk);
                        if json && received.len() < 1 << 20 {
                            received.push_str(&chunk);
                        }
                        if text.len() > 1 << 20 {
                            let cut = text.len() - (1 << 19);
                            let cut = (cut..text.len())
                                .find(|&i| text.is_char_boundary(i))
                                .unwrap_or(0);
                            text.drain(..cut);
                        }
                    }
                };
                link.note(&format!(
                    "< expect /{src}/: {}",
                    if matched { "matched" } else { "not matched" }
                ));
                report.push(StepJson {
                    step: k + 1,
                    kind: "expect",
                    text: src.clone(),
                    ok: matched,
                    seconds: began.elapsed().as_secs_f64(),
                });
                if !matched {
                    failed = Some(Error::new(
                        ErrorKind::CheckFailed,
                        format!("step {} (expect /{src}/) did not match {why}", k + 1),
                    ));
                    break;
                }
            }
        }
    }
    if json {
        let mut out = Stdout::new();
        write_out(out.json(&serde_json::json!({
            "steps": report, "ok": failed.is_none(), "received": received
        })))?;
        write_out(out.finish())?;
    }
    let _ = link.sock.shutdown(std::net::Shutdown::Both);
    match failed {
        Some(e) => Err(e),
        None => Ok(Outcome::Success),
    }
}

/// stdin is not a terminal: it goes to the server (LF as CR LF), the server's data to
/// stdout; after stdin's end the server has `-t` of silence to finish.
fn max_time_reached() -> Error {
    Error::new(ErrorKind::Timeout, "--max-time reached (raise --max-time)")
}

fn pipe(link: &mut Link, idle: Duration, deadline: net::Deadline) -> Result<Outcome, Error> {
    let mut stdin_open = true;
    let mut stdout = std::io::stdout();
    let mut buf = [0u8; 16 * 1024];
    loop {
        let mut fds = vec![libc::pollfd {
            fd: link.sock.as_raw_fd(),
            events: libc::POLLIN,
            revents: 0,
        }];
        if stdin_open {
            fds.push(libc::pollfd {
                fd: 0,
                events: libc::POLLIN,
                revents: 0,
            });
        }
        let wait = if stdin_open {
            Duration::from_secs(3600)
        } else {
            idle
        };
        let wait = deadline.cap(wait).ok_or_else(max_time_reached)?;
        if poll_fds(&mut fds, wait).map_err(|e| io_error("poll", &e))? == 0 {
            if deadline.cap(wait).is_none() {
                return Err(max_time_reached());
            }
            if !stdin_open {
                return Ok(Outcome::Success);
            }
            continue;
        }
        if fds[0].revents != 0 {
            match link.read_ready()? {
                Got::Data(d) => {
                    stdout
                        .write_all(&d)
                        .and_then(|()| stdout.flush())
                        .map_err(|e| {
                            Error::new(
                                ErrorKind::LocalIo,
                                format!("writing: {}", crate::error::io_words(&e)),
                            )
                        })?
                }
                Got::Closed => return Ok(Outcome::Success),
                Got::Nothing => {}
            }
        }
        if stdin_open && fds.get(1).is_some_and(|f| f.revents != 0) {
            let n = std::io::stdin().lock().read(&mut buf).map_err(|e| {
                Error::new(
                    ErrorKind::LocalIo,
                    format!("reading stdin: {}", crate::error::io_words(&e)),
                )
            })?;
            if n == 0 {
                stdin_open = false;
                continue;
            }
            let mut data = Vec::with_capacity(n + 16);
            let mut prev = 0u8;
            for &b in &buf[..n] {
                if b == b'\n' && prev != b'\r' {
                    data.push(b'\r');
                }
                data.push(b);
                prev = b;
            }
            link.send(&data)?;
        }
    }
}

const ESCAPE: u8 = 0x1d; // ^]

fn interactive_loop(
    link: &mut Link,
    server: &str,
    deadline: net::Deadline,
) -> Result<Outcome, Error> {
    tty::catch_signals();
    let mut raw = tty::RawMode::enter(0).map_err(|e| {
        Error::new(
            ErrorKind::LocalIo,
            format!("terminal: {}", crate::error::io_words(&e)),
        )
    })?;
    eprint!("Connected to {server}. Escape character is '^]'.\r\n");
    let mut stdout = std::io::stdout();
    let mut buf = [0u8; 4096];
    let outcome = loop {
        if let Some(sig) = tty::stop_signal() {
            break Err(Error::new(
                ErrorKind::Interrupted,
                format!("stopped by signal {sig}"),
            ));
        }
        if deadline.cap(Duration::from_millis(250)).is_none() {
            break Err(max_time_reached());
        }
        if tty::take_resized()
            && let Some((c, r)) = tty::window_size(0)
        {
            let naws = link.neg.resize(c, r);
            link.write(&naws)?;
        }
        let mut fds = [
            libc::pollfd {
                fd: link.sock.as_raw_fd(),
                events: libc::POLLIN,
                revents: 0,
            },
            libc::pollfd {
                fd: 0,
                events: libc::POLLIN,
                revents: 0,
            },
        ];
        if poll_fds(&mut fds, Duration::from_millis(250)).map_err(|e| io_error("poll", &e))? == 0 {
            continue;
        }
        if fds[0].revents != 0 {
            match link.read_ready()? {
                Got::Data(d) => {
                    let _ = stdout.write_all(&d).and_then(|()| stdout.flush());
                }
                Got::Closed => {
                    raw.suspend();
                    eprintln!("\nConnection closed by foreign host.");
                    break Ok(Outcome::Success);
                }
                Got::Nothing => {}
            }
        }
        if fds[1].revents != 0 {
            let n = std::io::stdin().lock().read(&mut buf).unwrap_or(0);
            if n == 0 {
                break Ok(Outcome::Success);
            }
            let typed = &buf[..n];
            let (before, escaped) = match typed.iter().position(|&b| b == ESCAPE) {
                Some(i) => (&typed[..i], true),
                None => (typed, false),
            };
            if !link.neg.remote_echo() {
                let shown: Vec<u8> = before
                    .iter()
                    .flat_map(|&b| {
                        if b == b'\r' {
                            vec![b'\r', b'\n']
                        } else {
                            vec![b]
                        }
                    })
                    .collect();
                let _ = stdout.write_all(&shown).and_then(|()| stdout.flush());
            }
            link.send(before)?;
            if escaped {
                raw.suspend();
                let quit = prompt(link, server)?;
                if quit {
                    break Ok(Outcome::Success);
                }
                raw.resume().map_err(|e| {
                    Error::new(
                        ErrorKind::LocalIo,
                        format!("terminal: {}", crate::error::io_words(&e)),
                    )
                })?;
            }
        }
    };
    drop(raw);
    outcome
}

/// The `^]` prompt, with the terminal cooked: true means quit.
fn prompt(link: &mut Link, server: &str) -> Result<bool, Error> {
    loop {
        eprint!("\nnetkit telnet> ");
        // Cooked mode: the terminal makes stdin readable once a whole line is typed. Until
        // then the signal flags are looked at (read_line alone retries after EINTR, so a
        // SIGTERM would wait for Enter).
        loop {
            if let Some(sig) = tty::stop_signal() {
                return Err(Error::new(
                    ErrorKind::Interrupted,
                    format!("stopped by signal {sig}"),
                ));
            }
            let mut fds = [libc::pollfd {
                fd: 0,
                events: libc::POLLIN,
                revents: 0,
            }];
            if poll_fds(&mut fds, Duration::from_millis(250)).map_err(|e| io_error("poll", &e))? > 0
            {
                break;
            }
        }
        let mut line = String::new();
        if std::io::stdin().read_line(&mut line).unwrap_or(0) == 0 {
            return Ok(true);
        }
        match line.trim() {
            "" => return Ok(false),
            "quit" | "q" | "close" => return Ok(true),
            "send brk" | "brk" | "break" => {
                link.write(&[IAC, BRK])?;
                return Ok(false);
            }
            "status" => {
                let (echo, _) = link.neg.is_on(crate::proto::telnet::ECHO);
                let (_, naws) = link.neg.is_on(crate::proto::telnet::NAWS);
                eprintln!(
                    "Connected to {server}; remote echo {}, window size {}.",
                    if echo { "on" } else { "off" },
                    if naws { "sent" } else { "not negotiated" }
                );
            }
            _ => eprintln!("commands: quit, send brk, status (an empty line goes back)"),
        }
    }
}

/// How long `--check` listens for a greeting when no `--expect` asks for one: telnetd and
/// busybox send their negotiation and banner at once; a silent service is not a failure.
const CHECK_LISTEN: Duration = Duration::from_millis(1000);
/// Once text (not only negotiation) came, a pause this long ends the greeting: a banner
/// and prompt arrive in one burst, and a monitor should not wait longer than it must.
const CHECK_QUIET: Duration = Duration::from_millis(10);

/// `telnet --check TARGET`: connect, answer the option negotiation, read what the server
/// sends first (within a short wait, or with `--expect REGEX…` until each matched or -t
/// passed: exit 10 otherwise), close. The greeting shown is its first line of text.
fn check(args: &Args) -> anyhow::Result<Outcome> {
    if !args.send.is_empty() || args.script.is_some() {
        return Err(
            Error::usage("--check takes no --send or --script steps (only --expect)").into(),
        );
    }
    let url = args.target.join(":");
    // The regexes are matched here, on the text after negotiation, not as substrings.
    let mut probe = args.probe.clone();
    let patterns = std::mem::take(&mut probe.expect);
    let ctx = cli_probe::Context {
        command: "telnet",
        service: "TELNET",
        url: &url,
        probe: &probe,
        output: &args.output,
    };
    cli_probe::run(&ctx, |recorder| {
        let regexes = patterns
            .iter()
            .enumerate()
            .map(|(k, p)| match expect_step(p, k + 1)? {
                Step::Expect(re, _) => Ok(re),
                Step::Send(_) => Err(Error::usage("not a regex")),
            })
            .collect::<Result<Vec<_>, Error>>()?;
        let target = target(args)?;
        let deadline = args.net.deadline();
        recorder.phase(crate::probe::Phase::Connect);
        let connected = net::connect(
            &target.host,
            target.port,
            &args.net.connect_options(deadline),
        )?;
        recorder.phase(crate::probe::Phase::Greeting);
        let mut link = Link {
            sock: connected.stream,
            neg: Negotiator::new(Offer::default()),
            verbose: args.output.verbose > 0,
            closed: false,
        };
        let _ = link.sock.set_nodelay(true);
        link.sock
            .set_write_timeout(Some(args.net.timeout))
            .map_err(|e| io_error("socket", &e))?;
        let start = link.neg.start();
        link.write(&start)?;
        let began = Instant::now();
        let limit = if regexes.is_empty() {
            CHECK_LISTEN.min(args.net.timeout)
        } else {
            args.net.timeout
        };
        let until = began + deadline.cap(limit).unwrap_or(Duration::ZERO);
        let (mut text, mut carry) = (String::new(), Vec::new());
        let mut heard = false;
        loop {
            let done = if regexes.is_empty() {
                false
            } else {
                regexes.iter().all(|re| re.is_match(&text))
            };
            let left = until.saturating_duration_since(Instant::now());
            if done || link.closed || left.is_zero() {
                break;
            }
            let wait = if heard && regexes.is_empty() {
                left.min(CHECK_QUIET)
            } else {
                left
            };
            match link.read(wait)? {
                Got::Data(d) => {
                    text.push_str(&utf8_chunk(&mut carry, &d));
                    heard = text.chars().any(|c| !c.is_whitespace() && !c.is_control());
                    if text.len() > 1 << 20 {
                        break;
                    }
                }
                Got::Nothing if heard && regexes.is_empty() => break,
                Got::Nothing | Got::Closed => {}
            }
        }
        if let Some(first) = text.lines().map(str::trim).find(|l| !l.is_empty()) {
            recorder.set_greeting(first);
        }
        let missing = regexes
            .iter()
            .zip(&patterns)
            .find(|(re, _)| !re.is_match(&text));
        if let Some((_, pattern)) = missing {
            let why = if link.closed {
                "before the connection closed"
            } else if deadline.is_binding(limit) {
                "before --max-time"
            } else {
                "within -t"
            };
            return Err(Error::new(
                ErrorKind::CheckFailed,
                format!(
                    "{}: --expect '{}' did not match what the server sent {why}",
                    target.authority(),
                    crate::cli::render::clean_text(pattern)
                ),
            ));
        }
        recorder.phase(crate::probe::Phase::Quit);
        let _ = link.sock.shutdown(std::net::Shutdown::Both);
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn characters_split_between_reads_are_decoded_whole() {
        let mut carry = Vec::new();
        assert_eq!(utf8_chunk(&mut carry, b"caf\xc3"), "caf");
        assert_eq!(utf8_chunk(&mut carry, b"\xa9 ok"), "\u{e9} ok");
        assert_eq!(
            utf8_chunk(&mut carry, "日".as_bytes().get(..1).unwrap()),
            ""
        );
        assert_eq!(
            utf8_chunk(&mut carry, "日".as_bytes().get(1..).unwrap()),
            "日"
        );
        // Bytes that are not UTF-8 at all are not held back.
        assert_eq!(utf8_chunk(&mut carry, b"a\xff"), "a\u{fffd}");
        assert_eq!(
            utf8_chunk(&mut carry, b"\x80\x80\x80"),
            "\u{fffd}\u{fffd}\u{fffd}"
        );
        assert!(carry.is_empty());
    }
}
