//! The verdict of a probe: the user's checks (`--cert-days`, `--expect`, `--warn-ms`,
//! `--crit-ms`) judged against what the [`Recorder`] saw.

use super::*;

/// The checks the user asked for besides "every phase passed".
#[derive(Debug, Clone, Default)]
pub struct Checks {
    /// Fail when the certificate expires within this many days.
    pub cert_days: Option<u32>,
    /// Texts the greeting or a reply must contain (each of them).
    pub expect: Vec<String>,
    pub warn_ms: Option<f64>,
    pub crit_ms: Option<f64>,
}

/// The monitoring-plugins states.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Ok,
    Warning,
    Critical,
    Unknown,
}

impl Status {
    pub fn word(self) -> &'static str {
        match self {
            Status::Ok => "OK",
            Status::Warning => "WARNING",
            Status::Critical => "CRITICAL",
            Status::Unknown => "UNKNOWN",
        }
    }

    /// The plugin exit code (monitoring-plugins guidelines §2.3).
    pub fn nagios_code(self) -> u8 {
        match self {
            Status::Ok => 0,
            Status::Warning => 1,
            Status::Critical => 2,
            Status::Unknown => 3,
        }
    }
}

/// Why a probe did not pass: the failing phase (none for a check on the whole run) and the
/// error, whose kind is the SPEC §5 exit code.
#[derive(Debug, Clone)]
pub struct Failure {
    pub phase: Option<Phase>,
    pub kind: ErrorKind,
    pub message: String,
}

/// A finished probe: what was recorded and what it means.
#[derive(Debug, Clone)]
pub struct Report {
    /// The URL as shown (password masked).
    pub url: String,
    /// `SMTP`, `IMAP`…: the monitoring-plugins service name.
    pub service: &'static str,
    pub record: Record,
    pub status: Status,
    pub failure: Option<Failure>,
    /// Why the status is WARNING.
    pub warning: Option<String>,
    pub checks: Checks,
}

impl Report {
    /// The kind behind a non-zero SPEC §5 exit: `None` when every phase and check passed
    /// (a WARNING exits 0 outside `--nagios`).
    pub fn failed_kind(&self) -> Option<ErrorKind> {
        self.failure.as_ref().map(|f| f.kind)
    }
}

/// Judges a finished probe: the session's own error first (its phase is the one under way
/// when it failed), then `--cert-days`, `--expect`, `--crit-ms` (all exit 10), then
/// `--warn-ms` (a warning).
pub fn judge(
    url: String,
    service: &'static str,
    record: Record,
    error: Option<(Option<Phase>, Error)>,
    checks: Checks,
) -> Report {
    let mut report = Report {
        url,
        service,
        record,
        status: Status::Ok,
        failure: None,
        warning: None,
        checks,
    };
    if let Some((phase, err)) = error {
        report.status = if err.kind() == ErrorKind::Usage {
            Status::Unknown
        } else {
            Status::Critical
        };
        report.failure = Some(Failure {
            phase,
            kind: err.kind(),
            message: err.message().to_owned(),
        });
        return report;
    }
    let check_failed = |message: String| Failure {
        phase: None,
        kind: ErrorKind::CheckFailed,
        message,
    };
    let checks = &report.checks;
    let mut failure = None;
    if let Some(days) = checks.cert_days {
        let cert = report.record.tls.as_ref().and_then(|t| t.cert.as_ref());
        failure = match cert {
            None => Some(check_failed(format!(
                "--cert-days {days}: the server showed no certificate (no TLS on this connection; use a TLS scheme or --tls required)"
            ))),
            Some(c) if c.seconds_left < 0 => Some(check_failed(format!(
                "the certificate expired on {} (--cert-days {days})",
                c.not_after
            ))),
            Some(c) if c.seconds_left < i64::from(days) * 86_400 => Some(check_failed(format!(
                "the certificate expires in {} (on {}; --cert-days {days})",
                days_words(c.days_left()),
                c.not_after
            ))),
            Some(_) => None,
        };
    }
    let missing = checks
        .expect
        .iter()
        .find(|t| !report.record.lines.iter().any(|l| l.contains(t.as_str())));
    if failure.is_none()
        && let Some(text) = missing
    {
        failure = Some(check_failed(format!(
            "'{}' is not in the greeting or the reply (--expect)",
            crate::proto::pingpong::reply::clean(text)
        )));
    }
    let total = report.record.total_ms;
    if failure.is_none()
        && let Some(crit) = checks.crit_ms
        && total > crit
    {
        failure = Some(check_failed(format!(
            "{total:.1} ms is over --crit-ms {crit}"
        )));
    }
    if let Some(f) = failure {
        report.status = Status::Critical;
        report.failure = Some(f);
        return report;
    }
    if let Some(warn) = checks.warn_ms
        && total > warn
    {
        report.status = Status::Warning;
        report.warning = Some(format!("{total:.1} ms is over --warn-ms {warn}"));
    }
    report
}

fn days_words(days: i64) -> String {
    match days {
        0 => "less than a day".to_owned(),
        1 => "1 day".to_owned(),
        n => format!("{n} days"),
    }
}
