//! One IMAP4rev1 session (RFC 3501) over any `Stream`: greeting, CAPABILITY (refreshed after
//! STARTTLS and login, §7.2.1), STARTTLS as an in-place upgrade, LOGIN or AUTHENTICATE via
//! the SASL layer (SASL-IR when offered, RFC 4959), tagged commands whose arguments are
//! atoms, quoted strings or literals (synchronising, or LITERAL+/LITERAL- when offered, RFC
//! 7888), and responses assembled within a cap — except message literals, which stream
//! past the cap into the caller's writer ([`Session::run_streaming`]).
//!
//! Logging in is in `login`; reading one response, and streaming message literals to a body
//! handler, in `read`.

mod login;
mod read;

use std::io::Write;
use std::time::{Duration, Instant};

use super::syntax::{self, Part, Response};
use crate::auth::Secret;
use crate::net::{Stream, TlsContext, TlsInfo, TlsPolicy};
use crate::proto::pingpong::reply::clean;
use crate::proto::pingpong::{Conn, ImapStatus};
use crate::{Error, ErrorKind};

/// One assembled response (line + small literals) may hold at most this much.
pub const RESPONSE_CAP: usize = 4 * 1024 * 1024;
/// Literals in one FETCH response read with a body handler (each is re-parsed with what
/// came before it): netkit asks for one body, a server may add a few sections.
pub const MAX_STREAMED: usize = 100;

#[derive(Debug, Clone, Default)]
pub struct Options {
    pub user: Option<String>,
    pub secret: Option<Secret>,
    pub oauth2: bool,
    pub login: Option<Login>,
    pub cleartext_auth_ok: bool,
    pub handshake_timeout: Duration,
    pub idle_timeout: Duration,
}

pub use crate::proto::pingpong::Peer;
pub use login::Login;
pub use read::{BodyHandler, BodyStart, Literal};

/// A tagged OK: its response code and text.
#[derive(Debug, Clone, Default)]
pub struct Done {
    pub code: Option<Vec<u8>>,
    pub text: Vec<u8>,
}
/// Writes a literal's bytes (APPEND's message).
pub type LiteralWriter<'w> = dyn FnMut(&mut dyn Write) -> Result<(), Error> + 'w;
pub type Untagged<'h> = dyn FnMut(&Response) -> Result<(), Error> + 'h;

pub struct Session {
    conn: Conn<Stream>,
    server: String,
    caps: Vec<String>,
    tag: u32,
    /// The last `* N EXISTS` of the selected mailbox.
    exists: Option<u64>,
    bye: Option<String>,
    login: Option<Login>,
    /// UTF8=ACCEPT is enabled: mailbox names travel as UTF-8.
    utf8: bool,
    /// `quote`: every response as received (literals inline).
    capture: Option<Vec<Vec<u8>>>,
}

fn temporary_code(code: &Option<Vec<u8>>) -> bool {
    code.as_deref().is_some_and(|c| {
        matches!(
            syntax::code_name(c).as_str(),
            "UNAVAILABLE" | "INUSE" | "LIMIT" | "SERVERBUG" | "OVERQUOTA"
        )
    })
}

fn text_of(code: &Option<Vec<u8>>, text: &[u8]) -> String {
    let mut s = String::new();
    if let Some(c) = code {
        s.push('[');
        s.push_str(&clean(&String::from_utf8_lossy(c)));
        s.push_str("] ");
    }
    s.push_str(&clean(&String::from_utf8_lossy(text)));
    s
}

impl Session {
    /// Greeting, CAPABILITY, STARTTLS per the policy, and login when credentials are given.
    pub fn open(peer: Peer<'_>, opts: &Options) -> Result<Session, Error> {
        let Peer {
            stream,
            host,
            server,
            tls,
            transcript,
        } = peer;
        let conn = Conn::timed(stream, transcript, opts.idle_timeout)?;
        let mut s = Session {
            conn,
            server: server.to_owned(),
            caps: Vec::new(),
            tag: 0,
            exists: None,
            bye: None,
            login: None,
            utf8: false,
            capture: None,
        };
        let preauth = s.greeting()?;
        // A PREAUTH greeting leaves no moment for STARTTLS (RFC 3501 §6.2.1): on a plain
        // connection it is how an attacker in the path strips TLS (CVE-2020-12398).
        if preauth && !s.is_tls() && tls.policy == TlsPolicy::Required {
            return Err(Error::new(
                ErrorKind::Tls,
                format!(
                    "{server} greets with PREAUTH on a plain connection, so STARTTLS cannot \
                     happen and --tls required was given (use imaps://)"
                ),
            ));
        }
        if s.caps.is_empty() {
            s.refresh_capabilities()?;
        }
        if !s.is_tls() && tls.policy != TlsPolicy::Never && !preauth {
            if s.has("STARTTLS") {
                s = s.starttls(host, tls, opts)?;
                s.refresh_capabilities()?;
            } else if tls.policy == TlsPolicy::Required {
                return Err(Error::new(
                    ErrorKind::Tls,
                    format!("{server} does not offer STARTTLS and --tls required was given"),
                ));
            }
        }
        if let (Some(user), Some(secret), false) = (&opts.user, &opts.secret, preauth) {
            if !s.is_tls() && !opts.cleartext_auth_ok {
                return Err(Error::new(
                    ErrorKind::Tls,
                    format!(
                        "refusing to send credentials in clear text to {server} (it offers no \
                         STARTTLS); use imaps://, or --tls none to allow it"
                    ),
                ));
            }
            s.conn.transcript().phase(crate::probe::Phase::Auth);
            let done = s.authenticate(user, secret, opts)?;
            match done
                .code
                .as_deref()
                .filter(|c| syntax::code_name(c) == "CAPABILITY")
            {
                Some(c) => s.caps = capability_words(c),
                None => s.refresh_capabilities()?,
            }
        }
        Ok(s)
    }

    pub fn server(&self) -> &str {
        &self.server
    }

    /// Whether the server announced `cap` (case-insensitive).
    pub fn has(&self, cap: &str) -> bool {
        self.caps.iter().any(|c| c.eq_ignore_ascii_case(cap))
    }

    pub fn capabilities(&self) -> &[String] {
        &self.caps
    }

    pub fn login(&self) -> Option<Login> {
        self.login
    }

    pub fn utf8_enabled(&self) -> bool {
        self.utf8
    }

    pub(super) fn set_utf8(&mut self, on: bool) {
        self.utf8 = on;
    }

    pub fn exists(&self) -> Option<u64> {
        self.exists
    }

    pub fn tls_info(&self) -> Option<TlsInfo> {
        self.conn.stream_ref().tls_info()
    }

    fn is_tls(&self) -> bool {
        self.conn.stream_ref().is_tls()
    }

    /// A second handle on the socket, for the `--max-time` watchdog and IDLE's waits.
    pub fn socket(&self) -> Result<std::net::TcpStream, Error> {
        self.conn.stream_ref().try_clone_socket().map_err(|e| {
            Error::new(
                ErrorKind::LocalIo,
                format!("socket: {}", crate::error::io_words(&e)),
            )
        })
    }

    fn greeting(&mut self) -> Result<bool, Error> {
        let response = self.bounded("the end of the greeting", |s| s.read_response(None));
        let response = response.map_err(|e| {
            if self.conn.received() == 0 && e.kind() == ErrorKind::Protocol {
                crate::net::dropped_error(
                    0,
                    format!(
                        "{} before its greeting (is this the right port?)",
                        e.message()
                    ),
                )
            } else {
                e
            }
        })?;
        match response {
            Response::Status {
                status: status @ (ImapStatus::Ok | ImapStatus::PreAuth),
                code,
                ..
            } => {
                if let Some(c) = code.filter(|c| syntax::code_name(c) == "CAPABILITY") {
                    self.caps = capability_words(&c);
                }
                Ok(status == ImapStatus::PreAuth)
            }
            Response::Status {
                status: ImapStatus::Bye,
                code,
                text,
            } => Err(Error::new(
                ErrorKind::Temporary,
                format!(
                    "{}: the server refuses the connection: BYE {}",
                    self.server,
                    text_of(&code, &text)
                ),
            )),
            _ => Err(Error::new(
                ErrorKind::Protocol,
                format!(
                    "{}: the greeting is not '* OK': is this an IMAP server?",
                    self.server
                ),
            )),
        }
    }

    pub fn refresh_capabilities(&mut self) -> Result<(), Error> {
        let mut caps = Vec::new();
        self.run_bounded("CAPABILITY", &[Part::Text("CAPABILITY".into())], &mut |r| {
            if let Response::Data { name, values } = r
                && name == "CAPABILITY"
            {
                caps = values
                    .iter()
                    .filter_map(|v| v.as_bytes())
                    .map(|b| String::from_utf8_lossy(b).to_ascii_uppercase())
                    .collect();
            }
            Ok(())
        })?;
        self.caps = caps;
        Ok(())
    }

    fn starttls(mut self, host: &str, tls: &TlsContext, opts: &Options) -> Result<Session, Error> {
        self.conn.transcript().phase(crate::probe::Phase::Tls);
        // A refusal (NO, BAD) is the TLS failure; a silence stays a timeout (5) and a
        // dropped connection a protocol error (8), as for every other command.
        self.run_bounded(
            "STARTTLS",
            &[Part::Text("STARTTLS".into())],
            &mut |_| Ok(()),
        )
        .map_err(|e| match e.kind() {
            ErrorKind::Refused | ErrorKind::Temporary => Error::new(
                ErrorKind::Tls,
                format!("{} (use --tls none to go on without TLS)", e.message()),
            ),
            _ => e,
        })?;
        let (stream, mut transcript) = self.conn.into_stream()?;
        let deadline = Instant::now() + opts.handshake_timeout;
        let stream = stream.upgrade(host, tls.config()?, deadline, opts.idle_timeout)?;
        transcript.tls_established(&stream);
        Ok(Session {
            conn: Conn::timed(stream, transcript, opts.idle_timeout)?,
            caps: Vec::new(),
            ..self
        })
    }

    fn next_tag(&mut self) -> String {
        self.tag += 1;
        format!("nk{}", self.tag)
    }

    /// One response while waiting for `tag`: `Some` when it is the tagged completion.
    fn handle(
        &mut self,
        tag: &str,
        response: Response,
        on: &mut Untagged<'_>,
    ) -> Result<Option<Done>, Error> {
        match response {
            Response::Tagged {
                tag: t,
                status,
                code,
                text,
            } => {
                if t != tag.as_bytes() {
                    return Err(Error::new(
                        ErrorKind::Protocol,
                        format!(
                            "{}: a reply to a command never sent (tag '{}', expected '{tag}')",
                            self.server,
                            clean(&String::from_utf8_lossy(&t))
                        ),
                    ));
                }
                let shown = text_of(&code, &text);
                match status {
                    ImapStatus::Ok => Ok(Some(Done { code, text })),
                    ImapStatus::No if temporary_code(&code) => Err(Error::new(
                        ErrorKind::Temporary,
                        format!("{}: NO {shown}", self.server),
                    )),
                    ImapStatus::No => Err(Error::new(
                        ErrorKind::Refused,
                        format!("{}: NO {shown}", self.server),
                    )),
                    ImapStatus::Bad => Err(Error::new(
                        ErrorKind::Refused,
                        format!("{}: BAD {shown}", self.server),
                    )),
                    ImapStatus::Bye | ImapStatus::PreAuth => Err(Error::new(
                        ErrorKind::Protocol,
                        format!("{}: unexpected tagged {status:?}", self.server),
                    )),
                }
            }
            Response::Continue(_) => Err(Error::new(
                ErrorKind::Protocol,
                format!("{}: an unexpected '+' continuation", self.server),
            )),
            other => {
                on(&other)?;
                Ok(None)
            }
        }
    }

    /// Reads until the tagged completion of `tag`.
    fn finish(
        &mut self,
        tag: &str,
        on: &mut Untagged<'_>,
        mut body: Option<&mut BodyHandler<'_>>,
    ) -> Result<Done, Error> {
        loop {
            let response = self
                .read_response(body.as_deref_mut())
                .map_err(|e| self.with_bye(e))?;
            if let Some(done) = self.handle(tag, response, on)? {
                return Ok(done);
            }
        }
    }

    /// A dropped connection after `* BYE` says why.
    fn with_bye(&self, e: Error) -> Error {
        match &self.bye {
            Some(bye) if e.kind() == ErrorKind::Protocol => Error::new(
                ErrorKind::Protocol,
                format!(
                    "{}: the server closed the connection: BYE {bye}",
                    self.server
                ),
            ),
            _ => e,
        }
    }

    /// After a synchronising literal's size: the server's `+` (untagged data may come
    /// first), one step within `-t` as a whole.
    fn await_continue(&mut self, tag: &str) -> Result<(), Error> {
        self.bounded("the server's '+' to send a literal", |s| {
            s.read_continue(tag)
        })
    }

    fn read_continue(&mut self, tag: &str) -> Result<(), Error> {
        loop {
            match self.read_response(None)? {
                Response::Continue(_) => return Ok(()),
                other => {
                    if let Some(done) = self.handle(tag, other, &mut |_| Ok(()))? {
                        let _ = done;
                        return Err(Error::new(
                            ErrorKind::Protocol,
                            format!(
                                "{}: the command completed before its literal was sent",
                                self.server
                            ),
                        ));
                    }
                }
            }
        }
    }

    fn literal_marker(&self, len: u64) -> (String, bool) {
        let plus = self.has("LITERAL+") || (self.has("LITERAL-") && len <= 4096);
        (format!("{{{len}{}}}", if plus { "+" } else { "" }), plus)
    }

    /// Sends `tag parts…` (space-separated); each literal part waits for the server's `+`
    /// unless LITERAL+ allows it. `tail` is a last literal streamed from a source (APPEND).
    fn send(
        &mut self,
        tag: &str,
        parts: &[Part],
        tail: Option<(u64, &mut LiteralWriter<'_>)>,
    ) -> Result<(), Error> {
        let mut line = tag.to_owned();
        for part in parts {
            line.push(' ');
            match part {
                Part::Text(t) => line.push_str(t),
                Part::Literal(bytes) => {
                    let (marker, plus) = self.literal_marker(bytes.len() as u64);
                    line.push_str(&marker);
                    self.conn.send(&line)?;
                    if !plus {
                        self.await_continue(tag)?;
                    }
                    self.conn
                        .transcript()
                        .sent(format!("({} bytes)", bytes.len()).as_bytes());
                    self.conn
                        .writer()
                        .write_all(bytes)
                        .map_err(crate::proto::pingpong::write_error)?;
                    line.clear();
                }
            }
        }
        if let Some((len, write)) = tail {
            line.push(' ');
            let (marker, plus) = self.literal_marker(len);
            line.push_str(&marker);
            self.conn.send(&line)?;
            if !plus {
                self.await_continue(tag)?;
            }
            self.conn
                .transcript()
                .sent(format!("({len} bytes)").as_bytes());
            write(self.conn.writer())?;
            line.clear();
        }
        // The line's end (after a literal, the rest of the command line).
        self.conn.queue(line.trim_start_matches(' '))?;
        self.conn.flush()
    }

    /// Sends one command and reads to its completion; untagged responses go to `on`.
    pub fn run(&mut self, parts: &[Part], on: &mut Untagged<'_>) -> Result<Done, Error> {
        let tag = self.next_tag();
        self.send(&tag, parts, None)?;
        self.finish(&tag, on, None)
    }

    /// As [`Session::run`] for a command whose answer is small by nature (CAPABILITY,
    /// STARTTLS, SELECT, LOGOUT…): its responses up to the completion are one step within
    /// `-t`, so untagged lines trickled for ever cannot hold it (see
    /// [`Conn::begin_step`]). `verb` names it in the timeout error.
    pub fn run_bounded(
        &mut self,
        verb: &str,
        parts: &[Part],
        on: &mut Untagged<'_>,
    ) -> Result<Done, Error> {
        let tag = self.next_tag();
        self.send(&tag, parts, None)?;
        self.bounded(&format!("the end of the {verb} reply"), |s| {
            s.finish(&tag, on, None)
        })
    }

    /// Runs `f`, which reads one exchange, as one step within `-t` ([`Conn::begin_step`]);
    /// `what` says what it waits for in the timeout error ("the end of the LOGOUT reply").
    pub(super) fn bounded<T>(
        &mut self,
        what: &str,
        f: impl FnOnce(&mut Self) -> Result<T, Error>,
    ) -> Result<T, Error> {
        let step = self.conn.begin_step();
        let result = f(self);
        self.conn.end_step(step, what, result)
    }

    /// A raw command line (`imap quote`): each response as received (literals inline) goes
    /// to `each` as it arrives, so a long answer is never held whole; then the outcome.
    pub fn run_raw(
        &mut self,
        command: &str,
        each: &mut dyn FnMut(&[u8]) -> Result<(), Error>,
    ) -> Result<Done, Error> {
        let tag = self.next_tag();
        self.send(&tag, &[Part::Text(command.to_owned())], None)?;
        self.capture = Some(Vec::new());
        let done = self.raw_responses(&tag, each);
        self.capture = None;
        done
    }

    fn raw_responses(
        &mut self,
        tag: &str,
        each: &mut dyn FnMut(&[u8]) -> Result<(), Error>,
    ) -> Result<Done, Error> {
        loop {
            let response = self.read_response(None).map_err(|e| self.with_bye(e));
            for raw in self.capture.iter_mut().flat_map(|c| c.drain(..)) {
                each(&raw)?;
            }
            if let Some(done) = self.handle(tag, response?, &mut |_| Ok(()))? {
                return Ok(done);
            }
        }
    }

    /// As [`Session::run`], with FETCH message literals streamed to `body`.
    pub fn run_streaming(
        &mut self,
        parts: &[Part],
        on: &mut Untagged<'_>,
        body: &mut BodyHandler<'_>,
    ) -> Result<Done, Error> {
        let tag = self.next_tag();
        self.send(&tag, parts, None)?;
        self.finish(&tag, on, Some(body))
    }

    /// As [`Session::run`], with a last literal of `len` bytes written by `write` (APPEND).
    pub fn run_with_literal(
        &mut self,
        parts: &[Part],
        len: u64,
        write: &mut LiteralWriter<'_>,
        on: &mut Untagged<'_>,
    ) -> Result<Done, Error> {
        let tag = self.next_tag();
        self.send(&tag, parts, Some((len, write)))?;
        self.finish(&tag, on, None)
    }

    /// IDLE (RFC 2177) until `stop` says so for an untagged response, or `wait` passes
    /// (`Ok(false)`). The idle is renewed every `renew` (29 minutes: servers end an IDLE
    /// after 30). `-t` does not bound the wait, only each step.
    pub fn idle(
        &mut self,
        wait: Duration,
        renew: Duration,
        step: Duration,
        stop: &mut dyn FnMut(&Response) -> bool,
    ) -> Result<bool, Error> {
        if !self.has("IDLE") {
            return Err(Error::new(
                ErrorKind::Refused,
                format!("{}: the server does not offer IDLE", self.server),
            ));
        }
        let end = Instant::now() + wait;
        let socket = self.socket()?;
        loop {
            let tag = self.next_tag();
            self.send(&tag, &[Part::Text("IDLE".into())], None)?;
            match self.read_response(None)? {
                Response::Continue(_) => {}
                other => {
                    self.handle(&tag, other, &mut |_| Ok(()))?;
                    return Err(Error::new(
                        ErrorKind::Protocol,
                        format!("{}: IDLE was not accepted", self.server),
                    ));
                }
            }
            let slice_end = (Instant::now() + renew).min(end);
            let mut woken = false;
            loop {
                let left = slice_end.saturating_duration_since(Instant::now());
                if left.is_zero() {
                    break;
                }
                let _ = socket.set_read_timeout(Some(left.max(Duration::from_millis(1))));
                let got = self.read_response(None);
                let _ = socket.set_read_timeout(Some(step));
                match got {
                    Ok(r) => {
                        if let Some(done) = self.handle(&tag, r.clone(), &mut |_| Ok(()))? {
                            let _ = done;
                            return Err(Error::new(
                                ErrorKind::Protocol,
                                format!("{}: the server ended IDLE", self.server),
                            ));
                        }
                        if stop(&r) {
                            woken = true;
                            break;
                        }
                    }
                    Err(e) if e.kind() == ErrorKind::Timeout && Instant::now() >= slice_end => {
                        break;
                    }
                    Err(e) => return Err(self.with_bye(e)),
                }
            }
            self.conn.send("DONE")?;
            self.bounded("the end of the IDLE reply", |s| {
                s.finish(&tag, &mut |_| Ok(()), None)
            })?;
            if woken {
                return Ok(true);
            }
            if Instant::now() >= end {
                return Ok(false);
            }
        }
    }

    /// LOGOUT; the server's BYE is expected.
    pub fn logout(mut self) -> Result<(), Error> {
        self.run_bounded("LOGOUT", &[Part::Text("LOGOUT".into())], &mut |_| Ok(()))
            .map(|_| ())
    }

    /// Leaves without LOGOUT (after an error the connection may be out of step).
    pub fn abandon(self) {
        drop(self);
    }
}

fn capability_words(code: &[u8]) -> Vec<String> {
    syntax::code_args(code)
        .into_iter()
        .map(|w| w.to_ascii_uppercase())
        .collect()
}
