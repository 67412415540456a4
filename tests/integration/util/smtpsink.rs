//! The byte-exact SMTP sink: `tests/data/smtpsink.py` around aiosmtpd 1.4 (Debian package
//! `python3-aiosmtpd`, run with `/usr/bin/python3` as PEERS.md says), on 127.0.0.1 and ::1
//! at a port the harness picks. Postfix rewrites what it stores (LF, prepended headers,
//! `Bcc:`/`Return-Path:` removed); this sink keeps exactly the DATA bytes after unstuffing.
//!
//! * `SMTP(decode_data=False, enable_SMTPUTF8=True, auth_require_tls=False)`; EHLO offers
//!   `SIZE 8BITMIME SMTPUTF8` + `STARTTLS` with [`SinkOptions::tls`] + `AUTH LOGIN PLAIN`
//!   with [`SinkOptions::auth`] (both test accounts). No PIPELINING, CHUNKING or DSN.
//! * Message N is `N.eml` (CRLF kept, final `.` line not included) then `N.json`, each
//!   written to a temp name and renamed, so [`SmtpSink::wait_messages`] waits for the JSON.
//!   JSON keys: `helo`, `esmtp`, `tls`, `auth` (`{user, mechanism}` or null), `mail_from`,
//!   `mail_options`, `rcpt_tos`, `rcpt_options` (one list per accepted recipient),
//!   `smtp_utf8`.
//! * Like postfix ([`super::postfix::REFUSED_RCPT`]), `refused@netkit.test` gets 550 and
//!   `later@netkit.test` 450 at RCPT, for partial-delivery tests.
//! * Quirks (aiosmtpd): MAIL/RCPT parameters are upper-cased; any RCPT parameter, or a MAIL
//!   parameter other than SIZE/BODY/SMTPUTF8, gets `555 … not recognized`; a line over 1000
//!   bytes gets `500 Line too long (see RFC5321 4.5.3.1.6)`; AUTH CRAM-MD5 is not offered.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use super::accounts;
use super::ca::CertFiles;
use super::peer::{Peer, Readiness, StateDir, require_binary};
use super::postfix::{LATER_RCPT, REFUSED_RCPT};

/// How to run the sink.
#[derive(Debug, Clone, Default)]
pub struct SinkOptions {
    /// Offer STARTTLS with this certificate (e.g. `ca.cert(CertKind::Good)`).
    pub tls: Option<CertFiles>,
    /// `530 Must issue a STARTTLS command first` to everything but EHLO/NOOP/QUIT/STARTTLS.
    pub require_starttls: bool,
    /// Offer AUTH PLAIN and LOGIN, checked against both test accounts.
    pub auth: bool,
    /// `530 Authentication required` for MAIL/RCPT/DATA before AUTH.
    pub auth_required: bool,
    /// SIZE limit in bytes (aiosmtpd default 32 MiB): larger DATA gets `552`.
    pub data_size_limit: Option<usize>,
}

/// A running sink; stopped on drop.
pub struct SmtpSink {
    peer: Peer,
    dir: StateDir,
}

fn script() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/smtpsink.py")
}

impl SmtpSink {
    /// Starts the sink (~0.3 s, Python start-up); panics with its log when it cannot.
    pub fn start(options: SinkOptions) -> SmtpSink {
        let python = require_binary("/usr/bin/python3", "python3");
        require_binary(
            "/usr/lib/python3/dist-packages/aiosmtpd/smtp.py",
            "python3-aiosmtpd",
        );
        assert!(
            !options.require_starttls || options.tls.is_some(),
            "SinkOptions: require_starttls needs tls"
        );
        // Messages live outside the peer's StateDir, which a port-race retry replaces.
        let dir = StateDir::new("smtpsink-msgs");
        let msgs = dir.path().to_owned();
        let peer = Peer::start(
            "smtpsink",
            StateDir::new("smtpsink"),
            |port, state| {
                let (cert, key) = match &options.tls {
                    Some(f) => {
                        let (c, k) = (state.join("server.pem"), state.join("server.key"));
                        fs::copy(&f.cert, &c).expect("copy sink cert");
                        fs::copy(&f.key, &k).expect("copy sink key");
                        (Some(c), Some(k))
                    }
                    None => (None, None),
                };
                let users: serde_json::Map<String, serde_json::Value> = if options.auth {
                    accounts::ALL
                        .iter()
                        .map(|a| (a.user.to_owned(), a.pass.into()))
                        .collect()
                } else {
                    serde_json::Map::new()
                };
                let config = serde_json::json!({
                    "port": port,
                    "dir": msgs,
                    "hostname": "sink.netkit.test",
                    "cert": cert,
                    "key": key,
                    "require_starttls": options.require_starttls,
                    "users": users,
                    "auth_required": options.auth_required,
                    "data_size_limit": options.data_size_limit,
                    "refuse": {
                        REFUSED_RCPT: "550 5.1.1 refused by the netkit test map",
                        LATER_RCPT: "450 4.2.0 try later (netkit test map)",
                    },
                });
                let conf = state.join("smtpsink.json");
                fs::write(&conf, config.to_string()).expect("write smtpsink.json");
                let mut cmd = Command::new(&python);
                cmd.arg("-u").arg(script()).arg(&conf);
                cmd
            },
            |port| Readiness {
                tcp: vec![
                    ([127, 0, 0, 1], port).into(),
                    (std::net::Ipv6Addr::LOCALHOST, port).into(),
                ],
                ..Readiness::default()
            },
        );
        SmtpSink { peer, dir }
    }

    pub fn port(&self) -> u16 {
        self.peer.port()
    }

    /// Where `N.eml`/`N.json` are written.
    pub fn dir(&self) -> &Path {
        self.dir.path()
    }

    /// Every complete message so far, in arrival order: (exact DATA bytes, metadata).
    pub fn messages_now(&self) -> Vec<(Vec<u8>, serde_json::Value)> {
        let mut out = Vec::new();
        for n in 1.. {
            let base = self.dir.path().join(n.to_string());
            let Ok(meta) = fs::read(base.with_extension("json")) else {
                break;
            };
            let eml = fs::read(base.with_extension("eml"))
                .unwrap_or_else(|e| panic!("{n}.json without {n}.eml: {e}"));
            let meta = serde_json::from_slice(&meta)
                .unwrap_or_else(|e| panic!("{n}.json is not JSON: {e}\n{}", self.logs()));
            out.push((eml, meta));
        }
        out
    }

    /// Waits (≤ 10 s) until at least `n` messages arrived and returns them all; panics with
    /// the sink's log on timeout.
    pub fn wait_messages(&self, n: usize) -> Vec<(Vec<u8>, serde_json::Value)> {
        super::peer::wait_for_count(
            n,
            "smtpsink: messages",
            || self.messages_now(),
            || self.logs(),
        )
    }

    /// The sink's log (aiosmtpd logs every command at INFO).
    pub fn logs(&self) -> String {
        self.peer.logs()
    }

    pub fn peer(&mut self) -> &mut Peer {
        &mut self.peer
    }
}
