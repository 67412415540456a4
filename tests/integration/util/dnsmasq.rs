//! dnsmasq (Debian package `dnsmasq-base`, or `dnsmasq`) as an authoritative test server for
//! `netkit.test` on 127.0.0.1 and ::1, UDP and TCP, on a port the harness picks (PEERS.md).
//!
//! Zone content ([`Dnsmasq::start`]):
//! | name | records |
//! |---|---|
//! | `www.netkit.test` | A 127.0.0.1, AAAA ::1 (and the PTRs 1.0.0.127.in-addr.arpa, ::1's ip6.arpa) |
//! | `alias.netkit.test` | CNAME www.netkit.test |
//! | `netkit.test` | MX 10 mail.netkit.test |
//! | `mail.netkit.test` | A 127.0.0.25 (and its PTR) |
//! | `txt.netkit.test` | TXT "v=netkit1" "hello world" |
//! | `multi.netkit.test` | A 127.0.0.2, A 127.0.0.3 |
//! | `five.netkit.test` | PTR from 5.0.0.127.in-addr.arpa |
//! | `big.netkit.test` | six TXT records of two 250-byte strings: ~3 KB, truncated over UDP even with EDNS 1232 |
//! | any other `*.netkit.test` | NXDOMAIN |
//! | anything outside | REFUSED (no upstream: `no-resolv`) |
//!
//! All TTLs are 60 (`local-ttl`). Queries are logged (`log-queries=extra`) to
//! `$STATE/log/dnsmasq.log`; dnsmasq forks a child per TCP connection, so TCP queries are
//! logged under another `dnsmasq[PID]` than UDP ones.

use std::fs;
use std::os::unix::fs::chown;
use std::process::Command;

use super::peer::{Peer, Readiness, StateDir, require_binary};

/// The zone dnsmasq serves.
pub const ZONE: &str = "netkit.test";

/// A running dnsmasq; stopped when dropped.
pub struct Dnsmasq {
    peer: Peer,
}

/// The uid dnsmasq drops to (`nobody`), so the log file can be handed to it.
fn nobody_uid() -> Option<u32> {
    let passwd = fs::read_to_string("/etc/passwd").ok()?;
    passwd
        .lines()
        .find(|l| l.starts_with("nobody:"))
        .and_then(|l| l.split(':').nth(2))
        .and_then(|uid| uid.parse().ok())
}

fn config(port: u16, state: &StateDir) -> String {
    let log = state.log_dir().join("dnsmasq.log");
    let mut conf = format!(
        "port={port}\n\
         listen-address=127.0.0.1,::1\n\
         bind-interfaces\n\
         no-resolv\n\
         no-hosts\n\
         no-negcache\n\
         local-ttl=60\n\
         log-queries=extra\n\
         log-facility={}\n\
         pid-file=\n\
         local=/{ZONE}/\n\
         host-record=www.{ZONE},127.0.0.1,::1\n\
         host-record=mail.{ZONE},127.0.0.25\n\
         cname=alias.{ZONE},www.{ZONE}\n\
         mx-host={ZONE},mail.{ZONE},10\n\
         srv-host=_imap._tcp.{ZONE},mail.{ZONE},143,5,0\n\
         txt-record=txt.{ZONE},\"v=netkit1\",\"hello world\"\n\
         address=/multi.{ZONE}/127.0.0.2\n\
         address=/multi.{ZONE}/127.0.0.3\n\
         ptr-record=5.0.0.127.in-addr.arpa,five.{ZONE}\n",
        log.display()
    );
    // dnsmasq caps config lines near 1 KiB: one line per record, two strings each.
    for c in 'a'..='f' {
        let lower = c.to_string().repeat(250);
        let upper = c.to_ascii_uppercase().to_string().repeat(250);
        conf.push_str(&format!("txt-record=big.{ZONE},\"{lower}\",\"{upper}\"\n"));
    }
    conf
}

impl Dnsmasq {
    /// Starts a private dnsmasq; panics with its log when it cannot.
    pub fn start() -> Dnsmasq {
        let bin = require_binary("/usr/sbin/dnsmasq", "dnsmasq-base");
        let peer = Peer::start(
            "dnsmasq",
            StateDir::new("dnsmasq"),
            move |port, state| {
                let conf = state.join("dnsmasq.conf");
                fs::write(&conf, config(port, state)).expect("write dnsmasq.conf");
                let log = state.log_dir().join("dnsmasq.log");
                fs::write(&log, b"").expect("create dnsmasq.log");
                // As root dnsmasq drops to nobody and must still append to its log.
                if let Some(uid) = nobody_uid() {
                    let _ = chown(&log, Some(uid), None);
                }
                let mut cmd = Command::new(&bin);
                cmd.arg("-k").arg("-C").arg(&conf);
                cmd
            },
            Readiness::tcp_udp_loopback,
        );
        Dnsmasq { peer }
    }

    pub fn port(&self) -> u16 {
        self.peer.port()
    }

    /// `127.0.0.1:PORT`, the `--dns` argument.
    pub fn server(&self) -> String {
        format!("127.0.0.1:{}", self.port())
    }

    /// `[::1]:PORT`.
    pub fn server_v6(&self) -> String {
        format!("[::1]:{}", self.port())
    }

    /// dnsmasq's query log so far.
    pub fn query_log(&self) -> String {
        fs::read_to_string(self.peer.state().log_dir().join("dnsmasq.log")).unwrap_or_default()
    }

    /// Every log, for assertion messages.
    pub fn logs(&self) -> String {
        self.peer.logs()
    }

    pub fn peer(&mut self) -> &mut Peer {
        &mut self.peer
    }
}
