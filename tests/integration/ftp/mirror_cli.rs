//! What `get -r` and `put -r` decide on their own: `get -r URL` without DIR mirrors into
//! ./NAME (the remote directory's name, created, as `lftp mirror SRC` does); `put -r`
//! leaves local `.part` files out and says so, in text and in JSON.

use std::fs;
use std::process::Command;

use crate::util::ftpd::{Pyftpd, Vsftpd, VsftpdMode};
use crate::util::{code, netkit, netkit_path, stderr, stdout};

#[test]
fn get_r_without_dir_mirrors_into_the_remote_directory_name() {
    let server = Vsftpd::start(VsftpdMode::Explicit, |root| {
        fs::create_dir_all(root.join("pub/inner")).expect("dirs");
        fs::write(root.join("pub/a.txt"), b"alpha\n").expect("file");
        fs::write(root.join("pub/inner/b.txt"), b"beta\n").expect("file");
        fs::write(root.join("top.txt"), b"not in pub\n").expect("file");
    });
    let cwd = tempfile::tempdir().expect("tempdir");
    for url in [
        format!("ftp://127.0.0.1:{}/pub", server.port()),
        format!("ftp://127.0.0.1:{}/pub/", server.port()),
    ] {
        let out = Command::new(netkit_path())
            .args(["ftp", "get", "-r", "--tls", "none", "-q", &url])
            .current_dir(cwd.path())
            .output()
            .expect("run netkit");
        assert_eq!(code(&out), 0, "{url}: {}\n{}", stderr(&out), server.logs());
        let pub_dir = cwd.path().join("pub");
        assert_eq!(fs::read(pub_dir.join("a.txt")).expect("a"), b"alpha\n");
        assert_eq!(fs::read(pub_dir.join("inner/b.txt")).expect("b"), b"beta\n");
        // Only the new directory: nothing of the remote tree lands in the cwd itself.
        let names: Vec<_> = fs::read_dir(cwd.path())
            .expect("cwd")
            .flatten()
            .map(|e| e.file_name())
            .collect();
        assert_eq!(names, vec![std::ffi::OsString::from("pub")]);
    }
    // The login directory has no name to take: refused (exit 2), nothing written.
    let root = format!("ftp://127.0.0.1:{}/", server.port());
    let out = Command::new(netkit_path())
        .args(["ftp", "get", "-r", "--tls", "none", &root])
        .current_dir(cwd.path())
        .output()
        .expect("run netkit");
    assert_eq!(code(&out), 2, "{}", stderr(&out));
    assert!(stderr(&out).contains("give DIR"), "{}", stderr(&out));
    assert!(!cwd.path().join("top.txt").exists());
}

#[test]
fn put_r_reports_the_part_files_it_leaves_out() {
    let server = Pyftpd::start(|_| {});
    let dir = tempfile::tempdir().expect("tempdir");
    let src = dir.path().join("src");
    fs::create_dir_all(src.join("sub")).expect("dirs");
    fs::write(src.join("done.bin"), b"complete").expect("file");
    fs::write(src.join("sub/half.bin.part"), b"unfinished").expect("part");
    let s = src.to_str().expect("utf-8");

    let out = netkit(&[
        "ftp",
        "put",
        "-r",
        s,
        &server.user_url("up"),
        "--no-progress",
    ]);
    assert_eq!(code(&out), 0, "{}\n{}", stderr(&out), server.logs());
    let err = stderr(&out);
    assert!(
        err.contains("half.bin.part") && err.contains("skipped") && err.contains(".part file"),
        "the skip is said: {err}"
    );
    assert!(stdout(&out).contains("1 skipped"), "{}", stdout(&out));
    assert!(server.home().join("up/done.bin").exists());
    assert!(!server.home().join("up/sub/half.bin.part").exists());

    let out = netkit(&["ftp", "put", "-r", s, &server.user_url("up2"), "--json"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let items: Vec<serde_json::Value> = stdout(&out)
        .lines()
        .map(|l| serde_json::from_str(l).expect("json line"))
        .collect();
    let skipped: Vec<_> = items.iter().filter(|i| i["result"] == "skipped").collect();
    assert_eq!(skipped.len(), 1, "{items:?}");
    assert!(
        skipped[0]["local"]
            .as_str()
            .is_some_and(|l| l.ends_with("sub/half.bin.part")),
        "{skipped:?}"
    );
    assert!(
        skipped[0]["error"]
            .as_str()
            .is_some_and(|e| e.contains("unfinished download")),
        "{skipped:?}"
    );
    assert_eq!(items.last().expect("summary")["summary"]["skipped"], 1);
}

#[test]
fn get_r_refuses_a_derived_name_that_is_no_safe_local_name() {
    // Refused before connecting (exit 2, not 4): nothing listens on this port.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("free port")
        .port();
    let cwd = tempfile::tempdir().expect("tempdir");
    let cases = [
        ("~", "`~` is not a safe local name"),
        ("~/", "`~` is not a safe local name"),
        ("~alice", "`~alice` is not a safe local name"),
        ("pub/~", "`~` is not a safe local name"),
        ("...", "`...` is not a safe local name"),
        ("%1b", "`\\x1b` is not a safe local name"),
        ("", "names the login directory"),
        ("%2F", "names the root directory"),
    ];
    for (path, said) in cases {
        let url = format!("ftp://127.0.0.1:{port}/{path}");
        let out = Command::new(netkit_path())
            .args(["ftp", "get", "-r", "--tls", "none", &url])
            .current_dir(cwd.path())
            .output()
            .expect("run netkit");
        let err = stderr(&out);
        assert_eq!(code(&out), 2, "{url}: {err}");
        assert!(err.contains(said), "{url}: {err}");
        assert!(err.contains("give DIR"), "{url}: {err}");
        if !said.contains("directory") {
            assert!(!err.contains("login directory"), "{url}: {err}");
        }
        let names: Vec<_> = fs::read_dir(cwd.path()).expect("cwd").flatten().collect();
        assert!(names.is_empty(), "{url} left {names:?}");
    }
    // With DIR the name is not needed: ~ mirrors into it (the connection fails here).
    let url = format!("ftp://127.0.0.1:{port}/~");
    let out = Command::new(netkit_path())
        .args(["ftp", "get", "-r", "--tls", "none", &url, "dest"])
        .current_dir(cwd.path())
        .output()
        .expect("run netkit");
    assert_eq!(code(&out), 4, "{}", stderr(&out));
}
