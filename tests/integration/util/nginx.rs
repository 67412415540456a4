//! nginx 1.22 (Debian package `nginx`) on loopback for `netkit fetch` (PEERS.md "nginx"),
//! started per test (it is up in well under a second) with its own config in a
//! [`StateDir`]:
//!
//! * the main server on 127.0.0.1:`port()` and [::1]:`port()`; a second plain server
//!   ([`Nginx::other_port`]) and a TLS server ([`Nginx::tls_port`], the [`TestCa`] server
//!   certificate) on 127.0.0.1 and ::1, both serving the same docroot and echoing the
//!   `Authorization` they get at `/auth-echo`;
//! * the docroot `www/` with `0.bin`, `1k.bin`, `1m.bin` (deterministic bytes, [`pattern`])
//!   and anything a test adds with [`Nginx::add_file`] (nginx serves new files at once);
//! * locations: `/chain/abs` (301, absolute Location) → `/chain/rel` (302, relative) →
//!   `/1k.bin`; `/to-other` and `/to-tls` (302 to the other ports' `/auth-echo`);
//!   `/auth-echo` (`auth=$http_authorization`); `/private/` (basic auth, [`USER`]/[`PASS`],
//!   htpasswd by `openssl passwd -apr1`); `/gz/` (gzip for text/plain); `/slow/` (the
//!   docroot at `limit_rate 64k`); `/dav/` (PUT DELETE MKCOL in a www-data dir); `/busy`
//!   (503 + `Retry-After: 2`, longer than the 1 + 2 s backoff, so a test tells them
//!   apart); `/broken` (500); `/cd/NAME` (hostile Content-Disposition names, see
//!   [`CD_NAMES`]); `/echo` (proxied to a python3 `http.server` that answers the
//!   request's Content-Type and body, so a multipart body can be checked byte for byte).
//! * The access log `log/access.log` has one line per request: `METHOD URI STATUS "RANGE"
//!   BODY_BYTES_SENT` ([`Nginx::requests`]).

use std::cell::Cell;
use std::fs;
use std::net::SocketAddr;
use std::os::unix::fs::{PermissionsExt, chown};
use std::path::PathBuf;
use std::process::Command;

use super::ca::{CertFiles, TestCa};

use super::dovecot::distinct_ports;
use super::peer::{Peer, Readiness, StateDir, require_binary};

/// The basic-auth account of `/private/`.
pub const USER: &str = "nkuser1";
pub const PASS: &str = "nkuser1-pass";
/// www-data in Debian.
const WWW_DATA: u32 = 33;

/// The path [`Nginx::requests`] asks for to know the log has caught up (a 404, not in its answer).
const SYNC_PATH: &str = "/__netkit_log_sync";

/// `/cd/KEY` sends `Content-Disposition: VALUE` (nginx config syntax) with body `cd-KEY\n`.
pub const CD_NAMES: &[(&str, &str)] = &[
    ("passwd", r#"'attachment; filename="../../etc/passwd"'"#),
    ("abs", r#"'attachment; filename="/etc/x"'"#),
    ("dot", r#"'attachment; filename=".bashrc"'"#),
    // Raw tabs inside the quoted name (the one control character HTTP allows in a value).
    ("ctrl", "'attachment; filename=\"ev\til\tname.txt\"'"),
    // A raw ESC: not valid in an HTTP header value at all (RFC 9110 §5.5).
    ("esc", "'attachment; filename=\"ev\x1bil.txt\"'"),
    // RFC 8187 form hiding "../", a newline and an ESC in percent escapes.
    (
        "ext",
        r#""attachment; filename*=UTF-8''..%2F..%2Fevil%0A%1Bx.txt""#,
    ),
];

/// `len` deterministic bytes (a xorshift stream seeded by `seed`): fixtures that are not
/// all zeroes, so a misplaced range or a dropped block changes the sha256.
pub fn pattern(len: usize, seed: u64) -> Vec<u8> {
    let mut x = seed | 1;
    let mut out = Vec::with_capacity(len + 8);
    while out.len() < len {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        out.extend_from_slice(&x.to_le_bytes());
    }
    out.truncate(len);
    out
}

/// The echo backend behind `/echo`: replies 200 with the request's Content-Type as the
/// `X-Echo-Content-Type` header and its body as the body.
const ECHO_PY: &str = r#"
import sys
from http.server import BaseHTTPRequestHandler, HTTPServer

class Echo(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def do_POST(self):
        n = int(self.headers.get("Content-Length", "0"))
        body = self.rfile.read(n)
        self.send_response(200)
        self.send_header("Content-Type", "application/octet-stream")
        self.send_header("X-Echo-Content-Type", self.headers.get("Content-Type", ""))
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
    do_PUT = do_POST
    def log_message(self, *a):
        sys.stderr.write("%s\n" % (a,))

HTTPServer(("127.0.0.1", int(sys.argv[1])), Echo).serve_forever()
"#;

/// A running nginx (and its echo backend); both stopped when dropped.
pub struct Nginx {
    peer: Peer,
    other: u16,
    tls: u16,
    _echo: Peer,
    ca: TestCa,
}

fn write(path: PathBuf, bytes: &[u8]) {
    if let Some(dir) = path.parent() {
        fs::create_dir_all(dir).expect("create fixture dir");
    }
    fs::write(&path, bytes).unwrap_or_else(|e| panic!("write {}: {e}", path.display()));
}

fn config(
    state: &StateDir,
    port: u16,
    other: u16,
    tls: u16,
    echo: u16,
    cert: &CertFiles,
) -> String {
    let d = state.path().display();
    let mut cd = String::new();
    for (key, value) in CD_NAMES {
        cd.push_str(&format!(
            "    location = /cd/{key} {{ default_type text/plain; \
             add_header Content-Disposition {value}; return 200 \"cd-{key}\\n\"; }}\n"
        ));
    }
    let echo_server = |p: u16, ssl: &str| {
        format!(
            "  server {{\n    listen 127.0.0.1:{p}{ssl};\n    listen [::1]:{p}{ssl};\n    root {d}/www;\n{}    \
             location = /auth-echo {{ default_type text/plain; \
             return 200 \"auth=$http_authorization\\n\"; }}\n  }}\n",
            if ssl.is_empty() {
                String::new()
            } else {
                format!(
                    "    ssl_certificate {};\n    ssl_certificate_key {};\n",
                    cert.cert.display(),
                    cert.key.display()
                )
            }
        )
    };
    format!(
        "daemon off;
user www-data;
worker_processes 1;
pid {d}/nginx.pid;
error_log {d}/log/error.log info;
events {{ worker_connections 512; }}
http {{
  log_format nk '$request_method $request_uri $status \"$http_range\" $body_bytes_sent';
  access_log {d}/log/access.log nk;
  client_body_temp_path {d}/tmp/body;
  proxy_temp_path {d}/tmp/proxy;
  fastcgi_temp_path {d}/tmp/fastcgi;
  uwsgi_temp_path {d}/tmp/uwsgi;
  scgi_temp_path {d}/tmp/scgi;
  types {{ text/plain txt; application/octet-stream bin; }}
  default_type application/octet-stream;
  sendfile on;
  client_max_body_size 0;
  server {{
    listen 127.0.0.1:{port};
    listen [::1]:{port};
    root {d}/www;
    location = /chain/abs {{ return 301 /chain/rel; }}
    location = /chain/rel {{ absolute_redirect off; return 302 /1k.bin; }}
    location = /to-other {{ return 302 http://127.0.0.1:{other}/auth-echo; }}
    location = /to-tls {{ return 302 https://127.0.0.1:{tls}/auth-echo; }}
    location = /to-same {{ return 302 /auth-echo; }}
    location = /auth-echo {{ default_type text/plain; return 200 \"auth=$http_authorization\\n\"; }}
    location /private/ {{ auth_basic \"netkit\"; auth_basic_user_file {d}/htpasswd; }}
    location /gz/ {{ gzip on; gzip_types text/plain; gzip_min_length 0; }}
    location /slow/ {{ alias {d}/www/; limit_rate 64k; limit_rate_after 0; }}
    location /dav/ {{
      root {d}/davroot;
      dav_methods PUT DELETE MKCOL;
      create_full_put_path on;
      dav_access user:rw group:r all:r;
    }}
    location = /busy {{ add_header Retry-After 2 always; return 503; }}
    location = /broken {{ return 500; }}
    location = /echo {{ proxy_pass http://127.0.0.1:{echo}; proxy_http_version 1.1; }}
{cd}  }}
{}{}}}
",
        echo_server(other, ""),
        echo_server(tls, " ssl"),
    )
}

impl Nginx {
    pub fn start() -> Nginx {
        Nginx::start_with_cert(None)
    }

    /// nginx whose TLS server shows `cert` instead of the test CA's good certificate (an
    /// expiring, expired or wrong-name one for the probe tests).
    pub fn start_with_cert(cert: Option<CertFiles>) -> Nginx {
        let bin = require_binary("/usr/sbin/nginx", "nginx");
        let python = require_binary("/usr/bin/python3", "python3");
        let ca = TestCa::new();
        let cert = cert.unwrap_or_else(|| CertFiles {
            cert: ca.cert_pem(),
            key: ca.key_pem(),
        });
        let echo_state = StateDir::new("nginx-echo");
        fs::write(echo_state.join("echo.py"), ECHO_PY).expect("write echo.py");
        let echo = Peer::start(
            "echo",
            echo_state,
            |port, state| {
                let mut cmd = Command::new(&python);
                cmd.arg(state.join("echo.py")).arg(port.to_string());
                cmd
            },
            Readiness::tcp_v4,
        );
        let echo_port = echo.port();
        let extra = Cell::new((0u16, 0u16));
        let peer = Peer::start(
            "nginx",
            StateDir::new("nginx"),
            |port, state| {
                // Two free_port() calls can return the same port, and nginx then merges the
                // plain and the TLS server into one that wants a certificate for both ("no
                // ssl_certificate is defined for the listen ... ssl directive").
                let others: Vec<u16> = distinct_ports(3)
                    .into_iter()
                    .filter(|&p| p != port)
                    .take(2)
                    .collect();
                let (other, tls) = (others[0], others[1]);
                extra.set((other, tls));
                Nginx::prepare(state);
                let conf = state.join("nginx.conf");
                fs::write(&conf, config(state, port, other, tls, echo_port, &cert))
                    .expect("write nginx.conf");
                let check = Command::new(&bin)
                    .args(["-t", "-q", "-c"])
                    .arg(&conf)
                    .arg("-p")
                    .arg(state.path())
                    .output()
                    .expect("run nginx -t");
                assert!(
                    check.status.success(),
                    "nginx -t failed: {}\n{}",
                    String::from_utf8_lossy(&check.stderr),
                    fs::read_to_string(&conf).unwrap_or_default()
                );
                let mut cmd = Command::new(&bin);
                cmd.arg("-c").arg(&conf).arg("-p").arg(state.path());
                cmd
            },
            |port| {
                let (other, tls) = extra.get();
                let mut tcp = Vec::new();
                for p in [port, other, tls] {
                    tcp.push(SocketAddr::from(([127, 0, 0, 1], p)));
                    tcp.push(SocketAddr::from((std::net::Ipv6Addr::LOCALHOST, p)));
                }
                Readiness {
                    tcp,
                    ..Readiness::default()
                }
            },
        );
        let (other, tls) = extra.get();
        Nginx {
            peer,
            other,
            tls,
            _echo: echo,
            ca,
        }
    }

    /// Docroot, fixtures, htpasswd, the www-data dirs.
    fn prepare(state: &StateDir) {
        let d = state.path();
        // www-data walks the state dir to reach the docroot.
        fs::set_permissions(d, fs::Permissions::from_mode(0o755)).expect("chmod state dir");
        write(d.join("www/0.bin"), b"");
        write(d.join("www/1k.bin"), &pattern(1024, 1));
        write(d.join("www/1m.bin"), &pattern(1 << 20, 2));
        write(d.join("www/private/secret.txt"), b"the secret\n");
        let text: String = (0..4000)
            .map(|i| format!("line {i}: gzip makes this much shorter\n"))
            .collect();
        write(d.join("www/gz/text.txt"), text.as_bytes());
        for dir in ["tmp", "davroot", "davroot/dav"] {
            let p = d.join(dir);
            fs::create_dir_all(&p).expect("create www-data dir");
            chown(&p, Some(WWW_DATA), Some(WWW_DATA)).expect("chown to www-data");
        }
        let hash = Command::new(require_binary("/usr/bin/openssl", "openssl"))
            .args(["passwd", "-apr1", PASS])
            .output()
            .expect("openssl passwd");
        assert!(hash.status.success(), "openssl passwd -apr1 failed");
        let line = format!("{USER}:{}", String::from_utf8_lossy(&hash.stdout).trim());
        write(d.join("htpasswd"), format!("{line}\n").as_bytes());
    }

    pub fn port(&self) -> u16 {
        self.peer.port()
    }

    /// The second plain server (another origin for redirects).
    pub fn other_port(&self) -> u16 {
        self.other
    }

    /// The TLS server (the test CA's certificate for localhost, 127.0.0.1, ::1).
    pub fn tls_port(&self) -> u16 {
        self.tls
    }

    /// The CA clients trust for [`Nginx::tls_port`] (`--cacert`).
    pub fn ca_pem(&self) -> PathBuf {
        self.ca.ca_pem()
    }

    /// `http://127.0.0.1:PORT/PATH` (`path` starts with `/`).
    pub fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port())
    }

    /// A file under the docroot, served at `/NAME`.
    pub fn add_file(&self, name: &str, bytes: &[u8]) -> PathBuf {
        let p = self.peer.state().join("www").join(name);
        write(p.clone(), bytes);
        p
    }

    /// A path under the docroot (for fixtures a test makes itself, such as sparse files).
    pub fn docroot(&self) -> PathBuf {
        self.peer.state().join("www")
    }

    /// What a PUT to `/dav/NAME` stored.
    pub fn dav_file(&self, name: &str) -> PathBuf {
        self.peer.state().join("davroot/dav").join(name)
    }

    /// Access-log lines (`METHOD URI STATUS "RANGE" BODY_BYTES`) of every request that ended
    /// before this call. nginx logs a request after its last byte is sent, so a client that has
    /// exited may be ahead of the log (CI once read an empty log after `fetch -I`). The one
    /// worker logs in its event loop before it takes the next connection, so a `Connection:
    /// close` request read to EOF here ([`SYNC_PATH`], logged before the close and left out of
    /// the answer) comes after every earlier request's line.
    pub fn requests(&self) -> Vec<String> {
        self.sync_log();
        fs::read_to_string(self.peer.state().log_dir().join("access.log"))
            .unwrap_or_default()
            .lines()
            .filter(|l| !l.contains(SYNC_PATH))
            .map(str::to_owned)
            .collect()
    }

    fn sync_log(&self) {
        use std::io::{Read, Write};
        let mut conn =
            std::net::TcpStream::connect(("127.0.0.1", self.port())).expect("sync connect");
        conn.set_read_timeout(Some(std::time::Duration::from_secs(10)))
            .expect("sync timeout");
        write!(
            conn,
            "GET {SYNC_PATH} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
        )
        .expect("sync request");
        let mut sink = Vec::new();
        conn.read_to_end(&mut sink).expect("sync response");
    }

    pub fn logs(&self) -> String {
        self.peer.logs()
    }
}
