//! What a user sees at a terminal: Ctrl-C mid-download (exit 130, the `.part` stays, `-C`
//! finishes it, the final name never holds a partial file) and the progress bar, drawn in a
//! real terminal (tmux) and absent when stderr is a file.

use std::fs;
use std::process::{Command, Stdio};
use std::thread;
use std::time::{Duration, Instant};

use super::{arg, fetch};
use crate::util::script::{ScriptOptions, ScriptedPeer, Step};
use crate::util::{code, netkit_path, stderr};

fn wait_until(what: &str, limit: Duration, mut done: impl FnMut() -> bool) {
    let end = Instant::now() + limit;
    while !done() {
        assert!(Instant::now() < end, "timed out waiting for {what}");
        thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn ctrl_c_mid_download_is_exit_130_and_continue_finishes_the_part_file() {
    let body: Vec<u8> = (0..2000u32).map(|i| (i % 251) as u8).collect();
    let mut first = b"HTTP/1.1 200 OK\r\nContent-Length: 2000\r\nETag: \"e1\"\r\n\r\n".to_vec();
    first.extend_from_slice(&body[..800]);
    let peer = ScriptedPeer::start(vec![
        Step::ReadHttpHead,
        Step::Send(first),
        Step::Stall(Duration::from_secs(20)),
    ]);
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("big.bin");
    let part = dir.path().join("big.bin.part");
    let url = format!("http://{}/big.bin", peer.addr());
    let child = Command::new(netkit_path())
        .args(["fetch", "-o", arg(&file), &url])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn netkit");
    wait_until(
        "800 bytes in the .part file",
        Duration::from_secs(10),
        || fs::metadata(&part).is_ok_and(|m| m.len() == 800),
    );
    let pid = i32::try_from(child.id()).expect("pid");
    // SAFETY: kill(2) on our own child, which has not been reaped.
    assert_eq!(unsafe { libc::kill(pid, libc::SIGINT) }, 0);
    let out = child.wait_with_output().expect("wait netkit");
    assert_eq!(out.status.code(), Some(130), "{}", stderr(&out));
    assert!(!file.exists(), "the final name holds a partial file");
    assert_eq!(fs::read(&part).expect(".part kept"), &body[..800]);
    drop(peer);

    let mut rest = b"HTTP/1.1 206 Partial Content\r\nContent-Range: bytes 800-1999/2000\r\n\
                     Content-Length: 1200\r\nConnection: close\r\n\r\n"
        .to_vec();
    rest.extend_from_slice(&body[800..]);
    let peer = ScriptedPeer::start(vec![Step::ReadHttpHead, Step::Send(rest), Step::Drop]);
    let url = format!("http://{}/big.bin", peer.addr());
    let out = fetch(&["-C", "-o", arg(&file), &url]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(fs::read(&file).expect("final file"), body);
    assert!(!part.exists());
    let head = String::from_utf8_lossy(&peer.assert_ok()[0]).to_ascii_lowercase();
    assert!(head.contains("range: bytes=800-"), "{head}");
}

/// A peer that sends the head and a quarter of the body, waits, then the rest.
fn slow_peer() -> ScriptedPeer {
    let mut head =
        b"HTTP/1.1 200 OK\r\nContent-Length: 400000\r\nConnection: close\r\n\r\n".to_vec();
    head.extend(std::iter::repeat_n(b'a', 100_000));
    ScriptedPeer::start_with(
        vec![
            Step::ReadHttpHead,
            Step::Send(head),
            Step::Stall(Duration::from_secs(3)),
            Step::Send(vec![b'b'; 300_000]),
            Step::Drop,
        ],
        ScriptOptions::default(),
    )
}

#[test]
fn the_progress_bar_is_drawn_in_a_terminal() {
    let peer = slow_peer();
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("f");
    let session = format!("netkit-progress-{}", std::process::id());
    let command = format!(
        "{} fetch -o {} http://{}/file.bin; echo exit=$?; sleep 30",
        netkit_path().display(),
        file.display(),
        peer.addr()
    );
    let tmux = |args: &[&str]| {
        Command::new("tmux")
            .args(["-L", &session])
            .args(args)
            .output()
            .expect("run tmux (apt package tmux)")
    };
    let started = tmux(&[
        "new-session",
        "-d",
        "-s",
        &session,
        "-x",
        "120",
        "-y",
        "10",
        &command,
    ]);
    assert!(started.status.success(), "{}", stderr(&started));
    let capture = || stdout_of(&tmux(&["capture-pane", "-p", "-t", &session]));
    let mut during = String::new();
    wait_until("a progress bar", Duration::from_secs(10), || {
        during = capture();
        during.contains("file.bin") && during.contains("KiB")
    });
    wait_until("the end of the transfer", Duration::from_secs(20), || {
        capture().contains("exit=")
    });
    let after = capture();
    let _ = tmux(&["kill-server"]);
    assert!(during.contains("97.66 KiB/390.62 KiB"), "{during}");
    assert!(after.contains("exit=0"), "{after}");
    assert!(
        !after.contains("KiB"),
        "the bar is cleared at the end: {after}"
    );
    assert_eq!(fs::metadata(&file).expect("file").len(), 400_000);
}

fn stdout_of(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn no_progress_reaches_stderr_when_it_is_a_file() {
    let peer = slow_peer();
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("f");
    let out = fetch(&[
        "-o",
        arg(&file),
        &format!("http://{}/file.bin", peer.addr()),
    ]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(out.stderr.is_empty(), "{:?}", stderr(&out));
    assert_eq!(fs::metadata(&file).expect("file").len(), 400_000);
}
