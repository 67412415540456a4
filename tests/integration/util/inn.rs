//! INN 2.7 (Debian package `inn2`): innd for NNTP (readers handed to nnrpd, STARTTLS) and a
//! standalone `nnrpd -S` for NNTPS, on 127.0.0.1 and ::1 at ports the harness picks
//! (PEERS.md "INN").
//!
//! * `/etc/news` is copied to `$STATE/etc`; inn.conf gets `domain`, `pathhost`, `port`,
//!   `bindaddress 127.0.0.1`, `bindaddress6 "::1"`, `artcutoff: 0`, every data `path*` key
//!   under `$STATE`, and `tlscertfile`/`tlskeyfile`/`tlscafile` (copies owned by news, 600).
//!   Every INN program runs as `news` with `INNCONF=$STATE/etc/inn.conf` (ports > 1024: no
//!   innbind).
//! * `incoming.conf` has no peers (Debian's `peer ME` makes local clients feeders);
//!   `newsfeeds` is `ME:!*/!local::`; `storage.conf` tradspool. innd refuses to start
//!   without `control` and `junk` in `active`, which says so only to syslog.
//! * Groups: `local.test`, `local.empty`, `local.noposting` (n) for everyone, and
//!   `local.private`, which readers.conf grants only to logged-in users (`ckpasswd -f`
//!   over `openssl passwd -6` hashes of both test accounts): without AUTHINFO, GROUP answers
//!   `480 Read access denied`.
//! * Seeded by POST after start (fixed order = fixed numbers), [`SEEDED`]: local.test 1–3
//!   (2 has a body line starting with '.', 3 replies to 1), local.private 1.
//! * Stop: `ctlinnd -t 3 shutdown` (~1 s; SIGTERM takes > 4 s), then the process group.

use std::fs;
use std::io::{BufRead, BufReader, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::thread;
use std::time::{Duration, Instant};

use super::accounts::{ALL, NKUSER1, lookup};
use super::ca::TestCa;
use super::peer::{Peer, Readiness, StateDir, require_binary};

const BIN: &str = "/usr/lib/news/bin";

/// A running INN; stopped on drop.
pub struct Inn {
    innd: Peer,
    nnrpd_tls: Option<Peer>,
}

/// The articles the harness posts, in order: (group, subject, body, references-to-index).
pub const SEEDED: [(&str, &str, &str); 4] = [
    ("local.test", "First post", "hello from the harness\n"),
    (
        "local.test",
        "Dots",
        "line one\n.starts with a dot\n..two dots\nlast\n",
    ),
    ("local.test", "Re: First post", "a reply\n"),
    ("local.private", "Secret", "for members only\n"),
];

/// The Message-ID of seeded article `i` (0-based).
pub fn seeded_id(i: usize) -> String {
    format!("<seed{i}@netkit.test>")
}

fn news_ids() -> (u32, u32) {
    let ids = lookup("news").unwrap_or_else(|| {
        panic!("no 'news' account: install inn2 (apt-get install -y --no-install-recommends inn2)")
    });
    (ids.uid, ids.gid)
}

/// `cmd` as user news with INNCONF pointing at `etc`.
fn as_news(program: &str, etc: &Path) -> Command {
    let mut c = Command::new("setpriv");
    c.args(["--reuid", "news", "--regid", "news", "--init-groups"])
        .arg(program)
        .env("INNCONF", etc.join("inn.conf"));
    c
}

fn chown_tree(path: &Path, uid: u32, gid: u32) {
    std::os::unix::fs::chown(path, Some(uid), Some(gid)).expect("chown");
    if path.is_dir() {
        for e in fs::read_dir(path).expect("read_dir") {
            chown_tree(&e.expect("entry").path(), uid, gid);
        }
    }
}

fn openssl_hash(pass: &str) -> String {
    let out = Command::new("openssl")
        .args(["passwd", "-6", "-stdin"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .and_then(|mut c| {
            c.stdin
                .take()
                .expect("stdin")
                .write_all(format!("{pass}\n").as_bytes())?;
            c.wait_with_output()
        })
        .expect("openssl passwd");
    String::from_utf8_lossy(&out.stdout).trim().to_owned()
}

/// Writes the whole INN tree for `port` into `dir`.
fn write_tree(dir: &Path, port: u16, ca: &TestCa, tls: bool) {
    let (uid, gid) = news_ids();
    let etc = dir.join("etc");
    let out = Command::new("cp")
        .args(["-r", "/etc/news"])
        .arg(&etc)
        .output()
        .expect("cp /etc/news");
    assert!(out.status.success(), "cp -r /etc/news failed: {out:?}");
    for sub in [
        "db",
        "run",
        "log",
        "tmp",
        "http",
        "spool/articles",
        "spool/overview",
        "spool/incoming/tmp",
        "spool/outgoing",
        "spool/archive",
        "tls",
    ] {
        fs::create_dir_all(dir.join(sub)).expect("mkdir");
    }
    let d = dir.display();
    let certs = ca.copy_for(&dir.join("tls"), uid, gid);
    let mut keys: Vec<(&str, String)> = vec![
        ("domain", "netkit.test".into()),
        ("pathhost", "news.netkit.test".into()),
        ("port", port.to_string()),
        ("nnrpdpostport", port.to_string()),
        ("bindaddress", "127.0.0.1".into()),
        ("bindaddress6", "\"::1\"".into()),
        ("mta", "\"/bin/true %s\"".into()),
        ("artcutoff", "0".into()),
        ("doinnwatch", "false".into()),
        ("status", "0".into()),
        ("timer", "0".into()),
        ("pathdb", format!("{d}/db")),
        ("pathetc", format!("{d}/etc")),
        ("pathrun", format!("{d}/run")),
        ("pathlog", format!("{d}/log")),
        ("pathhttp", format!("{d}/http")),
        ("pathspool", format!("{d}/spool")),
        ("patharticles", format!("{d}/spool/articles")),
        ("pathoverview", format!("{d}/spool/overview")),
        ("pathincoming", format!("{d}/spool/incoming")),
        ("pathtmp", format!("{d}/spool/incoming/tmp")),
        ("pathoutgoing", format!("{d}/spool/outgoing")),
        ("patharchive", format!("{d}/spool/archive")),
    ];
    if tls {
        keys.extend([
            ("tlscertfile", certs.cert.display().to_string()),
            ("tlskeyfile", certs.key.display().to_string()),
            ("tlscafile", ca.ca_pem().display().to_string()),
            ("tlsprotocols", "[ TLSv1.2 TLSv1.3 ]".into()),
        ]);
    }
    let original = fs::read_to_string(etc.join("inn.conf")).expect("inn.conf");
    let mut conf = String::new();
    for line in original.lines() {
        let key = line
            .trim_start_matches('#')
            .split(':')
            .next()
            .unwrap_or("")
            .trim();
        if keys.iter().any(|(k, _)| *k == key) {
            continue;
        }
        conf.push_str(line);
        conf.push('\n');
    }
    for (k, v) in &keys {
        conf.push_str(&format!("{k}: {v}\n"));
    }
    fs::write(etc.join("inn.conf"), conf).expect("write inn.conf");
    fs::write(
        etc.join("incoming.conf"),
        "streaming: true\nmax-connections: 8\n",
    )
    .expect("incoming.conf");
    fs::write(etc.join("newsfeeds"), "ME:!*/!local::\n").expect("newsfeeds");
    fs::write(
        etc.join("storage.conf"),
        "method tradspool {\n    newsgroups: *\n    class: 0\n}\n",
    )
    .expect("storage.conf");
    let mut passwd = String::new();
    for a in ALL {
        passwd.push_str(&format!("{}:{}\n", a.user, openssl_hash(a.pass)));
    }
    fs::write(etc.join("passwd.nntp"), passwd).expect("passwd.nntp");
    // Last match wins: everyone gets "<anon>", a good password makes the user name.
    fs::write(
        etc.join("readers.conf"),
        format!(
            "auth \"anon\" {{\n    hosts: \"127.0.0.1, ::1, localhost\"\n    default: \"<anon>\"\n}}\n\
             auth \"users\" {{\n    hosts: \"127.0.0.1, ::1, localhost\"\n    auth: \"ckpasswd -f {d}/etc/passwd.nntp\"\n}}\n\
             access \"anon\" {{\n    users: \"<anon>\"\n    newsgroups: \"*,!local.private\"\n    access: RPAN\n}}\n\
             access \"users\" {{\n    users: \"nkuser1, nkuser2\"\n    newsgroups: \"*\"\n    access: RPAN\n}}\n"
        ),
    )
    .expect("readers.conf");
    let groups = [
        ("local.test", "y", "A test group"),
        ("local.empty", "y", "Nothing here"),
        ("local.noposting", "n", "Read only"),
        ("local.private", "y", "Members only"),
        ("control", "n", "Control messages"),
        ("control.cancel", "n", "Cancels"),
        ("junk", "n", "Unfiled articles"),
    ];
    let db = dir.join("db");
    let mut active = String::new();
    let mut times = String::new();
    let mut descriptions = String::new();
    for (g, flag, text) in groups {
        active.push_str(&format!("{g} 0000000000 0000000001 {flag}\n"));
        times.push_str(&format!("{g} 1700000000 netkit\n"));
        descriptions.push_str(&format!("{g}\t{text}\n"));
    }
    fs::write(db.join("active"), active).expect("active");
    fs::write(db.join("active.times"), times).expect("active.times");
    fs::write(db.join("newsgroups"), descriptions).expect("newsgroups");
    fs::write(db.join("history"), "").expect("history");
    chown_tree(dir, uid, gid);
    // The state dir's own log/ stays writable for Peer; INN logs to syslog anyway.
    let out = as_news(&format!("{BIN}/makedbz"), &etc)
        .args(["-i", "-o"])
        .current_dir(&db)
        .output()
        .expect("makedbz");
    assert!(
        out.status.success(),
        "makedbz failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

fn loopback_ready(port: u16) -> Readiness {
    Readiness {
        tcp: vec![
            std::net::SocketAddr::from(([127, 0, 0, 1], port)),
            std::net::SocketAddr::from((std::net::Ipv6Addr::LOCALHOST, port)),
        ],
        ..Readiness::default()
    }
}

impl Inn {
    /// innd with the seeded articles, without TLS (STARTTLS answers 580).
    pub fn start(ca: &TestCa) -> Inn {
        Inn::start_with(ca, false)
    }

    /// innd, and with `tls` the test CA's certificate for STARTTLS and `nnrpd -S` for NNTPS.
    pub fn start_with(ca: &TestCa, tls: bool) -> Inn {
        require_binary(&format!("{BIN}/innd"), "inn2");
        let innd = Peer::start(
            "innd",
            StateDir::new("inn"),
            |port, state| {
                write_tree(state.path(), port, ca, tls);
                let mut c = as_news(&format!("{BIN}/innd"), &state.join("etc"));
                c.arg("-f").current_dir(state.path());
                c
            },
            loopback_ready,
        );
        let etc = innd.state().join("etc");
        let nnrpd_tls = tls.then(|| {
            Peer::start(
                "nnrpd-tls",
                StateDir::new("nnrpd"),
                |port, _| {
                    let mut c = as_news(&format!("{BIN}/nnrpd"), &etc);
                    c.args(["-D", "-f", "-S", "-n", "-b", "127.0.0.1", "-p"])
                        .arg(port.to_string());
                    c
                },
                Readiness::tcp_v4,
            )
        });
        let inn = Inn { innd, nnrpd_tls };
        inn.seed();
        inn
    }

    pub fn port(&self) -> u16 {
        self.innd.port()
    }

    /// The NNTPS port (panics when started without TLS).
    pub fn tls_port(&self) -> u16 {
        self.nnrpd_tls
            .as_ref()
            .map(Peer::port)
            .expect("INN was started without nnrpd -S")
    }

    /// `nntp://127.0.0.1:PORT` + `path`.
    pub fn url(&self, path: &str) -> String {
        format!("nntp://127.0.0.1:{}{path}", self.port())
    }

    pub fn etc(&self) -> PathBuf {
        self.innd.state().join("etc")
    }

    fn seed(&self) {
        for (i, (group, subject, body)) in SEEDED.iter().enumerate() {
            let refs = if *subject == "Re: First post" {
                format!("References: {}\r\n", seeded_id(0))
            } else {
                String::new()
            };
            let body = body.replace('\n', "\r\n");
            // Dot-stuffing by hand: this client is independent of netkit's.
            let stuffed: String = body
                .split_inclusive("\r\n")
                .map(|l| {
                    if l.starts_with('.') {
                        format!(".{l}")
                    } else {
                        l.to_owned()
                    }
                })
                .collect();
            let article = format!(
                "From: Harness <harness@netkit.test>\r\nNewsgroups: {group}\r\nSubject: {subject}\r\n\
                 Message-ID: {}\r\n{refs}\r\n{stuffed}.\r\n",
                seeded_id(i)
            );
            let private = *group == "local.private";
            self.raw_post(&article, private)
                .unwrap_or_else(|e| panic!("seeding article {i}: {e}\n{}", self.innd.logs()));
        }
        // Posts reach the overview through innd: wait until every one is listed.
        let end = Instant::now() + Duration::from_secs(10);
        loop {
            let counts = self.group_counts();
            if counts == (3, 1) {
                return;
            }
            assert!(
                Instant::now() < end,
                "seeded articles not visible: {counts:?}"
            );
            thread::sleep(Duration::from_millis(50));
        }
    }

    /// POSTs a complete, dot-stuffed `article` (ending `.\r\n`), as nkuser1 when `auth`.
    pub fn raw_post(&self, article: &str, auth: bool) -> Result<(), String> {
        let mut c = Client::connect(self.port())?;
        if auth {
            c.auth(NKUSER1.user, NKUSER1.pass)?;
        }
        c.command("POST", "340")?;
        c.write(article)?;
        c.reply("240")?;
        let _ = c.command("QUIT", "205");
        Ok(())
    }

    fn group_counts(&self) -> (u64, u64) {
        let count = |auth: bool, g: &str| -> u64 {
            let Ok(mut c) = Client::connect(self.port()) else {
                return 0;
            };
            if auth && c.auth(NKUSER1.user, NKUSER1.pass).is_err() {
                return 0;
            }
            c.command(&format!("GROUP {g}"), "211")
                .ok()
                .and_then(|l| l.split(' ').nth(1).and_then(|n| n.parse().ok()))
                .unwrap_or(0)
        };
        (count(false, "local.test"), count(true, "local.private"))
    }

    pub fn logs(&self) -> String {
        self.innd.logs()
    }
}

impl Drop for Inn {
    fn drop(&mut self) {
        if let Some(p) = self.nnrpd_tls.as_mut() {
            p.stop();
        }
        let _ = as_news(&format!("{BIN}/ctlinnd"), &self.etc())
            .args(["-t", "3", "shutdown", "tests done"])
            .output();
        let end = Instant::now() + Duration::from_secs(3);
        while self.innd.is_running() && Instant::now() < end {
            thread::sleep(Duration::from_millis(50));
        }
        self.innd.stop();
    }
}

/// A minimal NNTP client for seeding (independent of the code under test).
pub struct Client {
    reader: BufReader<TcpStream>,
    stream: TcpStream,
}

impl Client {
    pub fn connect(port: u16) -> Result<Client, String> {
        let stream = TcpStream::connect(("127.0.0.1", port)).map_err(|e| e.to_string())?;
        stream
            .set_read_timeout(Some(Duration::from_secs(10)))
            .map_err(|e| e.to_string())?;
        let reader = BufReader::new(stream.try_clone().map_err(|e| e.to_string())?);
        let mut c = Client { reader, stream };
        c.reply("200")?;
        Ok(c)
    }

    pub fn write(&mut self, text: &str) -> Result<(), String> {
        self.stream
            .write_all(text.as_bytes())
            .map_err(|e| e.to_string())
    }

    pub fn reply(&mut self, code: &str) -> Result<String, String> {
        let mut line = String::new();
        self.reader
            .read_line(&mut line)
            .map_err(|e| e.to_string())?;
        if line.starts_with(code) {
            Ok(line.trim_end().to_owned())
        } else {
            Err(format!("expected {code}, got {line:?}"))
        }
    }

    pub fn command(&mut self, command: &str, code: &str) -> Result<String, String> {
        self.write(&format!("{command}\r\n"))?;
        self.reply(code)
    }

    pub fn auth(&mut self, user: &str, pass: &str) -> Result<(), String> {
        self.command(&format!("AUTHINFO USER {user}"), "381")?;
        self.command(&format!("AUTHINFO PASS {pass}"), "281")?;
        Ok(())
    }
}
