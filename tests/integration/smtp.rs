//! `netkit smtp-send` against real servers — postfix (relay, submission with STARTTLS + AUTH
//! through dovecot, smtps), the byte-exact aiosmtpd sink — and scripted misbehaving peers.
//! Each test asserts what a user checks: the exit code, what was delivered, what was said.

use std::fs;
use std::time::Duration;

use crate::util::accounts::{NKUSER1, NKUSER2};
use crate::util::ca::CertKind;
use crate::util::postfix::{LATER_RCPT, MailStack, PostfixOptions, REFUSED_RCPT};
use crate::util::script::{ScriptedPeer, Step, escape, expect, send};
use crate::util::smtpsink::{SinkOptions, SmtpSink};
use crate::util::{code, netkit, run_with_stdin, stderr, stdout};

fn json(out: &std::process::Output) -> serde_json::Value {
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("stdout is not JSON ({e}): {}", escape(&out.stdout)))
}

fn raw_message(body: &str) -> Vec<u8> {
    format!(
        "From: Alice <alice@netkit.test>\r\nTo: bob@netkit.test\r\nSubject: test\r\n\
         Date: Tue, 01 Dec 2026 09:00:00 +0000\r\nMessage-ID: <fixed@netkit.test>\r\n\r\n{body}"
    )
    .into_bytes()
}

// --- postfix -------------------------------------------------------------------------

#[test]
fn relay_delivers_a_raw_message_byte_exact_over_starttls() {
    let stack = MailStack::start();
    let dir = tempfile::tempdir().unwrap();
    let msg = raw_message(".leading dot\r\nsecond line\r\n..two dots\r\n");
    let path = dir.path().join("m.eml");
    fs::write(&path, &msg).unwrap();
    let url = format!("smtp://127.0.0.1:{}", stack.postfix.relay_port());
    let ca = stack.ca.ca_pem();
    let out = netkit(&[
        "smtp-send",
        &url,
        "--to",
        "bob@netkit.test",
        "--cacert",
        ca.to_str().unwrap(),
        "--json",
        path.to_str().unwrap(),
    ]);
    assert_eq!(code(&out), 0, "{}\n{}", stderr(&out), stack.logs());
    let v = json(&out);
    assert_eq!(v["tls"]["version"], "TLSv1.3", "{v}");
    assert_eq!(v["recipients"][0]["accepted"], true);
    assert_eq!(v["message_id"], "<fixed@netkit.test>");
    assert!(v["queue_reply"].as_str().unwrap().starts_with("250"), "{v}");
    let got = stack.postfix.wait_messages(1);
    assert_eq!(escape(&got[0].as_sent()), escape(&msg));
}

#[test]
fn submission_requires_tls_and_authenticates_with_a_password_file() {
    let stack = MailStack::start();
    let dir = tempfile::tempdir().unwrap();
    let pw = dir.path().join("pw");
    fs::write(&pw, format!("{}\n", NKUSER2.pass)).unwrap();
    let url = format!("smtp://127.0.0.1:{}", stack.postfix.submission_port());
    let ca = stack.ca.ca_pem();
    let out = netkit(&[
        "smtp-send",
        &url,
        "--tls",
        "required",
        "--cacert",
        ca.to_str().unwrap(),
        "-u",
        NKUSER2.user,
        "--password-file",
        pw.to_str().unwrap(),
        "-v",
        "--json",
        "--from",
        "nkuser2@netkit.test",
        "--to",
        "bob@netkit.test",
        "--subject",
        "submitted",
        "--body",
        "hello",
    ]);
    assert_eq!(code(&out), 0, "{}\n{}", stderr(&out), stack.logs());
    let v = json(&out);
    assert!(v["auth"].is_string(), "{v}");
    let transcript = stderr(&out);
    assert!(transcript.contains("> AUTH "), "{transcript}");
    assert!(transcript.contains("***"), "{transcript}");
    assert!(
        !transcript.contains(NKUSER2.pass),
        "password in the transcript: {transcript}"
    );
    let got = stack.postfix.wait_messages(1);
    assert!(String::from_utf8_lossy(&got[0].raw).contains("Subject: submitted"));
}

#[test]
fn smtps_with_credentials_in_the_url() {
    let stack = MailStack::start();
    let url = format!(
        "smtps://{}:{}@127.0.0.1:{}",
        NKUSER2.user,
        NKUSER2.url_pass,
        stack.postfix.smtps_port()
    );
    let ca = stack.ca.ca_pem();
    let out = netkit(&[
        "smtp-send",
        &url,
        "--cacert",
        ca.to_str().unwrap(),
        "--json",
        "--from",
        "nkuser2@netkit.test",
        "--to",
        "bob@netkit.test",
        "--body",
        "implicit",
    ]);
    assert_eq!(code(&out), 0, "{}\n{}", stderr(&out), stack.logs());
    assert!(json(&out)["tls"]["cipher"].is_string());
    assert!(!stderr(&out).contains(NKUSER2.pass));
    stack.postfix.wait_messages(1);
}

#[test]
fn wrong_password_is_an_auth_failure() {
    let stack = MailStack::start();
    let url = format!("smtps://127.0.0.1:{}", stack.postfix.smtps_port());
    let ca = stack.ca.ca_pem();
    let out = run_with_stdin(
        &[
            "smtp-send",
            &url,
            "--cacert",
            ca.to_str().unwrap(),
            "-u",
            NKUSER1.user,
            "--from",
            "a@netkit.test",
            "--to",
            "b@netkit.test",
            "--body",
            "x",
        ],
        b"",
    );
    // No password anywhere and no terminal to prompt on: exit 7 before connecting.
    assert_eq!(code(&out), 7, "{}", stderr(&out));
    let out = std::process::Command::new(crate::util::netkit_path())
        .args([
            "smtp-send",
            &url,
            "--cacert",
            ca.to_str().unwrap(),
            "-u",
            NKUSER1.user,
            "--from",
            "a@netkit.test",
            "--to",
            "b@netkit.test",
            "--body",
            "x",
        ])
        .env("NETKIT_PASSWORD", "not-the-password")
        .output()
        .unwrap();
    assert_eq!(code(&out), 7, "{}", stderr(&out));
    assert!(stderr(&out).contains("535"), "{}", stderr(&out));
    assert!(!stderr(&out).contains("not-the-password"));
}

#[test]
fn some_recipients_refused_is_partial_and_the_others_get_the_message() {
    let stack = MailStack::start();
    let url = format!("smtp://127.0.0.1:{}", stack.postfix.relay_port());
    let ca = stack.ca.ca_pem();
    let out = netkit(&[
        "smtp-send",
        &url,
        "--cacert",
        ca.to_str().unwrap(),
        "--json",
        "--from",
        "a@netkit.test",
        "--to",
        "ok@netkit.test",
        "--to",
        REFUSED_RCPT,
        "--body",
        "partial",
    ]);
    assert_eq!(code(&out), 12, "{}", stderr(&out));
    let v = json(&out);
    let refused = &v["recipients"][1];
    assert_eq!(refused["address"], REFUSED_RCPT);
    assert_eq!(refused["accepted"], false);
    assert_eq!(refused["code"], 550);
    assert_eq!(refused["enhanced_status"], "5.1.1");
    let got = stack.postfix.wait_messages(1);
    assert_eq!(got[0].delivered_to(), "ok@netkit.test");
}

#[test]
fn all_refused_exits_1_and_all_deferred_exits_11() {
    let stack = MailStack::start();
    let url = format!("smtp://127.0.0.1:{}", stack.postfix.relay_port());
    let ca = stack.ca.ca_pem();
    for (rcpt, want) in [(REFUSED_RCPT, 1), (LATER_RCPT, 11)] {
        let out = netkit(&[
            "smtp-send",
            &url,
            "--cacert",
            ca.to_str().unwrap(),
            "--from",
            "a@netkit.test",
            "--to",
            rcpt,
            "--body",
            "x",
        ]);
        assert_eq!(code(&out), want, "{rcpt}: {}", stderr(&out));
        assert!(stdout(&out).contains("refused"), "{}", stdout(&out));
    }
}

#[test]
fn message_over_the_size_limit_is_refused_before_data_with_the_limit() {
    let stack = MailStack::start_with(PostfixOptions {
        message_size_limit: Some(4000),
        ..PostfixOptions::default()
    });
    let url = format!("smtp://127.0.0.1:{}", stack.postfix.relay_port());
    let ca = stack.ca.ca_pem();
    let body = "x".repeat(80) + "\n";
    let out = netkit(&[
        "smtp-send",
        &url,
        "--cacert",
        ca.to_str().unwrap(),
        "-v",
        "--from",
        "a@netkit.test",
        "--to",
        "b@netkit.test",
        "--body",
        &body.repeat(100),
    ]);
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    assert!(stderr(&out).contains("4000 bytes"), "{}", stderr(&out));
    assert!(
        !stderr(&out).contains("> DATA"),
        "DATA was sent: {}",
        stderr(&out)
    );
}

#[test]
fn dry_run_delivers_nothing_and_says_who_would_be_accepted() {
    let stack = MailStack::start();
    let url = format!("smtp://127.0.0.1:{}", stack.postfix.relay_port());
    let ca = stack.ca.ca_pem();
    let out = netkit(&[
        "smtp-send",
        &url,
        "--cacert",
        ca.to_str().unwrap(),
        "--dry-run",
        "-v",
        "--from",
        "a@netkit.test",
        "--to",
        "dry@netkit.test",
        "--to",
        REFUSED_RCPT,
        "--body",
        "never sent",
    ]);
    assert_eq!(code(&out), 12, "{}", stderr(&out));
    assert!(stdout(&out).contains("dry run"), "{}", stdout(&out));
    assert!(stdout(&out).contains("1 of 2"), "{}", stdout(&out));
    assert!(stderr(&out).contains("> RSET"));
    assert!(!stderr(&out).contains("> DATA"));
    // A real send afterwards is the only message in the mailbox.
    let out = netkit(&[
        "smtp-send",
        &url,
        "--cacert",
        ca.to_str().unwrap(),
        "--from",
        "a@netkit.test",
        "--to",
        "real@netkit.test",
        "--body",
        "sent",
    ]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let got = stack.postfix.wait_messages(1);
    std::thread::sleep(Duration::from_millis(300));
    assert_eq!(stack.postfix.messages_now().len(), 1);
    assert_eq!(got[0].delivered_to(), "real@netkit.test");
}

#[test]
fn bcc_recipients_get_the_message_but_no_header_names_them() {
    let stack = MailStack::start();
    let url = format!("smtp://127.0.0.1:{}", stack.postfix.relay_port());
    let ca = stack.ca.ca_pem();
    let out = netkit(&[
        "smtp-send",
        &url,
        "--cacert",
        ca.to_str().unwrap(),
        "--from",
        "a@netkit.test",
        "--to",
        "seen@netkit.test",
        "--bcc",
        "hidden@netkit.test",
        "--subject",
        "bcc",
        "--body",
        "x",
    ]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let got = stack.postfix.wait_messages(2);
    for d in &got {
        let text = String::from_utf8_lossy(&d.as_sent()).to_ascii_lowercase();
        assert!(!text.contains("hidden@netkit.test"), "{text}");
    }
    let mut to: Vec<String> = got.iter().map(|d| d.delivered_to()).collect();
    to.sort();
    assert_eq!(to, ["hidden@netkit.test", "seen@netkit.test"]);
}

// --- the byte-exact sink -------------------------------------------------------------

#[test]
fn sink_receives_normalised_crlf_dot_stuffed_8bit_bytes_exactly() {
    let sink = SmtpSink::start(SinkOptions::default());
    let url = format!("127.0.0.1:{}", sink.port());
    let sent = "From: a@netkit.test\nDate: Tue, 01 Dec 2026 09:00:00 +0000\n\
                Message-ID: <x@netkit.test>\n\n.\n..\nna\u{ef}ve caf\u{e9}\nbare\rcr\nlast";
    let out = run_with_stdin(
        &["smtp-send", &url, "--to", "b@netkit.test", "-"],
        sent.as_bytes(),
    );
    assert_eq!(code(&out), 0, "{}\n{}", stderr(&out), sink.logs());
    let (eml, env) = sink.wait_messages(1).remove(0);
    let want = "From: a@netkit.test\r\nDate: Tue, 01 Dec 2026 09:00:00 +0000\r\n\
                Message-ID: <x@netkit.test>\r\n\r\n.\r\n..\r\nna\u{ef}ve caf\u{e9}\r\nbare\rcr\r\nlast\r\n";
    assert_eq!(escape(&eml), escape(want.as_bytes()));
    assert_eq!(env["mail_from"], "a@netkit.test");
    let opts = env["mail_options"].to_string();
    assert!(opts.contains("BODY=8BITMIME"), "{opts}");
}

#[test]
fn utf8_addresses_use_smtputf8() {
    let sink = SmtpSink::start(SinkOptions::default());
    let url = format!("127.0.0.1:{}", sink.port());
    let out = netkit(&[
        "smtp-send",
        &url,
        "--from",
        "jos\u{e9}@netkit.test",
        "--to",
        "b@netkit.test",
        "--subject",
        "\u{e9}t\u{e9}",
        "--body",
        "x",
    ]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let (_, env) = sink.wait_messages(1).remove(0);
    assert_eq!(env["mail_from"], "jos\u{e9}@netkit.test");
    assert!(
        env["mail_options"].to_string().contains("SMTPUTF8"),
        "{env}"
    );
}

#[test]
fn a_50_mib_attachment_arrives_intact() {
    let sink = SmtpSink::start(SinkOptions {
        data_size_limit: Some(200 * 1024 * 1024),
        ..SinkOptions::default()
    });
    let dir = tempfile::tempdir().unwrap();
    let blob: Vec<u8> = (0..50u32 * 1024 * 1024)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
        .collect();
    let path = dir.path().join("blob.bin");
    fs::write(&path, &blob).unwrap();
    let url = format!("127.0.0.1:{}", sink.port());
    let out = netkit(&[
        "smtp-send",
        &url,
        "--from",
        "a@netkit.test",
        "--to",
        "b@netkit.test",
        "--subject",
        "big",
        "--body",
        "see attachment",
        "--attach",
        path.to_str().unwrap(),
    ]);
    assert_eq!(code(&out), 0, "{}\n{}", stderr(&out), sink.logs());
    let (eml, _) = sink.wait_messages(1).remove(0);
    let text = String::from_utf8(eml).expect("a MIME message is ASCII");
    assert!(
        text.contains("application/octet-stream"),
        "{}",
        &text[..500]
    );
    let start = text.find("filename=\"blob.bin\"").expect("attachment part");
    let body_start = start + text[start..].find("\r\n\r\n").unwrap() + 4;
    let body_end = body_start + text[body_start..].find("\r\n--").unwrap();
    let b64: String = text[body_start..body_end].split("\r\n").collect();
    use base64::Engine;
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(b64)
        .unwrap();
    assert!(
        decoded == blob,
        "the attachment differs after the round trip"
    );
}

#[test]
fn tls_required_without_starttls_fails_with_exit_6() {
    let sink = SmtpSink::start(SinkOptions::default());
    let url = format!("127.0.0.1:{}", sink.port());
    let out = netkit(&[
        "smtp-send",
        &url,
        "--tls",
        "required",
        "--from",
        "a@netkit.test",
        "--to",
        "b@netkit.test",
        "--body",
        "x",
    ]);
    assert_eq!(code(&out), 6, "{}", stderr(&out));
    assert!(stderr(&out).contains("STARTTLS"), "{}", stderr(&out));
    assert!(sink.messages_now().is_empty());
}

// --- scripted misbehaving peers ------------------------------------------------------

const EHLO_PLAIN: &str = "250-peer\r\n250 8BITMIME\r\n";

fn send_to(peer: &ScriptedPeer, extra: &[&str]) -> std::process::Output {
    let url = format!("127.0.0.1:{}", peer.port());
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
    let out = std::process::Command::new(crate::util::netkit_path())
        .args([
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
        ])
        .env("NETKIT_PASSWORD", "s3cret")
        .output()
        .unwrap();
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
        let out = std::process::Command::new(crate::util::netkit_path())
            .args([
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
            ])
            .env("NETKIT_PASSWORD", NKUSER2.pass)
            .output()
            .unwrap();
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
