//! netkit timeclient against netkit timeserver: every protocol, TCP and UDP, IPv4 and IPv6.

use super::{Server, client_json};

fn check_pair(proto: &str, udp: bool, host: &str) {
    let mut args = vec!["--proto", proto];
    if proto == "ntp" {
        args.extend(["--stratum", "8"]);
    } else if udp {
        args.push("--udp");
    } else {
        args.push("--tcp");
    }
    let server = Server::start(&args);
    let target = format!("{host}:{}", server.port);
    let mut cargs = vec!["--proto", proto, target.as_str()];
    if udp && proto != "ntp" {
        cargs.push("--udp");
    }
    let (code, v, err) = client_json(&cargs);
    assert_eq!(code, 0, "{proto} udp={udp} {host}: {err}");
    assert_eq!(v.len(), 1);
    let v = &v[0];
    assert_eq!(v["protocol"], proto);
    assert_eq!(
        v["transport"],
        if udp || proto == "ntp" { "udp" } else { "tcp" }
    );
    assert_eq!(v["server"], target.as_str());
    // Same clock on both ends: the offset is within the protocol's resolution.
    let offset = v["offset"].as_f64().expect("offset");
    assert!(offset.abs() < 1.5, "{proto}: offset {offset}");
    assert!(v["time"].as_str().is_some_and(|t| t.ends_with('Z')), "{v}");
    if proto == "ntp" {
        assert_eq!(v["stratum"], 8);
        assert_eq!(v["refid"], "LOCL");
        assert_eq!(v["leap"], 0);
        assert!(offset.abs() < 0.5, "ntp offset {offset}");
    }
    let line = server.next_line();
    assert!(line.starts_with("connection from "), "{line}");
    let peer_host = if host.starts_with('[') {
        "[::1]:"
    } else {
        "127.0.0.1:"
    };
    assert!(line.contains(peer_host), "{line}");
    let (code, lines, _) = server.stop();
    assert_eq!(code, 0);
    assert_eq!(
        lines.last().map(String::as_str),
        Some("served 1 clients, 0 errors")
    );
}

#[test]
fn daytime_over_tcp_ipv4_and_ipv6() {
    check_pair("daytime", false, "127.0.0.1");
    check_pair("daytime", false, "[::1]");
}

#[test]
fn daytime_over_udp_ipv4_and_ipv6() {
    check_pair("daytime", true, "127.0.0.1");
    check_pair("daytime", true, "[::1]");
}

#[test]
fn time_over_tcp_ipv4_and_ipv6() {
    check_pair("time", false, "127.0.0.1");
    check_pair("time", false, "[::1]");
}

#[test]
fn time_over_udp_ipv4_and_ipv6() {
    check_pair("time", true, "127.0.0.1");
    check_pair("time", true, "[::1]");
}

#[test]
fn ntp_over_udp_ipv4_and_ipv6() {
    check_pair("ntp", true, "127.0.0.1");
    check_pair("ntp", true, "[::1]");
}

#[test]
fn every_daytime_format_is_read_back() {
    for format in ["ctime", "rfc3339", "unix"] {
        let server = Server::start(&["--format", format, "--tcp"]);
        let target = format!("127.0.0.1:{}", server.port);
        let (code, v, err) = client_json(&[target.as_str()]);
        assert_eq!(code, 0, "{format}: {err}");
        let want = if format == "unix" { "unix" } else { format };
        assert_eq!(v[0]["line_format"], want, "{}", v[0]);
    }
}

#[test]
fn ntp_samples_report_the_best_of_n() {
    let server = Server::start(&["--proto", "ntp", "--stratum", "3", "-l", "127.0.0.1"]);
    let target = format!("ntp://127.0.0.1:{}", server.port);
    let (code, v, err) = client_json(&[target.as_str(), "-n", "4"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(v[0]["samples"], 4);
    assert_eq!(v[0]["stratum"], 3);
    assert_eq!(v[0]["protocol"], "ntp");
    let (_, lines, _) = server.stop();
    assert_eq!(
        lines
            .iter()
            .filter(|l| l.starts_with("connection from"))
            .count(),
        4
    );
}
