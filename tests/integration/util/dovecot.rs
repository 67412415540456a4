//! dovecot 2.3 (Debian packages `dovecot-imapd dovecot-pop3d`): IMAP, IMAPS, POP3, POP3S on
//! 127.0.0.1 and ::1 at ports the harness picks, and the SASL socket postfix authenticates
//! through (PEERS.md "dovecot").
//!
//! * `dovecot -c $CONF -n` validates, `dovecot -F -c $CONF` runs in the foreground as root;
//!   the config is self-contained (no `/etc/dovecot` includes). Logs: `$STATE/log/dovecot.log`.
//! * Users: a passwd-file (root:dovecot 640) with both test accounts as `{PLAIN}` (nkuser2's
//!   ':' forces `{PLAIN.b64}`), so PLAIN, LOGIN, CRAM-MD5, SCRAM-SHA-1 and SCRAM-SHA-256 all
//!   work. uid/gid are the system accounts from [`accounts::system_user`] (`first_valid_uid =
//!   1000`); homes live in a separate [`StateDir`] (`home/nkuser1`, `home/nkuser2`), mail in
//!   `~/Maildir`, namespace separator `/`, special-use Drafts/Sent/Trash.
//! * No auth penalty: `auth_failure_delay = 0` + `anvil-auth-penalty` mode 0 (else 2→4→8 s).
//! * `pop3_no_flag_updates = yes`; `mail_max_userip_connections = 100`;
//!   `disable_plaintext_auth = no` (127.0.0.1 counts as secured anyway).
//! * SASL for postfix: `service auth { unix_listener auth-postfix { mode = 0666 } }`, the
//!   path relative to `base_dir`; [`Dovecot::sasl_socket`] is the absolute path for
//!   `smtpd_sasl_path`. Ready = all four ports accept and the socket exists.
//! * Stop: SIGTERM to the master alone takes ~1.3 s (it waits for its children); `Peer`
//!   signals the whole process group, which takes ~20 ms.

use std::cell::Cell;
use std::fs;
use std::os::unix::fs::{PermissionsExt, chown};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::thread;
use std::time::{Duration, Instant};

use super::accounts::{self, Account, Ids};
use super::ca::TestCa;
use super::peer::{Peer, Readiness, StateDir, free_port, require_binary};

/// The four listener ports.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct MailPorts {
    pub imap: u16,
    pub imaps: u16,
    pub pop3: u16,
    pub pop3s: u16,
}

/// A running dovecot; stopped on drop.
pub struct Dovecot {
    peer: Peer,
    ports: MailPorts,
    homes: StateDir,
}

/// `n` distinct free ports (`free_port` may hand back a port it just released).
pub fn distinct_ports(n: usize) -> Vec<u16> {
    let mut ports: Vec<u16> = Vec::with_capacity(n);
    while ports.len() < n {
        let p = free_port();
        if !ports.contains(&p) {
            ports.push(p);
        }
    }
    ports
}

fn group_gid(name: &str) -> Option<u32> {
    let groups = fs::read_to_string("/etc/group").ok()?;
    let line = groups.lines().find(|l| l.split(':').next() == Some(name))?;
    line.split(':').nth(2)?.parse().ok()
}

/// A passwd-file line: `user:{SCHEME}pass:uid:gid::home::`.
fn passwd_line(a: &Account, ids: Ids, home: &Path) -> String {
    use base64::Engine as _;
    let pass = if a.pass.contains(':') {
        let b64 = base64::engine::general_purpose::STANDARD.encode(a.pass);
        format!("{{PLAIN.b64}}{b64}")
    } else {
        format!("{{PLAIN}}{}", a.pass)
    };
    format!(
        "{}:{pass}:{}:{}::{}::\n",
        a.user,
        ids.uid,
        ids.gid,
        home.display()
    )
}

fn config(state: &StateDir, p: MailPorts, users: &Path) -> String {
    let s = state.path().display();
    format!(
        r#"base_dir = {s}/run
state_dir = {s}/lib
log_path = {s}/log/dovecot.log
protocols = imap pop3
listen = 127.0.0.1, ::1
disable_plaintext_auth = no
auth_mechanisms = plain login cram-md5 scram-sha-1 scram-sha-256
auth_failure_delay = 0
auth_verbose = yes
first_valid_uid = 1000
mail_location = maildir:~/Maildir
mail_max_userip_connections = 100
pop3_no_flag_updates = yes
ssl = yes
ssl_cert = <{s}/server.pem
ssl_key = <{s}/server.key
ssl_dh = </usr/share/dovecot/dh.pem
passdb {{
  driver = passwd-file
  args = {users}
}}
userdb {{
  driver = passwd-file
  args = {users}
}}
namespace inbox {{
  inbox = yes
  separator = /
  mailbox Drafts {{
    special_use = \Drafts
  }}
  mailbox Sent {{
    special_use = \Sent
  }}
  mailbox Trash {{
    special_use = \Trash
  }}
}}
service imap-login {{
  inet_listener imap {{
    port = {imap}
  }}
  inet_listener imaps {{
    port = {imaps}
    ssl = yes
  }}
}}
service pop3-login {{
  inet_listener pop3 {{
    port = {pop3}
  }}
  inet_listener pop3s {{
    port = {pop3s}
    ssl = yes
  }}
}}
service auth {{
  unix_listener auth-postfix {{
    mode = 0666
  }}
}}
service anvil {{
  unix_listener anvil-auth-penalty {{
    mode = 0
  }}
}}
"#,
        users = users.display(),
        imap = p.imap,
        imaps = p.imaps,
        pop3 = p.pop3,
        pop3s = p.pop3s,
    )
}

impl Dovecot {
    /// Starts dovecot with both test accounts and `ca`'s server certificate (~0.3 s).
    pub fn start(ca: &TestCa) -> Dovecot {
        let bin = require_binary("/usr/sbin/dovecot", "dovecot-imapd dovecot-pop3d");
        require_binary("/usr/lib/dovecot/imap", "dovecot-imapd");
        require_binary("/usr/lib/dovecot/pop3", "dovecot-pop3d");
        let homes = StateDir::new("mailhome");
        fs::set_permissions(homes.path(), fs::Permissions::from_mode(0o755)).expect("chmod homes");
        let mut users = String::new();
        for a in accounts::ALL {
            let ids = accounts::system_user(&a);
            let home = homes.join(a.user);
            fs::create_dir_all(&home).expect("create home");
            chown(&home, Some(ids.uid), Some(ids.gid)).expect("chown home");
            users.push_str(&passwd_line(&a, ids, &home));
        }
        let ports = Cell::new(MailPorts::default());
        let peer = Peer::start(
            "dovecot",
            StateDir::new("dovecot"),
            |imap, state| {
                let more = distinct_ports(4);
                let others: Vec<u16> = more.into_iter().filter(|&p| p != imap).take(3).collect();
                let p = MailPorts {
                    imap,
                    imaps: others[0],
                    pop3: others[1],
                    pop3s: others[2],
                };
                ports.set(p);
                fs::copy(ca.cert_pem(), state.join("server.pem")).expect("copy cert");
                fs::copy(ca.key_pem(), state.join("server.key")).expect("copy key");
                let users_file = state.join("users");
                fs::write(&users_file, &users).expect("write users");
                let _ = chown(&users_file, Some(0), group_gid("dovecot"));
                fs::set_permissions(&users_file, fs::Permissions::from_mode(0o640))
                    .expect("chmod users");
                let conf = state.join("dovecot.conf");
                fs::write(&conf, config(state, p, &users_file)).expect("write dovecot.conf");
                let check = Command::new(&bin)
                    .arg("-c")
                    .arg(&conf)
                    .arg("-n")
                    .output()
                    .expect("run dovecot -n");
                assert!(
                    check.status.success(),
                    "dovecot -n rejects the config: {}\n{}",
                    String::from_utf8_lossy(&check.stderr).escape_debug(),
                    state.logs()
                );
                let mut cmd = Command::new(&bin);
                cmd.arg("-F").arg("-c").arg(&conf);
                cmd
            },
            |_| {
                let p = ports.get();
                let v4 = |port: u16| ([127, 0, 0, 1], port).into();
                Readiness {
                    tcp: vec![
                        v4(p.imap),
                        v4(p.imaps),
                        v4(p.pop3),
                        v4(p.pop3s),
                        (std::net::Ipv6Addr::LOCALHOST, p.imap).into(),
                    ],
                    ..Readiness::default()
                }
            },
        );
        let dovecot = Dovecot {
            peer,
            ports: ports.get(),
            homes,
        };
        let end = Instant::now() + Duration::from_secs(5);
        while !dovecot.sasl_socket().exists() {
            assert!(
                Instant::now() < end,
                "dovecot: no {} after 5 s\n{}",
                dovecot.sasl_socket().display(),
                dovecot.logs()
            );
            thread::sleep(Duration::from_millis(50));
        }
        dovecot
    }

    pub fn ports(&self) -> MailPorts {
        self.ports
    }

    pub fn imap_port(&self) -> u16 {
        self.ports.imap
    }

    pub fn imaps_port(&self) -> u16 {
        self.ports.imaps
    }

    pub fn pop3_port(&self) -> u16 {
        self.ports.pop3
    }

    pub fn pop3s_port(&self) -> u16 {
        self.ports.pop3s
    }

    /// Absolute path of the SASL socket for postfix's `smtpd_sasl_path`.
    pub fn sasl_socket(&self) -> PathBuf {
        self.peer.state().join("run/auth-postfix")
    }

    /// The account's home (owned by it); postfix's sink is nkuser1's.
    pub fn home(&self, account: &Account) -> PathBuf {
        self.homes.join(account.user)
    }

    /// `home/Maildir`: INBOX (created by dovecot or postfix on first use).
    pub fn maildir(&self, account: &Account) -> PathBuf {
        self.home(account).join("Maildir")
    }

    /// dovecot's log so far.
    pub fn log(&self) -> String {
        fs::read_to_string(self.peer.state().log_dir().join("dovecot.log")).unwrap_or_default()
    }

    /// Every log, for assertion messages.
    pub fn logs(&self) -> String {
        self.peer.logs()
    }

    /// Stops dovecot now (also done on drop).
    pub fn stop(&mut self) {
        self.peer.stop();
    }

    pub fn peer(&mut self) -> &mut Peer {
        &mut self.peer
    }
}
