//! The shared command/reply line layer for FTP, SMTP, POP3, IMAP and NNTP, after curl's
//! `pingpong.c`: one capped line reader, one `send` that adds CRLF and refuses CR, LF and NUL
//! in arguments (no command injection), reply classifiers, dot-stuffing both ways, and the
//! `-v` transcript with secrets shown as `***`. The parsers are sans-IO and tested on bytes.

pub mod dot;
pub mod line;
pub mod reply;
pub mod transcript;

use std::io::{self, Read, Write};

pub use dot::{DotReader, DotStuffer};
pub use line::{LineReader, StepClock};
pub use reply::{Continuation, ImapLine, ImapStatus, PopStatus, Reply, ReplyBuilder};
pub use transcript::Transcript;

use crate::auth::Secret;
use crate::net::{Stream, TlsContext};
use crate::{Error, ErrorKind};

/// A freshly connected server, as the front end made it: what every line-protocol session
/// (FTP, POP3, IMAP, NNTP) starts from.
pub struct Peer<'a> {
    pub stream: Stream,
    /// The host name for TLS verification.
    pub host: &'a str,
    /// `host:port`, for messages.
    pub server: &'a str,
    pub tls: &'a TlsContext,
    pub transcript: Transcript,
}

/// Refuses what would let an argument end one command and start another.
pub fn check_argument(what: &str, value: &str) -> Result<(), Error> {
    if value.bytes().any(|b| matches!(b, b'\r' | b'\n' | 0)) {
        return Err(Error::usage(format!(
            "{what} contains a line break or NUL byte: refused"
        )));
    }
    Ok(())
}

/// One command/reply connection over any byte stream (plain TCP or TLS).
pub struct Conn<S: Read + Write> {
    reader: LineReader<S>,
    out: Vec<u8>,
    transcript: Transcript,
    continuation: Continuation,
    /// `-t`, when [`Conn::bound_steps`] installed the step clock: for the messages of
    /// [`Conn::end_step`].
    step: Option<std::time::Duration>,
}

/// A step of several replies begun by [`Conn::begin_step`]: hand it back to
/// [`Conn::end_step`] with what the step read.
#[must_use = "a step is ended by Conn::end_step"]
pub struct Step {
    began: bool,
}

impl<S: Read + Write> Conn<S> {
    pub fn new(stream: S, transcript: Transcript) -> Self {
        Conn {
            reader: LineReader::new(stream),
            out: Vec::with_capacity(1024),
            transcript,
            continuation: Continuation::EveryLine,
            step: None,
        }
    }

    /// The multi-line reply rule of this protocol (FTP: free text; SMTP, NNTP: the default).
    pub fn set_continuation(&mut self, rule: Continuation) {
        self.continuation = rule;
    }

    /// Bounds each step (a reply, a line) by `-t` as a whole: `socket` is a second handle on
    /// the connection's socket ([`crate::net::Stream::try_clone_socket`]).
    pub fn bound_steps(&mut self, socket: std::net::TcpStream, timeout: std::time::Duration) {
        self.reader.set_step_clock(StepClock::new(socket, timeout));
        self.step = Some(timeout);
    }

    /// Begins one step that spans a whole exchange of several replies or lines — a
    /// capability list, an IMAP command's untagged responses up to its completion — so
    /// that `-t` bounds it as a whole: a server that trickles such a reply a line at a
    /// time (each line well within `-t`) cannot hold the command until a line cap. Only
    /// for replies small by nature; a listing of the user's data (LIST, OVER, RETR)
    /// takes what its size takes, a line step at a time. Begin it after sending the
    /// command, so that only waiting for the server is timed.
    pub fn begin_step(&mut self) -> Step {
        Step {
            began: self.reader.begin_step(),
        }
    }

    /// Ends `step`; a timeout inside it says what it was waiting for (`what`: "the end of
    /// the CAPA reply") and which flag to raise.
    pub fn end_step<T>(
        &mut self,
        step: Step,
        what: &str,
        result: Result<T, Error>,
    ) -> Result<T, Error> {
        if !step.began {
            return result;
        }
        self.reader.end_step();
        result.map_err(|e| match self.step {
            Some(limit) if e.kind() == ErrorKind::Timeout => Error::new(
                ErrorKind::Timeout,
                format!(
                    "timed out after {} waiting for {what} (raise --timeout)",
                    crate::net::wait::seconds(limit)
                ),
            ),
            _ => e,
        })
    }

    /// Queues `command` + CRLF without sending (PIPELINING); [`Conn::flush`] sends the batch.
    pub fn queue(&mut self, command: &str) -> Result<(), Error> {
        check_argument("a command", command)?;
        self.transcript.sent(command.as_bytes());
        self.out.extend_from_slice(command.as_bytes());
        self.out.extend_from_slice(b"\r\n");
        Ok(())
    }

    /// Sends `command` + CRLF now.
    pub fn send(&mut self, command: &str) -> Result<(), Error> {
        self.queue(command)?;
        self.flush()
    }

    /// Sends `visible` followed by the secret (`PASS hunter2`); the transcript shows
    /// `visible***`. With an empty `visible` (a SASL response line) it shows `***` alone.
    pub fn send_secret(&mut self, visible: &str, secret: &Secret) -> Result<(), Error> {
        check_argument("a command", visible)?;
        check_argument("a credential", secret.expose())?;
        self.transcript.sent(format!("{visible}***").as_bytes());
        self.out.extend_from_slice(visible.as_bytes());
        self.out.extend_from_slice(secret.expose().as_bytes());
        self.out.extend_from_slice(b"\r\n");
        self.flush()
    }

    pub fn flush(&mut self) -> Result<(), Error> {
        let stream = self.reader.get_mut();
        let result = stream.write_all(&self.out).and_then(|()| stream.flush());
        self.out.clear();
        result.map_err(write_error)
    }

    /// The stream, for its facts (TLS, the socket).
    pub fn stream_ref(&self) -> &S {
        self.reader.get_ref()
    }

    /// Bytes received so far on this connection.
    pub fn received(&self) -> u64 {
        self.reader.received()
    }

    /// Raw bytes (a message body through [`DotStuffer`]): the stream, for writing.
    pub fn writer(&mut self) -> &mut S {
        self.reader.get_mut()
    }

    /// The next line, shown in the transcript. EOF is a dropped connection.
    pub fn read_line(&mut self) -> Result<&[u8], Error> {
        match self.reader.read_line()? {
            Some(line) => {
                self.transcript.received(line);
                Ok(line)
            }
            None => Err(Error::new(
                ErrorKind::Protocol,
                "the server closed the connection",
            )),
        }
    }

    /// A complete numeric reply (SMTP, FTP, NNTP): one step, all its lines within `-t`.
    pub fn read_reply(&mut self) -> Result<Reply, Error> {
        let began = self.reader.begin_step();
        let reply = self.read_reply_lines();
        if began {
            self.reader.end_step();
        }
        reply
    }

    fn read_reply_lines(&mut self) -> Result<Reply, Error> {
        let mut builder = ReplyBuilder::with_rule(self.continuation);
        loop {
            let line = self.read_line()?;
            if let Some(reply) = builder.feed(line)? {
                return Ok(reply);
            }
        }
    }

    /// The server's first reply (greeting). A connection closed or reset before its first
    /// byte never began the exchange: that is a connect error (4), not a protocol one.
    pub fn read_greeting(&mut self) -> Result<Reply, Error> {
        self.read_reply().map_err(|e| {
            if self.reader.received() == 0 && e.kind() == ErrorKind::Protocol {
                crate::net::dropped_error(
                    0,
                    format!(
                        "{} before its greeting (is this the right port?)",
                        e.message()
                    ),
                )
            } else {
                e
            }
        })
    }

    /// A POP3 status line.
    pub fn read_pop_status(&mut self) -> Result<PopStatus, Error> {
        let line = self.read_line()?;
        reply::parse_pop_status(line)
    }

    /// A dot-terminated body reader (POP3 RETR, NNTP ARTICLE…). Body lines are not
    /// transcribed: they are data, and may be large.
    pub fn dot_reader(&mut self) -> DotReader<'_, S> {
        DotReader::new(&mut self.reader)
    }

    /// The line reader, for protocol modules that need literals (IMAP).
    pub fn lines(&mut self) -> &mut LineReader<S> {
        &mut self.reader
    }

    pub fn transcript(&mut self) -> &mut Transcript {
        &mut self.transcript
    }

    /// Takes the stream back for an in-place upgrade (STARTTLS). Refuses when the server
    /// already sent bytes after its "go ahead": they would be unauthenticated plaintext
    /// passed off as TLS data (the STARTTLS command-injection attack, CVE-2011-0411).
    pub fn into_stream(self) -> Result<(S, Transcript), Error> {
        if !self.reader.buffered().is_empty() {
            return Err(Error::new(
                ErrorKind::Tls,
                "the server sent data before the TLS handshake: refused",
            ));
        }
        Ok((self.reader.into_inner(), self.transcript))
    }
}

impl Conn<crate::net::Stream> {
    /// A connection over a network stream whose every step (a greeting, a reply, a line) is
    /// bounded by `timeout` as a whole: the way every protocol client should open one.
    pub fn timed(
        stream: crate::net::Stream,
        transcript: Transcript,
        timeout: std::time::Duration,
    ) -> Result<Self, Error> {
        let socket = stream.try_clone_socket().map_err(|e| {
            Error::new(
                ErrorKind::LocalIo,
                format!("socket: {}", crate::error::io_words(&e)),
            )
        })?;
        let mut conn = Conn::new(stream, transcript);
        conn.bound_steps(socket, timeout);
        Ok(conn)
    }
}

/// A write error on an established connection.
pub fn write_error(e: io::Error) -> Error {
    match e.kind() {
        io::ErrorKind::TimedOut | io::ErrorKind::WouldBlock => Error::new(
            ErrorKind::Timeout,
            "timed out sending to the server (raise --timeout)",
        ),
        _ => Error::new(
            ErrorKind::Protocol,
            format!(
                "connection lost while sending: {}",
                crate::error::io_words(&e)
            ),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Cursor;

    /// A fake stream: reads from a script, records what is written.
    struct Duplex {
        input: Cursor<Vec<u8>>,
        written: Vec<u8>,
    }

    impl Read for Duplex {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            self.input.read(buf)
        }
    }

    impl Write for Duplex {
        fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
            self.written.extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    fn conn(script: &[u8]) -> Conn<Duplex> {
        let stream = Duplex {
            input: Cursor::new(script.to_vec()),
            written: Vec::new(),
        };
        Conn::new(stream, Transcript::off())
    }

    #[test]
    fn send_adds_crlf_and_refuses_injection() {
        let mut c = conn(b"");
        c.send("MAIL FROM:<a@b>").unwrap();
        assert_eq!(c.writer().written, b"MAIL FROM:<a@b>\r\n");
        for bad in ["RCPT TO:<x>\r\nDATA", "A\nB", "NUL\0"] {
            assert_eq!(c.send(bad).unwrap_err().kind(), ErrorKind::Usage);
        }
    }

    #[test]
    fn pipelined_commands_go_out_in_one_write() {
        let mut c = conn(b"250 ok\r\n250 ok\r\n");
        c.queue("MAIL FROM:<a@b>").unwrap();
        c.queue("RCPT TO:<c@d>").unwrap();
        assert!(c.writer().written.is_empty());
        c.flush().unwrap();
        assert_eq!(c.writer().written, b"MAIL FROM:<a@b>\r\nRCPT TO:<c@d>\r\n");
        assert_eq!(c.read_reply().unwrap().code, 250);
        assert_eq!(c.read_reply().unwrap().code, 250);
        assert_eq!(c.read_reply().unwrap_err().kind(), ErrorKind::Protocol);
    }

    #[test]
    fn secrets_are_sent_but_not_transcribed() {
        use std::sync::{Arc, Mutex};
        #[derive(Clone, Default)]
        struct Shared(Arc<Mutex<Vec<u8>>>);
        impl Write for Shared {
            fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
                self.0.lock().unwrap().extend_from_slice(buf);
                Ok(buf.len())
            }
            fn flush(&mut self) -> io::Result<()> {
                Ok(())
            }
        }
        let log = Shared::default();
        let stream = Duplex {
            input: Cursor::new(Vec::new()),
            written: Vec::new(),
        };
        let mut c = Conn::new(stream, Transcript::to_writer(1, log.clone()));
        c.send_secret("PASS ", &Secret::new("hunter2")).unwrap();
        assert_eq!(c.writer().written, b"PASS hunter2\r\n");
        let text = String::from_utf8(log.0.lock().unwrap().clone()).unwrap();
        assert_eq!(text, "> PASS ***\n");
    }

    #[test]
    fn plaintext_after_starttls_go_ahead_is_refused() {
        let mut c = conn(b"220 go ahead\r\n250 injected\r\n");
        assert_eq!(c.read_reply().unwrap().code, 220);
        assert_eq!(
            c.into_stream().err().map(|e| e.kind()),
            Some(ErrorKind::Tls)
        );
        let mut c = conn(b"220 go ahead\r\n");
        c.read_reply().unwrap();
        assert!(c.into_stream().is_ok());
    }
}
