//! `netkit ftp` against peers found hostile in review: a local symlink in a mirror's
//! target, a short transfer to stdout, a stall that must not cost a second timeout for
//! QUIT, and a transfer answered 2xx without its 1xx.

use std::fs;
use std::time::{Duration, Instant};

use super::peers::{data_port, login, url, with};
use crate::util::script::{ScriptedPeer, Step, expect, send};
use crate::util::{code, netkit, stderr, stdout};

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

/// SIZE 10, no MDTM, EPSV to `port`, RETR f: the steps up to the RETR command.
fn retr_f(port: u16) -> Vec<Step> {
    with(
        login(&["EPSV", "SIZE", "MDTM"]),
        vec![
            expect("SIZE f"),
            send("213 10\r\n"),
            expect("MDTM f"),
            send("550 no time\r\n"),
            expect("EPSV"),
            send(format!("229 ok (|||{port}|)\r\n")),
            expect("RETR f"),
        ],
    )
}

#[test]
fn a_short_transfer_to_stdout_is_exit_8() {
    let (port, data) = data_port(b"01234".to_vec());
    let peer = ScriptedPeer::start(with(
        retr_f(port),
        vec![send("150 go\r\n226 done (it lies)\r\n")],
    ));
    let out = netkit(&["ftp", "get", &url(&peer, "/f"), "-o", "-", "-t", "5"]);
    assert_eq!(code(&out), 8, "{}", stderr(&out));
    assert!(stderr(&out).contains("5 of 10 bytes"), "{}", stderr(&out));
    assert_eq!(stdout(&out), "01234");
    data.join().expect("data");
    peer.assert_ok();
    // fetch ftp:// is the same get.
    let (port, data) = data_port(b"01234".to_vec());
    let peer = ScriptedPeer::start(with(
        retr_f(port),
        vec![send("150 go\r\n226 done (it lies)\r\n")],
    ));
    let out = netkit(&["fetch", &url(&peer, "/f"), "-o", "-", "-t", "5"]);
    assert_eq!(code(&out), 8, "{}", stderr(&out));
    data.join().expect("data");
    peer.assert_ok();
}

#[test]
fn a_missing_final_reply_costs_one_timeout_not_two() {
    let (port, data) = data_port(b"0123456789".to_vec());
    let peer = ScriptedPeer::start(with(
        retr_f(port),
        vec![send("150 go\r\n"), Step::Stall(Duration::from_secs(10))],
    ));
    let dir = tempfile::tempdir().expect("tempdir");
    let started = Instant::now();
    let out = netkit(&[
        "ftp",
        "get",
        &url(&peer, "/f"),
        "-o",
        dir.path().join("f").to_str().expect("path"),
        "-t",
        "2",
    ]);
    let took = started.elapsed();
    assert_eq!(code(&out), 5, "{}", stderr(&out));
    // Before: the error after 2 s, then QUIT waited 2 s more for the same silent server.
    assert!(took < Duration::from_millis(3500), "{took:?}");
    let sent = peer.transcript();
    assert!(!sent.iter().any(|l| l.starts_with(b"QUIT")), "{sent:?}");
    data.join().expect("data");
}

#[test]
fn a_transfer_answered_2xx_without_its_1xx_is_a_protocol_error() {
    let (port, data) = data_port(b"0123456789".to_vec());
    let peer = ScriptedPeer::start(with(retr_f(port), vec![send("226 done already\r\n")]));
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("f");
    let out = netkit(&[
        "ftp",
        "get",
        &url(&peer, "/f"),
        "-o",
        file.to_str().expect("path"),
        "-t",
        "5",
    ]);
    assert_eq!(code(&out), 8, "{}", stderr(&out));
    assert!(!file.exists());
    data.join().expect("data");
    peer.assert_ok();
}

#[test]
fn a_password_the_server_echoes_is_masked_in_the_transcript_and_the_error() {
    let peer = ScriptedPeer::start(vec![
        send("220 scripted\r\n"),
        expect("AUTH TLS"),
        send("500 no TLS here\r\n"),
        expect("USER u"),
        send("331 password please\r\n"),
        expect("PASS Top/Se@cret"),
        send("530 bad password Top/Se@cret\r\n"),
    ]);
    let u = format!("ftp://u:Top%2FSe%40cret@{}/", peer.addr());
    let out = netkit(&["ftp", "ls", &u, "-v", "-t", "5"]);
    assert_eq!(code(&out), 7, "{}", stderr(&out));
    assert!(!stderr(&out).contains("Top/Se@cret"), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("< 530 bad password ***"),
        "{}",
        stderr(&out)
    );
    assert!(
        stderr(&out).contains("refused: 530 bad password ***"),
        "{}",
        stderr(&out)
    );
    peer.assert_ok();
}

/// A data port that sends `data` a moment after the connection, then resets it (SO_LINGER 0).
fn resetting_data_port(data: Vec<u8>) -> (u16, std::thread::JoinHandle<()>) {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind data port");
    let port = listener.local_addr().expect("addr").port();
    let handle = std::thread::spawn(move || {
        if let Ok((mut s, _)) = listener.accept() {
            // After the client's RETR and the 150, not during its connect.
            std::thread::sleep(Duration::from_millis(300));
            let _ = std::io::Write::write_all(&mut s, &data);
            let _ = socket2::SockRef::from(&s).set_linger(Some(Duration::ZERO));
        }
    });
    (port, handle)
}

#[test]
fn a_transfer_that_fails_midway_does_not_put_the_mirror_out_of_step() {
    let listing = "-rw-r--r-- 1 ftp ftp 10 Jan 01 2024 f1\r\n\
                   -rw-r--r-- 1 ftp ftp 3 Jan 01 2024 f2\r\n\
                   -rw-r--r-- 1 ftp ftp 5 Jan 01 2024 f3\r\n";
    let (list_port, list_data) = data_port(listing.as_bytes().to_vec());
    let (p1, d1) = resetting_data_port(b"01234".to_vec());
    let (p2, d2) = data_port(b"two".to_vec());
    let (p3, d3) = data_port(b"three".to_vec());
    let file = |port: u16, name: &str| {
        vec![
            expect("EPSV"),
            send(format!("229 ok (|||{port}|)\r\n")),
            expect(&format!("RETR {name}")),
            send("150 go\r\n226 done\r\n"),
            expect(&format!("MDTM {name}")),
            send("550 no time\r\n"),
        ]
    };
    let peer = ScriptedPeer::start(
        [
            login(&["EPSV", "SIZE", "MDTM"]),
            vec![
                expect("EPSV"),
                send(format!("229 ok (|||{list_port}|)\r\n")),
                expect("LIST"),
                send("150 here\r\n226 done\r\n"),
                expect("EPSV"),
                send(format!("229 ok (|||{p1}|)\r\n")),
                expect("RETR f1"),
                // The server's answer to the lost transfer: the client must read it here,
                // not take it for the answer to its next command.
                send("150 go\r\n426 connection lost\r\n"),
            ],
            file(p2, "f2"),
            file(p3, "f3"),
            vec![expect("QUIT"), send("221 bye\r\n")],
        ]
        .concat(),
    );
    let dir = tempfile::tempdir().expect("tempdir");
    let target = dir.path().join("m");
    let out = netkit(&[
        "ftp",
        "get",
        "-r",
        &url(&peer, "/"),
        target.to_str().expect("path"),
        "-t",
        "5",
    ]);
    assert_eq!(code(&out), 12, "{}", stderr(&out));
    assert!(stderr(&out).contains("f1"), "{}", stderr(&out));
    assert_eq!(fs::read(target.join("f2")).expect("f2"), b"two");
    assert_eq!(fs::read(target.join("f3")).expect("f3"), b"three");
    assert!(!target.join("f1").exists());
    for d in [list_data, d2, d3] {
        d.join().expect("data");
    }
    d1.join().expect("data");
    peer.assert_ok();
}

#[test]
fn a_remote_name_that_is_another_file_s_working_name_is_refused() {
    // x.part listed first: fetched first, it was then taken for x's .part, truncated and
    // renamed to x; the run said both were copied.
    let listing = "-rw-r--r-- 1 ftp ftp 9 Jan 01 2024 x.part\r\n\
                   -rw-r--r-- 1 ftp ftp 6 Jan 01 2024 x\r\n";
    let (list_port, list_data) = data_port(listing.as_bytes().to_vec());
    let (port, data) = data_port(b"body-x".to_vec());
    let peer = ScriptedPeer::start(with(
        login(&["EPSV", "SIZE", "MDTM"]),
        vec![
            expect("EPSV"),
            send(format!("229 ok (|||{list_port}|)\r\n")),
            expect("LIST"),
            send("150 here\r\n226 done\r\n"),
            expect("EPSV"),
            send(format!("229 ok (|||{port}|)\r\n")),
            expect("RETR x"),
            send("150 go\r\n226 done\r\n"),
            expect("MDTM x"),
            send("550 no time\r\n"),
            expect("QUIT"),
            send("221 bye\r\n"),
        ],
    ));
    let dir = tempfile::tempdir().expect("tempdir");
    let target = dir.path().join("m");
    let out = netkit(&[
        "ftp",
        "get",
        "-r",
        &url(&peer, "/"),
        target.to_str().expect("path"),
        "-t",
        "5",
    ]);
    assert_eq!(code(&out), 12, "{}", stderr(&out));
    assert!(stderr(&out).contains("x.part: refused"), "{}", stderr(&out));
    assert_eq!(fs::read(target.join("x")).expect("x"), b"body-x");
    list_data.join().expect("data");
    data.join().expect("data");
    peer.assert_ok();
}

#[test]
fn files_left_when_the_only_connection_is_lost_are_reported_failed() {
    // The server closes the session at the first file: the other two were never tried,
    // and the summary said "1 failed" as though they had not been in the tree.
    let listing = "-rw-r--r-- 1 ftp ftp 1 Jan 01 2024 f1\r\n\
                   -rw-r--r-- 1 ftp ftp 2 Jan 01 2024 f2\r\n\
                   -rw-r--r-- 1 ftp ftp 3 Jan 01 2024 f3\r\n";
    let (list_port, list_data) = data_port(listing.as_bytes().to_vec());
    let peer = ScriptedPeer::start(with(
        login(&["EPSV", "SIZE", "MDTM"]),
        vec![
            expect("EPSV"),
            send(format!("229 ok (|||{list_port}|)\r\n")),
            expect("LIST"),
            send("150 here\r\n226 done\r\n"),
            expect("EPSV"),
            send("421 shutting down\r\n"),
            Step::Drop,
        ],
    ));
    let dir = tempfile::tempdir().expect("tempdir");
    let target = dir.path().join("m");
    let out = netkit(&[
        "ftp",
        "get",
        "-r",
        "--json",
        &url(&peer, "/"),
        target.to_str().expect("path"),
        "-t",
        "5",
    ]);
    assert_eq!(code(&out), 11, "{}{}", stderr(&out), stdout(&out));
    let lines: Vec<serde_json::Value> = stdout(&out)
        .lines()
        .map(|l| serde_json::from_str(l).expect("json line"))
        .collect();
    let summary = &lines.last().expect("summary")["summary"];
    assert_eq!(summary["failed"], 3, "{}", stdout(&out));
    for name in ["f2", "f3"] {
        let item = lines
            .iter()
            .find(|l| l["remote"].as_str().is_some_and(|r| r.ends_with(name)))
            .unwrap_or_else(|| panic!("{name} reported: {}", stdout(&out)));
        assert_eq!(item["result"], "failed");
        assert!(
            item["error"]
                .as_str()
                .is_some_and(|e| e.contains("connection")),
            "{item}"
        );
    }
    list_data.join().expect("data");
    peer.assert_ok();
}
