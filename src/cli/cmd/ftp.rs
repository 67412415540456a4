//! `netkit ftp ACTION URL …` (SPEC §7, issue 13): one action per run over one session of
//! `proto::ftp`. The action word is a positional, so SPEC §3's options and the actions' own
//! flags go anywhere after `ftp`. Downloads go through `save::Output` (`.part`, fsync, rename)
//! and are checked against SIZE; MDTM sets the local file's time.

use std::fs::File;
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::{Instant, SystemTime, UNIX_EPOCH};

use serde::Serialize;

use crate::cli::common::ClientOpts;
use crate::cli::exit::Outcome;
use crate::cli::probe::{self as cli_probe, ProbeOpts, Word, WordParser};
use crate::cli::render::{Stdout, hex, warn_as, write_out};
use crate::net::{self, Target, TlsInfo, TlsPolicy};
use crate::progress::Progress;
use crate::proto::ftp::mirror::{self, MirrorOptions, Summary};
use crate::proto::ftp::{self, Entry, Kind, Session};
use crate::proto::time::clock::UnixTime;
use crate::proto::time::daytime::rfc3339;
use crate::save::{self, Output};
use crate::{Error, ErrorKind};

mod transfer;
mod tree;
mod usage;

use usage::check_usage;

#[derive(clap::ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// List a directory
    Ls,
    /// Download a file
    Get,
    /// Upload a file
    Put,
    /// Delete a file
    Rm,
    /// Create a directory
    Mkdir,
    /// Remove an empty directory
    Rmdir,
    /// Rename a file or directory
    Mv,
    /// Print a file's size in bytes
    Size,
    /// Print a file's modification time (RFC 3339 UTC)
    Mtime,
    /// Send a raw command and print the reply
    Quote,
}

#[derive(clap::Args, Debug)]
pub struct Args {
    /// What to do: ls, get, put, rm, mkdir, rmdir, mv, size, mtime, quote
    #[arg(value_name = "ACTION", value_parser = WordParser::<Action>::new())]
    pub word: Word<Action>,

    /// The action of `word` (set by `run`).
    #[arg(skip = Action::Ls)]
    pub action: Action,

    /// ftp:// or ftps:// URL, then what the action takes (put: FILE URL; mv: URL TO;
    /// quote: URL COMMAND…)
    // Required unless --check: checked in `run`, so that a URL where the action should be
    // is reported as the bad action it is.
    #[arg(value_name = "ARG")]
    pub operands: Vec<String>,

    /// ls: long form (type, permissions, size, time, name)
    #[arg(short = 'l', long)]
    pub long: bool,

    /// ls: show names starting with '.' too (hidden by default, whatever the server does;
    /// LIST is sent as LIST -a)
    #[arg(short = 'a', long)]
    pub all: bool,

    /// get: write to FILE (via FILE.part); `-` for stdout. Default: the URL's file name
    #[arg(short = 'o', long, value_name = "FILE")]
    pub output: Option<PathBuf>,

    /// get: name the local file after the URL (the default; for curl's muscle memory)
    #[arg(short = 'O', long, conflicts_with = "output")]
    pub remote_name: bool,

    /// get: resume from FILE.part (REST); put: resume the remote file from its size
    #[arg(short = 'C', long = "continue")]
    pub resume: bool,

    /// get: fail with exit 10 unless the file's SHA-256 is HEX (the file is then not kept)
    #[arg(long, value_name = "HEX", value_parser = crate::cli::cmd::fetch::parse_sha256)]
    pub sha256: Option<crate::cli::cmd::fetch::Digest>,

    /// put: append to the remote file (APPE)
    #[arg(long, conflicts_with = "resume")]
    pub append: bool,

    /// ls: the whole tree; get -r URL [DIR]: mirror the remote directory into DIR (default
    /// ./NAME, the remote directory's name, created, as lftp's mirror); put -r DIR URL:
    /// mirror DIR onto the server (local *.part files are left out and reported skipped)
    #[arg(short = 'r', long)]
    pub recursive: bool,

    /// get -r: skip files whose size and time already match
    #[arg(long, requires = "recursive")]
    pub newer: bool,

    /// get -r: remove local files and directories the server does not have
    #[arg(long, requires = "recursive")]
    pub delete: bool,

    /// -r: leave out names matching GLOB (*, ?, [...]) at any depth; repeatable
    #[arg(long, value_name = "GLOB", requires = "recursive")]
    pub exclude: Vec<String>,

    /// -r: transfer N files at a time over N connections
    #[arg(short = 'P', long = "parallel", value_name = "N", default_value_t = 1,
          value_parser = clap::value_parser!(u16).range(1..=16), requires = "recursive")]
    pub parallel: u16,

    /// mkdir: create missing parent directories too
    #[arg(short = 'p', long)]
    pub parents: bool,

    /// Active mode: the server connects back (EPRT, else PORT)
    #[arg(long)]
    pub active: bool,

    /// TYPE A (text, line ends converted by the server) instead of binary
    #[arg(long)]
    pub ascii: bool,

    #[command(flatten)]
    pub client: ClientOpts,

    #[command(flatten)]
    pub probe: ProbeOpts,
}

/// An FTP path from a URL path (RFC 1738): percent-decoded, relative to the login directory
/// unless it starts with `%2F` (then absolute).
pub fn remote_path(url_path: &str) -> Result<String, Error> {
    let trimmed = url_path.strip_prefix('/').unwrap_or(url_path);
    let bytes = crate::url::quote::unquote_to_bytes(trimmed.as_bytes());
    let text = String::from_utf8(bytes)
        .map_err(|_| Error::usage("the URL path is not UTF-8 once decoded"))?;
    crate::proto::pingpong::check_argument("the URL path", &text)?;
    Ok(text)
}

fn last_component(path: &str) -> Option<String> {
    let name = path.trim_end_matches('/').rsplit('/').next()?;
    crate::http::names::sanitize(name)
}

/// The directory `get -r URL` without DIR mirrors into: the remote directory's name, as
/// lftp's `mirror SRC` takes it. `Err` says why there is none: the login (or root)
/// directory has no name; `.`, `..`, `...` or a name of control characters is no safe
/// local name; nor is `~` or `~user` (the home directory on the server): `./~` is one
/// unquoted `rm -r ~` away from the user's own home.
fn mirror_dir_name(path: &str) -> Result<String, String> {
    let trimmed = path.trim_end_matches('/');
    if trimmed.is_empty() {
        return Err(if path.is_empty() {
            "this URL names the login directory".to_owned()
        } else {
            "this URL names the root directory".to_owned()
        });
    }
    let name = trimmed.rsplit('/').next().unwrap_or(trimmed);
    crate::http::names::sanitize(name)
        .filter(|n| !n.starts_with('~'))
        .ok_or_else(|| {
            format!(
                "the remote name `{}` is not a safe local name",
                crate::cli::render::clean_text(name)
            )
        })
}

/// `dir/` + `name`, or `name` for the login directory.
fn join(dir: &str, name: &str) -> String {
    if dir.is_empty() {
        name.to_owned()
    } else if dir.ends_with('/') {
        format!("{dir}{name}")
    } else {
        format!("{dir}/{name}")
    }
}

fn rfc3339_secs(secs: i64) -> String {
    rfc3339(UnixTime::from_secs(secs), 0)
}

#[derive(Serialize)]
struct EntryJson<'a> {
    name: &'a str,
    #[serde(rename = "type")]
    kind: Kind,
    size: Option<u64>,
    modified: Option<String>,
    perms: Option<&'a str>,
    unique: Option<&'a str>,
    target: Option<&'a str>,
    raw: Option<&'a str>,
}

impl<'a> EntryJson<'a> {
    fn of(e: &'a Entry) -> Self {
        EntryJson {
            name: &e.name,
            kind: e.kind,
            size: e.size,
            modified: e.modified.map(rfc3339_secs),
            perms: e.perms.as_deref(),
            unique: e.unique.as_deref(),
            target: e.target.as_deref(),
            raw: e.raw.as_deref(),
        }
    }
}

#[derive(Serialize)]
struct TransferJson {
    url: String,
    action: &'static str,
    file: Option<String>,
    remote: String,
    bytes: u64,
    remote_size: Option<u64>,
    resumed_from: u64,
    modified: Option<String>,
    tls: Option<TlsInfo>,
    seconds: f64,
}

#[derive(Serialize)]
struct DoneJson<'a> {
    url: String,
    action: &'a str,
    path: &'a str,
    ok: bool,
    code: Option<u16>,
    lines: Option<Vec<String>>,
}

struct Run<'a> {
    args: &'a Args,
    creds: Option<crate::auth::credentials::Credentials>,
    target: Target,
    url_shown: String,
    quiet: bool,
    json: bool,
    /// `--max-time`'s end, for reading local input (put from a pipe).
    deadline: Option<Instant>,
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
    let deadline = args.client.net.deadline();
    // SIGINT/SIGTERM: a transfer in flight is ended with ABOR (within 2 s, bounded even if
    // the server ignores it), then exit 130 with every .part left for -C; with nothing in
    // flight, exit 130 at once. Before any thread starts, so that every one inherits it.
    let _interrupt = net::interrupt::catch();
    let (url, rest) = match args.action {
        Action::Put => match args.operands.as_slice() {
            [_, url, rest @ ..] => (url.as_str(), rest),
            _ => return Err(Error::usage("put takes FILE URL").into()),
        },
        _ => (args.operands[0].as_str(), &args.operands[1..]),
    };
    let expected_rest = match args.action {
        Action::Mv => Some(1),
        Action::Quote => None,
        Action::Get if args.recursive => (rest.len() > 1).then_some(1),
        _ => Some(0),
    };
    if args.recursive && !matches!(args.action, Action::Ls | Action::Get | Action::Put) {
        return Err(Error::usage("-r goes with ls, get and put").into());
    }
    if let Some(n) = expected_rest
        && rest.len() != n
    {
        return Err(Error::usage(match args.action {
            Action::Mv => "mv takes URL TO".to_owned(),
            Action::Get if args.recursive => "get -r takes URL [DIR]".to_owned(),
            Action::Put => "put takes FILE URL".to_owned(),
            _ => format!("{:?} takes one URL", args.action).to_lowercase(),
        })
        .into());
    }
    if args.sha256.is_some()
        && (args.action != Action::Get
            || args.recursive
            || args.output.as_deref() == Some(Path::new("-")))
    {
        return Err(Error::usage("--sha256 checks one get into a file").into());
    }
    if args.action == Action::Quote && rest.is_empty() {
        return Err(Error::usage("quote takes URL COMMAND…").into());
    }
    let target = net::target::parse(url, &["ftp", "ftps"])?;
    check_usage(&args, &remote_path(&target.path)?, rest)?;
    let quiet = args.client.output.quiet;
    let json = args.client.output.json;
    {
        // The line of an exit the signal thread takes itself (a second signal, a reply
        // pending): the shape of the ordinary error path's.
        let server = target.authority();
        let kept = match args.action {
            Action::Get if args.recursive => {
                "; files not yet complete are left as .part; run again \
                 (--newer skips the files already copied)"
            }
            Action::Get => "; any .part file is kept for -C",
            _ => "",
        };
        net::interrupt::on_forced_exit(move |why| {
            crate::cli::exit::error_line(
                "ftp",
                json,
                None,
                ErrorKind::Interrupted,
                &format!("{server}: interrupted: {why}{kept}"),
            )
        });
    }
    let creds = args.client.auth.credentials(&target, "ftp", json, quiet)?;
    let run = Run {
        args: &args,
        creds,
        url_shown: net::target::redacted(url),
        target,
        quiet,
        json,
        deadline: deadline.instant(),
    };
    let path = remote_path(&run.target.path)?;
    // Check local inputs before connecting: a typo should not cost a login.
    let upload = match args.action {
        Action::Put if !args.recursive => {
            let local = PathBuf::from(&args.operands[0]);
            let stdin = local.as_os_str() == "-";
            if stdin && (path.is_empty() || path.ends_with('/')) {
                return Err(Error::usage(
                    "put - (stdin) has no file name: give the URL the remote file's name",
                )
                .into());
            }
            if stdin && args.resume {
                return Err(Error::usage("-C resumes from a file, not from stdin (put -)").into());
            }
            let file = if stdin {
                crate::local::stdin_file()
            } else {
                File::open(&local)
            };
            let file = file.map_err(|e| {
                Error::new(
                    ErrorKind::LocalIo,
                    format!("{}: {}", local.display(), crate::error::io_words(&e)),
                )
            })?;
            Some((local, file))
        }
        _ => None,
    };
    let mut session = run.open(deadline)?;
    let server = session.server().to_owned();
    let watchdog = net::Watchdog::arm(session.control_socket()?, deadline.instant());
    let (result, session) = if args.recursive {
        (run.mirror(session, &path, rest, deadline), None)
    } else {
        let r = run.act(&mut session, &path, rest, upload, started);
        (r, Some(session))
    };
    let result = result.map_err(|e| {
        if watchdog.fired() {
            Error::new(
                ErrorKind::Timeout,
                format!("{server}: --max-time reached (raise --max-time)"),
            )
        } else if e.message().contains(server.as_str()) {
            e
        } else {
            Error::new(e.kind(), format!("{server}: {}", e.message()))
        }
    });
    drop(watchdog);
    // After a timeout QUIT would only wait out --timeout again for a server that is not
    // answering: the connection is just closed.
    // After an interrupt the session has already been closed (ABOR, see proto::ftp).
    let timed_out = result
        .as_ref()
        .is_err_and(|e| matches!(e.kind(), ErrorKind::Timeout | ErrorKind::Interrupted));
    if let Some(session) = session
        && !timed_out
    {
        session.quit();
    }
    Ok(result?)
}

impl Run<'_> {
    fn open(&self, deadline: net::Deadline) -> Result<Session, Error> {
        let c = &self.args.client;
        let creds = self.creds.clone();
        let policy = c.tls.tls.policy();
        let tls = c.tls.context("ftp", self.json, self.quiet);
        let connect = c.net.connect_options(deadline);
        let (stream, _peer) = net::open(&self.target, &connect, c.net.timeout, &tls)?;
        let transcript = c.output.transcript();
        let server = self.target.authority();
        let (user, secret) = match creds {
            Some(cr) => (Some(cr.user), Some(cr.password)),
            None => (None, None),
        };
        let opts = ftp::Options {
            user,
            secret,
            cleartext_auth_ok: self.target.is_loopback() || policy == TlsPolicy::Never,
            active: self.args.active,
            ascii: self.args.ascii,
            connect,
            idle_timeout: c.net.timeout,
        };
        Session::open(
            ftp::Peer {
                stream,
                host: &self.target.host,
                server: &server,
                tls: &tls,
                transcript,
            },
            opts,
        )
        .map_err(|e| {
            if e.message().contains(server.as_str()) {
                e
            } else {
                Error::new(e.kind(), format!("{server}: {}", e.message()))
            }
        })
    }

    fn act(
        &self,
        session: &mut Session,
        path: &str,
        rest: &[String],
        upload: Option<(PathBuf, File)>,
        started: Instant,
    ) -> Result<Outcome, Error> {
        let mut out = Stdout::new();
        let outcome = match self.args.action {
            Action::Ls => self.ls(session, path, &mut out)?,
            Action::Get => self.get(session, path, &mut out, started)?,
            Action::Put => {
                let (local, file) = upload.ok_or_else(|| Error::usage("put takes FILE URL"))?;
                self.put(session, path, &local, file, &mut out, started)?
            }
            Action::Rm => {
                session.delete(path)?;
                self.done(&mut out, "rm", path)?
            }
            Action::Mkdir => {
                self.mkdir(session, path)?;
                self.done(&mut out, "mkdir", path)?
            }
            Action::Rmdir => {
                session.rmdir(path)?;
                self.done(&mut out, "rmdir", path)?
            }
            Action::Mv => {
                let to = &rest[0];
                crate::proto::pingpong::check_argument("TO", to)?;
                let to = if to.starts_with('/') {
                    to.clone()
                } else {
                    let dir = path.rsplit_once('/').map_or("", |(d, _)| d);
                    join(dir, to)
                };
                session.rename(path, &to)?;
                self.done(&mut out, "mv", path)?
            }
            Action::Size => {
                let size = session.size_required(path)?;
                if self.json {
                    write_out(out.json(&serde_json::json!({
                        "url": self.url_shown, "path": path, "size": size
                    })))?;
                } else {
                    write_out(out.line(&size.to_string()))?;
                }
                Outcome::Success
            }
            Action::Mtime => {
                let secs = session.mdtm_required(path)?;
                let text = rfc3339_secs(secs);
                if self.json {
                    write_out(out.json(&serde_json::json!({
                        "url": self.url_shown, "path": path, "modified": text
                    })))?;
                } else {
                    write_out(out.line(&text))?;
                }
                Outcome::Success
            }
            Action::Quote => {
                let command = rest.join(" ");
                let reply = session.quote(&command)?;
                if self.json {
                    write_out(out.json(&DoneJson {
                        url: self.url_shown.clone(),
                        action: "quote",
                        path,
                        ok: reply.is_positive(),
                        code: Some(reply.code),
                        lines: Some(reply.lines.iter().map(|l| clean(l)).collect()),
                    }))?;
                } else {
                    for line in &reply.lines {
                        write_out(out.line(&format!("{} {}", reply.code, clean(line))))?;
                    }
                }
                if reply.is_positive() {
                    Outcome::Success
                } else {
                    Outcome::Exit(reply.error_kind())
                }
            }
        };
        write_out(out.finish())?;
        Ok(outcome)
    }

    fn done(&self, out: &mut Stdout, action: &str, path: &str) -> Result<Outcome, Error> {
        if self.json {
            write_out(out.json(&DoneJson {
                url: self.url_shown.clone(),
                action,
                path,
                ok: true,
                code: None,
                lines: None,
            }))?;
        }
        Ok(Outcome::Success)
    }

    /// One directory for `ls`: dot names left out unless `-a`, so that a listing is the
    /// same from a server that hides them (vsftpd's LIST) and one that does not (MLSD).
    fn listing(&self, session: &mut Session, dir: &str, now: i64) -> Result<Vec<Entry>, Error> {
        let mut entries = session.list_with(dir, now, self.args.all)?;
        if !self.args.all {
            // A name with a '/' is no dot file but a hostile entry (`../../x`): shown.
            entries.retain(|e| !e.name.starts_with('.') || e.name.contains('/'));
        }
        Ok(entries)
    }

    fn ls(&self, session: &mut Session, path: &str, out: &mut Stdout) -> Result<Outcome, Error> {
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_secs() as i64);
        let entries = self.listing(session, path, now)?;
        for e in &entries {
            if self.json {
                write_out(out.json(&EntryJson::of(e)))?;
            } else if self.args.long {
                let kind = match e.kind {
                    Kind::File => "file",
                    Kind::Dir => "dir",
                    Kind::Link => "link",
                    Kind::Unknown => "?",
                };
                let size = e.size.map_or_else(|| "-".to_owned(), |s| s.to_string());
                let when = e.modified.map_or_else(|| "-".to_owned(), rfc3339_secs);
                let perms = e.perms.as_deref().unwrap_or("-");
                let mut line = format!(
                    "{kind:<4} {perms:<10} {size:>12} {when:<20} {}",
                    clean(&e.name)
                );
                if let Some(t) = &e.target {
                    line.push_str(&format!(" -> {}", clean(t)));
                }
                write_out(out.line(&line))?;
            } else {
                write_out(out.line(&clean(&e.name)))?;
            }
        }
        Ok(Outcome::Success)
    }

    fn mkdir(&self, session: &mut Session, path: &str) -> Result<(), Error> {
        if !self.args.parents {
            return session.mkdir(path).map(drop);
        }
        let trimmed = path.trim_end_matches('/');
        let mut prefix = String::new();
        let parts: Vec<&str> = trimmed.split('/').collect();
        for (i, part) in parts.iter().enumerate() {
            if i > 0 || trimmed.starts_with('/') {
                prefix.push('/');
            }
            prefix.push_str(part);
            if part.is_empty() {
                continue;
            }
            if session.is_dir(&prefix)? {
                continue;
            }
            session.mkdir(&prefix)?;
        }
        Ok(())
    }
}

fn clean(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_control() { '?' } else { c })
        .collect()
}

/// `ftp --check URL`: greeting, AUTH TLS per `--tls`, USER/PASS with credentials, NOOP (or
/// FEAT before a login), QUIT.
fn check(args: &Args, url: &str) -> anyhow::Result<Outcome> {
    check_url(url, &args.client, &args.probe, "ftp")
}

/// The FTP probe, for `ftp --check` and `fetch --check ftp://…`.
pub fn check_url(
    url: &str,
    client: &crate::cli::common::ClientOpts,
    probe: &ProbeOpts,
    command: &str,
) -> anyhow::Result<Outcome> {
    let ctx = cli_probe::Context {
        command,
        service: "FTP",
        url,
        probe,
        output: &client.output,
    };
    cli_probe::run(&ctx, |recorder| {
        let s = cli_probe::start(client, command, url, &["ftp", "ftps"], recorder, None)?;
        let opts = ftp::Options {
            user: s.user,
            secret: s.secret,
            cleartext_auth_ok: s.cleartext_auth_ok,
            active: false,
            ascii: false,
            connect: client.net.connect_options(s.deadline),
            idle_timeout: client.net.timeout,
        };
        let (host, server, tls) = (&s.target.host, &s.server, &s.tls);
        cli_probe::guarded(s.stream, s.deadline, server, |stream| {
            ftp::probe(
                ftp::Peer {
                    stream,
                    host,
                    server,
                    tls,
                    transcript: client.output.transcript().with_recorder(recorder.clone()),
                },
                opts,
            )
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn url_paths_are_decoded_relative_or_absolute() {
        assert_eq!(
            remote_path("/file%20with%20spaces.txt").unwrap(),
            "file with spaces.txt"
        );
        assert_eq!(remote_path("/%2Fetc/motd").unwrap(), "/etc/motd");
        assert_eq!(remote_path("").unwrap(), "");
        assert_eq!(remote_path("/a/b/").unwrap(), "a/b/");
        assert_eq!(
            remote_path("/x%0d%0aDELE%20y").unwrap_err().kind(),
            ErrorKind::Usage
        );
        assert_eq!(remote_path("/%ff").unwrap_err().kind(), ErrorKind::Usage);
    }

    #[test]
    fn local_names_come_from_the_last_component() {
        assert_eq!(
            last_component("pub/file.tar.gz").as_deref(),
            Some("file.tar.gz")
        );
        assert_eq!(last_component("").as_deref(), None);
        assert_eq!(join("", "f"), "f");
        assert_eq!(join("d", "f"), "d/f");
        assert_eq!(join("d/", "f"), "d/f");
    }
}
