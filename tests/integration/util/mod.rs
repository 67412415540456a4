//! Shared test helpers: running the built binary, and (in `peer`) starting real servers on
//! loopback with private state, ports picked by the harness, and cleanup on drop. Mail side:
//! `ca` (test CA), `accounts`, `dovecot`, `postfix` (+ `MailStack`), `smtpsink` (byte-exact
//! aiosmtpd), `script` (scripted misbehaving peer); HTTP side: `nginx` (real nginx, plain
//! and TLS, with a python3 echo backend); `gophernicus` (under xinetd).

#![allow(dead_code)]

pub mod accounts;
pub mod ca;
pub mod chrony;
pub mod dnsmasq;
pub mod dovecot;
pub mod ftpd;
pub mod gophernicus;
pub mod inn;
pub mod nginx;
pub mod peer;
pub mod postfix;
pub mod script;
pub mod smtpsink;
pub mod telnetd;
pub mod xinetd;

use std::path::PathBuf;
use std::process::{Command, Output, Stdio};

/// The netkit binary cargo built for these tests.
pub fn netkit_path() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_netkit"))
}

/// `netkit ARGS…` with no stdin, captured.
pub fn netkit(args: &[&str]) -> Output {
    run_with_stdin(args, b"")
}

/// `netkit ARGS…` with extra environment variables (`NETKIT_PASSWORD`…), no stdin.
pub fn netkit_env(args: &[&str], env: &[(&str, &str)]) -> Output {
    Command::new(netkit_path())
        .args(args)
        .envs(env.iter().copied())
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .output()
        .expect("run netkit")
}

/// `netkit ARGS…` with `input` on stdin, captured.
pub fn run_with_stdin(args: &[&str], input: &[u8]) -> Output {
    use std::io::Write;
    let mut child = Command::new(netkit_path())
        .args(args)
        .env_remove("NETKIT_PASSWORD")
        .env("NO_COLOR", "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn netkit");
    let mut stdin = child.stdin.take().expect("stdin");
    let input = input.to_vec();
    // Write from a thread so a large input cannot deadlock against a full stdout pipe.
    let writer = std::thread::spawn(move || {
        let _ = stdin.write_all(&input);
    });
    let out = child.wait_with_output().expect("wait netkit");
    let _ = writer.join();
    out
}

/// Stdout as text, for assertions.
pub fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Stderr as text, for assertions.
pub fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// The exit code, with a readable failure when the process was killed by a signal.
pub fn code(out: &Output) -> i32 {
    out.status.code().unwrap_or(-1)
}
