//! Self-tests of the mail-side harness (`util/{ca,accounts,dovecot,postfix,smtpsink,script}`)
//! without netkit's own SMTP/IMAP/POP3 clients: plain `TcpStream` dialogues, and a rustls
//! client (trusting only the test CA) for STARTTLS and implicit TLS. Each test starts its own
//! servers; everything is stopped and removed on drop.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use base64::Engine as _;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, ServerName};
use rustls::{ClientConfig, ClientConnection, StreamOwned};

use crate::util::accounts::{NKUSER1, NKUSER2};
use crate::util::ca::{CertKind, TestCa};
use crate::util::dovecot::Dovecot;
use crate::util::postfix::{
    LATER_RCPT, MailStack, Postfix, PostfixOptions, REFUSED_RCPT, lf_to_crlf, prepended_len,
};
use crate::util::script::{self, ScriptedPeer, Step, escape, expect, send};
use crate::util::smtpsink::{SinkOptions, SmtpSink};

// --- a tiny line client ----------------------------------------------------------------

enum Io {
    Plain(TcpStream),
    Tls(Box<StreamOwned<ClientConnection, TcpStream>>),
    Gone,
}

/// A line-oriented client for SMTP/IMAP/POP3 dialogues; keeps a transcript for failures.
struct Client {
    io: Io,
    buf: Vec<u8>,
    log: String,
}

fn tls_config(ca_pem: &Path) -> Arc<ClientConfig> {
    let mut roots = rustls::RootCertStore::empty();
    for c in CertificateDer::pem_file_iter(ca_pem).expect("CA PEM") {
        roots.add(c.expect("CA cert")).expect("add CA");
    }
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let cfg = ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .expect("versions")
        .with_root_certificates(roots)
        .with_no_client_auth();
    Arc::new(cfg)
}

/// Client-side TLS over `tcp`, handshake completed; Err = the handshake's error text.
fn tls_over(tcp: TcpStream, ca_pem: &Path, name: &str) -> Result<Io, String> {
    let name = ServerName::try_from(name.to_owned()).expect("server name");
    let conn = ClientConnection::new(tls_config(ca_pem), name).map_err(|e| e.to_string())?;
    let mut s = StreamOwned::new(conn, tcp);
    while s.conn.is_handshaking() {
        match s.conn.complete_io(&mut s.sock) {
            Ok((0, 0)) => return Err("EOF during handshake".into()),
            Ok(_) => {}
            Err(e) => return Err(e.to_string()),
        }
    }
    Ok(Io::Tls(Box::new(s)))
}

fn tcp(port: u16) -> TcpStream {
    let t = TcpStream::connect(("127.0.0.1", port)).expect("connect");
    t.set_read_timeout(Some(Duration::from_secs(10)))
        .expect("timeout");
    t
}

impl Client {
    fn plain(port: u16) -> Client {
        Client {
            io: Io::Plain(tcp(port)),
            buf: Vec::new(),
            log: String::new(),
        }
    }

    /// Implicit TLS to 127.0.0.1:port verifying `localhost` against `ca_pem`.
    fn tls(port: u16, ca_pem: &Path) -> Client {
        let io = tls_over(tcp(port), ca_pem, "localhost").expect("TLS handshake");
        Client {
            io,
            buf: Vec::new(),
            log: String::new(),
        }
    }

    fn starttls(&mut self, ca_pem: &Path, name: &str) -> Result<(), String> {
        let Io::Plain(t) = std::mem::replace(&mut self.io, Io::Gone) else {
            panic!("already TLS");
        };
        assert!(self.buf.is_empty(), "bytes after the STARTTLS reply");
        self.io = tls_over(t, ca_pem, name)?;
        self.log.push_str("(TLS)\n");
        Ok(())
    }

    fn send(&mut self, line: &str) {
        self.log.push_str(&format!("> {line}\n"));
        self.write(format!("{line}\r\n").as_bytes());
    }

    fn write(&mut self, data: &[u8]) {
        let r = match &mut self.io {
            Io::Plain(t) => t.write_all(data),
            Io::Tls(s) => s.write_all(data).and_then(|()| s.flush()),
            Io::Gone => panic!("closed"),
        };
        r.unwrap_or_else(|e| panic!("write failed: {e}\n{}", self.log));
    }

    fn line(&mut self) -> String {
        loop {
            if let Some(i) = self.buf.iter().position(|&b| b == b'\n') {
                let l: Vec<u8> = self.buf.drain(..=i).collect();
                let text = String::from_utf8_lossy(&l).trim_end().to_owned();
                self.log.push_str(&format!("< {text}\n"));
                return text;
            }
            let mut chunk = [0u8; 4096];
            let n = match &mut self.io {
                Io::Plain(t) => t.read(&mut chunk),
                Io::Tls(s) => s.read(&mut chunk),
                Io::Gone => Ok(0),
            }
            .unwrap_or_else(|e| panic!("read failed: {e}\n{}", self.log));
            assert!(n > 0, "server closed\n{}", self.log);
            self.buf.extend_from_slice(&chunk[..n]);
        }
    }

    /// One SMTP reply (multi-line joined with '\n'): (code, text).
    fn reply(&mut self) -> (u16, String) {
        let mut text = String::new();
        loop {
            let l = self.line();
            text.push_str(&l);
            text.push('\n');
            if l.as_bytes().get(3) != Some(&b'-') {
                let code = l.get(..3).and_then(|c| c.parse().ok()).unwrap_or(0);
                return (code, text);
            }
        }
    }

    /// IMAP: sends `TAG COMMAND`, returns the tagged status line (untagged ones skipped).
    fn tagged(&mut self, tag: &str, command: &str) -> String {
        self.send(&format!("{tag} {command}"));
        loop {
            let l = self.line();
            if l.starts_with(&format!("{tag} ")) {
                return l;
            }
        }
    }

    fn cmd(&mut self, line: &str) -> (u16, String) {
        self.send(line);
        self.reply()
    }

    /// Asserts the reply code, showing the whole dialogue otherwise.
    fn expect(&mut self, line: &str, code: u16) -> String {
        let (c, text) = self.cmd(line);
        assert_eq!(c, code, "{line:?} → {text:?}\n{}", self.log);
        text
    }
}

fn auth_plain(a: &crate::util::accounts::Account) -> String {
    let raw = format!("\0{}\0{}", a.user, a.pass);
    format!(
        "AUTH PLAIN {}",
        base64::engine::general_purpose::STANDARD.encode(raw)
    )
}

/// DATA bytes exactly as a client sends them (stuffed, with the final dot).
const MESSAGE: &[u8] = b"From: <a@client.example>\r\nTo: <x@netkit.test>\r\nSubject: exact\r\n\r\n\
line one\r\n..leading dot\r\n8-bit: caf\xc3\xa9\r\n\r\n.\r\n";

/// The same message after unstuffing, without the final dot line.
const UNSTUFFED: &[u8] =
    b"From: <a@client.example>\r\nTo: <x@netkit.test>\r\nSubject: exact\r\n\r\n\
line one\r\n.leading dot\r\n8-bit: caf\xc3\xa9\r\n\r\n";

fn deliver(c: &mut Client, from: &str, to: &[&str], data: &[u8]) {
    c.expect(&format!("MAIL FROM:<{from}> BODY=8BITMIME"), 250);
    for r in to {
        c.expect(&format!("RCPT TO:<{r}>"), 250);
    }
    c.expect("DATA", 354);
    c.write(data);
    let (code, text) = c.reply();
    assert_eq!(code, 250, "{text}\n{}", c.log);
}

// --- postfix ---------------------------------------------------------------------------

#[test]
fn postfix_relay_offers_extensions_and_stores_the_data_bytes() {
    let ca = TestCa::new();
    let pf = Postfix::start(&ca, PostfixOptions::default());
    let mut c = Client::plain(pf.relay_port());
    assert_eq!(c.reply().0, 220);
    let ehlo = c.expect("EHLO client.example", 250);
    for ext in [
        "PIPELINING",
        "8BITMIME",
        "DSN",
        "SMTPUTF8",
        "STARTTLS",
        "SIZE 10240000",
    ] {
        assert!(ehlo.contains(ext), "no {ext} in {ehlo}");
    }
    assert!(!ehlo.contains("AUTH"), "AUTH without SASL or TLS: {ehlo}");
    deliver(&mut c, "a@client.example", &["x@netkit.test"], MESSAGE);
    c.expect("QUIT", 221);
    let got = pf.wait_messages(1);
    assert_eq!(got.len(), 1);
    assert_eq!(
        got[0].as_sent(),
        UNSTUFFED,
        "stored {}\n{}",
        escape(&got[0].raw),
        pf.logs()
    );
    assert_eq!(got[0].delivered_to(), "x@netkit.test");
    assert!(pf.maillog().contains("status=sent"), "{}", pf.maillog());
}

#[test]
fn postfix_refuses_mapped_recipients_and_oversize_mail() {
    let ca = TestCa::new();
    let opts = PostfixOptions {
        message_size_limit: Some(2000),
        ..PostfixOptions::default()
    };
    let pf = Postfix::start(&ca, opts);
    let mut c = Client::plain(pf.relay_port());
    c.reply();
    let ehlo = c.expect("EHLO client.example", 250);
    assert!(ehlo.contains("SIZE 2000\n"), "{ehlo}");
    c.expect("MAIL FROM:<a@client.example> SIZE=5000", 552);
    // postfix 3.7 remembers the refused SIZE: MAIL without SIZE right after → 552 again.
    c.expect("MAIL FROM:<a@client.example>", 552);
    c.expect("RSET", 250);
    c.expect("MAIL FROM:<a@client.example>", 250);
    let refused = c.expect(&format!("RCPT TO:<{REFUSED_RCPT}>"), 550);
    assert!(refused.contains("5.1.1"), "{refused}");
    c.expect(&format!("RCPT TO:<{LATER_RCPT}>"), 450);
    c.expect("RCPT TO:<ok@netkit.test>", 250);
    c.expect("DATA", 354);
    let mut big = b"Subject: big\r\n\r\n".to_vec();
    big.extend(
        std::iter::repeat_n(b"0123456789".repeat(7), 40)
            .flat_map(|l| [l, b"\r\n".to_vec()].concat()),
    );
    big.extend_from_slice(b".\r\n");
    c.write(&big);
    let (code, text) = c.reply();
    assert_eq!(code, 552, "{text}");
    assert!(pf.messages_now().is_empty());
}

#[test]
fn mail_stack_submission_wants_starttls_then_auth_and_dovecot_sees_the_mail() {
    let stack = MailStack::start();
    let ca = stack.ca.ca_pem();
    let pf = &stack.postfix;
    let mut c = Client::plain(pf.submission_port());
    c.reply();
    let ehlo = c.expect("EHLO client.example", 250);
    assert!(!ehlo.contains("AUTH"), "{ehlo}");
    let refused = c.expect("MAIL FROM:<a@client.example>", 530);
    assert!(refused.contains("5.7.0"), "{refused}");
    c.expect("STARTTLS", 220);
    c.starttls(&ca, "localhost").expect("STARTTLS handshake");
    let ehlo = c.expect("EHLO client.example", 250);
    for m in ["PLAIN", "LOGIN", "CRAM-MD5", "SCRAM-SHA-1", "SCRAM-SHA-256"] {
        assert!(ehlo.contains(m), "no {m} in {ehlo}");
    }
    let bad = format!(
        "AUTH PLAIN {}",
        base64::engine::general_purpose::STANDARD.encode("\0nkuser2\0wrong")
    );
    c.expect(&bad, 535);
    c.expect(&auth_plain(&NKUSER2), 235);
    deliver(
        &mut c,
        "nkuser2@netkit.test",
        &["nkuser1@netkit.test"],
        MESSAGE,
    );
    c.expect("QUIT", 221);
    let got = pf.wait_messages(1);
    assert_eq!(got[0].as_sent(), UNSTUFFED, "{}", escape(&got[0].raw));
    assert!(
        got[0].path.starts_with(stack.dovecot.maildir(&NKUSER1)),
        "{}",
        got[0].path.display()
    );

    // No AUTH on submission: RCPT refused.
    let mut c = Client::plain(pf.submission_port());
    c.reply();
    c.expect("EHLO client.example", 250);
    c.expect("STARTTLS", 220);
    c.starttls(&ca, "127.0.0.1").expect("handshake by address");
    c.expect("EHLO client.example", 250);
    c.expect("MAIL FROM:<a@client.example>", 250);
    c.expect("RCPT TO:<nkuser1@netkit.test>", 554);

    // smtps: TLS first, then 220 and AUTH.
    let mut s = Client::tls(pf.smtps_port(), &ca);
    assert_eq!(s.reply().0, 220, "{}", s.log);
    s.expect("EHLO client.example", 250);
    s.expect(&auth_plain(&NKUSER1), 235);

    // dovecot reads the delivered message from the same Maildir.
    let mut i = Client::plain(stack.dovecot.imap_port());
    i.line();
    let l = i.tagged("a", "LOGIN nkuser1 nkuser1-pass");
    assert!(l.starts_with("a OK"), "{}", i.log);
    i.send("b SELECT INBOX");
    let mut exists = false;
    loop {
        let l = i.line();
        exists |= l == "* 1 EXISTS";
        if l.starts_with("b ") {
            assert!(l.starts_with("b OK"), "{}", i.log);
            break;
        }
    }
    assert!(exists, "{}", i.log);
}

// --- dovecot ---------------------------------------------------------------------------

#[test]
fn dovecot_serves_imap_pop3_and_their_tls_ports_without_auth_penalty() {
    let ca = TestCa::new();
    let dc = Dovecot::start(&ca);
    let mut i = Client::plain(dc.imap_port());
    assert!(i.line().starts_with("* OK"), "{}", i.log);
    i.send("a CAPABILITY");
    let caps = i.line();
    for m in [
        "AUTH=PLAIN",
        "AUTH=CRAM-MD5",
        "AUTH=SCRAM-SHA-256",
        "STARTTLS",
    ] {
        assert!(caps.contains(m), "no {m} in {caps}");
    }
    i.line();
    // Several failures in a row, answered at once (no 2→4→8 s penalty), then success.
    for tag in ["b", "c", "d"] {
        let l = i.tagged(tag, "LOGIN nkuser2 wrong");
        assert!(l.starts_with(&format!("{tag} NO")), "{}", i.log);
    }
    let login = format!("LOGIN {} \"{}\"", NKUSER2.user, NKUSER2.pass);
    assert!(i.tagged("e", &login).starts_with("e OK"), "{}", i.log);

    let mut p = Client::plain(dc.pop3_port());
    assert!(p.line().starts_with("+OK"));
    p.send("USER nkuser2");
    p.line();
    p.send(&format!("PASS {}", NKUSER2.pass));
    assert!(p.line().starts_with("+OK"), "{}", p.log);
    p.send("STAT");
    assert_eq!(p.line(), "+OK 0 0");

    let mut s = Client::tls(dc.imaps_port(), &ca.ca_pem());
    assert!(s.line().starts_with("* OK"), "{}", s.log);
    let mut s = Client::tls(dc.pop3s_port(), &ca.ca_pem());
    assert!(s.line().starts_with("+OK"), "{}", s.log);
    assert!(dc.sasl_socket().exists());
    assert!(dc.maildir(&NKUSER2).starts_with(dc.home(&NKUSER2)));
}

// --- aiosmtpd sink ---------------------------------------------------------------------

#[test]
fn smtpsink_keeps_the_exact_bytes_and_the_envelope() {
    let sink = SmtpSink::start(SinkOptions::default());
    let mut c = Client::plain(sink.port());
    assert_eq!(c.reply().0, 220);
    let ehlo = c.expect("EHLO client.example", 250);
    assert!(
        ehlo.contains("SMTPUTF8") && ehlo.contains("8BITMIME"),
        "{ehlo}"
    );
    assert!(
        !ehlo.contains("STARTTLS") && !ehlo.contains("AUTH"),
        "{ehlo}"
    );
    c.expect("MAIL FROM:<a@client.example> BODY=8BITMIME SMTPUTF8", 250);
    c.expect("RCPT TO:<x@netkit.test>", 250);
    c.expect(&format!("RCPT TO:<{REFUSED_RCPT}>"), 550);
    c.expect(&format!("RCPT TO:<{LATER_RCPT}>"), 450);
    c.expect("RCPT TO:<y@netkit.test>", 250);
    c.expect("DATA", 354);
    c.write(MESSAGE);
    assert_eq!(c.reply().0, 250, "{}", c.log);
    c.expect("QUIT", 221);
    let got = sink.wait_messages(1);
    let (eml, meta) = &got[0];
    assert_eq!(eml, UNSTUFFED, "{}", escape(eml));
    assert_eq!(meta["helo"], "client.example");
    assert_eq!(meta["tls"], false);
    assert_eq!(meta["auth"], serde_json::Value::Null);
    assert_eq!(meta["mail_from"], "a@client.example");
    assert_eq!(
        meta["mail_options"],
        serde_json::json!(["BODY=8BITMIME", "SMTPUTF8"])
    );
    assert_eq!(
        meta["rcpt_tos"],
        serde_json::json!(["x@netkit.test", "y@netkit.test"])
    );
}

#[test]
fn smtpsink_with_starttls_and_auth_records_both() {
    let ca = TestCa::new();
    let sink = SmtpSink::start(SinkOptions {
        tls: Some(ca.cert(CertKind::Good)),
        require_starttls: true,
        auth: true,
        data_size_limit: Some(100_000),
        ..SinkOptions::default()
    });
    let mut c = Client::plain(sink.port());
    c.reply();
    let ehlo = c.expect("EHLO client.example", 250);
    assert!(
        ehlo.contains("STARTTLS") && ehlo.contains("SIZE 100000"),
        "{ehlo}"
    );
    c.expect("MAIL FROM:<a@client.example>", 530);
    c.expect("STARTTLS", 220);
    c.starttls(&ca.ca_pem(), "localhost").expect("handshake");
    let ehlo = c.expect("EHLO client.example", 250);
    assert!(ehlo.contains("AUTH LOGIN PLAIN"), "{ehlo}");
    c.expect(&auth_plain(&NKUSER2), 235);
    deliver(&mut c, "nkuser2@netkit.test", &["x@netkit.test"], MESSAGE);
    let (_, meta) = &sink.wait_messages(1)[0];
    assert_eq!(meta["tls"], true, "{meta}");
    assert_eq!(meta["auth"]["user"], NKUSER2.user, "{meta}");
    assert_eq!(meta["auth"]["mechanism"], "PLAIN", "{meta}");
}

// --- scripted peer ---------------------------------------------------------------------

#[test]
fn scripted_peer_plays_a_dialogue_and_records_the_client() {
    let peer = ScriptedPeer::start(vec![
        send("220 scripted ESMTP\r\n"),
        expect("EHLO "),
        send("250 ok\r\n"),
        expect("DATA"),
        send("354 go\r\n"),
        Step::ReadUntilDot,
        send("250 queued\r\n"),
        Step::ExpectClose,
    ]);
    let mut c = Client::plain(peer.port());
    c.reply();
    c.expect("EHLO me", 250);
    c.expect("DATA", 354);
    c.write(b"a\r\n..b\r\n.\r\n");
    assert_eq!(c.reply().0, 250);
    drop(c);
    let t = peer.assert_ok();
    assert_eq!(
        t,
        vec![
            b"EHLO me\r\n".to_vec(),
            b"DATA\r\n".to_vec(),
            b"a\r\n..b\r\n.\r\n".to_vec()
        ]
    );
}

#[test]
fn scripted_peer_reports_a_mismatch_readably() {
    let peer = ScriptedPeer::start(vec![send("220 hi\r\n"), expect("HELO")]);
    let mut c = Client::plain(peer.port());
    c.reply();
    c.send("EHLO \x01me");
    let err = peer.finish().expect_err("mismatch");
    assert!(err.contains(r#"got "EHLO \x01me\r\n""#), "{err}");
}

#[test]
fn scripted_peer_tls_verifies_with_the_ca_and_rejects_bad_certificates() {
    let ca = TestCa::new();
    let opts = || script::ScriptOptions {
        ca: Some(&ca),
        ..Default::default()
    };
    let good = ScriptedPeer::start_with(
        vec![
            send("220 ready\r\n"),
            expect("STARTTLS"),
            send("220 go ahead\r\n"),
            Step::StartTls(CertKind::Good),
            expect("EHLO tls"),
            send("250 fine\r\n"),
        ],
        opts(),
    );
    let mut c = Client::plain(good.port());
    c.reply();
    c.expect("STARTTLS", 220);
    c.starttls(&ca.ca_pem(), "localhost").expect("good cert");
    c.expect("EHLO tls", 250);
    good.assert_ok();

    for (kind, name, why) in [
        (CertKind::WrongName, "localhost", "not valid for name"),
        (CertKind::SelfSigned, "localhost", "UnknownIssuer"),
        (CertKind::Good, "wrong.example", "not valid for name"),
    ] {
        let peer = ScriptedPeer::start_with(vec![Step::StartTlsRejected(kind)], opts());
        let err = match tls_over(tcp(peer.port()), &ca.ca_pem(), name) {
            Ok(_) => panic!("{kind:?} accepted for {name}"),
            Err(e) => e,
        };
        assert!(err.contains(why), "{kind:?}/{name}: {err}");
        peer.assert_ok();
    }

    let garbage = ScriptedPeer::start(vec![Step::TlsGarbage, Step::ExpectClose]);
    let err = match tls_over(tcp(garbage.port()), &ca.ca_pem(), "localhost") {
        Ok(_) => panic!("garbage accepted"),
        Err(e) => e,
    };
    assert!(!err.is_empty());
    garbage.assert_ok();
}

#[test]
fn scripted_peer_stall_and_endless_line_end_when_the_client_leaves() {
    // The client leaves during a 60 s stall: finish() returns as soon as it notices.
    let stall = ScriptedPeer::start(vec![
        send("220 hi\r\n"),
        Step::Stall(Duration::from_secs(60)),
    ]);
    let mut c = Client::plain(stall.port());
    c.reply();
    drop(c);
    stall.assert_ok();

    // An endless line: read a bounded amount, then leave.
    let endless = ScriptedPeer::start(vec![Step::SendEndless]);
    let mut t = tcp(endless.port());
    let mut seen = 0;
    let mut chunk = [0u8; 65536];
    while seen < 300_000 {
        let n = t.read(&mut chunk).expect("endless read");
        assert!(n > 0 && !chunk[..n].contains(&b'\n'));
        seen += n;
    }
    drop(t);
    endless.assert_ok();
}

#[test]
fn scripted_peer_serves_several_connections_and_fails_a_missing_one() {
    let steps = vec![send("+OK hi\r\n"), expect("QUIT"), send("+OK bye\r\n")];
    let opts = |n| script::ScriptOptions {
        connections: n,
        ..Default::default()
    };
    let two = ScriptedPeer::start_with(steps.clone(), opts(2));
    for _ in 0..2 {
        let mut c = Client::plain(two.port());
        c.line();
        c.send("QUIT");
        assert_eq!(c.line(), "+OK bye");
    }
    assert_eq!(two.assert_ok().len(), 2);

    let three = ScriptedPeer::start_with(steps, opts(3));
    let mut c = Client::plain(three.port());
    c.line();
    c.send("QUIT");
    c.line();
    let err = three.finish().expect_err("only one of three connections");
    assert!(
        err.contains("connection 2: the client never connected"),
        "{err}"
    );
}

// --- pure helpers ----------------------------------------------------------------------

#[test]
fn prepended_headers_are_cut_exactly() {
    let raw = b"Return-Path: <a@b>\nX-Original-To: x@y\nDelivered-To: x@y\n\
Received: from c (localhost [127.0.0.1])\n\tby mail.netkit.test (Postfix)\n\
Received: kept\nSubject: s\n\nbody\n";
    let cut = prepended_len(raw);
    assert_eq!(&raw[cut..], b"Received: kept\nSubject: s\n\nbody\n");
    assert_eq!(lf_to_crlf(b"a\nb\n"), b"a\r\nb\r\n");
}
