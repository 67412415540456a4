//! Gophernicus (Debian package `gophernicus`) under xinetd on 127.0.0.1 at a port the
//! harness picks (PEERS.md "xinetd, gophernicus, telnetd"). The gopher root holds a
//! `gophermap` (title, info lines, a text item, a directory, an `h` URL item, a type 7
//! search, a binary), a text file with dot lines (Gophernicus sends files as they are: no
//! stuffing, no final `.`), a 1 MiB binary of fixed pseudo-random bytes, and a CGI search
//! script in `/cgi-bin/` that answers with a menu naming `$SEARCHREQUEST`. The Debian build
//! has no TLS (`-T` needs OpenSSL): gophers:// is tested against scripted TLS peers.

use std::fs;
use std::net::SocketAddr;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::Command;

use super::peer::{Peer, Readiness, StateDir, require_binary};

pub const TEXT: &str = "Gopher on loopback\n.dot line\n..two dots\nlast line\n";
pub const BLOB_SIZE: usize = 1 << 20;

/// The binary's bytes: a fixed xorshift stream, so a test can compute its SHA-256.
pub fn blob() -> Vec<u8> {
    let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
    (0..BLOB_SIZE)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            (x >> 24) as u8
        })
        .collect()
}

const SEARCH: &str = "#!/bin/sh\n\
printf 'iYou searched for: %s\\t\\tnull.host\\t1\\r\\n' \"$SEARCHREQUEST\"\n\
printf '0Result about %s\\t/about.txt\\t127.0.0.1\\t%s\\r\\n' \"$SEARCHREQUEST\" \"$SERVER_PORT\"\n\
printf '.\\r\\n'\n";

fn write_root(root: &Path) {
    fs::create_dir_all(root.join("cgi-bin")).expect("cgi-bin");
    fs::create_dir_all(root.join("docs")).expect("docs");
    fs::write(
        root.join("gophermap"),
        "!netkit test root\n\
         Welcome to the netkit gopher test.\n\
         0About this server\t/about.txt\n\
         1Documents\t/docs\n\
         hThe web\tURL:http://example.org/\n\
         7Search\t/cgi-bin/search\n\
         9A binary\t/blob.bin\n",
    )
    .expect("gophermap");
    fs::write(root.join("about.txt"), TEXT).expect("about.txt");
    fs::write(root.join("docs/readme.txt"), "read me\n").expect("readme");
    fs::write(root.join("blob.bin"), blob()).expect("blob");
    let search = root.join("cgi-bin/search");
    fs::write(&search, SEARCH).expect("search");
    fs::set_permissions(&search, fs::Permissions::from_mode(0o755)).expect("chmod search");
    // Gophernicus runs as _gophernicus: the root must be readable (and searchable) by it.
    for dir in [root.to_path_buf(), root.join("cgi-bin"), root.join("docs")] {
        fs::set_permissions(&dir, fs::Permissions::from_mode(0o755)).expect("chmod dir");
    }
}

/// A running Gophernicus; stopped when dropped.
pub struct Gophernicus {
    peer: Peer,
    root: PathBuf,
}

impl Gophernicus {
    pub fn start() -> Gophernicus {
        let server = require_binary("/usr/sbin/gophernicus", "gophernicus");
        let xinetd = require_binary("/usr/sbin/xinetd", "xinetd");
        let peer = Peer::start(
            "gophernicus",
            StateDir::new("gophernicus"),
            move |port, state| {
                let root = state.join("root");
                write_root(&root);
                // The state dir itself must be searchable by _gophernicus.
                fs::set_permissions(state.path(), fs::Permissions::from_mode(0o755))
                    .expect("chmod state");
                let conf = state.join("xinetd.conf");
                fs::write(
                    &conf,
                    format!(
                        "defaults\n{{\n  log_type = FILE {log}\n  only_from = 127.0.0.1\n  \
                         per_source = UNLIMITED\n  instances = UNLIMITED\n  cps = 10000 1\n}}\n\
                         service netkit-gopher\n{{\n  type = UNLISTED\n  socket_type = stream\n  \
                         protocol = tcp\n  port = {port}\n  bind = 127.0.0.1\n  wait = no\n  \
                         user = _gophernicus\n  server = {server}\n  \
                         server_args = -h 127.0.0.1 -p {port} -r {root} -nv -nu -ns -nf\n}}\n",
                        log = state.log_dir().join("xinetd.log").display(),
                        server = server.display(),
                        root = root.display(),
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
        );
        let root = peer.state().join("root");
        Gophernicus { peer, root }
    }

    pub fn port(&self) -> u16 {
        self.peer.port()
    }

    /// `gopher://127.0.0.1:PORT` + `path`.
    pub fn url(&self, path: &str) -> String {
        format!("gopher://127.0.0.1:{}{path}", self.port())
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    pub fn logs(&self) -> String {
        self.peer.logs()
    }
}
