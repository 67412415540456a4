//! One SMTP session (RFC 5321), over any `Stream`: greeting, EHLO (HELO fallback), STARTTLS
//! as an in-place upgrade (RFC 3207), AUTH through the SASL layer (RFC 4954), one mail
//! transaction with PIPELINING (RFC 2920), SIZE (RFC 1870), 8BITMIME (RFC 6152), SMTPUTF8
//! (RFC 6531) and DSN (RFC 3461) parameters, and QUIT. Negative replies are typed errors
//! (4xx temporary, 5xx refused) except RCPT replies, which are results: the message goes to
//! the accepted recipients and the report says who was refused.

use std::time::{Duration, Instant};

use serde::Serialize;

use super::ehlo::{Extensions, enhanced_status};
use super::message::Outgoing;
use crate::auth::Secret;
use crate::auth::sasl::{self, Mechanism, SaslClient};
use crate::net::{Stream, TlsContext, TlsInfo, TlsPolicy};
use crate::probe::Phase;
use crate::proto::pingpong::reply::{clean, reply_error};
use crate::proto::pingpong::{Conn, DotStuffer, Reply, Transcript, check_argument, write_error};
use crate::{Error, ErrorKind};

/// How the session should go.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// The name sent in EHLO/HELO.
    pub helo_name: String,
    pub user: Option<String>,
    /// A password, or with `oauth2` the bearer token.
    pub secret: Option<Secret>,
    pub oauth2: bool,
    pub mechanism: Option<Mechanism>,
    /// Credentials may go over a plain connection (loopback peer, or `--tls none`).
    pub cleartext_auth_ok: bool,
    pub dry_run: bool,
    /// DSN NOTIFY value (`NEVER` or a list of SUCCESS, FAILURE, DELAY).
    pub notify: Option<String>,
    /// DSN RET value (`FULL` or `HDRS`).
    pub ret: Option<String>,
    /// Budget for a STARTTLS handshake.
    pub handshake_timeout: Duration,
    pub idle_timeout: Duration,
    /// Where a bar for a large message's DATA is drawn (off by default).
    pub progress: crate::progress::Progress,
}

/// A message from this size on gets a progress bar while DATA is sent; a smaller one goes
/// out before a bar would be seen.
pub const PROGRESS_FROM: u64 = 1 << 20;

/// The envelope: who the message is from and for (Bcc included, never in headers).
#[derive(Debug, Clone)]
pub struct Envelope {
    pub from: String,
    pub recipients: Vec<String>,
}

/// One RCPT TO and what the server answered.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct RecipientResult {
    pub address: String,
    pub accepted: bool,
    pub code: u16,
    pub enhanced_status: Option<String>,
    pub text: String,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct Timings {
    pub connect: f64,
    pub tls: Option<f64>,
    pub auth: Option<f64>,
    pub data: Option<f64>,
    pub total: f64,
}

/// What happened, for the human and JSON reports.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub server: String,
    pub tls: Option<TlsInfo>,
    pub auth: Option<&'static str>,
    pub message_id: Option<String>,
    pub size: u64,
    pub recipients: Vec<RecipientResult>,
    pub queue_reply: Option<String>,
    pub dry_run: bool,
    pub timings: Timings,
    /// Things the user should know that did not stop the send (DSN not offered…).
    #[serde(skip)]
    pub warnings: Vec<String>,
}

impl Report {
    /// SPEC §7: all accepted → ok; some refused → partial (12); all refused → 11 when every
    /// refusal was temporary, else 1.
    pub fn outcome(&self) -> Option<ErrorKind> {
        let refused: Vec<_> = self.recipients.iter().filter(|r| !r.accepted).collect();
        if refused.is_empty() {
            None
        } else if refused.len() < self.recipients.len() {
            Some(ErrorKind::Partial)
        } else if refused.iter().all(|r| r.code / 100 == 4) {
            Some(ErrorKind::Temporary)
        } else {
            Some(ErrorKind::Refused)
        }
    }
}

/// A mailbox for MAIL FROM / RCPT TO: no spaces, brackets or line breaks (RFC 5321 §4.1.2
/// allows quoted local parts with spaces; netkit refuses them rather than mis-send).
fn check_mailbox(flag: &str, addr: &str) -> Result<(), Error> {
    check_argument(flag, addr)?;
    if addr
        .chars()
        .any(|c| c.is_whitespace() || c == '<' || c == '>')
    {
        return Err(Error::usage(format!(
            "{flag} '{addr}': not a plain address (no spaces or angle brackets)"
        )));
    }
    Ok(())
}

/// A freshly connected server, as the caller made it.
pub struct Peer<'a> {
    pub stream: Stream,
    /// The host name for TLS verification.
    pub host: &'a str,
    /// `host:port`, for messages and the report.
    pub server: &'a str,
    pub tls: &'a TlsContext,
    pub transcript: Transcript,
    /// When the command started, and what connecting took (for the timings).
    pub started: Instant,
    pub connect_secs: f64,
}

/// The message to send: ready before connecting, or made once the server's EHLO told its
/// SIZE limit (a composed message whose stdin or pipe input must be spooled first: the
/// spooling stops as soon as it passes that limit, not after reading all of it).
pub enum Message<'a> {
    Ready(&'a mut Outgoing),
    AfterEhlo(Box<dyn FnOnce(Option<u64>) -> Result<Outgoing, Error> + 'a>),
}

/// Runs the whole session on a freshly connected peer.
pub fn send(
    peer: Peer<'_>,
    envelope: &Envelope,
    message: Message<'_>,
    opts: &Options,
) -> Result<Report, Error> {
    let Peer {
        stream,
        host,
        server,
        tls,
        transcript,
        started,
        connect_secs,
    } = peer;
    check_mailbox("--from", &envelope.from)?;
    for r in &envelope.recipients {
        check_mailbox("--to/--cc/--bcc", r)?;
    }
    let mut timings = Timings {
        connect: connect_secs,
        ..Timings::default()
    };
    let mut report = Report {
        server: server.to_owned(),
        tls: stream.tls_info(),
        auth: None,
        message_id: None,
        size: 0,
        recipients: Vec::new(),
        queue_reply: None,
        dry_run: opts.dry_run,
        timings: Timings::default(),
        warnings: Vec::new(),
    };
    let Opened {
        mut conn,
        ext,
        tls: tls_info,
        tls_secs,
        auth,
        auth_secs,
    } = open_session(stream, host, server, tls, transcript, opts)?;
    if tls_info.is_some() {
        report.tls = tls_info;
    }
    timings.tls = tls_secs;
    timings.auth = auth_secs;
    report.auth = auth;

    let mut made;
    let message = match message {
        Message::Ready(m) => m,
        Message::AfterEhlo(make) => match make(ext.size.filter(|&l| l > 0)) {
            Ok(m) => {
                made = m;
                &mut made
            }
            Err(e) => {
                quit(&mut conn);
                return Err(e);
            }
        },
    };
    report.message_id.clone_from(&message.message_id);
    report.size = message.size;
    if let Err(e) = check_capabilities(&ext, envelope, message, server) {
        quit(&mut conn);
        return Err(e);
    }
    let mail = mail_command(&ext, envelope, message, opts, &mut report.warnings);
    let rcpt_params = rcpt_params(&ext, opts);
    let mail_reply;
    if ext.pipelining {
        conn.queue(&mail)?;
        for r in &envelope.recipients {
            conn.queue(&format!("RCPT TO:<{r}>{rcpt_params}"))?;
        }
        conn.flush()?;
        mail_reply = conn.read_reply()?;
        for r in &envelope.recipients {
            let reply = conn.read_reply()?;
            report.recipients.push(recipient_result(r, &reply));
        }
        if mail_reply.class() != 2 {
            let _ = conn.send("RSET").and_then(|()| conn.read_reply());
            return Err(reply_error("MAIL FROM", &mail_reply));
        }
    } else {
        conn.send(&mail)?;
        mail_reply = conn.read_reply()?;
        if mail_reply.class() != 2 {
            quit(&mut conn);
            return Err(reply_error("MAIL FROM", &mail_reply));
        }
        for r in &envelope.recipients {
            conn.send(&format!("RCPT TO:<{r}>{rcpt_params}"))?;
            let reply = conn.read_reply()?;
            report.recipients.push(recipient_result(r, &reply));
        }
    }

    let any_accepted = report.recipients.iter().any(|r| r.accepted);
    if opts.dry_run || !any_accepted {
        conn.send("RSET")?;
        conn.read_reply()?;
        quit(&mut conn);
        timings.total = started.elapsed().as_secs_f64();
        report.timings = timings;
        return Ok(report);
    }

    let t = Instant::now();
    conn.send("DATA")?;
    let go = conn.read_reply()?;
    if go.code != 354 {
        return Err(reply_error("DATA", &go));
    }
    // The bar stays until the server's reply: it takes the message when it answers.
    let bar = match message.size {
        size if size >= PROGRESS_FROM => opts.progress.bar(server, Some(size), 0),
        _ => crate::progress::Progress::off().bar(server, None, 0),
    };
    {
        let mut body = DotStuffer::new(conn.writer());
        message.write_to(&mut crate::progress::Counting {
            inner: &mut body,
            bar: &bar,
        })?;
        body.finish().map_err(write_error)?;
    }
    let done = conn.read_reply()?;
    bar.finish();
    if done.class() != 2 {
        return Err(reply_error("end of DATA", &done));
    }
    timings.data = Some(t.elapsed().as_secs_f64());
    report.queue_reply = Some(clean(&format!("{} {}", done.code, done.text())));
    quit(&mut conn);
    timings.total = started.elapsed().as_secs_f64();
    report.timings = timings;
    Ok(report)
}

/// A session past its greeting, EHLO, STARTTLS and AUTH: what both a send and a probe need.
struct Opened {
    conn: Conn<Stream>,
    ext: Extensions,
    /// Set when STARTTLS upgraded the connection.
    tls: Option<TlsInfo>,
    tls_secs: Option<f64>,
    auth: Option<&'static str>,
    auth_secs: Option<f64>,
}

fn open_session(
    stream: Stream,
    host: &str,
    server: &str,
    tls: &TlsContext,
    transcript: Transcript,
    opts: &Options,
) -> Result<Opened, Error> {
    let mut opened_tls = None;
    let mut tls_secs = None;
    let mut auth = None;
    let mut auth_secs = None;
    let mut conn = Conn::timed(stream, transcript, opts.idle_timeout)?;
    let greeting = conn.read_greeting()?;
    if greeting.code != 220 {
        return Err(reply_error("greeting", &greeting));
    }
    let mut ext = hello(&mut conn, &opts.helo_name)?;

    let offered = ext.as_ref().is_some_and(|e| e.starttls);
    let is_tls = conn_is_tls(&mut conn);
    if !is_tls && tls.policy != TlsPolicy::Never {
        if offered {
            let t = Instant::now();
            conn.transcript().phase(Phase::Tls);
            conn = starttls(conn, host, tls, opts)?;
            tls_secs = Some(t.elapsed().as_secs_f64());
            opened_tls = conn.writer().tls_info();
            ext = hello(&mut conn, &opts.helo_name)?;
        } else if tls.policy == TlsPolicy::Required {
            return Err(Error::new(
                ErrorKind::Tls,
                format!("{server} does not offer STARTTLS and --tls required was given"),
            ));
        }
    }
    let ext = ext.unwrap_or_default();

    if let (Some(user), Some(secret)) = (&opts.user, &opts.secret) {
        if !conn_is_tls(&mut conn) && !opts.cleartext_auth_ok {
            return Err(Error::new(
                ErrorKind::Tls,
                format!(
                    "refusing to send credentials in clear text to {server} (it offers no \
                     STARTTLS); use smtps://, or --tls none to allow it"
                ),
            ));
        }
        let t = Instant::now();
        conn.transcript().phase(Phase::Auth);
        let mech = authenticate(&mut conn, &ext, user, secret, opts)?;
        auth_secs = Some(t.elapsed().as_secs_f64());
        auth = Some(mech.name());
    }

    Ok(Opened {
        conn,
        ext,
        tls: opened_tls,
        tls_secs,
        auth,
        auth_secs,
    })
}

/// `smtp-send --check`: greeting, EHLO, STARTTLS per the policy, AUTH when credentials are
/// given, then NOOP (the cheapest harmless command, RFC 5321 §4.1.1.9) and QUIT. Each step
/// marks its probe phase on the transcript's recorder.
pub fn probe(peer: Peer<'_>, opts: &Options) -> Result<(), Error> {
    let Peer {
        stream,
        host,
        server,
        tls,
        transcript,
        ..
    } = peer;
    let Opened { mut conn, .. } = open_session(stream, host, server, tls, transcript, opts)?;
    conn.transcript().phase(Phase::Request);
    conn.send("NOOP")?;
    let reply = conn.read_reply()?;
    if reply.class() != 2 {
        return Err(reply_error("NOOP", &reply));
    }
    conn.transcript().phase(Phase::Quit);
    conn.send("QUIT")?;
    let result = conn.read_reply();
    conn.writer().close();
    match result {
        // A server that hangs up on QUIT without its 221 has still done its part; one that
        // stalls has not.
        Err(e) if e.kind() == ErrorKind::Timeout => Err(e),
        _ => Ok(()),
    }
}

fn conn_is_tls(conn: &mut Conn<Stream>) -> bool {
    conn.writer().is_tls()
}

/// EHLO, or HELO when EHLO is refused (RFC 5321 §3.2). `None`: HELO only, no extensions.
fn hello(conn: &mut Conn<Stream>, name: &str) -> Result<Option<Extensions>, Error> {
    check_argument("the EHLO name", name)?;
    conn.send(&format!("EHLO {name}"))?;
    let reply = conn.read_reply()?;
    if reply.class() == 2 {
        return Ok(Some(Extensions::from_reply(&reply)));
    }
    if reply.code == 421 {
        return Err(reply_error("EHLO", &reply));
    }
    conn.send(&format!("HELO {name}"))?;
    let reply = conn.read_reply()?;
    if reply.class() != 2 {
        return Err(reply_error("HELO", &reply));
    }
    Ok(None)
}

fn starttls(
    mut conn: Conn<Stream>,
    host: &str,
    tls: &TlsContext,
    opts: &Options,
) -> Result<Conn<Stream>, Error> {
    conn.send("STARTTLS")?;
    let reply = conn.read_reply()?;
    if reply.code != 220 {
        return Err(Error::new(
            ErrorKind::Tls,
            format!(
                "STARTTLS refused: {} {} (use --tls none to send without TLS)",
                reply.code,
                clean(&reply.text())
            ),
        ));
    }
    let (stream, mut transcript) = conn.into_stream()?;
    let deadline = Instant::now() + opts.handshake_timeout;
    let stream = stream.upgrade(host, tls.config()?, deadline, opts.idle_timeout)?;
    transcript.tls_established(&stream);
    Conn::timed(stream, transcript, opts.idle_timeout)
}

fn authenticate(
    conn: &mut Conn<Stream>,
    ext: &Extensions,
    user: &str,
    secret: &Secret,
    opts: &Options,
) -> Result<Mechanism, Error> {
    let offered: Vec<&str> = ext.auth.iter().map(String::as_str).collect();
    let mech = sasl::choose(&offered, opts.mechanism, opts.oauth2)?;
    let mut client = SaslClient::new(mech, user, secret.clone());
    match client.initial_response() {
        Some(first) => conn.send_secret(&format!("AUTH {} ", mech.name()), &first)?,
        None => conn.send(&format!("AUTH {}", mech.name()))?,
    }
    // A bounded number of rounds: a server that keeps challenging is broken.
    for _ in 0..8 {
        let reply = conn.read_reply()?;
        match reply.code {
            235 => return Ok(mech),
            334 => {
                let response = client.respond(reply.lines.first().map_or("", String::as_str))?;
                conn.send_secret("", &response)?;
            }
            _ => {
                let kind = if reply.class() == 4 {
                    ErrorKind::Temporary
                } else {
                    ErrorKind::Auth
                };
                return Err(Error::new(
                    kind,
                    format!(
                        "authentication as {user} with {} failed: {} {}",
                        mech.name(),
                        reply.code,
                        clean(&reply.text())
                    ),
                ));
            }
        }
    }
    Err(Error::new(ErrorKind::Protocol, "AUTH: too many challenges"))
}

/// Refuses before MAIL FROM what the server cannot take: over its SIZE, 8-bit or UTF-8 data
/// it did not say it accepts.
fn check_capabilities(
    ext: &Extensions,
    envelope: &Envelope,
    message: &Outgoing,
    server: &str,
) -> Result<(), Error> {
    if let Some(limit) = ext.size.filter(|&l| l > 0)
        && message.size > limit
    {
        return Err(Error::new(
            ErrorKind::Refused,
            format!(
                "the message is {} bytes, over {server}'s SIZE limit of {limit} bytes",
                message.size
            ),
        ));
    }
    if needs_smtputf8(envelope, message) && !ext.smtputf8 {
        return Err(Error::new(
            ErrorKind::Refused,
            format!(
                "the message has UTF-8 addresses or headers and {server} does not offer SMTPUTF8"
            ),
        ));
    }
    if message.eight_bit && !ext.eight_bit_mime {
        return Err(Error::new(
            ErrorKind::Refused,
            format!("the message has 8-bit data and {server} does not offer 8BITMIME"),
        ));
    }
    Ok(())
}

fn needs_smtputf8(envelope: &Envelope, message: &Outgoing) -> bool {
    message.utf8_headers
        || !envelope.from.is_ascii()
        || envelope.recipients.iter().any(|r| !r.is_ascii())
}

fn mail_command(
    ext: &Extensions,
    envelope: &Envelope,
    message: &Outgoing,
    opts: &Options,
    warnings: &mut Vec<String>,
) -> String {
    let mut cmd = format!("MAIL FROM:<{}>", envelope.from);
    if ext.size.is_some() {
        cmd.push_str(&format!(" SIZE={}", message.size));
    }
    if message.eight_bit && ext.eight_bit_mime {
        cmd.push_str(" BODY=8BITMIME");
    }
    if needs_smtputf8(envelope, message) && ext.smtputf8 {
        cmd.push_str(" SMTPUTF8");
    }
    if let Some(ret) = &opts.ret {
        if ext.dsn {
            cmd.push_str(&format!(" RET={ret}"));
        } else {
            warnings.push("the server does not offer DSN: --ret not sent".to_owned());
        }
    }
    if opts.notify.is_some() && !ext.dsn {
        warnings.push("the server does not offer DSN: --notify not sent".to_owned());
    }
    cmd
}

fn rcpt_params(ext: &Extensions, opts: &Options) -> String {
    match &opts.notify {
        Some(n) if ext.dsn => format!(" NOTIFY={n}"),
        _ => String::new(),
    }
}

fn recipient_result(address: &str, reply: &Reply) -> RecipientResult {
    let text = clean(&reply.text());
    let (enhanced, rest) = match enhanced_status(reply.code, &text) {
        Some((code, rest)) => (Some(code), rest),
        None => (None, text),
    };
    RecipientResult {
        address: address.to_owned(),
        accepted: matches!(reply.code, 250 | 251),
        code: reply.code,
        enhanced_status: enhanced,
        text: rest,
    }
}

/// QUIT politely; the message is already accepted, so errors here change nothing.
fn quit(conn: &mut Conn<Stream>) {
    if conn.send("QUIT").is_ok() {
        let _ = conn.read_reply();
    }
    conn.writer().close();
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::auth::Secret;
    use std::io::{BufRead, BufReader, Cursor, Write};
    use std::net::{TcpListener, TcpStream};

    /// A server that greets, answers EHLO without STARTTLS, and records every line after.
    fn plain_server() -> (u16, std::thread::JoinHandle<Vec<String>>) {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let handle = std::thread::spawn(move || {
            let (sock, _) = listener.accept().unwrap();
            let mut w = sock.try_clone().unwrap();
            let mut r = BufReader::new(sock);
            w.write_all(b"220 hi\r\n").unwrap();
            let mut seen = Vec::new();
            let mut line = String::new();
            while r.read_line(&mut line).unwrap_or(0) > 0 {
                seen.push(line.trim_end().to_owned());
                if line.starts_with("EHLO") {
                    w.write_all(b"250-peer\r\n250 AUTH PLAIN\r\n").unwrap();
                } else if line.starts_with("QUIT") {
                    w.write_all(b"221 bye\r\n").unwrap();
                }
                line.clear();
            }
            seen
        });
        (port, handle)
    }

    #[test]
    fn credentials_are_never_sent_in_clear_text_unless_allowed() {
        let (port, server) = plain_server();
        let stream = Stream::Plain(TcpStream::connect(("127.0.0.1", port)).unwrap());
        let tls = TlsContext::default();
        let peer = Peer {
            stream,
            host: "mail.example.org",
            server: "mail.example.org:25",
            tls: &tls,
            transcript: Transcript::off(),
            started: Instant::now(),
            connect_secs: 0.0,
        };
        let opts = Options {
            helo_name: "client".into(),
            user: Some("alice".into()),
            secret: Some(Secret::new("hunter2")),
            cleartext_auth_ok: false,
            handshake_timeout: Duration::from_secs(5),
            idle_timeout: Duration::from_secs(5),
            ..Options::default()
        };
        let envelope = Envelope {
            from: "a@example.org".into(),
            recipients: vec!["b@example.org".into()],
        };
        let source: Box<dyn super::super::message::Source> =
            Box::new(Cursor::new(b"Subject: x\r\n\r\nhi\r\n".to_vec()));
        let mut message = Outgoing::prepare(source, "client").unwrap();
        let err = send(peer, &envelope, Message::Ready(&mut message), &opts).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Tls);
        assert!(err.message().contains("--tls none"), "{}", err.message());
        let seen = server.join().unwrap();
        assert!(seen.iter().all(|l| !l.starts_with("AUTH")), "{seen:?}");
    }

    #[test]
    fn outcome_follows_the_recipients() {
        let r = |accepted, code| RecipientResult {
            address: "x".into(),
            accepted,
            code,
            enhanced_status: None,
            text: String::new(),
        };
        let mut report = Report {
            server: String::new(),
            tls: None,
            auth: None,
            message_id: None,
            size: 0,
            recipients: vec![r(true, 250), r(false, 550)],
            queue_reply: None,
            dry_run: false,
            timings: Timings::default(),
            warnings: Vec::new(),
        };
        assert_eq!(report.outcome(), Some(ErrorKind::Partial));
        report.recipients = vec![r(false, 450), r(false, 451)];
        assert_eq!(report.outcome(), Some(ErrorKind::Temporary));
        report.recipients = vec![r(false, 450), r(false, 550)];
        assert_eq!(report.outcome(), Some(ErrorKind::Refused));
        report.recipients = vec![r(true, 250)];
        assert_eq!(report.outcome(), None);
    }
}
