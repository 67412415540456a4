//! `netkit pop` against peers found hostile in review (issue 11's way of working): mail
//! another program appended to the mbox after a crash, DELE refused in the middle of `rm`,
//! one message given two uids, an endless CAPA, a message that outgrows `--max-size`, and
//! a server that echoes the password.

use std::fs;

use super::peers::{listing, login, retr, sent_lines, stored, url, with};
use crate::util::script::{ScriptedPeer, Step, expect, send};
use crate::util::{code, netkit, stderr, stdout};

#[test]
fn mail_another_program_appended_after_a_crash_is_never_cut_from_the_mbox() {
    let peer = ScriptedPeer::start(with(
        with(login(), listing(1)),
        [retr(1), vec![expect("QUIT"), send("+OK bye\r\n")]].concat(),
    ));
    let dir = tempfile::tempdir().expect("tempdir");
    let mbox = dir.path().join("mbox");
    // A run announced its append at offset 0 and was killed before writing a byte; then
    // the local MDA delivered a message of its own there.
    let foreign = b"From alice@example.org Sat Dec  6 00:00:00 2026\nSubject: local\n\nkeep me\n\n";
    fs::write(&mbox, foreign).expect("mbox");
    fs::write(
        dir.path().join("mbox.netkit-state"),
        format!(
            "# netkit mail state 1\nP pop3://u@{} uid-1 0\n",
            peer.addr()
        ),
    )
    .expect("state");
    let out = netkit(&[
        "pop",
        "fetch",
        &url(&peer),
        "--mbox",
        mbox.to_str().expect("path"),
        "--new",
        "-t",
        "5",
    ]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let kept = fs::read(&mbox).expect("mbox");
    assert!(
        kept.starts_with(foreign),
        "{}",
        String::from_utf8_lossy(&kept)
    );
    assert!(
        String::from_utf8_lossy(&kept).contains("Subject: 1\n\n.dot 1\n"),
        "{}",
        String::from_utf8_lossy(&kept)
    );
    peer.assert_ok();
}

#[test]
fn a_refused_dele_in_rm_does_not_hide_that_the_others_were_not_applied() {
    let peer = ScriptedPeer::start(with(
        login(),
        vec![
            expect("DELE 1"),
            send("+OK marked\r\n"),
            expect("DELE 2"),
            send("-ERR no such message\r\n"),
            expect("DELE 3"),
            send("+OK marked\r\n"),
            expect("QUIT"),
            send("+OK bye\r\n"),
        ],
    ));
    // 1 twice: one DELE.
    let out = netkit(&["pop", "rm", &url(&peer), "1", "2", "1", "3", "-t", "5"]);
    assert_eq!(code(&out), 12, "{}", stderr(&out));
    assert_eq!(stdout(&out), "deleted 1\ndeleted 3\n");
    assert!(stderr(&out).contains("DELE 2"), "{}", stderr(&out));
    // QUIT went out, so the server applies the two that were marked.
    let sent = sent_lines(peer);
    assert_eq!(sent.last().map(String::as_str), Some("QUIT"), "{sent:?}");
}

#[test]
fn a_drop_during_rm_claims_nothing_deleted() {
    let peer = ScriptedPeer::start(with(
        login(),
        vec![
            expect("DELE 1"),
            send("+OK marked\r\n"),
            expect("DELE 2"),
            Step::Drop,
        ],
    ));
    let out = netkit(&["pop", "rm", &url(&peer), "1", "2", "-t", "5"]);
    assert_eq!(code(&out), 8, "{}", stderr(&out));
    // Without QUIT the server deleted nothing; before, "deleted 1" was printed.
    assert_eq!(stdout(&out), "");
    peer.assert_ok();
}

#[test]
fn one_message_number_with_two_uids_stops_the_fetch() {
    let peer = ScriptedPeer::start(with(
        login(),
        vec![
            expect("LIST"),
            send("+OK\r\n1 20\r\n2 20\r\n.\r\n"),
            expect("UIDL"),
            send("+OK\r\n1 first\r\n1 second\r\n2 third\r\n.\r\n"),
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
    assert!(stderr(&out).contains("message 1 twice"), "{}", stderr(&out));
    let sent = sent_lines(peer);
    assert!(
        !sent
            .iter()
            .any(|l| l.starts_with("RETR") || l.starts_with("DELE")),
        "{sent:?}"
    );
}

#[test]
fn an_endless_capa_listing_is_cut_short() {
    let mut capa = String::from("+OK\r\n");
    for i in 0..5000 {
        capa.push_str(&format!("X-CAP-{i}\r\n"));
    }
    let peer = ScriptedPeer::start(vec![
        send("+OK ready\r\n"),
        expect("CAPA"),
        send(capa),
        Step::Stall(std::time::Duration::from_secs(10)),
    ]);
    let out = netkit(&["pop", "stat", &url(&peer), "-t", "5", "-q"]);
    assert_eq!(code(&out), 8, "{}", stderr(&out));
    assert!(stderr(&out).contains("CAPA ran past"), "{}", stderr(&out));
}

#[test]
fn a_message_larger_than_its_list_size_does_not_get_past_max_size() {
    let big = "x".repeat(100_000);
    let peer = ScriptedPeer::start(with(
        with(login(), listing(2)),
        [
            retr(1),
            vec![
                expect("RETR 2"),
                send(format!("+OK\r\nSubject: 2\r\n\r\n{big}\r\n.\r\n")),
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
        "--max-size",
        "1000",
        "--delete",
        "-t",
        "5",
    ]);
    assert_eq!(code(&out), 8, "{}", stderr(&out));
    assert!(stderr(&out).contains("--max-size"), "{}", stderr(&out));
    assert_eq!(stored(&md), vec![b"Subject: 1\r\n\r\n.dot 1\r\n".to_vec()]);
    assert!(fs::read_dir(md.join("tmp")).expect("tmp").next().is_none());
    let sent = sent_lines(peer);
    assert!(!sent.iter().any(|l| l.starts_with("DELE")), "{sent:?}");
}

#[test]
fn a_password_the_server_echoes_is_masked_in_the_transcript_and_the_json_error() {
    let peer = ScriptedPeer::start(vec![
        send("+OK ready\r\n"),
        expect("CAPA"),
        send("-ERR no CAPA\r\n"),
        expect("USER u"),
        send("+OK\r\n"),
        expect("PASS Top/Se@cret"),
        send("-ERR [AUTH] bad password Top/Se@cret\r\n"),
    ]);
    let u = format!("pop3://u:Top%2FSe%40cret@{}", peer.addr());
    let out = netkit(&[
        "pop", "stat", &u, "--auth", "USER", "-v", "--json", "-t", "5",
    ]);
    assert_eq!(code(&out), 7, "{}", stderr(&out));
    assert!(!stderr(&out).contains("Top/Se@cret"), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("< -ERR [AUTH] bad password ***"),
        "{}",
        stderr(&out)
    );
    let last = stderr(&out).lines().last().unwrap_or("").to_owned();
    let json: serde_json::Value = serde_json::from_str(&last).expect("json error line");
    assert_eq!(json["error"]["exit_code"], 7, "{last}");
    peer.assert_ok();
}

#[test]
fn a_bare_lf_dot_line_inside_a_message_does_not_cut_it_short() {
    // A server that stuffs only CRLF lines sends a bare-LF "." line of the message as it is.
    let peer = ScriptedPeer::start(with(
        with(login(), listing(1)),
        vec![
            expect("RETR 1"),
            send("+OK\r\nSubject: 1\r\n\r\nbare\n.\nrest of it\r\n.\r\n"),
            expect("QUIT"),
            send("+OK bye\r\n"),
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
        "--new",
        "-t",
        "5",
    ]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(
        stored(&md),
        vec![b"Subject: 1\r\n\r\nbare\n.\nrest of it\r\n".to_vec()]
    );
    peer.assert_ok();
}

#[test]
fn rm_by_a_uid_the_server_gives_to_two_messages_deletes_neither() {
    let peer = ScriptedPeer::start(with(
        login(),
        vec![expect("UIDL"), send("+OK\r\n1 same\r\n2 same\r\n.\r\n")],
    ));
    let out = netkit(&["pop", "rm", &url(&peer), "--uid", "same", "-t", "5"]);
    assert_eq!(code(&out), 8, "{}", stderr(&out));
    assert!(
        stderr(&out).contains("several messages"),
        "{}",
        stderr(&out)
    );
    let sent = sent_lines(peer);
    assert!(!sent.iter().any(|l| l.starts_with("DELE")), "{sent:?}");
}
