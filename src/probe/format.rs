//! The three forms of a probe's result:
//! - one text line: `OK smtp://host:25 220 greeting… 12.3 ms (connect 0.4, tls 4.1, auth 2.0)`
//!   (`WARNING` and `FAIL` lines name the reason);
//! - a JSON document (`url`, `ok`, `phases`, `greeting`, `tls`, `error`);
//! - the monitoring-plugins line, `SERVICE STATUS - text|perfdata`, with `time=…s;warn;crit;0`
//!   first (the monitoring-plugins development guidelines, "Performance data").

use serde_json::{Value, json};

use super::{Report, Status};

/// The most characters of a greeting shown on one line.
const GREETING_CHARS: usize = 60;
/// The most characters of a failure's reason on one line (the JSON and the stderr line
/// keep it whole): a 64 KiB server line must not push the perfdata past what NRPE 2 reads
/// of a plugin's output (1 KiB) or Nagios keeps (8 KiB).
const REASON_CHARS: usize = 300;

fn shorten(text: &str) -> String {
    cut(text, GREETING_CHARS)
}

fn cut(text: &str, most: usize) -> String {
    let mut chars = text.chars();
    let head: String = chars.by_ref().take(most).collect();
    if chars.next().is_some() {
        format!("{head}…")
    } else {
        head
    }
}

/// Server text made safe for a line read by machines: control characters are already
/// gone (`reply::clean`), but Unicode's line and paragraph separators end a line for
/// Python's `splitlines` (Sensu and many check wrappers), and the bidirectional overrides
/// make a terminal show the text in another order than it is.
fn one_line(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            '\u{2028}'
            | '\u{2029}'
            | '\u{200e}'
            | '\u{200f}'
            | '\u{202a}'..='\u{202e}'
            | '\u{2066}'..='\u{2069}' => '?',
            c if c.is_control() => '?',
            c => c,
        })
        .collect()
}

fn phases_text(report: &Report) -> String {
    report
        .record
        .phases
        .iter()
        .map(|p| format!("{} {:.1}", p.phase.name(), p.ms))
        .collect::<Vec<_>>()
        .join(", ")
}

/// What went wrong or was noticed, for the text and Nagios lines.
fn reason(report: &Report) -> Option<String> {
    if let Some(f) = &report.failure {
        return Some(match f.phase {
            Some(p) => format!("{} failed: {}", p.name(), cut(&f.message, REASON_CHARS)),
            None => cut(&f.message, REASON_CHARS),
        });
    }
    report.warning.clone()
}

/// The one human line.
pub fn text_line(report: &Report) -> String {
    let word = match report.status {
        Status::Ok => "OK",
        Status::Warning => "WARNING",
        Status::Critical | Status::Unknown => "FAIL",
    };
    let mut line = format!("{word} {}", report.url);
    if let Some(g) = &report.record.greeting {
        line.push(' ');
        line.push_str(&shorten(g));
    }
    if let Some(why) = reason(report) {
        line.push_str(" - ");
        line.push_str(&why);
    }
    line.push_str(&format!(
        " {:.1} ms ({})",
        report.record.total_ms,
        phases_text(report)
    ));
    one_line(&line)
}

/// The JSON document; `exit_code` is the process's (SPEC §5's table lives in `cli::exit`).
pub fn json(report: &Report, exit_code: u8) -> Value {
    let phases: Vec<Value> = report
        .record
        .phases
        .iter()
        .map(|p| json!({"name": p.phase.name(), "ok": p.ok, "ms": round3(p.ms)}))
        .collect();
    let tls = report.record.tls.as_ref().map(|t| {
        let cert = t.cert.as_ref();
        json!({
            "version": t.version,
            "cipher": t.cipher,
            "subject": cert.map(|c| c.subject.clone()),
            "sans": cert.map(|c| c.sans.clone()),
            "issuer": cert.map(|c| c.issuer.clone()),
            "not_after": cert.map(|c| c.not_after.clone()),
            "days_left": cert.map(super::CertFacts::days_left),
        })
    });
    let error = report.failure.as_ref().map(|f| {
        json!({
            "kind": f.kind.name(),
            "phase": f.phase.map(super::Phase::name),
            "message": f.message,
            "exit_code": exit_code,
        })
    });
    json!({
        "url": report.url,
        "ok": report.failure.is_none(),
        "status": report.status.word(),
        "ms": round3(report.record.total_ms),
        "phases": phases,
        "greeting": report.record.greeting,
        "tls": tls,
        "warning": report.warning,
        "error": error,
    })
}

fn round3(ms: f64) -> f64 {
    (ms * 1000.0).round() / 1000.0
}

/// The monitoring-plugins line: `SMTP OK - text|time=0.012300s;;;0.000000 connect=…`.
pub fn nagios_line(report: &Report) -> String {
    let mut text = format!(
        "{} {} - {}",
        report.service,
        report.status.word(),
        report.url
    );
    if let Some(why) = reason(report) {
        text.push_str(": ");
        text.push_str(&why);
    } else if let Some(g) = &report.record.greeting {
        text.push(' ');
        text.push_str(&shorten(g));
    }
    if let Some(days) = report
        .record
        .tls
        .as_ref()
        .and_then(|t| t.cert.as_ref())
        .map(super::CertFacts::days_left)
        .filter(|_| report.failure.is_none())
    {
        text.push_str(&format!(", certificate valid for {days} more days"));
    }
    text.push_str(&format!(
        ", {:.3} second response time",
        report.record.total_ms / 1000.0
    ));
    // '|' starts the perfdata: it must not appear in the text (guidelines §2.6).
    let text = one_line(&text.replace('|', "/"));
    let secs = |ms: Option<f64>| ms.map(|m| format!("{:.6}", m / 1000.0)).unwrap_or_default();
    let mut perf = format!(
        "time={:.6}s;{};{};0.000000",
        report.record.total_ms / 1000.0,
        secs(report.checks.warn_ms),
        secs(report.checks.crit_ms)
    );
    for p in &report.record.phases {
        perf.push_str(&format!(
            " {}={:.6}s;;;0.000000",
            p.phase.name(),
            p.ms / 1000.0
        ));
    }
    format!("{text}|{perf}")
}

/// A monitoring-plugins UNKNOWN line for an invocation that never got to probe (a bad flag
/// or URL).
pub fn nagios_unknown(service: &str, message: &str) -> String {
    format!(
        "{service} UNKNOWN - {}",
        one_line(&cut(&message.replace('|', "/"), REASON_CHARS))
    )
}

#[cfg(test)]
mod tests {
    use super::super::*;
    use super::*;

    fn report(status: Status, failure: Option<Failure>, warning: Option<String>) -> Report {
        Report {
            url: "smtp://127.0.0.1:25".into(),
            service: "SMTP",
            record: Record {
                phases: vec![
                    PhaseTime {
                        phase: Phase::Connect,
                        ms: 0.44,
                        ok: true,
                    },
                    PhaseTime {
                        phase: Phase::Greeting,
                        ms: 1.0,
                        ok: true,
                    },
                    PhaseTime {
                        phase: Phase::Tls,
                        ms: 4.12,
                        ok: failure.is_none(),
                    },
                ],
                total_ms: 12.34,
                greeting: Some(
                    "220 mx.example.org ESMTP Postfix (Debian/GNU) ready for mail, say EHLO please"
                        .into(),
                ),
                lines: Vec::new(),
                tls: Some(TlsFacts {
                    version: Some("TLSv1.3".into()),
                    cipher: Some("TLS13_AES_256_GCM_SHA384".into()),
                    cert: Some(CertFacts {
                        subject: "CN=localhost".into(),
                        issuer: "CN=netkit test CA".into(),
                        sans: vec!["localhost".into(), "127.0.0.1".into()],
                        not_after: "2027-01-01T00:00:00Z".into(),
                        seconds_left: 10 * 86_400 + 5,
                    }),
                }),
            },
            status,
            failure,
            warning,
            checks: Checks {
                warn_ms: Some(100.0),
                crit_ms: Some(500.0),
                ..Checks::default()
            },
        }
    }

    #[test]
    fn text_line_has_the_greeting_total_and_phases() {
        let r = report(Status::Ok, None, None);
        assert_eq!(
            text_line(&r),
            "OK smtp://127.0.0.1:25 220 mx.example.org ESMTP Postfix (Debian/GNU) ready for mail… \
             12.3 ms (connect 0.4, greeting 1.0, tls 4.1)"
        );
    }

    #[test]
    fn text_line_names_the_failing_phase() {
        let f = Failure {
            phase: Some(Phase::Tls),
            kind: ErrorKind::Tls,
            message: "handshake failed".into(),
        };
        let line = text_line(&report(Status::Critical, Some(f), None));
        assert!(
            line.starts_with("FAIL smtp://127.0.0.1:25 220 ")
                && line.contains(" - tls failed: handshake failed 12.3 ms (connect 0.4,"),
            "{line}"
        );
    }

    #[test]
    fn nagios_line_and_perfdata() {
        let r = report(Status::Ok, None, None);
        assert_eq!(
            nagios_line(&r),
            "SMTP OK - smtp://127.0.0.1:25 220 mx.example.org ESMTP Postfix (Debian/GNU) ready for \
             mail…, certificate valid for 10 more days, 0.012 second response time\
             |time=0.012340s;0.100000;0.500000;0.000000 connect=0.000440s;;;0.000000 \
             greeting=0.001000s;;;0.000000 tls=0.004120s;;;0.000000"
        );
        let w = report(
            Status::Warning,
            None,
            Some("12.3 ms is over --warn-ms 10".into()),
        );
        assert!(nagios_line(&w).starts_with("SMTP WARNING - smtp://127.0.0.1:25: 12.3 ms is over"));
        let f = Failure {
            phase: Some(Phase::Connect),
            kind: ErrorKind::Connect,
            message: "refused | closed".into(),
        };
        let c = nagios_line(&report(Status::Critical, Some(f), None));
        assert!(
            c.starts_with("SMTP CRITICAL - smtp://127.0.0.1:25: connect failed: refused / closed, 0.012 second")
                && c.matches('|').count() == 1,
            "{c}"
        );
    }

    #[test]
    fn server_text_cannot_break_the_line_or_forge_perfdata() {
        let f = Failure {
            phase: Some(Phase::Greeting),
            kind: ErrorKind::Refused,
            message: format!(
                "554 a\u{2028}b\u{202e}c\u{85}d|time=0s;;;0 {}",
                "x".repeat(5000)
            ),
        };
        let r = report(Status::Critical, Some(f), None);
        for line in [nagios_line(&r), text_line(&r)] {
            assert_eq!(line.lines().count(), 1, "{line}");
            assert!(!line.contains(['\u{2028}', '\u{202e}', '\u{85}']), "{line}");
            assert!(
                line.chars().count() < 1000,
                "{} chars",
                line.chars().count()
            );
        }
        let n = nagios_line(&r);
        assert_eq!(n.matches('|').count(), 1, "{n}");
        assert!(
            n.split('|')
                .nth(1)
                .is_some_and(|p| p.starts_with("time=0.012340s;")),
            "{n}"
        );
    }

    #[test]
    fn json_has_the_issue_keys() {
        let v = json(&report(Status::Ok, None, None), 0);
        for key in ["url", "ok", "phases", "greeting", "tls", "error"] {
            assert!(v.get(key).is_some(), "{key}: {v}");
        }
        assert_eq!(v["ok"], true);
        assert_eq!(
            v["phases"][2],
            json!({"name": "tls", "ok": true, "ms": 4.12})
        );
        assert_eq!(v["tls"]["days_left"], 10);
        assert_eq!(v["tls"]["sans"], json!(["localhost", "127.0.0.1"]));
        assert_eq!(v["tls"]["not_after"], "2027-01-01T00:00:00Z");
        assert_eq!(v["error"], Value::Null);
        let f = Failure {
            phase: Some(Phase::Auth),
            kind: ErrorKind::Auth,
            message: "535 bad".into(),
        };
        let v = json(&report(Status::Critical, Some(f), None), 7);
        assert_eq!(v["ok"], false);
        assert_eq!(
            v["error"],
            json!({"kind": "auth", "phase": "auth", "message": "535 bad", "exit_code": 7})
        );
    }
}
