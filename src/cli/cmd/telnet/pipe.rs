//! Pipe mode, for stdin that is not a terminal: bytes both ways as they come, bounded by
//! `-t` of silence once stdin has ended and by `--max-time` throughout.

use std::io::{Read, Write};
use std::os::fd::AsRawFd;
use std::time::Duration;

use super::link::{Got, Link, io_error, poll_fds};
use super::max_time_reached;
use crate::cli::exit::Outcome;
use crate::net;
use crate::{Error, ErrorKind};

/// stdin is not a terminal: it goes to the server (LF as CR LF), the server's data to
/// stdout; after stdin's end the server has `-t` of silence to finish.
pub(super) fn pipe(
    link: &mut Link,
    idle: Duration,
    deadline: net::Deadline,
) -> Result<Outcome, Error> {
    let mut stdin_open = true;
    let mut stdout = std::io::stdout();
    let mut buf = [0u8; 16 * 1024];
    loop {
        let mut fds = vec![libc::pollfd {
            fd: link.sock.as_raw_fd(),
            events: libc::POLLIN,
            revents: 0,
        }];
        if stdin_open {
            fds.push(libc::pollfd {
                fd: 0,
                events: libc::POLLIN,
                revents: 0,
            });
        }
        let wait = if stdin_open {
            Duration::from_secs(3600)
        } else {
            idle
        };
        let wait = deadline.cap(wait).ok_or_else(max_time_reached)?;
        if poll_fds(&mut fds, wait).map_err(|e| io_error("poll", &e))? == 0 {
            if deadline.cap(wait).is_none() {
                return Err(max_time_reached());
            }
            if !stdin_open {
                return Ok(Outcome::Success);
            }
            continue;
        }
        if fds[0].revents != 0 {
            match link.read_ready()? {
                Got::Data(d) => {
                    stdout
                        .write_all(&d)
                        .and_then(|()| stdout.flush())
                        .map_err(|e| {
                            Error::new(
                                ErrorKind::LocalIo,
                                format!("writing: {}", crate::error::io_words(&e)),
                            )
                        })?
                }
                Got::Closed => return Ok(Outcome::Success),
                Got::Nothing => {}
            }
        }
        if stdin_open && fds.get(1).is_some_and(|f| f.revents != 0) {
            let n = std::io::stdin().lock().read(&mut buf).map_err(|e| {
                Error::new(
                    ErrorKind::LocalIo,
                    format!("reading stdin: {}", crate::error::io_words(&e)),
                )
            })?;
            if n == 0 {
                stdin_open = false;
                continue;
            }
            let mut data = Vec::with_capacity(n + 16);
            let mut prev = 0u8;
            for &b in &buf[..n] {
                if b == b'\n' && prev != b'\r' {
                    data.push(b'\r');
                }
                data.push(b);
                prev = b;
            }
            link.send(&data)?;
        }
    }
}
