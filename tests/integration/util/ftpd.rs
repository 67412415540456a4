//! Real FTP servers on 127.0.0.1 at ports the harness picks (PEERS.md "vsftpd",
//! pyftpdlib): vsftpd with an anonymous read-only area, plain + explicit AUTH TLS with
//! `require_ssl_reuse=YES`, or implicit TLS; pyftpdlib with a read-write user whose password
//! is hostile to quoting, MLSD and MFMT. Both serve a docroot the test fills.

use std::fs;
use std::net::{Ipv6Addr, SocketAddr};
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::Command;

use super::ca::TestCa;
use super::peer::{Peer, Readiness, StateDir, free_port, require_binary};

/// The pyftpdlib user's password: quotes, URL delimiters, a percent sign, a space.
pub const PASSWORD: &str = "p@ss:w/rd \"q\" %25;#";
pub const USER: &str = "nkftp";

/// A passive port range unlikely to meet another instance's: 40 ports from a free one.
fn pasv_range() -> (u16, u16) {
    let p = free_port().clamp(20_000, 65_000);
    (p, p + 40)
}

/// TCP on [::1] or 127.0.0.1 at `port`.
fn ready_on(ipv6: bool, port: u16) -> Readiness {
    if ipv6 {
        Readiness {
            tcp: vec![SocketAddr::from((Ipv6Addr::LOCALHOST, port))],
            ..Readiness::default()
        }
    } else {
        Readiness::tcp_v4(port)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VsftpdMode {
    /// Plain, AUTH TLS offered (data TLS must resume the control session).
    Explicit,
    /// TLS from the first byte (ftps://).
    Implicit,
}

/// A running vsftpd; stopped when dropped.
pub struct Vsftpd {
    peer: Peer,
    ca: TestCa,
    anon: PathBuf,
}

/// What a test changes in the vsftpd set-up.
#[derive(Debug, Clone, Default)]
pub struct VsftpdOptions {
    /// Listen on [::1] instead of 127.0.0.1 (`listen_ipv6=YES`).
    pub ipv6: bool,
    /// More `KEY=VALUE` lines; a key given twice takes the later value.
    pub extra: Vec<String>,
}

impl Vsftpd {
    /// vsftpd in `mode`; `fill(anon_root)` creates the fixtures before it starts.
    pub fn start(mode: VsftpdMode, fill: impl Fn(&Path)) -> Vsftpd {
        Vsftpd::start_with(mode, VsftpdOptions::default(), fill)
    }

    /// [`Vsftpd::start`] with `opts`.
    pub fn start_with(mode: VsftpdMode, opts: VsftpdOptions, fill: impl Fn(&Path)) -> Vsftpd {
        let bin = require_binary("/usr/sbin/vsftpd", "vsftpd");
        let ca = TestCa::new();
        let state = StateDir::new("vsftpd");
        let anon = state.join("anon");
        let empty = state.join("empty");
        fs::create_dir_all(&anon).expect("anon root");
        fs::create_dir_all(&empty).expect("secure_chroot_dir");
        fill(&anon);
        // vsftpd refuses a writable anonymous root; the tree is read-only for ftp.
        for dir in [&anon, &empty] {
            fs::set_permissions(dir, fs::Permissions::from_mode(0o755)).expect("chmod");
        }
        let cert = ca.cert(super::ca::CertKind::Good);
        let (lo, hi) = pasv_range();
        let implicit = mode == VsftpdMode::Implicit;
        let ipv6 = opts.ipv6;
        let peer = Peer::start(
            "vsftpd",
            state,
            move |port, state| {
                let conf = state.join("vsftpd.conf");
                let listen = if opts.ipv6 {
                    ["listen=NO", "listen_ipv6=YES", "listen_address6=::1"]
                } else {
                    ["listen=YES", "listen_ipv6=NO", "listen_address=127.0.0.1"]
                };
                let mut lines: Vec<String> = listen.iter().map(|l| (*l).to_owned()).collect();
                lines.extend([
                    format!("listen_port={port}"),
                    "background=NO".to_owned(),
                    "anonymous_enable=YES".to_owned(),
                    format!("anon_root={}", state.join("anon").display()),
                    "no_anon_password=YES".to_owned(),
                    "local_enable=NO".to_owned(),
                    format!("secure_chroot_dir={}", state.join("empty").display()),
                    format!("pasv_min_port={lo}"),
                    format!("pasv_max_port={hi}"),
                    "pasv_address=127.0.0.1".to_owned(),
                    "connect_from_port_20=NO".to_owned(),
                    "port_enable=YES".to_owned(),
                    "seccomp_sandbox=NO".to_owned(),
                    "isolate=NO".to_owned(),
                    "isolate_network=NO".to_owned(),
                    "utf8_filesystem=YES".to_owned(),
                    "use_localtime=NO".to_owned(),
                    "delay_failed_login=0".to_owned(),
                    "ssl_enable=YES".to_owned(),
                    "allow_anon_ssl=YES".to_owned(),
                    "force_anon_logins_ssl=NO".to_owned(),
                    "force_anon_data_ssl=NO".to_owned(),
                    format!("rsa_cert_file={}", cert.cert.display()),
                    format!("rsa_private_key_file={}", cert.key.display()),
                    "require_ssl_reuse=YES".to_owned(),
                    "ssl_ciphers=HIGH".to_owned(),
                    format!("implicit_ssl={}", if implicit { "YES" } else { "NO" }),
                    "log_ftp_protocol=YES".to_owned(),
                    "xferlog_enable=YES".to_owned(),
                    "vsftpd_log_file=".to_owned()
                        + &state.log_dir().join("vsftpd.log").display().to_string(),
                ]);
                lines.extend(opts.extra.iter().cloned());
                fs::write(&conf, lines.join("\n") + "\n").expect("write vsftpd.conf");
                fs::set_permissions(&conf, fs::Permissions::from_mode(0o600)).expect("chmod conf");
                let mut cmd = Command::new(&bin);
                cmd.arg(&conf);
                cmd
            },
            move |port| ready_on(ipv6, port),
        );
        Vsftpd { peer, ca, anon }
    }

    pub fn port(&self) -> u16 {
        self.peer.port()
    }

    pub fn ca_pem(&self) -> PathBuf {
        self.ca.ca_pem()
    }

    pub fn anon_root(&self) -> &Path {
        &self.anon
    }

    pub fn logs(&self) -> String {
        self.peer.logs()
    }
}

/// A running pyftpdlib with the [`USER`] account; stopped when dropped.
pub struct Pyftpd {
    peer: Peer,
    home: PathBuf,
    ipv6: bool,
}

impl Pyftpd {
    pub fn start(fill: impl Fn(&Path)) -> Pyftpd {
        Pyftpd::start_on(false, fill)
    }

    /// On [::1] when `ipv6`, else 127.0.0.1.
    pub fn start_on(ipv6: bool, fill: impl Fn(&Path)) -> Pyftpd {
        let python = require_binary("/usr/bin/python3", "python3-pyftpdlib");
        let state = StateDir::new("pyftpd");
        let home = state.join("home");
        fs::create_dir_all(&home).expect("home");
        fill(&home);
        let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/data/pyftpd.py");
        let (lo, hi) = pasv_range();
        let peer = Peer::start(
            "pyftpd",
            state,
            move |port, state| {
                let mut cmd = Command::new(&python);
                cmd.arg(&script)
                    .arg(port.to_string())
                    .arg(state.join("home"))
                    .arg(format!("{lo}-{hi}"))
                    .env("NK_FTP_USER", USER)
                    .env("NK_FTP_PASSWORD", PASSWORD)
                    .env("NK_FTP_HOST", if ipv6 { "::1" } else { "127.0.0.1" });
                cmd
            },
            move |port| ready_on(ipv6, port),
        );
        Pyftpd { peer, home, ipv6 }
    }

    pub fn port(&self) -> u16 {
        self.peer.port()
    }

    pub fn home(&self) -> &Path {
        &self.home
    }

    /// `ftp://USER:PASSWORD@127.0.0.1:PORT/` with the password percent-encoded.
    pub fn user_url(&self, path: &str) -> String {
        let enc: String = PASSWORD
            .bytes()
            .map(|b| {
                if b.is_ascii_alphanumeric() {
                    (b as char).to_string()
                } else {
                    format!("%{b:02X}")
                }
            })
            .collect();
        let host = if self.ipv6 { "[::1]" } else { "127.0.0.1" };
        format!("ftp://{USER}:{enc}@{host}:{}/{path}", self.port())
    }

    pub fn logs(&self) -> String {
        self.peer.logs()
    }
}
