//! The data connection of a session: LIST/MLSD, RETR, STOR/APPE, their 1xx/2xx sequencing,
//! ABOR, and opening the connection (EPSV/PASV, or EPRT/PORT with --active), TLS resumed.

use super::*;

impl Session {
    /// The entries of directory `path` ("" for the login directory): MLSD when FEAT offers
    /// MLST, else LIST parsed as Unix or DOS lines.
    pub fn list(&mut self, path: &str, now: i64) -> Result<Vec<Entry>, Error> {
        self.list_with(path, now, false)
    }

    /// [`Session::list`]; with `all`, LIST is sent as `LIST -a` so that servers hiding
    /// dot files by default (vsftpd without `force_dot_files`, which reads `-a` in LIST's
    /// argument) show them. MLSD takes no options: RFC 3659 servers list every entry.
    pub fn list_with(&mut self, path: &str, now: i64, all: bool) -> Result<Vec<Entry>, Error> {
        let mlsd = self.features.mlsd;
        let list = if all { "LIST -a" } else { "LIST" };
        let command = match (mlsd, path.is_empty()) {
            (true, true) => "MLSD".to_owned(),
            (true, false) => format!("MLSD {path}"),
            (false, true) => list.to_owned(),
            (false, false) => format!("{list} {path}"),
        };
        let mut data = Vec::new();
        self.transfer_in(&command, 0, None, &mut |chunk| {
            if data.len() + chunk.len() > MAX_LISTING {
                return Err(Error::new(
                    ErrorKind::Protocol,
                    format!("the listing ran past {} MiB", MAX_LISTING >> 20),
                ));
            }
            data.extend_from_slice(chunk);
            Ok(())
        })?;
        let text = String::from_utf8_lossy(&data);
        let entries = text
            .split('\n')
            .map(|l| l.trim_end_matches('\r'))
            .filter_map(|l| {
                if mlsd {
                    list::parse_mlsd_line(l)
                } else {
                    list::parse_list_line(l, now)
                }
            })
            .filter(|e| e.name != "." && e.name != "..")
            .collect();
        Ok(entries)
    }

    /// Every entry of `path`, dot files included (`get -r`): MLSD, else `LIST -a` (vsftpd
    /// shows no dot file to a plain LIST), else LIST where `-a` does not work: answered 5xx,
    /// or nothing listed — a server that takes `-a` for a name lists nothing, or sends
    /// ls's complaint about it as the listing, which parses as no entry. Once `LIST -a` has
    /// listed something, or failed where LIST listed, the session keeps to it.
    pub fn list_all(&mut self, path: &str, now: i64) -> Result<Vec<Entry>, Error> {
        if self.features.mlsd || self.dash_a == Some(false) {
            return self.list(path, now);
        }
        let fallback = match self.list_with(path, now, true) {
            Ok(entries) if !entries.is_empty() || self.dash_a == Some(true) => {
                self.dash_a = Some(true);
                return Ok(entries);
            }
            Ok(_) => false,
            Err(e) if e.kind() == ErrorKind::Refused && !self.out_of_step => true,
            Err(e) => return Err(e),
        };
        let entries = self.list(path, now)?;
        if fallback || !entries.is_empty() {
            self.dash_a = Some(false);
        }
        Ok(entries)
    }

    /// RETR `path` from byte `offset` (REST), each chunk to `sink`. Returns the bytes read.
    pub fn retrieve(
        &mut self,
        path: &str,
        offset: u64,
        sink: &mut dyn FnMut(&[u8]) -> Result<(), Error>,
    ) -> Result<u64, Error> {
        self.transfer_in(&format!("RETR {path}"), offset, Some(path), sink)
    }

    /// STOR (or APPE) `path` from `source`; with `offset`, REST first (resuming an upload).
    pub fn store(
        &mut self,
        path: &str,
        source: &mut dyn Read,
        append: bool,
        offset: u64,
        progress: &mut dyn FnMut(u64),
    ) -> Result<u64, Error> {
        let pending = self.prepare_data()?;
        if offset > 0 {
            self.expect_reply(&format!("REST {offset}"), |c| c == 350)?;
        }
        let verb = if append { "APPE" } else { "STOR" };
        if interrupt::requested() {
            return Err(interrupted(verb, 0, "before the transfer began"));
        }
        let go = self.command(&format!("{verb} {path}"))?;
        if go.class() != 1 {
            return Err(reply_error(verb, &go));
        }
        let mut data = self
            .finish_data(pending)
            .inspect_err(|_| self.out_of_step = true)?;
        let watchdog = self.data_watchdog(&data);
        let in_flight = interrupt::InFlight::register(data.try_clone_socket());
        let mut buf = vec![0u8; DATA_CHUNK];
        let mut sent = 0u64;
        let copied: Result<(), Error> = loop {
            let n = match source.read(&mut buf) {
                Ok(0) => break Ok(()),
                Ok(n) => n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => {
                    break Err(Error::new(
                        ErrorKind::LocalIo,
                        format!("reading the upload: {}", crate::error::io_words(&e)),
                    ));
                }
            };
            if let Err(e) = data.write_all(&buf[..n]) {
                break Err(self.data_error(&watchdog, e, "sending"));
            }
            sent += n as u64;
            progress(n as u64);
        };
        if interrupt::requested() {
            drop(in_flight);
            return Err(self.abort(&mut data, verb, sent));
        }
        let flushed = data.flush();
        // close_notify and FIN: the server's end of the upload.
        data.close();
        drop(watchdog);
        drop(in_flight);
        if let Err(e) = copied.and_then(|()| flushed.map_err(write_error)) {
            return Err(self.settle(e));
        }
        let done = self.conn.read_reply()?;
        if done.class() != 2 {
            return Err(reply_error(verb, &done));
        }
        Ok(sent)
    }

    /// A transfer from the server: the data connection, REST when `offset` > 0, the command,
    /// its 1xx, the data, the final reply.
    pub(super) fn transfer_in(
        &mut self,
        command: &str,
        offset: u64,
        expected_name: Option<&str>,
        sink: &mut dyn FnMut(&[u8]) -> Result<(), Error>,
    ) -> Result<u64, Error> {
        let verb = first_word(command).to_owned();
        let pending = self.prepare_data()?;
        if offset > 0 {
            let reply = self.command(&format!("REST {offset}"))?;
            if reply.code != 350 {
                return Err(Error::new(
                    reply.error_kind(),
                    format!(
                        "the server will not resume at byte {offset} (REST: {} {}); \
                         remove the .part file to start again",
                        reply.code,
                        clean(&reply.text())
                    ),
                ));
            }
        }
        if interrupt::requested() {
            return Err(interrupted(&verb, 0, "before the transfer began"));
        }
        let go = self.command(command)?;
        if go.class() != 1 {
            // 226 at once happens for empty listings on some servers; anything else is a refusal.
            if go.class() == 2 && expected_name.is_none() {
                return Ok(0);
            }
            return Err(reply_error(&verb, &go));
        }
        let mut data = self
            .finish_data(pending)
            .inspect_err(|_| self.out_of_step = true)?;
        let watchdog = self.data_watchdog(&data);
        let in_flight = interrupt::InFlight::register(data.try_clone_socket());
        let mut buf = vec![0u8; DATA_CHUNK];
        let mut received = 0u64;
        // The end of the data connection is the end of the file or listing (RFC 959 §3.4,
        // stream mode), so on TLS it must be a close_notify: a bare TCP close is a cut
        // connection or a FIN someone injected, and the 226 the server sends next cannot
        // tell (it wrote everything into its socket). curl fails such a receive too.
        let copied: Result<(), Error> = loop {
            match StrictEof(&mut data).read(&mut buf) {
                Ok(0) => break Ok(()),
                Ok(n) => {
                    received += n as u64;
                    if let Err(e) = sink(&buf[..n]) {
                        break Err(e);
                    }
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => break Err(self.data_error(&watchdog, e, "receiving")),
            }
        };
        // The signal thread shut the data socket down: whatever the read loop made of that
        // (an end of file, a reset), the transfer was interrupted.
        if interrupt::requested() {
            drop(in_flight);
            return Err(self.abort(&mut data, &verb, received));
        }
        data.close();
        drop(watchdog);
        drop(in_flight);
        if let Err(e) = copied {
            return Err(self.settle(e));
        }
        let done = self.conn.read_reply()?;
        if done.class() != 2 {
            return Err(Error::new(
                if done.class() == 4 {
                    ErrorKind::Temporary
                } else {
                    ErrorKind::Protocol
                },
                format!(
                    "{verb} ended after {received} bytes: the server answered {} {}",
                    done.code,
                    clean(&done.text())
                ),
            ));
        }
        Ok(received)
    }

    /// A transfer interrupted by SIGINT/SIGTERM (RFC 959 §4.1.3): the data connection is
    /// closed (the signal thread already shut it down), then ABOR goes on the control
    /// connection and its replies are read for at most [`ABORT_WAIT`]: 426 for the
    /// transfer and 226 (or vsftpd's 225) for ABOR, or a lone 2xx when the transfer had
    /// already ended. Neither Telnet IP nor Synch (TCP urgent data) is sent: urgent data
    /// cannot be carried inside TLS, and the closed data connection is what tells servers
    /// that do not read the control connection during a transfer (vsftpd without
    /// `async_abor_enable`) that it is over. The session is not used again.
    pub(super) fn abort(&mut self, data: &mut Stream, verb: &str, moved: u64) -> Error {
        self.out_of_step = true;
        data.close();
        let bound = self
            .conn
            .writer()
            .try_clone_socket()
            .ok()
            .map(|s| Watchdog::arm(s, Some(Instant::now() + ABORT_WAIT)));
        let mut heard = Vec::new();
        // Whether the wait for the replies ran out (rather than the server hanging up).
        let mut timed_out = false;
        if self.conn.send("ABOR").is_ok() {
            while heard.len() < 2 {
                match self.conn.read_reply() {
                    Ok(r) => {
                        heard.push(r.code.to_string());
                        if r.class() == 2 {
                            break;
                        }
                    }
                    Err(e) => {
                        timed_out = e.kind() == ErrorKind::Timeout;
                        break;
                    }
                }
            }
        }
        // The bound shuts the socket down, which reads as the server's end of the stream.
        timed_out |= bound.as_ref().is_some_and(Watchdog::fired);
        drop(bound);
        self.conn.writer().close();
        let answer = if !heard.is_empty() {
            format!("ABOR answered {}", heard.join(", "))
        } else if timed_out {
            format!(
                "no answer to ABOR within {}",
                crate::net::wait::seconds(ABORT_WAIT)
            )
        } else {
            "the server closed the connection instead of answering ABOR".to_owned()
        };
        interrupted(verb, moved, &answer)
    }

    pub(super) fn data_watchdog(&self, data: &Stream) -> Option<Watchdog> {
        let deadline = self.opts.connect.deadline.instant()?;
        let socket = data.try_clone_socket().ok()?;
        Some(Watchdog::arm(socket, Some(deadline)))
    }

    pub(super) fn data_error(
        &self,
        watchdog: &Option<Watchdog>,
        e: io::Error,
        doing: &str,
    ) -> Error {
        if watchdog.as_ref().is_some_and(Watchdog::fired) {
            return Error::new(ErrorKind::Timeout, "--max-time reached during the transfer");
        }
        match e.kind() {
            io::ErrorKind::TimedOut | io::ErrorKind::WouldBlock => Error::new(
                ErrorKind::Timeout,
                format!(
                    "the data connection was silent for {} (raise --timeout)",
                    crate::net::wait::seconds(self.opts.idle_timeout)
                ),
            ),
            _ => Error::new(
                ErrorKind::Protocol,
                format!(
                    "data connection lost while {doing}: {}",
                    crate::error::io_words(&e)
                ),
            ),
        }
    }

    /// EPSV (else PASV) and connect, or EPRT/PORT and listen.
    pub(super) fn prepare_data(&mut self) -> Result<Pending, Error> {
        if self.opts.active {
            return self.prepare_active();
        }
        let mut port = None;
        if self.try_epsv {
            let reply = self.command("EPSV")?;
            if reply.code == 229 {
                port = Some(pasv::parse_epsv(&reply.text())?);
            } else if reply.class() == 5 {
                self.try_epsv = false;
            } else {
                return Err(reply_error("EPSV", &reply));
            }
        }
        let port = match port {
            Some(p) => p,
            None => {
                if self.peer.is_ipv6() {
                    return Err(Error::new(
                        ErrorKind::Refused,
                        format!(
                            "{} refused EPSV, and PASV cannot reach an IPv6 server (try --active)",
                            self.server
                        ),
                    ));
                }
                let reply = self.expect_reply("PASV", |c| c == 227)?;
                // The address in the reply is ignored: servers behind NAT send private
                // ones, and a hostile server could aim the connection anywhere.
                pasv::parse_pasv(&reply.text())?.port()
            }
        };
        let addr = SocketAddr::new(self.peer, port);
        let connected =
            crate::net::connect::connect_resolved(&self.host, &[addr], &self.opts.connect)
                .map_err(|e| Error::new(e.kind(), format!("data connection: {}", e.message())))?;
        Ok(Pending::Connected(connected.stream))
    }

    pub(super) fn prepare_active(&mut self) -> Result<Pending, Error> {
        let io = |e: io::Error| {
            Error::new(
                ErrorKind::LocalIo,
                format!("--active: cannot listen: {}", crate::error::io_words(&e)),
            )
        };
        let listener = TcpListener::bind(SocketAddr::new(self.local, 0)).map_err(io)?;
        let addr = listener.local_addr().map_err(io)?;
        let reply = self.command(&format!("EPRT {}", pasv::eprt_argument(addr)))?;
        if reply.code != 200 {
            let Some(arg) = pasv::port_argument(addr) else {
                return Err(reply_error("EPRT", &reply));
            };
            self.expect_reply(&format!("PORT {arg}"), |c| c == 200)?;
        }
        Ok(Pending::Listening(listener))
    }

    /// After the 1xx reply: the accepted connection (active), then TLS when data is protected.
    pub(super) fn finish_data(&mut self, pending: Pending) -> Result<Stream, Error> {
        let idle = self.opts.idle_timeout;
        let tcp = match pending {
            Pending::Connected(s) => s,
            Pending::Listening(l) => self.accept(&l)?,
        };
        let io =
            |e: io::Error| Error::new(ErrorKind::LocalIo, crate::error::io_words(&e).to_string());
        tcp.set_nodelay(true).map_err(io)?;
        let stream = Stream::Plain(tcp);
        stream.set_idle_timeout(idle).map_err(io)?;
        match &self.data_tls {
            None => Ok(stream),
            Some(config) => {
                let deadline = Instant::now() + self.opts.connect.connect_timeout;
                stream
                    .upgrade(&self.host, config.clone(), deadline, idle)
                    .map_err(|e| Error::new(e.kind(), format!("data connection: {}", e.message())))
            }
        }
    }

    /// Waits for the server's data connection (`--active`) within the connect timeout; one
    /// from any address but the server's is refused (it would be someone else's data).
    pub(super) fn accept(&self, listener: &TcpListener) -> Result<TcpStream, Error> {
        let until = Instant::now() + self.opts.connect.connect_timeout;
        loop {
            let left = until.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return Err(Error::new(
                    ErrorKind::Timeout,
                    format!(
                        "{} never opened the data connection (--active; a firewall or NAT \
                         in between? try without --active)",
                        self.server
                    ),
                ));
            }
            let mut fds = libc::pollfd {
                fd: listener.as_raw_fd(),
                events: libc::POLLIN,
                revents: 0,
            };
            let ms = i32::try_from(left.as_millis().min(1000))
                .unwrap_or(1000)
                .max(1);
            // SAFETY: one valid pollfd for a descriptor the listener owns.
            let ready = unsafe { libc::poll(&mut fds, 1, ms) };
            if ready <= 0 {
                continue;
            }
            let (stream, from) = listener.accept().map_err(|e| {
                Error::new(
                    ErrorKind::LocalIo,
                    format!("--active: accept: {}", crate::error::io_words(&e)),
                )
            })?;
            if from.ip() == self.peer {
                return Ok(stream);
            }
            drop(stream);
        }
    }
}

pub(super) fn interrupted(verb: &str, moved: u64, how: &str) -> Error {
    Error::new(
        ErrorKind::Interrupted,
        format!("interrupted: {verb} stopped after {moved} bytes ({how})"),
    )
}
