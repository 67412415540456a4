//! `netkit pop` against scripted misbehaving POP3 servers: a refused RETR, a drop in the
//! middle of a message, an endless line, APOP without a timestamp. What is saved, what is
//! recorded and which DELE commands went out are checked from the peer's transcript.

use std::fs;
use std::path::Path;

use crate::util::script::{ScriptedPeer, Step, expect, send};
use crate::util::{code, netkit, stderr, stdout};

pub(super) fn with(mut a: Vec<Step>, b: Vec<Step>) -> Vec<Step> {
    a.extend(b);
    a
}

/// Greeting, CAPA (no STLS, no SASL), USER/PASS.
pub(super) fn login() -> Vec<Step> {
    vec![
        send("+OK ready\r\n"),
        expect("CAPA"),
        send("+OK\r\nUSER\r\nUIDL\r\nTOP\r\n.\r\n"),
        expect("USER u"),
        send("+OK\r\n"),
        expect("PASS "),
        send("+OK in\r\n"),
        expect("CAPA"),
        send("+OK\r\nUSER\r\nUIDL\r\nTOP\r\n.\r\n"),
    ]
}

pub(super) fn listing(n: usize) -> Vec<Step> {
    let mut list = String::from("+OK\r\n");
    let mut uidl = String::from("+OK\r\n");
    for i in 1..=n {
        list.push_str(&format!("{i} 20\r\n"));
        uidl.push_str(&format!("{i} uid-{i}\r\n"));
    }
    list.push_str(".\r\n");
    uidl.push_str(".\r\n");
    vec![expect("LIST"), send(list), expect("UIDL"), send(uidl)]
}

pub(super) fn retr(i: usize) -> Vec<Step> {
    vec![
        expect(&format!("RETR {i}")),
        send(format!("+OK\r\nSubject: {i}\r\n\r\n..dot {i}\r\n.\r\n")),
    ]
}

pub(super) fn url(peer: &ScriptedPeer) -> String {
    format!("pop3://u:pw@{}", peer.addr())
}

pub(super) fn stored(dir: &Path) -> Vec<Vec<u8>> {
    let mut all: Vec<Vec<u8>> = fs::read_dir(dir.join("new"))
        .expect("new")
        .map(|e| fs::read(e.expect("entry").path()).expect("read"))
        .collect();
    all.sort();
    all
}

pub(super) fn sent_lines(peer: ScriptedPeer) -> Vec<String> {
    peer.assert_ok()
        .iter()
        .map(|l| String::from_utf8_lossy(l).trim_end().to_owned())
        .collect()
}

#[test]
fn a_refused_retr_skips_that_message_and_only_saved_ones_are_deleted() {
    let peer = ScriptedPeer::start(with(
        with(login(), listing(3)),
        [
            retr(1),
            vec![expect("RETR 2"), send("-ERR message is corrupt\r\n")],
            retr(3),
            vec![
                expect("DELE 1"),
                send("+OK\r\n"),
                expect("DELE 3"),
                send("+OK\r\n"),
                expect("QUIT"),
                send("+OK bye\r\n"),
            ],
        ]
        .concat(),
    ));
    let dir = tempfile::tempdir().expect("tempdir");
    let md = dir.path().join("md");
    let out = netkit(&[
        "pop",
        "fetch",
        &url(&peer),
        "--maildir",
        md.to_str().expect("path"),
        "--delete",
        "-t",
        "5",
    ]);
    assert_eq!(code(&out), 12, "{}", stderr(&out));
    assert!(
        stderr(&out).contains("message 2") && stderr(&out).contains("corrupt"),
        "{}",
        stderr(&out)
    );
    assert_eq!(
        stored(&md),
        vec![
            b"Subject: 1\r\n\r\n.dot 1\r\n".to_vec(),
            b"Subject: 3\r\n\r\n.dot 3\r\n".to_vec()
        ]
    );
    let sent = sent_lines(peer);
    assert!(!sent.iter().any(|l| l == "DELE 2"), "{sent:?}");
    let state = fs::read_to_string(md.join(".netkit-state")).expect("state");
    assert!(state.contains(" uid-1\n") && state.contains(" uid-3\n") && !state.contains("uid-2"));
}

#[test]
fn a_drop_mid_message_keeps_what_was_saved_sends_no_dele_and_leaves_no_partial_file() {
    let peer = ScriptedPeer::start(with(
        with(login(), listing(3)),
        [
            retr(1),
            vec![
                expect("RETR 2"),
                send("+OK\r\nSubject: 2\r\n\r\nhalf of it"),
                Step::Drop,
            ],
        ]
        .concat(),
    ));
    let dir = tempfile::tempdir().expect("tempdir");
    let md = dir.path().join("md");
    let out = netkit(&[
        "pop",
        "fetch",
        &url(&peer),
        "--maildir",
        md.to_str().expect("path"),
        "--delete",
        "--new",
        "-t",
        "5",
    ]);
    assert_eq!(code(&out), 8, "{}", stderr(&out));
    assert_eq!(stored(&md), vec![b"Subject: 1\r\n\r\n.dot 1\r\n".to_vec()]);
    assert!(fs::read_dir(md.join("tmp")).expect("tmp").next().is_none());
    let sent = sent_lines(peer);
    assert!(
        !sent.iter().any(|l| l.starts_with("DELE") || l == "QUIT"),
        "{sent:?}"
    );
    let state = fs::read_to_string(md.join(".netkit-state")).expect("state");
    assert!(
        state.contains(" uid-1\n") && !state.contains("uid-2"),
        "{state}"
    );
}

#[test]
fn an_endless_greeting_line_is_bounded_and_exit_8() {
    let peer = ScriptedPeer::start(vec![Step::SendEndless]);
    let out = netkit(&["pop", "stat", &url(&peer), "-t", "5", "-q"]);
    assert_eq!(code(&out), 8, "{}", stderr(&out));
    assert_eq!(stderr(&out).lines().count(), 1, "{}", stderr(&out));
    assert!(stderr(&out).contains("longer than"), "{}", stderr(&out));
}

#[test]
fn apop_without_a_timestamp_is_refused_before_anything_is_sent() {
    let peer = ScriptedPeer::start(vec![
        send("+OK ready, no timestamp\r\n"),
        expect("CAPA"),
        send("-ERR no CAPA\r\n"),
    ]);
    let out = netkit(&["pop", "stat", &url(&peer), "--auth", "APOP", "-t", "5"]);
    assert_eq!(code(&out), 7, "{}", stderr(&out));
    assert!(stderr(&out).contains("APOP timestamp"), "{}", stderr(&out));
    assert!(!stderr(&out).contains("pw"));
    let sent = sent_lines(peer);
    assert!(!sent.iter().any(|l| l.contains("pw")), "{sent:?}");
    assert!(stdout(&out).is_empty());
}

#[test]
fn apop_with_a_timestamp_sends_the_rfc_digest() {
    let peer = ScriptedPeer::start(vec![
        send("+OK POP3 server ready <1896.697170952@dbc.mtview.ca.us>\r\n"),
        expect("CAPA"),
        send("-ERR\r\n"),
        expect("APOP mrose c4c9334bac560ecc979e58001b3e22fb"),
        send("+OK maildrop has 0 messages\r\n"),
        expect("STAT"),
        send("+OK 0 0\r\n"),
        expect("QUIT"),
        send("+OK\r\n"),
    ]);
    let u = format!("pop3://mrose:tanstaaf@{}", peer.addr());
    let out = netkit(&["pop", "stat", &u, "--check", "-t", "5"]);
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    assert_eq!(stdout(&out).trim(), "0 0");
    peer.assert_ok();
}

#[test]
fn a_uid_given_to_two_messages_stops_the_fetch_before_anything_is_deleted() {
    let peer = ScriptedPeer::start(with(
        login(),
        vec![
            expect("LIST"),
            send("+OK\r\n1 20\r\n2 20\r\n.\r\n"),
            expect("UIDL"),
            send("+OK\r\n1 same\r\n2 same\r\n.\r\n"),
        ],
    ));
    let dir = tempfile::tempdir().expect("tempdir");
    let md = dir.path().join("md");
    let out = netkit(&[
        "pop",
        "fetch",
        &url(&peer),
        "--maildir",
        md.to_str().expect("path"),
        "--delete",
        "-t",
        "5",
    ]);
    assert_eq!(code(&out), 8, "{}", stderr(&out));
    assert!(stderr(&out).contains("two messages"), "{}", stderr(&out));
    let sent = sent_lines(peer);
    assert!(
        !sent
            .iter()
            .any(|l| l.starts_with("RETR") || l.starts_with("DELE")),
        "{sent:?}"
    );
}

#[test]
fn careless_arguments_are_usage_errors_before_connecting() {
    for args in [
        &["pop", "get", "pop3://u@127.0.0.1:1", "0"][..],
        &["pop", "get", "pop3://u@127.0.0.1:1"],
        &["pop", "rm", "pop3://u@127.0.0.1:1"],
        &["pop", "fetch", "pop3://u@127.0.0.1:1"],
        &["pop", "ls", "pop3://u@127.0.0.1:1", "--new"],
        &["pop", "get", "pop3://u@127.0.0.1:1", "x1"],
        &["pop", "stat", "imap://u@127.0.0.1:1"],
    ] {
        let out = netkit(args);
        assert_eq!(code(&out), 2, "{args:?}: {}", stderr(&out));
        assert_eq!(
            stderr(&out).lines().count(),
            1,
            "{args:?}: {}",
            stderr(&out)
        );
    }
    // A destination in the way is local I/O (9), found before any login.
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("f");
    fs::write(&file, b"x").expect("file");
    let out = netkit(&[
        "pop",
        "fetch",
        "pop3://u:p@127.0.0.1:1",
        "--maildir",
        file.to_str().expect("path"),
        "-q",
    ]);
    assert_eq!(code(&out), 9, "{}", stderr(&out));
    let out = netkit(&[
        "pop",
        "fetch",
        "pop3://u:p@127.0.0.1:1",
        "--mbox",
        dir.path().to_str().expect("path"),
        "-q",
    ]);
    assert_eq!(code(&out), 9, "{}", stderr(&out));
}
