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

mod actions;
mod check;

use actions::*;
use check::check;

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
