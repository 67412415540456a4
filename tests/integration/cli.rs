//! The multi-call front end as a user meets it: links named after commands, `--list`,
//! `--install` and its refusal, usage errors, commands not built yet.

use std::fs;
use std::os::unix::fs::symlink;
use std::process::Command;

use crate::util::{code, netkit, netkit_path, stderr, stdout};

const COMMANDS: [&str; 13] = [
    "timeserver",
    "timeclient",
    "fetch",
    "ftp",
    "smtp-send",
    "pop",
    "imap",
    "nntp",
    "telnet",
    "gopher",
    "urlquote",
    "urlparse",
    "hostinfo",
];

#[test]
fn list_prints_every_command_one_a_line() {
    let out = netkit(&["--list"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let names: Vec<String> = stdout(&out).lines().map(str::to_owned).collect();
    assert_eq!(names, COMMANDS);
}

#[test]
fn link_named_after_a_command_runs_that_command() {
    let dir = tempfile::tempdir().expect("tempdir");
    let link = dir.path().join("urlquote");
    symlink(netkit_path(), &link).expect("symlink");
    let out = Command::new(&link).arg("a b").output().expect("run link");
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(stdout(&out), "a%20b\n");
}

#[test]
fn link_with_an_unknown_name_falls_back_to_subcommands() {
    let dir = tempfile::tempdir().expect("tempdir");
    let link = dir.path().join("nk");
    symlink(netkit_path(), &link).expect("symlink");
    let out = Command::new(&link)
        .args(["urlquote", "x y"])
        .output()
        .expect("run link");
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(stdout(&out), "x%20y\n");
}

#[test]
fn install_links_every_command_and_can_run_again() {
    let dir = tempfile::tempdir().expect("tempdir");
    let target = dir.path().to_str().expect("utf-8 temp path");
    for _ in 0..2 {
        let out = netkit(&["--install", target]);
        assert_eq!(code(&out), 0, "{}", stderr(&out));
    }
    for name in COMMANDS {
        let path = dir.path().join(name);
        let meta = fs::symlink_metadata(&path).expect("link exists");
        assert!(meta.file_type().is_symlink(), "{name} is not a symlink");
        let target = fs::canonicalize(&path).expect("resolve link");
        assert_eq!(target, fs::canonicalize(netkit_path()).expect("binary"));
    }
    let out = Command::new(dir.path().join("urlquote"))
        .arg("é")
        .output()
        .expect("run");
    assert_eq!(stdout(&out), "%C3%A9\n");
}

#[test]
fn install_refuses_to_overwrite_a_foreign_file_and_names_it() {
    let dir = tempfile::tempdir().expect("tempdir");
    let foreign = dir.path().join("pop");
    fs::write(&foreign, b"#!/bin/sh\necho mine\n").expect("write");
    let target = dir.path().to_str().expect("utf-8 temp path");
    let out = netkit(&["--install", target]);
    assert_eq!(code(&out), 2);
    assert!(stderr(&out).contains("pop"), "{}", stderr(&out));
    assert!(stderr(&out).contains("--force"), "{}", stderr(&out));
    assert_eq!(
        fs::read(&foreign).expect("still there"),
        b"#!/bin/sh\necho mine\n"
    );
    // Refusal leaves the directory as it was: no half-done install.
    assert!(fs::symlink_metadata(dir.path().join("fetch")).is_err());

    let out = netkit(&["--install", target, "--force"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(
        fs::symlink_metadata(&foreign)
            .expect("link")
            .file_type()
            .is_symlink()
    );
}

#[test]
fn install_into_a_missing_directory_is_a_usage_error() {
    let out = netkit(&["--install", "/nonexistent/netkit-test-dir"]);
    assert_eq!(code(&out), 2);
    assert!(stderr(&out).contains("/nonexistent/netkit-test-dir"));
}

#[test]
fn command_not_built_yet_says_so_whatever_follows() {
    for args in [
        &["gopher"][..],
        &["gopher", "--help"],
        &["gopher", "-x", "gopher://h"],
    ] {
        let out = netkit(args);
        assert_eq!(code(&out), 2, "{args:?}");
        let name = args[0];
        assert_eq!(stderr(&out), format!("netkit {name}: not built yet\n"));
        assert!(out.stdout.is_empty());
    }
    // With --json anywhere, the answer is the JSON error line (SPEC §4).
    let out = netkit(&["gopher", "-x", "gopher://h", "--json"]);
    assert_eq!(code(&out), 2);
    assert_eq!(
        stderr(&out),
        "{\"error\":{\"exit_code\":2,\"kind\":\"usage\",\"message\":\"not built yet\"}}\n"
    );
}

#[test]
fn unknown_command_and_bad_flag_are_usage_errors() {
    assert_eq!(code(&netkit(&["frobnicate"])), 2);
    assert_eq!(code(&netkit(&["urlquote", "--no-such-flag"])), 2);
    assert_eq!(code(&netkit(&[])), 2);
}

#[test]
fn help_and_version_succeed_on_stdout() {
    let out = netkit(&["--help"]);
    assert_eq!(code(&out), 0);
    assert!(stdout(&out).contains("not built yet"));
    assert!(stdout(&out).contains("hostinfo"));
    let out = netkit(&["help", "urlquote"]);
    assert_eq!(code(&out), 0);
    assert!(stdout(&out).contains("Examples:"));
    let out = netkit(&["--version"]);
    assert_eq!(code(&out), 0);
    assert!(stdout(&out).starts_with("netkit "));
}

#[test]
fn json_error_line_goes_to_stderr_with_kind_and_code() {
    let out = netkit(&["urlparse", "--json", "http://[::1"]);
    assert_eq!(code(&out), 2);
    assert!(out.stdout.is_empty());
    let line = stderr(&out);
    let v: serde_json::Value = serde_json::from_str(line.trim()).expect("one JSON line");
    assert_eq!(v["error"]["kind"], "usage");
    assert_eq!(v["error"]["exit_code"], 2);
    assert!(
        v["error"]["message"]
            .as_str()
            .is_some_and(|m| !m.is_empty())
    );
}
