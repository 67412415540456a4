//! One telnet connection and its negotiation: reads answer the server's option requests
//! before the data is handed on, writes escape IAC, and waits are `poll(2)` with a bound.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::os::fd::AsRawFd;
use std::time::Duration;

use crate::proto::telnet::Negotiator;
use crate::{Error, ErrorKind};

/// One connection and its negotiation.
pub(super) struct Link {
    pub(super) sock: TcpStream,
    pub(super) neg: Negotiator,
    pub(super) verbose: bool,
    pub(super) closed: bool,
}

pub(super) enum Got {
    Data(Vec<u8>),
    Nothing,
    Closed,
}

pub(super) fn poll_fds(fds: &mut [libc::pollfd], wait: Duration) -> std::io::Result<usize> {
    let ms = wait.as_millis().min(i32::MAX as u128) as i32;
    // SAFETY: fds is a valid slice of pollfd for the call's duration.
    let n = unsafe { libc::poll(fds.as_mut_ptr(), fds.len() as libc::nfds_t, ms) };
    if n < 0 {
        let e = std::io::Error::last_os_error();
        if e.kind() == std::io::ErrorKind::Interrupted {
            return Ok(0);
        }
        return Err(e);
    }
    Ok(n as usize)
}

pub(super) fn io_error(what: &str, e: &std::io::Error) -> Error {
    Error::new(
        ErrorKind::Protocol,
        format!("{what}: {}", crate::error::io_words(e)),
    )
}

impl Link {
    pub(super) fn write(&mut self, bytes: &[u8]) -> Result<(), Error> {
        if bytes.is_empty() {
            return Ok(());
        }
        self.sock
            .write_all(bytes)
            .map_err(crate::proto::pingpong::write_error)
    }

    pub(super) fn note(&self, text: &str) {
        if self.verbose {
            eprintln!("{text}");
        }
    }

    /// A server that writes an echo and then a prompt (telnetd does) holds the prompt under
    /// Nagle until our ACK: 40 ms per step of a dialogue without this (see [`quick_ack`]).
    fn quick_ack(&self) {
        crate::net::stream::quick_ack(&self.sock);
    }

    /// Sends user data (IAC doubled, CR per the BINARY rule).
    pub(super) fn send(&mut self, data: &[u8]) -> Result<(), Error> {
        let mut out = Vec::with_capacity(data.len() + 8);
        self.neg.encode(data, &mut out);
        self.write(&out)
    }

    /// Whatever the socket has now (it is readable): data after negotiation.
    pub(super) fn read_ready(&mut self) -> Result<Got, Error> {
        let mut buf = [0u8; 16 * 1024];
        let n = match self.sock.read(&mut buf) {
            Ok(0) => {
                self.closed = true;
                return Ok(Got::Closed);
            }
            Ok(n) => n,
            Err(e)
                if matches!(
                    e.kind(),
                    std::io::ErrorKind::WouldBlock | std::io::ErrorKind::Interrupted
                ) =>
            {
                return Ok(Got::Nothing);
            }
            Err(e) if e.kind() == std::io::ErrorKind::ConnectionReset => {
                self.closed = true;
                return Ok(Got::Closed);
            }
            Err(e) => return Err(io_error("connection lost while reading", &e)),
        };
        self.quick_ack();
        let (mut data, mut replies) = (Vec::new(), Vec::new());
        self.neg.receive(&buf[..n], &mut data, &mut replies);
        if !replies.is_empty() {
            self.note(&format!("> {}", crate::proto::telnet::describe(&replies)));
            self.write(&replies)?;
        }
        Ok(Got::Data(data))
    }

    /// Waits up to `wait` for data.
    pub(super) fn read(&mut self, wait: Duration) -> Result<Got, Error> {
        let mut fds = [libc::pollfd {
            fd: self.sock.as_raw_fd(),
            events: libc::POLLIN,
            revents: 0,
        }];
        if poll_fds(&mut fds, wait).map_err(|e| io_error("poll", &e))? == 0 {
            return Ok(Got::Nothing);
        }
        self.read_ready()
    }
}
