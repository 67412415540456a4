//! `netkit ftp` against peers found hostile in review: a local symlink in a mirror's
//! target, a short transfer to stdout, a stall that must not cost a second timeout for
//! QUIT, and a transfer answered 2xx without its 1xx.

use std::fs;

use super::peers::{data_port, login, url, with};
use crate::util::script::{ScriptedPeer, expect, send};
use crate::util::{code, netkit, stderr};

#[test]
fn a_mirror_does_not_follow_a_local_symlink_out_of_the_target() {
    let listing = "drwxr-xr-x 2 ftp ftp 4096 Jan 01 2024 sub\r\n";
    let (port, data) = data_port(listing.as_bytes().to_vec());
    let peer = ScriptedPeer::start(with(
        login(&["EPSV", "SIZE", "MDTM"]),
        vec![
            expect("EPSV"),
            send(format!("229 ok (|||{port}|)\r\n")),
            expect("LIST"),
            send("150 here\r\n226 done\r\n"),
            expect("QUIT"),
            send("221 bye\r\n"),
        ],
    ));
    let dir = tempfile::tempdir().expect("tempdir");
    let outside = dir.path().join("outside");
    fs::create_dir(&outside).expect("outside");
    fs::write(outside.join("precious"), b"mine").expect("precious");
    let target = dir.path().join("target");
    fs::create_dir(&target).expect("target");
    std::os::unix::fs::symlink(&outside, target.join("sub")).expect("symlink");
    let out = netkit(&[
        "ftp",
        "get",
        "-r",
        &url(&peer, "/"),
        target.to_str().expect("path"),
        "--delete",
        "-t",
        "5",
    ]);
    // The only entry refused for a local reason: local I/O.
    assert_eq!(code(&out), 9, "{}", stderr(&out));
    assert!(stderr(&out).contains("symlink"), "{}", stderr(&out));
    assert_eq!(fs::read(outside.join("precious")).expect("kept"), b"mine");
    assert_eq!(fs::read_dir(&outside).expect("outside").count(), 1);
    assert!(
        fs::symlink_metadata(target.join("sub")).is_ok_and(|m| m.is_symlink()),
        "the user's link stays"
    );
    data.join().expect("data");
    peer.assert_ok();
}
