//! Interactive `netkit telnet` in a real terminal (tmux) against busybox telnetd: raw mode,
//! NAWS with the window size and its update on resize, the `^]` prompt, and the terminal
//! restored after `^]` quit, SIGTERM and a connection the server drops.

use std::process::Command;
use std::time::{Duration, Instant};

use crate::util::telnetd::{Kind, PASS, Telnetd, USER};
use crate::util::{netkit_path, stderr};

pub(super) struct Tmux {
    socket: String,
    session: String,
}

impl Tmux {
    pub(super) fn start(name: &str, command: &str) -> Tmux {
        let t = Tmux {
            socket: format!("netkit-telnet-{name}-{}", std::process::id()),
            session: name.to_owned(),
        };
        let out = t.run(&[
            "new-session",
            "-d",
            "-s",
            name,
            "-x",
            "80",
            "-y",
            "24",
            command,
        ]);
        assert!(out.status.success(), "{}", stderr(&out));
        t
    }

    pub(super) fn run(&self, args: &[&str]) -> std::process::Output {
        Command::new("tmux")
            .args(["-L", &self.socket])
            .args(args)
            .output()
            .expect("run tmux (apt package tmux)")
    }

    fn screen(&self) -> String {
        String::from_utf8_lossy(
            &self
                .run(&["capture-pane", "-p", "-t", &self.session])
                .stdout,
        )
        .into_owned()
    }

    pub(super) fn keys(&self, keys: &[&str]) {
        let mut a = vec!["send-keys", "-t", self.session.as_str()];
        a.extend_from_slice(keys);
        assert!(self.run(&a).status.success());
    }

    pub(super) fn wait_for(&self, what: &str, timeout: Duration) -> String {
        let end = Instant::now() + timeout;
        loop {
            let s = self.screen();
            if s.contains(what) {
                return s;
            }
            assert!(Instant::now() < end, "no {what:?} on the screen:\n{s}");
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    fn login(&self) {
        self.wait_for("login:", Duration::from_secs(10));
        self.keys(&[USER, "Enter"]);
        self.wait_for("Password:", Duration::from_secs(10));
        self.keys(&[PASS, "Enter"]);
        self.wait_for("Welcome nkuser", Duration::from_secs(10));
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = self.run(&["kill-server"]);
    }
}

/// Runs netkit in the pane, then prints the terminal's state as `stty` sees it.
fn command(port: u16, stty_file: &std::path::Path) -> String {
    format!(
        "stty -a > {f}.before; {nk} telnet 127.0.0.1 {port}; echo exit=$?; stty -a > {f}; sleep 60",
        nk = netkit_path().display(),
        f = stty_file.display()
    )
}

pub(super) fn restored(stty_file: &std::path::Path) {
    let before =
        std::fs::read_to_string(format!("{}.before", stty_file.display())).expect("before");
    let end = Instant::now() + Duration::from_secs(5);
    let after = loop {
        if let Ok(a) = std::fs::read_to_string(stty_file)
            && !a.is_empty()
        {
            break a;
        }
        assert!(Instant::now() < end, "no stty output after netkit exited");
        std::thread::sleep(Duration::from_millis(50));
    };
    let modes = |s: &str| -> Vec<String> {
        s.split_whitespace()
            .filter(|w| {
                [
                    "icanon", "-icanon", "echo", "-echo", "isig", "-isig", "icrnl", "-icrnl",
                    "opost", "-opost",
                ]
                .contains(w)
            })
            .map(str::to_owned)
            .collect()
    };
    assert_eq!(
        modes(&after),
        modes(&before),
        "terminal modes after netkit:\n{after}"
    );
    assert!(modes(&after).contains(&"icanon".to_owned()), "{after}");
}

#[test]
fn interactive_raw_mode_naws_resize_and_escape_prompt_quit_restore_the_terminal() {
    let d = Telnetd::start(Kind::Busybox);
    let dir = tempfile::tempdir().expect("tempdir");
    let stty = dir.path().join("stty");
    let t = Tmux::start("quit", &command(d.port(), &stty));
    t.login();
    // While netkit runs, the pane's terminal is raw: no canonical mode, no local echo.
    let tty = String::from_utf8_lossy(
        &t.run(&["display", "-p", "-t", "quit", "#{pane_tty}"])
            .stdout,
    )
    .trim()
    .to_owned();
    let during = Command::new("stty")
        .args(["-a", "-F", &tty])
        .output()
        .expect("stty");
    let during = String::from_utf8_lossy(&during.stdout).into_owned();
    assert!(
        during.split_whitespace().any(|w| w == "-icanon")
            && during.split_whitespace().any(|w| w == "-echo"),
        "raw mode while connected: {during}"
    );
    t.keys(&["size", "Enter"]);
    t.wait_for("size 24 80", Duration::from_secs(5));
    assert!(
        t.run(&["resize-window", "-t", "quit", "-x", "100", "-y", "30"])
            .status
            .success()
    );
    std::thread::sleep(Duration::from_millis(300));
    t.keys(&["size", "Enter"]);
    t.wait_for("size 30 100", Duration::from_secs(5));
    t.keys(&["echo typed in raw mode", "Enter"]);
    t.wait_for(
        "echo typed in raw mode\ntyped in raw mode\n",
        Duration::from_secs(5),
    );
    t.keys(&["C-]"]);
    t.wait_for("netkit telnet>", Duration::from_secs(5));
    t.keys(&["status", "Enter"]);
    t.wait_for("remote echo on", Duration::from_secs(5));
    t.keys(&["quit", "Enter"]);
    t.wait_for("exit=0", Duration::from_secs(5));
    restored(&stty);
}

#[test]
fn sigterm_and_a_dropped_connection_restore_the_terminal() {
    let d = Telnetd::start(Kind::Busybox);
    let dir = tempfile::tempdir().expect("tempdir");
    // The server ends the session: "Connection closed", exit 0, terminal restored.
    let stty = dir.path().join("stty-drop");
    let t = Tmux::start("drop", &command(d.port(), &stty));
    t.login();
    t.keys(&["quit", "Enter"]);
    t.wait_for("Connection closed by foreign host.", Duration::from_secs(5));
    t.wait_for("exit=0", Duration::from_secs(5));
    restored(&stty);
    drop(t);
    // SIGTERM to netkit: exit 130, terminal restored.
    let stty = dir.path().join("stty-term");
    let t = Tmux::start("term", &command(d.port(), &stty));
    t.login();
    let pids = Command::new("pgrep")
        .args([
            "-f",
            &format!(
                "^{} telnet 127.0.0.1 {}$",
                netkit_path().display(),
                d.port()
            ),
        ])
        .output()
        .expect("pgrep");
    let pids = String::from_utf8_lossy(&pids.stdout).into_owned();
    assert!(!pids.trim().is_empty(), "netkit telnet is not running");
    for pid in pids.split_whitespace() {
        let _ = Command::new("kill").args(["-TERM", pid]).status();
    }
    t.wait_for("exit=130", Duration::from_secs(5));
    restored(&stty);
}
