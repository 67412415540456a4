//! The exit-code table of SPEC §5, and the one function from an error to its code. Also the
//! error report itself: `netkit CMD: message` on stderr, or the JSON error line with `--json`.

use std::io::{self, Write};

use crate::{Error, ErrorKind};

/// What a command that did not fail outright ended with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Success,
    /// Finished, but with a non-zero status (some items failed, a check did not pass…).
    Exit(ErrorKind),
}

impl Outcome {
    pub fn code(self) -> u8 {
        match self {
            Outcome::Success => 0,
            Outcome::Exit(kind) => code(kind),
        }
    }
}

/// SPEC §5: the exit code of each kind. The only place these numbers are written.
pub fn code(kind: ErrorKind) -> u8 {
    match kind {
        ErrorKind::Refused => 1,
        ErrorKind::Usage => 2,
        ErrorKind::Resolve => 3,
        ErrorKind::Connect => 4,
        ErrorKind::Timeout => 5,
        ErrorKind::Tls => 6,
        ErrorKind::Auth => 7,
        ErrorKind::Protocol => 8,
        ErrorKind::LocalIo => 9,
        ErrorKind::CheckFailed => 10,
        ErrorKind::Temporary => 11,
        ErrorKind::Partial => 12,
        ErrorKind::Interrupted => 130,
    }
}

/// Every kind with its code, for the man pages and the README.
pub const TABLE: &[(u8, &str, &str)] = &[
    (0, "ok", ""),
    (
        1,
        "refused",
        "permanent negative reply: SMTP/FTP 5xx, -ERR, IMAP NO, HTTP 4xx",
    ),
    (2, "usage", "bad flag, bad URL, bad input file"),
    (3, "resolve", "host name does not resolve"),
    (
        4,
        "connect",
        "refused, unreachable, reset before the exchange began",
    ),
    (5, "timeout", "any timeout or --max-time"),
    (
        6,
        "tls",
        "handshake, certificate, --tls required not offered",
    ),
    (7, "auth", "credentials missing or rejected"),
    (
        8,
        "protocol",
        "malformed or unexpected reply; connection dropped mid-exchange",
    ),
    (9, "local-io", "cannot read input / write output, disk full"),
    (
        10,
        "check-failed",
        "--max-offset exceeded, --sha256 mismatch, --expect not matched",
    ),
    (
        11,
        "temporary",
        "retry later: SMTP/FTP 4xx, HTTP 429/503, IMAP [UNAVAILABLE]",
    ),
    (12, "partial", "some items failed"),
    (130, "interrupted", "SIGINT"),
];

/// The kind of any error that reaches the front end: the first typed cause in the chain
/// decides; an I/O error without one is local I/O.
pub fn classify(err: &anyhow::Error) -> ErrorKind {
    for cause in err.chain() {
        if let Some(e) = cause.downcast_ref::<Error>() {
            return e.kind();
        }
        if let Some(e) = cause.downcast_ref::<io::Error>() {
            return match e.kind() {
                io::ErrorKind::TimedOut | io::ErrorKind::WouldBlock => ErrorKind::Timeout,
                io::ErrorKind::Interrupted => ErrorKind::Interrupted,
                _ => ErrorKind::LocalIo,
            };
        }
    }
    ErrorKind::Usage
}

/// True when the error is a write to a closed pipe (`netkit … | head -1`): not a failure.
pub fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|cause| {
        cause
            .downcast_ref::<io::Error>()
            .is_some_and(|e| e.kind() == io::ErrorKind::BrokenPipe)
    })
}

/// Prints the error as SPEC §4 wants it and returns its exit code. A broken pipe exits 0
/// quietly: the reader has all it wanted.
pub fn report(command: &str, json: bool, err: &anyhow::Error) -> u8 {
    if is_broken_pipe(err) {
        return 0;
    }
    let kind = classify(err);
    let code = code(kind);
    // `{:#}` joins the context chain on one line: "reading stdin: Is a directory".
    let message = format!("{err:#}");
    let mut stderr = io::stderr().lock();
    let line = if json {
        serde_json::json!({
            "error": {"kind": kind.name(), "message": message, "exit_code": code}
        })
        .to_string()
    } else {
        format!("netkit {command}: {message}")
    };
    // Nothing sensible is left to do if stderr itself is gone.
    let _ = writeln!(stderr, "{line}");
    code
}

/// clap's own errors: help and version go to stdout with exit 0, the rest are usage (2).
pub fn report_clap_error(err: clap::Error) -> u8 {
    use clap::error::ErrorKind as K;
    let ok = matches!(
        err.kind(),
        K::DisplayHelp | K::DisplayVersion | K::DisplayHelpOnMissingArgumentOrSubcommand
    );
    // A closed stdout while printing help is no error either.
    let _ = err.print();
    if ok && err.kind() != K::DisplayHelpOnMissingArgumentOrSubcommand {
        0
    } else {
        code(ErrorKind::Usage)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_and_code_agree() {
        let kinds = [
            ErrorKind::Refused,
            ErrorKind::Usage,
            ErrorKind::Resolve,
            ErrorKind::Connect,
            ErrorKind::Timeout,
            ErrorKind::Tls,
            ErrorKind::Auth,
            ErrorKind::Protocol,
            ErrorKind::LocalIo,
            ErrorKind::CheckFailed,
            ErrorKind::Temporary,
            ErrorKind::Partial,
            ErrorKind::Interrupted,
        ];
        for kind in kinds {
            let row = TABLE.iter().find(|r| r.1 == kind.name());
            assert_eq!(row.map(|r| r.0), Some(code(kind)), "{kind}");
        }
    }

    #[test]
    fn typed_cause_decides_the_kind() {
        let err = anyhow::Error::new(Error::new(ErrorKind::Timeout, "slow")).context("asking");
        assert_eq!(classify(&err), ErrorKind::Timeout);
        let io = anyhow::Error::new(io::Error::from(io::ErrorKind::PermissionDenied));
        assert_eq!(classify(&io), ErrorKind::LocalIo);
    }

    #[test]
    fn broken_pipe_is_recognised_through_context() {
        let err = anyhow::Error::new(io::Error::from(io::ErrorKind::BrokenPipe)).context("out");
        assert!(is_broken_pipe(&err));
    }
}
