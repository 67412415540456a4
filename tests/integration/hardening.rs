//! The rules the shared layers enforce for every command (issue 11): no bare CR or LF on a
//! dot-terminated wire, `-t` bounds a whole reply, per-protocol continuation lines, no
//! password in any error, JSON usage errors, and line input that survives a bad line.

use std::time::{Duration, Instant};

use crate::util::script::{ScriptedPeer, Step, escape, expect, send};
use crate::util::smtpsink::{SinkOptions, SmtpSink};
use crate::util::{code, netkit, run_with_stdin, stderr};

fn smtp_send_to(port: u16, extra: &[&str]) -> std::process::Output {
    let url = format!("127.0.0.1:{port}");
    let mut args = vec![
        "smtp-send",
        url.as_str(),
        "--from",
        "a@netkit.test",
        "--to",
        "b@netkit.test",
        "--body",
        "x",
    ];
    args.extend_from_slice(extra);
    netkit(&args)
}

/// smtp-send from a@ to b@netkit.test at `url` with `extra`, the message or body on stdin.
fn smtp_send_stdin(url: &str, extra: &[&str], stdin: &[u8]) -> std::process::Output {
    let mut args = vec![
        "smtp-send",
        url,
        "--from",
        "a@netkit.test",
        "--to",
        "b@netkit.test",
    ];
    args.extend_from_slice(extra);
    run_with_stdin(&args, stdin)
}

// --- SMTP smuggling (RFC 5321 §2.3.8) ------------------------------------------------

/// The sequences of the 2023 smuggling advisories, in a raw message: the sink must get one
/// message whose every line end is CRLF, the "smuggled" commands kept as body text.
#[test]
fn smuggling_sequences_reach_the_sink_as_body_text_with_crlf_only() {
    let sink = SmtpSink::start(SinkOptions::default());
    let url = format!("127.0.0.1:{}", sink.port());
    let head = "From: a@netkit.test\r\nDate: Tue, 01 Dec 2026 09:00:00 +0000\r\n\
                Message-ID: <s@netkit.test>\r\n\r\n";
    let body = "one\n.\r\nMAIL FROM:<e1@x>\r\ntwo\r.\rMAIL FROM:<e2@x>\rthree\r\n.\rMAIL FROM:<e3@x>\r\n\
                four\n.\nMAIL FROM:<e4@x>\n";
    let out = run_with_stdin(
        &["smtp-send", &url, "--to", "b@netkit.test", "-"],
        format!("{head}{body}").as_bytes(),
    );
    assert_eq!(code(&out), 0, "{}\n{}", stderr(&out), sink.logs());
    let messages = sink.wait_messages(1);
    assert_eq!(messages.len(), 1);
    let want = format!(
        "{head}one\r\n.\r\nMAIL FROM:<e1@x>\r\ntwo\r\n.\r\nMAIL FROM:<e2@x>\r\nthree\r\n.\r\n\
         MAIL FROM:<e3@x>\r\nfour\r\n.\r\nMAIL FROM:<e4@x>\r\n"
    );
    assert_eq!(escape(&messages[0].0), escape(want.as_bytes()));
    assert_eq!(messages[0].1["mail_from"], "a@netkit.test");
}

// --- -t bounds a whole reply ---------------------------------------------------------

#[test]
fn a_trickling_greeting_is_cut_off_at_the_timeout() {
    let mut greeting = b"220 ".to_vec();
    greeting.extend_from_slice(&[b'x'; 200]);
    greeting.extend_from_slice(b"\r\n");
    let peer = ScriptedPeer::start(vec![Step::Trickle(greeting, Duration::from_millis(300))]);
    let started = Instant::now();
    let out = smtp_send_to(peer.port(), &["-t", "1"]);
    let took = started.elapsed();
    assert_eq!(code(&out), 5, "{}", stderr(&out));
    assert!(stderr(&out).contains("--timeout"), "{}", stderr(&out));
    // A byte every 0.3 s would take a minute to finish the line; -t 1 ends it long before.
    assert!(took < Duration::from_secs(15), "took {took:?}");
}

/// The capability list of POP3, IMAP and NNTP has no size a client could wait for: a
/// server that trickles it a line at a time (each line well within `-t`) must not hold an
/// ordinary command past `-t` any more than it holds `--check`.
#[test]
fn a_capability_list_trickled_for_ever_ends_every_command_at_the_timeout() {
    let trickle =
        |line: &str| Step::Trickle(line.repeat(200).into_bytes(), Duration::from_millis(5));
    // pop and imap read the list before logging in; nntp logs in first when it can.
    let cases: Vec<(&[&str], &str, Vec<Step>, &str)> = vec![
        (
            &["pop", "stat"],
            "pop3://u:pw@",
            vec![
                send("+OK hi\r\n"),
                expect("CAPA"),
                send("+OK\r\n"),
                trickle("X\r\n"),
            ],
            "CAPA",
        ),
        (
            &["imap", "ls"],
            "imap://u:pw@",
            vec![
                send("* OK hi\r\n"),
                expect("nk1 CAPABILITY"),
                trickle("* X\r\n"),
            ],
            "CAPABILITY",
        ),
        (
            &["nntp", "groups"],
            "nntp://",
            vec![
                send("200 hi\r\n"),
                expect("CAPABILITIES"),
                send("101 list\r\n"),
                trickle("X\r\n"),
            ],
            "CAPABILITIES",
        ),
    ];
    for (command, url_head, steps, what) in cases {
        let peer = ScriptedPeer::start(steps);
        let url = format!("{url_head}{}", peer.addr());
        let out = netkit(&[command, &[url.as_str(), "-t", "1", "--tls", "none", "-q"]].concat());
        let err = stderr(&out);
        assert_eq!(code(&out), 5, "{command:?}: {err}");
        let says = format!(
            "timed out after 1 s waiting for the end of the {what} reply (raise --timeout)"
        );
        assert!(
            err.contains(&says) && err.contains(&peer.addr()),
            "{command:?}: {err}"
        );
        assert_eq!(err.lines().count(), 1, "{command:?}: {err}");
    }
}

#[test]
fn a_multiline_smtp_reply_whose_lines_disagree_is_malformed_at_once() {
    let peer = ScriptedPeer::start(vec![
        send("220-hello\r\n250 hello\r\n"),
        Step::Stall(Duration::from_secs(20)),
    ]);
    let out = smtp_send_to(peer.port(), &["-t", "15"]);
    assert_eq!(code(&out), 8, "{}", stderr(&out));
    assert!(stderr(&out).contains("malformed"), "{}", stderr(&out));
}

// --- passwords never shown -------------------------------------------------------------

#[test]
fn a_password_with_unencoded_delimiters_never_appears_in_any_error() {
    for (url, secret) in [
        ("smtp://alice:Top/Secret@127.0.0.1:1", "Top/Secret"),
        ("smtp://alice:Top?Secret@127.0.0.1:1", "Top?Secret"),
        ("smtp://alice:Top#Secret@127.0.0.1:1", "Top#Secret"),
        ("smtp://alice:Top@Secret@127.0.0.1:1", "Top@Secret"),
        ("smtp://alice:Top:Secret@127.0.0.1:1", "Top:Secret"),
    ] {
        for json in [false, true] {
            let mut args = vec![
                "smtp-send",
                url,
                "--from",
                "a@b.example",
                "--to",
                "d@e.example",
                "--body",
                "x",
                "-t",
                "2",
                "--connect-timeout",
                "2",
            ];
            if json {
                args.push("--json");
            }
            let out = netkit(&args);
            let err = stderr(&out);
            assert_ne!(code(&out), 0, "{url}: {err}");
            for piece in ["Secret", "Top"] {
                assert!(!err.contains(piece), "{url} json={json}: {err}");
            }
            assert!(!err.contains(secret));
            if json {
                // Every stderr line is JSON: the ps warning, then the error.
                let lines: Vec<serde_json::Value> = err
                    .lines()
                    .map(|l| {
                        serde_json::from_str(l)
                            .unwrap_or_else(|e| panic!("not a JSON line ({e}): {err}"))
                    })
                    .collect();
                let v = lines.last().expect("an error line");
                assert!(v["error"]["message"].is_string(), "{v}");
            }
        }
    }
}

#[test]
fn a_password_in_a_bad_flag_value_is_masked_in_clap_errors_too() {
    let out = netkit(&["urlquote", "--bogus", "smtp://u:hunter2@h"]);
    assert_eq!(code(&out), 2);
    let out = netkit(&["hostinfo", "--type", "smtp://u:hunter2@h", "x"]);
    assert_eq!(code(&out), 2);
    assert!(!stderr(&out).contains("hunter2"), "{}", stderr(&out));
}

// --- JSON usage errors, whatever found them ---------------------------------------------

#[test]
fn usage_errors_are_json_lines_whenever_json_was_asked() {
    for args in [
        &["urlquote", "--json", "--bogus"][..],
        &["smtp-send", "--json"],
        &["urlparse", "--json", "--set"],
        &["hostinfo", "--json", "--type", "NOPE", "x"],
        &["timeclient", "--json", "--proto", "carrier-pigeon"],
        &["urlquote", "--bogus", "--json"],
    ] {
        let out = netkit(args);
        assert_eq!(code(&out), 2, "{args:?}");
        let err = stderr(&out);
        let v: serde_json::Value = serde_json::from_str(err.trim())
            .unwrap_or_else(|e| panic!("{args:?}: not one JSON line ({e}): {err}"));
        assert_eq!(v["error"]["kind"], "usage", "{v}");
        assert_eq!(v["error"]["exit_code"], 2, "{v}");
        assert!(
            !v["error"]["message"].as_str().unwrap_or("").is_empty(),
            "{v}"
        );
    }
}

// --- line input survives a bad line ------------------------------------------------------

fn long_line_input() -> Vec<u8> {
    let mut input = b"http://a.example/one\n".to_vec();
    input.extend_from_slice(b"http://b.example/");
    input.extend(std::iter::repeat_n(b'x', 2 << 20));
    input.extend_from_slice(b"\nhttp://c.example/three\n");
    input
}

#[test]
fn one_overlong_stdin_line_does_not_stop_urlparse() {
    let out = run_with_stdin(&["urlparse", "--get", "{host}"], &long_line_input());
    assert_eq!(code(&out), 12, "{}", stderr(&out));
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "a.example\nc.example\n"
    );
    assert!(stderr(&out).contains("line 2"), "{}", stderr(&out));
}

#[test]
fn one_overlong_stdin_line_does_not_stop_urlquote_json() {
    let out = run_with_stdin(&["urlquote", "--json"], &long_line_input());
    assert_eq!(code(&out), 12, "{}", stderr(&out));
    let records: Vec<serde_json::Value> = out
        .stdout
        .split(|&b| b == b'\n')
        .filter(|l| !l.is_empty())
        .map(|l| serde_json::from_slice(l).unwrap())
        .collect();
    assert_eq!(records.len(), 2);
    assert_eq!(records[1]["input"], "http://c.example/three");
    let err: serde_json::Value = serde_json::from_str(stderr(&out).trim()).unwrap();
    assert_eq!(err["error"]["kind"], "usage");
}

// --- partial failures and stdin, the same everywhere -------------------------------------

#[test]
fn a_bad_url_among_arguments_is_partial_like_on_stdin() {
    let out = netkit(&[
        "urlparse",
        "--get",
        "{host}",
        "http://a.example/",
        "http://[bad",
    ]);
    assert_eq!(code(&out), 12, "{}", stderr(&out));
    assert_eq!(String::from_utf8_lossy(&out.stdout), "a.example\n");
    let out = run_with_stdin(
        &["urlparse", "--get", "{host}"],
        b"http://a.example/\nhttp://[bad\n",
    );
    assert_eq!(code(&out), 12, "{}", stderr(&out));
    // With --json the per-item error is a JSON error line naming the item.
    let out = netkit(&["urlparse", "--json", "http://a.example/", "http://[bad"]);
    assert_eq!(code(&out), 12);
    let err: serde_json::Value = serde_json::from_str(stderr(&out).trim())
        .unwrap_or_else(|e| panic!("{e}: {}", stderr(&out)));
    assert_eq!(err["error"]["item"], "http://[bad", "{err}");
    // One URL alone that fails is the command's failure.
    assert_eq!(code(&netkit(&["urlparse", "http://[bad"])), 2);
}

#[test]
fn dash_is_stdin_for_urlquote() {
    let out = run_with_stdin(&["urlquote", "a b", "-", "c d"], b"x y\n");
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "a%20b\nx%20y\nc%20d\n"
    );
}

// --- output that cannot be written, terminals, --version ---------------------------------

fn sh(script: &str) -> std::process::Output {
    let bin = crate::util::netkit_path();
    std::process::Command::new("sh")
        .arg("-c")
        .arg(script)
        .env("NETKIT", bin)
        .output()
        .expect("sh runs")
}

#[test]
fn output_that_is_lost_is_exit_9() {
    for script in [
        r#""$NETKIT" --help >/dev/full"#,
        r#""$NETKIT" urlquote --help >/dev/full"#,
        r#""$NETKIT" urlquote x >/dev/full"#,
        r#""$NETKIT" urlquote x >&-"#,
        r#""$NETKIT" --list >&-"#,
    ] {
        let out = sh(script);
        assert_eq!(code(&out), 9, "{script}: {}", stderr(&out));
        assert!(
            stderr(&out).starts_with("netkit"),
            "{script}: {}",
            stderr(&out)
        );
    }
    // A reader that stops early is no failure.
    let out = sh(r#"yes 'a b' | head -c 10000000 | "$NETKIT" urlquote | head -1"#);
    assert_eq!(String::from_utf8_lossy(&out.stdout), "a%20b\n");
}

#[test]
fn binary_wide_errors_say_netkit_once_and_escape_control_characters() {
    let out = netkit(&["--install"]);
    assert!(!stderr(&out).contains("netkit netkit"), "{}", stderr(&out));
    let out = netkit(&["urlparse", "http://[\u{1b}[31mred"]);
    assert_eq!(code(&out), 2);
    assert!(!stderr(&out).contains('\u{1b}'), "{}", escape(&out.stderr));
    assert!(stderr(&out).contains("\\x1b"), "{}", escape(&out.stderr));
}

#[test]
fn every_built_command_answers_version() {
    for name in [
        "timeserver",
        "timeclient",
        "smtp-send",
        "urlquote",
        "urlparse",
        "hostinfo",
    ] {
        let out = netkit(&[name, "--version"]);
        assert_eq!(code(&out), 0, "{name}: {}", stderr(&out));
        assert_eq!(
            String::from_utf8_lossy(&out.stdout),
            format!("netkit {}\n", env!("CARGO_PKG_VERSION")),
            "{name}"
        );
    }
}

// --- timeclient: -t bounds the whole reply; one drop rule; -m says -m ------------------

fn timeclient(args: &[&str]) -> std::process::Output {
    let mut all = vec!["timeclient"];
    all.extend_from_slice(args);
    netkit(&all)
}

#[test]
fn a_trickling_daytime_server_is_cut_off_at_the_timeout() {
    let line = format!("{}\r\n", "Sat Dec  5 20:00:00 2026 ".repeat(8));
    let peer = ScriptedPeer::start(vec![Step::Trickle(
        line.into_bytes(),
        Duration::from_millis(200),
    )]);
    let started = Instant::now();
    let out = timeclient(&[&peer.addr(), "-t", "1"]);
    let took = started.elapsed();
    assert_eq!(code(&out), 5, "{}", stderr(&out));
    assert!(stderr(&out).contains("raise --timeout"), "{}", stderr(&out));
    // 200 bytes at 0.2 s each would take 40 s; the whole reply is bounded by -t 1.
    assert!(took < Duration::from_secs(20), "took {took:?}");
}

#[test]
fn max_time_expiry_names_max_time_not_timeout() {
    let peer = ScriptedPeer::start(vec![Step::Stall(Duration::from_secs(20))]);
    let out = timeclient(&[&peer.addr(), "-t", "10", "-m", "1"]);
    assert_eq!(code(&out), 5, "{}", stderr(&out));
    let err = stderr(&out);
    assert!(err.contains("--max-time"), "{err}");
    assert!(!err.contains("raise --timeout"), "{err}");
}

/// A peer that closes before sending a byte never began the exchange: exit 4 in every
/// command (README: "reset before the exchange began"), after a byte it is 8.
#[test]
fn a_close_before_the_first_byte_is_exit_4_in_every_command() {
    let peer = ScriptedPeer::start(vec![Step::Drop]);
    let out = timeclient(&[&peer.addr(), "-t", "5"]);
    assert_eq!(code(&out), 4, "{}", stderr(&out));
    let peer = ScriptedPeer::start(vec![Step::Drop]);
    let out = smtp_send_to(peer.port(), &["-t", "5"]);
    assert_eq!(code(&out), 4, "{}", stderr(&out));
    let peer = ScriptedPeer::start(vec![send("Sat Dec"), Step::Drop]);
    let out = timeclient(&[&peer.addr(), "-t", "5"]);
    assert_eq!(code(&out), 8, "{}", stderr(&out));
}

#[test]
fn errors_say_errno_in_words_and_name_the_address_once() {
    // A port nobody listens on: "connection refused", never "(os error 111)".
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("addr").port();
    drop(listener);
    let target = format!("127.0.0.1:{port}");
    let out = timeclient(&[&target, "-t", "2"]);
    assert_eq!(code(&out), 4, "{}", stderr(&out));
    let err = stderr(&out);
    assert!(err.contains("connection refused"), "{err}");
    assert!(!err.contains("os error"), "{err}");
    let out = smtp_send_to(port, &["-t", "2"]);
    assert!(!stderr(&out).contains("os error"), "{}", stderr(&out));
    // A reply names the server once when the user gave the address itself.
    let peer = ScriptedPeer::start(vec![send("Sat Dec  5 20:00:00 2026\r\n")]);
    let out = timeclient(&[&peer.addr(), "-t", "5"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let line = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        line.starts_with(&format!("{} (daytime/tcp): ", peer.addr())),
        "{line}"
    );
}

// --- one scheme table (issue 20 #1) ---------------------------------------------------

#[test]
fn urlparse_knows_the_ports_timeclient_uses() {
    let out = netkit(&[
        "urlparse",
        "--get",
        "{port}",
        "ntp://x",
        "time://x",
        "daytime://x",
    ]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(String::from_utf8_lossy(&out.stdout), "123\n37\n13\n");
}

#[test]
fn a_bare_host_with_proto_asks_the_protocols_iana_port() {
    // Nothing listens on loopback's 37 and 13 here (tests never bind privileged ports):
    // the error names the port that was asked.
    for (proto, port) in [("time", "37"), ("daytime", "13")] {
        let out = timeclient(&["--proto", proto, "127.0.0.1", "-t", "2"]);
        let err = stderr(&out);
        assert!(err.contains(&format!("127.0.0.1:{port}")), "{proto}: {err}");
    }
    let out = timeclient(&["--proto", "ntp", "127.0.0.1", "-t", "1", "--retries", "0"]);
    assert!(stderr(&out).contains("127.0.0.1:123"), "{}", stderr(&out));
}

// --- smtp-send: the smaller ones (issue 11 #9, issue 20 #2 and #4) -----------------------

#[test]
fn an_empty_message_is_refused_before_connecting() {
    // Port 1 would refuse the connection (exit 4): exit 2 shows nothing was tried.
    let out = smtp_send_stdin("127.0.0.1:1", &[], b"");
    assert_eq!(code(&out), 2, "{}", stderr(&out));
    assert!(stderr(&out).contains("empty"), "{}", stderr(&out));
    let out = smtp_send_stdin("127.0.0.1:1", &["--allow-empty", "-t", "2"], b"");
    assert_eq!(code(&out), 4, "{}", stderr(&out));
}

#[test]
fn a_header_refusal_names_the_flag_to_use() {
    let out = smtp_send_to(1, &["--header", "From: x@y.z"]);
    assert_eq!(code(&out), 2, "{}", stderr(&out));
    let err = stderr(&out);
    assert!(err.contains("--from"), "{err}");
    assert!(!err.contains("Bcc"), "{err}");
}

#[test]
fn an_empty_password_file_is_exit_7_before_connecting() {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("pw");
    std::fs::write(&file, b"\n").expect("write");
    let pw = file.to_string_lossy().into_owned();
    let out = smtp_send_to(1, &["-u", "alice", "--password-file", &pw]);
    assert_eq!(code(&out), 7, "{}", stderr(&out));
    assert!(stderr(&out).contains("empty"), "{}", stderr(&out));
}

#[test]
fn a_password_in_the_url_warns_like_dash_u() {
    let out = netkit(&[
        "smtp-send",
        "smtp://alice:Secret1@127.0.0.1:1",
        "--from",
        "a@netkit.test",
        "--to",
        "b@netkit.test",
        "--body",
        "x",
        "-t",
        "2",
    ]);
    let err = stderr(&out);
    assert!(err.contains("in the URL shows in ps"), "{err}");
    assert!(!err.contains("Secret1"), "{err}");
}

#[test]
fn body_file_dash_is_stdin() {
    let sink = SmtpSink::start(SinkOptions::default());
    let url = format!("127.0.0.1:{}", sink.port());
    let out = smtp_send_stdin(&url, &["--body-file", "-"], b"hello from stdin\n");
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let messages = sink.wait_messages(1);
    assert!(
        String::from_utf8_lossy(&messages[0].0).contains("hello from stdin"),
        "{}",
        escape(&messages[0].0)
    );
}

/// `sendmail -t`: with no recipient flag, the raw message's To/Cc/Bcc are the envelope, and
/// its Bcc: field (folded lines too) never reaches the wire.
#[test]
fn a_raw_message_without_recipient_flags_is_sent_to_its_headers_without_bcc() {
    let sink = SmtpSink::start(SinkOptions::default());
    let url = format!("127.0.0.1:{}", sink.port());
    let message = "From: a@netkit.test\r\nTo: \"Doe, J\" <to@netkit.test>\r\n\
                   Cc: cc1@netkit.test, cc2@netkit.test\r\nBcc: hidden@netkit.test,\r\n \
                   hidden2@netkit.test\r\nSubject: t\r\n\r\nbody Bcc: stays\r\n";
    let out = run_with_stdin(&["smtp-send", &url, "-"], message.as_bytes());
    assert_eq!(code(&out), 0, "{}\n{}", stderr(&out), sink.logs());
    let messages = sink.wait_messages(1);
    let rcpts: Vec<String> = messages[0].1["rcpt_tos"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|v| v.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default();
    assert_eq!(
        rcpts,
        [
            "to@netkit.test",
            "cc1@netkit.test",
            "cc2@netkit.test",
            "hidden@netkit.test",
            "hidden2@netkit.test"
        ]
    );
    let sent = String::from_utf8_lossy(&messages[0].0).into_owned();
    assert!(!sent.contains("hidden"), "{sent}");
    assert!(
        sent.contains("\r\nSubject: t\r\n\r\nbody Bcc: stays\r\n"),
        "{sent}"
    );
    // With --to, the header recipients are not added, and Bcc: is still removed.
    let out = run_with_stdin(
        &["smtp-send", &url, "--to", "only@netkit.test", "-"],
        message.as_bytes(),
    );
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let messages = sink.wait_messages(2);
    assert_eq!(
        messages[1].1["rcpt_tos"],
        serde_json::json!(["only@netkit.test"])
    );
    assert!(!String::from_utf8_lossy(&messages[1].0).contains("hidden"));
}

/// A composed body with bare CRs is base64, not "7bit": the smuggling text stays one body
/// and its bytes survive exactly.
#[test]
fn a_composed_body_with_bare_crs_is_base64_and_survives_byte_for_byte() {
    use base64::Engine as _;
    let sink = SmtpSink::start(SinkOptions::default());
    let url = format!("127.0.0.1:{}", sink.port());
    let body = "x\r.\rMAIL FROM:<e@x>\rRCPT TO:<victim@x>\r";
    let out = smtp_send_stdin(&url, &["--body", body], b"");
    assert_eq!(code(&out), 0, "{}\n{}", stderr(&out), sink.logs());
    let messages = sink.wait_messages(1);
    assert_eq!(messages.len(), 1);
    assert_eq!(
        messages[0].1["rcpt_tos"],
        serde_json::json!(["b@netkit.test"])
    );
    let sent = String::from_utf8_lossy(&messages[0].0).into_owned();
    assert!(
        sent.contains("Content-Transfer-Encoding: base64\r\n"),
        "{sent}"
    );
    assert!(!sent.contains("7bit"), "{sent}");
    let encoded: String = sent
        .split("\r\n\r\n")
        .nth(1)
        .unwrap_or_default()
        .split("\r\n")
        .collect();
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(encoded.trim())
        .expect("base64 body");
    assert_eq!(decoded, body.as_bytes());
}

// --- smtp-send: local input is bounded too (issue 11 #3, first part) -------------------

#[test]
fn endless_local_input_stops_at_max_size_or_max_time() {
    // Port 1: nothing listens; every case must end before any connection is tried.
    let out = sh(
        "\"$NETKIT\" smtp-send 127.0.0.1:1 --from a@b.example --to d@e.example \
                  --max-size 1000000 - < /dev/zero",
    );
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    assert!(stderr(&out).contains("1000000 bytes"), "{}", stderr(&out));
    // A device is spooled after EHLO (the server's SIZE bounds it too): a peer is needed.
    let peer = ScriptedPeer::start(vec![
        send("220 hi\r\n"),
        expect("EHLO"),
        send("250 peer\r\n"),
        expect("QUIT"),
        send("221 bye\r\n"),
    ]);
    let out = sh(&format!(
        "\"$NETKIT\" smtp-send {} --from a@b.example --to d@e.example \
                  --body x --attach /dev/zero --max-size 5000000",
        peer.addr()
    ));
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    assert!(stderr(&out).contains("5000000 bytes"), "{}", stderr(&out));
    peer.assert_ok();
    // A writer that never writes (the pipe held open, silent): -m ends the read of stdin.
    let started = Instant::now();
    let mut child = std::process::Command::new(crate::util::netkit_path())
        .args(["smtp-send", "127.0.0.1:1", "--from", "a@b.example"])
        .args(["--to", "d@e.example", "-m", "1", "-"])
        .stdin(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("spawn netkit");
    let held = child.stdin.take();
    let out = child.wait_with_output().expect("netkit exits");
    drop(held);
    assert_eq!(code(&out), 5, "{}", stderr(&out));
    assert!(stderr(&out).contains("--max-time"), "{}", stderr(&out));
    assert!(started.elapsed() < Duration::from_secs(15));
}

#[test]
fn attach_dash_is_stdin_and_stdin_is_read_once() {
    let sink = SmtpSink::start(SinkOptions::default());
    let url = format!("127.0.0.1:{}", sink.port());
    let out = smtp_send_stdin(
        &url,
        &["--body", "see attached", "--attach", "-"],
        b"PAYLOAD",
    );
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let messages = sink.wait_messages(1);
    let sent = String::from_utf8_lossy(&messages[0].0).into_owned();
    assert!(sent.contains("stdin"), "{sent}");
    assert!(sent.contains("UEFZTE9BRA=="), "{sent}"); // base64 of PAYLOAD
    let out = smtp_send_stdin(&url, &["--body-file", "-", "--attach", "-"], b"x");
    assert_eq!(code(&out), 2, "{}", stderr(&out));
    assert!(stderr(&out).contains("once"), "{}", stderr(&out));
}

// --- the same habits everywhere (issue 20 #6, #7) ------------------------------------------

/// `--no-progress` is offered where a bar can be drawn; the commands that draw none still
/// accept it (SPEC §3: every network command does) but do not advertise it.
#[test]
fn no_progress_is_offered_only_where_a_bar_is_drawn() {
    for cmd in ["fetch", "ftp", "smtp-send", "pop", "imap", "gopher"] {
        let help = String::from_utf8_lossy(&netkit(&[cmd, "--help"]).stdout).into_owned();
        assert!(help.contains("--no-progress"), "{cmd}: {help}");
    }
    for cmd in ["timeclient", "telnet", "nntp"] {
        let help = String::from_utf8_lossy(&netkit(&[cmd, "--help"]).stdout).into_owned();
        assert!(!help.contains("--no-progress"), "{cmd}: {help}");
        let man = String::from_utf8_lossy(&netkit(&["man", cmd]).stdout).into_owned();
        assert!(!man.contains("no\\-progress"), "{cmd}: {man}");
        let out = netkit(&[cmd, "--no-progress", "--version"]);
        assert_eq!(code(&out), 0, "{cmd}: {}", stderr(&out));
    }
}

/// A name that does not resolve reads the same in every client: net's one wording, exit 3.
#[test]
fn a_name_that_does_not_resolve_reads_the_same_in_every_command() {
    let host = "no-such-host.invalid";
    let runs: [&[&str]; 10] = [
        &["hostinfo", host],
        &["timeclient", host],
        &[
            "smtp-send",
            host,
            "--from",
            "a@b.example",
            "--to",
            "c@d.example",
            "--body",
            "x",
        ],
        &["fetch", "http://no-such-host.invalid/"],
        &["ftp", "ls", "ftp://no-such-host.invalid/"],
        &["pop", "ls", "pop3://u:p@no-such-host.invalid/"],
        &["imap", "ls", "imap://u:p@no-such-host.invalid/"],
        &["nntp", "groups", "nntp://no-such-host.invalid/"],
        &["telnet", "--check", host],
        &["gopher", "gopher://no-such-host.invalid/"],
    ];
    let mut wordings = Vec::new();
    for args in runs {
        let out = netkit(args);
        assert_eq!(code(&out), 3, "{args:?}: {}", stderr(&out));
        // The last line: pop and imap warn first about the password in the URL.
        let err = stderr(&out)
            .trim_end()
            .lines()
            .last()
            .unwrap_or_default()
            .to_owned();
        let prefix = format!("netkit {}: ", args[0]);
        let said = err.strip_prefix(&prefix).unwrap_or(&err).to_owned();
        assert!(
            said.starts_with(&format!("{host}: does not resolve")),
            "{args:?}: {err}"
        );
        assert!(said.ends_with("check the spelling"), "{args:?}: {err}");
        wordings.push(said);
    }
    wordings.dedup();
    assert_eq!(wordings.len(), 1, "{wordings:#?}");
}

/// `timeserver --help` says what happens without --stratum (leap 3, unsynchronised), not a
/// default that replies do not carry.
#[test]
fn timeserver_help_says_what_replies_carry_without_stratum() {
    let help = String::from_utf8_lossy(&netkit(&["timeserver", "--help"]).stdout).into_owned();
    let stratum = help
        .split("--stratum")
        .nth(1)
        .and_then(|rest| rest.split("\n\n").next())
        .unwrap_or_default()
        .to_owned();
    assert!(stratum.contains("leap 3"), "{stratum}");
    assert!(!stratum.contains("[default:"), "{stratum}");
}
