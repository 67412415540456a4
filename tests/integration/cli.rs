//! The multi-call front end as a user meets it: links named after commands, `--list`,
//! `--install`/`--uninstall` and their refusals, `completions`, `man`, usage errors.

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
fn install_creates_a_missing_directory_and_says_so() {
    // A fresh account following the README: ~/.local/bin does not exist yet.
    let home = tempfile::tempdir().expect("tempdir");
    let bin = home.path().join(".local/bin");
    let out = netkit(&["--install", bin.to_str().expect("utf-8 temp path")]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(
        stderr(&out),
        format!(
            "netkit: installed 13 links in {} (created it)\n",
            bin.display()
        )
    );
    let out = Command::new(bin.join("urlquote"))
        .arg("a b")
        .output()
        .expect("run");
    assert_eq!(stdout(&out), "a%20b\n");
}

#[test]
fn install_onto_a_file_or_without_a_directory_is_a_usage_error() {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("plain");
    fs::write(&file, b"x").expect("write");
    let out = netkit(&["--install", file.to_str().expect("utf-8 temp path")]);
    assert_eq!(code(&out), 2);
    assert!(stderr(&out).contains("not a directory"), "{}", stderr(&out));

    let out = netkit(&["--install"]);
    assert_eq!(code(&out), 2);
    assert_eq!(
        stderr(&out),
        "netkit: --install needs a directory: ~/.local/bin for your account, /usr/local/bin for everyone\n"
    );
}

#[test]
fn uninstall_removes_only_links_to_this_binary() {
    let dir = tempfile::tempdir().expect("tempdir");
    let target = dir.path().to_str().expect("utf-8 temp path");
    assert_eq!(code(&netkit(&["--install", target])), 0);
    // Another program's `ftp` and a link to another binary named `pop` must survive.
    fs::remove_file(dir.path().join("ftp")).expect("rm");
    fs::write(dir.path().join("ftp"), b"#!/bin/sh\n").expect("write");
    fs::remove_file(dir.path().join("pop")).expect("rm");
    symlink("/bin/true", dir.path().join("pop")).expect("link");
    fs::write(dir.path().join("unrelated"), b"keep").expect("write");

    let out = netkit(&["--uninstall", target]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(
        stderr(&out),
        format!(
            "netkit: removed 11 links from {target} (kept 2 files that are not links to this netkit)\n"
        )
    );
    let mut left: Vec<String> = fs::read_dir(dir.path())
        .expect("read_dir")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    left.sort();
    assert_eq!(left, ["ftp", "pop", "unrelated"]);
}

#[test]
fn completions_are_printed_for_every_shell_and_cover_the_short_names() {
    for shell in ["bash", "zsh", "fish", "elvish", "powershell"] {
        let out = netkit(&["completions", shell]);
        assert_eq!(code(&out), 0, "{shell}: {}", stderr(&out));
        assert!(stdout(&out).contains("urlquote"), "{shell}");
    }
    // bash: what a user gets pressing TAB after `netkit fe` and after the link `urlquote --pl`.
    let script = format!(
        "source <('{nk}' completions bash)\n\
         COMP_WORDS=(netkit fe); COMP_CWORD=1; _netkit netkit fe netkit; echo \"${{COMPREPLY[*]}}\"\n\
         COMP_WORDS=(/home/u/.local/bin/urlquote --pl); COMP_CWORD=1\n\
         _netkit_applet urlquote --pl urlquote; echo \"${{COMPREPLY[*]}}\"\n\
         complete -p ftp\n",
        nk = netkit_path().display()
    );
    let out = Command::new("bash")
        .args(["--norc", "-c", &script])
        .output()
        .expect("bash");
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let lines: Vec<&str> = std::str::from_utf8(&out.stdout)
        .expect("utf-8")
        .lines()
        .collect();
    assert_eq!(lines[0], "fetch");
    assert_eq!(lines[1], "--plus");
    assert!(lines[2].contains("-F _netkit_applet") && lines[2].ends_with(" ftp"));

    let fish = stdout(&netkit(&["completions", "fish"]));
    assert!(fish.contains("complete -c ftp -w 'netkit ftp'"));
    let zsh = stdout(&netkit(&["completions", "zsh"]));
    assert!(zsh.contains("compdef _netkit_applet timeserver timeclient fetch"));

    let out = netkit(&["completions", "tcsh"]);
    assert_eq!(code(&out), 2);
}

/// What bash offers after `netkit WORDS… <TAB>` (the word being completed is empty), in a
/// directory holding one file, `somefile`.
fn bash_offers(words: &[&str]) -> String {
    let dir = tempfile::tempdir().expect("tempdir");
    fs::write(dir.path().join("somefile"), b"").expect("write");
    let list = words
        .iter()
        .map(|w| format!("'{w}'"))
        .collect::<Vec<_>>()
        .join(" ");
    let script = format!(
        "source <('{nk}' completions bash)\n\
         COMP_WORDS=(netkit {list} ''); COMP_CWORD={n}\n\
         _netkit netkit '' '{prev}'; echo \"${{COMPREPLY[*]}}\"\n",
        nk = netkit_path().display(),
        n = words.len() + 1,
        prev = words.last().copied().unwrap_or("netkit"),
    );
    let out = Command::new("bash")
        .args(["--norc", "-c", &script])
        .current_dir(dir.path())
        .output()
        .expect("bash");
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    stdout(&out).trim_end_matches('\n').to_owned()
}

/// Every option value completes as what it is (issue 20 #9): lists from their values, files
/// where a file is asked, and nothing, rather than the directory's file names, for seconds,
/// counts, addresses or text.
#[test]
fn completions_offer_each_values_kind_not_file_names_everywhere() {
    assert_eq!(
        bash_offers(&["hostinfo", "--type"]),
        "A AAAA MX TXT NS SOA CNAME PTR SRV CAA NAPTR DS DNSKEY SSHFP TLSA HTTPS SVCB ANY"
    );
    assert_eq!(bash_offers(&["timeclient", "--proto"]), "daytime time ntp");
    assert!(bash_offers(&["timeserver", "--log"]).contains("json"));
    assert_eq!(
        bash_offers(&["pop", "--auth"]),
        "USER APOP PLAIN LOGIN CRAM-MD5 XOAUTH2"
    );
    assert!(bash_offers(&["imap", "--auth"]).starts_with("LOGIN-CMD PLAIN"));
    assert_eq!(
        bash_offers(&["smtp-send", "--auth"]),
        "PLAIN LOGIN CRAM-MD5 XOAUTH2"
    );
    assert_eq!(bash_offers(&["fetch", "--tls"]), "auto required none");
    for words in [
        &["hostinfo", "--timeout"][..],
        &["timeclient", "-m"],
        &["smtp-send", "--to"],
        &["smtp-send", "--max-size"],
        &["fetch", "-A"],
        &["ftp", "-P"],
        &["hostinfo", "--service"],
        &["urlquote", "--safe"],
        &["nntp", "--newsgroups"],
    ] {
        let offered = bash_offers(words);
        assert!(!offered.contains("somefile"), "{words:?}: {offered}");
    }
    for words in [
        &["fetch", "--cacert"][..],
        &["smtp-send", "--attach"],
        &["pop", "--password-file"],
        &["telnet", "--script"],
    ] {
        assert_eq!(bash_offers(words), "somefile", "{words:?}");
    }
}

#[test]
fn man_prints_roff_pages_that_man_can_render() {
    let out = netkit(&["man", "fetch"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let page = stdout(&out);
    assert!(page.contains(".TH NETKIT-FETCH 1"), "{page}");
    assert!(page.contains("EXIT STATUS"));
    let root = stdout(&netkit(&["man"]));
    assert!(root.contains(".TH NETKIT 1"));
    // The committed copy is the same page (xtask's test keeps man/ in step with the code).
    let committed = fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/man/netkit-fetch.1"))
        .expect("man/netkit-fetch.1");
    assert_eq!(page, committed);
    // groff renders it without warnings (what `man -l -` runs).
    let mut groff = Command::new("groff")
        .args(["-man", "-Tutf8", "-ww", "-z"])
        .stdin(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("groff (groff-base) is installed by scripts/test");
    use std::io::Write;
    groff
        .stdin
        .take()
        .expect("stdin")
        .write_all(page.as_bytes())
        .expect("write");
    let out = groff.wait_with_output().expect("groff");
    assert!(out.status.success());
    assert_eq!(String::from_utf8_lossy(&out.stderr), "");

    let out = netkit(&["man", "nosuch"]);
    assert_eq!(code(&out), 2);
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
    assert!(!stdout(&out).contains("not built yet"));
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

/// The man pages' shape (issue 20 #9): SEE ALSO names the shipped pages and the README, no
/// unshipped SPEC.md and no netkit-help(1); prose sits under NOTES and EXAMPLES holds only
/// command lines; a synopsis shows value names and `...` for repeatable arguments.
#[test]
fn man_pages_point_at_what_is_shipped_and_keep_examples_to_commands() {
    let mut pages = vec![stdout(&netkit(&["man"]))];
    for name in stdout(&netkit(&["--list"])).lines() {
        pages.push(stdout(&netkit(&["man", name])));
    }
    for page in &pages {
        let title = page.lines().find(|l| l.starts_with(".TH")).unwrap_or("?");
        let see_also = page.split(".SH \"SEE ALSO\"").nth(1).unwrap_or_default();
        let see_also = see_also.split("\n.SH").next().unwrap_or_default();
        assert!(see_also.contains("README"), "{title}: {see_also}");
        assert!(see_also.contains("\\fBnetkit\\-hostinfo\\fR(1)") || title.contains("HOSTINFO"));
        assert!(!page.contains("SPEC.md"), "{title}");
        assert!(!page.contains("netkit\\-help"), "{title}");
        if let Some(examples) = page.split(".SH EXAMPLES").nth(1) {
            let examples = examples.split("\n.SH").next().unwrap_or_default();
            let mut continued = false;
            for line in examples
                .lines()
                .filter(|l| !l.starts_with('.') && !l.is_empty())
            {
                let line = line.trim_start();
                assert!(
                    continued || line.starts_with('#') || line.contains("netkit "),
                    "{title}: prose under EXAMPLES: {line}"
                );
                // `\e` at the end: the command goes on on the next line.
                continued = line.ends_with("\\e");
            }
        }
    }
    let urlparse = stdout(&netkit(&["man", "urlparse"]));
    let synopsis = urlparse.split(".SH SYNOPSIS").nth(1).unwrap_or_default();
    assert!(synopsis.contains("[\\fIURL\\fR]..."), "{synopsis}");
    assert!(synopsis.contains("\\fIPART=VALUE\\fR]..."), "{synopsis}");
}
