//! `netkit hostinfo` end to end: the system resolver through /etc/hosts, the services
//! database, byte order, the local view, and `--dns` against a real dnsmasq plus scripted
//! UDP/TCP peers for the faults dnsmasq cannot produce (silence, garbage, forced TC).

use std::io::{Read, Write};
use std::net::{TcpListener, UdpSocket};
use std::str::FromStr;
use std::thread;

use hickory_proto::op::Message;
use hickory_proto::rr::rdata::A;
use hickory_proto::rr::{Name, RData, Record};

use crate::util::dnsmasq::Dnsmasq;
use crate::util::{code, netkit, stderr, stdout};

fn json(out: &std::process::Output) -> serde_json::Value {
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {:?}", stdout(out)))
}

fn dns(server: &str, extra: &[&str]) -> std::process::Output {
    let mut args = vec!["hostinfo", "--dns", server, "--timeout", "5"];
    args.extend_from_slice(extra);
    netkit(&args)
}

// --- system resolver ------------------------------------------------------------------

#[test]
fn localhost_resolves_to_loopback_through_the_system_resolver() {
    let out = netkit(&["hostinfo", "-4", "localhost"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(
        stdout(&out).contains("has address 127.0.0.1"),
        "{}",
        stdout(&out)
    );
}

#[test]
fn forward_json_lists_addresses_and_canonical_name() {
    let out = netkit(&["hostinfo", "--json", "-4", "localhost"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let v = json(&out);
    assert_eq!(v["kind"], "forward");
    assert!(
        v["addresses"]
            .as_array()
            .unwrap()
            .contains(&"127.0.0.1".into()),
        "{v}"
    );
    assert!(
        v["canonical_name"].as_str().unwrap().contains("localhost"),
        "{v}"
    );
}

#[test]
fn short_forward_prints_addresses_alone() {
    let out = netkit(&["hostinfo", "--short", "-4", "localhost"]);
    assert_eq!(stdout(&out), "127.0.0.1\n");
}

#[test]
fn loopback_address_reverses_to_localhost() {
    let out = netkit(&["hostinfo", "127.0.0.1"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(
        stdout(&out).starts_with("127.0.0.1 has name localhost"),
        "{}",
        stdout(&out)
    );
}

#[test]
fn ipv6_loopback_reverses_when_hosts_file_lists_it() {
    let hosts = std::fs::read_to_string("/etc/hosts").unwrap_or_default();
    let listed = hosts
        .lines()
        .any(|l| l.split_whitespace().next() == Some("::1"));
    let out = netkit(&["hostinfo", "--short", "::1"]);
    if listed {
        assert_eq!(code(&out), 0, "{}", stderr(&out));
        assert!(stdout(&out).contains("localhost"), "{}", stdout(&out));
    } else {
        // No name for ::1 on this host: a resolve failure, never a hang or a crash.
        assert_eq!(code(&out), 3, "{}", stderr(&out));
        assert!(
            stderr(&out).contains("::1: has no name"),
            "{}",
            stderr(&out)
        );
    }
}

#[test]
fn invalid_name_exits_3_with_the_name_in_the_message() {
    let out = netkit(&["hostinfo", "no-such-host.invalid"]);
    assert_eq!(code(&out), 3, "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.starts_with("netkit hostinfo: no-such-host.invalid: does not resolve"),
        "{err}"
    );
}

#[test]
fn some_names_failing_is_partial_and_the_others_still_print() {
    let out = netkit(&[
        "hostinfo",
        "--json",
        "-4",
        "localhost",
        "no-such-host.invalid",
    ]);
    assert_eq!(code(&out), 12, "{}", stderr(&out));
    let lines: Vec<_> = stdout(&out).lines().map(str::to_owned).collect();
    assert_eq!(lines.len(), 1, "{lines:?}");
    assert!(lines[0].contains("127.0.0.1"));
    let err: serde_json::Value = serde_json::from_str(stderr(&out).trim()).unwrap();
    assert_eq!(err["error"]["exit_code"], 3);
    // The per-item error names its item, as urlparse's do (issue 20 #5).
    assert_eq!(err["error"]["item"], "no-such-host.invalid", "{err}");
    let out = netkit(&[
        "hostinfo",
        "--json",
        "--service",
        "smtp",
        "--service",
        "nosuch",
    ]);
    assert_eq!(code(&out), 12, "{}", stderr(&out));
    let err: serde_json::Value = serde_json::from_str(stderr(&out).trim()).unwrap();
    assert_eq!(err["error"]["item"], "nosuch", "{err}");
}

#[test]
fn all_names_failing_exits_with_their_code() {
    let out = netkit(&["hostinfo", "a.invalid", "b.invalid"]);
    assert_eq!(code(&out), 3, "{}", stderr(&out));
    assert_eq!(stderr(&out).lines().count(), 2, "{}", stderr(&out));
}

// --- local view, services, byte order ---------------------------------------------------

#[test]
fn local_view_shows_loopback_interface() {
    let out = netkit(&["hostinfo"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let text = stdout(&out);
    assert!(text.starts_with("hostname: "), "{text}");
    assert!(text.contains("\nfqdn: "), "{text}");
    assert!(
        text.lines()
            .any(|l| l.starts_with("lo inet 127.0.0.1/8 up")),
        "{text}"
    );
}

#[test]
fn local_view_json_has_interfaces_with_prefixes() {
    let out = netkit(&["hostinfo", "--json", "-4"]);
    let v = json(&out);
    let lo = v["interfaces"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["name"] == "lo")
        .cloned()
        .unwrap_or_else(|| panic!("no lo in {v}"));
    assert_eq!(lo["loopback"], true);
    assert_eq!(lo["addresses"][0]["address"], "127.0.0.1");
    assert_eq!(lo["addresses"][0]["prefix_len"], 8);
}

#[test]
fn service_by_name_gives_port_and_proto() {
    let out = netkit(&["hostinfo", "--service", "smtp"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(stdout(&out).starts_with("smtp 25/tcp"), "{}", stdout(&out));
}

#[test]
fn service_by_port_gives_the_name() {
    let out = netkit(&["hostinfo", "--service", "443/tcp", "--json"]);
    let v = json(&out);
    assert_eq!(v["name"], "https");
    assert_eq!(v["port"], 443);
    assert_eq!(v["proto"], "tcp");
}

#[test]
fn unknown_service_exits_3() {
    let out = netkit(&["hostinfo", "--service", "no-such-service"]);
    assert_eq!(code(&out), 3, "{}", stderr(&out));
    assert!(stderr(&out).contains("netbase"), "{}", stderr(&out));
}

#[test]
fn byteorder_of_258_matches_the_spec() {
    let out = netkit(&["hostinfo", "--byteorder", "258"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let text = stdout(&out);
    if cfg!(target_endian = "little") {
        assert!(text.contains("htons: 513 = 0x0201"), "{text}");
        assert!(text.contains("htonl: 33619968 = 0x02010000"), "{text}");
    }
    assert!(
        text.contains("ntohs: ") && text.contains("ntohl: "),
        "{text}"
    );
}

#[test]
fn byteorder_over_32_bits_is_a_usage_error() {
    let out = netkit(&["hostinfo", "--byteorder", "0x100000000"]);
    assert_eq!(code(&out), 2, "{}", stderr(&out));
}

// --- --dns against dnsmasq --------------------------------------------------------------

#[test]
fn dns_a_record_prints_a_zone_line() {
    let d = Dnsmasq::start();
    let out = dns(&d.server(), &["www.netkit.test"]);
    assert_eq!(code(&out), 0, "{}\n{}", stderr(&out), d.logs());
    assert_eq!(stdout(&out), "www.netkit.test. 60 IN A 127.0.0.1\n");
}

#[test]
fn dns_aaaa_over_ipv6_server_address() {
    let d = Dnsmasq::start();
    let out = dns(
        &d.server_v6(),
        &["--type", "aaaa", "www.netkit.test", "--short"],
    );
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(stdout(&out), "::1\n");
}

#[test]
fn dns_cname_is_followed_by_its_target() {
    let d = Dnsmasq::start();
    let out = dns(&d.server(), &["alias.netkit.test"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(
        stdout(&out),
        "alias.netkit.test. 60 IN CNAME www.netkit.test.\nwww.netkit.test. 60 IN A 127.0.0.1\n"
    );
}

#[test]
fn dns_mx_shows_preference_and_exchange() {
    let d = Dnsmasq::start();
    let out = dns(&d.server(), &["--type", "MX", "netkit.test", "--short"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(stdout(&out), "10 mail.netkit.test.\n");
}

#[test]
fn dns_txt_strings_are_quoted() {
    let d = Dnsmasq::start();
    let out = dns(&d.server(), &["--type", "txt", "txt.netkit.test"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(
        stdout(&out),
        "txt.netkit.test. 60 IN TXT \"v=netkit1\" \"hello world\"\n"
    );
}

#[test]
fn dns_ptr_turns_an_address_into_its_reverse_name() {
    let d = Dnsmasq::start();
    let out = dns(&d.server(), &["--type", "ptr", "127.0.0.5"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(
        stdout(&out),
        "5.0.0.127.in-addr.arpa. 60 IN PTR five.netkit.test.\n"
    );
}

#[test]
fn dns_multi_address_name_lists_every_address() {
    let d = Dnsmasq::start();
    let out = dns(&d.server(), &["multi.netkit.test", "--short"]);
    let mut got: Vec<_> = stdout(&out).lines().map(str::to_owned).collect();
    got.sort();
    assert_eq!(got, ["127.0.0.2", "127.0.0.3"]);
}

#[test]
fn dns_nxdomain_exits_3() {
    let d = Dnsmasq::start();
    let out = dns(&d.server(), &["nope.netkit.test"]);
    assert_eq!(code(&out), 3, "{}", stderr(&out));
    assert_eq!(stdout(&out), "");
    assert!(stderr(&out).contains("NXDOMAIN"), "{}", stderr(&out));
}

#[test]
fn dns_nodata_exits_3_and_json_still_shows_the_reply() {
    let d = Dnsmasq::start();
    let out = dns(&d.server(), &["--type", "soa", "txt.netkit.test", "--json"]);
    assert_eq!(code(&out), 3, "{}", stderr(&out));
    let v = json(&out);
    assert_eq!(v["rcode"], "NOERROR");
    assert_eq!(v["answers"].as_array().map(Vec::len), Some(0));
}

#[test]
fn dns_refused_outside_the_zone_exits_1() {
    let d = Dnsmasq::start();
    let out = dns(&d.server(), &["example.com", "--json"]);
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    assert_eq!(json(&out)["rcode"], "REFUSED");
    let err: serde_json::Value = serde_json::from_str(stderr(&out).trim()).unwrap();
    assert_eq!(err["error"]["kind"], "refused");
}

#[test]
fn dns_json_has_rcode_flags_answers_and_timing() {
    let d = Dnsmasq::start();
    let out = dns(&d.server(), &["--json", "www.netkit.test"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let v = json(&out);
    assert_eq!(v["rcode"], "NOERROR");
    assert_eq!(v["flags"]["aa"], true);
    assert_eq!(v["flags"]["rd"], true);
    assert_eq!(v["transport"], "udp");
    assert_eq!(v["server"], d.server());
    assert_eq!(v["answers"][0]["name"], "www.netkit.test.");
    assert_eq!(v["answers"][0]["ttl"], 60);
    assert_eq!(v["answers"][0]["class"], "IN");
    assert_eq!(v["answers"][0]["type"], "A");
    assert_eq!(v["answers"][0]["data"], "127.0.0.1");
    assert!(
        v["elapsed"]
            .as_f64()
            .is_some_and(|e| (0.0..5.0).contains(&e)),
        "{v}"
    );
}

#[test]
fn dns_several_names_print_json_lines_and_exit_partial() {
    let d = Dnsmasq::start();
    let out = dns(
        &d.server(),
        &["--json", "www.netkit.test", "nope.netkit.test"],
    );
    assert_eq!(code(&out), 12, "{}", stderr(&out));
    let lines: Vec<serde_json::Value> = stdout(&out)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[1]["rcode"], "NXDOMAIN");
}

#[test]
fn dns_truncated_udp_reply_is_retried_over_tcp() {
    let d = Dnsmasq::start();
    let out = dns(&d.server(), &["--json", "--type", "txt", "big.netkit.test"]);
    assert_eq!(code(&out), 0, "{}\n{}", stderr(&out), d.logs());
    let v = json(&out);
    assert_eq!(v["transport"], "tcp");
    assert_eq!(v["tcp_fallback"], true);
    assert_eq!(v["answers"].as_array().map(Vec::len), Some(6), "{v}");
    // dnsmasq answers TCP from a forked child: two different dnsmasq[PID]s asked the question.
    let log = d.query_log();
    let pids: std::collections::BTreeSet<_> = log
        .lines()
        .filter(|l| l.contains("query[TXT] big.netkit.test"))
        .filter_map(|l| l.split("dnsmasq[").nth(1)?.split(']').next())
        .collect();
    assert_eq!(
        pids.len(),
        2,
        "expected a UDP and a TCP query in the log:\n{log}"
    );
}

#[test]
fn dns_forced_tcp_works() {
    let d = Dnsmasq::start();
    let out = dns(&d.server(), &["--tcp", "--json", "www.netkit.test"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(json(&out)["transport"], "tcp");
    assert_eq!(json(&out)["tcp_fallback"], false);
}

#[test]
fn dns_without_edns_still_answers_small_records_over_udp() {
    let d = Dnsmasq::start();
    let out = dns(
        &d.server(),
        &["--no-edns", "--json", "--type", "txt", "txt.netkit.test"],
    );
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(json(&out)["transport"], "udp");
}

#[test]
fn dns_server_given_by_name_is_resolved() {
    let d = Dnsmasq::start();
    let server = format!("localhost:{}", d.port());
    let out = dns(&server, &["-4", "--short", "www.netkit.test"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(stdout(&out), "127.0.0.1\n");
}

// --- --dns against scripted peers -----------------------------------------------------

#[test]
fn dns_silent_server_times_out_with_exit_5() {
    let silent = UdpSocket::bind("127.0.0.1:0").unwrap();
    let server = silent.local_addr().unwrap().to_string();
    let out = netkit(&[
        "hostinfo",
        "--dns",
        &server,
        "--timeout",
        "1",
        "x.netkit.test",
    ]);
    assert_eq!(code(&out), 5, "{}", stderr(&out));
    assert!(stderr(&out).contains("raise --timeout"), "{}", stderr(&out));
    drop(silent);
}

#[test]
fn dns_max_time_cuts_the_wait_short() {
    let silent = UdpSocket::bind("127.0.0.1:0").unwrap();
    let server = silent.local_addr().unwrap().to_string();
    // The default --timeout is 30 s: a message naming --max-time shows the deadline cut it.
    let out = netkit(&[
        "hostinfo",
        "--dns",
        &server,
        "--max-time",
        "0.5",
        "x.netkit.test",
    ]);
    assert_eq!(code(&out), 5, "{}", stderr(&out));
    assert!(stderr(&out).contains("--max-time"), "{}", stderr(&out));
}

#[test]
fn dns_closed_port_exits_4() {
    let port = {
        let s = UdpSocket::bind("127.0.0.1:0").unwrap();
        s.local_addr().unwrap().port()
    };
    let out = netkit(&[
        "hostinfo",
        "--dns",
        &format!("127.0.0.1:{port}"),
        "x.netkit.test",
    ]);
    assert_eq!(code(&out), 4, "{}", stderr(&out));
    assert!(stderr(&out).contains("refused"), "{}", stderr(&out));
}

/// A UDP peer that answers every datagram with `reply(request)`.
fn udp_peer(reply: impl Fn(&[u8]) -> Vec<u8> + Send + 'static) -> (UdpSocket, String) {
    let sock = UdpSocket::bind("127.0.0.1:0").unwrap();
    let addr = sock.local_addr().unwrap().to_string();
    let worker = sock.try_clone().unwrap();
    thread::spawn(move || {
        let mut buf = [0u8; 4096];
        while let Ok((n, from)) = worker.recv_from(&mut buf) {
            let _ = worker.send_to(&reply(&buf[..n]), from);
        }
    });
    (sock, addr)
}

#[test]
fn dns_garbage_reply_with_our_id_exits_8() {
    // Our ID, QR set, one question announced and none sent.
    let (_peer, server) = udp_peer(|req| vec![req[0], req[1], 0x81, 0x80, 0, 1, 0, 0, 0, 0, 0, 0]);
    let out = netkit(&[
        "hostinfo",
        "--dns",
        &server,
        "--timeout",
        "3",
        "x.netkit.test",
    ]);
    assert_eq!(code(&out), 8, "{}", stderr(&out));
    assert!(stderr(&out).contains("malformed reply"), "{}", stderr(&out));
}

#[test]
fn dns_echoed_request_is_not_taken_for_an_answer() {
    let (_peer, server) = udp_peer(|req| req.to_vec());
    let out = netkit(&[
        "hostinfo",
        "--dns",
        &server,
        "--timeout",
        "3",
        "x.netkit.test",
    ]);
    assert_eq!(code(&out), 8, "{}", stderr(&out));
}

#[test]
fn dns_reply_with_another_id_is_ignored_until_timeout() {
    let (_peer, server) = udp_peer(|req| {
        let mut r = req.to_vec();
        r[0] ^= 0xff;
        r[2] |= 0x80;
        r
    });
    let out = netkit(&[
        "hostinfo",
        "--dns",
        &server,
        "--timeout",
        "1",
        "x.netkit.test",
    ]);
    assert_eq!(code(&out), 5, "{}", stderr(&out));
}

/// The answer a scripted peer gives: the question echoed, one A record.
fn answer_for(request: &[u8]) -> Vec<u8> {
    let q = Message::from_vec(request).unwrap();
    let mut r = Message::response(q.metadata.id, q.metadata.op_code);
    r.metadata.recursion_desired = q.metadata.recursion_desired;
    r.add_queries(q.queries.clone());
    r.add_answer(Record::from_rdata(
        Name::from_str("tc.netkit.test.").unwrap(),
        30,
        RData::A(A::new(192, 0, 2, 7)),
    ));
    r.to_vec().unwrap()
}

#[test]
fn dns_tc_bit_from_a_scripted_peer_triggers_tcp() {
    // TCP first, then UDP on the same port.
    let tcp = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = tcp.local_addr().unwrap().port();
    let udp = UdpSocket::bind(("127.0.0.1", port)).unwrap();
    thread::spawn(move || {
        let mut buf = [0u8; 4096];
        while let Ok((n, from)) = udp.recv_from(&mut buf) {
            // Header only: our ID, QR + TC, nothing else.
            let r = [buf[0], buf[1], 0x82, 0x00, 0, 0, 0, 0, 0, 0, 0, 0];
            let _ = udp.send_to(&r, from);
            let _ = n;
        }
    });
    thread::spawn(move || {
        if let Ok((mut s, _)) = tcp.accept() {
            let mut len = [0u8; 2];
            s.read_exact(&mut len).unwrap();
            let mut req = vec![0u8; usize::from(u16::from_be_bytes(len))];
            s.read_exact(&mut req).unwrap();
            let r = answer_for(&req);
            s.write_all(&(r.len() as u16).to_be_bytes()).unwrap();
            s.write_all(&r).unwrap();
        }
    });
    let server = format!("127.0.0.1:{port}");
    let out = netkit(&[
        "hostinfo",
        "--dns",
        &server,
        "--json",
        "--timeout",
        "3",
        "tc.netkit.test",
    ]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let v = json(&out);
    assert_eq!(v["transport"], "tcp");
    assert_eq!(v["tcp_fallback"], true);
    assert_eq!(v["answers"][0]["data"], "192.0.2.7");
}

#[test]
fn dns_tcp_server_that_trickles_is_cut_off_by_the_timeout() {
    // Each byte arrives inside the socket timeout, so only a bound on the whole exchange
    // ends it: exit 5, not a wait as long as the server likes.
    let tcp = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = tcp.local_addr().unwrap().port();
    thread::spawn(move || {
        if let Ok((mut s, _)) = tcp.accept() {
            let mut len = [0u8; 2];
            let _ = s.read_exact(&mut len);
            let _ = s.write_all(&[0xff]);
            for _ in 0..120 {
                thread::sleep(std::time::Duration::from_millis(250));
                if s.write_all(b"x").is_err() {
                    break;
                }
            }
        }
    });
    let server = format!("127.0.0.1:{port}");
    let out = netkit(&[
        "hostinfo",
        "--dns",
        &server,
        "--tcp",
        "-t",
        "1",
        "x.netkit.test",
    ]);
    assert_eq!(code(&out), 5, "{}", stderr(&out));
}

#[test]
fn dns_bad_server_argument_is_a_usage_error() {
    let out = netkit(&["hostinfo", "--dns", "1.2.3.4:99999", "x.netkit.test"]);
    assert_eq!(code(&out), 2, "{}", stderr(&out));
    let out = netkit(&["hostinfo", "--dns", "127.0.0.1", "--type", "SRVX", "x"]);
    assert_eq!(code(&out), 2, "{}", stderr(&out));
}

// --- dig and host habits (issue 20 #3) -----------------------------------------------

#[test]
fn at_server_is_dig_spelling_of_dns_and_mx_srv_json_carry_their_parts() {
    let d = Dnsmasq::start();
    let at = format!("@{}", d.server());
    let out = netkit(&["hostinfo", &at, "--type", "mx", "netkit.test", "--json"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let v = json(&out);
    assert_eq!(v["answers"][0]["data"], "10 mail.netkit.test.");
    assert_eq!(v["answers"][0]["preference"], 10);
    assert_eq!(v["answers"][0]["exchange"], "mail.netkit.test.");
    let out = netkit(&[
        "hostinfo",
        &at,
        "--type",
        "SRV",
        "_imap._tcp.netkit.test",
        "--json",
    ]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let v = json(&out);
    assert_eq!(v["answers"][0]["port"], 143);
    assert_eq!(v["answers"][0]["priority"], 5);
    assert_eq!(v["answers"][0]["weight"], 0);
    assert_eq!(v["answers"][0]["target"], "mail.netkit.test.");
    // A records carry no part fields, only data.
    let out = netkit(&["hostinfo", &at, "www.netkit.test", "--json"]);
    assert!(json(&out)["answers"][0].get("preference").is_none());
}

#[test]
fn type_without_a_server_asks_the_first_resolv_conf_nameserver() {
    // Whatever resolv.conf names (it may not answer here), the question goes there instead of
    // being refused as a usage error.
    let out = netkit(&[
        "hostinfo",
        "--type",
        "mx",
        "netkit.test",
        "-t",
        "1",
        "--json",
    ]);
    assert_ne!(code(&out), 2, "{}", stderr(&out));
    let conf = std::fs::read_to_string("/etc/resolv.conf").unwrap_or_default();
    if let Some(ns) = conf
        .lines()
        .find_map(|l| l.strip_prefix("nameserver").map(str::trim))
    {
        let all = format!("{}{}", stdout(&out), stderr(&out));
        assert!(all.contains(ns), "{ns}: {all}");
    }
}

#[test]
fn every_dig_type_is_accepted_and_a_bad_one_lists_them() {
    for t in [
        "srv", "caa", "naptr", "ds", "dnskey", "sshfp", "tlsa", "https", "svcb", "any",
    ] {
        let out = netkit(&[
            "hostinfo",
            "--dns",
            "127.0.0.1:1",
            "--type",
            t,
            "x.test",
            "-t",
            "1",
        ]);
        assert_ne!(code(&out), 2, "{t}: {}", stderr(&out));
    }
    let out = netkit(&[
        "hostinfo",
        "--dns",
        "127.0.0.1:1",
        "--type",
        "bogus",
        "x.test",
    ]);
    assert_eq!(code(&out), 2);
    assert!(stderr(&out).contains("TLSA"), "{}", stderr(&out));
}

#[test]
fn service_is_repeatable() {
    let out = netkit(&[
        "hostinfo",
        "--service",
        "smtp",
        "--service",
        "http",
        "--short",
    ]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(stdout(&out), "25\n80\n");
}

/// `hostinfo ARGS` in a private mount namespace whose /etc/hosts is `hosts` (the machine's
/// own may list `::1 localhost` or not): the system resolver reads exactly these names.
fn with_hosts_file(hosts: &str, args: &[&str]) -> std::process::Output {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("hosts");
    std::fs::write(&file, hosts).expect("write hosts");
    let out = std::process::Command::new("unshare")
        .args([
            "-m",
            "sh",
            "-c",
            "mount --bind \"$1\" /etc/hosts && shift && exec \"$@\"",
        ])
        .arg("sh")
        .arg(&file)
        .arg(crate::util::netkit_path())
        .arg("hostinfo")
        .args(args)
        .output()
        .expect("unshare (util-linux) runs");
    assert!(
        !String::from_utf8_lossy(&out.stderr).contains("unshare:")
            && !String::from_utf8_lossy(&out.stderr).contains("mount:"),
        "a mount namespace is needed (tests run as root): {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

#[test]
fn a_name_with_only_one_family_says_so_under_dash_4_and_dash_6() {
    // Not ::1: glibc answers an IPv4 question for a ::1 line with 127.0.0.1.
    let hosts = "127.0.0.1 localhost v4only.netkit.test\n2001:db8::1 v6only.netkit.test\n";
    for (args, says) in [
        (&["-6", "localhost"][..], "localhost: has no IPv6 address"),
        (
            &["-6", "v4only.netkit.test"],
            "v4only.netkit.test: has no IPv6 address",
        ),
        (
            &["-4", "v6only.netkit.test"],
            "v6only.netkit.test: has no IPv4 address",
        ),
        (
            &["-6", "nowhere.invalid"],
            "nowhere.invalid: does not resolve",
        ),
    ] {
        let out = with_hosts_file(hosts, args);
        assert_eq!(code(&out), 3, "{args:?}: {}", stderr(&out));
        assert!(stderr(&out).contains(says), "{args:?}: {}", stderr(&out));
    }
    // The family that is there still answers.
    let out = with_hosts_file(hosts, &["-6", "--short", "v6only.netkit.test"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(stdout(&out), "2001:db8::1\n");
}

#[test]
fn short_on_this_host_prints_its_addresses() {
    let out = netkit(&["hostinfo", "--short"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    for line in stdout(&out).lines() {
        assert!(line.parse::<std::net::IpAddr>().is_ok(), "{line}");
    }
}
