//! `netkit nntp` against scripted misbehaving NNTP servers: 480 without credentials, bad
//! overview lines, dot-stuffed bodies, a drop mid-OVER, an endless line, a stall, the
//! XOVER/XHDR fallbacks, AUTHINFO order and SASL PLAIN. What the client sent is checked
//! from the peer's transcript.

use crate::util::script::{ScriptedPeer, Step, expect, send};
use crate::util::{code, netkit, run_with_stdin, stderr, stdout};

/// Greeting and CAPABILITIES of a reader server without STARTTLS.
fn hello() -> Vec<Step> {
    vec![
        send("200 scripted ready (posting ok)\r\n"),
        expect("CAPABILITIES"),
        send("101 caps\r\nVERSION 2\r\nREADER\r\nOVER\r\nHDR\r\nPOST\r\nAUTHINFO USER\r\n.\r\n"),
    ]
}

fn group(count: u32) -> Vec<Step> {
    vec![
        expect("GROUP g.x"),
        send(format!("211 {count} 1 {count} g.x\r\n")),
    ]
}

fn with(parts: Vec<Vec<Step>>) -> Vec<Step> {
    parts.concat()
}

fn url(peer: &ScriptedPeer) -> String {
    format!("nntp://{}/g.x", peer.addr())
}

fn sent(peer: ScriptedPeer) -> Vec<String> {
    peer.assert_ok()
        .iter()
        .map(|l| String::from_utf8_lossy(l).trim_end().to_owned())
        .collect()
}

fn ov(n: u32) -> String {
    format!("{n}\tSubject {n}\tA <a@x>\tSat, 1 Feb 2025 10:00:00 +0000\t<{n}@x>\t\t100\t2\r\n")
}

#[test]
fn a_480_without_credentials_is_an_auth_error() {
    let peer = ScriptedPeer::start(with(vec![
        hello(),
        vec![expect("GROUP g.x"), send("480 Authentication required\r\n")],
    ]));
    let out = netkit(&["nntp", "over", &url(&peer), "-t", "5"]);
    assert_eq!(code(&out), 7, "{}", stderr(&out));
    assert!(stderr(&out).contains("-u USER"), "{}", stderr(&out));
    peer.assert_ok();
}

#[test]
fn bad_overview_lines_are_skipped_with_a_warning_and_exit_12() {
    let peer = ScriptedPeer::start(with(vec![
        hello(),
        group(3),
        vec![
            expect("OVER 1-"),
            send(format!(
                "224 overview\r\n{}notanumber\tx\ty\r\n{}3 no tabs at all\r\n.\r\n",
                ov(1),
                ov(2)
            )),
            expect("QUIT"),
            send("205 bye\r\n"),
        ],
    ]));
    let out = netkit(&["nntp", "over", &url(&peer), "-t", "5"]);
    assert_eq!(code(&out), 12, "{}", stderr(&out));
    let text = stdout(&out);
    assert_eq!(text.lines().count(), 2, "{text}");
    assert!(text.starts_with("1\tSubject 1\t"), "{text}");
    assert_eq!(
        stderr(&out).matches("skipped").count(),
        2,
        "{}",
        stderr(&out)
    );
    peer.assert_ok();
}

#[test]
fn dot_stuffed_bodies_are_unstuffed_and_posts_are_stuffed() {
    let peer = ScriptedPeer::start(with(vec![
        hello(),
        group(1),
        vec![
            expect("BODY 1"),
            send("222 1 <1@x> body\r\n..one dot\r\n...two dots\r\n.\r\n"),
            expect("QUIT"),
            send("205 bye\r\n"),
        ],
    ]));
    let out = netkit(&["nntp", "body", &url(&peer), "1", "-t", "5"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(stdout(&out), ".one dot\n..two dots\n");
    peer.assert_ok();

    let peer = ScriptedPeer::start(with(vec![
        hello(),
        vec![
            expect("POST"),
            send("340 go ahead\r\n"),
            Step::ReadUntilDot,
            send("240 article received\r\n"),
            expect("QUIT"),
            send("205 bye\r\n"),
        ],
    ]));
    let out = run_with_stdin(
        &["nntp", "post", &url(&peer), "-", "-t", "5"],
        b"From: a@x.org\nSubject: s\n\n.dot\nbare\rcr\n..two",
    );
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let lines = peer.assert_ok();
    let body = String::from_utf8_lossy(&lines[2]).into_owned();
    assert!(body.contains("Newsgroups: g.x\r\n"), "{body:?}");
    assert!(
        body.contains("Message-ID: <") && body.contains("@x.org>"),
        "{body:?}"
    );
    assert!(body.contains("\r\n..dot\r\n"), "{body:?}");
    assert!(body.contains("\r\n...two"), "{body:?}");
    assert!(
        body.contains("\r\nbare\r\ncr\r\n"),
        "bare CR goes out as CRLF: {body:?}"
    );
    assert!(body.ends_with("\r\n.\r\n"), "{body:?}");
}

#[test]
fn a_drop_mid_over_keeps_the_lines_printed_and_exits_8() {
    let peer = ScriptedPeer::start(with(vec![
        hello(),
        group(5),
        vec![
            expect("OVER 1-"),
            send(format!("224 overview\r\n{}{}3\tSubj", ov(1), ov(2))),
            Step::Drop,
        ],
    ]));
    let dir = tempfile::tempdir().expect("tempdir");
    let state = dir.path().join("newsrc");
    let out = netkit(&[
        "nntp",
        "over",
        &url(&peer),
        "--new",
        "--state",
        state.to_str().expect("path"),
        "-t",
        "5",
    ]);
    assert_eq!(code(&out), 8, "{}", stderr(&out));
    assert_eq!(stdout(&out).lines().count(), 2, "{}", stdout(&out));
    assert!(
        !state.exists(),
        "the mark did not move: the next run lists them again"
    );
    peer.assert_ok();
}

#[test]
fn an_endless_line_is_a_protocol_error() {
    let peer = ScriptedPeer::start(with(vec![
        hello(),
        group(1),
        vec![
            expect("OVER 1-"),
            send("224 overview\r\n"),
            Step::SendEndless,
        ],
    ]));
    let out = netkit(&["nntp", "over", &url(&peer), "-t", "10"]);
    assert_eq!(code(&out), 8, "{}", stderr(&out));
    drop(peer);
}

#[test]
fn a_stalled_server_times_out_with_exit_5() {
    let peer = ScriptedPeer::start(with(vec![
        hello(),
        vec![
            expect("GROUP g.x"),
            Step::Stall(std::time::Duration::from_secs(8)),
        ],
    ]));
    let out = netkit(&["nntp", "group", &url(&peer), "-t", "1"]);
    assert_eq!(code(&out), 5, "{}", stderr(&out));
    assert!(stderr(&out).contains("--timeout"), "{}", stderr(&out));
    drop(peer);
}

#[test]
fn xover_and_xhdr_are_used_when_over_and_hdr_are_unknown() {
    let peer = ScriptedPeer::start(with(vec![
        vec![
            send("201 old server (no posting)\r\n"),
            expect("CAPABILITIES"),
            send("500 What?\r\n"),
            expect("MODE READER"),
            send("201 reader\r\n"),
        ],
        group(2),
        vec![
            expect("OVER 1-"),
            send("500 What?\r\n"),
            expect("XOVER 1-"),
            send(format!("224 data follows\r\n{}{}.\r\n", ov(1), ov(2))),
            expect("QUIT"),
            send("205 bye\r\n"),
        ],
    ]));
    let out = netkit(&["nntp", "over", &url(&peer), "-t", "5", "--json"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(stdout(&out).lines().count(), 2);
    peer.assert_ok();

    let peer = ScriptedPeer::start(with(vec![
        hello(),
        group(2),
        vec![
            expect("HDR Subject 1-2"),
            send("500 What?\r\n"),
            expect("XHDR Subject 1-2"),
            send("221 Subject fields\r\n1 one\r\n2 (none)\r\n.\r\n"),
            expect("QUIT"),
            send("205 bye\r\n"),
        ],
    ]));
    let out = netkit(&["nntp", "hdr", &url(&peer), "Subject", "1-2", "-t", "5"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(stdout(&out), "1\tone\n2\t\n");
    peer.assert_ok();
}

#[test]
fn authinfo_goes_right_after_the_greeting_and_capabilities() {
    let peer = ScriptedPeer::start(with(vec![
        hello(),
        vec![
            expect("AUTHINFO USER u"),
            send("381 more\r\n"),
            expect("AUTHINFO PASS pw"),
            send("281 ok\r\n"),
            expect("CAPABILITIES"),
            send("101 caps\r\nVERSION 2\r\nREADER\r\nOVER\r\n.\r\n"),
        ],
        group(0),
        vec![expect("QUIT"), send("205 bye\r\n")],
    ]));
    let out = netkit(&[
        "nntp",
        "group",
        &format!("nntp://u:pw@{}/g.x", peer.addr()),
        "-t",
        "5",
        "-q",
    ]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let lines = sent(peer);
    assert_eq!(lines[1], "AUTHINFO USER u", "{lines:?}");

    let peer = ScriptedPeer::start(with(vec![
        vec![
            send("200 ready\r\n"),
            expect("CAPABILITIES"),
            send("101 caps\r\nVERSION 2\r\nREADER\r\nAUTHINFO SASL\r\nSASL PLAIN\r\n.\r\n"),
            // base64("\0u\0pw")
            expect("AUTHINFO SASL PLAIN AHUAcHc="),
            send("281 ok\r\n"),
            expect("CAPABILITIES"),
            send("101 caps\r\nVERSION 2\r\nREADER\r\n.\r\n"),
        ],
        group(0),
        vec![expect("QUIT"), send("205 bye\r\n")],
    ]));
    let out = netkit(&[
        "nntp",
        "group",
        &format!("nntp://u:pw@{}/g.x", peer.addr()),
        "--auth",
        "plain",
        "-t",
        "5",
        "-q",
    ]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    peer.assert_ok();
}
