//! Real-server process management for interop tests (PEERS.md "Common ground").
//!
//! * [`StateDir`]: a private directory under `std::env::temp_dir()` with a `log/` inside,
//!   unique per instance (pid + counter + time), removed on drop.
//! * [`free_port`]: a port free on 127.0.0.1 and ::1, TCP and UDP alike, found by binding
//!   and closing; the server then binds it. A race with another process is possible, so
//!   [`Peer::start`] retries with a fresh port when the server dies before it is ready.
//! * [`Peer`]: the daemon, spawned in the foreground in its own process group
//!   (`setsid()` before exec, as PEERS.md says: postfix's master insists on leading its own
//!   session and exits 1, silently, when it is only a process-group leader), stdout/stderr
//!   in `$STATE/log/`. Ready when
//!   every TCP probe address accepts a connection and every UDP port shows in `ss -H -lun`,
//!   polled every 0.1 s; a process that exits first fails at once with its log. Drop: SIGTERM
//!   to the group, ≤ 4 s, then SIGKILL. The child is never reaped before that, so its PID
//!   (and group) cannot be recycled while we may still signal it; the start time from
//!   `/proc/PID/stat` is checked as well, as PEERS.md asks.
//! * A peer that cannot start PANICS with its log: interop tests never skip silently.
//! * [`require_binary`]: a peer's Debian path, or a panic naming the apt package.

use std::fs;
use std::net::{SocketAddr, TcpListener, TcpStream, UdpSocket};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};
use std::thread;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

/// The peer's binary at its Debian path; panics with the package to install when missing.
pub fn require_binary(path: &str, package: &str) -> PathBuf {
    let p = PathBuf::from(path);
    if !p.is_file() {
        panic!(
            "{path} is missing: install the Debian package with \
             `apt-get install -y --no-install-recommends {package}`"
        );
    }
    p
}

/// A private, self-removing directory for one server instance.
#[derive(Debug)]
pub struct StateDir {
    path: PathBuf,
}

impl StateDir {
    /// `$TMP/netkit-TAG-PID-N-NANOS/` with an empty `log/`.
    pub fn new(tag: &str) -> StateDir {
        static COUNTER: AtomicU32 = AtomicU32::new(0);
        let n = COUNTER.fetch_add(1, Ordering::Relaxed);
        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.subsec_nanos());
        let path =
            std::env::temp_dir().join(format!("netkit-{tag}-{}-{n}-{nanos}", std::process::id()));
        fs::create_dir_all(path.join("log"))
            .unwrap_or_else(|e| panic!("cannot create {}: {e}", path.display()));
        StateDir { path }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// A path inside the directory.
    pub fn join(&self, name: &str) -> PathBuf {
        self.path.join(name)
    }

    pub fn log_dir(&self) -> PathBuf {
        self.path.join("log")
    }

    /// Every file in `log/`, concatenated with headers: for failure messages.
    pub fn logs(&self) -> String {
        let mut out = String::new();
        let mut entries: Vec<_> = fs::read_dir(self.log_dir())
            .map(|rd| rd.flatten().map(|e| e.path()).collect())
            .unwrap_or_default();
        entries.sort();
        for p in entries {
            let text = fs::read(&p).unwrap_or_default();
            out.push_str(&format!(
                "--- {} ---\n{}\n",
                p.display(),
                String::from_utf8_lossy(&text).escape_debug()
            ));
        }
        out
    }
}

impl Drop for StateDir {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.path);
    }
}

/// A port that is free on 127.0.0.1 and ::1 for both TCP and UDP right now.
pub fn free_port() -> u16 {
    for _ in 0..100 {
        let Ok(v4) = TcpListener::bind("127.0.0.1:0") else {
            continue;
        };
        let Ok(port) = v4.local_addr().map(|a| a.port()) else {
            continue;
        };
        // Hold all four while checking, then release them together.
        let v6 = TcpListener::bind(("::1", port));
        let u4 = UdpSocket::bind(("127.0.0.1", port));
        let u6 = UdpSocket::bind(("::1", port));
        if v6.is_ok() && u4.is_ok() && u6.is_ok() {
            return port;
        }
    }
    panic!("no port free on 127.0.0.1 and ::1 (TCP and UDP) after 100 tries");
}

/// What "ready" means for a peer.
#[derive(Debug, Clone, Default)]
pub struct Readiness {
    /// Addresses that must accept a TCP connection.
    pub tcp: Vec<SocketAddr>,
    /// Ports that must show a UDP listener in `ss -H -lun`.
    pub udp: Vec<u16>,
    /// How long to wait (default 10 s).
    pub timeout: Option<Duration>,
}

impl Readiness {
    /// TCP and UDP on 127.0.0.1 and ::1 at `port` (a DNS server, xinetd twins…).
    pub fn tcp_udp_loopback(port: u16) -> Readiness {
        Readiness {
            tcp: vec![
                SocketAddr::from(([127, 0, 0, 1], port)),
                SocketAddr::from((std::net::Ipv6Addr::LOCALHOST, port)),
            ],
            udp: vec![port],
            timeout: None,
        }
    }

    /// TCP on 127.0.0.1 only.
    pub fn tcp_v4(port: u16) -> Readiness {
        Readiness {
            tcp: vec![SocketAddr::from(([127, 0, 0, 1], port))],
            ..Readiness::default()
        }
    }
}

fn udp_listening(port: u16) -> bool {
    Command::new("ss")
        .args(["-H", "-lun", &format!("sport = :{port}")])
        .output()
        .map(|o| o.status.success() && !o.stdout.iter().all(u8::is_ascii_whitespace))
        .unwrap_or(false)
}

fn tcp_accepting(addr: &SocketAddr) -> bool {
    TcpStream::connect_timeout(addr, Duration::from_millis(200)).is_ok()
}

/// `/proc/PID/stat` field 22 (start time in clock ticks), read past the `(comm)` field,
/// which may itself contain spaces and parentheses.
fn start_time(pid: u32) -> Option<u64> {
    let stat = fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    let after = stat.rsplit_once(')')?.1;
    // After ")" come field 3 (state) onwards: field 22 is the 20th of them.
    after.split_whitespace().nth(19)?.parse().ok()
}

/// A running server; stopped on drop.
#[derive(Debug)]
pub struct Peer {
    name: String,
    child: Option<Child>,
    start_time: Option<u64>,
    port: u16,
    state: StateDir,
}

/// How a failed start attempt ended.
enum StartError {
    /// Exited before ready: maybe the port was taken meanwhile; retry with another.
    Died(String),
    /// Still running but never ready.
    NotReady(String),
}

impl Peer {
    /// Starts a server: `build(port, state)` returns the command (foreground mode) and
    /// `ready(port)` what to probe. Up to three ports are tried when the process dies before
    /// it is ready (a port race); anything else panics with the logs.
    pub fn start(
        name: &str,
        state: StateDir,
        build: impl Fn(u16, &StateDir) -> Command,
        ready: impl Fn(u16) -> Readiness,
    ) -> Peer {
        let mut last = String::new();
        let mut state = state;
        for attempt in 0..3 {
            let port = free_port();
            let cmd = build(port, &state);
            match Peer::try_start(name, cmd, &state, &ready(port)) {
                Ok((child, start_time)) => {
                    return Peer {
                        name: name.to_owned(),
                        child: Some(child),
                        start_time,
                        port,
                        state,
                    };
                }
                Err(StartError::Died(why)) => {
                    last = format!("attempt {} on port {port}: {why}", attempt + 1);
                    // Fresh logs for the next try, old ones kept in the message.
                    let tag = name.to_owned();
                    state = StateDir::new(&tag);
                }
                Err(StartError::NotReady(why)) => panic!("{name} did not become ready: {why}"),
            }
        }
        panic!("{name} could not start: {last}");
    }

    fn try_start(
        name: &str,
        mut cmd: Command,
        state: &StateDir,
        ready: &Readiness,
    ) -> Result<(Child, Option<u64>), StartError> {
        use std::os::unix::process::CommandExt;
        let log = |stream: &str| {
            fs::File::create(state.log_dir().join(format!("{name}.{stream}")))
                .unwrap_or_else(|e| panic!("cannot create {name}'s log in {:?}: {e}", state))
        };
        cmd.stdin(Stdio::null())
            .stdout(log("stdout"))
            .stderr(log("stderr"));
        // SAFETY: setsid(2) is async-signal-safe and touches no memory of the parent. It
        // makes the child leader of a new session and process group (pgid = pid), which
        // stop_child signals as a whole.
        unsafe {
            cmd.pre_exec(|| {
                if libc::setsid() == -1 {
                    return Err(std::io::Error::last_os_error());
                }
                Ok(())
            });
        }
        let mut child = cmd.spawn().unwrap_or_else(|e| {
            panic!("cannot run {name} ({:?}): {e}", cmd.get_program());
        });
        let pid = child.id();
        let limit = ready.timeout.unwrap_or(Duration::from_secs(10));
        let end = Instant::now() + limit;
        loop {
            if let Ok(Some(status)) = child.try_wait() {
                return Err(StartError::Died(format!(
                    "{name} exited with {status} before it was ready\n{}",
                    state.logs()
                )));
            }
            let tcp_ok = ready.tcp.iter().all(tcp_accepting);
            let udp_ok = ready.udp.iter().all(|p| udp_listening(*p));
            if tcp_ok && udp_ok {
                return Ok((child, start_time(pid)));
            }
            if Instant::now() > end {
                let why = format!(
                    "not listening after {limit:?} (tcp {:?} ok={tcp_ok}, udp {:?} ok={udp_ok})\n{}",
                    ready.tcp,
                    ready.udp,
                    state.logs()
                );
                stop_child(&mut child, start_time(pid));
                return Err(StartError::NotReady(why));
            }
            thread::sleep(Duration::from_millis(100));
        }
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    pub fn state(&self) -> &StateDir {
        &self.state
    }

    /// All logs so far, for assertion messages.
    pub fn logs(&self) -> String {
        self.state.logs()
    }

    /// Whether the server is still running (a test may assert it survived a bad client).
    pub fn is_running(&mut self) -> bool {
        self.child
            .as_mut()
            .is_some_and(|c| matches!(c.try_wait(), Ok(None)))
    }

    /// Stops the server now (also done on drop).
    pub fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            stop_child(&mut child, self.start_time);
        }
    }
}

/// SIGTERM to the process group, wait ≤ 4 s, then SIGKILL; always reaps the child.
fn stop_child(child: &mut Child, started: Option<u64>) {
    let pid = child.id();
    if let Ok(Some(_)) = child.try_wait() {
        return;
    }
    // The child is unreaped, so the PID is still ours; the start-time check guards
    // against a harness bug that reaped it elsewhere.
    let same = started.is_none() || start_time(pid) == started;
    let Ok(pgid) = i32::try_from(pid) else {
        return;
    };
    if same {
        // SAFETY: kill(2) with a negative pid signals the group we created for the child.
        unsafe { libc::kill(-pgid, libc::SIGTERM) };
    }
    let end = Instant::now() + Duration::from_secs(4);
    while Instant::now() < end {
        // Once reaped, the PID may be recycled: nothing is signalled after this.
        if let Ok(Some(_)) = child.try_wait() {
            return;
        }
        thread::sleep(Duration::from_millis(20));
    }
    if same {
        // SAFETY: as above.
        unsafe { libc::kill(-pgid, libc::SIGKILL) };
    }
    let _ = child.kill();
    let _ = child.wait();
}

impl Drop for Peer {
    fn drop(&mut self) {
        self.stop();
    }
}

/// Polls `now()` every 50 ms until it holds at least `n` items (≤ 10 s) and returns them;
/// on timeout panics with `what` and the diagnostics `why()` gives (a server's log).
pub fn wait_for_count<T>(
    n: usize,
    what: &str,
    mut now: impl FnMut() -> Vec<T>,
    why: impl Fn() -> String,
) -> Vec<T> {
    let end = Instant::now() + Duration::from_secs(10);
    loop {
        let got = now();
        if got.len() >= n {
            return got;
        }
        if Instant::now() > end {
            panic!("{what}: {} of {n} after 10 s\n{}", got.len(), why());
        }
        thread::sleep(Duration::from_millis(50));
    }
}

/// Holds a well-known port for one test across every test process on the machine: a test
/// that must use a fixed port (ntpdig only speaks to 123) waits here instead of failing when
/// another run of the suite has the port. Released on drop.
pub struct PortLock {
    _file: fs::File,
}

impl PortLock {
    pub fn acquire(port: u16) -> PortLock {
        use std::os::fd::AsRawFd;
        let path = std::env::temp_dir().join(format!("netkit-test-port-{port}.lock"));
        let file = fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)
            .unwrap_or_else(|e| panic!("cannot open {}: {e}", path.display()));
        let end = Instant::now() + Duration::from_secs(120);
        loop {
            // SAFETY: flock on a descriptor we own; LOCK_NB so the wait stays bounded.
            if unsafe { libc::flock(file.as_raw_fd(), libc::LOCK_EX | libc::LOCK_NB) } == 0 {
                return PortLock { _file: file };
            }
            assert!(
                Instant::now() < end,
                "port {port} stayed locked by another test run for 120 s"
            );
            thread::sleep(Duration::from_millis(100));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn state_dir_is_private_and_removed() {
        let a = StateDir::new("selftest");
        let b = StateDir::new("selftest");
        assert_ne!(a.path(), b.path());
        assert!(a.log_dir().is_dir());
        let p = a.path().to_owned();
        drop(a);
        assert!(!p.exists());
    }

    #[test]
    fn start_time_of_this_process_is_readable() {
        assert!(start_time(std::process::id()).is_some());
    }
}
