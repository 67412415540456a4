//! smtp-send against scripted misbehaving peers (every fault the issue names) and peers
//! that check the wire form of extensions: PIPELINING, DSN, XOAUTH2, 8BITMIME.

use std::fs;
use std::time::Duration;

use super::{EHLO_PLAIN, json, send_to};
use crate::util::accounts::{NKUSER1, NKUSER2};
use crate::util::ca::CertKind;
use crate::util::postfix::MailStack;
use crate::util::script::{ScriptedPeer, Step, expect, send};
use crate::util::{code, netkit, netkit_env, run_with_stdin, stderr, stdout};

// --- scripted misbehaving peers ------------------------------------------------------

#[test]
fn stall_after_the_greeting_times_out_with_exit_5() {
    let peer = ScriptedPeer::start(vec![
        send("220 hi\r\n"),
        Step::Stall(Duration::from_secs(8)),
    ]);
    let out = send_to(&peer, &["-t", "1"]);
    assert_eq!(code(&out), 5, "{}", stderr(&out));
    assert!(stderr(&out).contains("--timeout"), "{}", stderr(&out));
}

#[test]
fn garbage_greeting_is_a_protocol_error() {
    let peer = ScriptedPeer::start(vec![send("HELLO THERE\r\n"), Step::ExpectClose]);
    let out = send_to(&peer, &[]);
    assert_eq!(code(&out), 8, "{}", stderr(&out));
    assert!(stderr(&out).contains("HELLO THERE"), "{}", stderr(&out));
}

#[test]
fn endless_line_is_a_protocol_error_not_memory() {
    let peer = ScriptedPeer::start(vec![Step::SendEndless]);
    let out = send_to(&peer, &[]);
    assert_eq!(code(&out), 8, "{}", stderr(&out));
    assert!(stderr(&out).contains("longer than"), "{}", stderr(&out));
}

#[test]
fn drop_in_the_middle_of_data_reports_nothing_as_sent() {
    let peer = ScriptedPeer::start(vec![
        send("220 hi\r\n"),
        expect("EHLO"),
        send(EHLO_PLAIN),
        expect("MAIL FROM:<a@netkit.test>"),
        send("250 ok\r\n"),
        expect("RCPT TO:<b@netkit.test>"),
        send("250 ok\r\n"),
        expect("DATA"),
        send("354 go\r\n"),
        Step::ReadLine,
        Step::Drop,
    ]);
    let out = send_to(&peer, &[]);
    assert_eq!(code(&out), 8, "{}", stderr(&out));
    assert!(out.stdout.is_empty(), "reported as sent: {}", stdout(&out));
}

#[test]
fn greeting_421_is_temporary() {
    let peer = ScriptedPeer::start(vec![send("421 4.3.2 too busy\r\n"), Step::ExpectClose]);
    let out = send_to(&peer, &[]);
    assert_eq!(code(&out), 11, "{}", stderr(&out));
    assert!(stderr(&out).contains("too busy"));
}

#[test]
fn starttls_offered_but_the_handshake_fails_is_a_tls_error() {
    let peer = ScriptedPeer::start(vec![
        send("220 hi\r\n"),
        expect("EHLO"),
        send("250-peer\r\n250 STARTTLS\r\n"),
        expect("STARTTLS"),
        send("220 go ahead\r\n"),
        Step::TlsGarbage,
    ]);
    let out = send_to(&peer, &[]);
    assert_eq!(code(&out), 6, "{}", stderr(&out));
}

#[test]
fn plaintext_injected_after_starttls_go_ahead_is_refused() {
    let peer = ScriptedPeer::start(vec![
        send("220 hi\r\n"),
        expect("EHLO"),
        send("250-peer\r\n250 STARTTLS\r\n"),
        expect("STARTTLS"),
        send("220 go ahead\r\n250 injected\r\n"),
        Step::ExpectClose,
    ]);
    let out = send_to(&peer, &[]);
    assert_eq!(code(&out), 6, "{}", stderr(&out));
    assert!(
        stderr(&out).contains("before the TLS handshake"),
        "{}",
        stderr(&out)
    );
}

fn wrong_name_script() -> Vec<Step> {
    vec![
        send("220 hi\r\n"),
        expect("EHLO"),
        send("250-peer\r\n250 STARTTLS\r\n"),
        expect("STARTTLS"),
        send("220 go ahead\r\n"),
    ]
}

#[test]
fn wrong_certificate_name_is_a_tls_error_and_k_passes_it_with_a_warning() {
    let mut steps = wrong_name_script();
    steps.push(Step::StartTlsRejected(CertKind::WrongName));
    let peer = ScriptedPeer::start(steps);
    let ca = peer.ca_pem();
    let out = send_to(&peer, &["--cacert", ca.to_str().unwrap()]);
    assert_eq!(code(&out), 6, "{}", stderr(&out));
    assert!(
        stderr(&out).contains("--cacert") || stderr(&out).contains("-k"),
        "{}",
        stderr(&out)
    );

    let mut steps = wrong_name_script();
    steps.extend([
        Step::StartTls(CertKind::WrongName),
        expect("EHLO"),
        send(EHLO_PLAIN),
        expect("MAIL FROM"),
        send("250 ok\r\n"),
        expect("RCPT TO"),
        send("250 ok\r\n"),
        expect("DATA"),
        send("354 go\r\n"),
        Step::ReadUntilDot,
        send("250 queued\r\n"),
        expect("QUIT"),
        send("221 bye\r\n"),
    ]);
    let peer = ScriptedPeer::start(steps);
    let out = send_to(&peer, &["-k"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(stderr(&out).contains("not verified"), "{}", stderr(&out));
    peer.assert_ok();
}

#[test]
fn rejected_auth_exits_7() {
    let peer = ScriptedPeer::start(vec![
        send("220 hi\r\n"),
        expect("EHLO"),
        send("250-peer\r\n250 AUTH PLAIN LOGIN\r\n"),
        expect("AUTH PLAIN "),
        send("535 5.7.8 Authentication credentials invalid\r\n"),
        Step::ExpectClose,
    ]);
    let out = netkit_env(
        &[
            "smtp-send",
            &format!("127.0.0.1:{}", peer.port()),
            "-u",
            "someone",
            "--from",
            "a@netkit.test",
            "--to",
            "b@netkit.test",
            "--body",
            "x",
        ],
        &[("NETKIT_PASSWORD", "s3cret")],
    );
    assert_eq!(code(&out), 7, "{}", stderr(&out));
    assert!(!stderr(&out).contains("s3cret"));
}

#[test]
fn refused_sender_is_1_and_deferred_sender_is_11() {
    for (reply, want) in [
        ("553 5.1.8 bad sender\r\n", 1),
        ("451 4.3.0 try later\r\n", 11),
    ] {
        let peer = ScriptedPeer::start(vec![
            send("220 hi\r\n"),
            expect("EHLO"),
            send(EHLO_PLAIN),
            expect("MAIL FROM"),
            send(reply),
            expect("QUIT"),
            send("221 bye\r\n"),
        ]);
        let out = send_to(&peer, &[]);
        assert_eq!(code(&out), want, "{reply}: {}", stderr(&out));
        peer.assert_ok();
    }
}

#[test]
fn helo_fallback_when_ehlo_is_refused() {
    let peer = ScriptedPeer::start(vec![
        send("220 old server\r\n"),
        expect("EHLO"),
        send("502 what?\r\n"),
        expect("HELO"),
        send("250 hello\r\n"),
        expect("MAIL FROM:<a@netkit.test>"),
        send("250 ok\r\n"),
        expect("RCPT TO:<b@netkit.test>"),
        send("250 ok\r\n"),
        expect("DATA"),
        send("354 go\r\n"),
        Step::ReadUntilDot,
        send("250 queued\r\n"),
        expect("QUIT"),
        send("221 bye\r\n"),
    ]);
    let out = send_to(&peer, &[]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    peer.assert_ok();
}

#[test]
fn line_breaks_in_flags_are_refused_before_connecting() {
    for args in [
        &["--subject", "hi\r\nBcc: victim@example.org"][..],
        &["--header", "X-A: b\nBcc: c@d"],
    ] {
        let mut all = vec![
            "smtp-send",
            "127.0.0.1:9",
            "--from",
            "a@netkit.test",
            "--to",
            "b@netkit.test",
        ];
        all.extend_from_slice(args);
        let out = netkit(&all);
        assert_eq!(code(&out), 2, "{args:?}: {}", stderr(&out));
    }
    let out = netkit(&[
        "smtp-send",
        "127.0.0.1:9",
        "--from",
        "a@netkit.test",
        "--to",
        "b@x\r\nRCPT TO:<c@d>",
        "--body",
        "x",
    ]);
    assert_eq!(code(&out), 2, "{}", stderr(&out));
}

// --- extensions and mechanisms -------------------------------------------------------

#[test]
fn every_offered_mechanism_authenticates_against_dovecot() {
    let stack = MailStack::start();
    let url = format!("smtps://127.0.0.1:{}", stack.postfix.smtps_port());
    let ca = stack.ca.ca_pem();
    for mech in ["PLAIN", "LOGIN", "CRAM-MD5"] {
        let out = netkit_env(
            &[
                "smtp-send",
                &url,
                "--cacert",
                ca.to_str().unwrap(),
                "-u",
                NKUSER2.user,
                "--auth",
                mech,
                "--json",
                "--from",
                "nkuser2@netkit.test",
                "--to",
                "bob@netkit.test",
                "--body",
                mech,
            ],
            &[("NETKIT_PASSWORD", NKUSER2.pass)],
        );
        assert_eq!(code(&out), 0, "{mech}: {}\n{}", stderr(&out), stack.logs());
        assert_eq!(json(&out)["auth"], mech);
    }
    stack.postfix.wait_messages(3);
}

#[test]
fn user_password_on_the_command_line_works_but_warns() {
    let stack = MailStack::start();
    let url = format!("smtps://127.0.0.1:{}", stack.postfix.smtps_port());
    let ca = stack.ca.ca_pem();
    let user = format!("{}:{}", NKUSER1.user, NKUSER1.pass);
    let out = netkit(&[
        "smtp-send",
        &url,
        "--cacert",
        ca.to_str().unwrap(),
        "-u",
        &user,
        "--from",
        "nkuser1@netkit.test",
        "--to",
        "bob@netkit.test",
        "--body",
        "x",
    ]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(stderr(&out).contains("shows in ps"), "{}", stderr(&out));
    assert!(!stderr(&out).contains(NKUSER1.pass));
}

#[test]
fn pipelining_sends_mail_and_rcpt_together_and_dsn_options_go_along() {
    // The peer reads MAIL and both RCPTs before it answers anything: only a pipelining
    // client gets through. DSN parameters must be on the commands.
    let peer = ScriptedPeer::start(vec![
        send("220 hi\r\n"),
        expect("EHLO"),
        send("250-peer\r\n250-PIPELINING\r\n250-DSN\r\n250 SIZE 100000\r\n"),
        expect("MAIL FROM:<a@netkit.test> SIZE="),
        expect("RCPT TO:<b@netkit.test> NOTIFY=SUCCESS,FAILURE"),
        expect("RCPT TO:<c@netkit.test> NOTIFY=SUCCESS,FAILURE"),
        send("250 ok\r\n250 ok\r\n250 ok\r\n"),
        expect("DATA"),
        send("354 go\r\n"),
        Step::ReadUntilDot,
        send("250 2.0.0 queued as X\r\n"),
        expect("QUIT"),
        send("221 bye\r\n"),
    ]);
    let out = send_to(
        &peer,
        &[
            "--to",
            "c@netkit.test",
            "--notify",
            "success,failure",
            "--ret",
            "hdrs",
            "--json",
        ],
    );
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(json(&out)["queue_reply"], "250 2.0.0 queued as X");
    let said = peer.assert_ok();
    let mail = String::from_utf8_lossy(&said[1]).into_owned();
    assert!(mail.contains(" RET=HDRS"), "{mail}");
}

#[test]
fn xoauth2_sends_the_bearer_token_in_the_initial_response() {
    use base64::Engine;
    let token_line = base64::engine::general_purpose::STANDARD
        .encode("user=me@netkit.test\x01auth=Bearer tok-123\x01\x01");
    let peer = ScriptedPeer::start(vec![
        send("220 hi\r\n"),
        expect("EHLO"),
        send("250-peer\r\n250 AUTH PLAIN XOAUTH2\r\n"),
        expect(&format!("AUTH XOAUTH2 {token_line}")),
        send("235 2.7.0 ok\r\n"),
        expect("MAIL FROM"),
        send("250 ok\r\n"),
        expect("RCPT TO"),
        send("250 ok\r\n"),
        expect("DATA"),
        send("354 go\r\n"),
        Step::ReadUntilDot,
        send("250 queued\r\n"),
        expect("QUIT"),
        send("221 bye\r\n"),
    ]);
    let dir = tempfile::tempdir().unwrap();
    let token = dir.path().join("token");
    fs::write(&token, "tok-123\n").unwrap();
    let out = send_to(
        &peer,
        &[
            "-u",
            "me@netkit.test",
            "--oauth2-token-file",
            token.to_str().unwrap(),
            "-v",
        ],
    );
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(
        !stderr(&out).contains(&token_line),
        "token in the transcript"
    );
    assert!(
        stderr(&out).contains("> AUTH XOAUTH2 ***"),
        "{}",
        stderr(&out)
    );
    peer.assert_ok();
}

#[test]
fn eight_bit_message_to_a_server_without_8bitmime_is_refused_before_mail() {
    let peer = ScriptedPeer::start(vec![
        send("220 hi\r\n"),
        expect("EHLO"),
        send("250-peer\r\n250 SIZE\r\n"),
        expect("QUIT"),
        send("221 bye\r\n"),
    ]);
    // A raw message with an 8-bit body (a composed one is always 7-bit: QP and encoded words).
    let url = format!("127.0.0.1:{}", peer.port());
    let out = run_with_stdin(
        &["smtp-send", &url, "--to", "b@netkit.test", "-"],
        "From: a@netkit.test\r\n\r\ncaf\u{e9}\r\n".as_bytes(),
    );
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    assert!(stderr(&out).contains("8BITMIME"), "{}", stderr(&out));
    peer.assert_ok();
}

#[test]
fn connection_closed_before_the_greeting_is_a_connect_error() {
    let peer = ScriptedPeer::start(vec![Step::Drop]);
    let out = send_to(&peer, &[]);
    assert_eq!(code(&out), 4, "{}", stderr(&out));
    assert!(
        stderr(&out).contains(&format!("127.0.0.1:{}", peer.port())),
        "{}",
        stderr(&out)
    );
}

#[test]
fn session_errors_name_the_server() {
    let peer = ScriptedPeer::start(vec![
        send("220 hi\r\n"),
        Step::Stall(Duration::from_secs(8)),
    ]);
    let out = send_to(&peer, &["-t", "1"]);
    assert_eq!(code(&out), 5, "{}", stderr(&out));
    assert!(
        stderr(&out).contains(&format!("127.0.0.1:{}:", peer.port())),
        "{}",
        stderr(&out)
    );
}

#[test]
fn url_passwords_never_appear_in_errors() {
    for url in [
        "smtp://alice:s3cretPW@[::1",
        "smtp://alice:s3cretPW@host:99999",
    ] {
        let out = netkit(&[
            "smtp-send",
            url,
            "--from",
            "a@x.example",
            "--to",
            "b@x.example",
            "--json",
        ]);
        assert_eq!(code(&out), 2, "{}", stderr(&out));
        assert!(!stderr(&out).contains("s3cretPW"), "{}", stderr(&out));
        assert!(stderr(&out).contains("alice:***@"), "{}", stderr(&out));
    }
}

#[test]
fn bad_addresses_and_built_headers_are_usage_errors() {
    for args in [
        &["--to", "Bob"][..],
        &["--to", "b@x.example", "--from", "Alice"],
        &["--to", "b@x.example", "--header", "Subject: second"],
        &["--to", "b@x.example", "--header", "Bcc: hidden@x.example"],
    ] {
        let mut all = vec!["smtp-send", "127.0.0.1:9", "--body", "x"];
        if !args.contains(&"--from") {
            all.extend(["--from", "a@x.example"]);
        }
        all.extend_from_slice(args);
        let out = netkit(&all);
        assert_eq!(code(&out), 2, "{args:?}: {}", stderr(&out));
    }
}

// --- progress (issue 20 #6) -----------------------------------------------------------

/// A peer that takes one message, stalling 3 s after `354` so that a large one is seen
/// mid-send.
fn slow_data_peer() -> ScriptedPeer {
    ScriptedPeer::start(vec![
        send("220 hi\r\n"),
        expect("EHLO"),
        send("250 peer\r\n"),
        expect("MAIL FROM"),
        send("250 ok\r\n"),
        expect("RCPT TO"),
        send("250 ok\r\n"),
        expect("DATA"),
        send("354 go\r\n"),
        Step::Stall(Duration::from_secs(3)),
        Step::ReadUntilDot,
        send("250 queued\r\n"),
        expect("QUIT"),
        send("221 bye\r\n"),
    ])
}

/// An 8 MiB raw message: headers, then 80-byte lines.
fn large_message(dir: &std::path::Path) -> std::path::PathBuf {
    let file = dir.join("big.eml");
    let mut text = b"From: a@netkit.test\r\nTo: b@netkit.test\r\nSubject: big\r\n\r\n".to_vec();
    let line = [b"0123456789".repeat(7).as_slice(), b"abcdefgh\r\n"].concat();
    while text.len() + line.len() <= 8 << 20 {
        text.extend_from_slice(&line);
    }
    fs::write(&file, &text).expect("write the message");
    file
}

/// `netkit smtp-send ARGS` in a tmux terminal: what the screen shows while `peer` stalls
/// after `354` (once `during` is satisfied), and at the end.
fn smtp_send_in_a_terminal(
    peer: &ScriptedPeer,
    args: &[&str],
    during: &dyn Fn(&str) -> bool,
) -> (String, String) {
    let session = format!(
        "netkit-smtp-progress-{}-{}",
        std::process::id(),
        peer.port()
    );
    let command = format!(
        "{} smtp-send {} {}; echo exit=$?; sleep 30",
        crate::util::netkit_path().display(),
        peer.addr(),
        args.join(" ")
    );
    let tmux = |args: &[&str]| {
        std::process::Command::new("tmux")
            .args(["-L", &session])
            .args(args)
            .output()
            .expect("run tmux (apt package tmux)")
    };
    let started = tmux(&[
        "new-session",
        "-d",
        "-s",
        &session,
        "-x",
        "120",
        "-y",
        "10",
        &command,
    ]);
    assert!(started.status.success(), "{}", stderr(&started));
    let capture = || stdout(&tmux(&["capture-pane", "-p", "-t", &session]));
    let wait_for = |what: &str, done: &dyn Fn(&str) -> bool| {
        let end = std::time::Instant::now() + Duration::from_secs(20);
        loop {
            let screen = capture();
            if done(&screen) {
                return screen;
            }
            if std::time::Instant::now() > end {
                let _ = tmux(&["kill-server"]);
                panic!("timed out waiting for {what}: {screen}");
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    };
    let seen = wait_for("the DATA stall", &|s| during(s));
    let after = wait_for("the end of the send", &|s| s.contains("exit="));
    let _ = tmux(&["kill-server"]);
    (seen, after)
}

/// In a real terminal (tmux), a large message's DATA shows the shared bar (server, bytes
/// of the total) until the server answers; it is cleared at the end. `--no-progress` and a
/// stderr that is not a terminal draw nothing.
#[test]
fn a_large_message_draws_a_progress_bar_in_a_terminal() {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = large_message(dir.path());
    let file = file.to_string_lossy();
    let peer = slow_data_peer();
    let (during, after) = smtp_send_in_a_terminal(&peer, &[&file], &|s| s.contains("/8.00 MiB"));
    assert!(during.contains(&peer.addr()), "{during}");
    assert!(after.contains("exit=0"), "{after}");
    assert!(after.contains("sent to 1 of 1"), "{after}");
    assert!(
        !after.contains("MiB"),
        "the bar is cleared at the end: {after}"
    );
    let seen = peer.assert_ok();
    assert!(
        seen.iter().any(|l| l.len() > 8 << 20),
        "the whole message arrived"
    );

    // --no-progress: the screen mid-DATA (the peer has read DATA and stalls 3 s) is empty.
    let peer = slow_data_peer();
    let in_data = || peer.transcript().iter().any(|l| l.starts_with(b"DATA"));
    let (during, after) = smtp_send_in_a_terminal(&peer, &[&file, "--no-progress"], &|_| {
        in_data() && {
            std::thread::sleep(Duration::from_millis(500));
            true
        }
    });
    assert!(!during.contains("MiB"), "{during}");
    assert!(after.contains("exit=0"), "{after}");
    peer.assert_ok();

    // Not a terminal: nothing but the report.
    let peer = slow_data_peer();
    let out = netkit(&["smtp-send", &peer.addr(), &file]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(out.stderr.is_empty(), "{}", stderr(&out));
    peer.assert_ok();
}
