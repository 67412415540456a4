//! `--check` and its flags, the same for every client command (issue 18): one flattened
//! [`ProbeOpts`], and [`run`], which times a command's probe with a [`Recorder`], judges it
//! (`probe::judge`) and prints one of the three forms of `probe::format`. A command gives
//! only its cheapest request; connecting, TLS and the verdict are here and in `probe`.

use crate::cli::common::OutputOpts;
use crate::cli::exit::{self, Outcome};
use crate::cli::render::{Stdout, write_out};
use crate::net::{self, Deadline, Stream};
use crate::probe::{self, Checks, Phase, Recorder, format};
use crate::{Error, ErrorKind};

#[derive(clap::Args, Debug, Clone, Default)]
pub struct ProbeOpts {
    /// Probe the service and exit: connect, greeting, TLS per --tls, login when credentials
    /// are given, the protocol's cheapest request, quit; one line with the timings (--json,
    /// --nagios). Each phase must end within -t (tls and connect: plus --connect-timeout).
    /// Exit 0, or the code of the first phase that failed
    #[arg(long)]
    pub check: bool,

    /// With --check: exit 10 when the server's certificate expires within N days
    #[arg(long, value_name = "N")]
    pub cert_days: Option<u32>,

    /// With --check: exit 10 unless the greeting or the reply contains TEXT (repeatable:
    /// each must be found). telnet: a REGEX step, or with --check one the first bytes match
    #[arg(long, value_name = "TEXT")]
    pub expect: Vec<String>,

    /// With --check: a probe slower than MS milliseconds is a warning (exit 0; 1 with
    /// --nagios)
    #[arg(long, value_name = "MS", value_parser = parse_ms)]
    pub warn_ms: Option<f64>,

    /// With --check: a probe slower than MS milliseconds fails (exit 10; 2 with --nagios)
    #[arg(long, value_name = "MS", value_parser = parse_ms)]
    pub crit_ms: Option<f64>,

    /// With --check: monitoring-plugins output and exit codes (0 OK, 1 WARNING, 2 CRITICAL,
    /// 3 UNKNOWN) for Nagios, Icinga, Naemon and Sensu
    #[arg(long, conflicts_with = "json")]
    pub nagios: bool,
}

/// The longest threshold taken: a day. A probe is over long before (every phase is
/// bounded by the timeouts), and a bigger number only prints hundreds of digits into the
/// perfdata.
const MAX_MS: f64 = 86_400_000.0;

/// Milliseconds, to the microsecond the perfdata shows (`1e-300` is 0, not 300 digits).
fn parse_ms(text: &str) -> Result<f64, String> {
    match text.trim().parse::<f64>() {
        Ok(ms) if ms.is_finite() && (0.0..=MAX_MS).contains(&ms) => {
            Ok((ms * 1000.0).round() / 1000.0)
        }
        Ok(ms) if ms.is_finite() && ms > MAX_MS => Err(format!(
            "'{text}' ms is more than a day ({MAX_MS} ms at most)"
        )),
        _ => Err(format!("'{text}' is not a number of milliseconds")),
    }
}

impl ProbeOpts {
    /// Refuses probe flags without `--check` (they would be silently ignored). `telnet`
    /// passes `expect_is_step`: there `--expect` is also a scripted step.
    pub fn validate(&self, expect_is_step: bool) -> Result<(), Error> {
        if self.check {
            return self.validate_checks(expect_is_step);
        }
        let given = [
            (self.cert_days.is_some(), "--cert-days"),
            (!self.expect.is_empty() && !expect_is_step, "--expect"),
            (self.warn_ms.is_some(), "--warn-ms"),
            (self.crit_ms.is_some(), "--crit-ms"),
            (self.nagios, "--nagios"),
        ];
        match given.iter().find(|g| g.0) {
            Some((_, flag)) => Err(Error::usage(format!("{flag} goes with --check"))),
            None => Ok(()),
        }
    }

    /// Checks that could never pass, or never fail, are the user's mistake: said before
    /// connecting rather than found out as a CRITICAL (or an OK that checks nothing).
    fn validate_checks(&self, expect_is_step: bool) -> Result<(), Error> {
        if let (Some(warn), Some(crit)) = (self.warn_ms, self.crit_ms)
            && warn > crit
        {
            return Err(Error::usage(format!(
                "--warn-ms {warn} is over --crit-ms {crit}: a probe fails before it could warn"
            )));
        }
        if expect_is_step {
            return Ok(());
        }
        for text in &self.expect {
            if text.is_empty() {
                return Err(Error::usage(
                    "--expect '': an empty text is in every reply, so it checks nothing",
                ));
            }
            // Server lines are kept without their CRLF and with control characters shown
            // as '?': an --expect holding one could never match.
            if text.chars().any(char::is_control) {
                return Err(Error::usage(format!(
                    "--expect '{}': the text holds a control character (a line end, a tab), \
                     which no reply line keeps",
                    text.escape_debug()
                )));
            }
            if text.len() > crate::probe::MAX_LINE {
                return Err(Error::usage(format!(
                    "--expect: a text over {} bytes, longer than any reply line kept",
                    crate::probe::MAX_LINE
                )));
            }
        }
        Ok(())
    }

    /// For a command that never speaks TLS (telnet, the time protocols): `--cert-days`
    /// could never pass.
    pub fn refuse_cert_days(&self, command: &str) -> Result<(), Error> {
        match self.cert_days {
            Some(_) if self.check => Err(Error::usage(format!(
                "--cert-days needs TLS, and {command} has none"
            ))),
            _ => Ok(()),
        }
    }

    fn checks(&self) -> Checks {
        Checks {
            cert_days: self.cert_days,
            expect: self.expect.clone(),
            warn_ms: self.warn_ms,
            crit_ms: self.crit_ms,
        }
    }
}

/// The options of each command that mean something to its probe, besides the shared
/// connection, TLS, credential, output and probe options. Anything else given with
/// `--check` would be silently ignored (`fetch --check -o FILE` writes nothing, `gopher
/// --check --query Q` sends no query): a usage error says so before connecting. smtp-send
/// keeps its message options here because it refuses them itself, with its own words.
/// ftp, whose front end other hands are changing, and telnet, which refuses its own
/// steps, are left to themselves.
fn probe_options(command: &str) -> Option<&'static [&'static str]> {
    Some(match command {
        "fetch" => &["urls"],
        "gopher" => &["url"],
        "pop" | "imap" => &["word", "operands", "login", "oauth2_token_file"],
        "nntp" => &["word", "operands", "login"],
        "smtp-send" => &[
            "url",
            "message",
            "from",
            "to",
            "cc",
            "bcc",
            "subject",
            "body",
            "body_file",
            "attach",
            "header",
            "dry_run",
            "submission",
            "mechanism",
            "oauth2_token_file",
            "helo",
        ],
        "timeclient" => &["servers", "proto", "udp", "max_offset", "retries"],
        _ => return None,
    })
}

/// Refuses, with `--check`, an option given on the command line that the probe would
/// ignore ([`probe_options`]). `definition` is the command's clap definition.
pub fn refuse_strays(
    command: &str,
    definition: &clap::Command,
    matches: &clap::ArgMatches,
) -> Result<(), Error> {
    use clap::Args;
    let Some(own) = probe_options(command) else {
        return Ok(());
    };
    let check = matches.try_get_one::<bool>("check").ok().flatten();
    if check != Some(&true) {
        return Ok(());
    }
    let shared = crate::cli::common::ClientOpts::augment_args(ProbeOpts::augment_args(
        clap::Command::new("shared"),
    ));
    for arg in definition.get_arguments() {
        let id = arg.get_id().as_str();
        let given = matches!(
            matches.value_source(id),
            Some(clap::parser::ValueSource::CommandLine)
        );
        if !given || own.contains(&id) || shared.get_arguments().any(|a| a.get_id() == id) {
            continue;
        }
        let flag = match (arg.get_long(), arg.get_short()) {
            (Some(long), _) => format!("--{long}"),
            (None, Some(short)) => format!("-{short}"),
            (None, None) => id.to_owned(),
        };
        return Err(Error::usage(format!(
            "{flag} does not go with --check: a probe connects, greets, logs in and makes \
             its one cheapest request, so it would be ignored"
        )));
    }
    Ok(())
}

/// What a command's probe needs from the front end.
pub struct Context<'a> {
    /// The command name (`smtp-send`), for error lines.
    pub command: &'a str,
    /// The monitoring-plugins service name (`SMTP`).
    pub service: &'static str,
    /// The URL as the user wrote it (shown with its password masked).
    pub url: &'a str,
    pub probe: &'a ProbeOpts,
    pub output: &'a OutputOpts,
}

/// Runs `body` as the probe: it connects (`probe::open`), marks the phases it goes through
/// on the recorder (or lets its session mark them through the transcript), and returns when
/// the exchange is over. Prints the result and returns the exit.
pub fn run(
    ctx: &Context<'_>,
    body: impl FnOnce(&Recorder) -> Result<(), Error>,
) -> anyhow::Result<Outcome> {
    let recorder = Recorder::start();
    if ctx.probe.cert_days.is_some() {
        recorder.want_certificate();
    }
    let result = body(&recorder);
    // A phase that ran out was cut by the watch: whatever the cut made the session say
    // (a closed connection, a failed read, or the end of a Gopher reply, which is the
    // close), the probe timed out. A timeout of the session's own when its phase had run
    // out too is the phase's: a step of the line layer begun inside the phase (a
    // capability list) runs out an instant after it, and may wake before the watch.
    let result = match (result, recorder.overrun()) {
        (_, Some(over)) => Err(over.error()),
        (Err(e), None) if e.kind() == ErrorKind::Timeout => {
            Err(recorder.overrun_by_now().map_or(e, |over| over.error()))
        }
        (result, None) => result,
    };
    let error = match result {
        Ok(()) => None,
        // A usage error is the invocation's, not the service's: clap's usual report, or
        // UNKNOWN for a monitor.
        Err(e) if e.kind() == ErrorKind::Usage => {
            if ctx.probe.nagios {
                let line = format::nagios_unknown(ctx.service, &exit::safe_text(e.message()));
                print_line(&line)?;
                return Ok(Outcome::Code(probe::Status::Unknown.nagios_code()));
            }
            return Err(e.into());
        }
        Err(e) => Some((recorder.current(), e)),
    };
    let record = recorder.finish(error.is_some());
    let url = net::target::redacted(ctx.url);
    let report = probe::judge(url, ctx.service, record, error, ctx.probe.checks());
    let code = match report.failed_kind() {
        None => 0,
        Some(kind) => exit::code(kind),
    };
    if ctx.probe.nagios {
        print_line(&exit::safe_text(&format::nagios_line(&report)))?;
        return Ok(Outcome::Code(report.status.nagios_code()));
    }
    let json = ctx.output.json;
    let mut out = Stdout::new();
    if json {
        write_out(out.json(&format::json(&report, code)))?;
    } else {
        write_out(out.line(&exit::safe_text(&format::text_line(&report))))?;
    }
    write_out(out.finish())?;
    // The error line reads as every command's does (issue 20 item 7): the phase that failed
    // is already in the probe line on stdout.
    if let Some(f) = &report.failure {
        exit::print_error(ctx.command, json, f.kind, &f.message);
    }
    Ok(Outcome::Code(code))
}

fn print_line(line: &str) -> anyhow::Result<()> {
    let mut out = Stdout::new();
    write_out(out.line(line))?;
    write_out(out.finish())?;
    Ok(())
}

/// Bounds a probe's exchange on `stream` by `--max-time`: a watchdog shuts the socket down
/// when the deadline passes, and the error then says so (exit 5). Errors name `server`.
pub fn guarded<T>(
    stream: Stream,
    deadline: Deadline,
    server: &str,
    f: impl FnOnce(Stream) -> Result<T, Error>,
) -> Result<T, Error> {
    let socket = stream.try_clone_socket().map_err(|e| {
        Error::new(
            ErrorKind::LocalIo,
            format!("socket: {}", crate::error::io_words(&e)),
        )
    })?;
    let watchdog = net::Watchdog::arm(socket, deadline.instant());
    let result = f(stream);
    if watchdog.fired() {
        return Err(Error::new(
            ErrorKind::Timeout,
            format!("{server}: --max-time reached (raise --max-time)"),
        ));
    }
    result.map_err(|e| crate::cli::common::naming_server(server, e))
}

/// A probe's connection, made: what every line-protocol probe starts from.
pub struct Started {
    pub target: net::Target,
    pub user: Option<String>,
    pub secret: Option<crate::auth::Secret>,
    pub oauth2: bool,
    pub tls: net::TlsContext,
    pub stream: Stream,
    pub deadline: Deadline,
    /// `host:port`, for messages.
    pub server: String,
    /// Credentials may go in clear text (loopback peer, or `--tls none`).
    pub cleartext_auth_ok: bool,
}

/// Parses `url` for `schemes`, finds the credentials (SPEC §3's sources), connects (connect
/// and, for implicit TLS, tls phases) and begins the greeting phase.
pub fn start(
    client: &crate::cli::common::ClientOpts,
    command: &str,
    url: &str,
    schemes: &[&str],
    recorder: &Recorder,
    token_file: Option<&std::path::Path>,
) -> Result<Started, Error> {
    let (json, quiet) = (client.output.json, client.output.quiet);
    let target = net::target::parse(url, schemes)?;
    let (user, secret, oauth2) = client
        .auth
        .login(&target, command, json, quiet, token_file)?;
    let tls = client.tls.context(command, json, quiet);
    let deadline = client.net.deadline();
    let stream = probe::open(
        &target,
        &client.net.connect_options(deadline),
        client.net.timeout,
        &tls,
        recorder,
    )?;
    recorder.phase(Phase::Greeting);
    Ok(Started {
        server: target.authority(),
        cleartext_auth_ok: target.is_loopback()
            || client.tls.tls == crate::cli::common::TlsMode::None,
        target,
        user,
        secret,
        oauth2,
        tls,
        stream,
        deadline,
    })
}

/// What [`start`] found about logging in, for a line session's options.
pub struct Credentials {
    pub user: Option<String>,
    pub secret: Option<crate::auth::Secret>,
    pub oauth2: bool,
    /// Credentials may go in clear text (loopback peer, or `--tls none`).
    pub cleartext_auth_ok: bool,
}

/// The probe of a line-protocol session (pop, imap, nntp): [`start`] connects, then
/// `session` runs under `--max-time` on a [`Peer`](crate::proto::pingpong::Peer) whose
/// transcript feeds the recorder. `session` builds its protocol's options from the
/// credentials, opens the session and makes its request.
pub fn line_session(
    client: &crate::cli::common::ClientOpts,
    ctx: &Context<'_>,
    schemes: &[&str],
    token_file: Option<&std::path::Path>,
    session: impl FnOnce(Credentials, crate::proto::pingpong::Peer<'_>, &Recorder) -> Result<(), Error>,
) -> anyhow::Result<Outcome> {
    run(ctx, |recorder| {
        let Started {
            target,
            user,
            secret,
            oauth2,
            tls,
            stream,
            deadline,
            server,
            cleartext_auth_ok,
        } = start(client, ctx.command, ctx.url, schemes, recorder, token_file)?;
        let credentials = Credentials {
            user,
            secret,
            oauth2,
            cleartext_auth_ok,
        };
        guarded(stream, deadline, &server, |stream| {
            let peer = crate::proto::pingpong::Peer {
                stream,
                host: &target.host,
                server: &server,
                tls: &tls,
                transcript: client.output.transcript().with_recorder(recorder.clone()),
            };
            session(credentials, peer, recorder)
        })
    })
}

/// Marks the request phase on `recorder` and runs it.
pub fn request<T>(recorder: &Recorder, f: impl FnOnce() -> Result<T, Error>) -> Result<T, Error> {
    recorder.phase(Phase::Request);
    f()
}

/// The first positional of a command with action words (ftp, pop, imap, nntp): an action,
/// or — for `--check URL`, which needs none — the URL itself.
#[derive(Debug, Clone)]
pub enum Word<A> {
    Action(A),
    Target(String),
}

/// Parses [`Word`]: an action name as clap's value enum spells it, else the text as a target.
/// The action names stay the possible values for help, man pages and completions.
#[derive(Debug, Clone)]
pub struct WordParser<A>(std::marker::PhantomData<A>);

impl<A> WordParser<A> {
    pub fn new() -> Self {
        WordParser(std::marker::PhantomData)
    }
}

impl<A> Default for WordParser<A> {
    fn default() -> Self {
        Self::new()
    }
}

impl<A: clap::ValueEnum + Clone + Send + Sync + 'static> clap::builder::TypedValueParser
    for WordParser<A>
{
    type Value = Word<A>;

    fn parse_ref(
        &self,
        cmd: &clap::Command,
        _arg: Option<&clap::Arg>,
        value: &std::ffi::OsStr,
    ) -> Result<Word<A>, clap::Error> {
        let text = value
            .to_str()
            .ok_or_else(|| clap::Error::new(clap::error::ErrorKind::InvalidUtf8).with_cmd(cmd))?;
        Ok(match A::from_str(text, false) {
            Ok(a) => Word::Action(a),
            Err(_) => Word::Target(text.to_owned()),
        })
    }

    fn possible_values(
        &self,
    ) -> Option<Box<dyn Iterator<Item = clap::builder::PossibleValue> + '_>> {
        Some(Box::new(
            A::value_variants()
                .iter()
                .filter_map(clap::ValueEnum::to_possible_value),
        ))
    }
}

impl<A: clap::ValueEnum + Copy> Word<A> {
    /// The action, or the usage error clap would have given for a word that is none (a URL
    /// is a target only with `--check`).
    pub fn action(&self) -> Result<A, Error> {
        match self {
            Word::Action(a) => Ok(*a),
            Word::Target(t) => {
                let names: Vec<String> = A::value_variants()
                    .iter()
                    .filter_map(|v| v.to_possible_value())
                    .map(|p| p.get_name().to_owned())
                    .collect();
                Err(Error::usage(format!(
                    "invalid value '{t}' for '<ACTION>' [possible values: {}] (a URL alone goes with --check)",
                    names.join(", ")
                )))
            }
        }
    }
}

/// The service name of a command for an UNKNOWN line before its URL is known.
pub fn service_of(command: &str) -> &'static str {
    match command {
        "smtp-send" => "SMTP",
        "fetch" => "HTTP",
        "ftp" => "FTP",
        "pop" => "POP",
        "imap" => "IMAP",
        "nntp" => "NNTP",
        "telnet" => "TELNET",
        "gopher" => "GOPHER",
        "timeclient" => "TIME",
        _ => "NETKIT",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn probe_flags_without_check_are_refused() {
        let mut p = ProbeOpts {
            cert_days: Some(7),
            ..ProbeOpts::default()
        };
        assert!(
            p.validate(false)
                .unwrap_err()
                .message()
                .contains("--cert-days")
        );
        p.check = true;
        assert!(p.validate(false).is_ok());
        let step = ProbeOpts {
            expect: vec!["login:".into()],
            ..ProbeOpts::default()
        };
        assert!(step.validate(true).is_ok());
        assert!(step.validate(false).is_err());
    }

    #[test]
    fn milliseconds_parse() {
        assert_eq!(parse_ms("12.5"), Ok(12.5));
        assert!(parse_ms("-1").is_err());
        assert!(parse_ms("inf").is_err());
    }
}
