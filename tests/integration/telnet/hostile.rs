//! `netkit telnet` against hostile peers and careless use: text split at awkward places,
//! floods that never match, `--max-time`, and signals at the `^]` prompt.

use std::time::Duration;

use crate::util::script::{ScriptedPeer, Step, send};
use crate::util::{code, netkit, stderr, stdout};

#[test]
fn a_character_split_between_two_reads_still_matches_its_regex() {
    let peer = ScriptedPeer::start(vec![
        send("caf"),
        Step::Trickle(
            vec![0xc3, 0xa9, b' ', b'o', b'k'],
            Duration::from_millis(200),
        ),
        Step::ExpectClose,
    ]);
    let out = netkit(&[
        "telnet",
        "127.0.0.1",
        &peer.port().to_string(),
        "--expect",
        "café ok",
        "-t",
        "10",
        "--json",
    ]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let doc: serde_json::Value = serde_json::from_str(&stdout(&out)).expect("json");
    assert_eq!(doc["received"], "café ok");
    assert_eq!(doc["ok"], true);
}

#[test]
fn max_time_ends_pipe_mode_while_stdin_is_still_open() {
    let peer = ScriptedPeer::start(vec![Step::Stall(Duration::from_secs(10))]);
    let mut child = std::process::Command::new(crate::util::netkit_path())
        .args(["telnet", "127.0.0.1", &peer.port().to_string(), "-m", "1"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("spawn netkit");
    // Held open for the whole run: stdin never ends, so only --max-time can stop it.
    let _stdin = child.stdin.take();
    let out = child.wait_with_output().expect("wait");
    assert_eq!(code(&out), 5, "{}", stderr(&out));
    assert!(stderr(&out).contains("--max-time"), "{}", stderr(&out));
}

#[test]
fn an_expect_cut_short_by_max_time_says_so() {
    let peer = ScriptedPeer::start(vec![
        send("no prompt here\r\n"),
        Step::Stall(Duration::from_secs(10)),
    ]);
    let out = netkit(&[
        "telnet",
        "127.0.0.1",
        &peer.port().to_string(),
        "--expect",
        "login:",
        "-t",
        "30",
        "-m",
        "1",
    ]);
    assert_eq!(code(&out), 10, "{}", stderr(&out));
    assert!(
        stderr(&out).contains("step 1 (expect /login:/) did not match before --max-time"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn sigterm_at_the_escape_prompt_ends_the_run_at_once_with_the_terminal_restored() {
    use super::terminal::{Tmux, restored};
    let peer = ScriptedPeer::start(vec![Step::Stall(Duration::from_secs(20))]);
    let dir = tempfile::tempdir().expect("tempdir");
    let stty = dir.path().join("stty");
    let t = Tmux::start(
        "termprompt",
        &format!(
            "stty -a > {f}.before; {nk} telnet 127.0.0.1 {port}; echo exit=$?; stty -a > {f}; \
             sleep 60",
            nk = crate::util::netkit_path().display(),
            port = peer.port(),
            f = stty.display()
        ),
    );
    t.wait_for("Escape character is", Duration::from_secs(10));
    t.keys(&["C-]"]);
    t.wait_for("netkit telnet>", Duration::from_secs(5));
    let pids = std::process::Command::new("pgrep")
        .args([
            "-f",
            &format!(
                "^{} telnet 127.0.0.1 {}$",
                crate::util::netkit_path().display(),
                peer.port()
            ),
        ])
        .output()
        .expect("pgrep");
    let pids = String::from_utf8_lossy(&pids.stdout).into_owned();
    assert!(!pids.trim().is_empty(), "netkit telnet is not running");
    for pid in pids.split_whitespace() {
        let _ = std::process::Command::new("kill")
            .args(["-TERM", pid])
            .status();
    }
    // No Enter is typed: the signal alone ends the prompt.
    let screen = t.wait_for("exit=130", Duration::from_secs(5));
    assert!(screen.contains("stopped by signal 15"), "{screen}");
    restored(&stty);
}

#[test]
fn a_peer_that_stops_reading_cannot_hold_a_write_past_the_timeout() {
    // The peer never reads: once the socket buffers fill, a write waits on it.
    let peer = ScriptedPeer::start(vec![Step::Stall(Duration::from_secs(30))]);
    let input = vec![b'x'; 64 << 20];
    let out = crate::util::run_with_stdin(
        &["telnet", "127.0.0.1", &peer.port().to_string(), "-t", "1"],
        &input,
    );
    assert_eq!(code(&out), 5, "{}", stderr(&out));
    assert!(
        stderr(&out).contains("timed out sending to the server"),
        "{}",
        stderr(&out)
    );
}
