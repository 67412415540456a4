//! One IMAP4rev1 session (RFC 3501) over any `Stream`: greeting, CAPABILITY (refreshed after
//! STARTTLS and login, §7.2.1), STARTTLS as an in-place upgrade, LOGIN or AUTHENTICATE via
//! the SASL layer (SASL-IR when offered, RFC 4959), tagged commands whose arguments are
//! atoms, quoted strings or literals (synchronising, or LITERAL+/LITERAL- when offered, RFC
//! 7888), and responses assembled within a cap — except message literals, which stream
//! past the cap into the caller's writer ([`Session::run_streaming`]).

use std::io::Write;
use std::time::{Duration, Instant};

use super::syntax::{self, Part, Response, Value};
use crate::auth::Secret;
use crate::auth::sasl::{self, Mechanism, SaslClient};
use crate::net::{Stream, TlsContext, TlsInfo, TlsPolicy};
use crate::proto::pingpong::reply::clean;
use crate::proto::pingpong::{Conn, ImapStatus, LineReader};
use crate::{Error, ErrorKind};

/// One assembled response (line + small literals) may hold at most this much.
pub const RESPONSE_CAP: usize = 4 * 1024 * 1024;
/// Literals in one FETCH response read with a body handler (each is re-parsed with what
/// came before it): netkit asks for one body, a server may add a few sections.
pub const MAX_STREAMED: usize = 100;

/// How to log in: the LOGIN command, or a SASL mechanism.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Login {
    Login,
    Sasl(Mechanism),
}

impl Login {
    pub fn parse(name: &str) -> Option<Login> {
        if name.eq_ignore_ascii_case("LOGIN-CMD") || name.eq_ignore_ascii_case("COMMAND") {
            Some(Login::Login)
        } else {
            Mechanism::parse(name).map(Login::Sasl)
        }
    }
}

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

/// A tagged OK: its response code and text.
#[derive(Debug, Clone, Default)]
pub struct Done {
    pub code: Option<Vec<u8>>,
    pub text: Vec<u8>,
}

/// A message literal being received: the handler copies it out or leaves it (skipped).
pub struct Literal<'r> {
    source: Source<'r>,
    left: u64,
}

/// Where a literal's bytes are: still on the wire, or already read (a quoted string, or a
/// literal small enough to have come with its response — RFC 3501's nstring allows both).
enum Source<'r> {
    Wire(&'r mut LineReader<Stream>),
    Read(&'r [u8]),
}

impl Literal<'_> {
    pub fn len(&self) -> u64 {
        self.left
    }

    pub fn is_empty(&self) -> bool {
        self.left == 0
    }

    /// Copies the whole literal into `out`.
    pub fn copy_to(&mut self, out: &mut dyn Write) -> Result<u64, Error> {
        let n = self.left;
        self.left = 0;
        match &mut self.source {
            Source::Wire(lines) => lines.copy_exact_to(Some(out), n)?,
            Source::Read(bytes) => out.write_all(bytes).map_err(|e| {
                Error::new(
                    ErrorKind::LocalIo,
                    format!("writing: {}", crate::error::io_words(&e)),
                )
            })?,
        }
        Ok(n)
    }
}

/// What a streamed FETCH literal belongs to: the message number and the items before it.
pub struct BodyStart<'a> {
    pub seq: u64,
    pub item: &'a str,
    pub items: &'a [(String, &'a Value)],
}

pub type BodyHandler<'h> = dyn FnMut(&BodyStart<'_>, &mut Literal<'_>) -> Result<(), Error> + 'h;
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
        let response = self.read_response(None).map_err(|e| {
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
        self.run(&[Part::Text("CAPABILITY".into())], &mut |r| {
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
        self.run(&[Part::Text("STARTTLS".into())], &mut |_| Ok(()))
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

    fn choose_login(&self, opts: &Options) -> Result<Login, Error> {
        let offered: Vec<&str> = self
            .caps
            .iter()
            .filter_map(|c| c.strip_prefix("AUTH="))
            .collect();
        let disabled = self.has("LOGINDISABLED");
        match opts.login {
            Some(Login::Sasl(m)) => Ok(Login::Sasl(sasl::choose(&offered, Some(m), opts.oauth2)?)),
            Some(Login::Login) if disabled => Err(Error::new(
                ErrorKind::Auth,
                format!("{}: the server disables LOGIN (LOGINDISABLED)", self.server),
            )),
            Some(l) => Ok(l),
            None if opts.oauth2 => Ok(Login::Sasl(sasl::choose(&offered, None, true)?)),
            None => match sasl::choose(&offered, None, false) {
                Ok(m) => Ok(Login::Sasl(m)),
                Err(e) if disabled => Err(e),
                Err(_) => Ok(Login::Login),
            },
        }
    }

    fn authenticate(&mut self, user: &str, secret: &Secret, opts: &Options) -> Result<Done, Error> {
        crate::proto::pingpong::check_argument("the user name", user)?;
        let login = self.choose_login(opts)?;
        let how = match login {
            Login::Login => "LOGIN".to_owned(),
            Login::Sasl(m) => format!("AUTHENTICATE {}", m.name()),
        };
        let result = match login {
            Login::Login => self.login_command(user, secret),
            Login::Sasl(m) => self.sasl(m, user, secret),
        };
        let done = result.map_err(|e| {
            let kind = match e.kind() {
                ErrorKind::Refused => ErrorKind::Auth,
                k => k,
            };
            Error::new(
                kind,
                format!("login as {user} with {how} failed: {}", e.message()),
            )
        })?;
        self.login = Some(login);
        Ok(done)
    }

    fn next_tag(&mut self) -> String {
        self.tag += 1;
        format!("nk{}", self.tag)
    }

    fn login_command(&mut self, user: &str, secret: &Secret) -> Result<Done, Error> {
        let tag = self.next_tag();
        let user_part = match syntax::astring(user.as_bytes()) {
            Part::Text(t) => t,
            Part::Literal(_) => {
                return Err(Error::usage(
                    "the user name needs a literal: use --auth PLAIN",
                ));
            }
        };
        match syntax::astring(secret.expose().as_bytes()) {
            Part::Text(quoted) => {
                self.conn
                    .send_secret(&format!("{tag} LOGIN {user_part} "), &Secret::new(quoted))?;
            }
            Part::Literal(bytes) => {
                let plus = self.has("LITERAL+") || (self.has("LITERAL-") && bytes.len() <= 4096);
                let marker = format!("{{{}{}}}", bytes.len(), if plus { "+" } else { "" });
                self.conn
                    .send(&format!("{tag} LOGIN {user_part} {marker}"))?;
                if !plus {
                    self.await_continue(&tag)?;
                }
                self.conn.transcript().sent(b"*** (a literal)");
                let w = self.conn.writer();
                w.write_all(&bytes)
                    .and_then(|()| w.write_all(b"\r\n"))
                    .and_then(|()| w.flush())
                    .map_err(crate::proto::pingpong::write_error)?;
            }
        }
        self.finish(&tag, &mut |_| Ok(()), None)
    }

    fn sasl(&mut self, mech: Mechanism, user: &str, secret: &Secret) -> Result<Done, Error> {
        let tag = self.next_tag();
        let mut client = SaslClient::new(mech, user, secret.clone());
        let first = if self.has("SASL-IR") {
            client.initial_response()
        } else {
            None
        };
        let mut pending_initial = if first.is_none() {
            client.initial_response()
        } else {
            None
        };
        match first {
            Some(ir) => self
                .conn
                .send_secret(&format!("{tag} AUTHENTICATE {} ", mech.name()), &ir)?,
            None => self
                .conn
                .send(&format!("{tag} AUTHENTICATE {}", mech.name()))?,
        }
        let mut rounds = 0;
        loop {
            let response = self.read_response(None)?;
            if let Response::Continue(challenge) = &response {
                rounds += 1;
                if rounds > 8 {
                    return Err(Error::new(
                        ErrorKind::Protocol,
                        "AUTHENTICATE: too many challenges",
                    ));
                }
                let reply = match pending_initial.take() {
                    Some(ir) => Ok(ir),
                    None => client.respond(&String::from_utf8_lossy(challenge)),
                };
                match reply {
                    Ok(r) => self.conn.send_secret("", &r)?,
                    Err(e) => {
                        // RFC 3501 §6.2.2: "*" cancels the exchange.
                        self.conn.send("*")?;
                        let _ = self.finish(&tag, &mut |_| Ok(()), None);
                        return Err(e);
                    }
                }
                continue;
            }
            if let Some(done) = self.handle(&tag, response, &mut |_| Ok(()))? {
                return Ok(done);
            }
        }
    }

    /// Reads one response: its line, and any literals it holds assembled within
    /// [`RESPONSE_CAP`] — except, with `body`, a FETCH message literal, which is handed to
    /// `body` as it arrives (and stands as an empty string in the parsed response).
    fn read_response(&mut self, mut body: Option<&mut BodyHandler<'_>>) -> Result<Response, Error> {
        let mut buf: Vec<u8> = Vec::new();
        let mut literals = 0usize;
        loop {
            let line = self.conn.read_line()?;
            let Some((n, open)) = syntax::trailing_literal(line) else {
                buf.extend_from_slice(line);
                break;
            };
            let line = line.to_vec();
            // The cap holds for the lines between streamed literals too: `BODY[] {0}` lines
            // without end would otherwise grow `buf` (and its re-scans) without bound.
            literals += usize::from(body.is_some());
            if literals > MAX_STREAMED || buf.len() + line.len() + 2 > RESPONSE_CAP {
                return Err(Error::new(
                    ErrorKind::Protocol,
                    format!(
                        "{}: one response went on past {RESPONSE_CAP} bytes or {MAX_STREAMED} \
                         message literals without ending",
                        self.server
                    ),
                ));
            }
            if let Some(handler) = body.as_deref_mut()
                && let Some((seq, item, prefix)) = streamable(&buf, &line[..open])
            {
                let parsed = syntax::parse(&prefix)?;
                let Response::Numbered { values, .. } = &parsed else {
                    return Err(Error::new(ErrorKind::Protocol, "malformed FETCH response"));
                };
                let items = syntax::fetch_items(values)?;
                let start = BodyStart {
                    seq,
                    item: &item,
                    items: &items[..items.len().saturating_sub(1)],
                };
                let mut literal = Literal {
                    source: Source::Wire(self.conn.lines()),
                    left: n,
                };
                handler(&start, &mut literal)?;
                let left = literal.left;
                self.conn.lines().copy_exact_to(None, left)?;
                // NIL stands for what was streamed; a string left in the parsed response is
                // a body that came inline, handed over below.
                buf.extend_from_slice(&line[..open]);
                buf.extend_from_slice(b"NIL");
                continue;
            }
            let room = RESPONSE_CAP.saturating_sub(buf.len() + line.len() + 2);
            if n > room as u64 {
                return Err(Error::new(
                    ErrorKind::Protocol,
                    format!(
                        "{}: the server announced a {n}-byte literal where netkit accepts at most \
                         {} bytes in one response",
                        self.server, RESPONSE_CAP
                    ),
                ));
            }
            buf.extend_from_slice(&line);
            buf.extend_from_slice(b"\r\n");
            self.conn.lines().read_exact_into(&mut buf, n as usize)?;
        }
        if let Some(c) = &mut self.capture {
            c.push(buf.clone());
        }
        let response = syntax::parse(&buf)?;
        if let Some(handler) = body
            && let Response::Numbered {
                number,
                name,
                values,
            } = &response
            && name == "FETCH"
        {
            let items = syntax::fetch_items(values)?;
            for (item, value) in &items {
                let Value::Str(bytes) = value else { continue };
                if !(item.starts_with("BODY[") || item.starts_with("BINARY[") || item == "RFC822") {
                    continue;
                }
                let start = BodyStart {
                    seq: *number,
                    item,
                    items: &items,
                };
                let mut literal = Literal {
                    source: Source::Read(bytes),
                    left: bytes.len() as u64,
                };
                handler(&start, &mut literal)?;
            }
        }
        match &response {
            Response::Numbered { number, name, .. } if name == "EXISTS" => {
                self.exists = Some(*number)
            }
            Response::Numbered { name, .. } if name == "EXPUNGE" => {
                self.exists = self.exists.map(|e| e.saturating_sub(1))
            }
            Response::Status {
                status: ImapStatus::Bye,
                code,
                text,
            } => self.bye = Some(text_of(code, text)),
            _ => {}
        }
        Ok(response)
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

    /// After a synchronising literal's size: the server's `+` (untagged data may come first).
    fn await_continue(&mut self, tag: &str) -> Result<(), Error> {
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
            self.finish(&tag, &mut |_| Ok(()), None)?;
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
        self.run(&[Part::Text("LOGOUT".into())], &mut |_| Ok(()))
            .map(|_| ())
    }

    /// Leaves without LOGOUT (after an error the connection may be out of step).
    pub fn abandon(self) {
        drop(self);
    }
}

/// Whether the literal ending `line` (after the `buf` already assembled) is a FETCH message
/// body to stream: `* N FETCH (… BODY[…] {n}` at the item list's top level. Returns the
/// message number, the item name and the prefix made parseable (`… BODY[] NIL)`).
fn streamable(buf: &[u8], line_head: &[u8]) -> Option<(u64, String, Vec<u8>)> {
    let mut whole = buf.to_vec();
    whole.extend_from_slice(line_head);
    let rest = whole.strip_prefix(b"* ")?;
    let space = rest.iter().position(|&b| b == b' ')?;
    let seq: u64 = std::str::from_utf8(&rest[..space]).ok()?.parse().ok()?;
    if !rest[space + 1..]
        .get(..7)
        .is_some_and(|w| w.eq_ignore_ascii_case(b"FETCH ("))
    {
        return None;
    }
    let head = whole.strip_suffix(b" ")?;
    let item_start = head.iter().rposition(|&b| b == b' ' || b == b'(')? + 1;
    let mut item = &head[item_start..];
    // `BODY[HEADER.FIELDS (A B)]` has spaces: look back for its opening bracket.
    if item.ends_with(b"]") && !item.contains(&b'[') {
        let open = head.iter().rposition(|&b| b == b'[')?;
        let start = head[..open].iter().rposition(|&b| b == b' ' || b == b'(')? + 1;
        item = &head[start..];
    }
    let upper = item.to_ascii_uppercase();
    if !(upper.starts_with(b"BODY[") || upper.starts_with(b"BINARY[") || upper == b"RFC822") {
        return None;
    }
    let item = String::from_utf8_lossy(&upper).into_owned();
    let mut prefix = whole.clone();
    prefix.extend_from_slice(b"NIL)");
    Some((seq, item, prefix))
}

fn capability_words(code: &[u8]) -> Vec<String> {
    syntax::code_args(code)
        .into_iter()
        .map(|w| w.to_ascii_uppercase())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn message_literals_at_the_top_level_of_fetch_stream() {
        let (seq, item, prefix) = streamable(b"", b"* 12 FETCH (UID 7 BODY[] ").unwrap();
        assert_eq!((seq, item.as_str()), (12, "BODY[]"));
        assert_eq!(prefix, b"* 12 FETCH (UID 7 BODY[] NIL)");
        let (_, item, _) = streamable(b"", b"* 1 FETCH (BODY[HEADER.FIELDS (FROM TO)] ").unwrap();
        assert_eq!(item, "BODY[HEADER.FIELDS (FROM TO)]");
        assert!(streamable(b"", b"* LIST () \"/\" ").is_none());
        assert!(streamable(b"", b"* 1 FETCH (ENVELOPE (NIL ").is_none());
        assert!(streamable(b"", b"a1 OK ").is_none());
    }
}
