//! A connection's byte stream: plain TCP or TLS over it, behind one type, so that STARTTLS
//! is an in-place upgrade of the same stream (as lettre's `NetworkStream` does it). The idle
//! timeout (`-t`) is the socket's read/write timeout; the handshake runs inside what is left
//! of the connect budget.

use std::io::{self, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::sync::Arc;
use std::time::{Duration, Instant};

use rustls::{ClientConfig, ClientConnection, StreamOwned};

use super::tls;
use crate::{Error, ErrorKind};

pub enum Stream {
    Plain(TcpStream),
    Tls(Box<StreamOwned<ClientConnection, TlsSocket>>),
}

/// Reads shorter than this are replies, not bulk data: they are acknowledged at once.
pub const QUICK_ACK_BELOW: usize = 4096;

/// Acknowledges at once instead of after Linux's 40 ms delayed-ACK timer. A server that
/// writes a reply in pieces holds the second piece under Nagle until our ACK, and Linux
/// delays that ACK when it thinks the connection is interactive; the flag does not stick,
/// so callers set it again after each small read. Best effort: a failure only costs time.
pub fn quick_ack(sock: &impl std::os::fd::AsRawFd) {
    let one: libc::c_int = 1;
    // SAFETY: a valid socket descriptor and a c_int option value of the right size.
    unsafe {
        libc::setsockopt(
            sock.as_raw_fd(),
            libc::IPPROTO_TCP,
            libc::TCP_QUICKACK,
            (&one as *const libc::c_int).cast(),
            std::mem::size_of::<libc::c_int>() as libc::socklen_t,
        );
    }
}

/// The socket under a TLS session, acknowledging small records at once early in the
/// connection: postfix sends its session ticket after the STARTTLS handshake and then the
/// EHLO reply, which waited under its Nagle for our delayed ACK — 40 ms on most STARTTLS
/// sessions. rustls reads the ticket inside one `read` call, so the line reader above cannot
/// see the moment to acknowledge. After the first [`TlsSocket::EARLY`] bytes the line reader's
/// own acknowledgements suffice, and bulk data (an FTPS file) goes without the extra calls.
pub struct TlsSocket {
    tcp: TcpStream,
    received: usize,
}

impl TlsSocket {
    const EARLY: usize = 64 * 1024;

    fn new(tcp: TcpStream) -> Self {
        TlsSocket { tcp, received: 0 }
    }
}

impl Read for TlsSocket {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.tcp.read(buf)?;
        if self.received < Self::EARLY {
            self.received += n;
            if n > 0 && n < QUICK_ACK_BELOW {
                quick_ack(&self.tcp);
            }
        }
        Ok(n)
    }
}

impl Write for TlsSocket {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.tcp.write(buf)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.tcp.flush()
    }
}

/// What a TLS connection negotiated, for `--json` and `-v`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct TlsInfo {
    pub version: String,
    pub cipher: String,
}

impl Stream {
    fn tcp(&self) -> &TcpStream {
        match self {
            Stream::Plain(s) => s,
            Stream::Tls(s) => &s.sock.tcp,
        }
    }

    /// A second handle on the socket, for the `--max-time` watchdog.
    pub fn try_clone_socket(&self) -> io::Result<TcpStream> {
        self.tcp().try_clone()
    }

    pub fn peer_addr(&self) -> io::Result<SocketAddr> {
        self.tcp().peer_addr()
    }

    /// `-t`: the longest silence allowed while reading or writing.
    pub fn set_idle_timeout(&self, timeout: Duration) -> io::Result<()> {
        self.tcp().set_read_timeout(Some(timeout))?;
        self.tcp().set_write_timeout(Some(timeout))
    }

    pub fn is_tls(&self) -> bool {
        matches!(self, Stream::Tls(_))
    }

    /// Whether the TLS handshake resumed an earlier session (FTPS data connections, vsftpd's
    /// `require_ssl_reuse`, depend on it).
    pub fn tls_resumed(&self) -> bool {
        match self {
            Stream::Tls(s) => s.conn.handshake_kind() == Some(rustls::HandshakeKind::Resumed),
            Stream::Plain(_) => false,
        }
    }

    pub fn tls_info(&self) -> Option<TlsInfo> {
        let Stream::Tls(s) = self else { return None };
        let version = s.conn.protocol_version()?;
        let suite = s.conn.negotiated_cipher_suite()?;
        let version = match version {
            rustls::ProtocolVersion::TLSv1_3 => "TLSv1.3".to_owned(),
            rustls::ProtocolVersion::TLSv1_2 => "TLSv1.2".to_owned(),
            other => format!("{other:?}"),
        };
        let cipher = suite
            .suite()
            .as_str()
            .map(str::to_owned)
            .unwrap_or_else(|| format!("{:?}", suite.suite()));
        Some(TlsInfo { version, cipher })
    }

    /// The server's leaf certificate (DER), once a TLS handshake has finished.
    pub fn peer_certificate(&self) -> Option<Vec<u8>> {
        let Stream::Tls(s) = self else { return None };
        s.conn
            .peer_certificates()
            .and_then(|chain| chain.first())
            .map(|c| c.as_ref().to_vec())
    }

    /// No Nagle delay: a probe's small request must not wait for the server's delayed ACK.
    pub fn set_nodelay(&self) -> io::Result<()> {
        self.tcp().set_nodelay(true)
    }

    /// Implicit TLS (`imaps://`…) or STARTTLS: runs the handshake on this stream and returns
    /// the TLS stream. The handshake must finish before `deadline`.
    pub fn upgrade(
        self,
        host: &str,
        config: Arc<ClientConfig>,
        deadline: Instant,
        idle: Duration,
    ) -> Result<Stream, Error> {
        let sock = match self {
            Stream::Plain(s) => s,
            Stream::Tls(_) => {
                return Err(Error::new(ErrorKind::Protocol, "TLS is already on"));
            }
        };
        let name = tls::server_name(host)?;
        let mut conn = ClientConnection::new(config, name)
            .map_err(|e| Error::new(ErrorKind::Tls, format!("{host}: TLS setup: {e}")))?;
        let mut sock = TlsSocket::new(sock);
        while conn.is_handshaking() {
            let left = deadline
                .checked_duration_since(Instant::now())
                .filter(|d| !d.is_zero())
                .ok_or_else(|| handshake_timeout(host))?;
            let step = left.min(idle);
            let io_err =
                |e: io::Error| Error::new(ErrorKind::Tls, format!("{host}: TLS handshake: {e}"));
            sock.tcp.set_read_timeout(Some(step)).map_err(io_err)?;
            sock.tcp.set_write_timeout(Some(step)).map_err(io_err)?;
            match conn.complete_io(&mut sock) {
                Ok(_) => {}
                // The silence was bounded by -t, not by what is left of the connect budget:
                // the advice names the flag that ran out.
                Err(e)
                    if matches!(
                        e.kind(),
                        io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
                    ) && step < left =>
                {
                    return Err(Error::new(
                        ErrorKind::Timeout,
                        format!(
                            "{host}: TLS handshake: the server was silent for {} (raise --timeout)",
                            crate::net::wait::seconds(step)
                        ),
                    ));
                }
                Err(e)
                    if matches!(
                        e.kind(),
                        io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
                    ) =>
                {
                    return Err(handshake_timeout(host));
                }
                Err(e) => {
                    // rustls reports its own errors wrapped in io::Error::InvalidData.
                    if let Some(tls_err) = e
                        .get_ref()
                        .and_then(|inner| inner.downcast_ref::<rustls::Error>())
                    {
                        return Err(tls::handshake_error(host, tls_err));
                    }
                    return Err(Error::new(
                        ErrorKind::Tls,
                        format!("{host}: TLS handshake failed: {e}"),
                    ));
                }
            }
        }
        sock.tcp
            .set_read_timeout(Some(idle))
            .map_err(|e| Error::new(ErrorKind::LocalIo, e.to_string()))?;
        sock.tcp
            .set_write_timeout(Some(idle))
            .map_err(|e| Error::new(ErrorKind::LocalIo, e.to_string()))?;
        Ok(Stream::Tls(Box::new(StreamOwned::new(conn, sock))))
    }

    /// Sends TLS close_notify (when on TLS) and shuts the socket down; errors are moot here.
    pub fn close(&mut self) {
        if let Stream::Tls(s) = self {
            s.conn.send_close_notify();
            let _ = s.conn.complete_io(&mut s.sock);
        }
        let _ = self.tcp().shutdown(std::net::Shutdown::Both);
    }
}

fn handshake_timeout(host: &str) -> Error {
    Error::new(
        ErrorKind::Timeout,
        format!("{host}: TLS handshake timed out (raise --connect-timeout)"),
    )
}

impl Read for Stream {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        match self {
            Stream::Plain(s) => s.read(buf),
            Stream::Tls(s) => match s.read(buf) {
                // A peer that closes without close_notify: for line protocols the framing
                // (final "." or tagged reply) tells whether data was lost, so treat as EOF.
                Err(e) if e.kind() == io::ErrorKind::UnexpectedEof => Ok(0),
                other => other,
            },
        }
    }
}

/// Reads that report a TLS peer's missing close_notify as an error instead of EOF: where
/// the end of the connection is the end of the data (a Gopher binary), a truncation attack
/// or a dropped connection must not pass for a complete file.
pub struct StrictEof<'a>(pub &'a mut Stream);

impl Read for StrictEof<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        match &mut *self.0 {
            Stream::Plain(s) => s.read(buf),
            Stream::Tls(s) => s.read(buf).map_err(|e| {
                if e.kind() == io::ErrorKind::UnexpectedEof {
                    io::Error::new(
                        io::ErrorKind::ConnectionAborted,
                        "the server closed the TLS connection without close_notify",
                    )
                } else {
                    e
                }
            }),
        }
    }
}

impl Write for Stream {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match self {
            Stream::Plain(s) => s.write(buf),
            Stream::Tls(s) => s.write(buf),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        match self {
            Stream::Plain(s) => s.flush(),
            Stream::Tls(s) => s.flush(),
        }
    }
}
