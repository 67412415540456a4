//! `netkit nntp ACTION URL …` (SPEC §7, issue 16): groups, group, over, hdr, article, head,
//! body, stat, post, date, newnews, newgroups over one session of `proto::nntp`. The group
//! is the URL's path (RFC 5538 `nntp://host/group`); with `NNTPSERVER` set, operands that are
//! not URLs are read against that server (`netkit nntp over local.test`), as tin and slrn
//! read it. The action word is a positional, so options go anywhere after `nntp`.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;

use serde::Serialize;

use crate::cli::common::{ClientOpts, naming_server};
use crate::cli::exit::Outcome;
use crate::cli::probe::{self as cli_probe, ProbeOpts, Word, WordParser};
use crate::cli::render::{Stdout, clean_text, warn_as, write_out};
use crate::mail::newsrc::{self, Newsrc};
use crate::net::{self, TlsPolicy};
use crate::proto::nntp::client::{Found, Login, Part, Which};
use crate::proto::nntp::{self, Range, Session, post};
use crate::proto::smtp::compose::{self, Draft};
use crate::proto::smtp::message;
use crate::proto::time::clock::UnixTime;
use crate::proto::time::daytime::rfc3339;
use crate::save::Output;
use crate::{Error, ErrorKind};

mod actions;
mod check;

use actions::*;
use check::check;

#[derive(clap::ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// List groups (LIST ACTIVE with descriptions), optionally matching a wildmat
    Groups,
    /// Show a group's article count and numbers
    Group,
    /// Overview of a group: number, subject, from, date, message-id, references
    Over,
    /// One header of each article in a range
    Hdr,
    /// Print or save whole articles
    Article,
    /// Print the headers of articles
    Head,
    /// Print the bodies of articles
    Body,
    /// Check that articles exist (number and message-id)
    Stat,
    /// Post an article: raw (FILE or stdin) or composed from flags
    Post,
    /// Print the server's clock in RFC 3339 UTC
    Date,
    /// Message-ids of articles that arrived since --since
    Newnews,
    /// Groups created since --since
    Newgroups,
}

#[derive(clap::ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuthChoice {
    /// AUTHINFO USER / AUTHINFO PASS
    User,
    /// AUTHINFO SASL PLAIN
    Plain,
}

#[derive(clap::Args, Debug)]
pub struct Args {
    /// What to do: groups, group, over, hdr, article, head, body, stat, post, date, newnews, newgroups
    #[arg(value_name = "ACTION", value_parser = WordParser::<Action>::new())]
    pub word: Word<Action>,

    /// The action of `word` (set by `run`).
    #[arg(skip = Action::Groups)]
    pub action: Action,

    /// nntp:// or nntps:// URL (the group is its path), then the action's operands
    #[arg(value_name = "ARG")]
    pub operands: Vec<String>,

    /// over: only articles not listed by an earlier --new run (high-water state file)
    #[arg(long)]
    pub new: bool,

    /// over --new: the state file [default: $XDG_STATE_HOME/netkit/newsrc]
    #[arg(long, value_name = "FILE")]
    pub state: Option<PathBuf>,

    /// newnews, newgroups: since TIME (YYYY-MM-DD, RFC 3339, or Unix seconds)
    #[arg(long, value_name = "TIME")]
    pub since: Option<String>,

    /// article, head, body: write the one article to FILE (via FILE.part)
    #[arg(short = 'o', long, value_name = "FILE", conflicts_with = "output_dir")]
    pub output: Option<PathBuf>,

    /// article, head, body: save each article to DIR/NUMBER
    #[arg(long, value_name = "DIR")]
    pub output_dir: Option<PathBuf>,

    /// post: compose with this From: address
    #[arg(long, value_name = "ADDRESS")]
    pub from: Option<String>,

    /// post: the Subject:
    #[arg(long, value_name = "TEXT")]
    pub subject: Option<String>,

    /// post: the body text
    #[arg(long, value_name = "TEXT", conflicts_with = "body_file")]
    pub body: Option<String>,

    /// post: the body from FILE (- for stdin)
    #[arg(long, value_name = "FILE")]
    pub body_file: Option<PathBuf>,

    /// post: the groups to post to (comma-separated), instead of the URL's group
    #[arg(long, value_name = "GROUPS")]
    pub newsgroups: Option<String>,

    /// post: an extra header 'Name: value' (repeatable: References, Followup-To…)
    #[arg(long, value_name = "HEADER")]
    pub header: Vec<String>,

    /// Login: user (AUTHINFO USER/PASS, the default) or plain (AUTHINFO SASL PLAIN)
    #[arg(long = "auth", value_enum, value_name = "MECH")]
    pub login: Option<AuthChoice>,

    #[command(flatten)]
    pub client: ClientOpts,

    #[command(flatten)]
    pub probe: ProbeOpts,
}

/// Articles asked for ahead of the one being read (RFC 3977 §3.5 allows pipelining).
const WINDOW: usize = 16;
/// The most articles one range may expand to.
const MAX_ARTICLES: u64 = 1_000_000;

#[derive(Serialize)]
struct GroupJson<'a> {
    group: &'a str,
    first: u64,
    last: u64,
    status: &'a str,
    description: Option<&'a str>,
}

#[derive(Serialize)]
struct ArticleJson<'a> {
    number: u64,
    message_id: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    article: Option<&'a str>,
}

#[derive(Serialize)]
struct PostJson<'a> {
    server: &'a str,
    message_id: &'a str,
    newsgroups: &'a str,
    size: u64,
    reply: &'a str,
}

/// What one invocation works on, once the operands are sorted out.
struct Plan {
    url: String,
    group: Option<String>,
    /// The URL's path named a message-id (RFC 5538 `news://host/id@host`).
    url_id: Option<String>,
    rest: Vec<String>,
}

fn action_name(a: Action) -> String {
    format!("{a:?}").to_lowercase()
}

/// Whether this action reads the group from the operands when NNTPSERVER gives the server.
fn takes_group(args: &Args) -> bool {
    match args.action {
        Action::Group | Action::Over | Action::Hdr | Action::Newnews => true,
        Action::Article | Action::Head | Action::Body | Action::Stat => true,
        Action::Post => composing(args),
        Action::Groups | Action::Date | Action::Newgroups => false,
    }
}

fn url_path(path: &str) -> Result<(Option<String>, Option<String>), Error> {
    let path = path.trim_start_matches('/');
    if path.is_empty() {
        return Ok((None, None));
    }
    let text = String::from_utf8(crate::url::quote::unquote_to_bytes(path.as_bytes()))
        .map_err(|_| Error::usage("the URL's group is not UTF-8"))?;
    if text.contains('@') {
        let id = if text.starts_with('<') {
            text
        } else {
            format!("<{text}>")
        };
        return Ok((None, Some(id)));
    }
    // `nntp://host/group/123` (RFC 5538 §2.2's article number) is not taken: a range or
    // number is an operand.
    Ok((Some(text), None))
}

fn plan(args: &Args) -> Result<Plan, Error> {
    let env_server = std::env::var("NNTPSERVER")
        .ok()
        .filter(|s| !s.trim().is_empty());
    let mut operands: Vec<String> = args
        .operands
        .iter()
        .filter(|o| o.as_str() != "--")
        .cloned()
        .collect();
    let first_is_url = operands.first().is_some_and(|o| o.contains("://"));
    let (url, from_env) = match env_server {
        Some(server) if !first_is_url => (server.trim().to_owned(), true),
        _ if operands.is_empty() => {
            return Err(Error::usage(format!(
                "{} needs a server: nntp://host/… (or set NNTPSERVER)",
                action_name(args.action)
            )));
        }
        _ => (operands.remove(0), false),
    };
    let target = net::target::parse(&url, SCHEMES)?;
    let (mut group, url_id) = url_path(&target.path)?;
    if from_env && group.is_none() && takes_group(args) {
        let is_id = |o: &String| o.starts_with('<');
        if let Some(first) = operands.first().filter(|o| !is_id(o)) {
            // An article number or range is not a group: `article 5` needs one named.
            if !first.bytes().all(|b| b.is_ascii_digit() || b == b'-') {
                group = Some(operands.remove(0).trim_start_matches('/').to_owned());
            }
        }
    }
    if let Some(g) = &group {
        nntp::check_word("the group", g)?;
    }
    Ok(Plan {
        url,
        group,
        url_id,
        rest: operands,
    })
}

const SCHEMES: &[&str] = &["nntp", "nntps", "news", "snews"];

fn composing(args: &Args) -> bool {
    args.subject.is_some()
        || args.body.is_some()
        || args.body_file.is_some()
        || args.from.is_some()
        || !args.header.is_empty()
}

fn check_flags(args: &Args) -> Result<(), Error> {
    let a = args.action;
    let bad = |flags: &str, with: &str| {
        Err(Error::usage(format!(
            "{flags} go with {with}, not {}",
            action_name(a)
        )))
    };
    if (args.new || args.state.is_some()) && a != Action::Over {
        return bad("--new and --state", "over");
    }
    if args.state.is_some() && !args.new {
        return Err(Error::usage("--state goes with --new"));
    }
    if args.since.is_some() && !matches!(a, Action::Newnews | Action::Newgroups) {
        return bad("--since", "newnews and newgroups");
    }
    if (args.output.is_some() || args.output_dir.is_some())
        && !matches!(a, Action::Article | Action::Head | Action::Body)
    {
        return bad("-o and --output-dir", "article, head and body");
    }
    if (composing(args) || args.newsgroups.is_some()) && a != Action::Post {
        return bad(
            "--from, --subject, --body, --header and --newsgroups",
            "post",
        );
    }
    Ok(())
}

fn needs_group(plan: &Plan, what: &str) -> Result<String, Error> {
    plan.group.clone().ok_or_else(|| {
        Error::usage(format!(
            "{what} needs a group: nntp://host/GROUP (or GROUP with NNTPSERVER set)"
        ))
    })
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
    check_flags(&args)?;
    let plan = plan(&args)?;
    let deadline = args.client.net.deadline();
    let target = net::target::parse(&plan.url, SCHEMES)?;
    let c = &args.client;
    let quiet = c.output.quiet;
    let json = c.output.json;
    // Local input and the state lock come first: a mistake there should cost no login.
    let article = match args.action {
        Action::Post => Some(outgoing(&args, &plan, deadline)?),
        _ => None,
    };
    let state = match (args.action, args.new) {
        (Action::Over, true) => {
            let path = match &args.state {
                Some(p) => p.clone(),
                None => newsrc::default_path()?,
            };
            Some(Newsrc::open(&path)?)
        }
        _ => None,
    };
    let since = match (&args.since, args.action) {
        (Some(s), _) => Some(nntp::parse_since(s)?),
        (None, Action::Newnews | Action::Newgroups) => {
            return Err(
                Error::usage(format!("{} needs --since TIME", action_name(args.action))).into(),
            );
        }
        _ => None,
    };
    let (user, secret, _) = c.auth.login(&target, "nntp", json, quiet, None)?;
    let policy = c.tls.tls.policy();
    let tls = c.tls.context("nntp", json, quiet);
    let connect = c.net.connect_options(deadline);
    let (stream, _peer) = net::open(&target, &connect, c.net.timeout, &tls)?;
    let server = target.authority();
    let opts = nntp::Options {
        user,
        secret,
        login: match args.login {
            Some(AuthChoice::Plain) => Login::SaslPlain,
            _ => Login::User,
        },
        cleartext_auth_ok: target.is_loopback() || policy == TlsPolicy::Never,
        handshake_timeout: c.net.connect_timeout,
        idle_timeout: c.net.timeout,
        no_mode_reader: false,
    };
    let with_server = |e: Error| naming_server(&server, e);
    let mut session = Session::open(
        nntp::Peer {
            stream,
            host: &target.host,
            server: &server,
            tls: &tls,
            transcript: c.output.transcript(),
        },
        &opts,
    )
    .map_err(with_server)?;
    let watchdog = net::Watchdog::arm(session.socket()?, deadline.instant());
    let mut out = Stdout::new();
    let mut cx = Cx {
        args: &args,
        plan: &plan,
        out: &mut out,
        json,
        server: &server,
    };
    let result = match args.action {
        Action::Groups => groups(&mut session, &mut cx),
        Action::Group => group(&mut session, &mut cx),
        Action::Over => over(&mut session, &mut cx, state),
        Action::Hdr => hdr(&mut session, &mut cx),
        Action::Article => articles(&mut session, &mut cx, Part::Article),
        Action::Head => articles(&mut session, &mut cx, Part::Head),
        Action::Body => articles(&mut session, &mut cx, Part::Body),
        Action::Stat => articles(&mut session, &mut cx, Part::Stat),
        Action::Post => match article {
            Some(a) => post_article(&mut session, &mut cx, a),
            None => Err(Error::usage("nothing to post")),
        },
        Action::Date => date(&mut session, &mut cx),
        Action::Newnews => newnews(&mut session, &mut cx, since.unwrap_or(0)),
        Action::Newgroups => newgroups(&mut session, &mut cx, since.unwrap_or(0)),
    };
    let fired = watchdog.fired();
    drop(watchdog);
    if result.is_ok() {
        session.quit();
    }
    let outcome = result.map_err(|e| {
        if fired {
            Error::new(
                ErrorKind::Timeout,
                format!("{server}: --max-time reached (raise --max-time)"),
            )
        } else {
            with_server(e)
        }
    });
    // What was printed before a failure is kept: a listing cut short shows how far it got.
    let flushed = write_out(out.finish());
    let outcome = outcome?;
    flushed?;
    Ok(outcome)
}
