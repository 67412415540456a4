//! Interactive mode: the terminal in raw mode, its window size sent when it changes (NAWS,
//! RFC 1073), local echo only while the server does not echo, and `^]` for a prompt.

use std::io::{Read, Write};
use std::os::fd::AsRawFd;
use std::time::Duration;

use super::link::{Got, Link, io_error, poll_fds};
use super::max_time_reached;
use crate::cli::exit::Outcome;
use crate::cli::tty;
use crate::net;
use crate::proto::telnet::{BRK, IAC};
use crate::{Error, ErrorKind};

const ESCAPE: u8 = 0x1d; // ^]

pub(super) fn interactive_loop(
    link: &mut Link,
    server: &str,
    deadline: net::Deadline,
) -> Result<Outcome, Error> {
    tty::catch_signals();
    let mut raw = tty::RawMode::enter(0).map_err(|e| {
        Error::new(
            ErrorKind::LocalIo,
            format!("terminal: {}", crate::error::io_words(&e)),
        )
    })?;
    eprint!("Connected to {server}. Escape character is '^]'.\r\n");
    let mut stdout = std::io::stdout();
    let mut buf = [0u8; 4096];
    let outcome = loop {
        if let Some(sig) = tty::stop_signal() {
            break Err(Error::new(
                ErrorKind::Interrupted,
                format!("stopped by signal {sig}"),
            ));
        }
        if deadline.cap(Duration::from_millis(250)).is_none() {
            break Err(max_time_reached());
        }
        if tty::take_resized()
            && let Some((c, r)) = tty::window_size(0)
        {
            let naws = link.neg.resize(c, r);
            link.write(&naws)?;
        }
        let mut fds = [
            libc::pollfd {
                fd: link.sock.as_raw_fd(),
                events: libc::POLLIN,
                revents: 0,
            },
            libc::pollfd {
                fd: 0,
                events: libc::POLLIN,
                revents: 0,
            },
        ];
        if poll_fds(&mut fds, Duration::from_millis(250)).map_err(|e| io_error("poll", &e))? == 0 {
            continue;
        }
        if fds[0].revents != 0 {
            match link.read_ready()? {
                Got::Data(d) => {
                    let _ = stdout.write_all(&d).and_then(|()| stdout.flush());
                }
                Got::Closed => {
                    raw.suspend();
                    eprintln!("\nConnection closed by foreign host.");
                    break Ok(Outcome::Success);
                }
                Got::Nothing => {}
            }
        }
        if fds[1].revents != 0 {
            let n = std::io::stdin().lock().read(&mut buf).unwrap_or(0);
            if n == 0 {
                break Ok(Outcome::Success);
            }
            let typed = &buf[..n];
            let (before, escaped) = match typed.iter().position(|&b| b == ESCAPE) {
                Some(i) => (&typed[..i], true),
                None => (typed, false),
            };
            if !link.neg.remote_echo() {
                let shown: Vec<u8> = before
                    .iter()
                    .flat_map(|&b| {
                        if b == b'\r' {
                            vec![b'\r', b'\n']
                        } else {
                            vec![b]
                        }
                    })
                    .collect();
                let _ = stdout.write_all(&shown).and_then(|()| stdout.flush());
            }
            link.send(before)?;
            if escaped {
                raw.suspend();
                let quit = prompt(link, server)?;
                if quit {
                    break Ok(Outcome::Success);
                }
                raw.resume().map_err(|e| {
                    Error::new(
                        ErrorKind::LocalIo,
                        format!("terminal: {}", crate::error::io_words(&e)),
                    )
                })?;
            }
        }
    };
    drop(raw);
    outcome
}

/// The `^]` prompt, with the terminal cooked: true means quit.
fn prompt(link: &mut Link, server: &str) -> Result<bool, Error> {
    loop {
        eprint!("\nnetkit telnet> ");
        // Cooked mode: the terminal makes stdin readable once a whole line is typed. Until
        // then the signal flags are looked at (read_line alone retries after EINTR, so a
        // SIGTERM would wait for Enter).
        loop {
            if let Some(sig) = tty::stop_signal() {
                return Err(Error::new(
                    ErrorKind::Interrupted,
                    format!("stopped by signal {sig}"),
                ));
            }
            let mut fds = [libc::pollfd {
                fd: 0,
                events: libc::POLLIN,
                revents: 0,
            }];
            if poll_fds(&mut fds, Duration::from_millis(250)).map_err(|e| io_error("poll", &e))? > 0
            {
                break;
            }
        }
        let mut line = String::new();
        if std::io::stdin().read_line(&mut line).unwrap_or(0) == 0 {
            return Ok(true);
        }
        match line.trim() {
            "" => return Ok(false),
            "quit" | "q" | "close" => return Ok(true),
            "send brk" | "brk" | "break" => {
                link.write(&[IAC, BRK])?;
                return Ok(false);
            }
            "status" => {
                let (echo, _) = link.neg.is_on(crate::proto::telnet::ECHO);
                let (_, naws) = link.neg.is_on(crate::proto::telnet::NAWS);
                eprintln!(
                    "Connected to {server}; remote echo {}, window size {}.",
                    if echo { "on" } else { "off" },
                    if naws { "sent" } else { "not negotiated" }
                );
            }
            _ => eprintln!("commands: quit, send brk, status (an empty line goes back)"),
        }
    }
}
