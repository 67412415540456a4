//! One FTP session (RFC 959) over the shared line layer: greeting, explicit FTPS (`AUTH TLS`,
//! `PBSZ 0`, `PROT P`, RFC 4217) or implicit TLS as the caller connected, login (anonymous
//! when no user was given), FEAT (RFC 2389) and `OPTS UTF8 ON`, `TYPE I`, and the data
//! connection: EPSV then PASV with the PASV address ignored, or EPRT/PORT with `--active`,
//! TLS on it resumed from the control connection's session (one shared rustls config holds
//! the session cache). Transfers follow RFC 959's sequence: a 1xx reply, the data, its
//! close, then the final 2xx. On TLS that close must be a close_notify: a data connection
//! cut without one is a truncated transfer (exit 8), whatever the 226 after it says.

use std::io::{self, Read, Write};
use std::net::{IpAddr, SocketAddr, TcpListener, TcpStream};
use std::os::fd::AsRawFd;
use std::sync::Arc;
use std::time::{Duration, Instant};

use rustls::ClientConfig;

use super::list::{self, Entry};
use super::pasv;
use crate::auth::Secret;
use crate::net::TlsContext;
use crate::net::stream::StrictEof;
use crate::net::{ConnectOptions, Stream, TlsInfo, TlsPolicy, Watchdog, interrupt};
use crate::proto::pingpong::Transcript;
use crate::proto::pingpong::reply::{clean, reply_error};
use crate::proto::pingpong::{Conn, Continuation, Reply, write_error};
use crate::{Error, ErrorKind};

mod data;

/// The most a listing may hold in memory (a listing is parsed whole).
const MAX_LISTING: usize = 64 << 20;
/// Read size on data connections.
const DATA_CHUNK: usize = 256 << 10;
/// How long ABOR's replies are waited for after an interrupt (within
/// [`interrupt::GRACE`]): a server that ignores ABOR costs no more.
const ABORT_WAIT: Duration = Duration::from_secs(2);

/// How the session should go.
#[derive(Debug, Clone)]
pub struct Options {
    /// `None`: anonymous, password `netkit@`.
    pub user: Option<String>,
    pub secret: Option<Secret>,
    /// Credentials may go over a plain connection (loopback peer, or `--tls none`).
    pub cleartext_auth_ok: bool,
    /// EPRT/PORT instead of EPSV/PASV.
    pub active: bool,
    /// TYPE A instead of TYPE I.
    pub ascii: bool,
    /// Data connections: connect timeout, family, `--max-time`.
    pub connect: ConnectOptions,
    pub idle_timeout: Duration,
}

/// What FEAT said (RFC 2389), as far as netkit uses it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Features {
    pub listed: bool,
    pub epsv: bool,
    pub mlsd: bool,
    pub size: bool,
    pub mdtm: bool,
    pub mfmt: bool,
    pub rest_stream: bool,
    pub utf8: bool,
    pub auth_tls: bool,
}

impl Features {
    /// The lines of a 211 FEAT reply; the first and last are the reply's own text.
    pub fn from_reply(reply: &Reply) -> Features {
        let mut f = Features {
            listed: true,
            ..Features::default()
        };
        let inner = reply
            .lines
            .iter()
            .skip(1)
            .take(reply.lines.len().saturating_sub(2));
        for line in inner {
            let upper = line.trim().to_ascii_uppercase();
            let (name, rest) = upper.split_once(' ').unwrap_or((upper.as_str(), ""));
            match name {
                "EPSV" => f.epsv = true,
                "MLST" | "MLSD" => f.mlsd = true,
                "SIZE" => f.size = true,
                "MDTM" => f.mdtm = true,
                "MFMT" => f.mfmt = true,
                "REST" if rest.contains("STREAM") => f.rest_stream = true,
                "UTF8" => f.utf8 = true,
                "AUTH" if rest.split_whitespace().any(|m| m == "TLS") => f.auth_tls = true,
                _ => {}
            }
        }
        f
    }
}

pub use crate::proto::pingpong::Peer;

/// A data connection being set up: connected (passive) or waiting for the server (active).
enum Pending {
    Connected(TcpStream),
    Listening(TcpListener),
}

/// A logged-in session.
pub struct Session {
    conn: Conn<Stream>,
    host: String,
    server: String,
    peer: IpAddr,
    local: IpAddr,
    /// The config data connections resume their TLS session from; `None`: data in clear.
    data_tls: Option<Arc<ClientConfig>>,
    tls_info: Option<TlsInfo>,
    features: Features,
    /// Cleared once the server refuses EPSV, so later transfers go straight to PASV.
    try_epsv: bool,
    /// Whether `LIST -a` works here ([`Session::list_all`]): `None` until a listing shows.
    dash_a: Option<bool>,
    /// A transfer failed and its final reply was not read: the next reply would be taken
    /// for the next command's. The session takes no more work.
    out_of_step: bool,
    opts: Options,
}

/// The greeting (after any 120 "ready in nnn minutes"), then AUTH TLS per the policy (RFC
/// 4217 §4): the control connection as every session and probe starts it.
fn greet_and_secure(
    stream: Stream,
    transcript: Transcript,
    host: &str,
    server: &str,
    tls: &TlsContext,
    opts: &Options,
) -> Result<Conn<Stream>, Error> {
    let mut conn = Conn::timed(stream, transcript, opts.idle_timeout)?;
    conn.set_continuation(Continuation::FreeText);
    let mut greeting = conn.read_greeting()?;
    // 120: "ready in nnn minutes", then the real greeting.
    if greeting.code == 120 {
        greeting = conn.read_reply()?;
    }
    if greeting.code != 220 {
        return Err(reply_error("greeting", &greeting));
    }
    if !conn.writer().is_tls() && tls.policy != TlsPolicy::Never {
        conn.transcript().phase(crate::probe::Phase::Tls);
        conn.send("AUTH TLS")?;
        let reply = conn.read_reply()?;
        if matches!(reply.code, 234 | 334) {
            let (stream, mut transcript) = conn.into_stream()?;
            let deadline = Instant::now() + opts.connect.connect_timeout;
            let stream = stream.upgrade(host, tls.config()?, deadline, opts.idle_timeout)?;
            transcript.tls_established(&stream);
            conn = Conn::timed(stream, transcript, opts.idle_timeout)?;
            conn.set_continuation(Continuation::FreeText);
        } else if tls.policy == TlsPolicy::Required || reply.code == 421 {
            return Err(Error::new(
                if reply.code == 421 {
                    ErrorKind::Temporary
                } else {
                    ErrorKind::Tls
                },
                format!(
                    "{server} refused AUTH TLS ({} {}) and --tls required was given",
                    reply.code,
                    clean(&reply.text())
                ),
            ));
        }
    }
    Ok(conn)
}

/// `ftp --check`: greeting, AUTH TLS per the policy, USER/PASS only when credentials are
/// given (no anonymous login: a server without it is still up), then NOOP (one line, where
/// FEAT's multi-line reply would cost a monitor more) and QUIT.
pub fn probe(peer: Peer<'_>, opts: Options) -> Result<(), Error> {
    let Peer {
        stream,
        host,
        server,
        tls,
        transcript,
    } = peer;
    let conn = greet_and_secure(stream, transcript, host, server, tls, &opts)?;
    let is_tls = conn.stream_ref().is_tls();
    let logging_in = opts.user.is_some();
    let mut session = Session {
        conn,
        host: host.to_owned(),
        server: server.to_owned(),
        peer: std::net::IpAddr::from([0, 0, 0, 0]),
        local: std::net::IpAddr::from([0, 0, 0, 0]),
        data_tls: None,
        tls_info: None,
        features: Features::default(),
        try_epsv: true,
        dash_a: None,
        out_of_step: false,
        opts,
    };
    if logging_in {
        session.conn.transcript().phase(crate::probe::Phase::Auth);
        session.login(is_tls)?;
    }
    session
        .conn
        .transcript()
        .phase(crate::probe::Phase::Request);
    // Before a login vsftpd (and others) may answer 530: the control channel works all the
    // same, and that is what a probe without credentials asks.
    let reply = session.command("NOOP")?;
    if !(reply.class() == 2 || !logging_in && reply.code == 530) {
        return Err(reply_error("the probe's NOOP", &reply));
    }
    session.conn.transcript().phase(crate::probe::Phase::Quit);
    session.conn.send("QUIT")?;
    let result = session.conn.read_reply();
    session.conn.writer().close();
    match result {
        Err(e) if e.kind() == ErrorKind::Timeout => Err(e),
        _ => Ok(()),
    }
}

impl Session {
    /// Greeting, TLS, login, FEAT, TYPE: a session ready for commands.
    pub fn open(peer: Peer<'_>, opts: Options) -> Result<Session, Error> {
        let Peer {
            stream,
            host,
            server,
            tls,
            transcript,
        } = peer;
        let sock_err =
            |e: io::Error| Error::new(ErrorKind::LocalIo, crate::error::io_words(&e).to_string());
        let peer_addr = stream.peer_addr().map_err(sock_err)?;
        let local_addr = stream
            .try_clone_socket()
            .and_then(|s| s.local_addr())
            .map_err(sock_err)?;
        let mut conn = greet_and_secure(stream, transcript, host, server, tls, &opts)?;
        let is_tls = conn.writer().is_tls();
        let tls_info = conn.writer().tls_info();
        let mut session = Session {
            conn,
            host: host.to_owned(),
            server: server.to_owned(),
            peer: peer_addr.ip(),
            local: local_addr.ip(),
            data_tls: None,
            tls_info,
            features: Features::default(),
            try_epsv: true,
            dash_a: None,
            out_of_step: false,
            opts,
        };
        session.login(is_tls)?;
        if is_tls {
            session.expect_reply("PBSZ 0", |c| c == 200)?;
            session.expect_reply("PROT P", |c| c == 200).map_err(|e| {
                Error::new(
                    ErrorKind::Tls,
                    format!(
                        "the server will not protect data connections: {}",
                        e.message()
                    ),
                )
            })?;
            session.data_tls = Some(tls.config()?);
        }
        let feat = session.command("FEAT")?;
        if feat.code == 211 {
            session.features = Features::from_reply(&feat);
        }
        if session.features.utf8 {
            // Servers that need it switch name encoding; the reply does not matter.
            session.command("OPTS UTF8 ON")?;
        }
        let kind = if session.opts.ascii {
            "TYPE A"
        } else {
            "TYPE I"
        };
        session.expect_reply(kind, |c| c == 200)?;
        Ok(session)
    }

    fn login(&mut self, is_tls: bool) -> Result<(), Error> {
        let (user, secret) = match (&self.opts.user, &self.opts.secret) {
            (Some(u), Some(s)) => {
                if !is_tls && !self.opts.cleartext_auth_ok {
                    return Err(Error::new(
                        ErrorKind::Tls,
                        format!(
                            "refusing to send credentials in clear text to {} (it offers no \
                             AUTH TLS); use ftps://, or --tls none to allow it",
                            self.server
                        ),
                    ));
                }
                (u.clone(), s.clone())
            }
            (Some(u), None) => (u.clone(), Secret::new("")),
            _ => ("anonymous".to_owned(), Secret::new("netkit@")),
        };
        self.conn.send(&format!("USER {user}"))?;
        let reply = self.conn.read_reply()?;
        let reply = match reply.code {
            230 => return Ok(()),
            331 | 332 => {
                self.conn.send_secret("PASS ", &secret)?;
                self.conn.read_reply()?
            }
            _ => reply,
        };
        match reply.code {
            230 | 202 => Ok(()),
            332 => Err(Error::new(
                ErrorKind::Auth,
                "the server wants an account (ACCT), which netkit does not send",
            )),
            421 => Err(reply_error("login", &reply)),
            c if c / 100 == 4 => Err(reply_error("login", &reply)),
            _ => Err(Error::new(
                ErrorKind::Auth,
                format!(
                    "login as {user} refused: {} {}",
                    reply.code,
                    clean(&reply.text())
                ),
            )),
        }
    }

    pub fn features(&self) -> &Features {
        &self.features
    }

    pub fn tls_info(&self) -> Option<TlsInfo> {
        self.tls_info.clone()
    }

    pub fn server(&self) -> &str {
        &self.server
    }

    /// Whether a failed transfer left the control connection out of step (see
    /// [`Session::settle`]): a mirror stops giving this session files.
    pub fn is_out_of_step(&self) -> bool {
        self.out_of_step
    }

    /// After a transfer failed past its 1xx reply, the server still owes the final one
    /// (426, or 226 when it had sent everything): it is read here, so the next command gets
    /// its own reply instead of this one. After a timeout it may never come.
    fn settle(&mut self, e: Error) -> Error {
        if e.kind() == ErrorKind::Timeout || self.conn.read_reply().is_err() {
            self.out_of_step = true;
        }
        e
    }

    /// A second handle on the control socket, for the `--max-time` watchdog.
    pub fn control_socket(&mut self) -> Result<TcpStream, Error> {
        self.conn
            .writer()
            .try_clone_socket()
            .map_err(|e| Error::new(ErrorKind::LocalIo, crate::error::io_words(&e).to_string()))
    }

    /// Sends one command and reads its reply, whatever it is. A 421 (the server is closing
    /// the session) is an error at once.
    pub fn command(&mut self, command: &str) -> Result<Reply, Error> {
        self.conn.send(command)?;
        let reply = self.conn.read_reply()?;
        if reply.code == 421 {
            return Err(reply_error(first_word(command), &reply));
        }
        Ok(reply)
    }

    /// A command whose reply must satisfy `ok`, else its error.
    fn expect_reply(&mut self, command: &str, ok: fn(u16) -> bool) -> Result<Reply, Error> {
        let reply = self.command(command)?;
        if ok(reply.code) {
            Ok(reply)
        } else {
            Err(reply_error(first_word(command), &reply))
        }
    }

    /// SIZE: `None` when the server has no SIZE command or will not say.
    pub fn size(&mut self, path: &str) -> Result<Option<u64>, Error> {
        let reply = self.command(&format!("SIZE {path}"))?;
        if reply.code != 213 {
            return Ok(None);
        }
        Ok(reply.text().trim().parse().ok())
    }

    /// SIZE where the caller needs the answer (`netkit ftp size`).
    pub fn size_required(&mut self, path: &str) -> Result<u64, Error> {
        let reply = self.expect_reply(&format!("SIZE {path}"), |c| c == 213)?;
        reply.text().trim().parse().map_err(|_| {
            Error::new(
                ErrorKind::Protocol,
                format!("SIZE: not a number: {}", clean(&reply.text())),
            )
        })
    }

    /// MDTM as Unix seconds; `None` when the server will not say.
    pub fn mdtm(&mut self, path: &str) -> Result<Option<i64>, Error> {
        let reply = self.command(&format!("MDTM {path}"))?;
        if reply.code != 213 {
            return Ok(None);
        }
        Ok(list::parse_time_val(&reply.text()))
    }

    /// MDTM where the caller needs the answer (`netkit ftp mtime`).
    pub fn mdtm_required(&mut self, path: &str) -> Result<i64, Error> {
        let reply = self.expect_reply(&format!("MDTM {path}"), |c| c == 213)?;
        list::parse_time_val(&reply.text()).ok_or_else(|| {
            Error::new(
                ErrorKind::Protocol,
                format!("MDTM: not a time: {}", clean(&reply.text())),
            )
        })
    }

    /// MFMT (draft-somers-ftp-mfxx), when FEAT offers it; false when not offered or refused.
    pub fn set_mtime(&mut self, path: &str, secs: i64) -> Result<bool, Error> {
        if !self.features.mfmt {
            return Ok(false);
        }
        let reply = self.command(&format!("MFMT {} {path}", list::format_time_val(secs)))?;
        Ok(reply.code == 213)
    }

    pub fn delete(&mut self, path: &str) -> Result<(), Error> {
        self.expect_reply(&format!("DELE {path}"), |c| c == 250)
            .map(drop)
    }

    pub fn mkdir(&mut self, path: &str) -> Result<Reply, Error> {
        self.expect_reply(&format!("MKD {path}"), |c| c == 257 || c == 250)
    }

    pub fn rmdir(&mut self, path: &str) -> Result<(), Error> {
        self.expect_reply(&format!("RMD {path}"), |c| c == 250)
            .map(drop)
    }

    /// Whether `path` is a directory the session can enter (CWD there and back).
    pub fn is_dir(&mut self, path: &str) -> Result<bool, Error> {
        let here = self.expect_reply("PWD", |c| c == 257)?;
        let Some(home) = quoted_path(&here.text()) else {
            return Ok(false);
        };
        let reply = self.command(&format!("CWD {path}"))?;
        if reply.code != 250 {
            return Ok(false);
        }
        self.expect_reply(&format!("CWD {home}"), |c| c == 250)?;
        Ok(true)
    }

    pub fn rename(&mut self, from: &str, to: &str) -> Result<(), Error> {
        self.expect_reply(&format!("RNFR {from}"), |c| c == 350)?;
        self.expect_reply(&format!("RNTO {to}"), |c| c == 250)
            .map(drop)
    }

    /// A raw command (`netkit ftp quote`); the reply is the result, positive or not.
    pub fn quote(&mut self, command: &str) -> Result<Reply, Error> {
        self.conn.send(command)?;
        self.conn.read_reply()
    }

    /// QUIT, best effort: the work is done whatever the server says.
    pub fn quit(mut self) {
        if self.conn.send("QUIT").is_ok() {
            let _ = self.conn.read_reply();
        }
        self.conn.writer().close();
    }
}

fn first_word(command: &str) -> &str {
    command.split(' ').next().unwrap_or(command)
}

/// The directory in a 257 reply: `"/home/x" is the current directory`, `""` doubled inside.
pub fn quoted_path(text: &str) -> Option<String> {
    let start = text.find('"')? + 1;
    let mut out = String::new();
    let mut chars = text[start..].chars().peekable();
    while let Some(c) = chars.next() {
        if c == '"' {
            if chars.peek() == Some(&'"') {
                chars.next();
                out.push('"');
            } else {
                return Some(out);
            }
        } else {
            out.push(c);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reply(code: u16, lines: &[&str]) -> Reply {
        Reply {
            code,
            lines: lines.iter().map(|s| (*s).to_owned()).collect(),
        }
    }

    #[test]
    fn feat_lines_are_read_case_insensitively() {
        let f = Features::from_reply(&reply(
            211,
            &[
                "Features:",
                " EPSV",
                " mlst type*;size*;modify*;",
                " REST STREAM",
                " SIZE",
                " UTF8",
                " AUTH TLS SSL",
                " MFMT",
                "End",
            ],
        ));
        assert!(f.epsv && f.mlsd && f.rest_stream && f.size && f.utf8 && f.auth_tls && f.mfmt);
        assert!(!f.mdtm);
    }

    #[test]
    fn quoted_paths_undouble_quotes() {
        assert_eq!(
            quoted_path("\"/home/a \"\"b\"\"\" is current").as_deref(),
            Some("/home/a \"b\"")
        );
        assert_eq!(quoted_path("no quotes"), None);
        assert_eq!(quoted_path("\"unterminated"), None);
    }
}
