//! `--check` (issue 18) against the real servers of the harness: each command's probe, its
//! three output forms, the exit of the first failing phase, and (in `plugins`) the same
//! verdicts as monitoring-plugins' check_* on the same servers.

use std::process::Output;

use crate::util::accounts::NKUSER1;
use crate::util::script::escape;
use crate::util::{code, netkit, netkit_env, stderr, stdout};

mod bench_host;
mod certs;
mod hostile;
mod mail;
mod plugins;
mod servers;
mod web;

/// The probe's JSON document on stdout.
pub fn json(out: &Output) -> serde_json::Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "stdout is not JSON ({e}): {}\nstderr: {}",
            escape(&out.stdout),
            stderr(out)
        )
    })
}

/// The names of the phases the probe went through, in order.
pub fn phase_names(v: &serde_json::Value) -> Vec<String> {
    v["phases"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|p| p["name"].as_str().unwrap_or_default().to_owned())
                .collect()
        })
        .unwrap_or_default()
}

/// `netkit ARGS…` with nkuser1's password in NETKIT_PASSWORD (never on the command line).
pub fn with_password(args: &[&str], password: &str) -> Output {
    netkit_env(args, &[("NETKIT_PASSWORD", password)])
}

/// Asserts a clean OK probe: exit 0, one `OK URL …` line naming each phase in `phases`.
pub fn assert_ok_line(out: &Output, phases: &[&str]) {
    let text = stdout(out);
    assert_eq!(code(out), 0, "stdout: {text}\nstderr: {}", stderr(out));
    assert_eq!(text.lines().count(), 1, "{text}");
    assert!(text.starts_with("OK "), "{text}");
    for p in phases {
        assert!(text.contains(&format!("{p} ")), "no {p} in: {text}");
    }
}

pub fn nkuser1() -> (&'static str, &'static str) {
    (NKUSER1.user, NKUSER1.pass)
}

#[test]
fn probe_flags_need_check() {
    let out = netkit(&["smtp-send", "127.0.0.1:1", "--cert-days", "7"]);
    assert_eq!(code(&out), 2, "{}", stderr(&out));
    assert!(stderr(&out).contains("--cert-days goes with --check"));
}

#[test]
fn nagios_usage_errors_are_unknown() {
    let out = netkit(&["fetch", "--check", "--nagios", "--no-such-flag"]);
    assert_eq!(code(&out), 3, "{}", stderr(&out));
    assert!(
        stdout(&out).starts_with("HTTP UNKNOWN - "),
        "{}",
        stdout(&out)
    );
    let out = netkit(&["smtp-send", "--check", "--nagios", "http://x/"]);
    assert_eq!(code(&out), 3);
    assert!(
        stdout(&out).starts_with("SMTP UNKNOWN - "),
        "{}",
        stdout(&out)
    );
}
