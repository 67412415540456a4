//! timeserver's command-line behaviour: the port line, --once, the summary on SIGTERM and
//! SIGINT, JSON log lines, --inetd on pipes and files, socket activation, loop guards, and
//! serving on while clients misbehave.

use std::net::{TcpStream, UdpSocket};
use std::os::unix::process::CommandExt;
use std::process::{Command, Stdio};
use std::time::Duration;

use super::{Server, client, client_json, read_port, wait_exit};
use crate::util::{code, netkit, netkit_path, run_with_stdin, stderr, stdout};

#[test]
fn port_zero_prints_the_port_first_and_serves_every_listener_on_it() {
    let server = Server::start(&[]);
    assert!(server.port > 0);
    for (host, udp) in [
        ("127.0.0.1", false),
        ("127.0.0.1", true),
        ("[::1]", false),
        ("[::1]", true),
    ] {
        let target = format!("{host}:{}", server.port);
        let mut args = vec![target.as_str()];
        if udp {
            args.push("--udp");
        }
        let (code, _, err) = client(&args);
        assert_eq!(code, 0, "{target} udp={udp}: {err}");
    }
    let (code, lines, _) = server.stop();
    assert_eq!(code, 0);
    assert_eq!(
        lines
            .iter()
            .filter(|l| l.starts_with("connection from"))
            .count(),
        4,
        "{lines:?}"
    );
}

#[test]
fn once_serves_one_client_and_exits() {
    let server = Server::start(&["--once", "--tcp", "-l", "127.0.0.1"]);
    let (c, out, err) = client(&[&format!("127.0.0.1:{}", server.port)]);
    assert_eq!(c, 0, "{err}");
    assert!(out.contains("daytime/tcp"), "{out}");
    let (code, lines, _) = server.wait();
    assert_eq!(code, 0);
    assert!(
        lines[0].starts_with("connection from 127.0.0.1:"),
        "{lines:?}"
    );
    assert_eq!(
        lines.last().map(String::as_str),
        Some("served 1 clients, 0 errors")
    );
}

#[test]
fn sigterm_and_sigint_print_the_summary_and_exit_0() {
    for signal in [libc::SIGTERM, libc::SIGINT] {
        let server = Server::start(&["-l", "127.0.0.1"]);
        let target = format!("127.0.0.1:{}", server.port);
        for _ in 0..2 {
            assert_eq!(client(&[&target]).0, 0);
        }
        assert_eq!(client(&[&target, "--udp"]).0, 0);
        let (code, lines, _) = server.stop_with(signal);
        assert_eq!(code, 0, "signal {signal}");
        assert_eq!(
            lines.last().map(String::as_str),
            Some("served 3 clients, 0 errors")
        );
    }
}

#[test]
fn json_log_lines_and_json_summary() {
    let server = Server::start(&["--log", "json", "-l", "127.0.0.1", "--proto", "time"]);
    let target = format!("127.0.0.1:{}", server.port);
    assert_eq!(client(&["--proto", "time", &target]).0, 0);
    assert_eq!(client(&["--proto", "time", "--udp", &target]).0, 0);
    let (code, lines, _) = server.stop();
    assert_eq!(code, 0);
    let v: Vec<serde_json::Value> = lines
        .iter()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{l:?}: {e}")))
        .collect();
    assert_eq!(v.len(), 3, "{lines:?}");
    let mut protos: Vec<&str> = v[..2].iter().filter_map(|e| e["proto"].as_str()).collect();
    protos.sort_unstable();
    assert_eq!(protos, ["tcp", "udp"]);
    for e in &v[..2] {
        assert_eq!(e["event"], "connection");
        assert!(
            e["peer"]
                .as_str()
                .is_some_and(|p| p.starts_with("127.0.0.1:")),
            "{e}"
        );
        assert!(e["time"].as_str().is_some_and(|t| t.ends_with('Z')), "{e}");
    }
    assert_eq!(v[2]["event"], "summary");
    assert_eq!(v[2]["clients"], 2);
    assert_eq!(v[2]["errors"], 0);
}

#[test]
fn log_off_prints_only_the_summary() {
    let server = Server::start(&["--log", "off", "-l", "127.0.0.1"]);
    assert_eq!(client(&[&format!("127.0.0.1:{}", server.port)]).0, 0);
    let (_, lines, _) = server.stop();
    assert_eq!(lines, ["served 1 clients, 0 errors"]);
}

#[test]
fn inetd_mode_serves_a_pipe_and_logs_to_stderr() {
    let out = run_with_stdin(&["timeserver", "--inetd", "--proto", "time"], b"");
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(out.stdout.len(), 4);
    assert_eq!(stderr(&out), "connection from -\n");
    let out = run_with_stdin(&["timeserver", "--inetd", "--format", "rfc3339"], b"");
    assert_eq!(code(&out), 0);
    let line = stdout(&out);
    assert!(
        line.ends_with("Z\r\n") && line.starts_with("20"),
        "{line:?}"
    );
}

#[test]
fn inetd_mode_answers_an_ntp_request_from_a_file() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("req");
    let mut req = [0u8; 48];
    req[0] = 0x23;
    req[40..48].copy_from_slice(&[0xe9, 1, 2, 3, 4, 5, 6, 7]);
    std::fs::write(&path, req).expect("write");
    let out = Command::new(netkit_path())
        .args([
            "timeserver",
            "--inetd",
            "--proto",
            "ntp",
            "--stratum",
            "5",
            "--log",
            "json",
        ])
        .stdin(std::fs::File::open(&path).expect("open"))
        .output()
        .expect("run");
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(out.stdout.len(), 48);
    assert_eq!(out.stdout[0] & 7, 4, "mode 4");
    assert_eq!(out.stdout[1], 5, "stratum");
    assert_eq!(&out.stdout[24..32], &req[40..48], "originate");
    let log: serde_json::Value = serde_json::from_str(stderr(&out).trim()).expect("JSON log line");
    assert_eq!(log["peer"], "-");
}

#[test]
fn inetd_mode_serves_a_tcp_socket_on_stdin() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = listener.local_addr().expect("addr");
    let client = std::thread::spawn(move || {
        use std::io::Read;
        let mut s = TcpStream::connect(addr).expect("connect");
        let mut buf = Vec::new();
        s.read_to_end(&mut buf).expect("read");
        buf
    });
    let (conn, _) = listener.accept().expect("accept");
    let out = Command::new(netkit_path())
        .args(["timeserver", "--inetd"])
        .stdin(std::os::fd::OwnedFd::from(conn.try_clone().expect("dup")))
        .stdout(std::os::fd::OwnedFd::from(conn))
        .stderr(Stdio::piped())
        .output()
        .expect("run");
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(
        stderr(&out).starts_with("connection from 127.0.0.1:"),
        "{}",
        stderr(&out)
    );
    let got = client.join().expect("client");
    assert!(got.ends_with(b"\r\n") && got.len() == 26, "{got:?}");
}

#[test]
fn socket_activation_serves_the_inherited_sockets() {
    let tcp = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = tcp.local_addr().expect("addr").port();
    let fd = std::os::fd::AsRawFd::as_raw_fd(&tcp);
    let mut cmd = Command::new("/bin/sh");
    // LISTEN_PID must be the server's pid: sh sets it to its own, then execs netkit.
    cmd.args([
        "-c",
        "LISTEN_PID=$$ LISTEN_FDS=1 exec \"$0\" timeserver -p 0",
        netkit_path().to_str().expect("path"),
    ])
    .stdout(Stdio::piped())
    .stderr(Stdio::piped());
    // SAFETY: dup2 in the child between fork and exec is async-signal-safe.
    unsafe {
        cmd.pre_exec(move || {
            // dup2 onto itself keeps FD_CLOEXEC, so clear it explicitly.
            if libc::dup2(fd, 3) < 0 || libc::fcntl(3, libc::F_SETFD, 0) < 0 {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
    let mut child = cmd.spawn().expect("spawn");
    let (lines, printed) = read_port(&mut child);
    assert_eq!(printed, port, "the inherited socket's port is printed");
    let (c, _, err) = client(&[&format!("127.0.0.1:{port}")]);
    assert_eq!(c, 0, "{err}");
    assert!(
        lines
            .recv_timeout(Duration::from_secs(10))
            .expect("log")
            .starts_with("connection from")
    );
    // SAFETY: signalling our own child.
    unsafe {
        libc::kill(child.id() as i32, libc::SIGTERM);
    }
    assert_eq!(wait_exit(&mut child, Duration::from_secs(10)), 0);
}

#[test]
fn udp_loop_guards_drop_replies_and_service_ports() {
    let server = Server::start(&["--udp", "-l", "127.0.0.1"]);
    let sock = UdpSocket::bind("127.0.0.1:0").expect("bind");
    sock.set_read_timeout(Some(Duration::from_millis(500)))
        .expect("timeout");
    let target = format!("127.0.0.1:{}", server.port);
    // A datagram that is itself a daytime reply gets none back (no loop between servers)…
    sock.send_to(b"Tue Nov 24 18:09:22 2026\r\n", &target)
        .expect("send");
    let mut buf = [0u8; 64];
    assert!(
        sock.recv_from(&mut buf).is_err(),
        "a daytime line was answered"
    );
    // …an ordinary request does.
    sock.send_to(b"", &target).expect("send");
    let (n, _) = sock
        .recv_from(&mut buf)
        .expect("reply to an empty datagram");
    assert!(buf[..n].ends_with(b"\r\n"));
    let (_, lines, _) = server.stop();
    assert_eq!(
        lines.last().map(String::as_str),
        Some("served 1 clients, 0 errors")
    );
}

#[test]
fn idle_and_flooding_clients_do_not_stop_the_service() {
    let server = Server::start(&["--tcp", "-l", "127.0.0.1", "--log", "off"]);
    let target = format!("127.0.0.1:{}", server.port);
    // 300 clients that connect and never read, held open.
    let idle: Vec<TcpStream> = (0..300)
        .filter_map(|_| TcpStream::connect(&target).ok())
        .collect();
    assert_eq!(idle.len(), 300);
    let (c, _, err) = client(&[&target, "-t", "5"]);
    assert_eq!(c, 0, "{err}");
    drop(idle);
    let (code, lines, _) = server.stop();
    assert_eq!(code, 0);
    assert_eq!(
        lines.last().map(String::as_str),
        Some("served 301 clients, 0 errors")
    );
}

#[test]
fn usage_errors_exit_2() {
    for args in [
        &["timeserver", "--proto", "ntp", "--tcp"][..],
        &["timeserver", "--proto", "time", "--format", "unix"],
        &["timeserver", "--stratum", "16", "--proto", "ntp"],
        &["timeclient", "http://example.org"],
        &["timeclient", "localhost:99999"],
        &["timeclient", "-n", "3"],
    ] {
        let out = netkit(args);
        assert_eq!(code(&out), 2, "{args:?}: {}", stderr(&out));
    }
}

#[test]
fn timeclient_json_error_line_on_failure() {
    let port = UdpSocket::bind("127.0.0.1:0")
        .expect("bind")
        .local_addr()
        .expect("a")
        .port();
    let (code, v, err) = client_json(&[&format!("127.0.0.1:{port}")]);
    assert_eq!(code, 4, "{err}");
    assert!(v.is_empty());
    let e: serde_json::Value = serde_json::from_str(err.trim()).expect("JSON error line");
    assert_eq!(e["error"]["kind"], "connect");
    assert_eq!(e["error"]["exit_code"], 4);
}

#[test]
fn json_is_log_json_and_quiet_prints_only_the_port() {
    let server = Server::start(&["--json", "--once", "--tcp", "-l", "127.0.0.1"]);
    let (c, _, err) = client(&[&format!("127.0.0.1:{}", server.port)]);
    assert_eq!(c, 0, "{err}");
    let (code, lines, _) = server.wait();
    assert_eq!(code, 0);
    let events: Vec<serde_json::Value> = lines
        .iter()
        .map(|l| serde_json::from_str(l).expect("a JSON line"))
        .collect();
    assert_eq!(
        events.last().map(|e| e["event"].clone()),
        Some("summary".into())
    );

    let server = Server::start(&["-q", "--once", "--tcp", "-l", "127.0.0.1"]);
    let (c, _, err) = client(&[&format!("127.0.0.1:{}", server.port)]);
    assert_eq!(c, 0, "{err}");
    let (code, lines, _) = server.wait();
    assert_eq!(code, 0);
    assert!(lines.is_empty(), "{lines:?}");
}

/// Voluntary context switches of every thread of `pid` (each wake-up from a sleep is one).
fn wakeups(pid: u32) -> u64 {
    let mut total = 0;
    for task in std::fs::read_dir(format!("/proc/{pid}/task")).expect("/proc task dir") {
        let status = task
            .ok()
            .and_then(|t| std::fs::read_to_string(t.path().join("status")).ok())
            .unwrap_or_default();
        total += status
            .lines()
            .find_map(|l| l.strip_prefix("voluntary_ctxt_switches:"))
            .and_then(|v| v.trim().parse::<u64>().ok())
            .unwrap_or(0);
    }
    total
}

/// Idle means asleep in the kernel: no tick wakes any thread while no client comes (it used
/// to be ~48 wake-ups a second), and a signal still stops it at once.
#[test]
fn an_idle_server_does_not_wake_up_and_still_stops_on_a_signal() {
    let server = Server::start(&["-l", "127.0.0.1"]);
    let target = format!("127.0.0.1:{}", server.port);
    assert_eq!(client(&[&target]).0, 0);
    std::thread::sleep(Duration::from_millis(300));
    let before = wakeups(server.pid());
    std::thread::sleep(Duration::from_secs(2));
    let after = wakeups(server.pid());
    assert!(
        after - before <= 2,
        "{} wake-ups in 2 s of idling",
        after - before
    );
    let (code, lines, _) = server.stop();
    assert_eq!(code, 0);
    assert_eq!(
        lines.last().map(String::as_str),
        Some("served 1 clients, 0 errors")
    );
}

#[test]
fn verbose_ntp_prints_both_packets_decoded() {
    let server = Server::start(&["--proto", "ntp", "-l", "127.0.0.1"]);
    let target = format!("ntp://127.0.0.1:{}", server.port);
    let (c, _, err) = client(&[&target, "-vv"]);
    assert_eq!(c, 0, "{err}");
    assert!(err.contains("> NTP v4 mode 3 "), "{err}");
    assert!(err.contains("< NTP v4 mode 4 "), "{err}");
    assert!(err.contains("transmit "), "{err}");
    server.stop();
}
