//! fetch --check on nginx (HEAD over http and https) and timeclient --check on xinetd's
//! daytime and chrony's NTP.

use super::{assert_ok_line, json, phase_names};
use crate::util::chrony::Chrony;
use crate::util::nginx::Nginx;
use crate::util::xinetd::{Service, Xinetd};
use crate::util::{code, netkit, stderr, stdout};

#[test]
fn fetch_check_sends_head_and_reads_the_certificate() {
    let nginx = Nginx::start();
    nginx.add_file("probe.txt", b"up\n");
    let out = netkit(&["fetch", "--check", &nginx.url("/probe.txt")]);
    assert_ok_line(&out, &["connect", "request"]);
    assert!(stdout(&out).contains("HTTP/1.1 "), "{}", stdout(&out));
    let https = format!("https://127.0.0.1:{}/probe.txt", nginx.tls_port());
    let ca = nginx.ca_pem();
    let out = netkit(&[
        "fetch",
        "--check",
        &https,
        "--cacert",
        ca.to_str().unwrap(),
        "--json",
    ]);
    let v = json(&out);
    assert_eq!(code(&out), 0, "{v}");
    assert_eq!(phase_names(&v), ["connect", "tls", "request"]);
    assert!(
        v["tls"]["not_after"].as_str().unwrap().ends_with('Z'),
        "{v}"
    );
    assert!(
        nginx
            .requests()
            .iter()
            .any(|r| r.starts_with("HEAD /probe.txt ")),
        "{:?}",
        nginx.requests()
    );
}

#[test]
fn fetch_check_maps_http_statuses_to_spec_exits() {
    let nginx = Nginx::start();
    for (path, exit) in [
        ("/no-such-file", 1),
        ("/private/", 7),
        ("/busy", 11),
        ("/chain/abs", 0),
    ] {
        let out = netkit(&["fetch", "--check", &nginx.url(path)]);
        assert_eq!(code(&out), exit, "{path}: {}{}", stdout(&out), stderr(&out));
    }
}

#[test]
fn timeclient_check_on_daytime_and_ntp() {
    let x = Xinetd::start(Service::Internal("daytime"));
    let server = format!("127.0.0.1:{}", x.port());
    let out = netkit(&["timeclient", "--check", &server, "--proto", "daytime"]);
    assert_ok_line(&out, &["connect", "request"]);
    assert!(stdout(&out).contains(" UTC"), "{}", stdout(&out));
    let c = Chrony::start();
    let ntp = format!("ntp://127.0.0.1:{}", c.port());
    let out = netkit(&["timeclient", "--check", &ntp, "--json"]);
    let v = json(&out);
    assert_eq!(code(&out), 0, "{v}");
    assert!(v["greeting"].as_str().unwrap().contains("stratum 8"), "{v}");
    let out = netkit(&["timeclient", "--check", &ntp, "--nagios"]);
    assert!(stdout(&out).starts_with("NTP OK - "), "{}", stdout(&out));
}
