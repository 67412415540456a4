//! Interop with real peers started on loopback by the harness: xinetd's internal daytime and
//! time services and chronyd for timeclient; rdate, ntpdig and xinetd (running `--inetd`)
//! for timeserver; and the tutorial's server in Python 3. A peer that cannot start fails the
//! test (`util::peer`), it never skips.

use std::process::Command;

use super::{Server, client_json};
use crate::util::chrony::Chrony;
use crate::util::peer::{Peer, Readiness, StateDir, require_binary};
use crate::util::xinetd::{Service, Xinetd};

fn this_year() -> String {
    let out = Command::new("date")
        .args(["-u", "+%Y"])
        .output()
        .expect("date");
    String::from_utf8_lossy(&out.stdout).trim().to_owned()
}

fn ask(target: &str, args: &[&str]) -> serde_json::Value {
    let mut all = vec![target];
    all.extend_from_slice(args);
    let (code, v, err) = client_json(&all);
    assert_eq!(code, 0, "{target} {args:?}: {err}");
    let offset = v[0]["offset"].as_f64().expect("offset");
    assert!(offset.abs() < 1.5, "{target}: offset {offset}");
    v[0].clone()
}

#[test]
fn timeclient_reads_xinetd_daytime_over_tcp_and_udp() {
    let x = Xinetd::start(Service::Internal("daytime"));
    let target = format!("127.0.0.1:{}", x.port());
    let v = ask(&target, &[]);
    assert_eq!(v["line_format"], "rfc822", "{v}\n{}", x.logs());
    assert!(
        v["line"].as_str().is_some_and(|l| l.ends_with("UTC")),
        "{v}"
    );
    let v = ask(&target, &["--udp"]);
    assert_eq!(v["transport"], "udp");
}

#[test]
fn timeclient_reads_xinetd_time_over_tcp_and_udp() {
    let x = Xinetd::start(Service::Internal("time"));
    let target = format!("127.0.0.1:{}", x.port());
    assert_eq!(ask(&target, &["--proto", "time"])["protocol"], "time");
    assert_eq!(
        ask(&target, &["--proto", "time", "--udp"])["transport"],
        "udp"
    );
}

#[test]
fn timeclient_reads_chrony_over_ntp() {
    let c = Chrony::start();
    let target = format!("ntp://127.0.0.1:{}", c.port());
    let v = ask(&target, &["-n", "3", "--max-offset", "1"]);
    assert_eq!(v["stratum"], 8, "{v}\n{}", c.logs());
    assert_eq!(v["refid"], "127.127.1.1");
    assert_eq!(v["version"], 4);
    assert!(v["delay"].as_f64().is_some_and(|d| d >= 0.0), "{v}");
}

#[test]
fn timeclient_reads_the_python_tutorial_server() {
    let python = require_binary("/usr/bin/python3", "python3");
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/bench/tutorial_time_server.py");
    let peer = Peer::start(
        "tutorial",
        StateDir::new("tutorial"),
        move |port, _| {
            let mut cmd = Command::new(&python);
            cmd.arg(script).arg("tcp").arg(port.to_string());
            cmd
        },
        Readiness::tcp_v4,
    );
    let v = ask(&format!("127.0.0.1:{}", peer.port()), &[]);
    assert_eq!(v["line_format"], "ctime", "{v}\n{}", peer.logs());
}

#[test]
fn rdate_reads_netkit_time_over_tcp_and_udp_and_sntp() {
    let rdate = require_binary("/usr/sbin/rdate", "rdate");
    let year = this_year();
    let server = Server::start(&["--proto", "time", "-l", "127.0.0.1"]);
    let port = server.port.to_string();
    for extra in [&[][..], &["-u"]] {
        let out = Command::new(&rdate)
            .args(["-p", "-o", &port])
            .args(extra)
            .arg("127.0.0.1")
            .output()
            .expect("run rdate");
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(
            out.status.success(),
            "rdate {extra:?}: {text} {}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(text.contains(&year), "rdate {extra:?}: {text}");
    }
    let (_, lines, _) = server.stop();
    assert_eq!(
        lines.last().map(String::as_str),
        Some("served 2 clients, 0 errors")
    );

    let server = Server::start(&["--proto", "ntp", "--stratum", "8", "-l", "127.0.0.1"]);
    let out = Command::new(&rdate)
        .args(["-p", "-n", "-o", &server.port.to_string(), "127.0.0.1"])
        .output()
        .expect("run rdate -n");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "rdate -n: {text} {}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(text.contains(&year), "rdate -n: {text}");
}

/// ntpsec's ntpdig only talks to port 123, so this test binds 127.0.0.1:123 (the harness
/// runs as root, PEERS.md). Port 123 taken by another NTP server fails the test loudly.
#[test]
fn ntpdig_reads_netkit_sntp_on_port_123() {
    let ntpdig = require_binary("/usr/bin/ntpdig", "ntpsec-ntpdig");
    // Another run of the suite may hold port 123 right now: take turns.
    let _port = crate::util::peer::PortLock::acquire(123);
    let mut child = Command::new(crate::util::netkit_path())
        .args([
            "timeserver",
            "--proto",
            "ntp",
            "--stratum",
            "8",
            "-l",
            "127.0.0.1",
            "-p",
            "123",
        ])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("spawn timeserver");
    // No port line without -p 0: wait until the socket shows up.
    let mut ready = false;
    for _ in 0..100 {
        let ss = Command::new("ss")
            .args(["-H", "-lun", "sport = :123"])
            .output()
            .expect("ss");
        if !ss.stdout.iter().all(u8::is_ascii_whitespace) {
            ready = true;
            break;
        }
        if let Ok(Some(status)) = child.try_wait() {
            let out = child.wait_with_output().expect("output");
            panic!(
                "timeserver on port 123 exited with {status}: {}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    assert!(ready, "timeserver did not listen on 127.0.0.1:123");
    let out = Command::new(&ntpdig)
        .args(["-t", "3", "127.0.0.1"])
        .output()
        .expect("run ntpdig");
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    // SAFETY: signalling our own child.
    unsafe {
        libc::kill(child.id() as i32, libc::SIGTERM);
    }
    let server = child.wait_with_output().expect("timeserver output");
    assert!(
        out.status.success(),
        "ntpdig: {text} {}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        text.contains("127.0.0.1") && text.contains("s8"),
        "ntpdig: {text}"
    );
    let log = String::from_utf8_lossy(&server.stdout);
    assert!(log.contains("served 1 clients, 0 errors"), "{log}");
}

#[test]
fn netkit_inetd_mode_under_xinetd() {
    for proto in ["daytime", "time"] {
        let x = Xinetd::start(Service::Netkit(proto));
        let target = format!("127.0.0.1:{}", x.port());
        assert_eq!(
            ask(&target, &["--proto", proto])["protocol"],
            proto,
            "{}",
            x.logs()
        );
        assert_eq!(
            ask(&target, &["--proto", proto, "--udp"])["transport"],
            "udp",
            "{}",
            x.logs()
        );
    }
    let x = Xinetd::start(Service::Netkit("ntp"));
    let v = ask(&format!("ntp://127.0.0.1:{}", x.port()), &[]);
    assert_eq!(v["refid"], "LOCL", "{}", x.logs());
}
