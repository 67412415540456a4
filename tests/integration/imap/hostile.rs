//! `netkit imap` against hostile scripted servers: what a server in the path or a broken one
//! may send to strip TLS, blow the memory or write to the user's terminal.

use crate::util::script::{ScriptedPeer, Step, expect, send};
use crate::util::{code, netkit, stderr, stdout};

fn url(peer: &ScriptedPeer) -> String {
    format!("imap://u:secretpw@{}", peer.addr())
}

/// Greeting with capabilities, AUTHENTICATE PLAIN with SASL-IR.
fn login() -> Vec<Step> {
    vec![
        send("* OK [CAPABILITY IMAP4rev1 AUTH=PLAIN SASL-IR UIDPLUS] ready\r\n"),
        expect("nk1 AUTHENTICATE PLAIN "),
        send("nk1 OK [CAPABILITY IMAP4rev1 UIDPLUS] in\r\n"),
    ]
}

#[test]
fn a_preauth_greeting_on_a_plain_connection_fails_tls_required() {
    let peer = ScriptedPeer::start(vec![
        send("* PREAUTH [CAPABILITY IMAP4rev1] logged in already\r\n"),
        Step::ExpectClose,
    ]);
    let out = netkit(&[
        "imap",
        "status",
        &url(&peer),
        "INBOX",
        "--tls",
        "required",
        "-t",
        "5",
        "-q",
    ]);
    assert_eq!(code(&out), 6, "{}", stderr(&out));
    assert!(stderr(&out).contains("PREAUTH"), "{}", stderr(&out));
    assert!(stdout(&out).is_empty());
    // Not one command went out in clear text.
    let sent = peer.assert_ok();
    assert!(sent.iter().all(|l| l.is_empty()), "{sent:?}");
}

fn examine(tag: usize) -> Vec<Step> {
    vec![
        expect(&format!("nk{tag} EXAMINE INBOX")),
        send(format!(
            "* 1 EXISTS\r\n* OK [UIDVALIDITY 7] ok\r\nnk{tag} OK [READ-ONLY] done\r\n"
        )),
    ]
}

#[test]
fn a_fetch_response_that_never_ends_between_streamed_literals_is_cut_at_the_cap() {
    // Each `BODY[] {0}` streams an empty literal; the response itself never ends.
    let mut endless = b"* 1 FETCH (UID 1 BODY[] {0}\r\n".to_vec();
    for _ in 0..400_000 {
        endless.extend_from_slice(b" BODY[] {0}\r\n");
    }
    let peer = ScriptedPeer::start(
        [
            login(),
            examine(2),
            vec![
                expect("nk3 UID FETCH 1 (UID BODY.PEEK[])"),
                send(endless),
                Step::Stall(std::time::Duration::from_secs(10)),
            ],
        ]
        .concat(),
    );
    let out = netkit(&["imap", "get", &url(&peer), "INBOX", "1", "-t", "30", "-q"]);
    assert_eq!(code(&out), 8, "{}", stderr(&out));
    assert!(stderr(&out).contains("without ending"), "{}", stderr(&out));
    assert!(stdout(&out).is_empty());
}

/// Peak RSS of a running process, in KiB.
fn peak_rss_kib(pid: u32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .expect("/proc status")
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .expect("VmHWM")
}

#[test]
fn quote_prints_each_response_as_it_comes_in_constant_memory() {
    const LINES: usize = 400_000;
    let flood = "* 1 FETCH (FLAGS (\\Seen \\Answered \\Flagged))\r\n".repeat(LINES);
    let peer = ScriptedPeer::start(
        [
            login(),
            vec![
                expect("nk2 NOOP"),
                send(flood),
                // No tagged reply: netkit is still running when the flood is through.
                Step::Stall(std::time::Duration::from_secs(10)),
            ],
        ]
        .concat(),
    );
    let mut child = std::process::Command::new(crate::util::netkit_path())
        .args(["imap", "quote", &url(&peer), "NOOP", "-t", "5", "-q"])
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("spawn netkit");
    let mut lines = std::io::BufRead::lines(std::io::BufReader::new(
        child.stdout.take().expect("stdout"),
    ));
    // All but what stdout's 64 KiB buffer may still hold.
    let mut seen = 0;
    while seen < LINES - 10_000 {
        let line = lines
            .next()
            .expect("a line before the flood ended")
            .expect("utf-8");
        assert_eq!(line, "* 1 FETCH (FLAGS (\\Seen \\Answered \\Flagged))");
        seen += 1;
    }
    // 18 MB went through; the process never held it.
    let peak = peak_rss_kib(child.id());
    seen += lines.count();
    let out = child.wait_with_output().expect("wait");
    assert_eq!(seen, LINES);
    assert_eq!(code(&out), 5, "{}", stderr(&out));
    assert!(
        peak < 32 * 1024,
        "peak RSS {peak} KiB: the responses were buffered"
    );
}

#[test]
fn mailbox_names_cannot_write_control_characters_to_the_terminal() {
    // `&ABs-` is ESC in modified UTF-7: a terminal escape sequence hidden in a name.
    let peer = ScriptedPeer::start(
        [
            login(),
            vec![
                expect("nk2 LIST \"\" \"*\""),
                send("* LIST () \"/\" \"a&ABs-[2Jb\"\r\nnk2 OK done\r\n"),
                // The STATUS goes by the name as the server sent it.
                expect("nk3 STATUS a&ABs-[2Jb (MESSAGES UNSEEN UIDNEXT UIDVALIDITY)"),
                send(
                    "* STATUS \"a&ABs-[2Jb\" (MESSAGES 2 UNSEEN 1 UIDNEXT 3 UIDVALIDITY 9)\r\n\
                     nk3 OK done\r\n",
                ),
                expect("nk4 LOGOUT"),
                send("* BYE bye\r\nnk4 OK done\r\n"),
            ],
        ]
        .concat(),
    );
    let out = netkit(&["imap", "ls", &url(&peer), "-t", "5", "-q"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(stdout(&out), "a?[2Jb\t2\t1\t3\t9\n");
    peer.assert_ok();
}

#[test]
fn rm_says_the_messages_stay_flagged_when_uid_expunge_fails_after_all() {
    // UIDPLUS is announced, then UID EXPUNGE is not understood.
    let peer = ScriptedPeer::start(
        [
            login(),
            vec![
                expect("nk2 SELECT INBOX"),
                send("* 3 EXISTS\r\n* OK [UIDVALIDITY 7] ok\r\nnk2 OK [READ-WRITE] done\r\n"),
                expect("nk3 UID STORE 2:3 +FLAGS.SILENT (\\Deleted)"),
                send("nk3 OK done\r\n"),
                expect("nk4 UID EXPUNGE 2:3"),
                send("nk4 BAD unknown command\r\n"),
                Step::ExpectClose,
            ],
        ]
        .concat(),
    );
    let out = netkit(&[
        "imap",
        "rm",
        &url(&peer),
        "INBOX",
        "2",
        "3",
        "-t",
        "5",
        "-q",
    ]);
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    assert!(
        stderr(&out).contains("UIDs 2:3 in INBOX stay flagged \\Deleted, not expunged"),
        "{}",
        stderr(&out)
    );
    assert!(stdout(&out).is_empty());
    peer.assert_ok();
}

#[test]
fn status_counts_only_the_answer_for_the_mailbox_asked() {
    let peer = ScriptedPeer::start(
        [
            login(),
            vec![
                expect("nk2 STATUS INBOX (MESSAGES UNSEEN UIDNEXT UIDVALIDITY)"),
                send(
                    "* STATUS INBOX (MESSAGES 1 UNSEEN 0 UIDNEXT 2 UIDVALIDITY 7)\r\n\
                     * STATUS \"Spam\" (MESSAGES 999 UNSEEN 999 UIDNEXT 1000 UIDVALIDITY 3)\r\n\
                     nk2 OK done\r\n",
                ),
                expect("nk3 LOGOUT"),
                send("* BYE bye\r\nnk3 OK done\r\n"),
            ],
        ]
        .concat(),
    );
    let out = netkit(&["imap", "status", &url(&peer), "INBOX", "-t", "5", "-q"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(stdout(&out), "INBOX\t1\t0\t2\t7\n");
    peer.assert_ok();
}

#[test]
fn a_body_sent_as_a_quoted_string_is_a_body_too() {
    // RFC 3501: BODY[] is an nstring, so a small one may come quoted instead of a literal.
    let peer = ScriptedPeer::start(
        [
            login(),
            examine(2),
            vec![
                expect("nk3 UID FETCH 5 (UID BODY.PEEK[])"),
                send("* 1 FETCH (UID 5 BODY[] \"Subject: q\")\r\nnk3 OK done\r\n"),
                expect("nk4 LOGOUT"),
                send("* BYE bye\r\nnk4 OK done\r\n"),
            ],
        ]
        .concat(),
    );
    let out = netkit(&["imap", "get", &url(&peer), "INBOX", "5", "-t", "5", "-q"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(stdout(&out), "Subject: q");
    peer.assert_ok();
}

/// Untagged lines trickled before a completion (or before the `+` a synchronising literal
/// waits for), each well within `-t`: the answers of the commands that open a session or a
/// mailbox are small by nature, so each is one step within `-t` as a whole, named in the
/// error.
#[test]
fn untagged_lines_trickled_before_a_login_examine_or_literal_end_at_the_timeout() {
    let trickle = || {
        Step::Trickle(
            "* OK still here\r\n".repeat(100).into_bytes(),
            std::time::Duration::from_millis(5),
        )
    };
    let dir = crate::util::peer::StateDir::new("imap-trickle");
    let message = dir.join("m.eml");
    std::fs::write(&message, "Subject: x\r\n\r\nbody\r\n").expect("write the message");
    let message = message.to_str().expect("a UTF-8 path");
    let cases = [
        (
            vec![
                login()[0].clone(),
                expect("nk1 AUTHENTICATE PLAIN "),
                trickle(),
            ],
            "the end of the AUTHENTICATE PLAIN reply",
        ),
        (
            [login(), vec![expect("nk2 EXAMINE INBOX"), trickle()]].concat(),
            "the end of the EXAMINE reply",
        ),
        // No LITERAL+ after the login: APPEND waits for the server's '+'.
        (
            [login(), vec![expect("nk2 APPEND INBOX"), trickle()]].concat(),
            "the server's '+' to send a literal",
        ),
    ];
    for (steps, what) in cases {
        let peer = ScriptedPeer::start(steps);
        let url = url(&peer);
        let args: &[&str] = if what.contains('+') {
            &["imap", "append", &format!("{url}/INBOX"), message]
        } else {
            &["imap", "get", &url, "INBOX", "1"]
        };
        let out = netkit(&[args, &["-t", "1", "-q"]].concat());
        let err = stderr(&out);
        assert_eq!(code(&out), 5, "{what}: {err}");
        assert!(
            err.contains(&format!(
                "timed out after 1 s waiting for {what} (raise --timeout)"
            )),
            "{err}"
        );
    }
}
