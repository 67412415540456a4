//! ureq's and I/O errors in netkit's words and kinds (SPEC §5), and whether a failed try
//! may be retried: connect and resolve failures always, drops and stalls before the body
//! only for idempotent methods, and never once `--max-time` is reached.

use std::io;
use std::time::Duration;

use url::Url;

use super::Settings;
use super::target::redact;
use crate::http::policy;
use crate::net::wait;
use crate::{Error, ErrorKind};

/// A failed try, and whether (and after how long) another may follow.
pub(super) struct Failure {
    pub(super) error: Error,
    pub(super) retry: Retry,
}

pub(super) enum Retry {
    No,
    /// After the backoff, or after the server's `Retry-After` when it sent one.
    Yes(Option<Duration>),
}

impl From<Error> for Failure {
    fn from(error: Error) -> Self {
        Failure {
            error,
            retry: Retry::No,
        }
    }
}

pub(super) fn failure_of(error: Error, method: &str, before_body: bool) -> Failure {
    let retry = match error.kind() {
        ErrorKind::Connect | ErrorKind::Resolve => true,
        ErrorKind::Timeout | ErrorKind::Protocol => {
            before_body && policy::is_idempotent(method) && !error.message().contains("--max-time")
        }
        _ => false,
    };
    Failure {
        error,
        retry: if retry { Retry::Yes(None) } else { Retry::No },
    }
}

/// A ureq error in netkit's words and kinds (SPEC §5).
pub fn from_ureq(err: ureq::Error, url: &Url, s: &Settings) -> Error {
    use ureq::Timeout as T;
    let at = redact(url);
    let host = url.host_str().unwrap_or("");
    match err {
        ureq::Error::Other(inner) => match inner.downcast::<Error>() {
            Ok(e) => *e,
            Err(other) => Error::new(ErrorKind::Protocol, format!("{at}: {other}")),
        },
        ureq::Error::Timeout(which) => {
            let (wait, what, flag) = match which {
                T::Global => {
                    return Error::new(ErrorKind::Timeout, format!("{at}: --max-time reached"));
                }
                T::Resolve | T::Connect => (s.connect_timeout, "connecting", "--connect-timeout"),
                T::RecvBody | T::PerRead => (s.timeout, "with no data arriving", "--timeout"),
                T::SendBody | T::SendRequest | T::PerWrite => {
                    (s.timeout, "sending the request", "--timeout")
                }
                _ => (s.timeout, "waiting for the response headers", "--timeout"),
            };
            Error::new(
                ErrorKind::Timeout,
                format!(
                    "{at}: timed out after {} {what} (raise {flag})",
                    wait::seconds(wait)
                ),
            )
        }
        ureq::Error::HostNotFound => crate::net::connect::does_not_resolve(host, "no address"),
        ureq::Error::ConnectionFailed => {
            Error::new(ErrorKind::Connect, format!("{at}: could not connect"))
        }
        // ureq's "Peer disconnected": the request went out and the connection closed before a
        // whole response head came back (an empty or cut-off reply, curl's exit 52). The
        // exchange had begun, so it is a protocol failure (exit 8), not a connect one; and it
        // is retried only for idempotent methods (the server may have acted on a POST).
        ureq::Error::Io(e)
            if e.kind() == io::ErrorKind::UnexpectedEof && e.to_string() == "Peer disconnected" =>
        {
            Error::new(
                ErrorKind::Protocol,
                format!("{at}: the server closed the connection without a complete reply"),
            )
        }
        // rustls reports a failed handshake (an unknown issuer…) through the stream as an
        // io::Error carrying the rustls::Error: that is exit 6, not a connect failure.
        ureq::Error::Io(e) => match e.get_ref().and_then(|i| i.downcast_ref::<rustls::Error>()) {
            Some(tls) => crate::net::tls::handshake_error(host, tls),
            None => io_error(e, &at, 0),
        },
        ureq::Error::Protocol(p) => Error::new(
            ErrorKind::Protocol,
            format!("{at}: malformed response: {p}"),
        ),
        ureq::Error::LargeResponseHeader(_, limit) => Error::new(
            ErrorKind::Protocol,
            format!("{at}: response headers over {limit} bytes; refused"),
        ),
        ureq::Error::Rustls(e) => crate::net::tls::handshake_error(host, &e),
        ureq::Error::Tls(text) => Error::new(ErrorKind::Tls, format!("{at}: TLS: {text}")),
        ureq::Error::Decompress(what, e) => Error::new(
            ErrorKind::Protocol,
            format!("{at}: bad {what} data: {}", crate::error::io_words(&e)),
        ),
        ureq::Error::ConnectProxyFailed(text) => Error::new(
            // "proxy server responded 407/407": proxy credentials are an auth failure.
            if text.contains(" 407/") {
                ErrorKind::Auth
            } else {
                ErrorKind::Connect
            },
            format!("{at}: the proxy refused the tunnel: {text}"),
        ),
        ureq::Error::InvalidProxyUrl => {
            Error::usage("the proxy is not a URL like http://HOST:PORT")
        }
        ureq::Error::BadUri(text) => Error::usage(format!("{at}: {text}")),
        ureq::Error::Http(e) => Error::usage(format!("{at}: bad request: {e}")),
        other => Error::new(ErrorKind::Protocol, format!("{at}: {other}")),
    }
}

fn io_error(e: io::Error, at: &str, received: u64) -> Error {
    match e.kind() {
        io::ErrorKind::ConnectionRefused => {
            Error::new(ErrorKind::Connect, format!("{at}: connection refused"))
        }
        io::ErrorKind::TimedOut => Error::new(ErrorKind::Timeout, format!("{at}: timed out")),
        io::ErrorKind::UnexpectedEof
        | io::ErrorKind::ConnectionReset
        | io::ErrorKind::ConnectionAborted
        | io::ErrorKind::BrokenPipe => crate::net::dropped_error(
            received,
            format!(
                "{at}: the server closed the connection ({})",
                crate::error::io_words(&e)
            ),
        ),
        _ => Error::new(
            ErrorKind::Connect,
            format!("{at}: {}", crate::error::io_words(&e)),
        ),
    }
}

/// An error while reading the body: once headers have arrived, a drop is a protocol error.
pub(super) fn body_error(
    e: io::Error,
    url: &Url,
    received: u64,
    length: Option<u64>,
    s: &Settings,
) -> Error {
    let at = redact(url);
    let kind = e.kind();
    let inner = e.into_inner().map(|b| b.downcast::<ureq::Error>());
    let err = match inner {
        Some(Ok(u)) => match *u {
            ureq::Error::Io(io) => io_error(io, &at, 1),
            other => from_ureq(other, url, s),
        },
        Some(Err(other)) => Error::new(ErrorKind::Protocol, format!("{at}: {other}")),
        None => io_error(io::Error::from(kind), &at, 1),
    };
    if err.kind() == ErrorKind::Protocol && matches!(kind, io::ErrorKind::UnexpectedEof) {
        let of = length.map_or_else(String::new, |l| format!(" of {l}"));
        return Error::new(
            ErrorKind::Protocol,
            format!(
                "{at}: the connection closed after {received}{of} bytes (the .part file is kept; -C resumes it)"
            ),
        );
    }
    err
}
