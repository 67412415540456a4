//! postfix 3.7 (Debian package `postfix`) as a real MTA with three listeners on 127.0.0.1 and
//! [::1] at ports the harness picks, delivering every message into one Maildir, plus
//! [`MailStack`]: dovecot (SASL) and postfix started in the right order (PEERS.md "postfix").
//!
//! | listener | like | TLS | AUTH |
//! |---|---|---|---|
//! | relay | port 25 | STARTTLS offered (`may`) | after STARTTLS; not needed to deliver |
//! | submission | 587 | STARTTLS required (`encrypt`): MAIL before it → `530 5.7.0` | required (`554 5.7.1` at RCPT) |
//! | smtps | 465 | implicit (`smtpd_tls_wrappermode=yes`) | required |
//!
//! * Config dir `$STATE/pf` (`main.cf`, `master.cf`), queue `$STATE/queue`, data
//!   `$STATE/data`; `postfix -c $PF check` (creates the queue dirs, ~0.3 s), then
//!   `/usr/lib/postfix/sbin/master -c $PF -s` in the foreground, as a session leader (it
//!   exits 1 silently otherwise; `Peer` calls setsid). `check` logs errors to the maillog,
//!   not stderr: on failure it is rerun under `script -qec`.
//! * Speed: postfix re-reads any config file modified in the last ~2 s, sleeping 0.3 s per
//!   try (`dict_load_file`): that, not `postfix check`, was PEERS.md's "~2 s". Every file in
//!   `$PF` is backdated a minute before the first postfix command.
//! * Log: `maillog_file=$STATE/log/postfix.log` + `maillog_file_prefixes` + the `postlog`
//!   service; [`Postfix::maillog`]. Delivery shows as `status=sent`.
//! * Delivery: `virtual_mailbox_domains=static:all`, `virtual_mailbox_maps=static:Maildir/`
//!   under the sink (nkuser1's dovecot home in a [`MailStack`], so IMAP/POP3 read it), owned
//!   by nkuser1's uid. One file per recipient. `local_header_rewrite_clients=` +
//!   `always_add_missing_headers=no`: postfix adds no Date/Message-ID/From, it **prepends**
//!   `Return-Path X-Original-To Delivered-To Received` and stores **LF** line ends.
//! * Found here, not in PEERS.md: cleanup **removes `Bcc:` and `Return-Path:` headers** from
//!   the message; long lines (3000 bytes tried) survive intact. [`Delivered::as_sent`] undoes
//!   the rest, so compare it with DATA bytes (after unstuffing) minus those headers.
//! * Refusals: `check_recipient_access` on a `texthash:` map (no `postmap` run):
//!   [`REFUSED_RCPT`] → `550 5.1.1`, [`LATER_RCPT`] → `450 4.2.0`, on every listener;
//!   [`PostfixOptions::message_size_limit`] sets SIZE (`552 5.3.4` when exceeded). Quirk: after
//!   `MAIL … SIZE=too-big` → 552, a plain `MAIL` in the same session gets 552 again until
//!   `RSET` (smtpd keeps the declared size).
//! * Stop: SIGTERM to the group ends master and children in a few ms; the children are
//!   reaped by PID 1, so `ps` may show `<defunct>` postfix processes for a second or two.
//! * `smtpd_error_sleep_time=0`; `mynetworks` = loopback; `chroot` column `n` everywhere.

use std::cell::Cell;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::thread;
use std::time::Duration;

use super::accounts::{self, NKUSER1};
use super::ca::TestCa;
use super::dovecot::{Dovecot, distinct_ports};
use super::peer::{Peer, Readiness, StateDir, require_binary};

/// Refused permanently at RCPT (550) by postfix and the sink.
pub const REFUSED_RCPT: &str = "refused@netkit.test";
/// Refused temporarily at RCPT (450) by postfix and the sink.
pub const LATER_RCPT: &str = "later@netkit.test";

/// How to run postfix.
#[derive(Debug, Clone, Default)]
pub struct PostfixOptions {
    /// `message_size_limit` (EHLO `SIZE N`); postfix's default is 10240000.
    pub message_size_limit: Option<u64>,
    /// dovecot's SASL socket ([`Dovecot::sasl_socket`]); without it no AUTH is offered and
    /// submission/smtps refuse every recipient.
    pub sasl_socket: Option<PathBuf>,
    /// The directory holding `Maildir/` and its owner; default: a private dir of nkuser1's.
    pub sink: Option<(PathBuf, accounts::Ids)>,
}

/// The three listener ports.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SmtpPorts {
    pub relay: u16,
    pub submission: u16,
    pub smtps: u16,
}

/// A running postfix; stopped on drop.
pub struct Postfix {
    peer: Peer,
    ports: SmtpPorts,
    maildir: PathBuf,
    /// The default sink, when no [`PostfixOptions::sink`] was given.
    _own_sink: Option<StateDir>,
}

/// One delivered file.
#[derive(Debug, Clone)]
pub struct Delivered {
    pub path: PathBuf,
    /// The file as stored: LF line ends, prepended headers.
    pub raw: Vec<u8>,
}

impl Delivered {
    /// The prepended `Return-Path X-Original-To Delivered-To Received` block (LF).
    pub fn prepended(&self) -> &[u8] {
        &self.raw[..prepended_len(&self.raw)]
    }

    /// The message as the client sent it (after unstuffing): prepended headers removed,
    /// LF → CRLF. (postfix also drops `Bcc:` and `Return-Path:` headers the client sent.)
    pub fn as_sent(&self) -> Vec<u8> {
        lf_to_crlf(&self.raw[prepended_len(&self.raw)..])
    }

    /// `Delivered-To:`'s address.
    pub fn delivered_to(&self) -> String {
        header_value(self.prepended(), "Delivered-To").unwrap_or_default()
    }
}

fn header_value(block: &[u8], name: &str) -> Option<String> {
    let text = String::from_utf8_lossy(block);
    let prefix = format!("{name}: ");
    text.lines()
        .find_map(|l| l.strip_prefix(&prefix).map(str::to_owned))
}

/// Length of postfix's prepended header block: `Return-Path`, `X-Original-To`,
/// `Delivered-To` (each optional, in that order), then exactly one `Received` with its
/// continuation lines. A `Received` the client sent stays.
pub fn prepended_len(raw: &[u8]) -> usize {
    let mut pos = 0;
    let line_end = |from: usize| {
        raw[from..]
            .iter()
            .position(|&b| b == b'\n')
            .map_or(raw.len(), |i| from + i + 1)
    };
    for name in [&b"Return-Path:"[..], b"X-Original-To:", b"Delivered-To:"] {
        if raw[pos..].starts_with(name) {
            pos = line_end(pos);
        }
    }
    if raw[pos..].starts_with(b"Received:") {
        pos = line_end(pos);
        while pos < raw.len() && (raw[pos] == b' ' || raw[pos] == b'\t') {
            pos = line_end(pos);
        }
    }
    pos
}

/// Every LF becomes CRLF (postfix stores LF only).
pub fn lf_to_crlf(data: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(data.len() + data.len() / 32);
    for &b in data {
        if b == b'\n' {
            out.push(b'\r');
        }
        out.push(b);
    }
    out
}

/// Sort key of a Maildir name `SECS.…M<usec>…`: delivery order.
fn maildir_order(name: &str) -> (u64, u64, String) {
    let secs = name
        .split('.')
        .next()
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let usec = name
        .split('.')
        .nth(1)
        .and_then(|f| f.split_once('M'))
        .and_then(|(_, rest)| {
            let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
            digits.parse().ok()
        })
        .unwrap_or(0);
    (secs, usec, name.to_owned())
}

/// Every message file in `maildir`'s `new/` and `cur/` (dovecot moves them), in delivery
/// order.
pub fn read_maildir(maildir: &Path) -> Vec<Delivered> {
    let mut files: Vec<PathBuf> = ["new", "cur"]
        .iter()
        .filter_map(|d| fs::read_dir(maildir.join(d)).ok())
        .flat_map(|rd| rd.flatten().map(|e| e.path()))
        .filter(|p| p.is_file())
        .collect();
    files.sort_by_key(|p| maildir_order(&p.file_name().unwrap_or_default().to_string_lossy()));
    files
        .into_iter()
        .filter_map(|path| {
            let raw = fs::read(&path).ok()?;
            Some(Delivered { path, raw })
        })
        .collect()
}

fn main_cf(state: &StateDir, opts: &PostfixOptions, sink: &Path, ids: accounts::Ids) -> String {
    let s = state.path().display();
    let mut cf = format!(
        "compatibility_level = 3.6
queue_directory = {s}/queue
data_directory = {s}/data
command_directory = /usr/sbin
daemon_directory = /usr/lib/postfix/sbin
meta_directory = /etc/postfix
shlib_directory = /usr/lib/postfix
mail_owner = postfix
setgid_group = postdrop
myhostname = mail.netkit.test
mydomain = netkit.test
myorigin = netkit.test
mydestination =
alias_maps =
alias_database =
biff = no
inet_interfaces = loopback-only
inet_protocols = all
mynetworks = 127.0.0.0/8 [::1]/128
maillog_file = {s}/log/postfix.log
maillog_file_prefixes = {s}/log
smtpd_banner = $myhostname ESMTP Postfix (netkit test)
smtpd_error_sleep_time = 0
smtpd_soft_error_limit = 100
smtpd_hard_error_limit = 200
virtual_mailbox_domains = static:all
virtual_mailbox_base = {sink}
virtual_mailbox_maps = static:Maildir/
virtual_uid_maps = static:{uid}
virtual_gid_maps = static:{gid}
virtual_minimum_uid = 100
virtual_mailbox_limit = 0
default_transport = error:no relay
relay_transport = error:no relay
local_header_rewrite_clients =
always_add_missing_headers = no
smtpd_tls_cert_file = {s}/pf/server.pem
smtpd_tls_key_file = {s}/pf/server.key
smtpd_tls_security_level = may
smtpd_tls_auth_only = yes
smtpd_tls_loglevel = 1
smtpd_recipient_restrictions = check_recipient_access texthash:{s}/pf/recipient_access
",
        sink = sink.display(),
        uid = ids.uid,
        gid = ids.gid,
    );
    if let Some(limit) = opts.message_size_limit {
        cf.push_str(&format!("message_size_limit = {limit}\n"));
    }
    if let Some(sock) = &opts.sasl_socket {
        cf.push_str(&format!(
            "smtpd_sasl_auth_enable = yes\nsmtpd_sasl_type = dovecot\nsmtpd_sasl_path = {}\n",
            sock.display()
        ));
    }
    cf
}

fn master_cf(p: SmtpPorts) -> String {
    let auth = "-o smtpd_client_restrictions=permit_sasl_authenticated,reject";
    let mut cf = String::new();
    for host in ["127.0.0.1", "[::1]"] {
        cf.push_str(&format!(
            "{host}:{relay} inet n - n - - smtpd\n\
             {host}:{sub} inet n - n - - smtpd -o smtpd_tls_security_level=encrypt {auth}\n\
             {host}:{smtps} inet n - n - - smtpd -o smtpd_tls_wrappermode=yes {auth}\n",
            relay = p.relay,
            sub = p.submission,
            smtps = p.smtps,
        ));
    }
    // Debian's internal services, chroot off; pickup/qmgr wake-ups as shipped.
    cf.push_str(
        "pickup unix n - n 60 1 pickup
cleanup unix n - n - 0 cleanup
qmgr unix n - n 300 1 qmgr
tlsmgr unix - - n 1000? 1 tlsmgr
rewrite unix - - n - - trivial-rewrite
bounce unix - - n - 0 bounce
defer unix - - n - 0 bounce
trace unix - - n - 0 bounce
verify unix - - n - 1 verify
flush unix n - n 1000? 0 flush
proxymap unix - - n - - proxymap
proxywrite unix - - n - 1 proxymap
smtp unix - - n - - smtp
relay unix - - n - - smtp
showq unix n - n - - showq
error unix - - n - - error
retry unix - - n - - error
discard unix - - n - - discard
local unix - n n - - local
virtual unix - n n - - virtual
lmtp unix - - n - - lmtp
anvil unix - - n - 1 anvil
scache unix - - n - 1 scache
postlog unix-dgram n - n - 1 postlogd
",
    );
    cf
}

fn postfix_check(pf: &Path, state: &StateDir) {
    let bin = require_binary("/usr/sbin/postfix", "postfix");
    let out = Command::new(&bin)
        .arg("-c")
        .arg(pf)
        .arg("check")
        .output()
        .expect("run postfix check");
    if out.status.success() {
        return;
    }
    // Without a tty postfix check is silent; under script(1) it prints its errors.
    let tty = Command::new("script")
        .arg("-qec")
        .arg(format!("{} -c {} check", bin.display(), pf.display()))
        .arg("/dev/null")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).into_owned())
        .unwrap_or_default();
    panic!(
        "postfix -c {} check failed ({}): {}{}\n{}",
        pf.display(),
        out.status,
        String::from_utf8_lossy(&out.stderr).escape_debug(),
        tty.escape_debug(),
        state.logs()
    );
}

/// Backdates every file in `dir` by a minute. postfix's `dict_load_file` re-reads a file
/// modified within the last second or two, sleeping 0.3 s each time: a main.cf written just
/// now costs ~2 s per postfix command (and per smtpd for a `texthash:` map).
fn age_files(dir: &Path) {
    let past = std::time::SystemTime::now() - Duration::from_secs(60);
    for entry in fs::read_dir(dir).expect("read pf dir").flatten() {
        let f = fs::File::options()
            .write(true)
            .open(entry.path())
            .expect("open for set_modified");
        f.set_modified(past).expect("backdate config file");
    }
}

fn postfix_uid_gid() -> (u32, u32) {
    accounts::lookup("postfix")
        .map(|i| (i.uid, i.gid))
        .unwrap_or_else(|| panic!("no postfix user: apt-get install postfix"))
}

impl Postfix {
    /// Starts postfix with `ca`'s server certificate (~0.5 s warm); panics with its log.
    pub fn start(ca: &TestCa, opts: PostfixOptions) -> Postfix {
        let master = require_binary("/usr/lib/postfix/sbin/master", "postfix");
        let (own_sink, sink, ids) = match &opts.sink {
            Some((dir, ids)) => (None, dir.clone(), *ids),
            None => {
                let ids = accounts::system_user(&NKUSER1);
                let dir = StateDir::new("postfix-sink");
                let sink = dir.join("sink");
                fs::create_dir(&sink).expect("create sink");
                std::os::unix::fs::chown(&sink, Some(ids.uid), Some(ids.gid)).expect("chown sink");
                (Some(dir), sink, ids)
            }
        };
        let ports = Cell::new(SmtpPorts::default());
        let peer = Peer::start(
            "postfix",
            StateDir::new("postfix"),
            |relay, state| {
                let others: Vec<u16> = distinct_ports(3)
                    .into_iter()
                    .filter(|&p| p != relay)
                    .take(2)
                    .collect();
                let p = SmtpPorts {
                    relay,
                    submission: others[0],
                    smtps: others[1],
                };
                ports.set(p);
                let pf = state.join("pf");
                fs::create_dir(&pf).expect("create pf");
                fs::copy(ca.cert_pem(), pf.join("server.pem")).expect("copy cert");
                fs::copy(ca.key_pem(), pf.join("server.key")).expect("copy key");
                fs::write(
                    pf.join("recipient_access"),
                    format!(
                        "{REFUSED_RCPT} 550 5.1.1 refused by the netkit test map\n\
                         {LATER_RCPT} 450 4.2.0 try later (netkit test map)\n"
                    ),
                )
                .expect("write recipient_access");
                fs::write(pf.join("main.cf"), main_cf(state, &opts, &sink, ids))
                    .expect("write main.cf");
                fs::write(pf.join("master.cf"), master_cf(p)).expect("write master.cf");
                fs::create_dir(state.join("queue")).expect("create queue dir");
                let data = state.join("data");
                fs::create_dir(&data).expect("create data dir");
                let (uid, gid) = postfix_uid_gid();
                std::os::unix::fs::chown(&data, Some(uid), Some(gid)).expect("chown data");
                age_files(&pf);
                postfix_check(&pf, state);
                let mut cmd = Command::new(&master);
                cmd.arg("-c").arg(&pf).arg("-s");
                cmd
            },
            |_| {
                let p = ports.get();
                let mut tcp = Vec::new();
                for port in [p.relay, p.submission, p.smtps] {
                    tcp.push(([127, 0, 0, 1], port).into());
                }
                tcp.push((std::net::Ipv6Addr::LOCALHOST, p.relay).into());
                Readiness {
                    tcp,
                    ..Readiness::default()
                }
            },
        );
        Postfix {
            peer,
            ports: ports.get(),
            maildir: sink.join("Maildir"),
            _own_sink: own_sink,
        }
    }

    pub fn ports(&self) -> SmtpPorts {
        self.ports
    }

    pub fn relay_port(&self) -> u16 {
        self.ports.relay
    }

    pub fn submission_port(&self) -> u16 {
        self.ports.submission
    }

    pub fn smtps_port(&self) -> u16 {
        self.ports.smtps
    }

    /// The Maildir every message is delivered to.
    pub fn maildir(&self) -> &Path {
        &self.maildir
    }

    /// Delivered files so far, in delivery order.
    pub fn messages_now(&self) -> Vec<Delivered> {
        read_maildir(&self.maildir)
    }

    /// Waits (≤ 10 s) until at least `n` files were delivered and returns them all; panics
    /// with the maillog on timeout.
    pub fn wait_messages(&self, n: usize) -> Vec<Delivered> {
        let what = format!("postfix: messages in {}", self.maildir.display());
        super::peer::wait_for_count(n, &what, || self.messages_now(), || self.logs())
    }

    /// postfix's maillog so far (`status=sent`, `NOQUEUE: reject: …`, TLS lines).
    pub fn maillog(&self) -> String {
        fs::read_to_string(self.peer.state().log_dir().join("postfix.log")).unwrap_or_default()
    }

    /// Every log, for assertion messages.
    pub fn logs(&self) -> String {
        self.peer.logs()
    }

    /// Stops postfix now (also done on drop).
    pub fn stop(&mut self) {
        self.peer.stop();
    }

    pub fn peer(&mut self) -> &mut Peer {
        &mut self.peer
    }
}

/// dovecot, then postfix authenticating through it and delivering into nkuser1's Maildir,
/// sharing one test CA. Stopped (in parallel) on drop.
pub struct MailStack {
    pub postfix: Postfix,
    pub dovecot: Dovecot,
    pub ca: TestCa,
}

impl MailStack {
    /// The whole mail stack with default postfix options.
    pub fn start() -> MailStack {
        MailStack::start_with(PostfixOptions::default())
    }

    /// The stack with postfix options (`sasl_socket` and `sink` are filled in).
    pub fn start_with(mut opts: PostfixOptions) -> MailStack {
        let ca = TestCa::new();
        let dovecot = Dovecot::start(&ca);
        opts.sasl_socket = Some(dovecot.sasl_socket());
        opts.sink = Some((dovecot.home(&NKUSER1), accounts::system_user(&NKUSER1)));
        let postfix = Postfix::start(&ca, opts);
        MailStack {
            postfix,
            dovecot,
            ca,
        }
    }

    /// Every log of both servers.
    pub fn logs(&self) -> String {
        format!("{}{}", self.postfix.logs(), self.dovecot.logs())
    }
}

impl Drop for MailStack {
    fn drop(&mut self) {
        let (postfix, dovecot) = (&mut self.postfix, &mut self.dovecot);
        thread::scope(|s| {
            s.spawn(|| postfix.stop());
            dovecot.stop();
        });
    }
}
