//! xinetd (Debian package `xinetd`) on 127.0.0.1 at a port the harness picks, serving one
//! protocol over TCP and UDP twins (PEERS.md "xinetd"): either its INTERNAL `daytime`/`time`
//! services (daytime is `24 NOV 2026 18:33:42 UTC\r\n`, not ctime), or netkit itself in
//! `timeserver --inetd` mode (TCP `wait = no`, UDP `wait = yes`).

use std::fs;
use std::net::SocketAddr;
use std::process::Command;

use super::netkit_path;
use super::peer::{Peer, Readiness, StateDir, require_binary};

/// A running xinetd; stopped when dropped.
pub struct Xinetd {
    peer: Peer,
}

/// What xinetd runs for the service.
#[derive(Debug, Clone, Copy)]
pub enum Service {
    /// xinetd's built-in `daytime` or `time`.
    Internal(&'static str),
    /// `netkit timeserver --inetd --proto PROTO` per request.
    Netkit(&'static str),
}

fn service_block(service: Service, port: u16, stream: bool) -> String {
    let (socket_type, protocol, wait) = if stream {
        ("stream", "tcp", "no")
    } else {
        ("dgram", "udp", "yes")
    };
    match service {
        Service::Internal(name) => format!(
            "service {name}\n{{\n  id = {name}-{socket_type}\n  type = INTERNAL UNLISTED\n  \
             socket_type = {socket_type}\n  protocol = {protocol}\n  port = {port}\n  \
             bind = 127.0.0.1\n  wait = {wait}\n  user = root\n}}\n"
        ),
        Service::Netkit(proto) => format!(
            "service netkit-{proto}\n{{\n  id = netkit-{proto}-{socket_type}\n  type = UNLISTED\n  \
             socket_type = {socket_type}\n  protocol = {protocol}\n  port = {port}\n  \
             bind = 127.0.0.1\n  wait = {wait}\n  user = root\n  server = {}\n  \
             server_args = timeserver --inetd --proto {proto} --log off\n}}\n",
            netkit_path().display()
        ),
    }
}

pub fn config(service: Service, port: u16, state: &StateDir) -> String {
    format!(
        "defaults\n{{\n  log_type = FILE {}\n  only_from = 127.0.0.1\n  per_source = UNLIMITED\n  \
         instances = UNLIMITED\n  cps = 10000 1\n}}\n{}{}",
        state.log_dir().join("xinetd.log").display(),
        service_block(service, port, true),
        service_block(service, port, false)
    )
}

impl Xinetd {
    pub fn start(service: Service) -> Xinetd {
        let bin = require_binary("/usr/sbin/xinetd", "xinetd");
        let peer = Peer::start(
            "xinetd",
            StateDir::new("xinetd"),
            move |port, state| {
                let conf = state.join("xinetd.conf");
                fs::write(&conf, config(service, port, state)).expect("write xinetd.conf");
                let mut cmd = Command::new(&bin);
                cmd.args(["-dontfork", "-stayalive", "-f"])
                    .arg(&conf)
                    .arg("-pidfile")
                    .arg(state.join("xinetd.pid"));
                cmd
            },
            |port| Readiness {
                tcp: vec![SocketAddr::from(([127, 0, 0, 1], port))],
                udp: vec![port],
                timeout: None,
            },
        );
        Xinetd { peer }
    }

    pub fn port(&self) -> u16 {
        self.peer.port()
    }

    pub fn logs(&self) -> String {
        self.peer.logs()
    }
}
