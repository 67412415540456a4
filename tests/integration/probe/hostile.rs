//! `--check` against hostile servers and careless users (issue 18's hostile pass): scripted
//! peers that trickle replies which never end, stall or drop at each step, and send text
//! built to break the one-line outputs; flags that make no sense together. Each probe must
//! end within its timeout with SPEC §5's code (monitoring-plugins' 0–3 with `--nagios`),
//! print exactly one line, and keep the perfdata its own.

use std::time::Duration;

use super::json;
use crate::util::script::{ScriptedPeer, Step, expect, send};
use crate::util::{code, netkit, stderr, stdout};

/// A multi-line reply's lines, one byte every 5 ms: each read gets data well within
/// `-t 1`, and the whole would take minutes (past any line cap).
fn trickle(line: &str) -> Step {
    Step::Trickle(line.repeat(20_000).into_bytes(), Duration::from_millis(5))
}

fn assert_timed_out_in(out: &std::process::Output, phase: &str) {
    assert_eq!(code(out), 5, "{}{}", stdout(out), stderr(out));
    assert!(
        stderr(out).contains(&format!("the {phase} phase took longer than 1 s")),
        "{}",
        stderr(out)
    );
}

#[test]
fn a_reply_trickled_for_ever_ends_the_probe_within_the_timeout() {
    let cases: Vec<(&str, &str, Vec<Step>, &str)> = vec![
        (
            "pop",
            "pop3",
            vec![
                send("+OK hi\r\n"),
                expect("CAPA"),
                send("+OK\r\n"),
                trickle("X\r\n"),
            ],
            "greeting",
        ),
        (
            "imap",
            "imap",
            vec![
                send("* OK hi\r\n"),
                expect("nk1 CAPABILITY"),
                trickle("* X\r\n"),
            ],
            "greeting",
        ),
        (
            "nntp",
            "nntp",
            vec![
                send("200 hi\r\n"),
                expect("CAPABILITIES"),
                send("101 list\r\n"),
                trickle("X\r\n"),
            ],
            "greeting",
        ),
        (
            "fetch",
            "http",
            vec![
                Step::ReadHttpHead,
                send("HTTP/1.1 200 OK\r\n"),
                trickle("X-A: b\r\n"),
            ],
            "request",
        ),
        // A Gopher reply ends with the close: the cut must not pass for a complete menu.
        (
            "gopher",
            "gopher",
            vec![Step::ReadLine, trickle("iX\tx\tx\t70\r\n")],
            "request",
        ),
    ];
    for (command, scheme, steps, phase) in cases {
        let peer = ScriptedPeer::start(steps);
        let url = format!("{scheme}://{}/", peer.addr());
        let out = netkit(&[command, "--check", &url, "-t", "1", "--tls", "none"]);
        assert_timed_out_in(&out, phase);
        let out_lines = stdout(&out);
        assert_eq!(out_lines.lines().count(), 1, "{command}: {out_lines}");
        drop(peer);
    }
}

#[test]
fn a_server_silent_after_starttls_is_a_timeout_not_a_tls_failure() {
    let peer = ScriptedPeer::start(vec![
        send("* OK [CAPABILITY IMAP4rev1 STARTTLS] hi\r\n"),
        expect("nk1 STARTTLS"),
        Step::Stall(Duration::from_secs(20)),
    ]);
    let url = format!("imap://{}", peer.addr());
    let out = netkit(&["imap", "--check", &url, "-t", "1", "--json"]);
    assert_eq!(code(&out), 5, "{}{}", stdout(&out), stderr(&out));
    let v = json(&out);
    assert_eq!(v["error"]["phase"], "tls", "{v}");
    assert_eq!(v["error"]["kind"], "timeout", "{v}");
}

#[test]
fn a_usage_error_the_command_finds_is_unknown_for_a_monitor() {
    for args in [
        &[
            "smtp-send",
            "--check",
            "smtp://127.0.0.1:1",
            "--dry-run",
            "--nagios",
        ][..],
        &["pop", "--check", "ls", "pop3://127.0.0.1:1", "--nagios"],
        &["imap", "imap://127.0.0.1:1", "--nagios"],
    ] {
        let out = netkit(args);
        assert_eq!(code(&out), 3, "{args:?}: {}{}", stdout(&out), stderr(&out));
        let text = stdout(&out);
        assert!(
            text.contains(" UNKNOWN - ") && text.lines().count() == 1,
            "{args:?}: {text}"
        );
    }
}

/// A scripted peer that fails the test if anyone connects: a usage error comes first.
fn untouched() -> ScriptedPeer {
    ScriptedPeer::start(vec![send("220 hi\r\n"), Step::ExpectClose])
}

#[test]
fn checks_that_could_never_pass_are_usage_errors_before_connecting() {
    let peer = untouched();
    let smtp = format!("smtp://{}", peer.addr());
    let http = format!("http://{}/", peer.addr());
    let gopher = format!("gopher://{}/", peer.addr());
    let telnet = format!("telnet://{}", peer.addr());
    let time = peer.addr();
    let cases: Vec<(Vec<&str>, &str)> = vec![
        (
            vec![
                "smtp-send",
                "--check",
                &smtp,
                "--warn-ms",
                "100",
                "--crit-ms",
                "50",
            ],
            "--warn-ms 100 is over --crit-ms 50",
        ),
        (
            vec!["smtp-send", "--check", &smtp, "--crit-ms", "1e300"],
            "more than a day",
        ),
        (vec!["smtp-send", "--check", &smtp, "--warn-ms", "-1"], ""),
        (
            vec!["smtp-send", "--check", &smtp, "--expect", ""],
            "checks nothing",
        ),
        (
            vec!["smtp-send", "--check", &smtp, "--expect", "220 hi\r\n"],
            "control character",
        ),
        (
            vec![
                "smtp-send",
                "--check",
                &smtp,
                "--cert-days",
                "7",
                "--tls",
                "none",
            ],
            "--cert-days needs TLS",
        ),
        (
            vec!["fetch", "--check", &http, "--cert-days", "7"],
            "use https://",
        ),
        (
            vec!["gopher", "--check", &gopher, "--cert-days", "7"],
            "use gophers://",
        ),
        (
            vec!["telnet", "--check", &telnet, "--cert-days", "7"],
            "telnet has none",
        ),
        // telnet's --expect is a regex: one that matches the empty text is met before
        // the server sends a byte.
        (
            vec!["telnet", "--check", &telnet, "--expect", ""],
            "checks nothing",
        ),
        (
            vec![
                "telnet", "--check", &telnet, "--expect", "login", "--expect", "x*",
            ],
            "--expect 'x*': the regex matches the empty text",
        ),
        (
            vec!["timeclient", "--check", &time, "--cert-days", "7"],
            "timeclient has none",
        ),
    ];
    for (args, says) in &cases {
        let out = netkit(args);
        assert_eq!(code(&out), 2, "{args:?}: {}{}", stdout(&out), stderr(&out));
        assert!(stderr(&out).contains(says), "{args:?}: {}", stderr(&out));
        assert!(stdout(&out).is_empty(), "{args:?}: {}", stdout(&out));
        // The same mistake with --json is one JSON error line; with --nagios, UNKNOWN.
        let mut json_args = args.clone();
        json_args.push("--json");
        let out = netkit(&json_args);
        let line: serde_json::Value = serde_json::from_slice(&out.stderr)
            .unwrap_or_else(|e| panic!("{json_args:?}: {e}: {}", stderr(&out)));
        assert_eq!(line["error"]["exit_code"], 2, "{json_args:?}: {line}");
        let mut nagios_args = args.clone();
        nagios_args.push("--nagios");
        let out = netkit(&nagios_args);
        assert_eq!(code(&out), 3, "{nagios_args:?}: {}", stdout(&out));
        assert!(stdout(&out).contains(" UNKNOWN - "), "{}", stdout(&out));
    }
    // Nobody connected: the peer's one connection never came.
    assert!(peer.finish().is_err_and(|e| e.contains("never connected")));
}

#[test]
fn a_hostile_greeting_leaves_every_output_one_line_with_its_own_perfdata() {
    let mut greeting =
        b"220-mx \x1b[2J\x1b]0;owned\x07 \x00 \xff\xfe |time=0s;;;0 \xe2\x80\xa8 next\r\n".to_vec();
    greeting.extend_from_slice(format!("220 {}\r\n", "A".repeat(60_000)).as_bytes());
    let script = vec![
        Step::Send(greeting),
        expect("EHLO"),
        send("250-mx\r\n250 x|y=1\r\n"),
        expect("NOOP"),
        send("250 ok\r\n"),
        expect("QUIT"),
        send("221 bye\r\n"),
    ];
    let peer = ScriptedPeer::start_with(
        script,
        crate::util::script::ScriptOptions {
            connections: 3,
            ..Default::default()
        },
    );
    let url = format!("smtp://{}", peer.addr());
    let base = ["smtp-send", "--check", &url, "--tls", "none", "-t", "5"];
    let text = netkit(&base);
    let nagios = netkit(&[&base[..], &["--nagios", "--warn-ms", "60000"]].concat());
    let json_out = netkit(&[&base[..], &["--json"]].concat());
    for out in [&text, &nagios] {
        let s = stdout(out);
        assert_eq!(code(out), 0, "{s}{}", stderr(out));
        assert_eq!(s.lines().count(), 1, "{}", s.escape_debug());
        assert!(
            !s.contains(['\x1b', '\0', '\x07', '\u{2028}', '\r']),
            "{}",
            s.escape_debug()
        );
    }
    let n = stdout(&nagios);
    assert!(n.starts_with("SMTP OK - "), "{n}");
    let (_, perf) = n.split_once('|').expect("perfdata");
    assert!(!perf.contains('|'), "{n}");
    assert!(perf.starts_with("time="), "{n}");
    assert!(perf.contains(";60.000000;;0.000000 connect="), "{n}");
    let v = json(&json_out);
    assert_eq!(v["ok"], true, "{v}");
    let g = v["greeting"].as_str().unwrap_or_default();
    assert!(g.starts_with("220-mx ") && !g.contains('\x1b'), "{g:?}");
    peer.assert_ok();
}

#[test]
fn an_option_the_probe_would_ignore_is_a_usage_error_before_connecting() {
    let peer = untouched();
    let http = format!("http://{}/", peer.addr());
    let gopher = format!("gopher://{}/", peer.addr());
    let pop = format!("pop3://{}", peer.addr());
    let time = peer.addr();
    let cases: Vec<(Vec<&str>, &str)> = vec![
        (vec!["fetch", "--check", &http, "-o", "x"], "--output"),
        (vec!["fetch", "--check", &http, "-X", "POST"], "--request"),
        (vec!["fetch", "--check", &http, "--retry", "3"], "--retry"),
        (
            vec!["gopher", "--check", &gopher, "--query", "q"],
            "--query",
        ),
        (vec!["pop", "--check", &pop, "--maildir", "md"], "--maildir"),
        (
            vec!["timeclient", "--check", &time, "--format", "unix"],
            "--format",
        ),
    ];
    for (args, flag) in &cases {
        let out = netkit(args);
        assert_eq!(code(&out), 2, "{args:?}: {}{}", stdout(&out), stderr(&out));
        assert!(
            stderr(&out).contains(&format!("{flag} does not go with --check")),
            "{args:?}: {}",
            stderr(&out)
        );
    }
    assert!(peer.finish().is_err_and(|e| e.contains("never connected")));
}

#[test]
fn a_refused_certificate_still_has_its_facts_in_the_json() {
    use crate::util::ca::CertKind;
    let peer = ScriptedPeer::start(vec![Step::StartTlsRejected(CertKind::WrongName)]);
    let url = format!("imaps://{}", peer.addr());
    let ca = peer.ca_pem();
    let out = netkit(&[
        "imap",
        "--check",
        &url,
        "--cacert",
        ca.to_str().unwrap_or_default(),
        "--json",
    ]);
    assert_eq!(code(&out), 6, "{}{}", stdout(&out), stderr(&out));
    let v = json(&out);
    assert_eq!(v["error"]["phase"], "tls", "{v}");
    let tls = &v["tls"];
    assert!(
        tls["not_after"].as_str().is_some_and(|t| t.ends_with('Z')),
        "{v}"
    );
    assert!(tls["days_left"].as_i64().is_some(), "{v}");
    assert_eq!(tls["sans"], serde_json::json!(["wrong.example"]), "{v}");
    // The handshake did not finish: no version or cipher was negotiated.
    assert_eq!(tls["version"], serde_json::Value::Null, "{v}");
    peer.assert_ok();
}

#[test]
fn a_handshake_stalled_past_the_timeout_names_the_flag_that_ran_out() {
    // Silent after the connect: the ClientHello gets no answer. -t runs out long before
    // --connect-timeout, so raising --connect-timeout would not help.
    let peer = ScriptedPeer::start(vec![Step::Stall(Duration::from_secs(20))]);
    let url = format!("imaps://{}", peer.addr());
    let out = netkit(&[
        "imap",
        "--check",
        &url,
        "-t",
        "1",
        "--connect-timeout",
        "30",
        "--nagios",
    ]);
    assert_eq!(code(&out), 2, "{}{}", stdout(&out), stderr(&out));
    let line = stdout(&out);
    assert!(
        line.starts_with("IMAP CRITICAL - ") && line.contains("(raise --timeout)"),
        "{line}"
    );
}
