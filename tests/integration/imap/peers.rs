//! `netkit imap` against scripted misbehaving IMAP servers: a literal over the response cap,
//! untagged noise in the middle of a command, BYE in the middle of a fetch, NO
//! [UNAVAILABLE], a reply under the wrong tag, a message body before its UID.

use std::fs;
use std::path::Path;

use crate::util::script::{ScriptedPeer, Step, expect, send};
use crate::util::{code, netkit, stderr, stdout};

/// Greeting with capabilities, AUTHENTICATE PLAIN with SASL-IR.
fn login() -> Vec<Step> {
    vec![
        send("* OK [CAPABILITY IMAP4rev1 AUTH=PLAIN SASL-IR UIDPLUS] ready\r\n"),
        expect("nk1 AUTHENTICATE PLAIN "),
        send("nk1 OK [CAPABILITY IMAP4rev1 UIDPLUS IDLE] in\r\n"),
    ]
}

fn examine(tag: usize, exists: usize) -> Vec<Step> {
    vec![
        expect(&format!("nk{tag} EXAMINE INBOX")),
        send(format!(
            "* {exists} EXISTS\r\n* OK [UIDVALIDITY 7] ok\r\n* OK [UIDNEXT 10] ok\r\nnk{tag} OK [READ-ONLY] done\r\n"
        )),
    ]
}

fn info(tag: usize, n: usize) -> Vec<Step> {
    let mut text = String::new();
    for i in 1..=n {
        text.push_str(&format!(
            "* {i} FETCH (UID {i} FLAGS () INTERNALDATE \" 5-Dec-2026 10:00:00 +0000\" RFC822.SIZE 20)\r\n"
        ));
    }
    text.push_str(&format!("nk{tag} OK done\r\n"));
    vec![
        expect(&format!(
            "nk{tag} UID FETCH 1:* (UID FLAGS INTERNALDATE RFC822.SIZE)"
        )),
        send(text),
    ]
}

fn body(i: usize) -> String {
    let m = format!("Subject: {i}\r\n\r\nbody {i}\r\n");
    format!("* {i} FETCH (UID {i} BODY[] {{{}}}\r\n{m})\r\n", m.len())
}

fn logout(tag: usize) -> Vec<Step> {
    vec![
        expect(&format!("nk{tag} LOGOUT")),
        send(format!("* BYE bye\r\nnk{tag} OK done\r\n")),
    ]
}

fn url(peer: &ScriptedPeer) -> String {
    format!("imap://u:pw@{}", peer.addr())
}

fn stored(dir: &Path) -> Vec<Vec<u8>> {
    let mut all: Vec<Vec<u8>> = ["new", "cur"]
        .iter()
        .flat_map(|s| fs::read_dir(dir.join(s)).into_iter().flatten())
        .map(|e| fs::read(e.expect("entry").path()).expect("read"))
        .collect();
    all.sort();
    all
}

fn export(peer: &ScriptedPeer, md: &Path) -> std::process::Output {
    netkit(&[
        "imap",
        "export",
        &url(peer),
        "INBOX",
        "--maildir",
        md.to_str().expect("path"),
        "--new",
        "-t",
        "5",
        "-q",
    ])
}

#[test]
fn untagged_noise_mid_command_and_a_body_before_its_uid_still_export_everything() {
    let steps = [
        login(),
        examine(2, 3),
        info(3, 3),
        vec![
            expect("nk4 UID FETCH 1:3 (UID BODY.PEEK[])"),
            send(format!(
                "{}* 4 EXISTS\r\n* 2 FETCH (FLAGS (\\Seen))\r\n* OK [ALERT] maintenance soon\r\n\
                 * 2 FETCH (BODY[] {{22}}\r\nSubject: 2\r\n\r\nbody 2\r\n UID 2)\r\n{}nk4 OK done\r\n",
                body(1),
                body(3)
            )),
        ],
        logout(5),
    ]
    .concat();
    let peer = ScriptedPeer::start(steps);
    let dir = tempfile::tempdir().expect("tempdir");
    let md = dir.path().join("md");
    let out = export(&peer, &md);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let want: Vec<Vec<u8>> = (1..=3)
        .map(|i| format!("Subject: {i}\r\n\r\nbody {i}\r\n").into_bytes())
        .collect();
    assert_eq!(stored(&md), want);
    peer.assert_ok();
}

#[test]
fn bye_mid_fetch_keeps_what_was_saved_and_names_the_reason() {
    let steps = [
        login(),
        examine(2, 2),
        info(3, 2),
        vec![
            expect("nk4 UID FETCH 1:2 (UID BODY.PEEK[])"),
            send(format!("{}* BYE server shutting down\r\n", body(1))),
            Step::Drop,
        ],
    ]
    .concat();
    let peer = ScriptedPeer::start(steps);
    let dir = tempfile::tempdir().expect("tempdir");
    let md = dir.path().join("md");
    let out = export(&peer, &md);
    assert_eq!(code(&out), 8, "{}", stderr(&out));
    assert!(
        stderr(&out).contains("BYE server shutting down"),
        "{}",
        stderr(&out)
    );
    assert_eq!(stored(&md), vec![b"Subject: 1\r\n\r\nbody 1\r\n".to_vec()]);
    let state = fs::read_to_string(md.join(".netkit-state")).expect("state");
    assert!(
        state.contains("UIDVALIDITY%3D7 1\n") || state.contains("UIDVALIDITY=7 1\n"),
        "{state}"
    );
    assert!(fs::read_dir(md.join("tmp")).expect("tmp").next().is_none());
}

#[test]
fn a_literal_over_the_cap_is_refused_at_once_and_bounded() {
    let steps = [
        login(),
        vec![
            expect("nk2 LIST \"\" \"*\""),
            send("* LIST () \"/\" {999999999999}\r\n"),
            Step::Stall(std::time::Duration::from_secs(3)),
        ],
    ]
    .concat();
    let peer = ScriptedPeer::start(steps);
    let out = netkit(&["imap", "ls", &url(&peer), "-t", "10", "-q"]);
    assert_eq!(code(&out), 8, "{}", stderr(&out));
    assert!(
        stderr(&out).contains("999999999999-byte literal"),
        "{}",
        stderr(&out)
    );
    assert_eq!(stderr(&out).lines().count(), 1);
}

#[test]
fn no_unavailable_is_temporary_and_a_wrong_tag_is_a_protocol_error() {
    let peer = ScriptedPeer::start(
        [
            login(),
            vec![
                expect("nk2 EXAMINE INBOX"),
                send("nk2 NO [UNAVAILABLE] backend down, try later\r\n"),
                Step::ExpectClose,
            ],
        ]
        .concat(),
    );
    let out = netkit(&["imap", "search", &url(&peer), "INBOX", "-t", "5", "-q"]);
    assert_eq!(code(&out), 11, "{}", stderr(&out));
    assert!(stderr(&out).contains("UNAVAILABLE"), "{}", stderr(&out));

    let peer = ScriptedPeer::start(
        [
            login(),
            vec![
                expect("nk2 STATUS INBOX"),
                send("nk7 OK done\r\n"),
                Step::ExpectClose,
            ],
        ]
        .concat(),
    );
    let out = netkit(&["imap", "status", &url(&peer), "INBOX", "-t", "5", "-q"]);
    assert_eq!(code(&out), 8, "{}", stderr(&out));
    assert!(stderr(&out).contains("nk7"), "{}", stderr(&out));

    // A stalled reply is a timeout (5), not a hang.
    let peer = ScriptedPeer::start(
        [
            login(),
            vec![
                expect("nk2 STATUS INBOX"),
                Step::Stall(std::time::Duration::from_secs(10)),
            ],
        ]
        .concat(),
    );
    let out = netkit(&["imap", "status", &url(&peer), "INBOX", "-t", "1", "-q"]);
    assert_eq!(code(&out), 5, "{}", stderr(&out));
    assert!(stdout(&out).is_empty());
}

#[test]
fn rm_without_uidplus_is_refused_before_anything_is_marked() {
    let peer = ScriptedPeer::start(vec![
        send("* OK [CAPABILITY IMAP4rev1 AUTH=PLAIN SASL-IR] ready\r\n"),
        expect("nk1 AUTHENTICATE PLAIN "),
        send("nk1 OK [CAPABILITY IMAP4rev1] in\r\n"),
        Step::ExpectClose,
    ]);
    let out = netkit(&["imap", "rm", &url(&peer), "INBOX", "3", "-t", "5", "-q"]);
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    assert!(stderr(&out).contains("UIDPLUS"), "{}", stderr(&out));
    let sent: Vec<String> = peer
        .assert_ok()
        .iter()
        .map(|l| String::from_utf8_lossy(l).into_owned())
        .collect();
    assert!(
        !sent
            .iter()
            .any(|l| l.contains("STORE") || l.contains("EXPUNGE")),
        "{sent:?}"
    );
}

#[test]
fn without_literal_plus_append_waits_for_the_go_ahead_and_mv_falls_back_to_copy_and_uid_expunge() {
    let message = b"Subject: x\r\n\r\nhi\r\n";
    let steps = vec![
        send("* OK [CAPABILITY IMAP4rev1 AUTH=PLAIN SASL-IR UIDPLUS] ready\r\n"),
        expect("nk1 AUTHENTICATE PLAIN "),
        send("nk1 OK [CAPABILITY IMAP4rev1 UIDPLUS] in\r\n"),
        expect(&format!("nk2 APPEND INBOX {{{}}}", message.len())),
        send("+ go ahead\r\n"),
        expect("Subject: x"),
        expect(""),
        expect("hi"),
        expect(""),
        send("nk2 OK [APPENDUID 7 42] done\r\n"),
        expect("nk3 LOGOUT"),
        send("* BYE bye\r\nnk3 OK done\r\n"),
    ];
    let peer = ScriptedPeer::start(steps);
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("m.eml");
    fs::write(&file, b"Subject: x\n\nhi\n").expect("write");
    let out = netkit(&[
        "imap",
        "append",
        &url(&peer),
        "INBOX",
        file.to_str().expect("p"),
        "-t",
        "5",
    ]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(
        stdout(&out).trim(),
        format!("appended {} to INBOX as UID 42", file.display())
    );
    peer.assert_ok();

    let steps = vec![
        send("* OK [CAPABILITY IMAP4rev1 AUTH=PLAIN SASL-IR UIDPLUS] ready\r\n"),
        expect("nk1 AUTHENTICATE PLAIN "),
        send("nk1 OK [CAPABILITY IMAP4rev1 UIDPLUS] in\r\n"),
        expect("nk2 SELECT INBOX"),
        send("* 3 EXISTS\r\n* OK [UIDVALIDITY 7] ok\r\nnk2 OK [READ-WRITE] done\r\n"),
        expect("nk3 UID COPY 2,5 Archive"),
        send("nk3 OK [COPYUID 9 2,5 11:12] done\r\n"),
        expect("nk4 UID STORE 2,5 +FLAGS.SILENT (\\Deleted)"),
        send("nk4 OK done\r\n"),
        expect("nk5 UID EXPUNGE 2,5"),
        send("* 2 EXPUNGE\r\n* 1 EXPUNGE\r\nnk5 OK done\r\n"),
        expect("nk6 LOGOUT"),
        send("* BYE bye\r\nnk6 OK done\r\n"),
    ];
    let peer = ScriptedPeer::start(steps);
    let out = netkit(&[
        "imap",
        "mv",
        &url(&peer),
        "INBOX",
        "2",
        "5",
        "Archive",
        "-t",
        "5",
    ]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(
        stdout(&out).trim(),
        "moved 2 messages from INBOX to Archive"
    );
    peer.assert_ok();
}
