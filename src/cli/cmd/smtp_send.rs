//! `netkit smtp-send`: send one message over SMTP (SPEC §7, §8). Parses flags, gathers the
//! message and credentials, prints the per-recipient report; the session itself is
//! `crate::proto::smtp`.

use std::fs::File;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::Context;

use crate::auth::sasl::Mechanism;
use crate::cli::common::{ClientOpts, listed};
use crate::cli::exit::Outcome;
use crate::cli::probe::{self as cli_probe, ProbeOpts};
use crate::cli::render::{Stdout, warn};
use crate::net::{self, TlsContext, TlsPolicy, TlsSettings};
use crate::proto::pingpong::Transcript;
use crate::proto::smtp::compose::{self, Draft};
use crate::proto::smtp::message::{self, Outgoing};
use crate::proto::smtp::{self, Envelope, Options, Peer, Report};
use crate::{Error, ErrorKind};

#[derive(clap::Args, Debug)]
pub struct Args {
    /// The server: smtp://HOST[:PORT], smtps://HOST[:PORT] or HOST[:PORT]
    #[arg(value_name = "URL")]
    pub url: String,

    /// A raw RFC 5322 message file to send as it is, or - for stdin
    #[arg(value_name = "MESSAGE")]
    pub message: Option<String>,

    /// Refuse to send more than BYTES (exit 1): a file over it is refused before it is read,
    /// stdin or a pipe as its spooling passes it; the server's SIZE limit bounds the
    /// spooling too and is checked before MAIL FROM. Input that is not a regular file is
    /// spooled to a temporary file after EHLO (a raw message's header block before
    /// connecting), at most 256 MiB in all without this flag
    #[arg(long, value_name = "BYTES")]
    pub max_size: Option<u64>,

    /// Send an empty raw message anyway (by default empty input is refused: a cron job's
    /// empty stdin is a mistake, not a message)
    #[arg(long)]
    pub allow_empty: bool,

    /// Envelope sender and From: (default: the From: of a raw message)
    #[arg(long, value_name = "ADDR")]
    pub from: Option<String>,

    /// Recipient (To: header and envelope); repeat for more. With none of --to/--cc/--bcc, a raw message's To:, Cc: and Bcc: are the recipients (as sendmail -t), and its Bcc: is removed before sending
    #[arg(long, value_name = "ADDR")]
    pub to: Vec<String>,

    /// Recipient in Cc: and the envelope; repeat for more
    #[arg(long, value_name = "ADDR")]
    pub cc: Vec<String>,

    /// Envelope-only recipient: never in a header; repeat for more
    #[arg(long, value_name = "ADDR")]
    pub bcc: Vec<String>,

    /// Subject of a composed message
    #[arg(long, value_name = "TEXT", conflicts_with = "message")]
    pub subject: Option<String>,

    /// Body text of a composed message
    #[arg(long, value_name = "TEXT", conflicts_with_all = ["message", "body_file"])]
    pub body: Option<String>,

    /// Body text of a composed message, from FILE
    #[arg(long, value_name = "FILE", conflicts_with = "message")]
    pub body_file: Option<PathBuf>,

    /// Attach FILE (base64, type from its name); repeat for more
    #[arg(long, value_name = "FILE", conflicts_with = "message")]
    pub attach: Vec<PathBuf>,

    /// Extra header 'Name: value' for a composed message; repeat for more
    #[arg(long, value_name = "'NAME: VALUE'", conflicts_with = "message")]
    pub header: Vec<String>,

    /// Port 587 (message submission) when the URL names no port
    #[arg(long)]
    pub submission: bool,

    /// Go up to RCPT, then RSET and QUIT: nothing is delivered
    #[arg(long)]
    pub dry_run: bool,

    /// DSN: NEVER, or a comma list of SUCCESS, FAILURE, DELAY (when the server offers DSN)
    #[arg(long, value_name = "WHEN", value_parser = parse_notify)]
    pub notify: Option<String>,

    /// DSN: return FULL message or HDRS only in bounces
    #[arg(long, value_name = "FULL|HDRS", value_parser = parse_ret)]
    pub ret: Option<String>,

    /// SASL mechanism: PLAIN, LOGIN, CRAM-MD5 or XOAUTH2 (default: strongest offered)
    #[arg(long = "auth", value_name = "MECH", ignore_case = true,
          value_parser = listed(["PLAIN", "LOGIN", "CRAM-MD5", "XOAUTH2"], Mechanism::parse))]
    pub mechanism: Option<Mechanism>,

    /// OAuth2 bearer token for XOAUTH2, first line of FILE
    #[arg(long, value_name = "FILE")]
    pub oauth2_token_file: Option<PathBuf>,

    /// Name to send in EHLO (default: this host's name)
    #[arg(long, value_name = "NAME")]
    pub helo: Option<String>,

    #[command(flatten)]
    pub client: ClientOpts,

    #[command(flatten)]
    pub probe: ProbeOpts,
}

fn parse_notify(text: &str) -> Result<String, String> {
    let upper = text.to_ascii_uppercase();
    let words: Vec<&str> = upper.split(',').collect();
    let ok = if words == ["NEVER"] {
        true
    } else {
        words
            .iter()
            .all(|w| matches!(*w, "SUCCESS" | "FAILURE" | "DELAY"))
    };
    ok.then_some(upper)
        .ok_or_else(|| "expected NEVER or a comma list of SUCCESS, FAILURE, DELAY".to_owned())
}

fn parse_ret(text: &str) -> Result<String, String> {
    let upper = text.to_ascii_uppercase();
    matches!(upper.as_str(), "FULL" | "HDRS")
        .then_some(upper)
        .ok_or_else(|| "expected FULL or HDRS".to_owned())
}

pub fn run(args: Args) -> anyhow::Result<Outcome> {
    args.probe.validate(false)?;
    if args.probe.check {
        return check(&args);
    }
    let started = Instant::now();
    let stdin_uses = usize::from(
        args.body_file
            .as_deref()
            .is_some_and(|p| p.as_os_str() == "-"),
    ) + args.attach.iter().filter(|p| p.as_os_str() == "-").count()
        + usize::from(args.message.as_deref() == Some("-"));
    if stdin_uses > 1 {
        return Err(Error::usage(
            "stdin (-) can be read once: give it to one of MESSAGE, --body-file, --attach",
        )
        .into());
    }
    // --max-time runs from here: reading the message is part of the run.
    let deadline = args.client.net.deadline();
    let bounds = crate::local::Bounds {
        max_bytes: args.max_size,
        deadline: deadline.instant(),
    };
    let quiet = args.client.output.quiet;
    let mut target = net::target::parse(&args.url, &["smtp", "smtps"])?;
    if args.submission && !target.port_given && target.scheme.name == "smtp" {
        target.port = 587;
    }
    let domain = args
        .helo
        .clone()
        .or_else(|| crate::hostinfo::system::host_name().ok())
        .unwrap_or_else(|| "localhost".to_owned());

    let split = |flag: &str, list: &[String]| -> Result<Vec<String>, Error> {
        let mut all = Vec::new();
        for item in list {
            all.extend(compose::split_addresses(flag, item)?);
        }
        Ok(all)
    };
    let to = split("--to", &args.to)?;
    let cc = split("--cc", &args.cc)?;
    let bcc = split("--bcc", &args.bcc)?;
    if let Some(from) = &args.from {
        compose::split_addresses("--from", from)?;
    }
    let (to_send, from, header_recipients) = message_to_send(&args, &to, &cc, &domain, bounds)?;
    // A draft is composed now, unless an input must be spooled: then after EHLO, so that
    // the server's SIZE stops the spooling as it passes it. A raw message from a pipe is
    // spooled then too.
    let (draft, mut ready, mut spooling) = match to_send {
        ToSend::Raw(outgoing) => (None, Some(outgoing), None),
        ToSend::Spooling(raw) => (None, None, Some(raw)),
        ToSend::Draft(draft) => (Some(draft), None, None),
    };
    let mut deferred = match &draft {
        Some(d) => Some(compose::prepare(d)?),
        None => None,
    };
    if let Some(prepared) = deferred.take_if(|p| !p.needs_spooling()) {
        ready = Some(Outgoing::composed(prepared.compose(None)?));
    }
    if let Some(outgoing) = &ready {
        check_max_size(outgoing, args.max_size)?;
    }
    let mut recipients: Vec<String> = Vec::new();
    for r in to.iter().chain(&cc).chain(&bcc) {
        let addr =
            message::address_in(r).ok_or_else(|| Error::usage(format!("'{r}': not an address")))?;
        if !recipients.contains(&addr) {
            recipients.push(addr);
        }
    }
    if recipients.is_empty() {
        // No recipient flag: a raw message's To:, Cc: and Bcc: are the recipients, as with
        // `sendmail -t` (Bcc: itself is never sent).
        for field in header_recipients {
            for r in compose::split_addresses("the message's To:/Cc:/Bcc:", &field)? {
                if let Some(addr) = message::address_in(&r)
                    && !recipients.contains(&addr)
                {
                    recipients.push(addr);
                }
            }
        }
    }
    if recipients.is_empty() {
        return Err(Error::usage(
            "no recipient: give --to, --cc or --bcc, or To:/Cc: in the message",
        )
        .into());
    }
    let envelope = Envelope { from, recipients };

    let (user, secret, oauth2) = args.client.auth.login(
        &target,
        "smtp-send",
        args.client.output.json,
        quiet,
        args.oauth2_token_file.as_deref(),
    )?;
    let policy = args.client.tls.tls.policy();
    if args.client.tls.insecure && !quiet {
        warn(
            "smtp-send",
            "warning: --insecure: the server's certificate is not verified",
        );
    }
    let tls = TlsContext::new(
        TlsSettings {
            cacert: args.client.tls.cacert.clone(),
            insecure: args.client.tls.insecure,
        },
        policy,
    );
    let net = &args.client.net;
    let opts = Options {
        helo_name: domain,
        cleartext_auth_ok: target.is_loopback() || policy == TlsPolicy::Never,
        user,
        secret,
        oauth2,
        mechanism: args.mechanism,
        dry_run: args.dry_run,
        notify: args.notify.clone(),
        ret: args.ret.clone(),
        handshake_timeout: net.connect_timeout,
        idle_timeout: net.timeout,
        progress: crate::progress::Progress::for_stderr(quiet, args.client.output.no_progress),
    };
    let server = target.authority();
    let (stream, _peer) = net::open(&target, &net.connect_options(deadline), net.timeout, &tls)?;
    let connect_secs = started.elapsed().as_secs_f64();
    let transcript = if quiet {
        Transcript::off()
    } else {
        Transcript::stderr(args.client.output.verbose)
    };
    let peer = Peer {
        stream,
        host: &target.host,
        server: &server,
        tls: &tls,
        transcript,
        started,
        connect_secs,
    };
    let watchdog = net::Watchdog::arm(peer.stream.try_clone_socket()?, deadline.instant());
    let max_size = args.max_size;
    let message = match (&mut ready, deferred) {
        (Some(outgoing), _) => smtp::Message::Ready(outgoing),
        (None, Some(prepared)) => {
            let server = server.as_str();
            smtp::Message::AfterEhlo(Box::new(move |limit| {
                let outgoing = Outgoing::composed(prepared.compose(limit.map(|l| (l, server)))?);
                check_max_size(&outgoing, max_size)?;
                Ok(outgoing)
            }))
        }
        (None, None) => match spooling.take() {
            Some(raw) => {
                let (server, domain) = (server.as_str(), opts.helo_name.as_str());
                smtp::Message::AfterEhlo(Box::new(move |limit| {
                    let outgoing = raw.finish(limit.map(|l| (l, server)), domain)?;
                    check_max_size(&outgoing, max_size)?;
                    Ok(outgoing)
                }))
            }
            None => return Err(Error::usage("nothing to send").into()),
        },
    };
    let report = smtp::send(peer, &envelope, message, &opts).map_err(|e| {
        if watchdog.fired() {
            Error::new(
                ErrorKind::Timeout,
                format!(
                    "{server}: --max-time reached before the message was sent (raise --max-time)"
                ),
            )
        } else if e.message().contains(server.as_str()) {
            e
        } else {
            // Every message names the peer (SPEC §5).
            Error::new(e.kind(), format!("{server}: {}", e.message()))
        }
    })?;
    drop(watchdog);
    for w in &report.warnings {
        if !quiet {
            warn("smtp-send", &format!("warning: {w}"));
        }
    }
    let mut out = Stdout::new();
    if args.client.output.json {
        out.json(&report)?;
    } else {
        print_human(&mut out, &report)?;
    }
    out.finish().context("writing stdout")?;
    Ok(match report.outcome() {
        None => Outcome::Success,
        Some(kind) => Outcome::Exit(kind),
    })
}

/// Flags that compose a message (else the message is raw: a file or stdin).
fn composing(args: &Args) -> bool {
    args.subject.is_some()
        || args.body.is_some()
        || args.body_file.is_some()
        || !args.attach.is_empty()
        || !args.header.is_empty()
}

/// The message and the envelope sender: a raw message (file or stdin) or one composed from
/// the flags.
fn message_to_send(
    args: &Args,
    to: &[String],
    cc: &[String],
    domain: &str,
    bounds: crate::local::Bounds,
) -> anyhow::Result<(ToSend, String, Vec<String>)> {
    if composing(args) || args.message.is_none() && std::io::stdin().is_terminal() {
        let from = args
            .from
            .clone()
            .ok_or_else(|| Error::usage("--from is needed to compose a message"))?;
        let headers = args
            .header
            .iter()
            .map(|h| compose::parse_header(h))
            .collect::<Result<Vec<_>, _>>()?;
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        let draft = Draft {
            from,
            to: to.to_vec(),
            cc: cc.to_vec(),
            subject: args.subject.clone(),
            body: args.body.clone(),
            body_file: args.body_file.clone(),
            attachments: args.attach.clone(),
            bounds,
            headers,
            message_id: message::new_message_id(domain),
            date_unix: i64::try_from(now).unwrap_or(i64::MAX),
        };
        let from = message::address_in(&draft.from).unwrap_or_default();
        return Ok((ToSend::Draft(Box::new(draft)), from, Vec::new()));
    }
    let (path, shown) = match args.message.as_deref() {
        Some("-") | None => ("-", "stdin".to_owned()),
        Some(path) => (path, crate::cli::render::clean_text(path)),
    };
    let empty = || {
        Error::usage(format!(
            "the message on {shown} is empty: nothing to send (--allow-empty sends it anyway)"
        ))
    };
    let (to_send, facts) = match compose::open_input(Path::new(path), &shown, None)? {
        // A regular file (stdin redirected from one too) is read in place, twice.
        compose::Opened::Sized(input) => {
            if input.len == 0 && !args.allow_empty {
                return Err(empty().into());
            }
            let outgoing = Outgoing::prepare(Box::new(input.file), domain)?;
            let facts = (
                outgoing.from_header.clone(),
                outgoing.header_recipients.clone(),
            );
            (ToSend::Raw(outgoing), facts)
        }
        // A pipe or a device: only the header block is read now (the sender and recipients
        // are checked before connecting); the rest is spooled after EHLO, within the
        // server's SIZE.
        compose::Opened::ToSpool(source) => {
            let raw = RawSpool::start(source, shown.clone(), bounds)?;
            if raw.read == 0 && raw.eof && !args.allow_empty {
                return Err(empty().into());
            }
            let facts = message::header_facts(&raw.head);
            (ToSend::Spooling(Box::new(raw)), facts)
        }
    };
    let (from_header, header_recipients) = facts;
    let from = match (&args.from, from_header) {
        (Some(f), _) => message::address_in(f).unwrap_or_default(),
        (None, Some(f)) => f,
        (None, None) => {
            return Err(Error::usage("no sender: give --from or a From: header").into());
        }
    };
    Ok((to_send, from, header_recipients))
}

/// A raw message from a pipe, spooled to a temporary file in two steps: its header block
/// before connecting, the rest once the server's SIZE is known.
struct RawSpool {
    source: File,
    spool: File,
    /// The first bytes, up to the end of the header block (at most 1 MiB and a read).
    head: Vec<u8>,
    read: u64,
    eof: bool,
    shown: String,
    bounds: crate::local::Bounds,
}

impl RawSpool {
    fn start(
        mut source: File,
        shown: String,
        bounds: crate::local::Bounds,
    ) -> anyhow::Result<RawSpool> {
        let mut spool = tempfile::tempfile().context("creating a temporary file for stdin")?;
        let mut head = Vec::new();
        let within = crate::local::Bounds {
            max_bytes: Some(bounds.max_bytes.unwrap_or(compose::SPOOL_MAX)),
            ..bounds
        };
        let (read, eof) =
            crate::local::copy_until(&mut source, &mut spool, within, &shown, 0, |chunk| {
                let room = message::MAX_HEADER_BLOCK.saturating_sub(head.len());
                head.extend_from_slice(&chunk[..chunk.len().min(room)]);
                message::header_block_read(&head)
            })?;
        Ok(RawSpool {
            source,
            spool,
            head,
            read,
            eof,
            shown,
            bounds,
        })
    }

    /// Spools the rest within `--max-size` (or [`compose::SPOOL_MAX`]) and the server's
    /// SIZE, stopping as soon as the spool passes the lower, and prepares the message.
    fn finish(mut self, server: compose::ServerLimit<'_>, domain: &str) -> Result<Outgoing, Error> {
        let own = self.bounds.max_bytes.unwrap_or(compose::SPOOL_MAX);
        let limit = server.map_or(own, |(size, _)| own.min(size));
        if !self.eof {
            let within = crate::local::Bounds {
                max_bytes: Some(limit),
                ..self.bounds
            };
            crate::local::copy_until(
                &mut self.source,
                &mut self.spool,
                within,
                &self.shown,
                self.read,
                |_| false,
            )
            .map_err(|e| compose::over_server_size(e, &self.shown, server, own))?;
        }
        self.spool.flush().map_err(|e| {
            Error::new(
                ErrorKind::LocalIo,
                format!("spooling {}: {}", self.shown, crate::error::io_words(&e)),
            )
        })?;
        Outgoing::prepare(Box::new(self.spool), domain)
    }
}

/// A raw message, prepared or still spooling; or a draft still to compose.
enum ToSend {
    Raw(Outgoing),
    Spooling(Box<RawSpool>),
    Draft(Box<Draft>),
}

/// `--max-size` against the whole message (its size is known before anything is sent).
fn check_max_size(outgoing: &Outgoing, max_size: Option<u64>) -> Result<(), Error> {
    match max_size.filter(|&m| outgoing.size > m) {
        Some(max) => Err(Error::new(
            ErrorKind::Refused,
            format!(
                "the message is {} bytes, over --max-size ({max} bytes): not sent",
                outgoing.size
            ),
        )),
        None => Ok(()),
    }
}

fn print_human(out: &mut Stdout, report: &Report) -> std::io::Result<()> {
    for r in &report.recipients {
        let verdict = if r.accepted { "accepted" } else { "refused" };
        let status = r
            .enhanced_status
            .as_deref()
            .map(|s| format!(" {s}"))
            .unwrap_or_default();
        out.line(&format!(
            "{}: {verdict} ({}{status} {})",
            r.address, r.code, r.text
        ))?;
    }
    let accepted = report.recipients.iter().filter(|r| r.accepted).count();
    if report.dry_run {
        out.line(&format!(
            "dry run: nothing sent; {accepted} of {} recipients would be accepted",
            report.recipients.len()
        ))?;
    } else if let Some(q) = &report.queue_reply {
        out.line(&format!(
            "sent to {accepted} of {}: {q}",
            report.recipients.len()
        ))?;
    } else {
        out.line("not sent: no recipient was accepted")?;
    }
    Ok(())
}

/// `smtp-send --check URL`: greeting, EHLO, STARTTLS per `--tls`, AUTH with credentials,
/// NOOP, QUIT. No envelope or message is needed: nothing is sent.
fn check(args: &Args) -> anyhow::Result<Outcome> {
    if args.message.is_some() || composing(args) || !args.to.is_empty() || args.dry_run {
        return Err(Error::usage("--check takes only the URL: it sends no message").into());
    }
    let ctx = cli_probe::Context {
        command: "smtp-send",
        service: "SMTP",
        url: &args.url,
        probe: &args.probe,
        output: &args.client.output,
    };
    cli_probe::run(&ctx, |recorder| {
        let c = &args.client;
        let (json, quiet) = (c.output.json, c.output.quiet);
        let mut target = net::target::parse(&args.url, &["smtp", "smtps"])?;
        if args.submission && !target.port_given && target.scheme.name == "smtp" {
            target.port = 587;
        }
        let (user, secret, oauth2) = c.auth.login(
            &target,
            "smtp-send",
            json,
            quiet,
            args.oauth2_token_file.as_deref(),
        )?;
        let tls = c.tls.context("smtp-send", json, quiet);
        let policy = c.tls.tls.policy();
        let opts = Options {
            helo_name: args
                .helo
                .clone()
                .or_else(|| crate::hostinfo::system::host_name().ok())
                .unwrap_or_else(|| "localhost".to_owned()),
            cleartext_auth_ok: target.is_loopback() || policy == TlsPolicy::Never,
            user,
            secret,
            oauth2,
            mechanism: args.mechanism,
            handshake_timeout: c.net.connect_timeout,
            idle_timeout: c.net.timeout,
            ..Options::default()
        };
        let deadline = c.net.deadline();
        let stream = crate::probe::open(
            &target,
            &c.net.connect_options(deadline),
            c.net.timeout,
            &tls,
            recorder,
        )?;
        recorder.phase(crate::probe::Phase::Greeting);
        let server = target.authority();
        cli_probe::guarded(stream, deadline, &server, |stream| {
            let peer = Peer {
                stream,
                host: &target.host,
                server: &server,
                tls: &tls,
                transcript: c.output.transcript().with_recorder(recorder.clone()),
                started: Instant::now(),
                connect_secs: 0.0,
            };
            smtp::probe(peer, &opts)
        })
    })
}
