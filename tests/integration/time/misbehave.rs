//! Scripted peers that misbehave (PEERS.md "Misbehaving peers": time and NTP rows): the client
//! must end each exchange with the right exit code and a message naming the server.

use std::io::Write;
use std::net::{TcpListener, UdpSocket};
use std::thread;

use super::{Server, client, client_json};

/// A TCP peer that answers each connection with `reply` (then closes), or holds it silent
/// when `reply` is `None`.
fn tcp_peer(reply: Option<Vec<u8>>) -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("addr").port();
    thread::spawn(move || {
        let mut held = Vec::new();
        for conn in listener.incoming() {
            let Ok(mut conn) = conn else { break };
            match &reply {
                Some(bytes) => {
                    let _ = conn.write_all(bytes);
                }
                None => held.push(conn),
            }
        }
    });
    port
}

/// A UDP peer that answers each datagram with `reply(request)`, or stays silent on `None`.
fn udp_peer(reply: impl Fn(&[u8]) -> Option<Vec<u8>> + Send + 'static) -> u16 {
    let socket = UdpSocket::bind("127.0.0.1:0").expect("bind");
    let port = socket.local_addr().expect("addr").port();
    thread::spawn(move || {
        let mut buf = [0u8; 2048];
        while let Ok((n, from)) = socket.recv_from(&mut buf) {
            if let Some(r) = reply(&buf[..n]) {
                let _ = socket.send_to(&r, from);
            }
        }
    });
    port
}

fn run(port: u16, extra: &[&str]) -> (i32, String) {
    let target = format!("127.0.0.1:{port}");
    let mut args = vec![target.as_str(), "-t", "1"];
    args.extend_from_slice(extra);
    let (code, _, err) = client(&args);
    (code, err)
}

#[test]
fn silent_tcp_server_times_out_with_exit_5() {
    let port = tcp_peer(None);
    let (code, err) = run(port, &[]);
    assert_eq!(code, 5, "{err}");
    assert!(
        err.contains("no reply") && err.contains(&port.to_string()),
        "{err}"
    );
}

#[test]
fn silent_udp_server_times_out_with_exit_5_after_retries() {
    let port = udp_peer(|_| None);
    let (code, err) = run(port, &["--udp", "--retries", "2"]);
    assert_eq!(code, 5, "{err}");
    assert!(err.contains("3 tries"), "{err}");
    let (code, err) = run(port, &["--proto", "ntp"]);
    assert_eq!(code, 5, "{err}");
}

#[test]
fn garbage_daytime_is_a_protocol_error() {
    let port = tcp_peer(Some(b"hello, this is not a time\r\n".to_vec()));
    let (code, err) = run(port, &[]);
    assert_eq!(code, 8, "{err}");
    assert!(err.contains("no time netkit can read"), "{err}");
}

#[test]
fn four_byte_reply_is_not_daytime() {
    let port = tcp_peer(Some(vec![0xe9, 0x3c, 0x12, 0x34]));
    let (code, err) = run(port, &[]);
    assert_eq!(code, 8, "{err}");
}

#[test]
fn oversized_daytime_reply_is_refused() {
    let port = tcp_peer(Some(vec![b'x'; 4000]));
    let (code, err) = run(port, &[]);
    assert_eq!(code, 8, "{err}");
    assert!(err.contains("longer than 512"), "{err}");
}

#[test]
fn daytime_line_is_not_a_time_reply() {
    let port = tcp_peer(Some(b"Tue Nov 24 18:09:22 2026\r\n".to_vec()));
    let (code, err) = run(port, &["--proto", "time"]);
    assert_eq!(code, 8, "{err}");
    assert!(err.contains("RFC 868 sends exactly 4"), "{err}");
}

#[test]
fn short_time_reply_is_refused() {
    let port = tcp_peer(Some(vec![0xe9, 0x3c, 0x12]));
    let (code, err) = run(port, &["--proto", "time"]);
    assert_eq!(code, 8, "{err}");
    assert!(err.contains("3 bytes"), "{err}");
    let port = udp_peer(|_| Some(vec![1, 2, 3]));
    let (code, err) = run(port, &["--proto", "time", "--udp"]);
    assert_eq!(code, 8, "{err}");
}

#[test]
fn empty_daytime_reply_is_a_connect_error() {
    let port = tcp_peer(Some(Vec::new()));
    // Closed before the first byte: the exchange never began (exit 4, as smtp-send).
    let (code, err) = run(port, &[]);
    assert_eq!(code, 4, "{err}");
    assert!(err.contains("sent nothing"), "{err}");
}

/// An NTP reply built from a request, then spoiled by `edit`.
fn ntp_peer(edit: impl Fn(&mut [u8]) + Send + 'static) -> u16 {
    udp_peer(move |req| {
        if req.len() < 48 {
            return None;
        }
        let mut r = [0u8; 48];
        r[0] = 0x24; // leap 0, version 4, mode 4
        r[1] = 2;
        r[12..16].copy_from_slice(&[192, 0, 2, 1]);
        r[24..32].copy_from_slice(&req[40..48]); // originate = request transmit
        r[32..40].copy_from_slice(&req[40..48]);
        r[40..48].copy_from_slice(&req[40..48]);
        edit(&mut r);
        Some(r.to_vec())
    })
}

#[test]
fn ntp_sane_scripted_reply_is_accepted() {
    let port = ntp_peer(|_| {});
    let (code, v, err) = client_json(&[&format!("ntp://127.0.0.1:{port}")]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(v[0]["refid"], "192.0.2.1");
    assert_eq!(v[0]["stratum"], 2);
}

#[test]
fn ntp_echoed_request_is_refused_as_wrong_mode() {
    let port = udp_peer(|req| Some(req.to_vec()));
    let (code, err) = run(port, &["--proto", "ntp"]);
    assert_eq!(code, 8, "{err}");
    assert!(err.contains("mode 3"), "{err}");
}

#[test]
fn ntp_originate_mismatch_is_refused() {
    let port = ntp_peer(|r| r[31] ^= 1);
    let (code, err) = run(port, &["--proto", "ntp"]);
    assert_eq!(code, 8, "{err}");
    assert!(err.contains("originate"), "{err}");
}

#[test]
fn ntp_zero_transmit_is_refused() {
    let port = ntp_peer(|r| r[40..48].fill(0));
    let (code, err) = run(port, &["--proto", "ntp"]);
    assert_eq!(code, 8, "{err}");
    assert!(err.contains("transmit timestamp is zero"), "{err}");
}

#[test]
fn ntp_kiss_of_death_shows_its_code() {
    for (code_text, exit) in [("RATE", 11), ("DENY", 1), ("RSTR", 1), ("XYZW", 8)] {
        let kiss = code_text.as_bytes().to_vec();
        let port = ntp_peer(move |r| {
            r[1] = 0;
            r[12..16].copy_from_slice(&kiss);
        });
        let (code, err) = run(port, &["--proto", "ntp"]);
        assert_eq!(code, exit, "{code_text}: {err}");
        assert!(err.contains(&format!("kiss-o'-death {code_text}")), "{err}");
    }
}

#[test]
fn ntp_leap_3_is_reported_with_a_warning_not_dropped() {
    let port = ntp_peer(|r| r[0] = 0xe4);
    let (code, v, err) = client_json(&[&format!("ntp://127.0.0.1:{port}")]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(v[0]["leap"], 3);
    assert!(err.contains("leap 3"), "{err}");
}

#[test]
fn max_offset_exceeded_exits_10_and_still_prints_the_line() {
    let port = tcp_peer(Some(b"2001-09-09T01:46:40Z\r\n".to_vec()));
    let (code, out, err) = client(&[&format!("127.0.0.1:{port}"), "--max-offset", "5"]);
    assert_eq!(code, 10, "{err}");
    assert!(out.contains("2001-09-09T01:46:40"), "{out}");
    assert!(err.contains("exceeds --max-offset 5"), "{err}");
    let server = Server::start(&["--tcp"]);
    let (code, _, err) = client(&[&format!("127.0.0.1:{}", server.port), "--max-offset", "5"]);
    assert_eq!(code, 0, "{err}");
}

#[test]
fn several_servers_print_one_line_each_and_exit_with_the_worst() {
    let server = Server::start(&["--tcp"]);
    let good = format!("127.0.0.1:{}", server.port);
    let silent = format!("127.0.0.1:{}", tcp_peer(None));
    let garbage = format!("127.0.0.1:{}", tcp_peer(Some(b"???\r\n".to_vec())));
    let (code, out, err) = client(&[&good, &silent, &garbage, &good, "-t", "1"]);
    assert_eq!(code, 8, "{err}");
    assert_eq!(out.lines().count(), 2, "{out}");
    assert!(out.lines().all(|l| l.starts_with(&good)), "{out}");
    assert!(err.contains(&silent) && err.contains(&garbage), "{err}");
    let (code, v, err) = client_json(&[&good, &good]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(v.len(), 2);
    // With --json, a failed server's error line names it (issue 20 #5).
    let out = crate::util::netkit(&["timeclient", "--json", &good, &silent, "-t", "1"]);
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    let line: serde_json::Value =
        serde_json::from_str(err.trim()).unwrap_or_else(|e| panic!("{e}: {err}"));
    assert_eq!(line["error"]["item"], silent.as_str(), "{line}");
}
