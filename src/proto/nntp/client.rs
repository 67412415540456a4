//! One NNTP reader session over any `Stream`: greeting (200 posting allowed, 201 not),
//! CAPABILITIES, STARTTLS as an in-place upgrade (RFC 4642), AUTHINFO USER/PASS or SASL
//! PLAIN (RFC 4643) as soon as the connection is private enough, MODE READER where the
//! server is a transit server first (RFC 3977 §5.3), then the reader commands. Lists stream
//! line by line to a callback; article bodies arrive dot-unstuffed.
//!
//! Reply codes map to SPEC §5 here, once: 480/481/482 auth (7), 483 TLS (6), 400/403/436
//! temporary (11), every other 4xx/5xx a refusal (1) — NNTP's 4xx are mostly permanent
//! answers (411 no such group, 430 no such article, 441 posting failed), not "try later".

use std::time::{Duration, Instant};

use super::{
    ActiveGroup, Capabilities, GroupInfo, Overview, Range, parse_active_line, parse_date_reply,
    parse_group_reply, parse_hdr_line, parse_newsgroups_line, parse_overview_line,
};
use crate::auth::Secret;
use crate::auth::sasl::{Mechanism, SaslClient};
use crate::net::{Stream, TlsContext, TlsInfo, TlsPolicy};
use crate::proto::pingpong::reply::clean;
use crate::proto::pingpong::{Conn, DotStuffer, Reply, check_argument};
use crate::{Error, ErrorKind};

/// How to log in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Login {
    /// AUTHINFO USER / AUTHINFO PASS (RFC 4643 §2.3), what nntplib and every reader sends.
    #[default]
    User,
    /// AUTHINFO SASL PLAIN with an initial response (RFC 4643 §2.4).
    SaslPlain,
}

#[derive(Debug, Clone, Default)]
pub struct Options {
    pub user: Option<String>,
    pub secret: Option<Secret>,
    pub login: Login,
    /// Credentials may go over a plain connection (loopback peer, or `--tls none`).
    pub cleartext_auth_ok: bool,
    pub handshake_timeout: Duration,
    pub idle_timeout: Duration,
    /// No MODE READER (`nntp --check`): on INN it hands the connection to a new nnrpd,
    /// which costs a probe 50 ms and tells it nothing more.
    pub no_mode_reader: bool,
}

pub use crate::proto::pingpong::Peer;

pub struct Session {
    conn: Conn<Stream>,
    server: String,
    capa: Option<Capabilities>,
    posting_allowed: bool,
    authenticated: bool,
    /// OVER / HDR answered 500: use XOVER / XHDR from then on.
    use_xover: bool,
    use_xhdr: bool,
}

/// What ARTICLE-family command to send (RFC 3977 §6.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part {
    Article,
    Head,
    Body,
    Stat,
}

impl Part {
    fn command(self) -> &'static str {
        match self {
            Part::Article => "ARTICLE",
            Part::Head => "HEAD",
            Part::Body => "BODY",
            Part::Stat => "STAT",
        }
    }

    fn code(self) -> u16 {
        match self {
            Part::Article => 220,
            Part::Head => 221,
            Part::Body => 222,
            Part::Stat => 223,
        }
    }
}

/// Which article: a number in the current group, or a message-id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Which {
    Number(u64),
    Id(String),
}

impl Which {
    fn wire(&self) -> String {
        match self {
            Which::Number(n) => n.to_string(),
            Which::Id(id) => id.clone(),
        }
    }
}

/// The first line of an ARTICLE-family answer: `n <message-id>` (0 for a message-id lookup
/// on servers that do not know the number).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    pub number: u64,
    pub message_id: String,
}

/// The most lines of one listing before the server is taken to be misbehaving.
const MAX_LIST_LINES: u64 = 50_000_000;
const MAX_CAPA_LINES: usize = 1000;

/// The error a reply to `what` is, by SPEC §5 (see the module comment).
pub fn nntp_error(server: &str, what: &str, reply: &Reply) -> Error {
    let kind = match reply.code {
        480..=482 => ErrorKind::Auth,
        483 => ErrorKind::Tls,
        400 | 403 | 436 => ErrorKind::Temporary,
        c if c >= 400 => ErrorKind::Refused,
        _ => ErrorKind::Protocol,
    };
    let hint = match reply.code {
        480 => " (this needs a login: give -u USER, or nntp://USER@host)",
        483 => " (this needs TLS: use nntps:// or --tls required)",
        _ => "",
    };
    Error::new(
        kind,
        format!(
            "{server}: {what}: the server answered {} {}{hint}",
            reply.code,
            clean(&reply.text())
        ),
    )
}

impl Session {
    /// Greeting, STARTTLS per the policy, login when credentials are given, CAPABILITIES
    /// and MODE READER where needed.
    pub fn open(peer: Peer<'_>, opts: &Options) -> Result<Session, Error> {
        let Peer {
            stream,
            host,
            server,
            tls,
            transcript,
        } = peer;
        let mut conn = Conn::timed(stream, transcript, opts.idle_timeout)?;
        let greeting = conn.read_greeting()?;
        let posting_allowed = match greeting.code {
            200 => true,
            201 => false,
            _ => return Err(nntp_error(server, "the connection", &greeting)),
        };
        let mut session = Session {
            conn,
            server: server.to_owned(),
            capa: None,
            posting_allowed,
            authenticated: false,
            use_xover: false,
            use_xhdr: false,
        };
        let mut capa_read = false;
        if !session.is_tls() && tls.policy != TlsPolicy::Never {
            session.capa = session.read_capabilities()?;
            capa_read = true;
            let offered = session.capa.as_ref().is_some_and(|c| c.starttls);
            if offered || (session.capa.is_none() && tls.policy == TlsPolicy::Required) {
                session = session.starttls(host, tls, opts)?;
                capa_read = !session.is_tls();
            } else if tls.policy == TlsPolicy::Required {
                return Err(Error::new(
                    ErrorKind::Tls,
                    format!("{server} does not offer STARTTLS and --tls required was given"),
                ));
            }
        }
        // With credentials, AUTHINFO goes first (after TLS), as nntplib sends it: some
        // servers show nothing, not even CAPABILITIES READER, before a login.
        if let (Some(user), Some(secret)) = (&opts.user, &opts.secret) {
            if !session.is_tls() && !opts.cleartext_auth_ok {
                return Err(Error::new(
                    ErrorKind::Tls,
                    format!(
                        "refusing to send credentials in clear text to {server} (it offers no \
                         STARTTLS); use nntps://, or --tls none to allow it"
                    ),
                ));
            }
            session.conn.transcript().phase(crate::probe::Phase::Auth);
            session.authenticate(user, secret, opts.login)?;
            capa_read = false;
        }
        // RFC 4642 §2.2.2, RFC 4643 §2.3.3: capabilities change after TLS and login.
        if !capa_read {
            session.capa = session.read_capabilities()?;
        }
        let needs_mode = match &session.capa {
            Some(c) => c.mode_reader && !c.reader,
            // No CAPABILITIES (RFC 977 servers): MODE READER is harmless where unknown.
            None => true,
        };
        if needs_mode && !opts.no_mode_reader {
            session.conn.send("MODE READER")?;
            let r = session.conn.read_reply()?;
            match r.code {
                200 => session.posting_allowed = true,
                201 => session.posting_allowed = false,
                500 | 501 => {}
                _ => return Err(nntp_error(&session.server, "MODE READER", &r)),
            }
            if session.capa.is_some() {
                session.capa = session.read_capabilities()?;
            }
        }
        Ok(session)
    }

    pub fn server(&self) -> &str {
        &self.server
    }

    pub fn capabilities(&self) -> Option<&Capabilities> {
        self.capa.as_ref()
    }

    pub fn posting_allowed(&self) -> bool {
        self.posting_allowed
    }

    pub fn authenticated(&self) -> bool {
        self.authenticated
    }

    pub fn tls_info(&self) -> Option<TlsInfo> {
        self.conn.stream_ref().tls_info()
    }

    fn is_tls(&self) -> bool {
        self.conn.stream_ref().is_tls()
    }

    /// A second handle on the socket, for the `--max-time` watchdog.
    pub fn socket(&self) -> Result<std::net::TcpStream, Error> {
        self.conn.stream_ref().try_clone_socket().map_err(|e| {
            Error::new(
                ErrorKind::LocalIo,
                format!("socket: {}", crate::error::io_words(&e)),
            )
        })
    }

    fn command(&mut self, command: &str) -> Result<Reply, Error> {
        self.conn.send(command)?;
        self.conn.read_reply()
    }

    /// Sends `command`; a reply other than `code` is an error that names `what`.
    fn command_expecting(&mut self, command: &str, code: u16, what: &str) -> Result<Reply, Error> {
        let r = self.command(command)?;
        if r.code == code {
            Ok(r)
        } else {
            Err(nntp_error(&self.server, what, &r))
        }
    }

    /// The lines of a dot-terminated block, each handed to `each`.
    fn listing(&mut self, mut each: impl FnMut(&[u8]) -> Result<(), Error>) -> Result<(), Error> {
        let mut reader = self.conn.dot_reader();
        let mut lines = 0u64;
        while let Some(line) = reader.next_line()? {
            lines += 1;
            if lines > MAX_LIST_LINES {
                return Err(Error::new(
                    ErrorKind::Protocol,
                    format!("a listing ran past {MAX_LIST_LINES} lines"),
                ));
            }
            each(line)?;
        }
        Ok(())
    }

    /// CAPABILITIES again (`nntp --check`'s request where DATE is unknown).
    pub fn refresh_capabilities(&mut self) -> Result<(), Error> {
        self.capa = self.read_capabilities()?;
        Ok(())
    }

    fn read_capabilities(&mut self) -> Result<Option<Capabilities>, Error> {
        self.conn.send("CAPABILITIES")?;
        // The whole list is one step within -t: nothing else bounds how long it may go on.
        let step = self.conn.begin_step();
        let capa = self.read_capabilities_reply();
        self.conn
            .end_step(step, "the end of the CAPABILITIES reply", capa)
    }

    fn read_capabilities_reply(&mut self) -> Result<Option<Capabilities>, Error> {
        let r = self.conn.read_reply()?;
        if r.code != 101 {
            return Ok(None);
        }
        let mut lines = Vec::new();
        self.listing(|l| {
            if lines.len() >= MAX_CAPA_LINES {
                return Err(Error::new(
                    ErrorKind::Protocol,
                    format!("CAPABILITIES ran past {MAX_CAPA_LINES} lines"),
                ));
            }
            lines.push(String::from_utf8_lossy(l).into_owned());
            Ok(())
        })?;
        Ok(Some(Capabilities::parse(lines.iter().map(String::as_str))))
    }

    fn starttls(mut self, host: &str, tls: &TlsContext, opts: &Options) -> Result<Session, Error> {
        self.conn.transcript().phase(crate::probe::Phase::Tls);
        let r = self.command("STARTTLS")?;
        // 580 (RFC 4642 §2.2.1): the server cannot start TLS and the session goes on in
        // the clear. Under --tls auto that is a server without TLS; credentials then still
        // meet the clear-text rule in `open`.
        if r.code == 580 && tls.policy == TlsPolicy::Auto {
            return Ok(self);
        }
        if r.code != 382 {
            return Err(Error::new(
                ErrorKind::Tls,
                format!(
                    "{}: STARTTLS refused: {} {} (use --tls none to go on without TLS)",
                    self.server,
                    r.code,
                    clean(&r.text())
                ),
            ));
        }
        let (stream, mut transcript) = self.conn.into_stream()?;
        let deadline = Instant::now() + opts.handshake_timeout;
        let stream = stream.upgrade(host, tls.config()?, deadline, opts.idle_timeout)?;
        transcript.tls_established(&stream);
        Ok(Session {
            conn: Conn::timed(stream, transcript, opts.idle_timeout)?,
            capa: None,
            ..self
        })
    }

    fn authenticate(&mut self, user: &str, secret: &Secret, login: Login) -> Result<(), Error> {
        check_argument("the user name", user)?;
        let failed = |server: &str, r: &Reply| {
            let mut e = nntp_error(server, &format!("login as {user}"), r);
            if e.kind() == ErrorKind::Refused {
                // 502 to AUTHINFO: this account may not log in here.
                e = Error::new(ErrorKind::Auth, e.message());
            }
            e
        };
        match login {
            Login::User => {
                let r = self.command(&format!("AUTHINFO USER {user}"))?;
                match r.code {
                    281 => {}
                    381 => {
                        self.conn.send_secret("AUTHINFO PASS ", secret)?;
                        let r = self.conn.read_reply()?;
                        if r.code != 281 {
                            return Err(failed(&self.server, &r));
                        }
                    }
                    _ => return Err(failed(&self.server, &r)),
                }
            }
            Login::SaslPlain => {
                let mut client = SaslClient::new(Mechanism::Plain, user, secret.clone());
                let first = client
                    .initial_response()
                    .unwrap_or_else(|| Secret::new("="));
                self.conn.send_secret("AUTHINFO SASL PLAIN ", &first)?;
                let mut rounds = 0;
                loop {
                    let r = self.conn.read_reply()?;
                    match r.code {
                        281 | 283 => break,
                        383 => {
                            rounds += 1;
                            if rounds > 4 {
                                return Err(Error::new(
                                    ErrorKind::Protocol,
                                    "AUTHINFO SASL: too many challenges",
                                ));
                            }
                            let response = client.respond(&r.text())?;
                            self.conn.send_secret("", &response)?;
                        }
                        _ => return Err(failed(&self.server, &r)),
                    }
                }
            }
        }
        self.authenticated = true;
        Ok(())
    }

    /// GROUP NAME (RFC 3977 §6.1.1).
    pub fn group(&mut self, name: &str) -> Result<GroupInfo, Error> {
        super::check_word("the group name", name)?;
        let r = self.command_expecting(&format!("GROUP {name}"), 211, &format!("GROUP {name}"))?;
        parse_group_reply(&r.text())
    }

    /// LIST ACTIVE [WILDMAT]: every matching group, streamed.
    pub fn list_active(
        &mut self,
        wildmat: Option<&str>,
        mut each: impl FnMut(ActiveGroup) -> Result<(), Error>,
    ) -> Result<(), Error> {
        let command = match wildmat {
            Some(w) => {
                super::check_word("the wildmat", w)?;
                format!("LIST ACTIVE {w}")
            }
            None => "LIST ACTIVE".to_owned(),
        };
        let r = self.command(&command)?;
        if r.code != 215 {
            return Err(nntp_error(&self.server, &command, &r));
        }
        self.listing(|l| each(parse_active_line(l)?))
    }

    /// LIST NEWSGROUPS [WILDMAT]: descriptions; `None` where the server has none (503).
    pub fn list_newsgroups(
        &mut self,
        wildmat: Option<&str>,
    ) -> Result<Option<std::collections::HashMap<String, String>>, Error> {
        let command = match wildmat {
            Some(w) => format!("LIST NEWSGROUPS {w}"),
            None => "LIST NEWSGROUPS".to_owned(),
        };
        let r = self.command(&command)?;
        match r.code {
            215 => {}
            500 | 501 | 503 => return Ok(None),
            _ => return Err(nntp_error(&self.server, &command, &r)),
        }
        let mut out = std::collections::HashMap::new();
        self.listing(|l| {
            if let Some((name, text)) = parse_newsgroups_line(l) {
                out.insert(name, text);
            }
            Ok(())
        })?;
        Ok(Some(out))
    }

    /// OVER RANGE (XOVER where OVER is unknown): each line parsed, a bad one handed over
    /// as its error so the caller can skip it and go on.
    pub fn over(
        &mut self,
        range: Range,
        mut each: impl FnMut(Result<Overview, Error>) -> Result<(), Error>,
    ) -> Result<(), Error> {
        let known_without = self.capa.as_ref().is_some_and(|c| !c.over);
        if known_without {
            self.use_xover = true;
        }
        let arg = range.wire();
        let mut r = self.command(&format!(
            "{} {arg}",
            if self.use_xover { "XOVER" } else { "OVER" }
        ))?;
        if r.code == 500 && !self.use_xover {
            self.use_xover = true;
            r = self.command(&format!("XOVER {arg}"))?;
        }
        match r.code {
            224 => self.listing(|l| each(parse_overview_line(l))),
            // RFC 3977 §8.3.2: no articles in the range. An empty answer, not a failure.
            423 | 420 => Ok(()),
            _ => Err(nntp_error(&self.server, &format!("OVER {arg}"), &r)),
        }
    }

    /// HDR NAME RANGE (XHDR where HDR is unknown): `(number, value)` per article.
    pub fn hdr(
        &mut self,
        header: &str,
        range: Range,
        mut each: impl FnMut(u64, String) -> Result<(), Error>,
    ) -> Result<(), Error> {
        super::check_header_name(header)?;
        if self.capa.as_ref().is_some_and(|c| !c.hdr) {
            self.use_xhdr = true;
        }
        let arg = range.wire();
        let verb = |x: bool| if x { "XHDR" } else { "HDR" };
        let mut r = self.command(&format!("{} {header} {arg}", verb(self.use_xhdr)))?;
        if r.code == 500 && !self.use_xhdr {
            self.use_xhdr = true;
            r = self.command(&format!("XHDR {header} {arg}"))?;
        }
        match r.code {
            225 | 221 => self.listing(|l| {
                let (n, v) = parse_hdr_line(l)?;
                each(n, v)
            }),
            423 | 420 => Ok(()),
            _ => Err(nntp_error(&self.server, &format!("HDR {header} {arg}"), &r)),
        }
    }

    /// Queues one ARTICLE-family command (NNTP allows pipelining, RFC 3977 §3.5).
    pub fn queue_article(&mut self, part: Part, which: &Which) -> Result<(), Error> {
        if let Which::Id(id) = which {
            super::check_message_id(id)?;
        }
        self.conn
            .queue(&format!("{} {}", part.command(), which.wire()))
    }

    pub fn flush(&mut self) -> Result<(), Error> {
        self.conn.flush()
    }

    /// Reads the answer to a queued ARTICLE-family command: the article's lines (without
    /// line ends, dot-unstuffed) go to `each`. `Ok(None)` when the server has no such
    /// article (423, 430): the caller decides whether that is an error.
    pub fn read_article(
        &mut self,
        part: Part,
        which: &Which,
        mut each: impl FnMut(&[u8]) -> Result<(), Error>,
    ) -> Result<Option<Found>, Error> {
        let r = self.conn.read_reply()?;
        let what = format!("{} {}", part.command(), which.wire());
        match r.code {
            c if c == part.code() => {}
            423 | 430 => return Ok(None),
            _ => return Err(nntp_error(&self.server, &what, &r)),
        }
        let text = r.text();
        let mut w = text.split_ascii_whitespace();
        let number = w.next().and_then(super::number);
        let id = w.next().unwrap_or("").to_owned();
        let number = number.ok_or_else(|| {
            Error::new(
                ErrorKind::Protocol,
                format!(
                    "{}: {what}: malformed reply {} {}",
                    self.server,
                    r.code,
                    clean(&text)
                ),
            )
        })?;
        if part != Part::Stat {
            self.listing(&mut each)?;
        }
        Ok(Some(Found {
            number,
            message_id: id,
        }))
    }

    /// One ARTICLE-family command and its answer.
    pub fn article(
        &mut self,
        part: Part,
        which: &Which,
        each: impl FnMut(&[u8]) -> Result<(), Error>,
    ) -> Result<Option<Found>, Error> {
        self.queue_article(part, which)?;
        self.flush()?;
        self.read_article(part, which, each)
    }

    /// POST (RFC 3977 §6.3.1): `write` streams the article into the dot-stuffer. Returns
    /// the 240 reply's text.
    pub fn post(
        &mut self,
        write: impl FnOnce(&mut DotStuffer<&mut Stream>) -> Result<u64, Error>,
    ) -> Result<String, Error> {
        let r = self.command("POST")?;
        if r.code != 340 {
            return Err(nntp_error(&self.server, "POST", &r));
        }
        let mut stuffer = DotStuffer::new(self.conn.writer());
        write(&mut stuffer)?;
        stuffer
            .finish()
            .map_err(crate::proto::pingpong::write_error)?;
        let r = self.conn.read_reply()?;
        if r.code != 240 {
            return Err(nntp_error(&self.server, "posting", &r));
        }
        Ok(r.text())
    }

    /// DATE (RFC 3977 §7.1): the server's clock, Unix seconds.
    pub fn date(&mut self) -> Result<i64, Error> {
        let r = self.command_expecting("DATE", 111, "DATE")?;
        parse_date_reply(&r.text())
    }

    /// NEWNEWS WILDMAT TIME (RFC 3977 §7.4): message-ids of articles since `since`.
    pub fn newnews(
        &mut self,
        wildmat: &str,
        since: i64,
        mut each: impl FnMut(String) -> Result<(), Error>,
    ) -> Result<(), Error> {
        super::check_word("the wildmat", wildmat)?;
        let command = format!("NEWNEWS {wildmat} {}", super::wire_time(since));
        let r = self.command(&command)?;
        if r.code != 230 {
            return Err(nntp_error(&self.server, "NEWNEWS", &r));
        }
        self.listing(|l| {
            let id = String::from_utf8_lossy(l).trim().to_owned();
            if id.is_empty() {
                return Ok(());
            }
            each(id)
        })
    }

    /// NEWGROUPS TIME (RFC 3977 §7.3): groups created since `since`.
    pub fn newgroups(
        &mut self,
        since: i64,
        mut each: impl FnMut(ActiveGroup) -> Result<(), Error>,
    ) -> Result<(), Error> {
        let command = format!("NEWGROUPS {}", super::wire_time(since));
        let r = self.command(&command)?;
        if r.code != 231 {
            return Err(nntp_error(&self.server, "NEWGROUPS", &r));
        }
        self.listing(|l| each(parse_active_line(l)?))
    }

    /// QUIT (205). The server going away before it answers is not worth an error: every
    /// result was already read.
    pub fn quit(mut self) {
        if self.conn.send("QUIT").is_ok() {
            let _ = self.conn.read_reply();
        }
    }
}
