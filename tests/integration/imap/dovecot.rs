//! `netkit imap` against dovecot's IMAP (plain with STARTTLS, and imaps), with mailboxes the
//! test writes straight into the account's Maildir: names that need modified UTF-7, flags in
//! the file names, and what netkit exports must be byte-identical to what BODY[] serves.
//! Every read must leave `\Seen` as it was.

use std::fs;
use std::os::unix::fs::{PermissionsExt, chown};
use std::path::{Path, PathBuf};

use crate::util::accounts::{self, Account, NKUSER1, NKUSER2};
use crate::util::ca::TestCa;
use crate::util::dovecot::Dovecot;
use crate::util::{code, netkit, stderr, stdout};

/// A message with 8-bit text and dot-leading lines, `n` making it unique.
fn message(n: usize, body_len: usize) -> Vec<u8> {
    let mut m = format!(
        "From: sender{n}@example.org\nTo: nkuser@example.org\nSubject: message {n}\n\n\
         .leading dot\nFrom the start of a line\nnaïve 8-bit ü\n"
    )
    .into_bytes();
    let line = b"0123456789abcdefghijklmnopqrstuvwxyz0123456789abcdefghijklmnopqrstuvwxyz\n";
    while m.len() < body_len {
        m.extend_from_slice(line);
    }
    m
}

/// What BODY[] serves for a Maildir file stored with LF ends.
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

fn own(path: &Path, account: &Account, mode: u32) {
    let ids = accounts::system_user(account);
    chown(path, Some(ids.uid), Some(ids.gid)).expect("chown");
    fs::set_permissions(path, fs::Permissions::from_mode(mode)).expect("chmod");
}

/// Writes messages into a folder (`""` = INBOX; else the on-disk Maildir++ name such as
/// `.Entw&APw-rfe`), each with Maildir flags (`"S"` = \Seen).
fn seed(dc: &Dovecot, account: &Account, folder: &str, first: usize, messages: &[(Vec<u8>, &str)]) {
    let root = dc.maildir(account);
    let md = if folder.is_empty() {
        root.clone()
    } else {
        root.join(folder)
    };
    for d in [
        root.clone(),
        md.clone(),
        md.join("cur"),
        md.join("new"),
        md.join("tmp"),
    ] {
        fs::create_dir_all(&d).expect("maildir");
        own(&d, account, 0o700);
    }
    if !folder.is_empty() {
        let marker = md.join("maildirfolder");
        fs::write(&marker, b"").expect("maildirfolder");
        own(&marker, account, 0o600);
    }
    for (i, (m, flags)) in messages.iter().enumerate() {
        let name = md.join("cur").join(format!(
            "{}.M{i}P1.seed:2,{flags}",
            1_700_000_000 + first + i
        ));
        fs::write(&name, m).expect("seed");
        own(&name, account, 0o600);
    }
}

fn url(dc: &Dovecot, account: &Account, tls: bool) -> String {
    if tls {
        format!(
            "imaps://{}:{}@localhost:{}",
            account.user,
            account.url_pass,
            dc.imaps_port()
        )
    } else {
        format!(
            "imap://{}:{}@127.0.0.1:{}",
            account.user,
            account.url_pass,
            dc.imap_port()
        )
    }
}

fn stored(dir: &Path) -> Vec<Vec<u8>> {
    let mut files: Vec<PathBuf> = ["new", "cur"]
        .iter()
        .flat_map(|s| fs::read_dir(dir.join(s)).into_iter().flatten())
        .map(|e| e.expect("entry").path())
        .collect();
    files.sort();
    let mut all: Vec<Vec<u8>> = files.iter().map(|f| fs::read(f).expect("read")).collect();
    all.sort();
    all
}

fn sorted_wire(messages: &[Vec<u8>]) -> Vec<Vec<u8>> {
    let mut v: Vec<Vec<u8>> = messages.iter().map(|m| wire(m)).collect();
    v.sort();
    v
}

/// The names of the files in the account's folder (flags are in them).
fn server_files(dc: &Dovecot, account: &Account, folder: &str) -> Vec<String> {
    let md = dc.maildir(account).join(folder);
    let mut names: Vec<String> = ["cur", "new"]
        .iter()
        .flat_map(|s| fs::read_dir(md.join(s)).into_iter().flatten())
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

fn json_lines(text: &str) -> Vec<serde_json::Value> {
    text.lines()
        .map(|l| serde_json::from_str(l).expect("json line"))
        .collect()
}

#[test]
fn ls_status_search_and_get_with_utf7_names_leave_seen_alone() {
    let ca = TestCa::new();
    let dc = Dovecot::start(&ca);
    let msgs: Vec<Vec<u8>> = (0..3).map(|i| message(i, 400 + i * 100)).collect();
    seed(
        &dc,
        &NKUSER2,
        "",
        0,
        &[
            (msgs[0].clone(), "S"),
            (msgs[1].clone(), ""),
            (msgs[2].clone(), ""),
        ],
    );
    for folder in [
        ".Entw&APw-rfe",
        ".&ZeVnLA-",
        ".with space",
        ".quo\"te\\back",
    ] {
        seed(&dc, &NKUSER2, folder, 10, &[(message(10, 300), "")]);
    }
    let before = server_files(&dc, &NKUSER2, "");
    let cacert = ca.ca_pem();
    let cacert = cacert.to_str().expect("path");
    let u = url(&dc, &NKUSER2, false);

    let out = netkit(&[
        "imap", "ls", "--json", &u, "--tls", "required", "--cacert", cacert, "-q",
    ]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let rows = json_lines(&stdout(&out));
    let names: Vec<&str> = rows.iter().filter_map(|r| r["mailbox"].as_str()).collect();
    for want in ["INBOX", "Entwürfe", "日本", "with space", "quo\"te\\back"] {
        assert!(names.contains(&want), "{want} in {names:?}");
    }
    let inbox = rows
        .iter()
        .find(|r| r["mailbox"] == "INBOX")
        .expect("INBOX");
    assert_eq!(inbox["messages"], 3);
    assert_eq!(inbox["unseen"], 2);
    assert!(inbox["uidvalidity"].as_u64().is_some() && inbox["uidnext"] == 4);

    for name in ["Entwürfe", "日本", "with space", "quo\"te\\back"] {
        let out = netkit(&[
            "imap", "status", &u, name, "--json", "--cacert", cacert, "-q",
        ]);
        assert_eq!(code(&out), 0, "{name}: {}", stderr(&out));
        let v: serde_json::Value = serde_json::from_str(stdout(&out).trim()).expect("json");
        assert_eq!(v["mailbox"], name);
        assert_eq!(v["messages"], 1, "{name}");
    }
    // The mailbox in the URL path (RFC 5092), percent-encoded UTF-8.
    let in_path = format!(
        "imap://{}:{}@127.0.0.1:{}/Entw%C3%BCrfe",
        NKUSER2.user,
        NKUSER2.url_pass,
        dc.imap_port()
    );
    let out = netkit(&["imap", "status", &in_path, "--cacert", cacert, "-q"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(
        stdout(&out).starts_with("Entwürfe\t1\t1\t"),
        "{}",
        stdout(&out)
    );

    // search: UIDs one a line, nothing else; flags and raw keys; a string with a quote.
    let search = |extra: &[&str]| {
        let mut a = vec![
            "imap",
            "search",
            u.as_str(),
            "INBOX",
            "--cacert",
            cacert,
            "-q",
        ];
        a.extend_from_slice(extra);
        let out = netkit(&a);
        assert_eq!(code(&out), 0, "{extra:?}: {}", stderr(&out));
        stdout(&out)
    };
    assert_eq!(search(&[]), "1\n2\n3\n");
    assert_eq!(search(&["--unseen"]), "2\n3\n");
    assert_eq!(search(&["--from", "sender1@"]), "2\n");
    assert_eq!(search(&["SUBJECT", "message 2"]), "3\n");
    assert_eq!(search(&["--subject", "no \"such\" thing"]), "");
    assert_eq!(search(&["--since", "2000-01-01", "NOT", "SEEN"]), "2\n3\n");
    assert_eq!(
        search(&["OR", "FROM", "sender0", "FROM", "sender2"]),
        "1\n3\n"
    );

    // get: byte-identical to what the server serves, by section too, to a file.
    let out = netkit(&["imap", "get", &u, "INBOX", "2", "--cacert", cacert, "-q"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(out.stdout, wire(&msgs[1]));
    let out = netkit(&[
        "imap",
        "get",
        &u,
        "INBOX",
        "3",
        "--section",
        "header",
        "--cacert",
        cacert,
        "-q",
    ]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("Subject: message 2\r\n") && text.ends_with("\r\n\r\n"),
        "{text}"
    );
    let dir = tempfile::tempdir().expect("tempdir");
    let dest = dir.path().join("m.eml");
    let imaps = url(&dc, &NKUSER2, true);
    let out = netkit(&[
        "imap",
        "get",
        &imaps,
        "INBOX",
        "1",
        "-o",
        dest.to_str().expect("path"),
        "--cacert",
        cacert,
        "-q",
    ]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(fs::read(&dest).expect("read"), wire(&msgs[0]));
    let out = netkit(&["imap", "get", &u, "INBOX", "9", "--cacert", cacert, "-q"]);
    assert_eq!(code(&out), 1, "{}", stderr(&out));

    // No read changed a flag.
    assert_eq!(server_files(&dc, &NKUSER2, ""), before);
    let out = netkit(&[
        "imap", "status", &u, "INBOX", "--json", "--cacert", cacert, "-q",
    ]);
    let v: serde_json::Value = serde_json::from_str(stdout(&out).trim()).expect("json");
    assert_eq!(v["unseen"], 2);

    // -v shows STARTTLS but never the password; a wrong password is exit 7.
    let out = netkit(&["imap", "status", &u, "INBOX", "-v", "--cacert", cacert]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(stderr(&out).contains("STARTTLS"), "{}", stderr(&out));
    assert!(!stderr(&out).contains(NKUSER2.pass), "{}", stderr(&out));
    for mech in ["PLAIN", "LOGIN", "CRAM-MD5", "LOGIN-CMD"] {
        let out = netkit(&[
            "imap", "status", &u, "INBOX", "--auth", mech, "--cacert", cacert, "-q",
        ]);
        assert_eq!(code(&out), 0, "{mech}: {}", stderr(&out));
    }
    let bad = format!("imap://nkuser2:wrong@127.0.0.1:{}", dc.imap_port());
    let out = netkit(&["imap", "status", &bad, "INBOX", "--cacert", cacert, "-q"]);
    assert_eq!(code(&out), 7, "{}", stderr(&out));
    let out = netkit(&[
        "imap",
        "status",
        &u,
        "No Such Box",
        "--cacert",
        cacert,
        "-q",
    ]);
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    // quote prints the responses as received.
    let out = netkit(&["imap", "quote", &u, "NOOP", "--cacert", cacert, "-q"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(stdout(&out).contains(" OK "), "{}", stdout(&out));
    let out = netkit(&[
        "imap", "quote", &u, "EXAMINE", "Nope", "--cacert", cacert, "-q",
    ]);
    assert_eq!(code(&out), 1, "{}", stderr(&out));
}

#[test]
fn export_new_saves_each_message_once_and_a_new_uidvalidity_starts_over() {
    let ca = TestCa::new();
    let dc = Dovecot::start(&ca);
    let mut msgs: Vec<Vec<u8>> = (0..500).map(|i| message(i, 300 + i % 50)).collect();
    msgs.push(message(999, 50 * 1024 * 1024));
    let seeded: Vec<(Vec<u8>, &str)> = msgs
        .iter()
        .enumerate()
        .map(|(i, m)| (m.clone(), if i % 3 == 0 { "S" } else { "" }))
        .collect();
    seed(&dc, &NKUSER1, "", 0, &seeded);
    let before = server_files(&dc, &NKUSER1, "");
    let cacert = ca.ca_pem();
    let cacert = cacert.to_str().expect("path");
    let u = format!("{}/INBOX", url(&dc, &NKUSER1, true));
    let dir = tempfile::tempdir().expect("tempdir");
    let md = dir.path().join("md");
    let md_s = md.to_str().expect("path");

    let out = netkit(&[
        "imap",
        "export",
        &u,
        "--maildir",
        md_s,
        "--new",
        "--json",
        "--cacert",
        cacert,
        "-q",
    ]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let v: serde_json::Value = serde_json::from_str(stdout(&out).trim()).expect("json");
    assert_eq!(v["exported"], 501, "{v}");
    assert_eq!(stored(&md), sorted_wire(&msgs));
    // Flags carried into the Maildir names: a third are \Seen.
    let seen = fs::read_dir(md.join("cur"))
        .expect("cur")
        .filter(|e| {
            e.as_ref()
                .expect("e")
                .file_name()
                .to_string_lossy()
                .ends_with(":2,S")
        })
        .count();
    assert_eq!(seen, 167);
    assert_eq!(server_files(&dc, &NKUSER1, ""), before, "\\Seen untouched");

    // Again: nothing new. Then two new messages: only they come.
    let out = netkit(&[
        "imap",
        "export",
        &u,
        "--maildir",
        md_s,
        "--new",
        "--json",
        "--cacert",
        cacert,
        "-q",
    ]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let v: serde_json::Value = serde_json::from_str(stdout(&out).trim()).expect("json");
    assert_eq!(
        (v["exported"].as_u64(), v["known"].as_u64()),
        (Some(0), Some(501)),
        "{v}"
    );
    let extra: Vec<Vec<u8>> = (0..2).map(|i| message(2000 + i, 1000)).collect();
    let files: Vec<PathBuf> = extra
        .iter()
        .enumerate()
        .map(|(i, m)| {
            let p = dir.path().join(format!("new{i}.eml"));
            fs::write(&p, m).expect("write");
            p
        })
        .collect();
    let out = netkit(&[
        "imap",
        "append",
        &u,
        files[0].to_str().expect("p"),
        files[1].to_str().expect("p"),
        "--cacert",
        cacert,
        "-q",
    ]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let out = netkit(&[
        "imap",
        "export",
        &u,
        "--maildir",
        md_s,
        "--new",
        "--cacert",
        cacert,
    ]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(
        stdout(&out).starts_with("2 of 503 messages"),
        "{}",
        stdout(&out)
    );
    let mut all = msgs.clone();
    all.extend(extra.iter().cloned());
    assert_eq!(stored(&md), sorted_wire(&all));

    // mbox export of the same box: every message once, From_ lines quoted.
    let mbox = dir.path().join("inbox.mbox");
    let out = netkit(&[
        "imap",
        "export",
        &u,
        "--mbox",
        mbox.to_str().expect("p"),
        "--new",
        "--cacert",
        cacert,
        "-q",
    ]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let text = fs::read(&mbox).expect("mbox");
    let text = String::from_utf8_lossy(&text);
    assert_eq!(text.matches("\nFrom MAILER-DAEMON ").count() + 1, 503);
    assert_eq!(text.matches("\n>From the start of a line\n").count(), 503);

    // A new UIDVALIDITY (the box deleted and made again): a warning and a full export.
    let u1 = url(&dc, &NKUSER1, true);
    for cmd in [["CREATE", "Box2"], ["DELETE", "Box2"], ["CREATE", "Box2"]] {
        let out = netkit(&[
            "imap", "quote", &u1, cmd[0], cmd[1], "--cacert", cacert, "-q",
        ]);
        if cmd[0] == "CREATE" {
            assert_eq!(code(&out), 0, "{cmd:?}: {}", stderr(&out));
        }
    }
    let b2 = format!("{u1}/Box2");
    let md2 = dir.path().join("md2");
    let md2_s = md2.to_str().expect("p");
    let out = netkit(&[
        "imap",
        "append",
        &b2,
        files[0].to_str().expect("p"),
        "--cacert",
        cacert,
        "-q",
    ]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let out = netkit(&[
        "imap",
        "export",
        &b2,
        "--maildir",
        md2_s,
        "--new",
        "--cacert",
        cacert,
        "-q",
    ]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let out = netkit(&[
        "imap", "quote", &u1, "DELETE", "Box2", "--cacert", cacert, "-q",
    ]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let out = netkit(&[
        "imap", "quote", &u1, "CREATE", "Box2", "--cacert", cacert, "-q",
    ]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let out = netkit(&[
        "imap",
        "append",
        &b2,
        files[1].to_str().expect("p"),
        "--cacert",
        cacert,
        "-q",
    ]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let out = netkit(&[
        "imap",
        "export",
        &b2,
        "--maildir",
        md2_s,
        "--new",
        "--cacert",
        cacert,
    ]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(
        stderr(&out).contains("UIDVALIDITY changed"),
        "{}",
        stderr(&out)
    );
    assert!(
        stdout(&out).starts_with("1 of 1 messages"),
        "{}",
        stdout(&out)
    );
    assert_eq!(stored(&md2).len(), 2);
}

/// The UIDs `search` prints for `criteria` in `mailbox`.
fn uids(u: &str, cacert: &str, mailbox: &str, criteria: &[&str]) -> Vec<u32> {
    let mut a = vec!["imap", "search", u, mailbox, "--cacert", cacert, "-q"];
    a.extend_from_slice(criteria);
    let out = netkit(&a);
    assert_eq!(code(&out), 0, "{criteria:?}: {}", stderr(&out));
    stdout(&out)
        .lines()
        .map(|l| l.parse().expect("uid"))
        .collect()
}

#[test]
fn append_flag_copy_move_and_rm_touch_exactly_the_uids_named_and_idle_wakes_on_new_mail() {
    let ca = TestCa::new();
    let dc = Dovecot::start(&ca);
    let cacert = ca.ca_pem();
    let cacert = cacert.to_str().expect("path");
    let u = url(&dc, &NKUSER2, false);
    let dir = tempfile::tempdir().expect("tempdir");
    let mut files = Vec::new();
    for i in 0..5 {
        let p = dir.path().join(format!("m{i}.eml"));
        // LF line ends and one bare CR: appended as CRLF throughout.
        let mut m = message(100 + i, 200);
        m.extend_from_slice(b"bare\rcr\n");
        fs::write(&p, &m).expect("write");
        files.push(p.to_str().expect("p").to_owned());
    }
    let mut args = vec![
        "imap", "append", &u, "INBOX", "--json", "--cacert", cacert, "-q",
    ];
    args.extend(files.iter().map(String::as_str));
    args.extend(["--flags", "\\Seen"]);
    let out = netkit(&args);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let rows = json_lines(&stdout(&out));
    let appended: Vec<u64> = rows.iter().filter_map(|r| r["uid"].as_u64()).collect();
    assert_eq!(appended, [1, 2, 3, 4, 5], "APPENDUID: {rows:?}");
    let out = netkit(&["imap", "get", &u, "INBOX", "1", "--cacert", cacert, "-q"]);
    let mut expect = wire(&message(100, 200));
    expect.extend_from_slice(b"bare\r\ncr\r\n");
    assert_eq!(out.stdout, expect, "appended with CRLF line ends");
    assert_eq!(uids(&u, cacert, "INBOX", &["SEEN"]), [1, 2, 3, 4, 5]);

    // flag: + and - in one run; `--` lets a -FLAG through.
    let out = netkit(&[
        "imap",
        "flag",
        &u,
        "INBOX",
        "2",
        "3",
        "+\\Flagged",
        "--cacert",
        cacert,
        "-q",
        "--",
        "-\\Seen",
    ]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(uids(&u, cacert, "INBOX", &["FLAGGED"]), [2, 3]);
    assert_eq!(uids(&u, cacert, "INBOX", &["UNSEEN"]), [2, 3]);

    // Another client marks 4 \Deleted; rm 1 and mv 2 must leave 4 where it is.
    let out = netkit(&[
        "imap", "quote", &u, "CREATE", "Trash", "--cacert", cacert, "-q",
    ]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let out = netkit(&[
        "imap",
        "flag",
        &u,
        "INBOX",
        "4",
        "+\\Deleted",
        "--cacert",
        cacert,
        "-q",
    ]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let out = netkit(&["imap", "rm", &u, "INBOX", "1", "--cacert", cacert]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(stdout(&out).trim(), "expunged 1 messages from INBOX");
    let out = netkit(&[
        "imap", "cp", &u, "INBOX", "3", "5", "Trash", "--cacert", cacert, "-q",
    ]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let out = netkit(&[
        "imap", "mv", &u, "INBOX", "2", "Trash", "--cacert", cacert, "-q",
    ]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(uids(&u, cacert, "INBOX", &[]), [3, 4, 5]);
    assert_eq!(uids(&u, cacert, "INBOX", &["DELETED"]), [4]);
    assert_eq!(uids(&u, cacert, "Trash", &[]).len(), 3);
    // Careless: rm without UIDs, a UID that is not a number, flag without an op.
    for bad in [
        &["imap", "rm", &u, "INBOX"][..],
        &["imap", "rm", &u, "INBOX", "x"],
        &["imap", "flag", &u, "INBOX", "3"],
        &["imap", "flag", &u, "INBOX", "3", "+bad flag"],
        &[
            "imap",
            "get",
            &u,
            "INBOX",
            "3",
            "--section",
            "HEADER.FIELDS (X)",
        ],
        &["imap", "search", &u, "INBOX", "--since", "yesterday"],
        &["imap", "status", &u],
        &["imap", "export", &u, "INBOX"],
    ] {
        let out = netkit(bad);
        assert_eq!(code(&out), 2, "{bad:?}: {}", stderr(&out));
    }
    assert_eq!(uids(&u, cacert, "INBOX", &[]), [3, 4, 5]);

    // idle: --wait passes without mail → 1; an APPEND from another connection wakes it → 0.
    let out = netkit(&[
        "imap", "idle", &u, "INBOX", "--wait", "1", "--cacert", cacert, "-q",
    ]);
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    let child = std::process::Command::new(crate::util::netkit_path())
        .args([
            "imap", "idle", &u, "INBOX", "--wait", "30", "--json", "--cacert", cacert, "-q",
        ])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("spawn");
    std::thread::sleep(std::time::Duration::from_millis(700));
    let out = netkit(&[
        "imap", "append", &u, "INBOX", &files[0], "--cacert", cacert, "-q",
    ]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let idle = child.wait_with_output().expect("wait");
    assert_eq!(code(&idle), 0, "{}", stderr(&idle));
    let v: serde_json::Value = serde_json::from_str(stdout(&idle).trim()).expect("json");
    assert_eq!(
        (v["mailbox"].as_str(), v["messages"].as_u64()),
        (Some("INBOX"), Some(4)),
        "{v}"
    );
}

/// SIGKILL at many points of a 500-message `export --new`, then a run to the end: every
/// message is stored exactly once, in a Maildir and in an mbox.
#[test]
fn kill_9_during_export_loses_and_duplicates_nothing() {
    use std::process::{Command, Stdio};
    use std::time::Duration;
    let ca = TestCa::new();
    let dc = Dovecot::start(&ca);
    let cacert = ca.ca_pem();
    let cacert = cacert.to_str().expect("path");
    let msgs: Vec<Vec<u8>> = (0..500).map(|i| message(i, 20 * 1024)).collect();
    let seeded: Vec<(Vec<u8>, &str)> = msgs.iter().map(|m| (m.clone(), "")).collect();
    seed(&dc, &NKUSER1, "", 0, &seeded);
    let u = url(&dc, &NKUSER1, false);
    let dir = tempfile::tempdir().expect("tempdir");
    for kind in ["--maildir", "--mbox"] {
        let dest = dir.path().join(kind.trim_start_matches('-'));
        let dest_s = dest.to_str().expect("path").to_owned();
        let args: Vec<String> = [
            "imap", "export", &u, "INBOX", kind, &dest_s, "--new", "-q", "--cacert", cacert,
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        for ms in [5u64, 20, 40, 60, 80, 100, 130, 160, 200, 250] {
            let mut child = Command::new(crate::util::netkit_path())
                .args(&args)
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .expect("spawn");
            std::thread::sleep(Duration::from_millis(ms));
            let _ = child.kill();
            let _ = child.wait();
            if std::env::var_os("NETKIT_TEST_VERBOSE").is_some() {
                let saved = if kind == "--maildir" {
                    stored(&dest).len()
                } else {
                    fs::read_to_string(&dest).map_or(0, |t| t.matches("From MAILER-DAEMON").count())
                };
                eprintln!("killed after {ms} ms: {saved} saved");
            }
        }
        let out = netkit(&args.iter().map(String::as_str).collect::<Vec<_>>());
        assert_eq!(code(&out), 0, "{}", stderr(&out));
        if kind == "--maildir" {
            assert_eq!(
                stored(&dest),
                sorted_wire(&msgs),
                "Maildir: each message once"
            );
        } else {
            let text = String::from_utf8(fs::read(&dest).expect("mbox")).expect("utf8");
            assert_eq!(text.matches("\nFrom MAILER-DAEMON ").count() + 1, 500);
            for i in 0..500 {
                let subject = format!("\nSubject: message {i}\n");
                assert_eq!(text.matches(&subject).count(), 1, "mbox: {subject:?} once");
            }
        }
        // And the server still has them all, unseen.
        assert_eq!(uids(&u, cacert, "INBOX", &["UNSEEN"]).len(), 500);
    }
}

/// `append URL BOX -` appends stdin (issue 20 #4), with CRLF line ends like a file; stdin
/// given twice is a usage error.
#[test]
fn append_dash_appends_stdin() {
    let ca = TestCa::new();
    let dc = Dovecot::start(&ca);
    let cacert = ca.ca_pem();
    let cacert = cacert.to_str().expect("path");
    let u = url(&dc, &NKUSER2, false);
    let out = crate::util::run_with_stdin(
        &["imap", "append", &u, "INBOX", "-", "--cacert", cacert],
        &message(7, 300),
    );
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(
        stdout(&out).starts_with("appended stdin to INBOX"),
        "{}",
        stdout(&out)
    );
    let out = netkit(&["imap", "get", &u, "INBOX", "1", "--cacert", cacert, "-q"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(out.stdout, wire(&message(7, 300)));
    let out = crate::util::run_with_stdin(
        &["imap", "append", &u, "INBOX", "-", "-", "--cacert", cacert],
        b"x",
    );
    assert_eq!(code(&out), 2, "{}", stderr(&out));
}
