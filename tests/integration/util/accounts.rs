//! The test accounts every peer knows (PEERS.md "Accounts"): [`NKUSER1`] and [`NKUSER2`],
//! whose password has every character that needs care (`@ : / space %`).
//!
//! Mail peers need a real uid to own Maildirs (postfix's `virtual_uid_maps`, dovecot's
//! passwd-file), so [`system_user`] makes `nkuser1`/`nkuser2` system accounts the way
//! PEERS.md does for vsftpd (`useradd -M -s /bin/sh`, password via `chpasswd`), once per
//! machine. It is safe when tests run in parallel, here and in other worktrees:
//! * a lock file (`/run/lock/netkit-accounts.lock`, `File::lock`) serialises our own
//!   processes;
//! * `useradd` exit 9 ("already exists") counts as success, and exit 10 (cannot lock
//!   `/etc/passwd`: a foreign useradd is running) is retried for up to 5 s;
//! * an existing account is never modified (another harness may have set its home with
//!   `usermod -d`); only its uid/gid are read.

use std::fs;
use std::io::Write;
use std::process::{Command, Stdio};
use std::thread;
use std::time::{Duration, Instant};

/// A test account.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Account {
    pub user: &'static str,
    pub pass: &'static str,
    /// The password percent-encoded for URL userinfo.
    pub url_pass: &'static str,
}

pub const NKUSER1: Account = Account {
    user: "nkuser1",
    pass: "nkuser1-pass",
    url_pass: "nkuser1-pass",
};

pub const NKUSER2: Account = Account {
    user: "nkuser2",
    pass: "p@ss:w/rd %1",
    url_pass: "p%40ss%3Aw%2Frd%20%251",
};

/// Both accounts.
pub const ALL: [Account; 2] = [NKUSER1, NKUSER2];

/// uid and gid of a system account.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Ids {
    pub uid: u32,
    pub gid: u32,
}

/// `NAME`'s uid/gid from /etc/passwd, if it exists.
pub fn lookup(name: &str) -> Option<Ids> {
    let passwd = fs::read_to_string("/etc/passwd").ok()?;
    let line = passwd.lines().find(|l| l.split(':').next() == Some(name))?;
    let mut f = line.split(':').skip(2);
    Some(Ids {
        uid: f.next()?.parse().ok()?,
        gid: f.next()?.parse().ok()?,
    })
}

/// The account as a system user, created when missing; panics with useradd's output when
/// it cannot be made.
pub fn system_user(account: &Account) -> Ids {
    if let Some(ids) = lookup(account.user) {
        return ids;
    }
    let lock_path = if fs::metadata("/run/lock").is_ok_and(|m| m.is_dir()) {
        "/run/lock/netkit-accounts.lock".to_owned()
    } else {
        std::env::temp_dir()
            .join("netkit-accounts.lock")
            .display()
            .to_string()
    };
    let lock = fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&lock_path)
        .unwrap_or_else(|e| panic!("cannot open {lock_path}: {e}"));
    lock.lock()
        .unwrap_or_else(|e| panic!("cannot lock {lock_path}: {e}"));
    // Another of our processes may have made it while we waited.
    if let Some(ids) = lookup(account.user) {
        return ids;
    }
    let end = Instant::now() + Duration::from_secs(5);
    loop {
        let out = Command::new("useradd")
            .args(["-M", "-d", "/nonexistent", "-s", "/bin/sh", account.user])
            .output()
            .unwrap_or_else(|e| panic!("cannot run useradd (package passwd): {e}"));
        match out.status.code() {
            Some(0) => {
                set_password(account);
                break;
            }
            Some(9) => break,
            Some(10) if Instant::now() < end => thread::sleep(Duration::from_millis(100)),
            _ => panic!(
                "useradd {} failed ({}): {}",
                account.user,
                out.status,
                String::from_utf8_lossy(&out.stderr).escape_debug()
            ),
        }
    }
    lookup(account.user)
        .unwrap_or_else(|| panic!("{} missing from /etc/passwd after useradd", account.user))
}

/// `chpasswd` splits at the first ':', so NKUSER2's password survives intact.
fn set_password(account: &Account) {
    let mut child = Command::new("chpasswd")
        .stdin(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run chpasswd");
    let mut stdin = child.stdin.take().expect("chpasswd stdin");
    let _ = writeln!(stdin, "{}:{}", account.user, account.pass);
    drop(stdin);
    let out = child.wait_with_output().expect("wait chpasswd");
    assert!(
        out.status.success(),
        "chpasswd for {} failed: {}",
        account.user,
        String::from_utf8_lossy(&out.stderr).escape_debug()
    );
}
