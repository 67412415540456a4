//! chronyd (Debian package `chrony`) as an NTP server on 127.0.0.1 at a port the harness
//! picks (PEERS.md "chrony"): `chronyd -d -x` (foreground, never touches the clock) with
//! `local stratum 8`, so it answers at once with stratum 8 and refid 7F7F0101 (127.127.1.1).
//! No command port and no command socket, so instances cannot collide.

use std::fs;
use std::process::Command;

use super::peer::{Peer, Readiness, StateDir, require_binary};

pub struct Chrony {
    peer: Peer,
}

impl Chrony {
    pub fn start() -> Chrony {
        let bin = require_binary("/usr/sbin/chronyd", "chrony");
        let peer = Peer::start(
            "chronyd",
            StateDir::new("chrony"),
            move |port, state| {
                let conf = state.join("chrony.conf");
                let text = format!(
                    "port {port}\nbindaddress 127.0.0.1\nallow 127.0.0.1\nlocal stratum 8\n\
                     cmdport 0\nbindcmdaddress /\npidfile {}\n",
                    state.join("chronyd.pid").display()
                );
                fs::write(&conf, text).expect("write chrony.conf");
                let mut cmd = Command::new(&bin);
                // -u root: no privilege drop, so the state dir needs no chown.
                cmd.args(["-d", "-x", "-u", "root", "-f"]).arg(&conf);
                cmd
            },
            |port| Readiness {
                udp: vec![port],
                ..Readiness::default()
            },
        );
        Chrony { peer }
    }

    pub fn port(&self) -> u16 {
        self.peer.port()
    }

    pub fn logs(&self) -> String {
        self.peer.logs()
    }
}
