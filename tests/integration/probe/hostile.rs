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
