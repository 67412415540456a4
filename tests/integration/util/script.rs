//! A scripted, misbehaving TCP peer (curl's `tests/ftpserver.pl` is the model; PEERS.md
//! "Misbehaving peers"): a server on 127.0.0.1 at an OS-picked port, run in a thread, that
//! plays a list of [`Step`]s against each of N connections (default 1) and records what the
//! client sent.
//!
//! * Lines are read through a buffer (CRLF or bare LF ends a line; 1 MiB cap), DATA bodies
//!   up to the `.` line (64 MiB cap); every read has a 10 s timeout, so a silent client
//!   fails the script instead of hanging the test.
//! * The first failed step ends that connection (a mismatch would only cascade);
//!   [`ScriptedPeer::finish`] reports every failure with escaped bytes and the transcript.
//! * TLS (rustls server, ring provider): [`Step::StartTls`] upgrades in place with a
//!   [`CertKind`] from the peer's [`TestCa`] and continues over TLS; [`Step::StartTlsRejected`]
//!   expects the client to abort the handshake (wrong name, unknown issuer);
//!   [`Step::TlsGarbage`] answers the ClientHello with bytes that are not TLS. Bytes the
//!   client sent before the upgrade (pipelined ClientHello) are fed to the TLS session. A
//!   script that ends normally sends close_notify; [`Step::Drop`] does not.
//! * [`Step::Stall`] and [`Step::SendEndless`] end early when the client closes or the peer
//!   is dropped, so a client-side timeout test does not wait out the stall.

use std::io::{self, Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use rustls::{ServerConfig, ServerConnection, StreamOwned};

use super::ca::{CertKind, TestCa};

const READ_TIMEOUT: Duration = Duration::from_secs(10);
const ACCEPT_TIMEOUT: Duration = Duration::from_secs(30);
const LINE_CAP: usize = 1 << 20;
const BODY_CAP: usize = 64 << 20;
const ENDLESS_CAP: usize = 256 << 20;

/// One action of the script.
#[derive(Debug, Clone)]
pub enum Step {
    /// Write these bytes.
    Send(Vec<u8>),
    /// Read one line; it must start with these bytes. Recorded.
    ExpectLine(Vec<u8>),
    /// Read one line, whatever it is. Recorded.
    ReadLine,
    /// Read lines up to and including `.\r\n` (a DATA body, still dot-stuffed). Recorded
    /// as one entry.
    ReadUntilDot,
    /// Send nothing for this long (ends early if the client closes).
    Stall(Duration),
    /// Send these bytes one at a time, this long apart (a trickling peer that never lets a
    /// socket timeout fire); ends early if the client closes.
    Trickle(Vec<u8>, Duration),
    /// Close the connection now (no TLS close_notify); later steps are skipped.
    Drop,
    /// Reset the connection now (SO_LINGER 0: the client sees ECONNRESET, not a clean
    /// end); later steps are skipped.
    Reset,
    /// Send `x` bytes without a line end until the client closes (256 MiB at most).
    SendEndless,
    /// Server-side TLS handshake with this certificate; the script continues over TLS.
    StartTls(CertKind),
    /// A handshake the client must abort (it rejects the certificate); the script ends.
    StartTlsRejected(CertKind),
    /// Read the ClientHello, answer with bytes that are not TLS; continues in plain text.
    TlsGarbage,
    /// Wait until the client closes the connection (≤ 10 s).
    ExpectClose,
    /// Read an HTTP request head: lines up to the empty line. Recorded as one entry.
    ReadHttpHead,
}

/// `Step::Send` of a string or bytes.
pub fn send(data: impl AsRef<[u8]>) -> Step {
    Step::Send(data.as_ref().to_vec())
}

/// `Step::ExpectLine` with a text prefix.
pub fn expect(prefix: &str) -> Step {
    Step::ExpectLine(prefix.as_bytes().to_vec())
}

/// Bytes as a readable Rust-style escaped string.
pub fn escape(bytes: &[u8]) -> String {
    bytes.escape_ascii().to_string()
}

/// Options beyond the steps.
#[derive(Debug, Default)]
pub struct ScriptOptions<'a> {
    /// Connections to serve, one after another, each playing every step (default 1).
    pub connections: usize,
    /// The CA whose certificates TLS steps use; default: a fresh one ([`ScriptedPeer::ca_pem`]).
    pub ca: Option<&'a TestCa>,
    /// Scripts for connections 2, 3…, each played instead of the steps (the last one
    /// repeats); connection 1 plays the steps. A retry test drops the first connection and
    /// serves the rest.
    pub later: Vec<Vec<Step>>,
}

#[derive(Default)]
struct Shared {
    transcript: Vec<Vec<u8>>,
    failures: Vec<String>,
    connections: usize,
}

/// A running scripted peer.
pub struct ScriptedPeer {
    port: u16,
    shared: Arc<Mutex<Shared>>,
    stop: Arc<AtomicBool>,
    finishing: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
    ca_pem: Option<PathBuf>,
    _own_ca: Option<TestCa>,
}

type Configs = Vec<(CertKind, Arc<ServerConfig>)>;

fn server_config(ca: &TestCa, kind: CertKind) -> Arc<ServerConfig> {
    let files = ca.cert(kind);
    let certs: Vec<CertificateDer<'static>> = CertificateDer::pem_file_iter(&files.cert)
        .expect("open cert PEM")
        .collect::<Result<_, _>>()
        .expect("parse cert PEM");
    let key = PrivateKeyDer::from_pem_file(&files.key).expect("parse key PEM");
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let cfg = ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .expect("TLS versions")
        .with_no_client_auth()
        .with_single_cert(certs, key)
        .expect("server cert");
    Arc::new(cfg)
}

impl ScriptedPeer {
    /// One connection, a fresh CA if any step needs TLS.
    pub fn start(steps: Vec<Step>) -> ScriptedPeer {
        ScriptedPeer::start_with(steps, ScriptOptions::default())
    }

    pub fn start_with(steps: Vec<Step>, opts: ScriptOptions<'_>) -> ScriptedPeer {
        let kinds: Vec<CertKind> = steps
            .iter()
            .chain(opts.later.iter().flatten())
            .filter_map(|s| match s {
                Step::StartTls(k) | Step::StartTlsRejected(k) => Some(*k),
                _ => None,
            })
            .collect();
        let (own_ca, ca_pem, configs): (Option<TestCa>, Option<PathBuf>, Configs) =
            if kinds.is_empty() && opts.ca.is_none() {
                (None, None, Vec::new())
            } else {
                let own = if opts.ca.is_none() {
                    Some(TestCa::new())
                } else {
                    None
                };
                let ca = opts.ca.or(own.as_ref()).expect("a CA");
                let mut configs: Configs = Vec::new();
                for k in kinds {
                    if !configs.iter().any(|(c, _)| *c == k) {
                        configs.push((k, server_config(ca, k)));
                    }
                }
                let pem = ca.ca_pem();
                (own, Some(pem), configs)
            };
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind scripted peer");
        let port = listener.local_addr().expect("local addr").port();
        listener
            .set_nonblocking(true)
            .expect("nonblocking listener");
        let shared = Arc::new(Mutex::new(Shared::default()));
        let stop = Arc::new(AtomicBool::new(false));
        let finishing = Arc::new(AtomicBool::new(false));
        let n = opts.connections.max(1 + opts.later.len());
        let mut scripts = vec![steps];
        scripts.extend(opts.later);
        let thread = {
            let (shared, stop, finishing) = (shared.clone(), stop.clone(), finishing.clone());
            thread::spawn(move || {
                serve(listener, n, &scripts, &configs, &shared, &stop, &finishing);
            })
        };
        ScriptedPeer {
            port,
            shared,
            stop,
            finishing,
            thread: Some(thread),
            ca_pem,
            _own_ca: own_ca,
        }
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// `127.0.0.1:PORT`.
    pub fn addr(&self) -> String {
        format!("127.0.0.1:{}", self.port)
    }

    /// The CA that signed the TLS steps' certificates (panics if the script has no TLS).
    pub fn ca_pem(&self) -> PathBuf {
        self.ca_pem
            .clone()
            .expect("this scripted peer has no TLS step and no CA")
    }

    /// What the client sent so far: one entry per line read, one per DATA body.
    pub fn transcript(&self) -> Vec<Vec<u8>> {
        self.shared
            .lock()
            .map(|s| s.transcript.clone())
            .unwrap_or_default()
    }

    /// Waits for the script to end (connections not yet made fail it) and returns the
    /// transcript, or a readable account of every failed step.
    pub fn finish(mut self) -> Result<Vec<Vec<u8>>, String> {
        self.finishing.store(true, Ordering::SeqCst);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
        let s = self.shared.lock().expect("scripted peer state");
        if s.failures.is_empty() {
            return Ok(s.transcript.clone());
        }
        let lines: Vec<String> = s.transcript.iter().map(|l| escape(l)).collect();
        Err(format!(
            "scripted peer on port {}: {}\nclient sent:\n  {}",
            self.port,
            s.failures.join("\n"),
            lines.join("\n  ")
        ))
    }

    /// [`finish`](Self::finish), panicking on failure.
    pub fn assert_ok(self) -> Vec<Vec<u8>> {
        self.finish().unwrap_or_else(|e| panic!("{e}"))
    }
}

impl Drop for ScriptedPeer {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        self.finishing.store(true, Ordering::SeqCst);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

fn serve(
    listener: TcpListener,
    n: usize,
    scripts: &[Vec<Step>],
    configs: &Configs,
    shared: &Mutex<Shared>,
    stop: &AtomicBool,
    finishing: &AtomicBool,
) {
    let fail = |msg: String| {
        if let Ok(mut s) = shared.lock() {
            s.failures.push(msg);
        }
    };
    for i in 0..n {
        let end = Instant::now() + ACCEPT_TIMEOUT;
        let tcp = loop {
            match listener.accept() {
                Ok((tcp, _)) => break Some(tcp),
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => {
                    if stop.load(Ordering::SeqCst) || finishing.load(Ordering::SeqCst) {
                        fail(format!("connection {}: the client never connected", i + 1));
                        break None;
                    }
                    if Instant::now() > end {
                        fail(format!(
                            "connection {}: none within {ACCEPT_TIMEOUT:?}",
                            i + 1
                        ));
                        break None;
                    }
                    thread::sleep(Duration::from_millis(10));
                }
                Err(e) => {
                    fail(format!("accept failed: {e}"));
                    break None;
                }
            }
        };
        let Some(tcp) = tcp else { return };
        if let Ok(mut s) = shared.lock() {
            s.connections += 1;
        }
        let _ = tcp.set_nonblocking(false);
        let _ = tcp.set_read_timeout(Some(READ_TIMEOUT));
        let _ = tcp.set_nodelay(true);
        let mut conn = Conn {
            io: Io::Plain(tcp),
            buf: Vec::new(),
        };
        let steps = &scripts[i.min(scripts.len() - 1)];
        if let Err(e) = play(&mut conn, steps, configs, shared, stop) {
            fail(format!("connection {}: {e}", i + 1));
        }
    }
}

enum Io {
    Plain(TcpStream),
    Tls(Box<StreamOwned<ServerConnection, TcpStream>>),
    Closed,
}

struct Conn {
    io: Io,
    /// Bytes read but not yet consumed.
    buf: Vec<u8>,
}

impl Conn {
    fn tcp(&self) -> Option<&TcpStream> {
        match &self.io {
            Io::Plain(t) => Some(t),
            Io::Tls(s) => Some(&s.sock),
            Io::Closed => None,
        }
    }

    fn read_some(&mut self) -> io::Result<usize> {
        let mut chunk = [0u8; 16384];
        let n = match &mut self.io {
            Io::Plain(t) => t.read(&mut chunk),
            Io::Tls(s) => match s.read(&mut chunk) {
                // A peer that closes without close_notify: treat as EOF.
                Err(e) if e.kind() == io::ErrorKind::UnexpectedEof => Ok(0),
                r => r,
            },
            Io::Closed => Ok(0),
        }?;
        self.buf.extend_from_slice(&chunk[..n]);
        Ok(n)
    }

    fn write_all(&mut self, data: &[u8]) -> io::Result<()> {
        match &mut self.io {
            Io::Plain(t) => t.write_all(data),
            Io::Tls(s) => s.write_all(data).and_then(|()| s.flush()),
            Io::Closed => Err(io::ErrorKind::NotConnected.into()),
        }
    }

    /// One line including its end, or None at EOF.
    fn read_line(&mut self, cap: usize) -> Result<Option<Vec<u8>>, String> {
        loop {
            if let Some(i) = self.buf.iter().position(|&b| b == b'\n') {
                return Ok(Some(self.buf.drain(..=i).collect()));
            }
            if self.buf.len() > cap {
                return Err(format!(
                    "line longer than {cap} bytes: {}…",
                    escape(&self.buf[..80])
                ));
            }
            match self.read_some() {
                Ok(0) if self.buf.is_empty() => return Ok(None),
                Ok(0) => return Ok(Some(std::mem::take(&mut self.buf))),
                Ok(_) => {}
                Err(e)
                    if matches!(
                        e.kind(),
                        io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
                    ) =>
                {
                    return Err(format!(
                        "no line end after {READ_TIMEOUT:?} (have {})",
                        escape(&self.buf)
                    ));
                }
                Err(e) => return Err(format!("read failed: {e}")),
            }
        }
    }

    /// Whether the client closed (EOF or reset) within `limit`, without consuming data.
    fn closed_within(&self, limit: Duration, stop: &AtomicBool) -> bool {
        let Some(tcp) = self.tcp() else { return true };
        let end = Instant::now() + limit;
        let mut probe = [0u8; 1];
        let closed = loop {
            let left = end.saturating_duration_since(Instant::now());
            if left.is_zero() || stop.load(Ordering::SeqCst) {
                break false;
            }
            let _ = tcp.set_read_timeout(Some(left.min(Duration::from_millis(100))));
            match tcp.peek(&mut probe) {
                Ok(0) => break true,
                Ok(_) => thread::sleep(left.min(Duration::from_millis(50))),
                Err(e)
                    if matches!(
                        e.kind(),
                        io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
                    ) => {}
                Err(_) => break true,
            }
        };
        let _ = tcp.set_read_timeout(Some(READ_TIMEOUT));
        closed
    }

    fn reset(&mut self) {
        if let Some(t) = self.tcp() {
            use std::os::fd::AsRawFd;
            let linger = libc::linger {
                l_onoff: 1,
                l_linger: 0,
            };
            // SAFETY: setsockopt reads a linger struct that lives for the call.
            unsafe {
                libc::setsockopt(
                    t.as_raw_fd(),
                    libc::SOL_SOCKET,
                    libc::SO_LINGER,
                    (&linger as *const libc::linger).cast(),
                    std::mem::size_of::<libc::linger>() as libc::socklen_t,
                );
            }
        }
        // Closing the socket with linger 0 sends RST.
        self.io = Io::Closed;
    }

    fn close(&mut self, notify: bool) {
        if let Io::Tls(s) = &mut self.io
            && notify
        {
            s.conn.send_close_notify();
            let _ = s.flush();
        }
        if let Some(t) = self.tcp() {
            let _ = t.shutdown(Shutdown::Both);
        }
        self.io = Io::Closed;
    }
}

fn record(shared: &Mutex<Shared>, data: Vec<u8>) {
    if let Ok(mut s) = shared.lock() {
        s.transcript.push(data);
    }
}

fn config_for(configs: &Configs, kind: CertKind) -> Arc<ServerConfig> {
    configs
        .iter()
        .find(|(k, _)| *k == kind)
        .map(|(_, c)| c.clone())
        .expect("TLS config prepared at start")
}

/// Hands the socket (and any bytes already read) to a rustls server session and runs the
/// handshake to the end.
fn handshake(conn: &mut Conn, cfg: Arc<ServerConfig>) -> Result<(), String> {
    let Io::Plain(tcp) = std::mem::replace(&mut conn.io, Io::Closed) else {
        return Err("TLS requested on a connection that is not plain TCP".into());
    };
    let mut tls = ServerConnection::new(cfg).map_err(|e| format!("rustls: {e}"))?;
    let early = std::mem::take(&mut conn.buf);
    let mut rd = &early[..];
    while !rd.is_empty() {
        tls.read_tls(&mut rd)
            .map_err(|e| format!("rustls read_tls: {e}"))?;
    }
    tls.process_new_packets()
        .map_err(|e| format!("handshake failed: {e}"))?;
    let mut stream = StreamOwned::new(tls, tcp);
    while stream.conn.is_handshaking() {
        match stream.conn.complete_io(&mut stream.sock) {
            Ok((0, 0)) => return Err("client closed during the TLS handshake".into()),
            Ok(_) => {}
            Err(e) => {
                conn.io = Io::Tls(Box::new(stream));
                return Err(format!("handshake failed: {e}"));
            }
        }
    }
    conn.io = Io::Tls(Box::new(stream));
    Ok(())
}

fn play(
    conn: &mut Conn,
    steps: &[Step],
    configs: &Configs,
    shared: &Mutex<Shared>,
    stop: &AtomicBool,
) -> Result<(), String> {
    for (i, step) in steps.iter().enumerate() {
        let at = |what: String| format!("step {} ({step:?}): {what}", i + 1);
        match step {
            Step::Send(data) => conn
                .write_all(data)
                .map_err(|e| at(format!("write failed: {e}")))?,
            Step::ExpectLine(prefix) => {
                let line = conn
                    .read_line(LINE_CAP)
                    .map_err(at)?
                    .ok_or_else(|| at("the client closed the connection".into()))?;
                let ok = line.starts_with(prefix);
                record(shared, line.clone());
                if !ok {
                    return Err(at(format!(
                        "expected a line starting with \"{}\", got \"{}\"",
                        escape(prefix),
                        escape(&line)
                    )));
                }
            }
            Step::ReadLine => {
                let line = conn
                    .read_line(LINE_CAP)
                    .map_err(at)?
                    .ok_or_else(|| at("the client closed the connection".into()))?;
                record(shared, line);
            }
            Step::ReadUntilDot => {
                let mut body = Vec::new();
                loop {
                    let line = conn.read_line(LINE_CAP).map_err(&at)?;
                    let Some(line) = line else {
                        record(shared, body.clone());
                        return Err(at(format!(
                            "the client closed before the final \".\" after {} bytes",
                            body.len()
                        )));
                    };
                    let last = line == b".\r\n";
                    body.extend_from_slice(&line);
                    if last {
                        break;
                    }
                    if body.len() > BODY_CAP {
                        return Err(at(format!("body over {BODY_CAP} bytes")));
                    }
                }
                record(shared, body);
            }
            Step::Stall(d) => {
                let _ = conn.closed_within(*d, stop);
            }
            Step::Trickle(bytes, gap) => {
                for b in bytes {
                    if conn.write_all(&[*b]).is_err() || conn.closed_within(*gap, stop) {
                        conn.close(false);
                        return Ok(());
                    }
                }
            }
            Step::Drop => {
                conn.close(false);
                return Ok(());
            }
            Step::Reset => {
                conn.reset();
                return Ok(());
            }
            Step::SendEndless => {
                let chunk = vec![b'x'; 65536];
                let mut sent = 0;
                while sent < ENDLESS_CAP && !stop.load(Ordering::SeqCst) {
                    if conn.write_all(&chunk).is_err() {
                        break;
                    }
                    sent += chunk.len();
                }
                conn.close(false);
                return Ok(());
            }
            Step::StartTls(kind) => handshake(conn, config_for(configs, *kind)).map_err(at)?,
            Step::StartTlsRejected(kind) => {
                if handshake(conn, config_for(configs, *kind)).is_ok() {
                    return Err(at("the client accepted the certificate".into()));
                }
                conn.close(false);
                return Ok(());
            }
            Step::TlsGarbage => {
                if conn.buf.is_empty() {
                    conn.read_some()
                        .map_err(|e| at(format!("no ClientHello: {e}")))?;
                }
                conn.buf.clear();
                conn.write_all(b"this is not TLS\r\n")
                    .map_err(|e| at(format!("write failed: {e}")))?;
            }
            Step::ReadHttpHead => {
                let mut head = Vec::new();
                loop {
                    let line = conn
                        .read_line(LINE_CAP)
                        .map_err(at)?
                        .ok_or_else(|| at("client closed before the request head ended".into()))?;
                    let end = line == b"\r\n" || line == b"\n";
                    head.extend_from_slice(&line);
                    if end {
                        break;
                    }
                }
                record(shared, head);
            }
            Step::ExpectClose => {
                if !conn.buf.is_empty() {
                    record(shared, std::mem::take(&mut conn.buf));
                }
                // Read (and record) anything else the client sends before it closes.
                let end = Instant::now() + READ_TIMEOUT;
                loop {
                    match conn.read_some() {
                        Ok(0) => break,
                        Ok(_) => record(shared, std::mem::take(&mut conn.buf)),
                        Err(e) if e.kind() == io::ErrorKind::ConnectionReset => break,
                        Err(e) => return Err(at(format!("client did not close: {e}"))),
                    }
                    if Instant::now() > end {
                        return Err(at("client did not close".into()));
                    }
                }
                conn.close(false);
                return Ok(());
            }
        }
    }
    conn.close(true);
    Ok(())
}
