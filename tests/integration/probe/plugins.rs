//! The same verdicts as monitoring-plugins (Debian's monitoring-plugins-basic and -standard,
//! installed by scripts/test): on each real server and each failure case, `netkit … --check
//! --nagios` and the matching check_* plugin must both exit OK (0), WARNING (1) or CRITICAL
//! (2). Where a case also has a SPEC §5 code (5 stalled, 4 refused, 7 bad password, 10
//! expiring certificate, 6 expired or wrong-name certificate), netkit's plain `--check` is
//! asserted too.

use std::path::Path;
use std::process::{Command, Output};
use std::time::Duration;

use super::certs::{Validity, issue};
use super::{nkuser1, with_password};
use crate::util::ca::TestCa;
use crate::util::chrony::Chrony;
use crate::util::ftpd::{Vsftpd, VsftpdMode};
use crate::util::gophernicus::Gophernicus;
use crate::util::inn::Inn;
use crate::util::nginx::Nginx;
use crate::util::peer::free_port;
use crate::util::postfix::MailStack;
use crate::util::script::{ScriptOptions, ScriptedPeer, Step};
use crate::util::telnetd::{Kind, Telnetd};
use crate::util::xinetd::{Service, Xinetd};
use crate::util::{code, netkit, stderr, stdout};

const PLUGINS: &str = "/usr/lib/nagios/plugins";

/// Runs `/usr/lib/nagios/plugins/NAME ARGS…`. A missing plugin fails the test: scripts/test
/// installs them.
fn plugin(name: &str, args: &[&str]) -> Output {
    let path = Path::new(PLUGINS).join(name);
    assert!(
        path.exists(),
        "{} is missing: apt-get install monitoring-plugins-basic monitoring-plugins-standard",
        path.display()
    );
    Command::new(&path)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("run {}: {e}", path.display()))
}

/// Both said `expected` (0 OK, 1 WARNING, 2 CRITICAL).
fn same_verdict(case: &str, ours: &Output, theirs: &Output, expected: i32) {
    assert_eq!(
        (code(ours), code(theirs)),
        (expected, expected),
        "{case}\nnetkit: {}{}\nplugin: {}{}",
        stdout(ours),
        stderr(ours),
        stdout(theirs),
        stderr(theirs)
    );
    let word = ["OK", "WARNING", "CRITICAL"][usize::try_from(expected).unwrap_or(2)];
    assert!(
        stdout(ours).contains(&format!(" {word} - ")),
        "{case}: {}",
        stdout(ours)
    );
    assert!(stdout(ours).contains("|time="), "{case}: {}", stdout(ours));
}

fn nagios(args: &[&str]) -> Output {
    let mut all = args.to_vec();
    all.push("--nagios");
    netkit(&all)
}

#[test]
fn mail_services_agree_with_check_smtp_pop_imap() {
    let stack = MailStack::start();
    let ca = stack.ca.ca_pem();
    let ca = ca.to_str().unwrap();
    let (p, d) = (&stack.postfix, &stack.dovecot);
    let port = |n: u16| n.to_string();

    let relay = port(p.relay_port());
    let ours = nagios(&[
        "smtp-send",
        "--check",
        &format!("127.0.0.1:{relay}"),
        "--cacert",
        ca,
    ]);
    let theirs = plugin("check_smtp", &["-H", "127.0.0.1", "-p", &relay]);
    same_verdict("smtp", &ours, &theirs, 0);
    let ours = nagios(&[
        "smtp-send",
        "--check",
        &format!("127.0.0.1:{relay}"),
        "--cacert",
        ca,
        "--cert-days",
        "7",
    ]);
    let theirs = plugin(
        "check_smtp",
        &["-H", "127.0.0.1", "-p", &relay, "-S", "-D", "7,7"],
    );
    same_verdict("smtp STARTTLS, certificate 30 days", &ours, &theirs, 0);

    let (user, pass) = nkuser1();
    let sub = port(p.submission_port());
    let url = format!("smtp://127.0.0.1:{sub}");
    let args = [
        "smtp-send",
        "--check",
        &url,
        "--cacert",
        ca,
        "-u",
        user,
        "--nagios",
    ];
    let theirs_args = |pw: &'static str| {
        vec![
            "-H",
            "127.0.0.1",
            "-p",
            sub.as_str(),
            "-S",
            "-A",
            "LOGIN",
            "-U",
            user,
            "-P",
            pw,
        ]
    };
    let ours = with_password(&args, pass);
    same_verdict(
        "smtp AUTH",
        &ours,
        &plugin("check_smtp", &theirs_args(pass)),
        0,
    );
    let ours = with_password(&args, "wrong-password");
    let theirs = plugin("check_smtp", &theirs_args("wrong-password"));
    same_verdict("smtp AUTH, wrong password", &ours, &theirs, 2);
    let plain = with_password(&args[..args.len() - 1], "wrong-password");
    assert_eq!(code(&plain), 7, "{}", stdout(&plain));

    for (cmd, scheme, n, check, extra) in [
        ("pop", "pop3", d.pop3_port(), "check_pop", &[][..]),
        (
            "pop",
            "pop3s",
            d.pop3s_port(),
            "check_spop",
            &["-D", "7,7"][..],
        ),
        ("imap", "imap", d.imap_port(), "check_imap", &[][..]),
        (
            "imap",
            "imaps",
            d.imaps_port(),
            "check_simap",
            &["-D", "7,7"][..],
        ),
    ] {
        let url = format!("{scheme}://127.0.0.1:{n}");
        let mut ours = vec![cmd, "--check", &url, "--cacert", ca];
        if !extra.is_empty() {
            ours.extend(["--cert-days", "7"]);
        }
        let n = n.to_string();
        let mut theirs = vec!["-H", "127.0.0.1", "-p", &n];
        theirs.extend_from_slice(extra);
        same_verdict(&url, &nagios(&ours), &plugin(check, &theirs), 0);
    }
}

#[test]
fn ftp_nntp_gopher_telnet_agree_with_check_ftp_nntp_tcp() {
    let ftpd = Vsftpd::start(VsftpdMode::Explicit, |_| {});
    let ca = ftpd.ca_pem();
    let n = ftpd.port().to_string();
    let ours = nagios(&[
        "ftp",
        "--check",
        &format!("ftp://127.0.0.1:{n}"),
        "--cacert",
        ca.to_str().unwrap(),
    ]);
    same_verdict(
        "ftp",
        &ours,
        &plugin("check_ftp", &["-H", "127.0.0.1", "-p", &n]),
        0,
    );

    let news_ca = TestCa::new();
    let inn = Inn::start(&news_ca);
    let n = inn.port().to_string();
    let ours = nagios(&[
        "nntp",
        "--check",
        &format!("nntp://127.0.0.1:{n}"),
        "--tls",
        "none",
    ]);
    same_verdict(
        "nntp",
        &ours,
        &plugin("check_nntp", &["-H", "127.0.0.1", "-p", &n]),
        0,
    );

    let g = Gophernicus::start();
    let n = g.port().to_string();
    let ours = nagios(&["gopher", "--check", &g.url("/")]);
    same_verdict(
        "gopher",
        &ours,
        &plugin("check_tcp", &["-H", "127.0.0.1", "-p", &n]),
        0,
    );

    let t = Telnetd::start(Kind::Busybox);
    let n = t.port().to_string();
    let ours = nagios(&["telnet", "--check", &format!("telnet://127.0.0.1:{n}")]);
    same_verdict(
        "telnet",
        &ours,
        &plugin("check_tcp", &["-H", "127.0.0.1", "-p", &n]),
        0,
    );
}

#[test]
fn http_and_time_agree_with_check_http_time_ntp_time() {
    let nginx = Nginx::start();
    nginx.add_file("probe.txt", b"up\n");
    let n = nginx.port().to_string();
    let ours = nagios(&["fetch", "--check", &nginx.url("/probe.txt")]);
    let theirs = plugin(
        "check_http",
        &["-H", "127.0.0.1", "-p", &n, "-u", "/probe.txt"],
    );
    same_verdict("http", &ours, &theirs, 0);
    let tls = nginx.tls_port().to_string();
    let ca = nginx.ca_pem();
    let url = format!("https://127.0.0.1:{tls}/probe.txt");
    let ours = nagios(&[
        "fetch",
        "--check",
        &url,
        "--cacert",
        ca.to_str().unwrap(),
        "--cert-days",
        "7",
    ]);
    let theirs = plugin(
        "check_http",
        &["-H", "127.0.0.1", "-p", &tls, "-S", "-C", "7,7"],
    );
    same_verdict("https, certificate 30 days", &ours, &theirs, 0);

    let x = Xinetd::start(Service::Internal("time"));
    let n = x.port().to_string();
    let ours = nagios(&[
        "timeclient",
        "--check",
        "--proto",
        "time",
        &format!("127.0.0.1:{n}"),
    ]);
    same_verdict(
        "time",
        &ours,
        &plugin("check_time", &["-H", "127.0.0.1", "-p", &n]),
        0,
    );

    let c = Chrony::start();
    let n = c.port().to_string();
    let ours = nagios(&["timeclient", "--check", &format!("ntp://127.0.0.1:{n}")]);
    let theirs = plugin("check_ntp_time", &["-H", "127.0.0.1", "-p", &n]);
    same_verdict("ntp", &ours, &theirs, 0);
}

#[test]
fn certificate_validity_agrees_with_check_http_and_check_curl() {
    for (validity, days, plain, verdict) in [
        (Validity::FiveDaysLeft, "7", 10, 2),
        (Validity::FiveDaysLeft, "3", 0, 0),
        (Validity::Expired, "7", 6, 2),
    ] {
        let issued = issue(validity);
        let nginx = Nginx::start_with_cert(Some(issued.leaf.clone()));
        nginx.add_file("probe.txt", b"up\n");
        let tls = nginx.tls_port().to_string();
        let url = format!("https://127.0.0.1:{tls}/probe.txt");
        let ca = issued.ca.to_str().unwrap();
        let args = [
            "fetch",
            "--check",
            &url,
            "--cacert",
            ca,
            "--cert-days",
            days,
        ];
        let case = format!("{validity:?}, --cert-days {days}");
        let out = netkit(&args);
        assert_eq!(
            code(&out),
            plain,
            "{case}: {}{}",
            stdout(&out),
            stderr(&out)
        );
        let both = format!("{days},{days}");
        let theirs = plugin(
            "check_http",
            &["-H", "127.0.0.1", "-p", &tls, "-S", "-C", &both],
        );
        same_verdict(&case, &nagios(&args), &theirs, verdict);
    }
    // check_http does not verify names; check_curl -D (verify the peer) does.
    let issued = issue(Validity::WrongName);
    let nginx = Nginx::start_with_cert(Some(issued.leaf.clone()));
    nginx.add_file("probe.txt", b"up\n");
    let tls = nginx.tls_port().to_string();
    let url = format!("https://127.0.0.1:{tls}/probe.txt");
    let ca = issued.ca.to_str().unwrap();
    let args = ["fetch", "--check", &url, "--cacert", ca];
    let out = netkit(&args);
    assert_eq!(code(&out), 6, "{}{}", stdout(&out), stderr(&out));
    let theirs = plugin(
        "check_curl",
        &[
            "-H",
            "127.0.0.1",
            "-p",
            &tls,
            "-S",
            "-D",
            "--ca-cert",
            ca,
            "-u",
            "/probe.txt",
        ],
    );
    same_verdict("wrong name", &nagios(&args), &theirs, 2);
}

#[test]
fn stalled_and_refused_servers_agree_with_check_smtp() {
    let peer = ScriptedPeer::start_with(
        vec![Step::Stall(Duration::from_secs(20))],
        ScriptOptions {
            connections: 3,
            ..ScriptOptions::default()
        },
    );
    let target = format!("127.0.0.1:{}", peer.port());
    let n = peer.port().to_string();
    let out = netkit(&["smtp-send", "--check", &target, "-t", "1"]);
    assert_eq!(code(&out), 5, "{}{}", stdout(&out), stderr(&out));
    let ours = nagios(&["smtp-send", "--check", &target, "-t", "1"]);
    let theirs = plugin("check_smtp", &["-H", "127.0.0.1", "-p", &n, "-t", "1"]);
    same_verdict("stalled", &ours, &theirs, 2);
    drop(peer);

    let closed = free_port();
    let target = format!("127.0.0.1:{closed}");
    let out = netkit(&["smtp-send", "--check", &target]);
    assert_eq!(code(&out), 4, "{}{}", stdout(&out), stderr(&out));
    let ours = nagios(&["smtp-send", "--check", &target]);
    let theirs = plugin(
        "check_smtp",
        &["-H", "127.0.0.1", "-p", &closed.to_string()],
    );
    same_verdict("refused", &ours, &theirs, 2);
}
