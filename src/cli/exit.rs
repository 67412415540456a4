//! The exit-code table of SPEC §5, and the one function from an error to its code. Also the
//! error report itself: `netkit CMD: message` on stderr, or the JSON error line with `--json`.

use std::ffi::OsString;
use std::io::{self, Write};

use crate::auth::redact::{escape_controls, redact_userinfo};

use crate::{Error, ErrorKind};

/// What a command that did not fail outright ended with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Success,
    /// Finished, but with a non-zero status (some items failed, a check did not pass…).
    Exit(ErrorKind),
    /// An exit code decided elsewhere: `--check --nagios` speaks monitoring-plugins' 0–3,
    /// and a probe's code is its first failing phase's.
    Code(u8),
}

impl Outcome {
    pub fn code(self) -> u8 {
        match self {
            Outcome::Success => 0,
            Outcome::Exit(kind) => code(kind),
            Outcome::Code(c) => c,
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
    // `{:#}` joins the context chain on one line: "reading stdin: Is a directory".
    print_error(command, json, kind, &format!("{err:#}"))
}

/// [`report`] for one item among many: with `--json` the error line names the item.
pub fn report_item(command: &str, json: bool, item: &str, err: &anyhow::Error) -> u8 {
    if is_broken_pipe(err) {
        return 0;
    }
    print_item_error(
        command,
        json,
        Some(item),
        classify(err),
        &format!("{err:#}"),
    )
}

/// One error line on stderr, text or JSON, with any URL password masked and control
/// characters escaped, whatever produced the message. Returns the exit code.
pub fn print_error(command: &str, json: bool, kind: ErrorKind, message: &str) -> u8 {
    print_item_error(command, json, None, kind, message)
}

/// The error of one item among many (a bad URL in a stream, a name that does not resolve):
/// the same line as [`print_error`], with `"item"` in JSON. The command goes on, and ends
/// with [`ItemTally::outcome`].
pub fn print_item_error(
    command: &str,
    json: bool,
    item: Option<&str>,
    kind: ErrorKind,
    message: &str,
) -> u8 {
    let line = error_line(command, json, item, kind, message);
    // Nothing sensible is left to do if stderr itself is gone.
    let _ = writeln!(io::stderr().lock(), "{line}");
    code(kind)
}

/// The line [`print_item_error`] prints, without its line end (for a writer of its own:
/// the forced exit after a signal, see `net::interrupt::on_forced_exit`).
pub fn error_line(
    command: &str,
    json: bool,
    item: Option<&str>,
    kind: ErrorKind,
    message: &str,
) -> String {
    let code = code(kind);
    let message = safe_text(message);
    if json {
        let mut error = serde_json::json!({
            "kind": kind.name(), "message": message, "exit_code": code
        });
        if let Some(item) = item {
            error["item"] = serde_json::Value::from(safe_text(item));
        }
        serde_json::json!({ "error": error }).to_string()
    } else {
        format!("{}: {message}", prefix(command))
    }
}

/// Counts the items of a multi-item command, for its exit: 0 when all succeeded; 12 when
/// some failed (SPEC §5 "partial"), whether they came as arguments or stdin lines.
#[derive(Debug, Default, Clone, Copy)]
pub struct ItemTally {
    pub ok: u64,
    pub failed: u64,
}

impl ItemTally {
    pub fn outcome(&self) -> Outcome {
        if self.failed == 0 {
            Outcome::Success
        } else {
            Outcome::Exit(ErrorKind::Partial)
        }
    }
}

/// `netkit CMD`, or `netkit` alone for the binary's own options (`--list`, `--install`).
pub fn prefix(command: &str) -> String {
    if command == "netkit" || command.is_empty() {
        "netkit".to_owned()
    } else {
        format!("netkit {command}")
    }
}

/// Text a user sees: passwords in URLs masked, control characters shown as `\xNN`.
pub fn safe_text(text: &str) -> String {
    let masked = crate::auth::secret::mask_secrets(text);
    escape_controls(&redact_userinfo(&masked)).into_owned()
}

/// Whether `--nagios` is on the line (before a `--`): a usage error is then UNKNOWN (3).
pub fn nagios_requested(args: &[OsString]) -> bool {
    args.iter()
        .skip(1)
        .take_while(|a| *a != "--")
        .any(|a| a == "--nagios")
}

/// Whether the user asked for JSON anywhere on the line (before a `--`): decides the shape
/// of a usage error even when clap could not make sense of the rest.
pub fn json_requested(args: &[OsString]) -> bool {
    let args: Vec<&std::ffi::OsStr> = args
        .iter()
        .skip(1)
        .map(OsString::as_os_str)
        .take_while(|a| *a != "--")
        .collect();
    args.iter().any(|a| *a == "--json" || *a == "--log=json")
        || args.windows(2).any(|w| w[0] == "--log" && w[1] == "json")
}

/// clap's own errors: help and version go to stdout with exit 0 (9 when stdout cannot take
/// them), the rest are usage errors (2): clap's text, or with `--json` the JSON error line.
pub fn report_clap_error(err: clap::Error, command: &str, json: bool) -> u8 {
    use clap::error::ErrorKind as K;
    match err.kind() {
        K::DisplayHelp | K::DisplayVersion => {
            // Every command's --version names the binary: `netkit 0.1.0`.
            let text = if err.kind() == K::DisplayVersion {
                format!("netkit {}\n", env!("CARGO_PKG_VERSION"))
            } else {
                err.render().to_string()
            };
            let mut out = crate::cli::render::Stdout::new();
            let written = out.write_all(text.as_bytes()).and_then(|()| out.finish());
            match written {
                Ok(()) => 0,
                Err(e) if e.kind() == io::ErrorKind::BrokenPipe => 0,
                Err(e) => print_error(
                    command,
                    false,
                    ErrorKind::LocalIo,
                    &format!("writing to standard output: {}", crate::error::io_words(&e)),
                ),
            }
        }
        _ if json => {
            // clap's first paragraph, on one line: "the following required arguments were
            // not provided: --from <ADDR>".
            let rendered = err.render().to_string();
            let message = rendered
                .lines()
                .take_while(|l| !l.trim().is_empty())
                .map(str::trim)
                .collect::<Vec<_>>()
                .join(" ");
            let message = message.strip_prefix("error: ").unwrap_or(&message);
            print_error(command, true, ErrorKind::Usage, message)
        }
        _ => {
            let text = safe_multiline(&err.render().to_string());
            let _ = io::stderr().lock().write_all(text.as_bytes());
            code(ErrorKind::Usage)
        }
    }
}

/// [`safe_text`] line by line, keeping the line breaks of clap's multi-line messages.
fn safe_multiline(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for line in text.split_inclusive('\n') {
        let (body, end) = match line.strip_suffix('\n') {
            Some(b) => (b, "\n"),
            None => (line, ""),
        };
        out.push_str(&safe_text(body));
        out.push_str(end);
    }
    out
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
