//! SIGINT/SIGTERM during a transfer (issue 13, "ABOR on interrupt"): ABOR goes on the
//! control connection, its replies are read within a bound, the exit is 130 with the
//! `.part` kept, and `-C` completes it. Against vsftpd (throttled, so the transfer is still
//! running when the signal comes) and scripted peers: one that answers ABOR by the book, one
//! that ignores it (the exit must still come).

use std::fs;
use std::io::{Read, Write};
use std::net::TcpListener;
use std::path::Path;
use std::process::{Child, Command, Output, Stdio};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

use super::peers::{login, url, with};
use crate::util::ftpd::{Vsftpd, VsftpdMode, VsftpdOptions};
use crate::util::script::{ScriptedPeer, Step, expect, send};
use crate::util::{code, netkit, netkit_path, stderr};

fn bytes(len: usize) -> Vec<u8> {
    (0..len).map(|i| (i % 251) as u8).collect()
}

fn spawn(args: &[&str]) -> Child {
    Command::new(netkit_path())
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn netkit")
}

fn wait_until(what: &str, limit: Duration, mut done: impl FnMut() -> bool) {
    let end = Instant::now() + limit;
    while !done() {
        assert!(Instant::now() < end, "timed out waiting for {what}");
        thread::sleep(Duration::from_millis(20));
    }
}

/// Sends `signal` and waits for the exit, at most `limit` (far below every timeout the run
/// has: a run that waited for one of them would be the hang this guards against).
fn signal_and_wait(child: Child, signal: i32, limit: Duration) -> Output {
    let pid = i32::try_from(child.id()).expect("pid");
    // SAFETY: kill(2) on our own child, not yet reaped.
    assert_eq!(unsafe { libc::kill(pid, signal) }, 0);
    let mut child = child;
    let end = Instant::now() + limit;
    loop {
        if child.try_wait().expect("try_wait").is_some() {
            return child.wait_with_output().expect("output");
        }
        if Instant::now() > end {
            let _ = child.kill();
            let out = child.wait_with_output().expect("output");
            panic!(
                "netkit still running {limit:?} after the signal: {}",
                stderr(&out)
            );
        }
        thread::sleep(Duration::from_millis(20));
    }
}

fn part_len(part: &Path) -> u64 {
    fs::metadata(part).map_or(0, |m| m.len())
}

#[test]
fn sigint_mid_download_sends_abor_to_vsftpd_keeps_the_part_and_continue_completes_it() {
    const LEN: usize = 4 << 20;
    let fill = |root: &Path| fs::write(root.join("slow.bin"), bytes(LEN)).expect("fixture");
    // 256 KiB/s: the 4 MiB file takes 16 s, so the signal lands mid-transfer.
    let slow = Vsftpd::start_with(
        VsftpdMode::Explicit,
        VsftpdOptions {
            extra: vec!["anon_max_rate=262144".to_owned()],
            ..VsftpdOptions::default()
        },
        fill,
    );
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("slow.bin");
    let part = dir.path().join("slow.bin.part");
    let file_arg = file.to_str().expect("utf-8");
    let url = format!("ftp://127.0.0.1:{}/slow.bin", slow.port());
    let child = spawn(&["ftp", "get", "--tls", "none", &url, "-o", file_arg, "-v"]);
    wait_until("data in the .part file", Duration::from_secs(20), || {
        part_len(&part) >= 64 << 10
    });
    let out = signal_and_wait(child, libc::SIGINT, Duration::from_secs(10));
    let err = stderr(&out);
    assert_eq!(code(&out), 130, "{err}");
    assert!(err.contains("> ABOR"), "ABOR in the transcript: {err}");
    assert!(err.contains("kept for -C"), "{err}");
    assert!(!file.exists(), "the final name holds a partial file");
    let kept = part_len(&part);
    assert!(kept > 0 && kept < LEN as u64, "{kept} bytes kept");
    assert_eq!(
        fs::read(&part).expect(".part"),
        &bytes(LEN)[..kept as usize]
    );
    // vsftpd's protocol log: the ABOR arrived, and the transfer ended as a failed one.
    let logs = slow.logs();
    assert!(logs.contains("ABOR"), "vsftpd saw no ABOR:\n{logs}");
    assert!(
        logs.contains("426 Failure"),
        "vsftpd did not fail the transfer:\n{logs}"
    );
    drop(slow);

    // The same file from an unthrottled server: -C asks for the rest only.
    let fast = Vsftpd::start(VsftpdMode::Explicit, fill);
    let url = format!("ftp://127.0.0.1:{}/slow.bin", fast.port());
    let out = netkit(&["ftp", "get", "--tls", "none", "-C", &url, "-o", file_arg]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(fs::read(&file).expect("final file"), bytes(LEN));
    assert!(!part.exists());
    let logs = fast.logs();
    assert!(
        logs.contains(&format!("REST {kept}")),
        "resumed at {kept}:\n{logs}"
    );
}

/// A data port that sends `head` to the first connection, then holds it open (as a server
/// mid-transfer) until the client closes it; returns what the client sent.
fn stalling_data_port(head: Vec<u8>) -> (u16, JoinHandle<()>) {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind data port");
    let port = listener.local_addr().expect("addr").port();
    let handle = thread::spawn(move || {
        let Ok((mut s, _)) = listener.accept() else {
            return;
        };
        let _ = s.write_all(&head);
        let _ = s.set_read_timeout(Some(Duration::from_secs(20)));
        let mut sink = Vec::new();
        let _ = s.read_to_end(&mut sink);
    });
    (port, handle)
}

fn get_steps(port: u16, after: Vec<Step>) -> Vec<Step> {
    with(
        login(&["EPSV", "SIZE"]),
        with(
            vec![
                expect("SIZE f.bin"),
                send("213 100000\r\n"),
                expect("MDTM f.bin"),
                send("502 no MDTM\r\n"),
                expect("EPSV"),
                send(format!("229 Extended Passive Mode (|||{port}|)\r\n")),
                expect("RETR f.bin"),
                send("150 go\r\n"),
            ],
            after,
        ),
    )
}

/// `ftp get /f.bin -o DIR/f.bin` from `peer`, sent `signal` once 3000 bytes are in the
/// `.part`; its output and the directory.
fn get_then_signal(peer: &ScriptedPeer, signal: i32) -> (Output, tempfile::TempDir) {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("f.bin");
    let part = dir.path().join("f.bin.part");
    let child = spawn(&[
        "ftp",
        "get",
        &url(peer, "/f.bin"),
        "-o",
        file.to_str().expect("utf-8"),
    ]);
    wait_until("3000 bytes in the .part", Duration::from_secs(10), || {
        part_len(&part) == 3000
    });
    let out = signal_and_wait(child, signal, Duration::from_secs(10));
    (out, dir)
}

#[test]
fn sigterm_mid_download_reads_the_426_and_226_that_answer_abor() {
    let (port, data) = stalling_data_port(bytes(3000));
    let peer = ScriptedPeer::start(get_steps(
        port,
        vec![
            expect("ABOR"),
            send("426 Transfer aborted\r\n226 ABOR successful\r\n"),
            Step::ExpectClose,
        ],
    ));
    let (out, dir) = get_then_signal(&peer, libc::SIGTERM);
    let err = stderr(&out);
    assert_eq!(code(&out), 130, "{err}");
    assert!(err.contains("ABOR answered 426, 226"), "{err}");
    assert_eq!(
        fs::read(dir.path().join("f.bin.part")).expect(".part kept"),
        bytes(3000)
    );
    assert!(!dir.path().join("f.bin").exists());
    peer.assert_ok();
    data.join().expect("data thread");
}

#[test]
fn a_server_that_ignores_abor_cannot_hold_the_exit() {
    let (port, data) = stalling_data_port(bytes(3000));
    // The control connection goes silent after 150: no answer to ABOR, ever (the stall ends
    // when netkit closes the connection).
    let peer = ScriptedPeer::start(get_steps(port, vec![Step::Stall(Duration::from_secs(25))]));
    // The default --timeout (30 s) would be the wait without a bound of its own.
    let (out, dir) = get_then_signal(&peer, libc::SIGINT);
    let err = stderr(&out);
    assert_eq!(code(&out), 130, "{err}");
    assert!(err.contains("no answer to ABOR"), "{err}");
    assert_eq!(
        fs::read(dir.path().join("f.bin.part")).expect(".part kept"),
        bytes(3000)
    );
    drop(peer);
    data.join().expect("data thread");
}

#[test]
fn a_server_that_hangs_up_on_abor_is_said_to_have_closed_the_connection() {
    let (port, data) = stalling_data_port(bytes(3000));
    let peer = ScriptedPeer::start(get_steps(port, vec![expect("ABOR"), Step::Drop]));
    let (out, dir) = get_then_signal(&peer, libc::SIGINT);
    let err = stderr(&out);
    assert_eq!(code(&out), 130, "{err}");
    assert!(
        err.contains("the server closed the connection instead of answering ABOR"),
        "{err}"
    );
    assert!(!err.contains("no answer to ABOR within"), "{err}");
    assert!(dir.path().join("f.bin.part").exists());
    peer.assert_ok();
    data.join().expect("data thread");
}

/// The one line a run ends with, and only one.
fn one_line(err: &str) -> &str {
    let lines: Vec<&str> = err.lines().collect();
    assert_eq!(lines.len(), 1, "one line: {err}");
    lines[0]
}

#[test]
fn a_second_signal_during_the_abort_still_says_the_run_was_interrupted() {
    let (port, data) = stalling_data_port(bytes(3000));
    // No answer to ABOR: the abort would wait its 2 s, but a second signal ends it.
    let peer = ScriptedPeer::start(get_steps(port, vec![Step::Stall(Duration::from_secs(25))]));
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("f.bin");
    let part = dir.path().join("f.bin.part");
    let child = spawn(&[
        "ftp",
        "get",
        &url(&peer, "/f.bin"),
        "-o",
        file.to_str().expect("utf-8"),
    ]);
    wait_until("3000 bytes in the .part", Duration::from_secs(10), || {
        part_len(&part) == 3000
    });
    let pid = i32::try_from(child.id()).expect("pid");
    // SAFETY: kill(2) on our own child, not yet reaped. SIGINT then SIGTERM: two different
    // signals never merge into one pending signal.
    assert_eq!(unsafe { libc::kill(pid, libc::SIGINT) }, 0);
    thread::sleep(Duration::from_millis(200));
    let out = signal_and_wait(child, libc::SIGTERM, Duration::from_secs(10));
    let err = stderr(&out);
    assert_eq!(code(&out), 130, "{err}");
    let line = one_line(&err);
    assert!(line.starts_with("netkit ftp: 127.0.0.1:"), "{line}");
    assert!(
        line.contains(
            "interrupted: a second signal cut the abort short; any .part file is kept for -C"
        ),
        "{line}"
    );
    assert_eq!(fs::read(&part).expect(".part kept"), bytes(3000));
    drop(peer);
    data.join().expect("data thread");
}

#[test]
fn an_interrupt_while_the_final_reply_is_pending_says_so_in_text_and_json() {
    for json in [false, true] {
        // The whole file comes, then the server never confirms it (no 226).
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind data port");
        let port = listener.local_addr().expect("addr").port();
        let data = thread::spawn(move || {
            if let Ok((mut s, _)) = listener.accept() {
                let _ = s.write_all(&bytes(3000));
            }
        });
        let mut steps = get_steps(port, vec![Step::Stall(Duration::from_secs(25))]);
        // SIZE says 3000: the file is whole, only its 226 is missing.
        for step in &mut steps {
            if let Step::Send(b) = step
                && b.starts_with(b"213 100000")
            {
                *b = b"213 3000\r\n".to_vec();
            }
        }
        let peer = ScriptedPeer::start(steps);
        let dir = tempfile::tempdir().expect("tempdir");
        let file = dir.path().join("f.bin");
        let part = dir.path().join("f.bin.part");
        let mut args = vec![
            "ftp".to_owned(),
            "get".to_owned(),
            url(&peer, "/f.bin"),
            "-o".to_owned(),
            file.to_str().expect("utf-8").to_owned(),
        ];
        if json {
            args.push("--json".to_owned());
        }
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let child = spawn(&args);
        wait_until("3000 bytes in the .part", Duration::from_secs(10), || {
            part_len(&part) == 3000
        });
        data.join().expect("data thread");
        // The data connection is closed: netkit now waits for the 226.
        thread::sleep(Duration::from_millis(300));
        let out = signal_and_wait(child, libc::SIGINT, Duration::from_secs(10));
        let err = stderr(&out);
        assert_eq!(code(&out), 130, "{err}");
        let line = one_line(&err);
        if json {
            let v: serde_json::Value = serde_json::from_str(line).expect("a JSON error line");
            assert_eq!(v["error"]["kind"], "interrupted", "{line}");
            assert_eq!(v["error"]["exit_code"], 130, "{line}");
            let message = v["error"]["message"].as_str().expect("message");
            assert!(message.contains("no data transfer was in flight"), "{line}");
        } else {
            assert!(line.starts_with("netkit ftp: 127.0.0.1:"), "{line}");
            assert!(
                line.contains(
                    "interrupted: no data transfer was in flight; any .part file is kept for -C"
                ),
                "{line}"
            );
        }
        assert!(!file.exists());
        assert_eq!(fs::read(&part).expect(".part kept"), bytes(3000));
        drop(peer);
    }
}
