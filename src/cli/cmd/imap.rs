//! `netkit imap ACTION URL …` (SPEC §7, issue 15): ls, status, search, get, export, append,
//! flag, mv, cp, rm, idle and quote over one session of `proto::imap`. Reads EXAMINE and
//! PEEK; only flag, mv, rm and append change the server. The mailbox is the positional
//! after the URL, or the URL's path (RFC 5092 `imap://host/INBOX`).

use std::io::Read;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use serde::Serialize;

use crate::cli::common::{ClientOpts, listed, naming_server, parse_seconds};
use crate::cli::exit::Outcome;
use crate::cli::probe::{self as cli_probe, ProbeOpts, Word, WordParser};
use crate::cli::render::{Stdout, clean_text, write_out};
use crate::net::{self, TlsPolicy};
use crate::progress::Progress;
use crate::proto::imap::client::Login;
use crate::proto::imap::export::{self as imap_export, ExportOptions, ExportReport};
use crate::proto::imap::syntax::{self, Part, Response};
use crate::proto::imap::{self, Session};
use crate::save::Output;
use crate::{Error, ErrorKind};

#[derive(clap::ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// List mailboxes with their STATUS
    Ls,
    /// STATUS of one mailbox
    Status,
    /// UIDs of the messages matching criteria
    Search,
    /// Print or save one message (or a section)
    Get,
    /// Save a mailbox into a Maildir or an mbox
    Export,
    /// Upload messages into a mailbox
    Append,
    /// Add or remove flags
    Flag,
    /// Move messages to another mailbox
    Mv,
    /// Copy messages to another mailbox
    Cp,
    /// Delete exactly the UIDs named (STORE \Deleted + UID EXPUNGE)
    Rm,
    /// Wait for new mail
    Idle,
    /// Send a raw command and print the responses
    Quote,
}

#[derive(clap::Args, Debug)]
pub struct Args {
    /// What to do: ls, status, search, get, export, append, flag, mv, cp, rm, idle, quote
    #[arg(value_name = "ACTION", value_parser = WordParser::<Action>::new())]
    pub word: Word<Action>,

    /// The action of `word` (set by `run`).
    #[arg(skip = Action::Ls)]
    pub action: Action,

    /// imap:// or imaps:// URL, then the mailbox and the action's operands
    // Required unless --check: checked in `run`, so that a URL where the action should be
    // is reported as the bad action it is.
    #[arg(value_name = "ARG")]
    pub operands: Vec<String>,

    /// get: the section to fetch (HEADER, TEXT, 1, 1.2, 1.2.MIME…); default the whole message
    #[arg(long, value_name = "SECTION")]
    pub section: Option<String>,

    /// get: write to FILE (via FILE.part) instead of stdout
    #[arg(short = 'o', long, value_name = "FILE")]
    pub output: Option<PathBuf>,

    /// export: into the Maildir DIR (created with tmp/ new/ cur/ when missing)
    #[arg(long, value_name = "DIR", conflicts_with = "mbox")]
    pub maildir: Option<PathBuf>,

    /// export: append to the mboxrd FILE
    #[arg(long, value_name = "FILE")]
    pub mbox: Option<PathBuf>,

    /// export: only messages not exported before (state by UIDVALIDITY and UID)
    #[arg(long)]
    pub new: bool,

    /// append: flags for the new messages (`\Seen`, `\Flagged`…), repeatable
    #[arg(long = "flags", value_name = "FLAG")]
    pub flags: Vec<String>,

    /// search: FROM contains TEXT
    #[arg(long, value_name = "TEXT")]
    pub from: Option<String>,

    /// search: SUBJECT contains TEXT
    #[arg(long, value_name = "TEXT")]
    pub subject: Option<String>,

    /// search: arrived on or after YYYY-MM-DD (INTERNALDATE)
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub since: Option<String>,

    /// search: arrived before YYYY-MM-DD
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub before: Option<String>,

    /// search: not \Seen
    #[arg(long)]
    pub unseen: bool,

    /// idle: exit 1 when SECS pass without new mail (default: wait for ever)
    #[arg(long, value_name = "SECS", value_parser = parse_seconds)]
    pub wait: Option<Duration>,

    /// Login: LOGIN-CMD (the LOGIN command) or a SASL mechanism (PLAIN, LOGIN, CRAM-MD5,
    /// XOAUTH2); default: the strongest SASL mechanism offered, else the LOGIN command
    #[arg(long = "auth", value_name = "MECH", ignore_case = true,
          value_parser = listed([
              clap::builder::PossibleValue::new("LOGIN-CMD").alias("COMMAND"),
              "PLAIN".into(), "LOGIN".into(), "CRAM-MD5".into(), "XOAUTH2".into(),
          ], Login::parse))]
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
struct ExportJson<'a> {
    url: &'a str,
    destination: String,
    #[serde(flatten)]
    report: &'a ExportReport,
    seconds: f64,
}

/// What the action works on, from the operands after the URL.
struct Plan {
    mailbox: Option<String>,
    rest: Vec<String>,
    /// `append URL BOX -`: stdin, spooled before connecting (a literal's size goes first).
    stdin: Option<std::fs::File>,
}

fn uid_of(text: &str) -> Result<u32, Error> {
    match text.parse::<u32>() {
        Ok(n) if n > 0 && text.bytes().all(|b| b.is_ascii_digit()) => Ok(n),
        _ => Err(Error::usage(format!("'{}' is not a UID", clean_text(text)))),
    }
}

fn needs_mailbox(action: Action) -> bool {
    !matches!(action, Action::Ls | Action::Quote)
}

/// The mailbox of an RFC 5092 URL path (`/INBOX`, `/Archive/2025;UIDVALIDITY=3`).
fn url_mailbox(path: &str) -> Result<Option<String>, Error> {
    let path = path.trim_start_matches('/');
    let path = path.split(';').next().unwrap_or("");
    if path.is_empty() {
        return Ok(None);
    }
    let bytes = crate::url::quote::unquote_to_bytes(path.as_bytes());
    String::from_utf8(bytes)
        .map(Some)
        .map_err(|_| Error::usage("the URL's mailbox is not UTF-8"))
}

fn plan(
    args: &Args,
    url_box: Option<String>,
    deadline: Option<std::time::Instant>,
) -> Result<Plan, Error> {
    let mut rest: Vec<String> = args.operands[1..]
        .iter()
        .filter(|o| o.as_str() != "--")
        .cloned()
        .collect();
    let mailbox = if needs_mailbox(args.action) {
        match url_box {
            Some(b) => Some(b),
            None if !rest.is_empty() => Some(rest.remove(0)),
            None => {
                return Err(Error::usage(format!(
                    "{} needs a mailbox: URL BOX, or imap://host/BOX",
                    format!("{:?}", args.action).to_lowercase()
                )));
            }
        }
    } else {
        url_box
    };
    if let Some(b) = &mailbox {
        crate::proto::pingpong::check_argument("the mailbox name", b)?;
    }
    let usage = |text: &str| Err(Error::usage(text.to_owned()));
    match args.action {
        Action::Ls if rest.len() > 1 => return usage("ls takes URL [PATTERN]"),
        Action::Status | Action::Export | Action::Idle if !rest.is_empty() => {
            return usage("status, export and idle take URL BOX only");
        }
        Action::Get if rest.len() != 1 => return usage("get takes URL BOX UID"),
        Action::Rm if rest.is_empty() => {
            return usage("rm takes URL BOX UID…: nothing is deleted without explicit UIDs");
        }
        Action::Append if rest.is_empty() => return usage("append takes URL BOX FILE…"),
        Action::Mv | Action::Cp if rest.len() < 2 => {
            return usage("cp and mv take URL SRC UID… DEST");
        }
        Action::Flag if rest.len() < 2 => return usage("flag takes URL BOX UID… +FLAG|-FLAG…"),
        Action::Quote if rest.is_empty() => return usage("quote takes URL COMMAND…"),
        Action::Export if args.maildir.is_none() && args.mbox.is_none() => {
            return usage("export needs --maildir DIR or --mbox FILE");
        }
        _ => {}
    }
    let export_only = args.maildir.is_some() || args.mbox.is_some() || args.new;
    if export_only && args.action != Action::Export {
        return usage("--maildir, --mbox and --new go with export");
    }
    let search_only = args.from.is_some()
        || args.subject.is_some()
        || args.since.is_some()
        || args.before.is_some()
        || args.unseen;
    if search_only && args.action != Action::Search {
        return usage("--from, --subject, --since, --before and --unseen go with search");
    }
    if args.section.is_some() && args.action != Action::Get {
        return usage("--section goes with get");
    }
    if args.wait.is_some() && args.action != Action::Idle {
        return usage("--wait goes with idle");
    }
    if !args.flags.is_empty() && args.action != Action::Append {
        return usage("--flags goes with append (flag takes +FLAG/-FLAG operands)");
    }
    // Operands are checked before connecting: a typo should not cost a login.
    match args.action {
        Action::Get => {
            uid_of(&rest[0])?;
            section_of(args)?;
        }
        Action::Rm => {
            uids_then(&rest, &|_| false)?;
        }
        Action::Flag => {
            let (_, ops) = uids_then(&rest, &|w| w.starts_with('+') || w.starts_with('-'))?;
            flag_changes(&ops)?;
        }
        Action::Mv | Action::Cp => {
            uids_then(&rest[..rest.len() - 1], &|_| false)?;
        }
        Action::Search => {
            search_dates(args)?;
        }
        Action::Append => {
            append_flags(args)?;
            if rest.iter().filter(|f| *f == "-").count() > 1 {
                return usage("stdin (-) can be appended once");
            }
            for f in rest.iter().filter(|f| *f != "-") {
                let path = std::path::Path::new(f);
                std::fs::metadata(path).map_err(|e| crate::save::local("reading", path, &e))?;
            }
        }
        _ => {}
    }
    let stdin = match args.action {
        Action::Append if rest.iter().any(|f| f == "-") => {
            let bounds = crate::local::Bounds {
                max_bytes: None,
                deadline,
            };
            Some(crate::local::spool_stdin(bounds)?.0)
        }
        _ => None,
    };
    Ok(Plan {
        mailbox,
        rest,
        stdin,
    })
}

/// `+FLAG`/`-FLAG` operands as (STORE verb, flag).
fn flag_changes(ops: &[String]) -> Result<Vec<(&'static str, String)>, Error> {
    if ops.is_empty() {
        return Err(Error::usage("flag needs +FLAG or -FLAG after the UIDs"));
    }
    ops.iter()
        .map(|op| {
            let (sign, flag) = op.split_at(1);
            let verb = if sign == "+" { "+FLAGS" } else { "-FLAGS" };
            Ok((verb, check_flag(flag)?))
        })
        .collect()
}

fn append_flags(args: &Args) -> Result<Vec<String>, Error> {
    args.flags
        .iter()
        .flat_map(|f| f.split([' ', ',']))
        .filter(|f| !f.is_empty())
        .map(check_flag)
        .collect()
}

/// `--since`/`--before` as SEARCH criteria.
fn search_dates(args: &Args) -> Result<Vec<Part>, Error> {
    let mut out = Vec::new();
    for (key, value) in [("SINCE", &args.since), ("BEFORE", &args.before)] {
        if let Some(v) = value {
            let date = syntax::search_date(v).ok_or_else(|| {
                Error::usage(format!(
                    "--{}: '{}' is not a YYYY-MM-DD date",
                    key.to_lowercase(),
                    clean_text(v)
                ))
            })?;
            out.push(Part::Text(format!("{key} {date}")));
        }
    }
    Ok(out)
}

fn check_flag(flag: &str) -> Result<String, Error> {
    let body = flag.strip_prefix('\\').unwrap_or(flag);
    if body.is_empty() || !syntax::is_atom(body.as_bytes()) {
        return Err(Error::usage(format!(
            "'{}' is not an IMAP flag",
            clean_text(flag)
        )));
    }
    Ok(flag.to_owned())
}

pub fn run(mut args: Args) -> anyhow::Result<Outcome> {
    args.probe.validate(false)?;
    if args.probe.check {
        return match &args.word {
            Word::Target(url) if args.operands.is_empty() => check(&args, url),
            _ => Err(Error::usage("--check takes the URL alone, without an action word").into()),
        };
    }
    args.action = args.word.action()?;
    if args.operands.is_empty() {
        return Err(
            Error::usage("the following required arguments were not provided: <ARG>...").into(),
        );
    }
    let started = Instant::now();
    let c = &args.client;
    let deadline = c.net.deadline();
    let url = args.operands[0].as_str();
    let target = net::target::parse(url, &["imap", "imaps"])?;
    let plan = plan(&args, url_mailbox(&target.path)?, deadline.instant())?;
    let quiet = c.output.quiet;
    let json = c.output.json;
    let url_shown = net::target::redacted(url);
    let (user, secret, oauth2) = c.auth.login(
        &target,
        "imap",
        json,
        quiet,
        args.oauth2_token_file.as_deref(),
    )?;
    if user.is_none() {
        return Err(Error::new(
            ErrorKind::Auth,
            "an IMAP login needs a user name (imap://USER@host, -u USER or ~/.netrc)",
        )
        .into());
    }
    let mut store = match args.action {
        Action::Export => Some(crate::mail::open_destination(
            args.maildir.as_deref(),
            args.mbox.as_deref(),
        )?),
        _ => None,
    };
    let policy = c.tls.tls.policy();
    let tls = c.tls.context("imap", json, quiet);
    let connect = c.net.connect_options(deadline);
    let (stream, _peer) = net::open(&target, &connect, c.net.timeout, &tls)?;
    let server = target.authority();
    let key_user = crate::url::quote::quote(user.as_deref().unwrap_or("").as_bytes(), b"");
    let opts = imap::Options {
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
        imap::Peer {
            stream,
            host: &target.host,
            server: &server,
            tls: &tls,
            transcript: c.output.transcript(),
        },
        &opts,
    )
    .map_err(with_server)?;
    // IDLE waits longer than --max-time would allow only when asked to (--wait).
    let watchdog_until = match args.action {
        Action::Idle => None,
        _ => deadline.instant(),
    };
    let watchdog = net::Watchdog::arm(session.socket()?, watchdog_until);
    let mut out = Stdout::new();
    let result = session.enable_utf8().and_then(|()| {
        let mailbox = plan.mailbox.as_deref().unwrap_or("");
        match args.action {
            Action::Ls => ls(&mut session, &plan, json, &mut out),
            Action::Status => {
                let st = session.status(mailbox)?;
                print_status(&mut out, json, &st)?;
                Ok(Outcome::Success)
            }
            Action::Search => search(&mut session, &args, mailbox, &plan.rest, &mut out),
            Action::Get => get(&mut session, &args, mailbox, &plan.rest[0], &mut out),
            Action::Export => {
                let (sink, state) = store
                    .as_mut()
                    .map(|(s, st)| (s.as_mut(), st))
                    .ok_or_else(|| Error::usage("export needs --maildir DIR or --mbox FILE"))?;
                let eopts = ExportOptions {
                    key_base: format!(
                        "imap://{key_user}@{server}/{}",
                        crate::url::quote::quote(mailbox.as_bytes(), b"/")
                    ),
                    mailbox: mailbox.to_owned(),
                    new_only: args.new,
                };
                let progress = Progress::for_stderr(quiet, c.output.no_progress);
                let bar = progress.bar("imap export", None, 0);
                let r = imap_export::export(&mut session, sink, state, &eopts, &bar);
                bar.finish();
                let report = r?;
                if let Some(old) = report.previous_uidvalidity
                    && !quiet
                {
                    crate::cli::render::warn_as(
                        "imap",
                        json,
                        &format!(
                            "{mailbox}: UIDVALIDITY changed ({old} → {}): the server renumbered \
                             it, so every message is exported again under the new numbering",
                            report.uidvalidity
                        ),
                    );
                }
                print_export(
                    &mut out,
                    json,
                    &url_shown,
                    sink.describe(),
                    &report,
                    started,
                )?;
                Ok(Outcome::Success)
            }
            Action::Append => append(&mut session, &args, mailbox, &plan, &mut out),
            Action::Flag => flag(&mut session, mailbox, &plan.rest),
            Action::Mv | Action::Cp => copy(&mut session, &args, mailbox, &plan.rest, &mut out),
            Action::Rm => rm(&mut session, &args, mailbox, &plan.rest, &mut out),
            Action::Idle => idle(&mut session, &args, mailbox, &mut out),
            Action::Quote => quote(&mut session, &plan.rest, &mut out),
        }
    });
    let fired = watchdog.fired();
    drop(watchdog);
    let result = match result {
        Ok(outcome) => session.logout().map(|()| outcome),
        Err(e) => {
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

fn print_export(
    out: &mut Stdout,
    json: bool,
    url: &str,
    destination: String,
    report: &ExportReport,
    started: Instant,
) -> Result<(), Error> {
    if json {
        return write_out(out.json(&ExportJson {
            url,
            destination,
            report,
            seconds: started.elapsed().as_secs_f64(),
        }));
    }
    let mut line = format!(
        "{} of {} messages of {} saved to {destination} ({} bytes)",
        report.exported + report.recovered,
        report.listed,
        report.mailbox,
        report.bytes
    );
    for (n, what) in [
        (report.known, "already saved"),
        (report.vanished, "expunged meanwhile"),
    ] {
        if n > 0 {
            line.push_str(&format!(", {n} {what}"));
        }
    }
    write_out(out.line(&line))
}

fn opt(n: Option<u64>) -> String {
    n.map_or_else(|| "-".to_owned(), |n| n.to_string())
}

fn print_status(out: &mut Stdout, json: bool, st: &imap::MailboxStatus) -> Result<(), Error> {
    if json {
        write_out(out.json(st))
    } else {
        write_out(out.line(&format!(
            "{}\t{}\t{}\t{}\t{}",
            st.mailbox,
            opt(st.messages),
            opt(st.unseen),
            opt(st.uidnext),
            opt(st.uidvalidity)
        )))
    }
}

fn ls(session: &mut Session, plan: &Plan, json: bool, out: &mut Stdout) -> Result<Outcome, Error> {
    let pattern = plan
        .rest
        .first()
        .cloned()
        .or_else(|| plan.mailbox.clone())
        .unwrap_or_else(|| "*".to_owned());
    let entries = session.list(&pattern)?;
    for e in entries {
        let st = if e.selectable() {
            session.status_listed(&e)?
        } else {
            imap::MailboxStatus {
                mailbox: e.mailbox.clone(),
                ..Default::default()
            }
        };
        print_status(out, json, &st)?;
    }
    Ok(Outcome::Success)
}

/// A user's SEARCH word: keys, numbers, sets and parentheses go as they are; anything else
/// (spaces, quotes, 8-bit) as a string, so no word can end the command or smuggle another.
fn search_word(word: &str) -> Part {
    let plain = !word.is_empty()
        && word
            .bytes()
            .all(|b| (0x21..0x7f).contains(&b) && !b"\"\\{}%".contains(&b));
    if plain {
        Part::Text(word.to_owned())
    } else {
        syntax::quoted_or_literal(word.as_bytes())
    }
}

fn search(
    session: &mut Session,
    args: &Args,
    mailbox: &str,
    words: &[String],
    out: &mut Stdout,
) -> Result<Outcome, Error> {
    let mut criteria: Vec<Part> = words.iter().map(|w| search_word(w)).collect();
    let mut utf8 = words.iter().any(|w| !w.is_ascii());
    for (key, value) in [("FROM", &args.from), ("SUBJECT", &args.subject)] {
        if let Some(v) = value {
            criteria.push(Part::Text(key.to_owned()));
            criteria.push(syntax::quoted_or_literal(v.as_bytes()));
            utf8 |= !v.is_ascii();
        }
    }
    criteria.extend(search_dates(args)?);
    if args.unseen {
        criteria.push(Part::Text("UNSEEN".into()));
    }
    if criteria.is_empty() {
        criteria.push(Part::Text("ALL".into()));
    }
    session.select(mailbox, false)?;
    let uids = session.search(criteria, utf8)?;
    for uid in &uids {
        if args.client.output.json {
            write_out(out.json(&serde_json::json!({"mailbox": mailbox, "uid": uid})))?;
        } else {
            write_out(out.line(&uid.to_string()))?;
        }
    }
    Ok(Outcome::Success)
}

fn section_of(args: &Args) -> Result<String, Error> {
    let Some(s) = &args.section else {
        return Ok(String::new());
    };
    let upper = s.to_ascii_uppercase();
    let ok = !upper.is_empty()
        && upper.len() < 100
        && upper.split('.').all(|p| {
            !p.is_empty()
                && (p.bytes().all(|b| b.is_ascii_digit())
                    || matches!(p, "HEADER" | "TEXT" | "MIME"))
        });
    if !ok {
        return Err(Error::usage(format!(
            "--section '{}': expected HEADER, TEXT, or a part number such as 1, 1.2, 1.2.MIME",
            clean_text(s)
        )));
    }
    Ok(upper)
}

fn get(
    session: &mut Session,
    args: &Args,
    mailbox: &str,
    uid: &str,
    out: &mut Stdout,
) -> Result<Outcome, Error> {
    let uid = uid_of(uid)?;
    let section = section_of(args)?;
    session.select(mailbox, false)?;
    let command = Part::Text(format!("UID FETCH {uid} (UID BODY.PEEK[{section}])"));
    let want = format!("BODY[{section}]");
    let mut found = false;
    let mut fetch = |session: &mut Session, w: &mut dyn std::io::Write| {
        session.run_streaming(
            std::slice::from_ref(&command),
            &mut |_| Ok(()),
            &mut |start, literal| {
                let this_uid = start
                    .items
                    .iter()
                    .find(|(n, _)| n == "UID")
                    .and_then(|(_, v)| v.as_number());
                if start.item == want && this_uid == Some(u64::from(uid)) && !found {
                    found = true;
                    literal.copy_to(w)?;
                }
                Ok(())
            },
        )
    };
    let missing = || {
        Error::new(
            ErrorKind::Refused,
            format!("no message with UID {uid} in {mailbox}"),
        )
    };
    match &args.output {
        Some(path) if path.as_os_str() != "-" => {
            let mut file = Output::open(path, false)?;
            let r = fetch(session, &mut file);
            match r {
                Ok(_) if found => {
                    file.commit()?;
                }
                Ok(_) => {
                    file.discard();
                    return Err(missing());
                }
                Err(e) => {
                    file.discard();
                    return Err(e);
                }
            }
        }
        _ => {
            fetch(session, out)?;
            if !found {
                return Err(missing());
            }
        }
    }
    Ok(Outcome::Success)
}

/// Makes every line end CRLF (IMAP literals are RFC 5322 text): bare LF and bare CR each
/// become CRLF. `prev` carries the last byte across chunks; [`crlf_end`] closes the input.
fn crlf_chunk(prev: &mut u8, input: &[u8], out: &mut Vec<u8>) {
    for &b in input {
        if b == b'\n' {
            if *prev != b'\r' {
                out.push(b'\r');
            }
        } else if *prev == b'\r' {
            out.push(b'\n');
        }
        out.push(b);
        *prev = b;
    }
}

fn crlf_end(prev: u8, out: &mut Vec<u8>) {
    if prev == b'\r' {
        out.push(b'\n');
    }
}

/// Reads `path` in chunks through [`crlf_chunk`], handing each converted chunk to `each`.
/// Feeds `path` (`-`: the stdin spool, from its start) to `each` with CRLF line ends.
fn crlf_file(
    path: &std::path::Path,
    stdin: Option<&std::fs::File>,
    each: &mut dyn FnMut(&[u8]) -> Result<(), Error>,
) -> Result<(), Error> {
    let mut file = match stdin.filter(|_| path.as_os_str() == "-") {
        Some(spool) => {
            let mut f = spool
                .try_clone()
                .map_err(|e| crate::save::local("reading", path, &e))?;
            std::io::Seek::rewind(&mut f).map_err(|e| crate::save::local("reading", path, &e))?;
            f
        }
        None => std::fs::File::open(path).map_err(|e| crate::save::local("reading", path, &e))?,
    };
    let mut buf = vec![0u8; 64 * 1024];
    let mut out = Vec::with_capacity(130 * 1024);
    let mut prev = 0u8;
    loop {
        let n = file
            .read(&mut buf)
            .map_err(|e| crate::save::local("reading", path, &e))?;
        out.clear();
        if n == 0 {
            crlf_end(prev, &mut out);
            return each(&out);
        }
        crlf_chunk(&mut prev, &buf[..n], &mut out);
        each(&out)?;
    }
}

fn append(
    session: &mut Session,
    args: &Args,
    mailbox: &str,
    plan: &Plan,
    out: &mut Stdout,
) -> Result<Outcome, Error> {
    let flags = append_flags(args)?;
    let stdin = plan.stdin.as_ref();
    for f in &plan.rest {
        let path = std::path::Path::new(f);
        let mut size = 0u64;
        crlf_file(path, stdin, &mut |chunk| {
            size += chunk.len() as u64;
            Ok(())
        })?;
        if size == 0 {
            return Err(Error::usage(format!("{f}: empty: nothing to append")));
        }
        let name = session.mailbox(mailbox);
        let mut parts = vec![Part::Text("APPEND".into()), name];
        if !flags.is_empty() {
            parts.push(Part::Text(format!("({})", flags.join(" "))));
        }
        let done = session.run_with_literal(
            &parts,
            size,
            &mut |w| {
                crlf_file(path, stdin, &mut |chunk| {
                    w.write_all(chunk)
                        .map_err(crate::proto::pingpong::write_error)
                })
            },
            &mut |_| Ok(()),
        )?;
        let appenduid = done
            .code
            .as_deref()
            .filter(|c| syntax::code_name(c) == "APPENDUID")
            .map(syntax::code_args);
        let (uidvalidity, uid) = match appenduid.as_deref() {
            Some([v, u]) => (v.parse::<u64>().ok(), u.parse::<u64>().ok()),
            _ => (None, None),
        };
        if args.client.output.json {
            write_out(out.json(&serde_json::json!({
                "file": f, "mailbox": mailbox, "size": size, "uid": uid, "uidvalidity": uidvalidity
            })))?;
        } else if !args.client.output.quiet {
            let as_uid = uid.map(|u| format!(" as UID {u}")).unwrap_or_default();
            let shown = if f == "-" { "stdin" } else { f.as_str() };
            write_out(out.line(&format!("appended {shown} to {mailbox}{as_uid}")))?;
        }
    }
    Ok(Outcome::Success)
}

/// Splits operands into UIDs and the trailing words (flag ops, or the destination).
fn uids_then(
    words: &[String],
    tail_is: &dyn Fn(&str) -> bool,
) -> Result<(Vec<u32>, Vec<String>), Error> {
    let split = words.iter().position(|w| tail_is(w)).unwrap_or(words.len());
    let uids = words[..split]
        .iter()
        .map(|w| uid_of(w))
        .collect::<Result<Vec<_>, _>>()?;
    if uids.is_empty() {
        return Err(Error::usage("no UIDs given"));
    }
    Ok((uids, words[split..].to_vec()))
}

fn flag(session: &mut Session, mailbox: &str, words: &[String]) -> Result<Outcome, Error> {
    let (uids, ops) = uids_then(words, &|w| w.starts_with('+') || w.starts_with('-'))?;
    let changes = flag_changes(&ops)?;
    session.select(mailbox, true)?;
    for set in syntax::uid_sets(&uids, 4000) {
        for (verb, flag) in &changes {
            session.store(&set, verb, std::slice::from_ref(flag))?;
        }
    }
    Ok(Outcome::Success)
}

fn copy(
    session: &mut Session,
    args: &Args,
    mailbox: &str,
    words: &[String],
    out: &mut Stdout,
) -> Result<Outcome, Error> {
    let (uids, dest) = uids_then(&words[..words.len() - 1], &|_| false)
        .map(|(u, _)| (u, words[words.len() - 1].clone()))?;
    crate::proto::pingpong::check_argument("the destination mailbox", &dest)?;
    let moving = args.action == Action::Mv;
    session.select(mailbox, moving)?;
    let mut copyuids = Vec::new();
    for set in syntax::uid_sets(&uids, 4000) {
        if moving && session.has("MOVE") {
            copyuids.extend(session.copy(&set, &dest, true)?);
        } else {
            copyuids.extend(session.copy(&set, &dest, false)?);
            if moving {
                // Without MOVE: COPY, then \Deleted and UID EXPUNGE of exactly these UIDs.
                if !session.has("UIDPLUS") {
                    return Err(Error::new(
                        ErrorKind::Refused,
                        "the server offers neither MOVE nor UIDPLUS: the messages were copied, \
                         not removed (a plain EXPUNGE would also remove other messages marked \
                         \\Deleted)",
                    ));
                }
                session.store(&set, "+FLAGS", &["\\Deleted".to_owned()])?;
                session
                    .uid_expunge(&set)
                    .map_err(|e| left_deleted(&set, mailbox, e))?;
            }
        }
    }
    let verb = if moving { "moved" } else { "copied" };
    if args.client.output.json {
        write_out(out.json(&serde_json::json!({
            "action": verb, "from": mailbox, "to": dest, "uids": uids, "copyuid": copyuids
        })))?;
    } else if !args.client.output.quiet {
        write_out(out.line(&format!(
            "{verb} {} messages from {mailbox} to {dest}",
            uids.len()
        )))?;
    }
    Ok(Outcome::Success)
}

/// UID EXPUNGE failed after the STORE: the user must know what state the messages are in.
fn left_deleted(set: &str, mailbox: &str, e: Error) -> Error {
    Error::new(
        e.kind(),
        format!(
            "{}; UIDs {set} in {mailbox} stay flagged \\Deleted, not expunged: the next \
             EXPUNGE by any client removes them (or unflag: imap flag URL BOX UID… -- -\\Deleted)",
            e.message()
        ),
    )
}

fn rm(
    session: &mut Session,
    args: &Args,
    mailbox: &str,
    words: &[String],
    out: &mut Stdout,
) -> Result<Outcome, Error> {
    let (uids, extra) = uids_then(words, &|_| false)?;
    debug_assert!(extra.is_empty());
    if !session.has("UIDPLUS") {
        return Err(Error::new(
            ErrorKind::Refused,
            "the server lacks UIDPLUS, so only a plain EXPUNGE could remove the messages, and it \
             would also remove every other message marked \\Deleted: refused",
        ));
    }
    session.select(mailbox, true)?;
    let mut expunged = 0;
    for set in syntax::uid_sets(&uids, 4000) {
        session.store(&set, "+FLAGS", &["\\Deleted".to_owned()])?;
        expunged += session
            .uid_expunge(&set)
            .map_err(|e| left_deleted(&set, mailbox, e))?;
    }
    if args.client.output.json {
        write_out(
            out.json(&serde_json::json!({"mailbox": mailbox, "uids": uids, "expunged": expunged})),
        )?;
    } else if !args.client.output.quiet {
        write_out(out.line(&format!("expunged {expunged} messages from {mailbox}")))?;
    }
    Ok(Outcome::Success)
}

fn idle(
    session: &mut Session,
    args: &Args,
    mailbox: &str,
    out: &mut Stdout,
) -> Result<Outcome, Error> {
    let sel = session.select(mailbox, false)?;
    let before = sel.exists;
    let wait = args
        .wait
        .unwrap_or(Duration::from_secs(u64::from(u32::MAX)));
    let mut now_exists = before;
    let woken = session.idle(
        wait,
        Duration::from_secs(29 * 60),
        args.client.net.timeout,
        &mut |r| match r {
            Response::Numbered { number, name, .. } if name == "EXISTS" => {
                let more = *number > now_exists;
                now_exists = *number;
                more
            }
            Response::Numbered { name, .. } if name == "EXPUNGE" => {
                now_exists = now_exists.saturating_sub(1);
                false
            }
            _ => false,
        },
    )?;
    if !woken {
        return Ok(Outcome::Exit(ErrorKind::Refused));
    }
    if args.client.output.json {
        write_out(out.json(&serde_json::json!({
            "event": "exists", "mailbox": mailbox, "messages": now_exists, "before": before
        })))?;
    } else {
        write_out(out.line(&format!("{mailbox}: {now_exists} messages (was {before})")))?;
    }
    Ok(Outcome::Success)
}

fn quote(session: &mut Session, words: &[String], out: &mut Stdout) -> Result<Outcome, Error> {
    let command = words.join(" ");
    crate::proto::pingpong::check_argument("the command", &command)?;
    let first = words[0].to_ascii_uppercase();
    if matches!(
        first.as_str(),
        "IDLE" | "STARTTLS" | "AUTHENTICATE" | "LOGOUT" | "COMPRESS"
    ) {
        return Err(Error::usage(format!(
            "quote {first}: not as a raw command (use the idle action, or --tls)"
        )));
    }
    session
        .run_raw(&command, &mut |r| {
            for line in String::from_utf8_lossy(r).split("\r\n") {
                write_out(out.line(&clean_text(line)))?;
            }
            Ok(())
        })
        .map(|_| Outcome::Success)
}

/// `imap --check URL`: greeting, CAPABILITY, STARTTLS per `--tls`, LOGIN (or SASL) with
/// credentials, CAPABILITY as the request, LOGOUT.
fn check(args: &Args, url: &str) -> anyhow::Result<Outcome> {
    let c = &args.client;
    let ctx = cli_probe::Context {
        command: "imap",
        service: "IMAP",
        url,
        probe: &args.probe,
        output: &c.output,
    };
    let token = args.oauth2_token_file.as_deref();
    cli_probe::line_session(c, &ctx, &["imap", "imaps"], token, |who, peer, recorder| {
        let opts = imap::Options {
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
        if let Err(e) = session.refresh_capabilities() {
            session.abandon();
            return Err(e);
        }
        recorder.phase(crate::probe::Phase::Quit);
        session.logout()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn crlf(input: &[&[u8]]) -> Vec<u8> {
        let mut prev = 0;
        let mut out = Vec::new();
        for chunk in input {
            crlf_chunk(&mut prev, chunk, &mut out);
        }
        crlf_end(prev, &mut out);
        out
    }

    #[test]
    fn every_line_end_becomes_crlf_across_chunks() {
        assert_eq!(crlf(&[b"a\nb\r\nc\rd\r"]), b"a\r\nb\r\nc\r\nd\r\n");
        assert_eq!(crlf(&[b"a\r", b"\nb\r", b"\r\n"]), b"a\r\nb\r\n\r\n");
        assert_eq!(crlf(&[b"x"]), b"x");
    }

    #[test]
    fn url_paths_name_mailboxes() {
        assert_eq!(url_mailbox("/INBOX").unwrap().as_deref(), Some("INBOX"));
        assert_eq!(
            url_mailbox("/Entw%C3%BCrfe;UIDVALIDITY=3")
                .unwrap()
                .as_deref(),
            Some("Entwürfe")
        );
        assert_eq!(url_mailbox("").unwrap(), None);
        assert_eq!(url_mailbox("/").unwrap(), None);
    }
}
