//! `netkit urlparse` through the real binary: human and JSON output, netkit's schemes, IPv6,
//! IDNA, `--join`, `--set`, `--get`, stdin streaming and its error handling, and a sample of
//! the Python parity fixture (`tests/data/python/parse_cases.json`).

use serde_json::Value;

use crate::util::{code, netkit, run_with_stdin, stderr, stdout};

fn json_lines(out: &std::process::Output) -> Vec<Value> {
    stdout(out)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{l:?}: {e}")))
        .collect()
}

fn one_json(url: &str) -> Value {
    let out = netkit(&["urlparse", "--json", url]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let mut all = json_lines(&out);
    assert_eq!(all.len(), 1);
    all.remove(0)
}

#[test]
fn human_output_is_one_name_value_line_per_component() {
    let out = netkit(&[
        "urlparse",
        "https://alice:pw@Example.COM:8443/a/b;p?q=1&r=a+b#frag",
    ]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let text = stdout(&out);
    for line in [
        "scheme: https",
        "user: alice",
        "password: pw",
        "host: example.com",
        "port: 8443",
        "default_port: 443",
        "path: /a/b",
        "params: p",
        "query: q=1&r=a+b",
        "fragment: frag",
        r#"query_pairs: [["q","1"],["r","a b"]]"#,
    ] {
        assert!(
            text.lines().any(|l| l == line),
            "{line:?} missing in {text:?}"
        );
    }
    assert!(text.lines().all(|l| l.contains(':')), "{text:?}");
}

#[test]
fn human_output_separates_several_urls_with_a_blank_line() {
    let out = netkit(&["urlparse", "http://a/", "http://b/"]);
    let text = stdout(&out);
    assert_eq!(text.matches("\n\n").count(), 1, "{text:?}");
    assert!(text.contains("host: a\n") && text.contains("host: b\n"));
}

#[test]
fn json_has_the_spec_keys_with_nulls_for_absent_parts() {
    let v = one_json("http://example.com/x?a=1&b#f");
    for key in [
        "url",
        "scheme",
        "user",
        "password",
        "host",
        "host_unicode",
        "port",
        "default_port",
        "path",
        "params",
        "query",
        "fragment",
        "query_pairs",
    ] {
        assert!(v.get(key).is_some(), "key {key} missing: {v}");
    }
    assert_eq!(v["url"], "http://example.com/x?a=1&b#f");
    assert_eq!(v["user"], Value::Null);
    assert_eq!(v["password"], Value::Null);
    assert_eq!(v["port"], Value::Null);
    assert_eq!(v["default_port"], 80);
    assert_eq!(v["params"], "");
    assert_eq!(v["query_pairs"], serde_json::json!([["a", "1"], ["b", ""]]));
}

#[test]
fn mail_news_and_gopher_schemes_have_hosts_and_default_ports() {
    for (url, host, port, default) in [
        (
            "imap://alice@mail.example.org/INBOX",
            "mail.example.org",
            Value::Null,
            143,
        ),
        (
            "imaps://mail.example.org:10993/",
            "mail.example.org",
            10993.into(),
            993,
        ),
        (
            "pop3://bob:pw@pop.example.org",
            "pop.example.org",
            Value::Null,
            110,
        ),
        (
            "nntp://news.example.org/comp.lang.rust",
            "news.example.org",
            Value::Null,
            119,
        ),
        (
            "gopher://gopher.example.org:7070/1/",
            "gopher.example.org",
            7070.into(),
            70,
        ),
        (
            "smtp://relay.example.org:587",
            "relay.example.org",
            587.into(),
            25,
        ),
        (
            "telnet://bbs.example.org",
            "bbs.example.org",
            Value::Null,
            23,
        ),
    ] {
        let v = one_json(url);
        assert_eq!(v["host"], host, "{url}");
        assert_eq!(v["port"], port, "{url}");
        assert_eq!(v["default_port"], default, "{url}");
    }
    assert_eq!(one_json("pop3://bob:pw@pop.example.org")["password"], "pw");
    assert_eq!(one_json("mailto:a@b")["default_port"], Value::Null);
}

#[test]
fn ipv6_literals_lose_their_brackets_and_keep_the_port() {
    let v = one_json("http://[2001:DB8::1]:8080/x");
    assert_eq!(v["host"], "2001:db8::1");
    assert_eq!(v["port"], 8080);
    let z = one_json("http://[fe80::1%25eth0]/");
    assert_eq!(z["host"], "fe80::1%25eth0");
}

#[test]
fn idna_host_is_punycode_with_a_unicode_twin() {
    let v = one_json("http://bücher.example/");
    assert_eq!(v["host"], "xn--bcher-kva.example");
    assert_eq!(v["host_unicode"], "bücher.example");
    let p = one_json("http://xn--bcher-kva.example/");
    assert_eq!(p["host_unicode"], "bücher.example");
}

#[test]
fn join_prints_python_urljoin_results() {
    for (reference, want) in [
        ("../g", "http://a/b/g"),
        ("g;x?y#s", "http://a/b/c/g;x?y#s"),
        ("../../../../g", "http://a/g"),
        ("//g", "http://g"),
        ("#s", "http://a/b/c/d;p?q#s"),
        ("g:h", "g:h"),
    ] {
        let out = netkit(&["urlparse", "http://a/b/c/d;p?q", "--join", reference]);
        assert_eq!(code(&out), 0, "{}", stderr(&out));
        assert_eq!(stdout(&out), format!("{want}\n"), "{reference}");
    }
}

#[test]
fn join_with_json_describes_the_joined_url() {
    let out = netkit(&["urlparse", "--json", "--join", "/x?y=1", "imap://h/INBOX"]);
    let v = &json_lines(&out)[0];
    assert_eq!(v["url"], "imap://h/x?y=1");
    assert_eq!(v["query_pairs"], serde_json::json!([["y", "1"]]));
}

#[test]
fn set_builds_a_url_from_nothing() {
    let out = netkit(&["urlparse", "--set", "scheme=https", "--set", "host=x"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(stdout(&out), "https://x\n");
}

#[test]
fn set_changes_parts_and_encodes_delimiters() {
    let out = netkit(&[
        "urlparse",
        "http://h/a?q#f",
        "--set",
        "port=8080",
        "--set",
        "user=a@b",
        "--set",
        "query=x=1 2",
        "--set",
        "fragment=",
    ]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(stdout(&out), "http://a%40b@h:8080/a?x=1%202\n");
}

#[test]
fn set_runs_after_join() {
    let out = netkit(&[
        "urlparse",
        "http://a/b/c",
        "--join",
        "d?e",
        "--set",
        "scheme=https",
    ]);
    assert_eq!(stdout(&out), "https://a/b/d?e\n");
}

#[test]
fn set_with_a_bad_value_is_a_usage_error() {
    for set in ["port=70000", "host=a/b", "colour=red", "scheme=1x"] {
        let out = netkit(&["urlparse", "http://h/", "--set", set]);
        assert_eq!(code(&out), 2, "{set}");
        assert!(stdout(&out).is_empty());
        assert!(
            stderr(&out).starts_with("netkit urlparse: --set"),
            "{}",
            stderr(&out)
        );
    }
}

#[test]
fn get_fills_the_template_with_effective_port() {
    let out = netkit(&[
        "urlparse",
        "--get",
        "{{{scheme}}} {host}:{port} {default_port} {path} {query:b}",
        "imaps://u@Mail.Example/INBOX?a=1&b=x+y",
        "nntp://n:1119/g",
    ]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(
        stdout(&out),
        "{imaps} mail.example:993 993 /INBOX x y\n{nntp} n:1119 119 /g \n"
    );
}

#[test]
fn get_with_an_unknown_name_is_a_usage_error() {
    let out = netkit(&["urlparse", "--get", "{hostname}", "http://h/"]);
    assert_eq!(code(&out), 2);
    assert!(stdout(&out).is_empty());
    assert!(
        stderr(&out).contains("unknown template name '{hostname}'"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn bad_url_argument_exits_2_with_one_line() {
    let out = netkit(&["urlparse", "http://[::1"]);
    assert_eq!(code(&out), 2);
    let err = stderr(&out);
    assert_eq!(err.lines().count(), 1, "{err:?}");
    assert!(
        err.starts_with("netkit urlparse: 'http://[::1': invalid IPv6 literal"),
        "{err:?}"
    );
}

#[test]
fn bad_port_argument_exits_2() {
    for url in ["http://h:99999/", "http://h:8a/"] {
        let out = netkit(&["urlparse", url]);
        assert_eq!(code(&out), 2, "{url}");
        assert!(stderr(&out).contains("port"), "{}", stderr(&out));
    }
}

#[test]
fn bad_url_argument_with_json_gives_a_json_error_line() {
    let out = netkit(&["urlparse", "--json", "http://[::1"]);
    assert_eq!(code(&out), 2);
    let err = stderr(&out);
    assert_eq!(err.lines().count(), 1, "{err:?}");
    let v: Value = serde_json::from_str(err.trim()).unwrap();
    assert_eq!(v["error"]["kind"], "usage");
    assert_eq!(v["error"]["exit_code"], 2);
    assert!(v["error"]["message"].as_str().unwrap().contains("IPv6"));
}

#[test]
fn stdin_is_streamed_line_by_line_as_json_lines() {
    let out = run_with_stdin(
        &["urlparse", "--json"],
        b"http://a/\r\nimap://b/INBOX\n\ngopher://c\n",
    );
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let hosts: Vec<Value> = json_lines(&out).iter().map(|v| v["host"].clone()).collect();
    assert_eq!(
        hosts,
        ["a", "b", "c"],
        "blank line skipped, CR removed like Python"
    );
}

#[test]
fn stdin_bad_line_warns_and_the_others_are_printed_exit_12() {
    let input = b"http://a/\nhttp://[::1\nhttp://b:99999/\nhttp://c/\n";
    let out = run_with_stdin(&["urlparse", "--get", "{host}"], input);
    assert_eq!(code(&out), 12);
    assert_eq!(stdout(&out), "a\nc\n");
    let err = stderr(&out);
    assert_eq!(err.lines().count(), 2, "{err:?}");
    assert!(err.contains("line 2: 'http://[::1'"), "{err:?}");
    assert!(err.contains("line 3:"), "{err:?}");
}

#[test]
fn stdin_invalid_utf8_is_read_lossily() {
    let out = run_with_stdin(&["urlparse", "--get", "{path}"], b"http://h/\xff\n");
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(stdout(&out), "/\u{fffd}\n");
}

#[test]
fn dash_argument_reads_stdin_to_edit_its_urls() {
    let out = run_with_stdin(
        &["urlparse", "-", "--set", "port=81"],
        b"http://a/\nhttp://b/x\n",
    );
    assert_eq!(stdout(&out), "http://a:81/\nhttp://b:81/x\n");
}

#[test]
fn default_scheme_reads_bare_host_port() {
    let out = netkit(&[
        "urlparse",
        "--default-scheme",
        "http",
        "--get",
        "{scheme} {host} {port}",
        "example.com:8080",
        "mailto:a@b",
    ]);
    assert_eq!(stdout(&out), "http example.com 8080\nmailto  \n");
    let plain = netkit(&["urlparse", "--get", "{scheme}|{path}", "example.com:80"]);
    assert_eq!(
        stdout(&plain),
        "example.com|80\n",
        "without the flag, as Python splits it"
    );
}

#[test]
fn closed_stdout_pipe_ends_quietly() {
    use std::io::Write;
    use std::process::{Command, Stdio};
    let mut child = Command::new(crate::util::netkit_path())
        .args(["urlparse", "--json"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let mut stdin = child.stdin.take().unwrap();
    let writer = std::thread::spawn(move || {
        let line = b"http://example.com/a?b=c\n".repeat(20_000);
        let _ = stdin.write_all(&line);
    });
    let out = child.wait_with_output().unwrap();
    let _ = writer.join();
    assert_eq!(out.status.code(), Some(0));
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn python_fixture_sample_matches_through_the_binary() {
    let fixture: Value =
        serde_json::from_str(include_str!("../data/python/parse_cases.json")).unwrap();
    let cases: Vec<&Value> = fixture["parse"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["error"].is_null())
        .filter(|c| {
            let u = c["url"].as_str().unwrap();
            // Arguments go through argv: keep it to printable ASCII without leading blanks.
            u.is_ascii()
                && !u.is_empty()
                && !u.starts_with(' ')
                && !u.chars().any(|c| c.is_control())
        })
        .step_by(2)
        .collect();
    assert!(cases.len() >= 30, "sample too small: {}", cases.len());
    let urls: Vec<&str> = cases.iter().map(|c| c["url"].as_str().unwrap()).collect();
    let mut args = vec!["urlparse", "--json"];
    args.extend(&urls);
    let out = netkit(&args);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let got = json_lines(&out);
    assert_eq!(got.len(), cases.len());
    for (case, v) in cases.iter().zip(&got) {
        let url = &case["url"];
        for (ours, python) in [
            ("scheme", "scheme"),
            ("netloc", "netloc"),
            ("path", "path"),
            ("params", "params"),
            ("query", "query"),
            ("fragment", "fragment"),
            ("user", "username"),
            ("password", "password"),
            ("host", "hostname"),
            ("port", "port"),
            ("query_pairs", "query_pairs"),
        ] {
            assert_eq!(v[ours], case[python], "{url}: {ours}");
        }
    }
    let joins: Vec<&Value> = fixture["join"]
        .as_array()
        .unwrap()
        .iter()
        .take(42)
        .collect();
    for j in joins.iter().step_by(3) {
        let (base, reference) = (j["base"].as_str().unwrap(), j["ref"].as_str().unwrap());
        let out = netkit(&["urlparse", base, "--join", reference]);
        assert_eq!(stdout(&out).trim_end(), j["result"], "{base} + {reference}");
    }
}
