//! The rules the shared layers enforce for every command (issue 11): no bare CR or LF on a
//! dot-terminated wire, `-t` bounds a whole reply, per-protocol continuation lines, no
//! password in any error, JSON usage errors, and line input that survives a bad line.

use std::time::{Duration, Instant};

use crate::util::script::{ScriptedPeer, Step, escape, send};
use crate::util::smtpsink::{SinkOptions, SmtpSink};
use crate::util::{code, netkit, run_with_stdin, stderr};

fn smtp_send_to(port: u16, extra: &[&str]) -> std::process::Output {
    let url = format!("127.0.0.1:{port}");
    let mut args = vec![
        "smtp-send",
        url.as_str(),
        "--from",
        "a@netkit.test",
        "--to",
        "b@netkit.test",
        "--body",
        "x",
    ];
    args.extend_from_slice(extra);
    netkit(&args)
}

// --- SMTP smuggling (RFC 5321 §2.3.8) ------------------------------------------------

/// The sequences of the 2023 smuggling advisories, in a raw message: the sink must get one
/// message whose every line end is CRLF, the "smuggled" commands kept as body text.
#[test]
fn smuggling_sequences_reach_the_sink_as_body_text_with_crlf_only() {
    let sink = SmtpSink::start(SinkOptions::default());
    let url = format!("127.0.0.1:{}", sink.port());
    let head = "From: a@netkit.test\r\nDate: Tue, 01 Dec 2026 09:00:00 +0000\r\n\
                Message-ID: <s@netkit.test>\r\n\r\n";
    let body = "one\n.\r\nMAIL FROM:<e1@x>\r\ntwo\r.\rMAIL FROM:<e2@x>\rthree\r\n.\rMAIL FROM:<e3@x>\r\n\
                four\n.\nMAIL FROM:<e4@x>\n";
    let out = run_with_stdin(
        &["smtp-send", &url, "--to", "b@netkit.test", "-"],
        format!("{head}{body}").as_bytes(),
    );
    assert_eq!(code(&out), 0, "{}\n{}", stderr(&out), sink.logs());
    let messages = sink.wait_messages(1);
    assert_eq!(messages.len(), 1);
    let want = format!(
        "{head}one\r\n.\r\nMAIL FROM:<e1@x>\r\ntwo\r\n.\r\nMAIL FROM:<e2@x>\r\nthree\r\n.\r\n\
         MAIL FROM:<e3@x>\r\nfour\r\n.\r\nMAIL FROM:<e4@x>\r\n"
    );
    assert_eq!(escape(&messages[0].0), escape(want.as_bytes()));
    assert_eq!(messages[0].1["mail_from"], "a@netkit.test");
}

// --- -t bounds a whole reply ---------------------------------------------------------

#[test]
fn a_trickling_greeting_is_cut_off_at_the_timeout() {
    let mut greeting = b"220 ".to_vec();
    greeting.extend_from_slice(&[b'x'; 200]);
    greeting.extend_from_slice(b"\r\n");
    let peer = ScriptedPeer::start(vec![Step::Trickle(greeting, Duration::from_millis(300))]);
    let started = Instant::now();
    let out = smtp_send_to(peer.port(), &["-t", "1"]);
    let took = started.elapsed();
    assert_eq!(code(&out), 5, "{}", stderr(&out));
    assert!(stderr(&out).contains("--timeout"), "{}", stderr(&out));
    // A byte every 0.3 s would take a minute to finish the line; -t 1 ends it long before.
    assert!(took < Duration::from_secs(15), "took {took:?}");
}

#[test]
fn a_multiline_smtp_reply_whose_lines_disagree_is_malformed_at_once() {
    let peer = ScriptedPeer::start(vec![
        send("220-hello\r\n250 hello\r\n"),
        Step::Stall(Duration::from_secs(20)),
    ]);
    let out = smtp_send_to(peer.port(), &["-t", "15"]);
    assert_eq!(code(&out), 8, "{}", stderr(&out));
    assert!(stderr(&out).contains("malformed"), "{}", stderr(&out));
}
