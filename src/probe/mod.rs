//! Probe mode (issue 18): every client command's `--check` goes through here. A probe is a
//! sequence of phases (connect, tls, greeting, auth, request, quit) timed by a [`Recorder`]
//! that the protocol sessions mark as they go (through their transcript, so no session grows
//! a second hook), the facts a monitor wants (the greeting, the negotiated TLS and the
//! server certificate, parsed in [`cert`]), the verdict of the user's checks (`--cert-days`,
//! `--expect`, `--warn-ms`, `--crit-ms`) and the three output forms of [`format`]: one text
//! line, a JSON document, and the monitoring-plugins line (Nagios, Icinga, Naemon, Sensu).
//!
//! Printing-free: the front end (`cli::probe`) writes what [`format`] returns.

pub mod cert;
pub mod format;
pub mod http;
mod verdict;

use std::net::{Shutdown, TcpStream};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use crate::net::{self, ConnectOptions, Stream, Target, TlsContext, scheme};
use crate::{Error, ErrorKind};

pub use cert::CertFacts;
pub use verdict::{Checks, Failure, Report, Status, judge};

/// One step of a probe, in the order they happen. A protocol without a greeting (HTTP,
/// Gopher, the time protocols) goes from connect (and tls) straight to request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    Connect,
    Tls,
    Greeting,
    Auth,
    Request,
    Quit,
}

impl Phase {
    pub fn name(self) -> &'static str {
        match self {
            Phase::Connect => "connect",
            Phase::Tls => "tls",
            Phase::Greeting => "greeting",
            Phase::Auth => "auth",
            Phase::Request => "request",
            Phase::Quit => "quit",
        }
    }
}

/// How long one phase took, and whether it passed (only the last one run can fail).
#[derive(Debug, Clone, PartialEq)]
pub struct PhaseTime {
    pub phase: Phase,
    pub ms: f64,
    pub ok: bool,
}

/// What a TLS connection negotiated and the certificate the server showed.
#[derive(Debug, Clone, PartialEq)]
pub struct TlsFacts {
    /// None when the handshake did not finish (the certificate may still be known).
    pub version: Option<String>,
    pub cipher: Option<String>,
    /// The leaf certificate, when it parsed.
    pub cert: Option<CertFacts>,
}

/// The most lines of server text kept for `--expect` (each cut to [`MAX_LINE`] bytes).
pub const MAX_LINES: usize = 256;
pub const MAX_LINE: usize = 1024;

#[derive(Debug)]
struct Log {
    began: Instant,
    /// Each phase and when it began; a phase ends when the next begins.
    marks: Vec<(Phase, Instant)>,
    greeting: Option<String>,
    lines: Vec<String>,
    tls: Option<TlsFacts>,
    /// The phase watch ([`Recorder::watch`]): on until the probe finishes.
    watching: bool,
    /// The phase the watch cut short, its limit, and the server's `host:port`.
    overran: Option<Overrun>,
    /// What the watch bounds phases by: `-t`, `--connect-timeout`, the server.
    limits: Option<(Duration, Duration, String)>,
    /// `--cert-days` was given: a connection that cannot be TLS is refused before it is made.
    wants_cert: bool,
    /// Where the connection's TLS context notes the server's certificate, verified or not.
    seen: Option<crate::net::tls::SeenCertificate>,
}

#[derive(Debug)]
struct Shared {
    log: Mutex<Log>,
    /// Wakes the phase watch when the probe finishes.
    wake: Condvar,
}

/// A phase that ran past its limit: the watch shut the connection down.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Overrun {
    pub phase: Phase,
    pub limit: Duration,
    pub server: String,
}

impl Overrun {
    /// The error the probe ends with: a timeout (5), whatever the cut connection made the
    /// session report.
    pub fn error(&self) -> Error {
        let flag = match self.phase {
            Phase::Connect | Phase::Tls => "--connect-timeout or --timeout",
            _ => "--timeout",
        };
        Error::new(
            ErrorKind::Timeout,
            format!(
                "{}: timed out: the {} phase took longer than {} (raise {flag})",
                self.server,
                self.phase.name(),
                crate::net::wait::seconds(self.limit)
            ),
        )
    }
}

/// The probe's clock and notebook, shared between the front end and the session it drives
/// (a clone travels in the session's transcript). Off by default: then every call is a no-op,
/// so sessions mark their phases unconditionally at no cost to ordinary commands.
#[derive(Debug, Clone, Default)]
pub struct Recorder(Option<Arc<Shared>>);

impl Recorder {
    /// A recorder, on; its clock starts with the first phase (connect), so what a command
    /// does before connecting (reading a password file) is neither timed nor a phase.
    pub fn start() -> Self {
        Recorder(Some(Arc::new(Shared {
            log: Mutex::new(Log {
                began: Instant::now(),
                marks: Vec::new(),
                greeting: None,
                lines: Vec::new(),
                tls: None,
                watching: false,
                overran: None,
                limits: None,
                wants_cert: false,
                seen: None,
            }),
            wake: Condvar::new(),
        })))
    }

    /// `--cert-days` was given: [`open`] refuses a connection that cannot show a
    /// certificate (a scheme without TLS, or `--tls none`), before connecting.
    pub fn want_certificate(&self) {
        self.with(|log| log.wants_cert = true);
    }

    fn wants_certificate(&self) -> bool {
        self.with(|log| log.wants_cert).unwrap_or(false)
    }

    pub fn is_on(&self) -> bool {
        self.0.is_some()
    }

    fn with<R>(&self, f: impl FnOnce(&mut Log) -> R) -> Option<R> {
        let shared = self.0.as_ref()?;
        Some(f(&mut lock(&shared.log)))
    }

    /// Bounds every phase from now on as a whole: `-t` (`idle`) each, and the connect and
    /// tls phases `handshake` (`--connect-timeout`, the budget of resolve, connect and TLS
    /// handshake) on top. A server that trickles a multi-line reply (CAPA, an IMAP
    /// untagged response, a Gopher menu, HTTP headers) a line at a time never lets a socket
    /// timeout fire, and no cap on lines is short enough to end the probe in time; a probe
    /// must end within its timeout, as a plugin's alarm ends check_imap. When a phase
    /// runs out, the watch shuts `socket` (a clone of the connection's) down, which ends
    /// any blocked read at once, and [`Recorder::overrun`] says why. Ends with the probe.
    pub fn watch(&self, socket: TcpStream, idle: Duration, handshake: Duration, server: &str) {
        let Some(shared) = self.0.clone() else {
            return;
        };
        {
            let mut log = lock(&shared.log);
            if log.watching {
                return;
            }
            log.watching = true;
            log.limits = Some((idle, handshake, server.to_owned()));
        }
        let server = server.to_owned();
        let watched = shared.clone();
        let spawned = std::thread::Builder::new()
            .name("probe-phases".into())
            .spawn(move || {
                let shared = watched;
                let mut log = lock(&shared.log);
                while log.watching {
                    let Some(&(phase, began)) = log.marks.last() else {
                        return;
                    };
                    let limit = phase_limit(phase, idle, handshake);
                    let left = (began + limit).saturating_duration_since(Instant::now());
                    if left.is_zero() {
                        log.overran = Some(Overrun {
                            phase,
                            limit,
                            server,
                        });
                        log.watching = false;
                        let _ = socket.shutdown(Shutdown::Both);
                        return;
                    }
                    // Woken early by the end of the probe; a new phase is seen on waking.
                    log = shared
                        .wake
                        .wait_timeout(log, left)
                        .map_or_else(|e| e.into_inner().0, |(g, _)| g);
                }
            });
        if spawned.is_err() {
            lock(&shared.log).watching = false;
        }
    }

    /// Keeps the handle where `tls` notes the server's certificate: when the handshake
    /// fails on it (expired, wrong name, unknown issuer), the record still has its facts.
    pub fn see_certificates(&self, tls: &crate::net::TlsContext) {
        self.with(|log| log.seen = Some(tls.seen_certificate()));
    }

    /// The phase the watch cut short, if it did.
    pub fn overrun(&self) -> Option<Overrun> {
        self.with(|log| log.overran.clone()).flatten()
    }

    /// The phase under way, when it has run past its limit by now though the watch has
    /// not cut it yet: a session whose own timeout (a step of the line layer, begun inside
    /// the phase) ran out an instant after the phase did, and woke before the watch.
    pub fn overrun_by_now(&self) -> Option<Overrun> {
        self.with(|log| {
            let (idle, handshake, server) = log.limits.as_ref()?;
            let &(phase, began) = log.marks.last()?;
            let limit = phase_limit(phase, *idle, *handshake);
            (began.elapsed() >= limit).then(|| Overrun {
                phase,
                limit,
                server: server.clone(),
            })
        })
        .flatten()
    }

    /// `phase` begins now (and the one before it ends). Marking the current phase again
    /// changes nothing.
    pub fn phase(&self, phase: Phase) {
        let began = self.with(|log| {
            let now = Instant::now();
            if log.marks.is_empty() {
                log.began = now;
            }
            let new = log.marks.last().map(|m| m.0) != Some(phase);
            if new {
                log.marks.push((phase, now));
            }
            new && log.watching
        });
        // The watch sleeps until the phase before runs out (connect: --connect-timeout
        // and -t): woken now, it bounds this one by its own, shorter, limit.
        if let (Some(true), Some(shared)) = (began, &self.0) {
            shared.wake.notify_all();
        }
    }

    /// The phase under way.
    pub fn current(&self) -> Option<Phase> {
        self.with(|log| log.marks.last().map(|m| m.0)).flatten()
    }

    /// A line the server sent: the first is the greeting; all are kept (bounded) for
    /// `--expect`. Control characters are kept out, and so are secrets a server might echo.
    pub fn received(&self, line: &[u8]) {
        self.with(|log| {
            if log.lines.len() >= MAX_LINES && log.greeting.is_some() {
                return;
            }
            let cut = &line[..line.len().min(MAX_LINE)];
            let text = String::from_utf8_lossy(cut);
            let text = crate::auth::secret::mask_secrets(text.trim_end_matches(['\r', '\n']));
            let text = crate::proto::pingpong::reply::clean(&text);
            if log.greeting.is_none() {
                log.greeting = Some(text.clone());
            }
            if log.lines.len() < MAX_LINES {
                log.lines.push(text);
            }
        });
    }

    /// Sets the line shown as the greeting (a protocol whose first bytes are not one: NTP,
    /// a time reply, telnet after negotiation).
    pub fn set_greeting(&self, text: &str) {
        let text = crate::proto::pingpong::reply::clean(text);
        self.with(|log| {
            log.greeting = Some(text.clone());
            if log.lines.len() < MAX_LINES {
                log.lines.push(text);
            }
        });
    }

    /// A TLS handshake finished on `stream`: its version, cipher and leaf certificate.
    pub fn tls_established(&self, stream: &Stream) {
        if !self.is_on() {
            return;
        }
        let Some(info) = stream.tls_info() else {
            return;
        };
        let cert = stream
            .peer_certificate()
            .and_then(|der| cert::parse(&der).ok());
        self.with(|log| {
            log.tls = Some(TlsFacts {
                version: Some(info.version),
                cipher: Some(info.cipher),
                cert,
            });
        });
    }

    /// What was recorded, with the phase under way ending now; `failed` marks it failed.
    /// The phase watch ends here.
    pub fn finish(&self, failed: bool) -> Record {
        let end = Instant::now();
        if let Some(shared) = &self.0 {
            lock(&shared.log).watching = false;
            shared.wake.notify_all();
        }
        self.with(|log| {
            if log.tls.is_none() {
                let der = log
                    .seen
                    .as_ref()
                    .and_then(|seen| seen.lock().ok().and_then(|d| d.clone()));
                if let Some(der) = der {
                    log.tls = Some(TlsFacts {
                        version: None,
                        cipher: None,
                        cert: cert::parse(&der).ok(),
                    });
                }
            }
            let mut phases = Vec::with_capacity(log.marks.len());
            for (i, (phase, began)) in log.marks.iter().enumerate() {
                let ended = log.marks.get(i + 1).map_or(end, |m| m.1);
                let last = i + 1 == log.marks.len();
                phases.push(PhaseTime {
                    phase: *phase,
                    ms: ms(ended.saturating_duration_since(*began)),
                    ok: !(last && failed),
                });
            }
            Record {
                phases,
                total_ms: ms(end.saturating_duration_since(log.began)),
                greeting: log.greeting.clone(),
                lines: log.lines.clone(),
                tls: log.tls.clone(),
            }
        })
        .unwrap_or_default()
    }
}

/// How long `phase` may take: `-t`, and the connect and tls phases `--connect-timeout` on top.
fn phase_limit(phase: Phase, idle: Duration, handshake: Duration) -> Duration {
    match phase {
        Phase::Connect | Phase::Tls => handshake.saturating_add(idle),
        _ => idle,
    }
}

fn lock(log: &Mutex<Log>) -> MutexGuard<'_, Log> {
    log.lock().unwrap_or_else(PoisonError::into_inner)
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// What a recorder saw.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Record {
    pub phases: Vec<PhaseTime>,
    pub total_ms: f64,
    pub greeting: Option<String>,
    pub lines: Vec<String>,
    pub tls: Option<TlsFacts>,
}

/// Connects to `target` for a probe: resolve and TCP connect (the connect phase), then the
/// handshake of an implicit-TLS scheme (the tls phase), with its facts recorded. The same
/// budgets as [`net::open`]: the connect timeout covers both, `-t` bounds each read after.
pub fn open(
    target: &Target,
    opts: &ConnectOptions,
    idle: Duration,
    tls: &TlsContext,
    recorder: &Recorder,
) -> Result<Stream, Error> {
    let no_tls = match target.scheme.tls {
        scheme::TlsStyle::None => true,
        scheme::TlsStyle::Upgrade => tls.policy == net::TlsPolicy::Never,
        scheme::TlsStyle::Implicit => false,
    };
    if no_tls && recorder.wants_certificate() {
        return Err(Error::usage(format!(
            "--cert-days needs TLS, and {}:// {}: use {}",
            target.scheme.name,
            if target.scheme.tls == scheme::TlsStyle::None {
                "has none"
            } else {
                "with --tls none has none"
            },
            if target.scheme.tls == scheme::TlsStyle::None {
                format!("{}s://", target.scheme.name)
            } else {
                "--tls auto or required, or the implicit-TLS scheme".to_owned()
            }
        )));
    }
    recorder.see_certificates(tls);
    recorder.phase(Phase::Connect);
    let connected = net::connect(&target.host, target.port, opts)?;
    let stream = Stream::Plain(connected.stream);
    let _ = stream.set_nodelay();
    stream
        .set_idle_timeout(idle)
        .map_err(|e| Error::new(ErrorKind::LocalIo, e.to_string()))?;
    let socket = stream.try_clone_socket().map_err(|e| {
        Error::new(
            ErrorKind::LocalIo,
            format!("socket: {}", crate::error::io_words(&e)),
        )
    })?;
    recorder.watch(socket, idle, opts.connect_timeout, &target.authority());
    if target.scheme.tls != scheme::TlsStyle::Implicit {
        return Ok(stream);
    }
    recorder.phase(Phase::Tls);
    let stream = stream.upgrade(
        &target.host,
        tls.config()?,
        connected.handshake_deadline,
        idle,
    )?;
    recorder.tls_established(&stream);
    Ok(stream)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(total_ms: f64, lines: &[&str], days_left: Option<i64>) -> Record {
        Record {
            phases: vec![PhaseTime {
                phase: Phase::Connect,
                ms: total_ms,
                ok: true,
            }],
            total_ms,
            greeting: lines.first().map(|s| (*s).to_owned()),
            lines: lines.iter().map(|s| (*s).to_owned()).collect(),
            tls: days_left.map(|d| TlsFacts {
                version: Some("TLSv1.3".into()),
                cipher: Some("TLS13_AES_256_GCM_SHA384".into()),
                cert: Some(CertFacts {
                    subject: "CN=localhost".into(),
                    issuer: "CN=netkit test CA".into(),
                    sans: vec!["localhost".into()],
                    not_after: "2026-12-12T00:00:00Z".into(),
                    seconds_left: d * 86_400 - 60,
                }),
            }),
        }
    }

    fn judged(r: Record, checks: Checks) -> Report {
        judge("smtp://h:25".into(), "SMTP", r, None, checks)
    }

    #[test]
    fn cert_days_fails_only_inside_the_window() {
        let five = || record(3.0, &["220 hi"], Some(5));
        let r = judged(
            five(),
            Checks {
                cert_days: Some(7),
                ..Checks::default()
            },
        );
        assert_eq!(
            (r.failed_kind(), r.status),
            (Some(ErrorKind::CheckFailed), Status::Critical)
        );
        assert!(r.failure.unwrap().message.contains("expires in 4 days"));
        let r = judged(
            five(),
            Checks {
                cert_days: Some(3),
                ..Checks::default()
            },
        );
        assert_eq!((r.failed_kind(), r.status), (None, Status::Ok));
        let r = judged(
            record(3.0, &["220 hi"], Some(0)),
            Checks {
                cert_days: Some(1),
                ..Checks::default()
            },
        );
        assert!(r.failure.unwrap().message.contains("expired"));
    }

    #[test]
    fn cert_days_without_tls_is_a_failed_check() {
        let r = judged(
            record(3.0, &["220 hi"], None),
            Checks {
                cert_days: Some(7),
                ..Checks::default()
            },
        );
        assert_eq!(r.failed_kind(), Some(ErrorKind::CheckFailed));
    }

    #[test]
    fn expect_looks_at_greeting_and_replies() {
        let lines = &["220 mx ESMTP Postfix", "250-mx", "250 SMTPUTF8"];
        for (text, code) in [("Postfix", 0), ("SMTPUTF8", 0), ("Exim", 10)] {
            let r = judged(
                record(3.0, lines, None),
                Checks {
                    expect: vec![text.into()],
                    ..Checks::default()
                },
            );
            assert_eq!(r.failed_kind().is_some(), code == 10, "{text}");
        }
    }

    #[test]
    fn response_time_thresholds() {
        let checks = Checks {
            warn_ms: Some(10.0),
            crit_ms: Some(20.0),
            ..Checks::default()
        };
        let r = judged(record(5.0, &[], None), checks.clone());
        assert_eq!((r.status, r.failed_kind()), (Status::Ok, None));
        let r = judged(record(15.0, &[], None), checks.clone());
        assert_eq!((r.status, r.failed_kind()), (Status::Warning, None));
        let r = judged(record(25.0, &[], None), checks);
        assert_eq!(
            (r.status, r.failed_kind()),
            (Status::Critical, Some(ErrorKind::CheckFailed))
        );
    }

    #[test]
    fn a_session_error_decides_before_any_check() {
        for (kind, status) in [
            (ErrorKind::Connect, Status::Critical),
            (ErrorKind::Timeout, Status::Critical),
            (ErrorKind::Auth, Status::Critical),
            (ErrorKind::Usage, Status::Unknown),
        ] {
            let r = judge(
                "imap://h".into(),
                "IMAP",
                record(1.0, &[], Some(1)),
                Some((Some(Phase::Auth), Error::new(kind, "x"))),
                Checks {
                    cert_days: Some(30),
                    ..Checks::default()
                },
            );
            assert_eq!((r.failed_kind(), r.status), (Some(kind), status));
        }
    }

    #[test]
    fn recorder_times_phases_and_marks_the_failing_one() {
        let rec = Recorder::start();
        assert_eq!(rec.current(), None);
        rec.phase(Phase::Connect);
        rec.phase(Phase::Greeting);
        rec.received(b"220 hello\r\n");
        rec.phase(Phase::Greeting);
        rec.received(b"250 \x1b[31mok");
        rec.phase(Phase::Auth);
        let r = rec.finish(true);
        let names: Vec<_> = r.phases.iter().map(|p| (p.phase, p.ok)).collect();
        assert_eq!(
            names,
            [
                (Phase::Connect, true),
                (Phase::Greeting, true),
                (Phase::Auth, false)
            ]
        );
        assert_eq!(r.greeting.as_deref(), Some("220 hello"));
        assert!(!r.lines[1].contains('\x1b'), "{:?}", r.lines);
        let sum: f64 = r.phases.iter().map(|p| p.ms).sum();
        assert!(sum <= r.total_ms + 1e-6);
    }

    #[test]
    fn the_watch_bounds_a_new_phase_by_its_own_limit_at_once() {
        use std::io::Read;
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let mut ours = TcpStream::connect(listener.local_addr().unwrap()).unwrap();
        let (_theirs, _) = listener.accept().unwrap();
        ours.set_read_timeout(Some(Duration::from_secs(20)))
            .unwrap();
        let rec = Recorder::start();
        rec.phase(Phase::Connect);
        // The connect phase may take --connect-timeout (60 s) on top of -t: the watch
        // sleeps for that long unless the next phase wakes it.
        rec.watch(
            ours.try_clone().unwrap(),
            Duration::from_millis(100),
            Duration::from_secs(60),
            "h:1",
        );
        std::thread::sleep(Duration::from_millis(20));
        rec.phase(Phase::Greeting);
        // The peer never writes: the read ends when the watch shuts the socket down
        // (EOF), not when its own 20 s timeout passes (an error).
        let read = ours.read(&mut [0u8; 16]);
        assert_eq!(read.ok(), Some(0));
        let over = rec.overrun().unwrap();
        assert_eq!(
            (over.phase, over.limit),
            (Phase::Greeting, Duration::from_millis(100))
        );
        rec.finish(true);
    }

    #[test]
    fn an_off_recorder_records_nothing() {
        let rec = Recorder::default();
        rec.phase(Phase::Tls);
        rec.received(b"x");
        assert_eq!(rec.finish(false), Record::default());
    }
}
