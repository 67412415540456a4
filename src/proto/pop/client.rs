//! One POP3 session over any `Stream`: greeting (APOP timestamp), CAPA, STLS as an in-place
//! upgrade, login (SASL when offered, else APOP when the greeting allows it, else
//! USER/PASS), then the transaction commands and QUIT, which is when the server applies
//! deletions. Every command's `-ERR` is a typed error; message bodies stream through
//! [`DotReader::copy_raw_to`] in constant memory.

use std::io::Write;
use std::time::{Duration, Instant};

use super::{
    Capabilities, apop_digest, apop_timestamp, login_error_kind, parse_list_line, parse_stat,
    parse_uidl_line,
};
use crate::auth::Secret;
use crate::auth::sasl::{self, Mechanism, SaslClient};
use crate::net::{Stream, TlsContext, TlsInfo, TlsPolicy};
use crate::proto::pingpong::reply::clean;
use crate::proto::pingpong::{Conn, PopStatus, check_argument};
use crate::{Error, ErrorKind};

/// How to log in: `--auth` given as USER, APOP or a SASL mechanism.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Login {
    User,
    Apop,
    Sasl(Mechanism),
}

impl Login {
    pub fn parse(name: &str) -> Option<Login> {
        if name.eq_ignore_ascii_case("USER") {
            Some(Login::User)
        } else if name.eq_ignore_ascii_case("APOP") {
            Some(Login::Apop)
        } else {
            Mechanism::parse(name).map(Login::Sasl)
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Login::User => "USER",
            Login::Apop => "APOP",
            Login::Sasl(m) => m.name(),
        }
    }
}

#[derive(Debug, Clone, Default)]
pub struct Options {
    pub user: Option<String>,
    pub secret: Option<Secret>,
    /// `--oauth2`: the secret is a bearer token (XOAUTH2).
    pub oauth2: bool,
    pub login: Option<Login>,
    /// Credentials may go over a plain connection (loopback peer, or `--tls none`).
    pub cleartext_auth_ok: bool,
    pub handshake_timeout: Duration,
    pub idle_timeout: Duration,
}

pub use crate::proto::pingpong::Peer;

pub struct Session {
    conn: Conn<Stream>,
    server: String,
    capa: Option<Capabilities>,
    login: Option<Login>,
}

/// The most CAPA lines read before the server is taken to be misbehaving.
const MAX_CAPA_LINES: usize = 1000;

fn err_reply(server: &str, what: &str, text: &str, kind: ErrorKind) -> Error {
    Error::new(
        kind,
        format!("{server}: {what} refused: -ERR {}", clean(text)),
    )
}

impl Session {
    /// Greeting, CAPA, STLS per the policy, and login when credentials are given.
    pub fn open(peer: Peer<'_>, opts: &Options) -> Result<Session, Error> {
        let Peer {
            stream,
            host,
            server,
            tls,
            transcript,
        } = peer;
        let mut conn = Conn::timed(stream, transcript, opts.idle_timeout)?;
        let greeting = read_greeting(&mut conn)?;
        let greeting = match greeting {
            PopStatus::Ok(text) => text,
            PopStatus::Err(text) | PopStatus::Continue(text) => {
                return Err(err_reply(
                    server,
                    "the connection",
                    &text,
                    ErrorKind::Temporary,
                ));
            }
        };
        let mut session = Session {
            conn,
            server: server.to_owned(),
            capa: None,
            login: None,
        };
        session.capa = session.read_capa()?;
        if !session.is_tls() && tls.policy != TlsPolicy::Never {
            // Without CAPA nothing is known: try STLS only when TLS is required.
            let offered = session.capa.as_ref().is_some_and(|c| c.stls);
            if offered || (session.capa.is_none() && tls.policy == TlsPolicy::Required) {
                session = session.starttls(host, tls, opts)?;
                session.capa = session.read_capa()?;
            } else if tls.policy == TlsPolicy::Required {
                return Err(Error::new(
                    ErrorKind::Tls,
                    format!("{server} does not offer STLS and --tls required was given"),
                ));
            }
        }
        if let (Some(user), Some(secret)) = (&opts.user, &opts.secret) {
            if !session.is_tls() && !opts.cleartext_auth_ok {
                return Err(Error::new(
                    ErrorKind::Tls,
                    format!(
                        "refusing to send credentials in clear text to {server} (it offers no \
                         STLS); use pop3s://, or --tls none to allow it"
                    ),
                ));
            }
            session.conn.transcript().phase(crate::probe::Phase::Auth);
            let login = session.authenticate(user, secret, opts, apop_timestamp(&greeting))?;
            session.login = Some(login);
            // RFC 2449 §4: capabilities may change after login.
            if session.capa.is_some() {
                session.capa = session.read_capa()?;
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

    pub fn login(&self) -> Option<Login> {
        self.login
    }

    pub fn tls_info(&self) -> Option<TlsInfo> {
        self.stream().tls_info()
    }

    fn stream(&self) -> &Stream {
        self.conn.stream_ref()
    }

    fn is_tls(&self) -> bool {
        self.stream().is_tls()
    }

    /// A second handle on the control socket, for the `--max-time` watchdog.
    pub fn socket(&self) -> Result<std::net::TcpStream, Error> {
        self.stream().try_clone_socket().map_err(|e| {
            Error::new(
                ErrorKind::LocalIo,
                format!("socket: {}", crate::error::io_words(&e)),
            )
        })
    }

    /// Whether commands may be sent in batches (CAPA PIPELINING).
    pub fn pipelining(&self) -> bool {
        self.capa.as_ref().is_some_and(|c| c.pipelining)
    }

    fn status(&mut self) -> Result<PopStatus, Error> {
        self.conn.read_pop_status()
    }

    /// Sends `command`, expects `+OK`; returns the text after it.
    fn simple(&mut self, command: &str, what: &str) -> Result<String, Error> {
        self.conn.send(command)?;
        self.expect_ok(what)
    }

    fn expect_ok(&mut self, what: &str) -> Result<String, Error> {
        match self.status()? {
            PopStatus::Ok(text) => Ok(text),
            PopStatus::Err(text) => Err(err_reply(&self.server, what, &text, command_kind(&text))),
            PopStatus::Continue(text) => Err(Error::new(
                ErrorKind::Protocol,
                format!("{}: {what}: unexpected '+ {}'", self.server, clean(&text)),
            )),
        }
    }

    /// The lines of a dot-terminated listing, each handed to `each`.
    fn listing(&mut self, mut each: impl FnMut(&[u8]) -> Result<(), Error>) -> Result<(), Error> {
        let mut reader = self.conn.dot_reader();
        let mut lines = 0u64;
        while let Some(line) = reader.next_line()? {
            lines += 1;
            if lines > 10_000_000 {
                return Err(Error::new(ErrorKind::Protocol, "a listing without end"));
            }
            each(line)?;
        }
        Ok(())
    }

    /// CAPA again (`pop --check`'s request before a login: harmless in any state).
    pub fn refresh_capa(&mut self) -> Result<(), Error> {
        self.capa = self.read_capa()?;
        Ok(())
    }

    fn read_capa(&mut self) -> Result<Option<Capabilities>, Error> {
        self.conn.send("CAPA")?;
        // The whole list is one step within -t: nothing else bounds how long it may go on.
        let step = self.conn.begin_step();
        let capa = self.read_capa_reply();
        self.conn.end_step(step, "the end of the CAPA reply", capa)
    }

    fn read_capa_reply(&mut self) -> Result<Option<Capabilities>, Error> {
        match self.status()? {
            PopStatus::Ok(_) => {
                let mut lines = Vec::new();
                let mut count = 0;
                self.listing(|l| {
                    count += 1;
                    // RFC 2449 defines a dozen capabilities; a listing that does not end
                    // would otherwise be read for ten million lines whatever --timeout says.
                    if count > MAX_CAPA_LINES {
                        return Err(Error::new(
                            ErrorKind::Protocol,
                            format!("CAPA ran past {MAX_CAPA_LINES} lines"),
                        ));
                    }
                    if lines.len() < 200 {
                        lines.push(String::from_utf8_lossy(l).into_owned());
                    }
                    Ok(())
                })?;
                Ok(Some(Capabilities::parse(lines.iter().map(String::as_str))))
            }
            _ => Ok(None),
        }
    }

    fn starttls(mut self, host: &str, tls: &TlsContext, opts: &Options) -> Result<Session, Error> {
        self.conn.transcript().phase(crate::probe::Phase::Tls);
        self.conn.send("STLS")?;
        match self.status()? {
            PopStatus::Ok(_) => {}
            PopStatus::Err(text) | PopStatus::Continue(text) => {
                return Err(Error::new(
                    ErrorKind::Tls,
                    format!(
                        "{}: STLS refused: {} (use --tls none to go on without TLS)",
                        self.server,
                        clean(&text)
                    ),
                ));
            }
        }
        let (stream, mut transcript) = self.conn.into_stream()?;
        let deadline = Instant::now() + opts.handshake_timeout;
        let stream = stream.upgrade(host, tls.config()?, deadline, opts.idle_timeout)?;
        transcript.tls_established(&stream);
        Ok(Session {
            conn: Conn::timed(stream, transcript, opts.idle_timeout)?,
            server: self.server,
            capa: None,
            login: None,
        })
    }

    fn choose_login(&self, opts: &Options, stamp: Option<&str>) -> Result<Login, Error> {
        let sasl: Vec<&str> = self
            .capa
            .as_ref()
            .map(|c| c.sasl.iter().map(String::as_str).collect())
            .unwrap_or_default();
        match opts.login {
            Some(Login::Sasl(m)) => Ok(Login::Sasl(sasl::choose(&sasl, Some(m), opts.oauth2)?)),
            Some(Login::Apop) if stamp.is_none() => Err(Error::new(
                ErrorKind::Auth,
                format!(
                    "{}: --auth APOP: the greeting has no APOP timestamp",
                    self.server
                ),
            )),
            Some(l) => Ok(l),
            None if opts.oauth2 => Ok(Login::Sasl(sasl::choose(&sasl, None, true)?)),
            None => Ok(match sasl::choose(&sasl, None, false) {
                Ok(m) => Login::Sasl(m),
                Err(_) if stamp.is_some() => Login::Apop,
                Err(_) => Login::User,
            }),
        }
    }

    fn authenticate(
        &mut self,
        user: &str,
        secret: &Secret,
        opts: &Options,
        stamp: Option<&str>,
    ) -> Result<Login, Error> {
        check_argument("the user name", user)?;
        let login = self.choose_login(opts, stamp)?;
        let failed = |server: &str, text: &str| {
            Error::new(
                login_error_kind(text),
                format!(
                    "{server}: login as {user} with {} failed: -ERR {}",
                    login.name(),
                    clean(text)
                ),
            )
        };
        match login {
            Login::User => {
                self.conn.send(&format!("USER {user}"))?;
                if let PopStatus::Err(text) = self.status()? {
                    return Err(failed(&self.server, &text));
                }
                self.conn.send_secret("PASS ", secret)?;
                if let PopStatus::Err(text) | PopStatus::Continue(text) = self.status()? {
                    return Err(failed(&self.server, &text));
                }
            }
            Login::Apop => {
                let digest = Secret::new(apop_digest(stamp.unwrap_or(""), secret.expose()));
                self.conn.send_secret(&format!("APOP {user} "), &digest)?;
                if let PopStatus::Err(text) | PopStatus::Continue(text) = self.status()? {
                    return Err(failed(&self.server, &text));
                }
            }
            Login::Sasl(mech) => {
                let mut client = SaslClient::new(mech, user, secret.clone());
                match client.initial_response() {
                    Some(first) => self
                        .conn
                        .send_secret(&format!("AUTH {} ", mech.name()), &first)?,
                    None => self.conn.send(&format!("AUTH {}", mech.name()))?,
                }
                let mut rounds = 0;
                loop {
                    match self.status()? {
                        PopStatus::Ok(_) => break,
                        PopStatus::Err(text) => return Err(failed(&self.server, &text)),
                        PopStatus::Continue(challenge) => {
                            rounds += 1;
                            if rounds > 8 {
                                return Err(Error::new(
                                    ErrorKind::Protocol,
                                    "AUTH: too many challenges",
                                ));
                            }
                            let response = client.respond(&challenge)?;
                            self.conn.send_secret("", &response)?;
                        }
                    }
                }
            }
        }
        Ok(login)
    }

    /// STAT: message count and total octets.
    pub fn stat(&mut self) -> Result<(u64, u64), Error> {
        let text = self.simple("STAT", "STAT")?;
        parse_stat(&text)
    }

    /// LIST: (number, size) of every message.
    pub fn list(&mut self) -> Result<Vec<(u64, u64)>, Error> {
        self.simple("LIST", "LIST")?;
        let mut out = Vec::new();
        self.listing(|l| {
            out.push(parse_list_line(l)?);
            Ok(())
        })?;
        Ok(out)
    }

    /// UIDL: (number, unique id) of every message.
    pub fn uidl(&mut self) -> Result<Vec<(u64, String)>, Error> {
        self.simple("UIDL", "UIDL (unique ids)")?;
        let mut out = Vec::new();
        self.listing(|l| {
            out.push(parse_uidl_line(l)?);
            Ok(())
        })?;
        Ok(out)
    }

    /// Queues RETR (for PIPELINING): [`Session::read_message`] reads its answer.
    pub fn queue_retr(&mut self, n: u64) -> Result<(), Error> {
        self.conn.queue(&format!("RETR {n}"))
    }

    pub fn flush(&mut self) -> Result<(), Error> {
        self.conn.flush()
    }

    /// RETR N, streamed into `out` exactly as received (dot-unstuffed).
    pub fn retr(&mut self, n: u64, out: &mut dyn Write) -> Result<u64, Error> {
        self.queue_retr(n)?;
        self.flush()?;
        self.read_message(&format!("RETR {n}"), out)
    }

    /// TOP N LINES: the headers and the first LINES body lines.
    pub fn top(&mut self, n: u64, lines: u64, out: &mut dyn Write) -> Result<u64, Error> {
        self.conn.send(&format!("TOP {n} {lines}"))?;
        self.read_message(&format!("TOP {n}"), out)
    }

    /// The answer to a RETR or TOP already sent: `+OK` and the body, or `-ERR`.
    pub fn read_message(&mut self, what: &str, out: &mut dyn Write) -> Result<u64, Error> {
        self.expect_ok(what)?;
        self.conn.dot_reader().copy_raw_to(out)
    }

    /// DELE N: marks the message; the server removes it at QUIT.
    pub fn dele(&mut self, n: u64) -> Result<(), Error> {
        self.simple(&format!("DELE {n}"), &format!("DELE {n}"))
            .map(|_| ())
    }

    /// Queues DELE N (PIPELINING); [`Session::read_dele`] reads the answer.
    pub fn queue_dele(&mut self, n: u64) -> Result<(), Error> {
        self.conn.queue(&format!("DELE {n}"))
    }

    pub fn read_dele(&mut self, n: u64) -> Result<(), Error> {
        self.expect_ok(&format!("DELE {n}")).map(|_| ())
    }

    pub fn noop(&mut self) -> Result<(), Error> {
        self.simple("NOOP", "NOOP").map(|_| ())
    }

    /// QUIT: the UPDATE state, where deletions happen. An error here means they may not
    /// have (RFC 1939 §6), so it is reported, not ignored.
    pub fn quit(mut self) -> Result<(), Error> {
        self.simple(
            "QUIT",
            "QUIT (the server may not have removed the deleted messages)",
        )
        .map(|_| ())
    }

    /// Leaves without QUIT where nothing must be applied (an error mid-fetch): the server
    /// drops the DELE marks when the connection closes without QUIT (RFC 1939 §6).
    pub fn abandon(self) {
        drop(self);
    }
}

/// A `-ERR` on an ordinary command: `[SYS/TEMP]` or `[IN-USE]` is temporary (11), anything
/// else a refusal (1).
fn command_kind(text: &str) -> ErrorKind {
    match login_error_kind(text) {
        ErrorKind::Temporary => ErrorKind::Temporary,
        _ => ErrorKind::Refused,
    }
}

/// The greeting line; a connection that ends before its first byte is a connect error.
fn read_greeting(conn: &mut Conn<Stream>) -> Result<PopStatus, Error> {
    conn.read_pop_status().map_err(|e| {
        if conn.received() == 0 && e.kind() == ErrorKind::Protocol {
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
    })
}
