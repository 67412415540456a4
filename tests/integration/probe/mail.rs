//! smtp-send --check on postfix (STARTTLS, AUTH through dovecot, smtps).

use super::{assert_ok_line, json, nkuser1, phase_names, with_password};
use crate::util::postfix::MailStack;
use crate::util::{code, netkit, stderr, stdout};

#[test]
fn smtp_check_greets_upgrades_and_quits_without_a_message() {
    let stack = MailStack::start();
    let url = format!("smtp://127.0.0.1:{}", stack.postfix.relay_port());
    let ca = stack.ca.ca_pem();
    let ca = ca.to_str().unwrap();
    let out = netkit(&["smtp-send", "--check", &url, "--cacert", ca]);
    assert_ok_line(&out, &["connect", "greeting", "tls", "request", "quit"]);
    assert!(stdout(&out).contains(" 220 "), "{}", stdout(&out));
    let out = netkit(&["smtp-send", "--check", &url, "--cacert", ca, "--json"]);
    let v = json(&out);
    assert_eq!(v["ok"], true, "{v}");
    assert_eq!(v["url"], url.as_str());
    assert!(v["greeting"].as_str().unwrap().starts_with("220 "), "{v}");
    assert_eq!(v["tls"]["version"], "TLSv1.3", "{v}");
    assert!(v["tls"]["subject"].as_str().unwrap().contains("CN="), "{v}");
    assert!(
        v["tls"]["sans"]
            .as_array()
            .unwrap()
            .iter()
            .any(|s| s == "127.0.0.1"),
        "{v}"
    );
    assert!(v["tls"]["days_left"].as_i64().unwrap() > 20, "{v}");
    assert_eq!(
        phase_names(&v),
        ["connect", "greeting", "tls", "request", "quit"]
    );
    assert!(
        stack.postfix.messages_now().is_empty(),
        "a probe delivered mail"
    );
}

#[test]
fn smtp_check_logs_in_on_submission_and_fails_with_7_on_a_bad_password() {
    let stack = MailStack::start();
    let url = format!("smtp://127.0.0.1:{}", stack.postfix.submission_port());
    let ca = stack.ca.ca_pem();
    let ca = ca.to_str().unwrap();
    let (user, pass) = nkuser1();
    let args = [
        "smtp-send",
        "--check",
        &url,
        "--cacert",
        ca,
        "-u",
        user,
        "--json",
    ];
    let out = with_password(&args, pass);
    let v = json(&out);
    assert_eq!((code(&out), &v["ok"]), (0, &serde_json::json!(true)), "{v}");
    assert_eq!(
        phase_names(&v),
        ["connect", "greeting", "tls", "auth", "request", "quit"]
    );
    let out = with_password(&args, "wrong-password");
    let v = json(&out);
    assert_eq!(code(&out), 7, "{v}\n{}", stderr(&out));
    assert_eq!(v["error"]["phase"], "auth", "{v}");
    assert!(!stdout(&out).contains("wrong-password") && !stderr(&out).contains("wrong-password"));
}

#[test]
fn smtps_check_times_the_implicit_handshake_before_the_greeting() {
    let stack = MailStack::start();
    let url = format!("smtps://127.0.0.1:{}", stack.postfix.smtps_port());
    let ca = stack.ca.ca_pem();
    let out = netkit(&[
        "smtp-send",
        "--check",
        &url,
        "--cacert",
        ca.to_str().unwrap(),
        "--json",
    ]);
    let v = json(&out);
    assert_eq!(code(&out), 0, "{v}");
    assert_eq!(
        phase_names(&v),
        ["connect", "tls", "greeting", "request", "quit"]
    );
}

#[test]
fn pop_and_imap_check_with_and_without_a_login() {
    let stack = MailStack::start();
    let ca = stack.ca.ca_pem();
    let ca = ca.to_str().unwrap();
    let (user, pass) = nkuser1();
    let d = &stack.dovecot;
    for (url, with_login) in [
        (format!("pop3://127.0.0.1:{}", d.pop3_port()), false),
        (format!("pop3s://127.0.0.1:{}", d.pop3s_port()), true),
        (format!("imap://127.0.0.1:{}", d.imap_port()), false),
        (format!("imaps://127.0.0.1:{}", d.imaps_port()), true),
    ] {
        let command = if url.starts_with("pop") {
            "pop"
        } else {
            "imap"
        };
        let mut args = vec![command, "--check", &url, "--cacert", ca, "--json"];
        if with_login {
            args.extend(["-u", user]);
        }
        let out = with_password(&args, pass);
        let v = json(&out);
        assert_eq!(code(&out), 0, "{url}: {v}\n{}", stderr(&out));
        let phases = phase_names(&v);
        assert_eq!(
            phases.contains(&"auth".to_owned()),
            with_login,
            "{url}: {phases:?}"
        );
        assert!(phases.contains(&"tls".to_owned()), "{url}: {phases:?}");
        assert_eq!(phases.last().map(String::as_str), Some("quit"), "{url}");
        assert!(v["greeting"].as_str().unwrap().contains("OK"), "{v}");
        let out = with_password(&args, "not-the-password");
        if with_login {
            assert_eq!(code(&out), 7, "{url}: {}", stdout(&out));
        }
    }
}

#[test]
fn pop_stat_check_keeps_its_meaning() {
    let stack = MailStack::start();
    let url = format!("pop3://127.0.0.1:{}", stack.dovecot.pop3_port());
    let ca = stack.ca.ca_pem();
    let (user, pass) = nkuser1();
    let args = [
        "pop",
        "stat",
        &url,
        "--check",
        "-u",
        user,
        "--cacert",
        ca.to_str().unwrap(),
    ];
    let out = with_password(&args, pass);
    // No mail delivered yet: stat --check is fetchmail -c's "no mail" (1), not a probe.
    assert_eq!(code(&out), 1, "{}{}", stdout(&out), stderr(&out));
    assert!(!stdout(&out).starts_with("OK "), "{}", stdout(&out));
}

#[test]
fn an_action_word_with_check_is_a_usage_error() {
    let out = netkit(&["imap", "ls", "imap://127.0.0.1:1", "--check"]);
    assert_eq!(code(&out), 2, "{}", stderr(&out));
    let out = netkit(&["imap", "imap://127.0.0.1:1"]);
    assert_eq!(code(&out), 2);
    assert!(stderr(&out).contains("possible values"), "{}", stderr(&out));
}
