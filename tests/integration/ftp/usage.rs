//! Every usage error of `ftp` fires before a connection: run against a port where nothing
//! listens, each must exit 2 (a connection attempt would be exit 4), and with --json say so
//! as a usage error on stderr.

use std::fs;
use std::net::TcpListener;

use crate::util::{code, netkit, stderr};

#[test]
fn usage_errors_exit_2_before_any_connection() {
    // A port nothing listens on: bound, then released.
    let port = TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("free port")
        .port();
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("f.txt");
    fs::write(&file, b"x").expect("file");
    let (d, f) = (
        dir.path().to_str().expect("utf-8"),
        file.to_str().expect("utf-8"),
    );
    let root = format!("ftp://127.0.0.1:{port}/");
    let sub = format!("ftp://127.0.0.1:{port}/pub/");
    let one = format!("ftp://127.0.0.1:{port}/pub/f.txt");
    let zeros = "0".repeat(64);
    let bad_utf8 = format!("ftp://127.0.0.1:{port}/%ff");
    let crlf = format!("ftp://127.0.0.1:{port}/a%0d%0aDELE%20b");
    let http = format!("http://127.0.0.1:{port}/");
    let cases: Vec<Vec<&str>> = vec![
        vec!["frob", &one],
        vec!["get", "-l", &one],
        vec!["ls", "-o", f, &sub],
        vec!["ls", "-O", &sub],
        vec!["ls", "-C", &sub],
        vec!["rm", "--append", &one],
        vec!["get", "-p", &one],
        vec!["ls", "-r", "--newer", &sub],
        vec!["put", "-r", "--delete", d, &sub],
        vec!["ls", "-r", "--exclude", "*.o", &sub],
        vec!["ls", "-r", "-P", "2", &sub],
        vec!["get", "-P", "2", &one],
        vec!["get", "-r", "-o", f, &sub],
        vec!["get", "-r", "-C", &sub],
        vec!["put", "-r", "--append", d, &sub],
        vec!["get", "-o", "-", "-C", &one],
        vec!["get", "-r", &root],
        vec!["get", &sub],
        vec!["get", "-r", &sub, "a", "b"],
        vec!["put", "-r", f, &sub],
        vec!["put", d, &sub],
        vec!["put", "-C", "-", &one],
        vec!["put", "-", &sub],
        vec!["put", f],
        vec!["mv", &one, "b\r\nDELE x"],
        vec!["mv", &one],
        vec!["quote", &one, "NOOP\r\nDELE x"],
        vec!["quote", &one],
        vec!["mkdir", &sub, "extra"],
        vec!["rmdir", "-r", &sub],
        vec!["put", "--sha256", &zeros, f, &one],
        vec!["get", "-r", "--sha256", &zeros, &sub, d],
        vec!["ls", &bad_utf8],
        vec!["ls", &crlf],
        vec!["ls", &http],
    ];
    for case in &cases {
        let mut args = vec!["ftp"];
        args.extend(case.iter().copied());
        let out = netkit(&args);
        assert_eq!(code(&out), 2, "{case:?}: {}", stderr(&out));
        args.push("--json");
        let out = netkit(&args);
        assert_eq!(code(&out), 2, "{case:?} --json: {}", stderr(&out));
        let err = stderr(&out);
        let line = err.lines().last().unwrap_or("");
        let v: serde_json::Value = serde_json::from_str(line)
            .unwrap_or_else(|e| panic!("{case:?}: not JSON ({e}): {err}"));
        assert_eq!(v["error"]["kind"], "usage", "{case:?}: {err}");
        assert_eq!(v["error"]["exit_code"], 2, "{case:?}: {err}");
    }
}
