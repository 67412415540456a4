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
