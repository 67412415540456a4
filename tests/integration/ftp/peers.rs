//! ftp against scripted peers: a PASV reply aimed elsewhere (not followed), a data connection
//! that stays silent (timeout), data closed early (exit 8, `.part` kept, `-C` completes it),
//! 421 mid-session (11), hostile listing names, a server without EPSV or MLSD, odd multi-line
//! replies, and the password hidden in `-v`.

use std::fs;
use std::io::{Read, Write};
use std::net::TcpListener;
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

use crate::util::script::{ScriptedPeer, Step, expect, send};
use crate::util::{code, netkit, stderr, stdout};

/// A data port that serves `data` to the first connection and closes it.
pub(super) fn data_port(data: Vec<u8>) -> (u16, JoinHandle<Vec<u8>>) {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind data port");
    let port = listener.local_addr().expect("addr").port();
    let handle = thread::spawn(move || {
        listener.set_nonblocking(false).expect("blocking listener");
        let Ok((mut s, _)) = listener.accept() else {
            return Vec::new();
        };
        let _ = s.write_all(&data);
        let mut got = Vec::new();
        let _ = s.set_read_timeout(Some(Duration::from_millis(200)));
        let _ = s.read_to_end(&mut got);
        got
    });
    (port, handle)
}

/// Greeting, a refused AUTH TLS, anonymous login, FEAT (`features` lines), TYPE I.
pub(super) fn login(features: &[&str]) -> Vec<Step> {
    let mut feat = String::from("211-Features:\r\n");
    for f in features {
        feat.push_str(&format!(" {f}\r\n"));
    }
    feat.push_str("211 End\r\n");
    vec![
        send("220 scripted\r\n"),
        expect("AUTH TLS"),
        send("500 no TLS here\r\n"),
        expect("USER anonymous"),
        send("331 password please\r\n"),
        expect("PASS netkit@"),
        send("230 in\r\n"),
        expect("FEAT"),
        send(feat),
        expect("TYPE I"),
        send("200 binary\r\n"),
    ]
}

pub(super) fn with(mut steps: Vec<Step>, more: Vec<Step>) -> Vec<Step> {
    steps.extend(more);
    steps
}

pub(super) fn url(peer: &ScriptedPeer, path: &str) -> String {
    format!("ftp://{}{path}", peer.addr())
}

#[test]
fn a_pasv_address_is_ignored_and_list_lines_are_parsed() {
    let listing = "drwxr-xr-x 2 ftp ftp 4096 Jan 01 2024 sub dir\r\n\
                   -rw-r--r-- 1 ftp ftp 12 Feb 03 2025 a file.txt\r\n\
                   odd line nobody parses\r\n";
    let (port, data) = data_port(listing.as_bytes().to_vec());
    // No EPSV, no MLST: EPSV is tried (as curl does: FEAT often omits it), refused, then
    // PASV and LIST. The PASV reply names an address nobody should use.
    let peer = ScriptedPeer::start(with(
        login(&["SIZE"]),
        vec![
            expect("EPSV"),
            send(
                "500 EPSV not understood
",
            ),
            expect("PASV"),
            send(format!(
                "227 Entering Passive Mode (10,255,255,1,{},{})\r\n",
                port >> 8,
                port & 0xff
            )),
            expect("LIST pub"),
            send("150 here it comes\r\n226 done\r\n"),
            expect("QUIT"),
            send("221 bye\r\n"),
        ],
    ));
    let out = netkit(&["ftp", "ls", "--json", &url(&peer, "/pub"), "-t", "5"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let lines: Vec<serde_json::Value> = stdout(&out)
        .lines()
        .map(|l| serde_json::from_str(l).expect("json line"))
        .collect();
    assert_eq!(lines.len(), 3, "{}", stdout(&out));
    assert_eq!(lines[0]["name"], "sub dir");
    assert_eq!(lines[0]["type"], "dir");
    assert_eq!(lines[1]["name"], "a file.txt");
    assert_eq!(lines[1]["size"], 12);
    assert_eq!(lines[1]["modified"], "2025-02-03T00:00:00Z");
    assert_eq!(lines[2]["raw"], "odd line nobody parses");
    data.join().expect("data thread");
    peer.assert_ok();
}

#[test]
fn data_closed_early_is_exit_8_and_continue_completes_the_part_file() {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("f.bin");
    let (port, data) = data_port(b"01234".to_vec());
    let peer = ScriptedPeer::start(with(
        login(&["EPSV", "SIZE", "MDTM"]),
        vec![
            expect("SIZE f.bin"),
            send("213 10\r\n"),
            expect("MDTM f.bin"),
            send("213 20250102030405\r\n"),
            expect("EPSV"),
            send(format!("229 Extended Passive Mode (|||{port}|)\r\n")),
            expect("RETR f.bin"),
            send("150 go\r\n226 done (it lies)\r\n"),
            expect("QUIT"),
            send("221 bye\r\n"),
        ],
    ));
    let out = netkit(&[
        "ftp",
        "get",
        &url(&peer, "/f.bin"),
        "-o",
        file.to_str().unwrap(),
    ]);
    assert_eq!(code(&out), 8, "{}", stderr(&out));
    assert!(stderr(&out).contains("5 of 10 bytes"), "{}", stderr(&out));
    assert!(!file.exists());
    let part = dir.path().join("f.bin.part");
    assert_eq!(fs::read(&part).expect(".part kept"), b"01234");
    data.join().expect("data");
    peer.assert_ok();

    let (port, data) = data_port(b"56789".to_vec());
    let peer = ScriptedPeer::start(with(
        login(&["EPSV", "SIZE", "MDTM"]),
        vec![
            expect("SIZE f.bin"),
            send("213 10\r\n"),
            expect("MDTM f.bin"),
            send("213 20250102030405\r\n"),
            expect("EPSV"),
            send(format!("229 Extended Passive Mode (|||{port}|)\r\n")),
            expect("REST 5"),
            send("350 from 5\r\n"),
            expect("RETR f.bin"),
            send("150 go\r\n226 done\r\n"),
            expect("QUIT"),
            send("221 bye\r\n"),
        ],
    ));
    let out = netkit(&[
        "ftp",
        "get",
        "-C",
        &url(&peer, "/f.bin"),
        "-o",
        file.to_str().unwrap(),
    ]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(fs::read(&file).expect("final file"), b"0123456789");
    assert!(!part.exists());
    let mtime = fs::metadata(&file)
        .expect("meta")
        .modified()
        .expect("mtime");
    let secs = mtime
        .duration_since(std::time::UNIX_EPOCH)
        .expect("epoch")
        .as_secs();
    assert_eq!(secs, 1_735_787_045, "MDTM time kept");
    data.join().expect("data");
    peer.assert_ok();
}

#[test]
fn a_silent_data_connection_is_exit_5_in_about_the_timeout() {
    // Accepts (the kernel does, from the backlog) but never sends or closes.
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("addr").port();
    let peer = ScriptedPeer::start(with(
        login(&["EPSV"]),
        vec![
            expect("SIZE x"),
            send("550 no size\r\n"),
            expect("MDTM x"),
            send("550 no time\r\n"),
            expect("EPSV"),
            send(format!("229 ok (|||{port}|)\r\n")),
            expect("RETR x"),
            send("150 go\r\n"),
            Step::Stall(Duration::from_secs(10)),
        ],
    ));
    let dir = tempfile::tempdir().expect("tempdir");
    let started = Instant::now();
    let out = netkit(&[
        "ftp",
        "get",
        "-t",
        "1",
        &url(&peer, "/x"),
        "-o",
        dir.path().join("x").to_str().unwrap(),
    ]);
    let took = started.elapsed();
    assert_eq!(code(&out), 5, "{}", stderr(&out));
    assert!(took < Duration::from_secs(5), "{took:?}");
    assert!(stderr(&out).contains("data connection"), "{}", stderr(&out));
    drop(listener);
}

#[test]
fn a_421_mid_session_is_exit_11() {
    let peer = ScriptedPeer::start(with(
        login(&["SIZE"]),
        vec![
            expect("SIZE big"),
            send("421 shutting down\r\n"),
            Step::Drop,
        ],
    ));
    let out = netkit(&["ftp", "size", &url(&peer, "/big")]);
    assert_eq!(code(&out), 11, "{}", stderr(&out));
    assert!(stderr(&out).contains("421"), "{}", stderr(&out));
    assert_eq!(stderr(&out).lines().count(), 1, "{}", stderr(&out));
}

#[test]
fn hostile_names_in_a_listing_are_shown_escaped() {
    let listing = "-rw-r--r-- 1 u g 1 Jan 01 2020 ../../x\r\n\
                   -rw-r--r-- 1 u g 1 Jan 01 2020 evil\x1b[2Jname\r\n";
    let (port, data) = data_port(listing.as_bytes().to_vec());
    let peer = ScriptedPeer::start(with(
        login(&["EPSV"]),
        vec![
            expect("EPSV"),
            send(format!("229 ok (|||{port}|)\r\n")),
            expect("LIST"),
            send("150 go\r\n226 done\r\n"),
            expect("QUIT"),
            send("221 bye\r\n"),
        ],
    ));
    let out = netkit(&["ftp", "ls", &url(&peer, "/")]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(stdout(&out), "../../x\nevil?[2Jname\n");
    data.join().expect("data");
    peer.assert_ok();
}

#[test]
fn free_text_continuation_lines_and_the_password_hidden_in_verbose() {
    let peer = ScriptedPeer::start(vec![
        send("220-Welcome\r\nthis line has no code\r\n 220 nor does this\r\n220 ready\r\n"),
        expect("AUTH TLS"),
        send("502 no\r\n"),
        expect("USER me"),
        send("331 pw\r\n"),
        expect("PASS hunter2"),
        send("230 in\r\n"),
        expect("FEAT"),
        send("500 what\r\n"),
        expect("TYPE I"),
        send("200 ok\r\n"),
        expect("SITE HELP"),
        send("214-The following SITE commands are recognized\r\n CHMOD UMASK\r\n214 Help OK\r\n"),
        expect("QUIT"),
        send("221 bye\r\n"),
    ]);
    let out = netkit(&[
        "ftp",
        "-v",
        "quote",
        &format!("ftp://me:hunter2@{}/", peer.addr()),
        "SITE",
        "HELP",
    ]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(
        stdout(&out),
        "214 The following SITE commands are recognized\n214  CHMOD UMASK\n214 Help OK\n"
    );
    assert!(stderr(&out).contains("PASS ***"), "{}", stderr(&out));
    assert!(!stderr(&out).contains("hunter2"), "{}", stderr(&out));
    peer.assert_ok();
}

#[test]
fn a_refused_quote_is_exit_1_and_a_temporary_one_11() {
    for (reply, exit) in [("550 no such thing\r\n", 1), ("450 busy\r\n", 11)] {
        let peer = ScriptedPeer::start(with(
            login(&[]),
            vec![
                expect("DELE x"),
                send(reply),
                expect("QUIT"),
                send("221 bye\r\n"),
            ],
        ));
        let out = netkit(&["ftp", "quote", &url(&peer, "/"), "DELE", "x"]);
        assert_eq!(code(&out), exit, "{}", stderr(&out));
        assert!(stdout(&out).starts_with(&reply[..3]), "{}", stdout(&out));
        peer.assert_ok();
    }
}

#[test]
fn tls_required_without_auth_tls_is_exit_6_before_login() {
    // --tls required on a server without AUTH TLS: exit 6 before USER is sent.
    let peer = ScriptedPeer::start(vec![
        send("220 hi\r\n"),
        expect("AUTH TLS"),
        send("500 no\r\n"),
        Step::ExpectClose,
    ]);
    let out = netkit(&["ftp", "--tls", "required", "ls", &url(&peer, "/")]);
    assert_eq!(code(&out), 6, "{}", stderr(&out));
}

#[test]
fn a_missing_file_is_exit_1_and_leaves_no_part_file() {
    let (port, _data) = data_port(Vec::new());
    let peer = ScriptedPeer::start(with(
        login(&["EPSV", "SIZE"]),
        vec![
            expect("SIZE nope"),
            send("550 no such file\r\n"),
            expect("MDTM nope"),
            send("550 no such file\r\n"),
            expect("EPSV"),
            send(format!("229 ok (|||{port}|)\r\n")),
            expect("RETR nope"),
            send("550 no such file\r\n"),
            expect("QUIT"),
            send("221 bye\r\n"),
        ],
    ));
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("nope");
    let out = netkit(&[
        "ftp",
        "get",
        &url(&peer, "/nope"),
        "-o",
        file.to_str().unwrap(),
    ]);
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    assert!(stderr(&out).contains("550"), "{}", stderr(&out));
    assert_eq!(
        fs::read_dir(dir.path()).expect("dir").count(),
        0,
        "nothing left behind"
    );
    peer.assert_ok();
}
