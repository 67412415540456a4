//! Real telnet servers on 127.0.0.1 at a port the harness picks (PEERS.md "xinetd,
//! gophernicus, telnetd"): busybox telnetd (package `busybox-static`: Debian's `busybox`
//! has no telnetd applet), which sends `DO ECHO, DO NAWS, WILL ECHO, WILL SGA`; and
//! inetutils telnetd under xinetd (rich negotiation: TTYPE, NAWS, BINARY, LINEMODE…).
//! Both run a fake login (a script, not a shell): `login: `, `Password: ` (echo off), then
//! the commands `echo TEXT`, `term`, `size` (the pty's rows and columns, i.e. NAWS), `quit`.

use std::fs;
use std::net::SocketAddr;
use std::os::unix::fs::PermissionsExt;
use std::process::Command;

use super::peer::{Peer, Readiness, StateDir, require_binary};

pub const USER: &str = "nkuser";
pub const PASS: &str = "s3cret-telnet";

/// BINARY + CR LF reaches the pty raw and its icrnl makes two line ends (PEERS.md): empty
/// lines are skipped where a value is read.
const LOGIN: &str = r#"#!/bin/sh
read_value() { v=; while [ -z "$v" ]; do IFS= read -r v || exit 1; v=$(printf '%s' "$v" | tr -d '\r'); done; }
printf 'login: '
read_value; user=$v
printf 'Password: '
stty -echo 2>/dev/null
read_value; pass=$v
stty echo 2>/dev/null
echo
if [ "$user" != "nkuser" ] || [ "$pass" != "s3cret-telnet" ]; then echo "Login incorrect"; exit 1; fi
echo "Welcome $user"
while printf '$ ' && IFS= read -r line; do
  line=$(printf '%s' "$line" | tr -d '\r')
  cmd=${line%% *}; arg=${line#* }
  case "$cmd" in
    echo) echo "$arg";;
    term) echo "TERM=$TERM";;
    size) echo "size $(stty size)";;
    quit) echo bye; exit 0;;
    "") ;;
    *) echo "unknown: $cmd";;
  esac
done
"#;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Busybox,
    Inetutils,
}

pub struct Telnetd {
    peer: Peer,
}

fn write_login(state: &StateDir) -> std::path::PathBuf {
    let login = state.join("login.sh");
    fs::write(&login, LOGIN).expect("write login");
    fs::set_permissions(&login, fs::Permissions::from_mode(0o755)).expect("chmod login");
    login
}

impl Telnetd {
    pub fn start(kind: Kind) -> Telnetd {
        let peer = match kind {
            Kind::Busybox => {
                let bin = require_binary("/bin/busybox", "busybox-static");
                let has = Command::new(&bin).arg("telnetd").arg("--help").output();
                assert!(
                    has.is_ok_and(|o| String::from_utf8_lossy(&o.stderr).contains("telnetd")),
                    "busybox has no telnetd applet: install busybox-static"
                );
                Peer::start(
                    "busybox-telnetd",
                    StateDir::new("bbtelnetd"),
                    move |port, state| {
                        let login = write_login(state);
                        let issue = state.join("issue");
                        fs::write(&issue, "netkit test\n").expect("issue");
                        let mut cmd = Command::new(&bin);
                        cmd.arg("telnetd")
                            .arg("-F")
                            .arg("-b")
                            .arg(format!("127.0.0.1:{port}"))
                            .arg("-f")
                            .arg(&issue)
                            .arg("-l")
                            .arg(&login);
                        cmd
                    },
                    |port| Readiness {
                        tcp: vec![SocketAddr::from(([127, 0, 0, 1], port))],
                        ..Readiness::default()
                    },
                )
            }
            Kind::Inetutils => {
                let telnetd = require_binary("/usr/sbin/telnetd", "inetutils-telnetd");
                let xinetd = require_binary("/usr/sbin/xinetd", "xinetd");
                Peer::start(
                    "inetutils-telnetd",
                    StateDir::new("itelnetd"),
                    move |port, state| {
                        let login = write_login(state);
                        let conf = state.join("xinetd.conf");
                        fs::write(
                            &conf,
                            format!(
                                "defaults\n{{\n  log_type = FILE {log}\n  only_from = 127.0.0.1\n  \
                                 per_source = UNLIMITED\n  instances = UNLIMITED\n  cps = 10000 1\n}}\n\
                                 service netkit-telnet\n{{\n  type = UNLISTED\n  socket_type = stream\n  \
                                 protocol = tcp\n  port = {port}\n  bind = 127.0.0.1\n  wait = no\n  \
                                 user = root\n  server = {server}\n  server_args = -h -E {login}\n}}\n",
                                log = state.log_dir().join("xinetd.log").display(),
                                server = telnetd.display(),
                                login = login.display(),
                            ),
                        )
                        .expect("write xinetd.conf");
                        let mut cmd = Command::new(&xinetd);
                        cmd.args(["-dontfork", "-stayalive", "-f"])
                            .arg(&conf)
                            .arg("-pidfile")
                            .arg(state.join("xinetd.pid"));
                        cmd
                    },
                    |port| Readiness {
                        tcp: vec![SocketAddr::from(([127, 0, 0, 1], port))],
                        ..Readiness::default()
                    },
                )
            }
        };
        Telnetd { peer }
    }

    pub fn port(&self) -> u16 {
        self.peer.port()
    }

    pub fn logs(&self) -> String {
        self.peer.logs()
    }
}
