//! `netkit pop ACTION URL …` (SPEC §7, issue 14): ls, get, rm, stat and fetch over one
//! session of `proto::pop`. `fetch` saves into `mail` (Maildir or mbox) with the state
//! store beside it; the action word is a positional, so options go anywhere after `pop`.

use std::path::PathBuf;
use std::time::Instant;

use serde::Serialize;

use crate::cli::common::{ClientOpts, listed, naming_server};
use crate::cli::exit::Outcome;
use crate::cli::probe::{self as cli_probe, ProbeOpts, Word, WordParser};
use crate::cli::render::{Stdout, write_out};
use crate::net::{self, TlsPolicy};
use crate::progress::Progress;
use crate::proto::pop::client::Login;
use crate::proto::pop::fetch::{self as pop_fetch, FetchOptions, FetchReport};
use crate::proto::pop::{self, Session};
use crate::save::Output;
use crate::{Error, ErrorKind};

#[derive(clap::ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// List messages: number, size, unique id
    Ls,
    /// Print or save one message
    Get,
    /// Delete messages by number (or --uid)
    Rm,
    /// Count messages and octets
    Stat,
    /// Save messages into a Maildir or an mbox
    Fetch,
}

#[derive(clap::Args, Debug)]
pub struct Args {
    /// What to do: ls, get, rm, stat, fetch
    #[arg(value_name = "ACTION", value_parser = WordParser::<Action>::new())]
    pub word: Word<Action>,

    /// The action of `word` (set by `run`).
    #[arg(skip = Action::Ls)]
    pub action: Action,

    /// pop3:// or pop3s:// URL, then message numbers (get: one; rm: one or more)
    // Required unless --check: checked in `run`, so that a URL where the action should be
    // is reported as the bad action it is.
    #[arg(value_name = "ARG")]
    pub operands: Vec<String>,

    /// get, rm: select by unique id (UIDL) instead of number; repeatable for rm
    #[arg(long, value_name = "UIDL")]
    pub uid: Vec<String>,

    /// get: write to FILE (via FILE.part) instead of stdout
    #[arg(short = 'o', long, value_name = "FILE")]
    pub output: Option<PathBuf>,

    /// get: headers only (TOP N 0)
    #[arg(long)]
    pub headers: bool,

    /// fetch: save into the Maildir DIR (created with tmp/ new/ cur/ when missing)
    #[arg(long, value_name = "DIR", conflicts_with = "mbox")]
    pub maildir: Option<PathBuf>,

    /// fetch: append to the mboxrd FILE (locked with flock and FILE.lock)
    #[arg(long, value_name = "FILE")]
    pub mbox: Option<PathBuf>,

    /// fetch: only messages not saved by an earlier run (state in DIR/.netkit-state or
    /// FILE.netkit-state)
    #[arg(long)]
    pub new: bool,

    /// fetch: delete each message from the server once it is saved and recorded
    #[arg(long)]
    pub delete: bool,

    /// fetch: at most N messages this run
    #[arg(long, value_name = "N")]
    pub limit: Option<u64>,

    /// fetch: leave messages larger than BYTES on the server
    #[arg(long, value_name = "BYTES")]
    pub max_size: Option<u64>,

    /// Login: USER, APOP, or a SASL mechanism (PLAIN, LOGIN, CRAM-MD5, XOAUTH2); default:
    /// the strongest SASL mechanism offered, else APOP, else USER/PASS
    #[arg(long = "auth", value_name = "MECH", ignore_case = true,
          value_parser = listed(["USER", "APOP", "PLAIN", "LOGIN", "CRAM-MD5", "XOAUTH2"], Login::parse))]
    pub login: Option<Login>,

    /// OAuth2 bearer token for XOAUTH2, first line of FILE
    #[arg(long, value_name = "FILE")]
    pub oauth2_token_file: Option<PathBuf>,

    #[command(flatten)]
    pub client: ClientOpts,

    #[command(flatten)]
    pub probe: ProbeOpts,
}

#[derive(Serialize)]
struct MessageJson<'a> {
    number: u64,
    uid: Option<&'a str>,
    size: u64,
}

#[derive(Serialize)]
struct FetchJson<'a> {
    url: &'a str,
    destination: String,
    #[serde(flatten)]
    report: &'a FetchReport,
    seconds: f64,
}

fn message_number(text: &str) -> Result<u64, Error> {
    match text.parse::<u64>() {
        Ok(n) if n > 0 && text.bytes().all(|b| b.is_ascii_digit()) => Ok(n),
        _ => Err(Error::usage(format!(
            "'{text}' is not a message number (use --uid for a unique id)"
        ))),
    }
}

pub fn run(mut args: Args) -> anyhow::Result<Outcome> {
    // `stat URL --check` keeps its meaning (exit 1 without mail, as fetchmail -c); without
    // an action word, --check probes the server.
    let stat_check = matches!(args.word, Word::Action(Action::Stat));
    if !stat_check {
        args.probe.validate(false)?;
    }
    if args.probe.check && !stat_check {
        return match &args.word {
            Word::Target(url) if args.operands.is_empty() => check(&args, url),
            _ => Err(Error::usage(
                "--check takes the URL alone, without an action word (stat URL --check: exit 1 without mail)",
            )
            .into()),
        };
    }
    args.action = args.word.action()?;
    if args.operands.is_empty() {
        return Err(
            Error::usage("the following required arguments were not provided: <ARG>...").into(),
        );
    }
    let started = Instant::now();
    let deadline = args.client.net.deadline();
    let url = args.operands[0].as_str();
    let rest = &args.operands[1..];
    let numbers: Vec<u64> = rest
        .iter()
        .map(|t| message_number(t))
        .collect::<Result<_, _>>()?;
    match args.action {
        Action::Get if numbers.len() + args.uid.len() != 1 => {
            return Err(Error::usage("get takes URL N, or URL --uid UIDL").into());
        }
        Action::Rm if numbers.is_empty() && args.uid.is_empty() => {
            return Err(Error::usage(
                "rm takes URL N… or --uid UIDL…: nothing is deleted without explicit ids",
            )
            .into());
        }
        Action::Ls | Action::Stat | Action::Fetch if !rest.is_empty() || !args.uid.is_empty() => {
            return Err(Error::usage(
                format!("{:?} takes only the URL", args.action).to_lowercase(),
            )
            .into());
        }
        Action::Fetch if args.maildir.is_none() && args.mbox.is_none() => {
            return Err(Error::usage("fetch needs --maildir DIR or --mbox FILE").into());
        }
        _ => {}
    }
    let fetch_only = args.maildir.is_some()
        || args.mbox.is_some()
        || args.new
        || args.delete
        || args.limit.is_some()
        || args.max_size.is_some();
    if fetch_only && args.action != Action::Fetch {
        return Err(Error::usage(
            "--maildir, --mbox, --new, --delete, --limit and --max-size go with fetch",
        )
        .into());
    }
    let target = net::target::parse(url, &["pop3", "pop3s"])?;
    let quiet = args.client.output.quiet;
    let json = args.client.output.json;
    let url_shown = net::target::redacted(url);
    let (user, secret, oauth2) = args.client.auth.login(
        &target,
        "pop",
        json,
        quiet,
        args.oauth2_token_file.as_deref(),
    )?;
    if user.is_none() {
        return Err(Error::new(
            ErrorKind::Auth,
            "a POP3 login needs a user name (pop3://USER@host, -u USER or ~/.netrc)",
        )
        .into());
    }
    // The destination is opened (and locked) before connecting: a second run, or a file in
    // the way, should not cost a login.
    let mut store = match args.action {
        Action::Fetch => Some(crate::mail::open_destination(
            args.maildir.as_deref(),
            args.mbox.as_deref(),
        )?),
        _ => None,
    };
    let c = &args.client;
    let policy = c.tls.tls.policy();
    let tls = c.tls.context("pop", json, quiet);
    let connect = c.net.connect_options(deadline);
    let (stream, _peer) = net::open(&target, &connect, c.net.timeout, &tls)?;
    let transcript = c.output.transcript();
    let server = target.authority();
    let key = format!(
        "pop3://{}@{server}",
        crate::url::quote::quote(user.as_deref().unwrap_or("").as_bytes(), b"")
    );
    let opts = pop::Options {
        user,
        secret,
        oauth2,
        login: args.login,
        cleartext_auth_ok: target.is_loopback() || policy == TlsPolicy::Never,
        handshake_timeout: c.net.connect_timeout,
        idle_timeout: c.net.timeout,
    };
    let with_server = |e: Error| naming_server(&server, e);
    let mut session = Session::open(
        pop::Peer {
            stream,
            host: &target.host,
            server: &server,
            tls: &tls,
            transcript,
        },
        &opts,
    )
    .map_err(with_server)?;
    let watchdog = net::Watchdog::arm(session.socket()?, deadline.instant());
    let mut out = Stdout::new();
    let result = match args.action {
        Action::Ls => ls(&mut session, json, &mut out),
        Action::Stat => stat(&mut session, &args, &mut out),
        Action::Get => get(&mut session, &args, numbers.first().copied(), &mut out),
        Action::Rm => rm(&mut session, &args, &numbers, &mut out),
        Action::Fetch => {
            let (sink, state) = store
                .as_mut()
                .map(|(s, st)| (s.as_mut(), st))
                .ok_or_else(|| Error::usage("fetch needs --maildir DIR or --mbox FILE"))?;
            let fopts = FetchOptions {
                key,
                new_only: args.new,
                delete: args.delete,
                limit: args.limit,
                max_size: args.max_size,
            };
            let progress = Progress::for_stderr(quiet, c.output.no_progress);
            let bar = progress.bar("pop fetch", None, 0);
            let r = pop_fetch::fetch(&mut session, sink, state, &fopts, &bar);
            bar.finish();
            r.and_then(|report| {
                print_fetch(
                    &mut out,
                    json,
                    &url_shown,
                    sink.describe(),
                    &report,
                    started,
                )?;
                Ok(fetch_outcome(&report))
            })
        }
    };
    let fired = watchdog.fired();
    drop(watchdog);
    let result = match result {
        Ok(outcome) => session.quit().map(|()| outcome),
        Err(e) => {
            // No QUIT after a failure: the server then applies no DELE of this session.
            session.abandon();
            Err(e)
        }
    };
    let outcome = result.map_err(|e| {
        if fired {
            Error::new(
                ErrorKind::Timeout,
                format!("{server}: --max-time reached (raise --max-time)"),
            )
        } else {
            with_server(e)
        }
    })?;
    write_out(out.finish())?;
    Ok(outcome)
}

fn ls(session: &mut Session, json: bool, out: &mut Stdout) -> Result<Outcome, Error> {
    let list = session.list()?;
    let uids: std::collections::HashMap<u64, String> = match session.uidl() {
        Ok(u) => u.into_iter().collect(),
        Err(e) if e.kind() == ErrorKind::Refused => Default::default(),
        Err(e) => return Err(e),
    };
    for (number, size) in list {
        let uid = uids.get(&number).map(String::as_str);
        if json {
            write_out(out.json(&MessageJson { number, uid, size }))?;
        } else {
            write_out(out.line(&format!("{number} {size} {}", uid.unwrap_or("-"))))?;
        }
    }
    Ok(Outcome::Success)
}

fn stat(session: &mut Session, args: &Args, out: &mut Stdout) -> Result<Outcome, Error> {
    let (count, octets) = session.stat()?;
    if args.client.output.json {
        write_out(out.json(&serde_json::json!({"count": count, "octets": octets})))?;
    } else {
        write_out(out.line(&format!("{count} {octets}")))?;
    }
    Ok(if args.probe.check && count == 0 {
        Outcome::Exit(ErrorKind::Refused)
    } else {
        Outcome::Success
    })
}

/// The message number of `--uid UIDL`.
fn number_of(session: &mut Session, uid: &str) -> Result<u64, Error> {
    let shown = crate::cli::render::clean_text(uid);
    let found: Vec<u64> = session
        .uidl()?
        .into_iter()
        .filter(|(_, u)| u == uid)
        .map(|(n, _)| n)
        .collect();
    match found.as_slice() {
        [n] => Ok(*n),
        [] => Err(Error::new(
            ErrorKind::Refused,
            format!("no message with unique id '{shown}'"),
        )),
        // Taking the first would read or delete a message nobody chose.
        _ => Err(Error::new(
            ErrorKind::Protocol,
            format!("UIDL gives the unique id '{shown}' to several messages: nothing done"),
        )),
    }
}

fn get(
    session: &mut Session,
    args: &Args,
    number: Option<u64>,
    out: &mut Stdout,
) -> Result<Outcome, Error> {
    let n = match (number, args.uid.first()) {
        (Some(n), _) => n,
        (None, Some(uid)) => number_of(session, uid)?,
        (None, None) => return Err(Error::usage("get takes URL N, or URL --uid UIDL")),
    };
    let mut read = |w: &mut dyn std::io::Write| {
        if args.headers {
            session.top(n, 0, w)
        } else {
            session.retr(n, w)
        }
    };
    match &args.output {
        Some(path) if path.as_os_str() != "-" => {
            let mut file = Output::open(path, false)?;
            match read(&mut file) {
                Ok(_) => {
                    file.commit()?;
                }
                Err(e) => {
                    file.discard();
                    return Err(e);
                }
            }
        }
        _ => {
            read(out)?;
        }
    }
    Ok(Outcome::Success)
}

fn rm(
    session: &mut Session,
    args: &Args,
    numbers: &[u64],
    out: &mut Stdout,
) -> Result<Outcome, Error> {
    let mut all = numbers.to_vec();
    for uid in &args.uid {
        all.push(number_of(session, uid)?);
    }
    // `rm 1 1`: one DELE (a second would be refused as already deleted).
    let mut seen = std::collections::HashSet::new();
    all.retain(|n| seen.insert(*n));
    // Every DELE is answered before anything is printed: a session that fails later ends
    // without QUIT, where the server deletes nothing, and "deleted N" would be untrue.
    // A refused DELE does not stop the others; QUIT then applies those that were taken.
    let mut deleted = Vec::new();
    let mut refused = Vec::new();
    for &n in &all {
        match session.dele(n) {
            Ok(()) => deleted.push(n),
            Err(e) if matches!(e.kind(), ErrorKind::Refused | ErrorKind::Temporary) => {
                refused.push(e);
            }
            Err(e) => return Err(e),
        }
    }
    let last_refused = refused.pop();
    for e in &refused {
        crate::cli::render::warn("pop", e.message());
    }
    let partial = match last_refused {
        Some(e) if deleted.is_empty() => return Err(e),
        Some(e) => {
            crate::cli::render::warn("pop", e.message());
            true
        }
        None => false,
    };
    for &n in &deleted {
        if args.client.output.json {
            write_out(out.json(&serde_json::json!({"deleted": n})))?;
        } else if !args.client.output.quiet {
            write_out(out.line(&format!("deleted {n}")))?;
        }
    }
    Ok(if partial {
        Outcome::Exit(ErrorKind::Partial)
    } else {
        Outcome::Success
    })
}

fn print_fetch(
    out: &mut Stdout,
    json: bool,
    url: &str,
    destination: String,
    report: &FetchReport,
    started: Instant,
) -> Result<(), Error> {
    if json {
        return write_out(out.json(&FetchJson {
            url,
            destination,
            report,
            seconds: started.elapsed().as_secs_f64(),
        }));
    }
    for f in &report.failed {
        crate::cli::render::warn("pop", &format!("message {}: {}", f.number, f.error));
    }
    let mut line = format!(
        "{} of {} messages saved to {destination} ({} bytes)",
        report.fetched + report.recovered,
        report.listed,
        report.bytes
    );
    for (n, what) in [
        (report.known, "already saved"),
        (report.too_large, "over --max-size"),
        (report.deleted, "deleted"),
    ] {
        if n > 0 {
            line.push_str(&format!(", {n} {what}"));
        }
    }
    if report.limited {
        line.push_str(", stopped at --limit");
    }
    write_out(out.line(&line))
}

fn fetch_outcome(report: &FetchReport) -> Outcome {
    if report.failed.is_empty() {
        Outcome::Success
    } else {
        Outcome::Exit(ErrorKind::Partial)
    }
}

/// `pop --check URL`: greeting, CAPA, STLS per `--tls`, the login with credentials, then
/// NOOP after a login or CAPA before one, and QUIT.
fn check(args: &Args, url: &str) -> anyhow::Result<Outcome> {
    let c = &args.client;
    let ctx = cli_probe::Context {
        command: "pop",
        service: "POP",
        url,
        probe: &args.probe,
        output: &c.output,
    };
    let token = args.oauth2_token_file.as_deref();
    cli_probe::line_session(c, &ctx, &["pop3", "pop3s"], token, |who, peer, recorder| {
        let logging_in = who.user.is_some();
        let opts = pop::Options {
            user: who.user,
            secret: who.secret,
            oauth2: who.oauth2,
            login: args.login,
            cleartext_auth_ok: who.cleartext_auth_ok,
            handshake_timeout: c.net.connect_timeout,
            idle_timeout: c.net.timeout,
        };
        let mut session = Session::open(peer, &opts)?;
        recorder.phase(crate::probe::Phase::Request);
        let asked = if logging_in {
            session.noop()
        } else {
            session.refresh_capa()
        };
        if let Err(e) = asked {
            session.abandon();
            return Err(e);
        }
        recorder.phase(crate::probe::Phase::Quit);
        session.quit()
    })
}
