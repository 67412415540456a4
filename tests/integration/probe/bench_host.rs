//! bench/probe.sh's server host: the harness's real servers, started once, their ports and
//! CA files written to `$NETKIT_BENCH_PORTS` as `KEY=VALUE` lines, kept running until the
//! script removes that file (30 minutes at most). In the suite (no `$NETKIT_BENCH_PORTS`) it
//! checks instead that every server the benchmark uses starts and accepts a connection, so the
//! benchmark's host cannot rot unnoticed.

use std::fmt::Write as _;
use std::time::{Duration, Instant};

use crate::util::ca::TestCa;
use crate::util::chrony::Chrony;
use crate::util::ftpd::{Vsftpd, VsftpdMode};
use crate::util::gophernicus::Gophernicus;
use crate::util::inn::Inn;
use crate::util::nginx::Nginx;
use crate::util::postfix::MailStack;
use crate::util::telnetd::{Kind, Telnetd};
use crate::util::xinetd::{Service, Xinetd};

#[test]
fn bench_probe_servers() {
    let held = std::env::var("NETKIT_BENCH_PORTS").ok();
    let stack = MailStack::start();
    let ftpd = Vsftpd::start(VsftpdMode::Explicit, |_| {});
    let news_ca = TestCa::new();
    let inn = Inn::start(&news_ca);
    let nginx = Nginx::start();
    nginx.add_file("probe.txt", b"up\n");
    let time = Xinetd::start(Service::Internal("time"));
    let chrony = Chrony::start();
    let gopher = Gophernicus::start();
    let telnetd = Telnetd::start(Kind::Busybox);
    let mut out = String::new();
    let ca = stack.ca.ca_pem();
    for (k, v) in [
        ("SMTP", stack.postfix.relay_port().to_string()),
        ("POP3", stack.dovecot.pop3_port().to_string()),
        ("IMAP", stack.dovecot.imap_port().to_string()),
        ("IMAPS", stack.dovecot.imaps_port().to_string()),
        ("MAIL_CA", ca.display().to_string()),
        ("FTP", ftpd.port().to_string()),
        ("NNTP", inn.port().to_string()),
        ("HTTP", nginx.port().to_string()),
        ("HTTPS", nginx.tls_port().to_string()),
        ("HTTP_CA", nginx.ca_pem().display().to_string()),
        ("TIME", time.port().to_string()),
        ("NTP", chrony.port().to_string()),
        ("GOPHER", gopher.port().to_string()),
        ("TELNET", telnetd.port().to_string()),
    ] {
        let _ = writeln!(out, "{k}={v}");
    }
    let Some(path) = held else {
        // NTP is UDP: chrony's own tests cover it.
        for line in out
            .lines()
            .filter(|l| !l.contains("_CA=") && !l.starts_with("NTP="))
        {
            let (key, port) = line.split_once('=').expect("KEY=VALUE");
            let addr = std::net::SocketAddr::from(([127, 0, 0, 1], port.parse().expect("port")));
            assert!(
                std::net::TcpStream::connect_timeout(&addr, Duration::from_secs(5)).is_ok(),
                "{key} on {addr} does not accept a connection"
            );
        }
        return;
    };
    let tmp = format!("{path}.tmp");
    std::fs::write(&tmp, out).expect("write ports");
    std::fs::rename(&tmp, &path).expect("publish ports");
    let until = Instant::now() + Duration::from_secs(1800);
    while std::path::Path::new(&path).exists() && Instant::now() < until {
        std::thread::sleep(Duration::from_millis(200));
    }
}
