//! `netkit smtp-send` against real servers — postfix (relay, submission with STARTTLS + AUTH
//! through dovecot, smtps), the byte-exact aiosmtpd sink — and scripted misbehaving peers.
//! Each test asserts what a user checks: the exit code, what was delivered, what was said.

use std::fs;
use std::time::Duration;

use crate::util::accounts::{NKUSER1, NKUSER2};
use crate::util::postfix::{LATER_RCPT, MailStack, PostfixOptions, REFUSED_RCPT};
use crate::util::script::{ScriptedPeer, escape};
use crate::util::{code, netkit, netkit_env, run_with_stdin, stderr, stdout};

fn json(out: &std::process::Output) -> serde_json::Value {
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("stdout is not JSON ({e}): {}", escape(&out.stdout)))
}

/// `netkit smtp-send URL --cacert CA ARGS…`: the stack's CA trusted, the rest per test.
fn via(url: &str, ca: &std::path::Path, args: &[&str]) -> std::process::Output {
    let ca = ca.to_str().expect("utf-8 temp path");
    let mut all = vec!["smtp-send", url, "--cacert", ca];
    all.extend_from_slice(args);
    netkit(&all)
}

fn raw_message(body: &str) -> Vec<u8> {
    format!(
        "From: Alice <alice@netkit.test>\r\nTo: bob@netkit.test\r\nSubject: test\r\n\
         Date: Tue, 01 Dec 2026 09:00:00 +0000\r\nMessage-ID: <fixed@netkit.test>\r\n\r\n{body}"
    )
    .into_bytes()
}

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

mod compose;
mod peers;
mod sink;

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
    let out = via(
        &url,
        &ca,
        &[
            "--json",
            "--from",
            "nkuser2@netkit.test",
            "--to",
            "bob@netkit.test",
            "--body",
            "implicit",
        ],
    );
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
    let out = netkit_env(
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
        &[("NETKIT_PASSWORD", "not-the-password")],
    );
    assert_eq!(code(&out), 7, "{}", stderr(&out));
    assert!(stderr(&out).contains("535"), "{}", stderr(&out));
    assert!(!stderr(&out).contains("not-the-password"));
}

#[test]
fn some_recipients_refused_is_partial_and_the_others_get_the_message() {
    let stack = MailStack::start();
    let url = format!("smtp://127.0.0.1:{}", stack.postfix.relay_port());
    let ca = stack.ca.ca_pem();
    let out = via(
        &url,
        &ca,
        &[
            "--json",
            "--from",
            "a@netkit.test",
            "--to",
            "ok@netkit.test",
            "--to",
            REFUSED_RCPT,
            "--body",
            "partial",
        ],
    );
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
        let out = via(
            &url,
            &ca,
            &["--from", "a@netkit.test", "--to", rcpt, "--body", "x"],
        );
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
    let out = via(
        &url,
        &ca,
        &[
            "-v",
            "--from",
            "a@netkit.test",
            "--to",
            "b@netkit.test",
            "--body",
            &body.repeat(100),
        ],
    );
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
    let out = via(
        &url,
        &ca,
        &[
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
        ],
    );
    assert_eq!(code(&out), 12, "{}", stderr(&out));
    assert!(stdout(&out).contains("dry run"), "{}", stdout(&out));
    assert!(stdout(&out).contains("1 of 2"), "{}", stdout(&out));
    assert!(stderr(&out).contains("> RSET"));
    assert!(!stderr(&out).contains("> DATA"));
    // A real send afterwards is the only message in the mailbox.
    let out = via(
        &url,
        &ca,
        &[
            "--from",
            "a@netkit.test",
            "--to",
            "real@netkit.test",
            "--body",
            "sent",
        ],
    );
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
    let out = via(
        &url,
        &ca,
        &[
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
        ],
    );
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
