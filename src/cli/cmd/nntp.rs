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

/// What the actions share.
struct Cx<'a> {
    args: &'a Args,
    plan: &'a Plan,
    out: &'a mut Stdout,
    json: bool,
    server: &'a str,
}

impl Cx<'_> {
    fn usage_if(&self, bad: bool, text: &str) -> Result<(), Error> {
        if bad { Err(Error::usage(text)) } else { Ok(()) }
    }

    fn warn(&self, text: &str) {
        if !self.args.client.output.quiet {
            warn_as("nntp", self.json, text);
        }
    }
}

/// Server text for a terminal: control characters shown, tabs (our separator) as spaces.
fn field(text: &str) -> String {
    clean_text(&text.replace('\t', " "))
}

fn groups(session: &mut Session, cx: &mut Cx) -> Result<Outcome, Error> {
    cx.usage_if(cx.plan.rest.len() > 1, "groups takes URL [WILDMAT]")?;
    let wildmat = cx.plan.rest.first().cloned().or(cx.plan.group.clone());
    let wildmat = wildmat.as_deref();
    let descriptions = session.list_newsgroups(wildmat)?.unwrap_or_default();
    let (json, out) = (cx.json, &mut *cx.out);
    session.list_active(wildmat, |g| {
        let description = descriptions.get(&g.name).map(String::as_str);
        if json {
            write_out(out.json(&GroupJson {
                group: &g.name,
                first: g.first,
                last: g.last,
                status: &g.status,
                description,
            }))
        } else {
            write_out(out.line(&format!(
                "{}\t{}\t{}\t{}\t{}",
                field(&g.name),
                g.first,
                g.last,
                field(&g.status),
                field(description.unwrap_or(""))
            )))
        }
    })?;
    Ok(Outcome::Success)
}

fn newgroups(session: &mut Session, cx: &mut Cx, since: i64) -> Result<Outcome, Error> {
    cx.usage_if(!cx.plan.rest.is_empty(), "newgroups takes URL --since TIME")?;
    let (json, out) = (cx.json, &mut *cx.out);
    session.newgroups(since, |g| {
        if json {
            write_out(out.json(&GroupJson {
                group: &g.name,
                first: g.first,
                last: g.last,
                status: &g.status,
                description: None,
            }))
        } else {
            write_out(out.line(&format!(
                "{}\t{}\t{}\t{}",
                field(&g.name),
                g.first,
                g.last,
                field(&g.status)
            )))
        }
    })?;
    Ok(Outcome::Success)
}

fn group(session: &mut Session, cx: &mut Cx) -> Result<Outcome, Error> {
    cx.usage_if(!cx.plan.rest.is_empty(), "group takes URL/GROUP only")?;
    let name = needs_group(cx.plan, "group")?;
    let info = session.group(&name)?;
    if cx.json {
        write_out(cx.out.json(&info))?;
    } else {
        write_out(cx.out.line(&format!(
            "{} {} {} {}",
            field(&info.group),
            info.count,
            info.first,
            info.last
        )))?;
    }
    Ok(Outcome::Success)
}

fn over(session: &mut Session, cx: &mut Cx, mut state: Option<Newsrc>) -> Result<Outcome, Error> {
    cx.usage_if(cx.plan.rest.len() > 1, "over takes URL/GROUP [RANGE]")?;
    cx.usage_if(
        state.is_some() && !cx.plan.rest.is_empty(),
        "over --new takes no RANGE: it starts after the last article listed",
    )?;
    let name = needs_group(cx.plan, "over")?;
    let given = cx.plan.rest.first().map(|r| Range::parse(r)).transpose()?;
    let info = session.group(&name)?;
    let mark = state.as_ref().and_then(|s| s.high(cx.server, &name));
    let range = match (given, mark) {
        (Some(r), _) => Some(r),
        (None, Some(high)) if high > info.last => {
            // The server's numbers went down (a rebuilt spool): list the group again.
            cx.warn(&format!(
                "{name}: the server's last article is {} but {high} was listed before; \
                 listing the whole group",
                info.last
            ));
            Some(Range::from(info.first.max(1)))
        }
        (None, Some(high)) if high == info.last => None,
        (None, Some(high)) => Some(Range::from(high + 1)),
        (None, None) if info.count == 0 && info.last < info.first => None,
        (None, None) => Some(Range::from(info.first.max(1))),
    };
    let mut seen = 0u64;
    let mut bad = 0u64;
    if let Some(range) = range {
        let (json, out) = (cx.json, &mut *cx.out);
        let quiet = cx.args.client.output.quiet;
        session.over(range, |line| {
            let o = match line {
                Ok(o) => o,
                Err(e) => {
                    bad += 1;
                    if !quiet {
                        warn_as("nntp", json, &format!("skipped: {}", e.message()));
                    }
                    return Ok(());
                }
            };
            seen = seen.max(o.number);
            if json {
                write_out(out.json(&o))
            } else {
                write_out(out.line(&format!(
                    "{}\t{}\t{}\t{}\t{}\t{}",
                    o.number,
                    field(&o.subject),
                    field(&o.from),
                    field(&o.date),
                    field(&o.message_id),
                    field(&o.references)
                )))
            }
        })?;
    }
    if let Some(state) = state.as_mut() {
        // The output reaches stdout before the mark moves (module comment of newsrc).
        write_out(cx.out.flush())?;
        let high = seen.max(info.last).max(mark.unwrap_or(0));
        state.set(cx.server, &name, high);
        state.save()?;
    }
    Ok(if bad > 0 {
        Outcome::Exit(ErrorKind::Partial)
    } else {
        Outcome::Success
    })
}

fn hdr(session: &mut Session, cx: &mut Cx) -> Result<Outcome, Error> {
    cx.usage_if(
        cx.plan.rest.is_empty() || cx.plan.rest.len() > 2,
        "hdr takes URL/GROUP HEADER [RANGE]",
    )?;
    let name = needs_group(cx.plan, "hdr")?;
    let header = cx.plan.rest[0].clone();
    let given = cx.plan.rest.get(1).map(|r| Range::parse(r)).transpose()?;
    let info = session.group(&name)?;
    let range = match given {
        Some(r) => r,
        None if info.count == 0 && info.last < info.first => return Ok(Outcome::Success),
        None => Range::from(info.first.max(1)),
    };
    let (json, out) = (cx.json, &mut *cx.out);
    session.hdr(&header, range, |n, value| {
        if json {
            write_out(out.json(&serde_json::json!({"number": n, "header": header, "value": value})))
        } else {
            write_out(out.line(&format!("{n}\t{}", field(&value))))
        }
    })?;
    Ok(Outcome::Success)
}

/// The articles named by the operands: numbers, ranges (expanded within the group) or
/// message-ids. `explicit` is false for numbers that come from a range (gaps are normal).
fn selection(cx: &Cx, info_last: Option<u64>) -> Result<Vec<(Which, bool)>, Error> {
    let mut out = Vec::new();
    if let Some(id) = &cx.plan.url_id {
        out.push((Which::Id(id.clone()), true));
    }
    for op in &cx.plan.rest {
        if op.starts_with('<') {
            nntp::check_message_id(op)?;
            out.push((Which::Id(op.clone()), true));
            continue;
        }
        let r = Range::parse(op)?;
        if r.single {
            out.push((Which::Number(r.first), true));
            continue;
        }
        let last = r.last.or(info_last).unwrap_or(0);
        if last >= r.first && last - r.first >= MAX_ARTICLES {
            return Err(Error::usage(format!(
                "{op}: more than {MAX_ARTICLES} articles in one run"
            )));
        }
        for n in r.first..=last {
            out.push((Which::Number(n), false));
        }
    }
    Ok(out)
}

fn articles(session: &mut Session, cx: &mut Cx, part: Part) -> Result<Outcome, Error> {
    let what = action_name(cx.args.action);
    let has_numbers = cx.plan.rest.iter().any(|o| !o.starts_with('<'));
    cx.usage_if(
        cx.plan.rest.is_empty() && cx.plan.url_id.is_none(),
        &format!("{what} takes URL/GROUP N|RANGE… or URL <message-id>"),
    )?;
    let info = if has_numbers {
        let name = needs_group(cx.plan, &what)?;
        Some(session.group(&name)?)
    } else {
        None
    };
    let wanted = selection(cx, info.as_ref().map(|i| i.last))?;
    let several = wanted.len() > 1 || wanted.iter().any(|(_, explicit)| !explicit);
    cx.usage_if(
        several && part != Part::Stat && cx.args.output_dir.is_none() && !cx.json,
        &format!("{what} of several articles needs --output-dir DIR (or --json)"),
    )?;
    cx.usage_if(
        several && cx.args.output.is_some(),
        "-o FILE takes one article; use --output-dir DIR",
    )?;
    if let Some(dir) = &cx.args.output_dir {
        std::fs::create_dir_all(dir).map_err(|e| crate::save::local("creating", dir, &e))?;
    }
    let mut missing = 0usize;
    let mut got = 0usize;
    let mut last_missing: Option<Error> = None;
    let mut queued = 0usize;
    let mut buf: Vec<u8> = Vec::with_capacity(64 * 1024);
    for i in 0..wanted.len() {
        // Keep up to WINDOW commands in flight ahead of the answer being read.
        while queued < wanted.len() && queued < i + WINDOW {
            session.queue_article(part, &wanted[queued].0)?;
            queued += 1;
        }
        session.flush()?;
        let (which, explicit) = &wanted[i];
        buf.clear();
        let found = session.read_article(part, which, |line| {
            buf.extend_from_slice(line);
            buf.push(b'\n');
            Ok(())
        })?;
        let Some(found) = found else {
            if *explicit {
                missing += 1;
                last_missing = Some(Error::new(
                    ErrorKind::Refused,
                    format!(
                        "{}: no article {} here (430/423)",
                        cx.server,
                        clean_text(&match which {
                            Which::Number(n) => n.to_string(),
                            Which::Id(id) => id.clone(),
                        })
                    ),
                ));
                if several {
                    cx.warn(last_missing.as_ref().map_or("", |e| e.message()));
                }
            }
            continue;
        };
        got += 1;
        emit_article(cx, part, &found, &buf)?;
    }
    match (got, missing) {
        (_, 0) => Ok(Outcome::Success),
        (0, _) if !several || wanted.iter().all(|(_, e)| *e) => {
            Err(last_missing.unwrap_or_else(|| Error::new(ErrorKind::Refused, "no such article")))
        }
        _ => Ok(Outcome::Exit(ErrorKind::Partial)),
    }
}

/// A file name for an article saved under --output-dir: its number, or a message-id made
/// safe (no `/`, no dot files, no control characters).
fn file_name(found: &Found) -> String {
    if found.number > 0 {
        return found.number.to_string();
    }
    let name: String = found
        .message_id
        .trim_matches(['<', '>'])
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || "@.-_+=".contains(c) {
                c
            } else {
                '_'
            }
        })
        .collect();
    format!("id_{}", name.trim_start_matches('.'))
}

fn emit_article(cx: &mut Cx, part: Part, found: &Found, text: &[u8]) -> Result<(), Error> {
    if part == Part::Stat {
        return if cx.json {
            write_out(cx.out.json(&ArticleJson {
                number: found.number,
                message_id: &found.message_id,
                article: None,
            }))
        } else {
            write_out(
                cx.out
                    .line(&format!("{} {}", found.number, field(&found.message_id))),
            )
        };
    }
    let to_file = match (&cx.args.output, &cx.args.output_dir) {
        (Some(p), _) if p.as_os_str() != "-" => Some(p.clone()),
        (_, Some(dir)) => Some(dir.join(file_name(found))),
        _ => None,
    };
    if let Some(path) = to_file {
        let mut file = Output::open(&path, false)?;
        file.write_all(text)?;
        file.commit()?;
        if cx.json {
            write_out(cx.out.json(&serde_json::json!({
                "number": found.number,
                "message_id": found.message_id,
                "file": path.display().to_string(),
                "size": text.len(),
            })))?;
        }
        return Ok(());
    }
    if cx.json {
        write_out(cx.out.json(&ArticleJson {
            number: found.number,
            message_id: &found.message_id,
            article: Some(&String::from_utf8_lossy(text)),
        }))
    } else {
        write_out(cx.out.write_all(text))
    }
}

/// A raw or composed article, read and checked before connecting.
struct Article {
    prefix: Vec<u8>,
    body: Vec<u8>,
    message_id: String,
    newsgroups: String,
}

/// The most bytes of one article (far above any server's limit, INN's is 1 MB by default).
const MAX_ARTICLE: u64 = 64 << 20;

fn outgoing(args: &Args, plan: &Plan, deadline: net::Deadline) -> Result<Article, Error> {
    let bounds = crate::local::Bounds {
        max_bytes: Some(MAX_ARTICLE),
        deadline: deadline.instant(),
    };
    let groups = match (&args.newsgroups, &plan.group) {
        (Some(n), _) => {
            compose::check_header_value("--newsgroups", n)?;
            Some(n.clone())
        }
        (None, g) => g.clone(),
    };
    let read_file = |path: &std::path::Path, what: &str| -> Result<Vec<u8>, Error> {
        if path.as_os_str() == "-" {
            return crate::local::read_all(&mut std::io::stdin().lock(), bounds, what);
        }
        let mut f = std::fs::File::open(path).map_err(|e| {
            Error::usage(format!(
                "{}: {}",
                path.display(),
                crate::error::io_words(&e)
            ))
        })?;
        crate::local::read_all(&mut f, bounds, what)
    };
    if composing(args) {
        cx_usage(
            !plan.rest.is_empty(),
            "post composes from flags or sends FILE, not both",
        )?;
        let from = args
            .from
            .clone()
            .ok_or_else(|| Error::usage("--from is needed to compose an article"))?;
        let groups = groups
            .ok_or_else(|| Error::usage("post needs a group: nntp://host/GROUP or --newsgroups"))?;
        let body = match &args.body_file {
            Some(path) => {
                let what = format!("--body-file {}", path.display());
                let bytes = read_file(path, &what)?;
                Some(
                    String::from_utf8(bytes)
                        .map_err(|_| Error::usage(format!("{what}: not UTF-8 text")))?,
                )
            }
            None => args.body.clone(),
        };
        let mut headers = vec![("Newsgroups".to_owned(), groups.clone())];
        for h in &args.header {
            headers.push(compose::parse_header(h)?);
        }
        let domain = nntp::domain_of(&from).unwrap_or_else(|| "netkit.invalid".to_owned());
        let message_id = message::new_message_id(&domain);
        let now = UnixTime::now().secs;
        let draft = Draft {
            from,
            subject: args.subject.clone(),
            body,
            bounds,
            headers,
            message_id: message_id.clone(),
            date_unix: now,
            ..Draft::default()
        };
        // No attachments here: the composed article is the skeleton alone, small and in
        // memory, so reading it whole (within the raw-article cap) is cheap.
        let mut article = Vec::new();
        std::io::Read::read_to_end(
            &mut std::io::Read::take(compose::compose(&draft)?, MAX_ARTICLE + 1),
            &mut article,
        )
        .map_err(|e| Error::new(ErrorKind::LocalIo, format!("composing: {e}")))?;
        if article.len() as u64 > MAX_ARTICLE {
            return Err(Error::usage(format!(
                "the composed article is over {MAX_ARTICLE} bytes"
            )));
        }
        return Ok(Article {
            prefix: Vec::new(),
            body: article,
            message_id,
            newsgroups: groups,
        });
    }
    cx_usage(plan.rest.len() > 1, "post takes URL [FILE|-]")?;
    let body = match plan.rest.first().map(String::as_str) {
        Some("-") | None => {
            if std::io::stdin().is_terminal() {
                return Err(Error::usage(
                    "post: give FILE, pipe the article on stdin, or compose with --from/--subject/--body",
                ));
            }
            read_file(std::path::Path::new("-"), "stdin")?
        }
        Some(path) => read_file(std::path::Path::new(path), path)?,
    };
    let raw = post::prepare_raw(
        &body,
        groups.as_deref(),
        message::new_message_id,
        message::date_now,
    )?;
    Ok(Article {
        prefix: raw.prefix,
        body,
        message_id: raw.message_id,
        newsgroups: raw.newsgroups,
    })
}

fn cx_usage(bad: bool, text: &str) -> Result<(), Error> {
    if bad { Err(Error::usage(text)) } else { Ok(()) }
}

fn post_article(session: &mut Session, cx: &mut Cx, a: Article) -> Result<Outcome, Error> {
    let size = (a.prefix.len() + a.body.len()) as u64;
    let reply = session.post(|w| {
        w.write_all(&a.prefix)
            .and_then(|()| w.write_all(&a.body))
            .map_err(crate::proto::pingpong::write_error)?;
        Ok(size)
    })?;
    if cx.json {
        write_out(cx.out.json(&PostJson {
            server: cx.server,
            message_id: &a.message_id,
            newsgroups: &a.newsgroups,
            size,
            reply: &reply,
        }))?;
    } else if !cx.args.client.output.quiet {
        write_out(cx.out.line(&format!(
            "posted {} to {}",
            field(&a.message_id),
            field(&a.newsgroups)
        )))?;
    }
    Ok(Outcome::Success)
}

fn date(session: &mut Session, cx: &mut Cx) -> Result<Outcome, Error> {
    cx.usage_if(!cx.plan.rest.is_empty(), "date takes URL only")?;
    let secs = session.date()?;
    let text = rfc3339(UnixTime::from_secs(secs), 0);
    if cx.json {
        write_out(
            cx.out
                .json(&serde_json::json!({"server": cx.server, "date": text})),
        )?;
    } else {
        write_out(cx.out.line(&text))?;
    }
    Ok(Outcome::Success)
}

fn newnews(session: &mut Session, cx: &mut Cx, since: i64) -> Result<Outcome, Error> {
    cx.usage_if(
        cx.plan.rest.len() > 1,
        "newnews takes URL/WILDMAT --since TIME",
    )?;
    let wildmat = cx
        .plan
        .group
        .clone()
        .or_else(|| cx.plan.rest.first().cloned())
        .unwrap_or_else(|| "*".to_owned());
    let (json, out) = (cx.json, &mut *cx.out);
    session.newnews(&wildmat, since, |id| {
        if json {
            write_out(out.json(&serde_json::json!({"message_id": id})))
        } else {
            write_out(out.line(&field(&id)))
        }
    })?;
    Ok(Outcome::Success)
}

/// `nntp --check URL`: greeting, CAPABILITIES, STARTTLS per `--tls`, AUTHINFO with
/// credentials (no MODE READER: INN would start a reader process for it), DATE as the
/// request (RFC 3977 §7.1; CAPABILITIES again where DATE is unknown), QUIT.
fn check(args: &Args, url: &str) -> anyhow::Result<Outcome> {
    let c = &args.client;
    let ctx = cli_probe::Context {
        command: "nntp",
        service: "NNTP",
        url,
        probe: &args.probe,
        output: &c.output,
    };
    cli_probe::line_session(c, &ctx, SCHEMES, None, |who, peer, recorder| {
        let opts = nntp::Options {
            user: who.user,
            secret: who.secret,
            login: match args.login {
                Some(AuthChoice::Plain) => Login::SaslPlain,
                _ => Login::User,
            },
            cleartext_auth_ok: who.cleartext_auth_ok,
            handshake_timeout: c.net.connect_timeout,
            idle_timeout: c.net.timeout,
            no_mode_reader: true,
        };
        let mut session = Session::open(peer, &opts)?;
        recorder.phase(crate::probe::Phase::Request);
        match session.date() {
            Ok(_) => {}
            Err(e) if e.kind() == ErrorKind::Refused => session.refresh_capabilities()?,
            Err(e) => return Err(e),
        }
        recorder.phase(crate::probe::Phase::Quit);
        session.quit();
        Ok(())
    })
}
