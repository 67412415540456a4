//! `--inetd`: one exchange on stdin/stdout, as inetd/xinetd run a server (`wait = no` hands
//! over a connected TCP socket as fds 0 and 1; `wait = yes` for UDP hands over the bound
//! datagram socket, and we answer one datagram). stdin may also be a pipe or a file — then
//! the peer is `-` and, for NTP, the request is read from stdin (bounded in size and time).

use std::io::{self, Read, Write};
use std::net::{SocketAddr, UdpSocket};
use std::os::fd::FromRawFd;
use std::time::Duration;

use socket2::{SockAddr, Socket};

use super::{Config, Event, Replies, Sink, guard, serve};
use crate::error::Result;
use crate::proto::time::ntp::{self, Timestamp};
use crate::proto::time::{Protocol, Transport, UnixTime};
use crate::{Error, ErrorKind};

/// How long to wait for a request on stdin (NTP, or a UDP datagram).
const REQUEST_WAIT: Duration = Duration::from_secs(30);

/// What happened, for the exit code: `Ok(true)` = served.
pub fn serve(config: &Config, sink: &dyn Sink) -> Result<bool> {
    let replies = Replies::new(config, sink);
    match stdin_socket_type() {
        Some(libc::SOCK_DGRAM) => serve_datagram(&replies, sink),
        Some(libc::SOCK_STREAM) => {
            let peer = peer_of_stdin();
            serve_stream(&replies, sink, peer)
        }
        _ => serve_stream(&replies, sink, None),
    }
}

fn stdin_socket_type() -> Option<libc::c_int> {
    let mut ty: libc::c_int = 0;
    let mut len = std::mem::size_of::<libc::c_int>() as libc::socklen_t;
    // SAFETY: getsockopt writes one int; ENOTSOCK for pipes and files.
    let rc = unsafe {
        libc::getsockopt(
            0,
            libc::SOL_SOCKET,
            libc::SO_TYPE,
            (&mut ty as *mut libc::c_int).cast(),
            &mut len,
        )
    };
    (rc == 0).then_some(ty)
}

fn peer_of_stdin() -> Option<SocketAddr> {
    // SAFETY: borrow fd 0 for getpeername only; ManuallyDrop keeps it open.
    let sock = std::mem::ManuallyDrop::new(unsafe { Socket::from_raw_fd(0) });
    sock.peer_addr().ok().and_then(|a: SockAddr| a.as_socket())
}

/// TCP from inetd, or a pipe/file: write the reply to stdout (reading the request first for
/// NTP, which has one).
fn serve_stream(replies: &Replies, sink: &dyn Sink, peer: Option<SocketAddr>) -> Result<bool> {
    // A pipe or file has no transport; NTP is a datagram protocol, daytime/time a stream one.
    let transport = if replies.protocol == Protocol::Ntp {
        Transport::Udp
    } else {
        Transport::Tcp
    };
    let now;
    let reply = if replies.protocol == Protocol::Ntp {
        let request = read_request()?;
        now = UnixTime::now();
        let t2 = Timestamp::from_unix(now);
        match ntp::reply(&request, &replies.ntp, t2, Timestamp::now()) {
            Some(r) => r.to_vec(),
            None => {
                return Err(Error::new(
                    ErrorKind::Protocol,
                    "stdin holds no NTP client request (mode 3, 48 bytes)",
                ));
            }
        }
    } else {
        now = UnixTime::now();
        serve::stream_reply(replies, now)
    };
    let mut out = io::stdout().lock();
    out.write_all(&reply)
        .and_then(|()| out.flush())
        .map_err(|e| {
            Error::new(
                ErrorKind::LocalIo,
                format!(
                    "writing the reply to stdout: {}",
                    crate::error::io_words(&e)
                ),
            )
            .with_source(e)
        })?;
    sink.event(Event::Connection {
        time: now,
        transport,
        peer,
    });
    Ok(true)
}

fn read_request() -> Result<Vec<u8>> {
    wait_stdin()?;
    let mut buf = Vec::with_capacity(ntp::HEADER_LEN);
    io::stdin()
        .lock()
        .take(1024)
        .read_to_end(&mut buf)
        .map_err(|e| {
            Error::new(
                ErrorKind::LocalIo,
                format!(
                    "reading the request from stdin: {}",
                    crate::error::io_words(&e)
                ),
            )
        })?;
    Ok(buf)
}

fn wait_stdin() -> Result<()> {
    let mut fds = [libc::pollfd {
        fd: 0,
        events: libc::POLLIN,
        revents: 0,
    }];
    // SAFETY: poll over one pollfd we own.
    let n = unsafe { libc::poll(fds.as_mut_ptr(), 1, REQUEST_WAIT.as_millis() as i32) };
    if n == 0 {
        return Err(Error::new(
            ErrorKind::Timeout,
            "no request on stdin within 30 s",
        ));
    }
    Ok(())
}

/// UDP from inetd (`wait = yes`): answer one datagram on the inherited socket.
fn serve_datagram(replies: &Replies, sink: &dyn Sink) -> Result<bool> {
    // SAFETY: inetd hands fd 0 to this process alone; ManuallyDrop leaves it to inetd's
    // design (the process exits right after).
    let socket = std::mem::ManuallyDrop::new(unsafe { UdpSocket::from_raw_fd(0) });
    socket.set_read_timeout(Some(REQUEST_WAIT)).map_err(|e| {
        Error::new(
            ErrorKind::LocalIo,
            format!("stdin socket: {}", crate::error::io_words(&e)),
        )
    })?;
    let own_port = socket.local_addr().map(|a| a.port()).unwrap_or(0);
    let mut buf = [0u8; 2048];
    let (n, from) = socket.recv_from(&mut buf).map_err(|e| {
        let kind = if matches!(
            e.kind(),
            io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
        ) {
            ErrorKind::Timeout
        } else {
            ErrorKind::LocalIo
        };
        Error::new(
            kind,
            format!(
                "waiting for a datagram on stdin: {}",
                crate::error::io_words(&e)
            ),
        )
    })?;
    let now = UnixTime::now();
    if !guard::may_answer(replies.protocol, from, own_port, &buf[..n], now) {
        return Ok(false);
    }
    let reply = match replies.protocol {
        Protocol::Ntp => match ntp::reply(
            &buf[..n],
            &replies.ntp,
            Timestamp::from_unix(now),
            Timestamp::now(),
        ) {
            Some(r) => r.to_vec(),
            None => return Ok(false),
        },
        _ => serve::stream_reply(replies, now),
    };
    socket.send_to(&reply, from).map_err(|e| {
        Error::new(
            ErrorKind::LocalIo,
            format!("replying to {from}: {}", crate::error::io_words(&e)),
        )
    })?;
    sink.event(Event::Connection {
        time: now,
        transport: Transport::Udp,
        peer: Some(from),
    });
    Ok(true)
}
