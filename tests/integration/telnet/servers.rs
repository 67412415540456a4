//! `netkit telnet` scripted dialogues against real telnet servers (busybox telnetd, and
//! inetutils telnetd under xinetd) running a fake login.

use crate::util::telnetd::{Kind, PASS, Telnetd, USER};
use crate::util::{code, netkit, run_with_stdin, stderr, stdout};

fn dialogue(port: &str) -> Vec<String> {
    let mut a: Vec<String> = vec!["telnet".into(), "127.0.0.1".into(), port.into()];
    for (flag, v) in [
        ("--expect", "login: "),
        ("--send", USER),
        ("--expect", "Password: "),
        ("--send", PASS),
        ("--expect", "Welcome nkuser"),
        ("--expect", "\\$ $"),
        ("--send", "echo hello there"),
        ("--expect", "hello there"),
        ("--send", "quit"),
        ("--expect", "bye"),
    ] {
        a.push(flag.into());
        a.push(v.into());
    }
    a
}

#[test]
fn a_login_dialogue_runs_against_busybox_and_inetutils_telnetd() {
    for kind in [Kind::Busybox, Kind::Inetutils] {
        let d = Telnetd::start(kind);
        let port = d.port().to_string();
        let args = dialogue(&port);
        let out = netkit(&args.iter().map(String::as_str).collect::<Vec<_>>());
        assert_eq!(
            code(&out),
            0,
            "{kind:?}: {}\n{}\n{}",
            stderr(&out),
            stdout(&out),
            d.logs()
        );
        let text = stdout(&out);
        assert!(
            text.contains("Welcome nkuser") && text.contains("bye"),
            "{kind:?}: {text}"
        );
        assert!(!text.contains("Login incorrect"), "{kind:?}: {text}");

        // The same as a --script file, with -v showing the negotiation; --json at the end.
        let dir = tempfile::tempdir().expect("tempdir");
        let script = dir.path().join("login.steps");
        std::fs::write(
            &script,
            format!(
                "# a login\nexpect login: \nsend {USER}\n\nexpect Password: \nsend {PASS}\nexpect \\$ $\nsend quit\nexpect bye\n"
            ),
        )
        .expect("write");
        let out = netkit(&[
            "telnet",
            "127.0.0.1",
            &port,
            "--script",
            script.to_str().expect("p"),
            "-v",
            "--json",
        ]);
        assert_eq!(code(&out), 0, "{kind:?}: {}", stderr(&out));
        let v: serde_json::Value = serde_json::from_str(stdout(&out).trim()).expect("json");
        assert_eq!(v["ok"], true);
        assert_eq!(v["steps"].as_array().map(Vec::len), Some(7));
        assert!(
            v["received"]
                .as_str()
                .is_some_and(|r| r.contains("Welcome")),
            "{v}"
        );
        let err = stderr(&out);
        assert!(
            err.contains("DO SGA") && err.contains("> send quit"),
            "{kind:?}: {err}"
        );

        // A step that does not match names itself and its regex: exit 10, not 5.
        let out = netkit(&[
            "telnet",
            "127.0.0.1",
            &port,
            "--expect",
            "login: ",
            "--send",
            USER,
            "--expect",
            "Pass(word)?: ",
            "--send",
            "wrong",
            "--expect",
            "Welcome",
            "-t",
            "3",
        ]);
        assert_eq!(code(&out), 10, "{kind:?}: {}", stderr(&out));
        assert!(
            stderr(&out).contains("step 5 (expect /Welcome/)"),
            "{}",
            stderr(&out)
        );
        assert!(stdout(&out).contains("Login incorrect"), "{}", stdout(&out));
    }
}

#[test]
fn pipe_mode_sends_stdin_lines_and_check_only_connects() {
    let d = Telnetd::start(Kind::Busybox);
    let port = d.port().to_string();
    let input = format!("{USER}\n{PASS}\necho piped through\nquit\n");
    let out = run_with_stdin(&["telnet", "127.0.0.1", &port, "-t", "3"], input.as_bytes());
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(stdout(&out).contains("piped through"), "{}", stdout(&out));

    let out = netkit(&["telnet", "--check", &format!("telnet://127.0.0.1:{port}")]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    // --check is the shared probe now: one OK line with the banner and the timings.
    assert!(
        stdout(&out).starts_with(&format!("OK telnet://127.0.0.1:{port} ")),
        "{}",
        stdout(&out)
    );
    let closed = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let free = closed.local_addr().expect("addr").port().to_string();
    drop(closed);
    let out = netkit(&["telnet", "--check", "127.0.0.1", &free]);
    assert_eq!(code(&out), 4, "{}", stderr(&out));
    // Careless: a bad port, a bad regex, a script line that is neither step.
    for bad in [
        &["telnet", "127.0.0.1", "99999"][..],
        &["telnet", "127.0.0.1", &port, "--expect", "("],
    ] {
        assert_eq!(code(&netkit(bad)), 2, "{bad:?}");
    }
}
