//! ftp, nntp, gopher and telnet --check on vsftpd, INN, gophernicus and busybox telnetd.

use super::{assert_ok_line, json, phase_names};
use crate::util::ca::TestCa;
use crate::util::ftpd::{Vsftpd, VsftpdMode};
use crate::util::gophernicus::Gophernicus;
use crate::util::inn::Inn;
use crate::util::telnetd::{Kind, Telnetd};
use crate::util::{code, netkit, stderr, stdout};

#[test]
fn ftp_check_explicit_and_implicit_tls() {
    let explicit = Vsftpd::start(VsftpdMode::Explicit, |_| {});
    let ca = explicit.ca_pem();
    let url = format!("ftp://127.0.0.1:{}", explicit.port());
    let out = netkit(&["ftp", "--check", &url, "--cacert", ca.to_str().unwrap()]);
    assert_ok_line(&out, &["connect", "greeting", "tls", "request", "quit"]);
    assert!(stdout(&out).contains(" 220"), "{}", stdout(&out));
    let out = netkit(&[
        "fetch",
        "--check",
        &url,
        "--cacert",
        ca.to_str().unwrap(),
        "--json",
    ]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let implicit = Vsftpd::start(VsftpdMode::Implicit, |_| {});
    let ca = implicit.ca_pem();
    let url = format!("ftps://127.0.0.1:{}", implicit.port());
    let out = netkit(&[
        "ftp",
        "--check",
        &url,
        "--cacert",
        ca.to_str().unwrap(),
        "--json",
    ]);
    let v = json(&out);
    assert_eq!(code(&out), 0, "{v}");
    assert_eq!(
        phase_names(&v),
        ["connect", "tls", "greeting", "request", "quit"]
    );
}

#[test]
fn nntp_check_asks_for_the_date_or_the_group_the_url_names() {
    let ca = TestCa::new();
    let inn = Inn::start(&ca);
    let url = format!("nntp://127.0.0.1:{}", inn.port());
    let out = netkit(&["nntp", "--check", &url, "-v", "--tls", "none"]);
    assert_ok_line(&out, &["connect", "greeting", "request", "quit"]);
    assert!(stdout(&out).contains(" 200 "), "{}", stdout(&out));
    assert!(stderr(&out).contains("> DATE"), "{}", stderr(&out));
    // A group in the URL is what the probe asks for, as its request phase.
    let group = format!("{url}/local.test");
    let out = netkit(&["nntp", "--check", &group, "-v", "--tls", "none", "--json"]);
    let v = json(&out);
    assert_eq!(code(&out), 0, "{v}\n{}", stderr(&out));
    assert_eq!(phase_names(&v), ["connect", "greeting", "request", "quit"]);
    let sent = stderr(&out);
    assert!(
        sent.contains("> GROUP local.test") && sent.contains("< 211 ") && !sent.contains("> DATE"),
        "{sent}"
    );
    let out = netkit(&[
        "nntp",
        "--check",
        &group,
        "--expect",
        "local.test",
        "--tls",
        "none",
    ]);
    assert_ok_line(&out, &["request"]);
    // No such group: refused (411) in the request phase; CRITICAL for a monitor.
    let missing = format!("{url}/local.no-such-group");
    let out = netkit(&["nntp", "--check", &missing, "--tls", "none", "--json"]);
    let v = json(&out);
    assert_eq!(code(&out), 1, "{v}\n{}", stderr(&out));
    assert_eq!(v["error"]["phase"], "request", "{v}");
    assert_eq!(v["error"]["kind"], "refused", "{v}");
    assert!(
        v["error"]["message"]
            .as_str()
            .is_some_and(|m| m.contains("GROUP local.no-such-group") && m.contains("411")),
        "{v}"
    );
    let out = netkit(&["nntp", "--check", &missing, "--tls", "none"]);
    assert_eq!(code(&out), 1, "{}{}", stdout(&out), stderr(&out));
    assert!(
        stdout(&out).starts_with("FAIL ") && stdout(&out).contains(" - request failed: "),
        "{}",
        stdout(&out)
    );
    let out = netkit(&["nntp", "--check", &missing, "--tls", "none", "--nagios"]);
    assert_eq!(code(&out), 2, "{}", stdout(&out));
    assert!(
        stdout(&out).starts_with("NNTP CRITICAL - "),
        "{}",
        stdout(&out)
    );
}

#[test]
fn gopher_check_reads_the_root_menu_and_fails_on_an_error_item() {
    let g = Gophernicus::start();
    let out = netkit(&["gopher", "--check", &g.url("/")]);
    assert_ok_line(&out, &["connect", "request"]);
    let out = netkit(&["gopher", "--check", &g.url("/1/no-such-dir"), "--nagios"]);
    assert_eq!(code(&out), 2, "{}", stdout(&out));
    assert!(
        stdout(&out).starts_with("GOPHER CRITICAL - "),
        "{}",
        stdout(&out)
    );
    let out = netkit(&["fetch", "--check", &g.url("/")]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
}

#[test]
fn telnet_check_reads_the_banner_and_matches_expect() {
    let d = Telnetd::start(Kind::Busybox);
    let target = format!("telnet://127.0.0.1:{}", d.port());
    let out = netkit(&["telnet", "--check", &target, "--json"]);
    let v = json(&out);
    assert_eq!(code(&out), 0, "{v}");
    assert_eq!(phase_names(&v), ["connect", "greeting", "quit"]);
    let out = netkit(&["telnet", "--check", &target, "--expect", "[Ll]ogin:"]);
    assert_ok_line(&out, &["greeting"]);
    let out = netkit(&[
        "telnet",
        "--check",
        &target,
        "--expect",
        "^no such banner$",
        "-t",
        "1",
    ]);
    assert_eq!(code(&out), 10, "{}{}", stdout(&out), stderr(&out));
}
