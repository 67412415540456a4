//! timeserver and timeclient: the pair against each other (every protocol, TCP and UDP, IPv4
//! and IPv6), scripted misbehaving peers, the server's CLI behaviour, and interop with real
//! peers (xinetd, chrony, rdate, ntpdig, the Python tutorial server).

mod cli;
mod interop;
mod misbehave;
mod pair;

use std::io::{BufRead, BufReader, Read};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{self, Receiver};
use std::time::Duration;

use crate::util::{netkit, netkit_path};

/// A `netkit timeserver -p 0 …` child: its port, its stdout lines as they come, killed on drop.
pub struct Server {
    child: Option<Child>,
    pub port: u16,
    lines: Receiver<String>,
    stderr: Option<std::thread::JoinHandle<String>>,
}

impl Server {
    pub fn start(args: &[&str]) -> Server {
        let mut child = Command::new(netkit_path())
            .arg("timeserver")
            .args(["-p", "0"])
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn timeserver");
        let (lines, port) = read_port(&mut child);
        let mut err = child.stderr.take().expect("stderr");
        let stderr = std::thread::spawn(move || {
            let mut s = String::new();
            let _ = err.read_to_string(&mut s);
            s
        });
        Server {
            child: Some(child),
            port,
            lines,
            stderr: Some(stderr),
        }
    }

    /// The server's process id.
    pub fn pid(&self) -> u32 {
        self.child.as_ref().map_or(0, |c| c.id())
    }

    /// The next log line, waiting up to 10 s.
    pub fn next_line(&self) -> String {
        self.lines
            .recv_timeout(Duration::from_secs(10))
            .expect("a log line from timeserver within 10 s")
    }

    /// Sends `signal`, waits for the exit; returns (code, remaining stdout lines, stderr).
    pub fn stop_with(mut self, signal: i32) -> (i32, Vec<String>, String) {
        let mut child = self.child.take().expect("running");
        // SAFETY: signalling our own child by its pid.
        unsafe {
            libc::kill(child.id() as i32, signal);
        }
        let code = wait_exit(&mut child, Duration::from_secs(10));
        let lines = drain(&self.lines);
        let stderr = self
            .stderr
            .take()
            .map(|h| h.join().unwrap_or_default())
            .unwrap_or_default();
        (code, lines, stderr)
    }

    pub fn stop(self) -> (i32, Vec<String>, String) {
        self.stop_with(libc::SIGTERM)
    }

    /// Waits for a server that exits by itself (`--once`).
    pub fn wait(mut self) -> (i32, Vec<String>, String) {
        let mut child = self.child.take().expect("running");
        let code = wait_exit(&mut child, Duration::from_secs(10));
        let lines = drain(&self.lines);
        let stderr = self
            .stderr
            .take()
            .map(|h| h.join().unwrap_or_default())
            .unwrap_or_default();
        (code, lines, stderr)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }
}

/// Every line still to come from an exited server: the reader thread may not have passed on
/// the last lines yet, so wait for it to reach EOF (bounded), not just for what is queued.
fn drain(lines: &Receiver<String>) -> Vec<String> {
    let deadline = std::time::Instant::now() + Duration::from_secs(5);
    let mut out = Vec::new();
    loop {
        let left = deadline.saturating_duration_since(std::time::Instant::now());
        match lines.recv_timeout(left) {
            Ok(line) => out.push(line),
            Err(_) => return out,
        }
    }
}

/// Reads stdout lines on a thread; the first one must be the port.
pub fn read_port(child: &mut Child) -> (Receiver<String>, u16) {
    let out = child.stdout.take().expect("stdout");
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(out).lines() {
            let Ok(line) = line else { break };
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    let first = rx
        .recv_timeout(Duration::from_secs(10))
        .expect("timeserver printed its port within 10 s");
    let port = first
        .trim()
        .parse()
        .unwrap_or_else(|_| panic!("first line is the port: {first:?}"));
    (rx, port)
}

pub fn wait_exit(child: &mut Child, limit: Duration) -> i32 {
    let until = std::time::Instant::now() + limit;
    loop {
        if let Some(status) = child.try_wait().expect("wait") {
            return status.code().unwrap_or(-1);
        }
        if std::time::Instant::now() > until {
            let _ = child.kill();
            let _ = child.wait();
            panic!("process did not exit within {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// `netkit timeclient --json ARGS…`: (exit code, parsed JSON lines, stderr).
pub fn client_json(args: &[&str]) -> (i32, Vec<serde_json::Value>, String) {
    let mut all = vec!["timeclient", "--json"];
    all.extend_from_slice(args);
    let out = netkit(&all);
    let values = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("JSON line {l:?}: {e}")))
        .collect();
    (
        out.status.code().unwrap_or(-1),
        values,
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// `netkit timeclient ARGS…`: (exit code, stdout, stderr).
pub fn client(args: &[&str]) -> (i32, String, String) {
    let mut all = vec!["timeclient"];
    all.extend_from_slice(args);
    let out = netkit(&all);
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}
