//! `netkit pop` against dovecot's POP3 (plain with STLS, and pop3s), with mailboxes the test
//! writes straight into the account's Maildir: what netkit stores must be byte-identical to
//! what RETR serves (the source with CRLF line ends), `--new` must fetch each message once,
//! and `--delete` must remove exactly the saved ones.

use std::fs;
use std::os::unix::fs::{PermissionsExt, chown};
use std::path::{Path, PathBuf};

use crate::util::accounts::{self, Account, NKUSER1, NKUSER2};
use crate::util::ca::TestCa;
use crate::util::dovecot::Dovecot;
use crate::util::{code, netkit, stderr, stdout};

/// A message with 8-bit text, a dot-leading line and a `From ` line, `n` making it unique.
fn message(n: usize, body_len: usize) -> Vec<u8> {
    let mut m = format!(
        "From: a{n}@example.org\nTo: nkuser@example.org\nSubject: message {n}\n\n\
         .leading dot\n..two dots\nFrom the start of a line\nnaïve 8-bit ü\n"
    )
    .into_bytes();
    let line = b"0123456789abcdefghijklmnopqrstuvwxyz0123456789abcdefghijklmnopqrstuvwxyz\n";
    while m.len() < body_len {
        m.extend_from_slice(line);
    }
    m
}

/// What RETR serves for a Maildir file stored with LF ends.
fn wire(source: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(source.len() + source.len() / 40);
    for &b in source {
        if b == b'\n' {
            out.push(b'\r');
        }
        out.push(b);
    }
    out
}

/// Writes messages into the account's INBOX (`Maildir/cur`, owned by the account).
fn seed(dc: &Dovecot, account: &Account, first: usize, messages: &[Vec<u8>]) {
    let ids = accounts::system_user(account);
    let md = dc.maildir(account);
    for sub in ["", "cur", "new", "tmp"] {
        let d = md.join(sub);
        fs::create_dir_all(&d).expect("maildir");
        chown(&d, Some(ids.uid), Some(ids.gid)).expect("chown");
        fs::set_permissions(&d, fs::Permissions::from_mode(0o700)).expect("chmod");
    }
    for (i, m) in messages.iter().enumerate() {
        let name = md
            .join("new")
            .join(format!("{}.M{i}P1.seed", 1_700_000_000 + first + i));
        fs::write(&name, m).expect("seed");
        chown(&name, Some(ids.uid), Some(ids.gid)).expect("chown");
    }
}

fn url(dc: &Dovecot, account: &Account, tls: bool) -> String {
    if tls {
        format!(
            "pop3s://{}:{}@localhost:{}",
            account.user,
            account.url_pass,
            dc.pop3s_port()
        )
    } else {
        format!(
            "pop3://{}:{}@127.0.0.1:{}",
            account.user,
            account.url_pass,
            dc.pop3_port()
        )
    }
}

fn stored(dir: &Path) -> Vec<Vec<u8>> {
    let mut files: Vec<PathBuf> = ["new", "cur"]
        .iter()
        .flat_map(|s| fs::read_dir(dir.join(s)).expect("read dir"))
        .map(|e| e.expect("entry").path())
        .collect();
    files.sort();
    let mut all: Vec<Vec<u8>> = files.iter().map(|f| fs::read(f).expect("read")).collect();
    all.sort();
    all
}

fn sorted_wire(messages: &[Vec<u8>]) -> Vec<Vec<u8>> {
    let mut w: Vec<Vec<u8>> = messages.iter().map(|m| wire(m)).collect();
    w.sort();
    w
}

#[test]
fn ls_stat_and_get_over_stls_with_a_hostile_password() {
    let ca = TestCa::new();
    let dc = Dovecot::start(&ca);
    let msgs: Vec<Vec<u8>> = (0..3).map(|i| message(i, 500 + i * 100)).collect();
    seed(&dc, &NKUSER2, 0, &msgs);
    let cacert = ca.ca_pem();
    let cacert = cacert.to_str().expect("path");
    let u = url(&dc, &NKUSER2, false);

    let out = netkit(&[
        "pop", "stat", &u, "--tls", "required", "--cacert", cacert, "--json", "-q",
    ]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let v: serde_json::Value = serde_json::from_str(stdout(&out).trim()).expect("json");
    let octets: usize = msgs.iter().map(|m| wire(m).len()).sum();
    assert_eq!(v["count"], 3);
    assert_eq!(v["octets"], octets as u64);

    let out = netkit(&["pop", "ls", "--json", &u, "-q", "--cacert", cacert]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let rows: Vec<serde_json::Value> = stdout(&out)
        .lines()
        .map(|l| serde_json::from_str(l).expect("json line"))
        .collect();
    assert_eq!(rows.len(), 3);
    for (i, r) in rows.iter().enumerate() {
        assert_eq!(r["number"], i as u64 + 1);
        assert!(r["uid"].as_str().is_some_and(|s| !s.is_empty()), "{r}");
        assert!(r["size"].as_u64().is_some());
    }
    assert!(!stdout(&out).contains(NKUSER2.pass));

    // get by number and by uid, byte for byte, and headers only.
    let out = netkit(&["pop", "get", &u, "2", "-q", "--cacert", cacert]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let by_number = out.stdout.clone();
    assert!(sorted_wire(&msgs).contains(&by_number));
    let uid = rows[1]["uid"].as_str().expect("uid");
    let file = tempfile::tempdir().expect("tempdir");
    let dest = file.path().join("m.eml");
    let out = netkit(&[
        "pop",
        "get",
        &u,
        "--uid",
        uid,
        "-o",
        dest.to_str().expect("path"),
        "-q",
        "--cacert",
        cacert,
    ]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(fs::read(&dest).expect("read"), by_number);
    let out = netkit(&["pop", "get", &u, "2", "--headers", "-q", "--cacert", cacert]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("Subject: message") && !text.contains("leading dot"),
        "{text}"
    );

    // The -v transcript never shows the password; a wrong one is exit 7.
    let out = netkit(&["pop", "stat", &u, "-v", "--cacert", cacert]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(stderr(&out).contains("STLS"), "{}", stderr(&out));
    assert!(!stderr(&out).contains(NKUSER2.pass));
    let bad = format!("pop3://nkuser2:wrong@127.0.0.1:{}", dc.pop3_port());
    let out = netkit(&["pop", "stat", &bad, "-q", "--cacert", cacert]);
    assert_eq!(code(&out), 7, "{}", stderr(&out));
    // No message 9: -ERR is exit 1; stat --check on an empty box is exit 1.
    let out = netkit(&["pop", "get", &u, "9", "-q", "--cacert", cacert]);
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    let empty = url(&dc, &NKUSER1, false);
    let out = netkit(&["pop", "stat", &empty, "--check", "-q", "--cacert", cacert]);
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    assert_eq!(stdout(&out).trim(), "0 0");
}

#[test]
fn fetch_new_into_a_maildir_saves_each_message_once_and_delete_removes_exactly_those() {
    let ca = TestCa::new();
    let dc = Dovecot::start(&ca);
    let mut msgs: Vec<Vec<u8>> = (0..500).map(|i| message(i, 300 + i % 50)).collect();
    msgs.push(message(500, 30 * 1024 * 1024));
    seed(&dc, &NKUSER1, 0, &msgs);
    let cacert = ca.ca_pem();
    let cacert = cacert.to_str().expect("path");
    let u = url(&dc, &NKUSER1, true);
    let dir = tempfile::tempdir().expect("tempdir");
    let md = dir.path().join("Mail/inbox");
    let md_s = md.to_str().expect("path");

    let out = netkit(&[
        "pop",
        "fetch",
        &u,
        "--maildir",
        md_s,
        "--new",
        "--cacert",
        cacert,
    ]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(
        stdout(&out).contains("501 of 501 messages saved"),
        "{}",
        stdout(&out)
    );
    assert_eq!(stored(&md), sorted_wire(&msgs));
    for sub in ["tmp", "new", "cur"] {
        assert!(md.join(sub).is_dir());
    }
    assert!(fs::read_dir(md.join("tmp")).expect("tmp").next().is_none());

    // A second --new run fetches nothing; new mail is fetched alone.
    let out = netkit(&[
        "pop",
        "fetch",
        &u,
        "--maildir",
        md_s,
        "--new",
        "--cacert",
        cacert,
        "--json",
    ]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let v: serde_json::Value = serde_json::from_str(stdout(&out).trim()).expect("json");
    assert_eq!(
        (v["fetched"].as_u64(), v["known"].as_u64()),
        (Some(0), Some(501)),
        "{v}"
    );
    let later = vec![message(1000, 400), message(1001, 400)];
    seed(&dc, &NKUSER1, 2000, &later);
    let out = netkit(&[
        "pop",
        "fetch",
        &u,
        "--maildir",
        md_s,
        "--new",
        "--delete",
        "--cacert",
        cacert,
        "--json",
    ]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let v: serde_json::Value = serde_json::from_str(stdout(&out).trim()).expect("json");
    assert_eq!(v["fetched"], 2, "{v}");
    assert_eq!(v["deleted"], 503, "{v}");
    let mut all = msgs.clone();
    all.extend(later);
    assert_eq!(stored(&md), sorted_wire(&all));
    let out = netkit(&["pop", "stat", &u, "-q", "--cacert", cacert]);
    assert_eq!(stdout(&out).trim(), "0 0", "{}", stderr(&out));

    // mbox over pop3s: what a reader un-quotes is the source.
    let one = vec![message(7, 200)];
    seed(&dc, &NKUSER1, 3000, &one);
    let mbox = dir.path().join("inbox.mbox");
    let out = netkit(&[
        "pop",
        "fetch",
        &u,
        "--mbox",
        mbox.to_str().expect("path"),
        "--cacert",
        cacert,
        "-q",
    ]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let text = fs::read(&mbox).expect("mbox");
    assert!(text.starts_with(b"From MAILER-DAEMON "));
    let body_start = text.iter().position(|&b| b == b'\n').expect("line") + 1;
    let mut expect = one[0].clone();
    let quoted = b"\n>From the start";
    let at = expect
        .windows(16)
        .position(|w| w == b"\nFrom the start ")
        .expect("from line");
    expect.splice(at..at + 5, quoted[..6].iter().copied());
    expect.push(b'\n');
    assert_eq!(&text[body_start..], &expect[..]);
    assert!(!dir.path().join("inbox.mbox.lock").exists());
}

/// SIGKILL at many points of a 200-message `fetch --new --delete`, then a run to the end:
/// every message is stored exactly once and the server is empty, in a Maildir and in mbox.
#[test]
fn kill_9_at_any_point_loses_and_duplicates_nothing() {
    use std::process::{Command, Stdio};
    use std::time::Duration;
    let ca = TestCa::new();
    let dc = Dovecot::start(&ca);
    let cacert = ca.ca_pem();
    let cacert = cacert.to_str().expect("path");
    let dir = tempfile::tempdir().expect("tempdir");
    for (round, account) in [NKUSER1, NKUSER2].iter().enumerate() {
        let msgs: Vec<Vec<u8>> = (0..200)
            .map(|i| message(round * 1000 + i, 20 * 1024))
            .collect();
        seed(&dc, account, round * 1000, &msgs);
        let u = url(&dc, account, false);
        let dest = dir.path().join(format!("dest{round}"));
        let dest_s = dest.to_str().expect("path").to_owned();
        let kind = if round == 0 { "--maildir" } else { "--mbox" };
        let args = |extra: &[&str]| -> Vec<String> {
            let mut a: Vec<String> = ["pop", "fetch", &u, kind, &dest_s, "--new", "--delete", "-q"]
                .iter()
                .map(|s| s.to_string())
                .collect();
            a.extend(["--cacert".to_owned(), cacert.to_owned()]);
            a.extend(extra.iter().map(|s| s.to_string()));
            a
        };
        for ms in [2u64, 10, 25, 35, 45, 55, 65, 80, 100, 130] {
            let mut child = Command::new(crate::util::netkit_path())
                .args(args(&[]))
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .expect("spawn");
            std::thread::sleep(Duration::from_millis(ms));
            let _ = child.kill();
            let _ = child.wait();
            if std::env::var_os("NETKIT_TEST_VERBOSE").is_some() {
                let saved = if round == 0 {
                    fs::read_dir(dest.join("new")).map_or(0, |d| d.count())
                } else {
                    fs::read_to_string(&dest).map_or(0, |t| t.matches("From MAILER-DAEMON").count())
                };
                eprintln!("killed after {ms} ms: {saved} saved");
            }
        }
        let out = netkit(&args(&[]).iter().map(String::as_str).collect::<Vec<_>>());
        assert_eq!(code(&out), 0, "{}", stderr(&out));
        let out = netkit(&["pop", "stat", &u, "-q", "--cacert", cacert]);
        assert_eq!(stdout(&out).trim(), "0 0", "{}", stderr(&out));
        if round == 0 {
            assert_eq!(
                stored(&dest),
                sorted_wire(&msgs),
                "Maildir: each message once"
            );
        } else {
            let text = String::from_utf8(fs::read(&dest).expect("mbox")).expect("utf8");
            assert_eq!(text.matches("\nFrom MAILER-DAEMON ").count() + 1, 200);
            for i in 0..200 {
                let subject = format!("\nSubject: message {}\n", round * 1000 + i);
                assert_eq!(text.matches(&subject).count(), 1, "mbox: {subject:?} once");
            }
            assert!(text.ends_with("\n\n"));
        }
    }
}
