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
