//! The library's one error type. Every failure carries a [`ErrorKind`], and the front end maps
//! kinds to exit codes in exactly one place (`cli::exit`, SPEC §5).

use std::fmt;

/// What went wrong, in the terms of SPEC §5. The front end turns it into an exit code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ErrorKind {
    /// A permanent negative reply (SMTP/FTP 5xx, `-ERR`, IMAP `NO`, HTTP 4xx).
    Refused,
    /// Bad flag, bad URL, bad input.
    Usage,
    /// A host name that does not resolve.
    Resolve,
    /// Refused, unreachable, reset before the exchange began.
    Connect,
    /// Any timeout, `--max-time` included.
    Timeout,
    /// Handshake, certificate, `--tls required` not offered.
    Tls,
    /// Credentials missing or rejected.
    Auth,
    /// Malformed or unexpected reply; connection dropped mid-exchange.
    Protocol,
    /// Cannot read input or write output.
    LocalIo,
    /// A check the user asked for failed (`--max-offset`, `--sha256`, `--expect`).
    CheckFailed,
    /// Retry later (4xx, 429/503).
    Temporary,
    /// Some items failed, others succeeded.
    Partial,
    /// SIGINT.
    Interrupted,
}

impl ErrorKind {
    /// The kind's name as SPEC §5 spells it; used in the JSON error line.
    pub fn name(self) -> &'static str {
        match self {
            ErrorKind::Refused => "refused",
            ErrorKind::Usage => "usage",
            ErrorKind::Resolve => "resolve",
            ErrorKind::Connect => "connect",
            ErrorKind::Timeout => "timeout",
            ErrorKind::Tls => "tls",
            ErrorKind::Auth => "auth",
            ErrorKind::Protocol => "protocol",
            ErrorKind::LocalIo => "local-io",
            ErrorKind::CheckFailed => "check-failed",
            ErrorKind::Temporary => "temporary",
            ErrorKind::Partial => "partial",
            ErrorKind::Interrupted => "interrupted",
        }
    }
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A library error: a kind plus a one-line message that names the peer and what to do.
#[derive(Debug)]
pub struct Error {
    kind: ErrorKind,
    message: String,
    source: Option<Box<dyn std::error::Error + Send + Sync + 'static>>,
}

impl Error {
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        Error {
            kind,
            message: message.into(),
            source: None,
        }
    }

    /// Shorthand for the most common kind: bad user input.
    pub fn usage(message: impl Into<String>) -> Self {
        Error::new(ErrorKind::Usage, message)
    }

    pub fn with_source(mut self, source: impl std::error::Error + Send + Sync + 'static) -> Self {
        self.source = Some(Box::new(source));
        self
    }

    pub fn kind(&self) -> ErrorKind {
        self.kind
    }

    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.source
            .as_deref()
            .map(|e| e as &(dyn std::error::Error + 'static))
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// An I/O error in words, for one-line messages: the OS's text without Rust's
/// " (os error 111)" suffix, starting lower-case ("connection refused", "no such file or
/// directory"). Errors that carry no errno keep their own text.
pub fn io_words(e: &std::io::Error) -> String {
    let text = e.to_string();
    let text = match (e.raw_os_error(), text.rfind(" (os error ")) {
        (Some(_), Some(at)) => &text[..at],
        _ => text.as_str(),
    };
    let mut chars = text.chars();
    match chars.next() {
        Some(first) if chars.clone().next().is_some_and(|c| c.is_lowercase()) => {
            first.to_lowercase().chain(chars).collect()
        }
        _ => text.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::io_words;
    use std::io;

    #[test]
    fn errno_becomes_words_without_the_number() {
        let e = io::Error::from_raw_os_error(libc::ECONNREFUSED);
        assert_eq!(io_words(&e), "connection refused");
        let e = io::Error::from_raw_os_error(libc::ENOENT);
        assert_eq!(io_words(&e), "no such file or directory");
    }

    #[test]
    fn custom_errors_keep_their_text() {
        let e = io::Error::other("TLS alert: bad certificate");
        assert_eq!(io_words(&e), "TLS alert: bad certificate");
    }
}
