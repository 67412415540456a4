//! `netkit pop` against peers found hostile in review (issue 11's way of working): mail
//! another program appended to the mbox after a crash, DELE refused in the middle of `rm`,
//! one message given two uids, an endless CAPA, a message that outgrows `--max-size`, and
//! a server that echoes the password.

use std::fs;

use super::peers::{listing, login, retr, url, with};
use crate::util::script::{ScriptedPeer, expect, send};
use crate::util::{code, netkit, stderr};

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
