//! fetch against scripted HTTP peers that misbehave the ways real servers and networks do:
//! stalls, drops mid-body, lying lengths, garbage, endless headers, loops, ignored ranges.

use std::fs;
use std::time::{Duration, Instant};

use super::{arg, fetch, json};
use crate::util::script::{ScriptOptions, ScriptedPeer, Step, send};
use crate::util::{code, stderr, stdout};

/// One response on a connection that then closes.
fn respond(head_and_body: &str) -> Vec<Step> {
    vec![Step::ReadHttpHead, send(head_and_body), Step::Drop]
}

fn url(peer: &ScriptedPeer, path: &str) -> String {
    format!("http://{}{path}", peer.addr())
}

fn head_of(transcript: &[Vec<u8>], i: usize) -> String {
    String::from_utf8_lossy(&transcript[i]).to_ascii_lowercase()
}

#[test]
fn a_stall_after_the_headers_is_exit_5_in_about_the_timeout() {
    let peer = ScriptedPeer::start(vec![
        Step::ReadHttpHead,
        send("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nabc"),
        Step::Stall(Duration::from_secs(30)),
    ]);
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("out");
    let started = Instant::now();
    let out = fetch(&["-t", "1", "-o", arg(&file), &url(&peer, "/x")]);
    assert_eq!(code(&out), 5, "{}", stderr(&out));
    assert!(stderr(&out).contains("raise --timeout"), "{}", stderr(&out));
    // It gave up on its own, long before the peer's 30 s stall ended.
    assert!(started.elapsed() < Duration::from_secs(15));
    assert!(!file.exists(), "a partial body never takes the final name");
    assert_eq!(
        fs::read(dir.path().join("out.part")).expect("part kept"),
        b"abc"
    );
}

#[test]
fn a_body_shorter_than_its_content_length_is_exit_8_and_the_part_file_stays() {
    let peer = ScriptedPeer::start(respond(
        "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n01234",
    ));
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("f.bin");
    let out = fetch(&["-o", arg(&file), &url(&peer, "/f.bin")]);
    assert_eq!(code(&out), 8, "{}", stderr(&out));
    assert!(stderr(&out).contains("-C resumes"), "{}", stderr(&out));
    assert!(!file.exists());
    assert_eq!(
        fs::read(dir.path().join("f.bin.part")).expect("part"),
        b"01234"
    );
}

#[test]
fn garbage_instead_of_a_status_line_is_exit_8() {
    let peer = ScriptedPeer::start(respond("SSH-2.0-OpenSSH_9.2\r\n\r\n"));
    let out = fetch(&[&url(&peer, "/")]);
    assert_eq!(code(&out), 8, "{}", stderr(&out));
}

#[test]
fn an_endless_header_line_is_refused_in_bounded_memory() {
    let peer = ScriptedPeer::start(vec![
        Step::ReadHttpHead,
        send("HTTP/1.1 200 OK\r\nX-Endless: "),
        Step::SendEndless,
    ]);
    let out = fetch(&[&url(&peer, "/")]);
    assert_eq!(code(&out), 8, "{}", stderr(&out));
    assert!(stderr(&out).contains("headers over"), "{}", stderr(&out));
}

#[test]
fn a_hundred_thousand_headers_are_refused() {
    let mut reply = String::from("HTTP/1.1 200 OK\r\n");
    for i in 0..100_000 {
        reply.push_str(&format!("X-{i}: v\r\n"));
    }
    reply.push_str("\r\n");
    let peer = ScriptedPeer::start(respond(&reply));
    let out = fetch(&[&url(&peer, "/")]);
    assert_eq!(code(&out), 8, "{}", stderr(&out));
}

#[test]
fn bad_chunk_sizes_are_exit_8() {
    let peer = ScriptedPeer::start(respond(
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nhello\r\n0\r\n\r\n",
    ));
    let out = fetch(&[&url(&peer, "/")]);
    assert_eq!(code(&out), 8, "{}", stderr(&out));
}

#[test]
fn a_redirect_loop_is_exit_8_with_nothing_under_the_name() {
    let first = respond(
        "HTTP/1.1 302 Found\r\nLocation: /b\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
    );
    let second = respond(
        "HTTP/1.1 302 Found\r\nLocation: /a\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
    );
    let peer = ScriptedPeer::start_with(
        first,
        ScriptOptions {
            later: vec![second],
            ..Default::default()
        },
    );
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("out");
    let out = fetch(&["-o", arg(&file), &url(&peer, "/a")]);
    assert_eq!(code(&out), 8, "{}", stderr(&out));
    assert!(stderr(&out).contains("redirect loop"), "{}", stderr(&out));
    assert!(!file.exists() && !dir.path().join("out.part").exists());
}

#[test]
fn a_drop_mid_body_is_resumed_by_retry_with_range_and_if_range() {
    let first = respond(
        "HTTP/1.1 200 OK\r\nContent-Length: 10\r\nETag: \"v1\"\r\nAccept-Ranges: bytes\r\n\r\n01234",
    );
    let second = respond(
        "HTTP/1.1 206 Partial Content\r\nContent-Range: bytes 5-9/10\r\nContent-Length: 5\r\nConnection: close\r\n\r\n56789",
    );
    let peer = ScriptedPeer::start_with(
        first,
        ScriptOptions {
            later: vec![second],
            ..Default::default()
        },
    );
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("f");
    // sha256("0123456789")
    let sum = "84d89877f0d4041efb6bf91a16f0248f2fd573e6af05c19f96bedb9f882f7882";
    let out = fetch(&[
        "--retry",
        "2",
        "--json",
        "--sha256",
        sum,
        "-o",
        arg(&file),
        &url(&peer, "/f"),
    ]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(fs::read(&file).expect("file"), b"0123456789");
    let report = json(&out);
    assert_eq!(report["retries"], 1);
    assert_eq!(report["sha256"], sum);
    let transcript = peer.assert_ok();
    let retry = head_of(&transcript, 1);
    assert!(retry.contains("range: bytes=5-"), "{retry}");
    assert!(retry.contains("if-range: \"v1\""), "{retry}");
}

#[test]
fn a_server_that_ignores_range_restarts_the_file_never_appends() {
    let peer = ScriptedPeer::start(respond(
        "HTTP/1.1 200 OK\r\nContent-Length: 10\r\nConnection: close\r\n\r\n0123456789",
    ));
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("f");
    fs::write(dir.path().join("f.part"), b"01234").expect("seed part");
    let out = fetch(&["-C", "-o", arg(&file), &url(&peer, "/f")]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(fs::read(&file).expect("file"), b"0123456789");
    let transcript = peer.assert_ok();
    assert!(head_of(&transcript, 0).contains("range: bytes=5-"));
}

#[test]
fn a_416_for_a_complete_part_file_is_success() {
    let peer = ScriptedPeer::start(respond(
        "HTTP/1.1 416 Range Not Satisfiable\r\nContent-Range: bytes */5\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
    ));
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("f");
    fs::write(dir.path().join("f.part"), b"01234").expect("seed part");
    let out = fetch(&["-C", "-o", arg(&file), &url(&peer, "/f")]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(fs::read(&file).expect("file"), b"01234");
}

#[test]
fn a_503_with_retry_after_is_retried_and_counted() {
    let first = respond(
        "HTTP/1.1 503 Service Unavailable\r\nRetry-After: 1\r\nContent-Length: 5\r\nConnection: close\r\n\r\nbusy\n",
    );
    let second = respond("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok");
    let peer = ScriptedPeer::start_with(
        first,
        ScriptOptions {
            later: vec![second],
            ..Default::default()
        },
    );
    let out = fetch(&[
        "--retry",
        "1",
        "--json",
        "-o",
        "/dev/null",
        &url(&peer, "/"),
    ]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(json(&out)["retries"], 1);
    assert_eq!(json(&out)["bytes"], 2);
}

#[test]
fn a_503_without_retry_is_exit_11_and_shows_the_body() {
    let peer = ScriptedPeer::start(respond(
        "HTTP/1.1 503 Service Unavailable\r\nContent-Length: 12\r\nConnection: close\r\n\r\ncome back\x1b[2J",
    ));
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("out");
    let out = fetch(&["-o", arg(&file), &url(&peer, "/")]);
    assert_eq!(code(&out), 11, "{}", stderr(&out));
    let err = stderr(&out);
    assert!(err.contains("503 Service Unavailable: come back"), "{err}");
    assert!(
        !err.contains('\x1b'),
        "control characters are escaped: {err}"
    );
    assert!(!file.exists() && !dir.path().join("out.part").exists());
}

#[test]
fn no_fail_writes_the_error_body_and_exits_0() {
    let peer = ScriptedPeer::start(respond(
        "HTTP/1.1 404 Not Found\r\nContent-Length: 5\r\nConnection: close\r\n\r\nnope\n",
    ));
    let out = fetch(&["--no-fail", &url(&peer, "/")]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(stdout(&out), "nope\n");
}

#[test]
fn credentials_are_not_sent_to_another_port_after_a_redirect() {
    let other = ScriptedPeer::start(respond(
        "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok",
    ));
    let first = ScriptedPeer::start(respond(&format!(
        "HTTP/1.1 302 Found\r\nLocation: http://{}/x\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
        other.addr()
    )));
    let out = fetch(&["-u", "alice:pw", "-q", &url(&first, "/start")]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(stdout(&out), "ok");
    let sent_first = head_of(&first.assert_ok(), 0);
    assert!(sent_first.contains("authorization: basic"), "{sent_first}");
    let sent_other = head_of(&other.assert_ok(), 0);
    assert!(!sent_other.contains("authorization"), "{sent_other}");
}

#[test]
fn verbose_shows_headers_with_secrets_masked() {
    let peer = ScriptedPeer::start(respond(
        "HTTP/1.1 200 OK\r\nSet-Cookie: session=abc123\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok",
    ));
    let out = fetch(&[
        "-v",
        "-u",
        "bob:hunter2",
        "-H",
        "Cookie: id=42",
        &url(&peer, "/"),
    ]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let err = stderr(&out);
    assert!(err.contains("> GET / HTTP/1.1"), "{err}");
    assert!(err.contains("authorization: ***"), "{err}");
    assert!(
        err.contains("cookie: ***") && err.contains("set-cookie: ***"),
        "{err}"
    );
    assert!(!err.contains("abc123") && !err.contains("id=42") && !err.contains("hunter2"));
}

#[test]
fn an_https_to_http_redirect_is_refused_unless_allowed() {
    let peer = ScriptedPeer::start(vec![
        Step::StartTls(crate::util::ca::CertKind::Good),
        Step::ReadHttpHead,
        send("HTTP/1.1 302 Found\r\nLocation: http://127.0.0.1:9/x\r\nContent-Length: 0\r\n\r\n"),
        Step::Drop,
    ]);
    let ca = peer.ca_pem();
    let out = fetch(&[
        "--cacert",
        ca.to_str().expect("utf-8"),
        &format!("https://localhost:{}/", peer.port()),
    ]);
    assert_eq!(code(&out), 6, "{}", stderr(&out));
    assert!(
        stderr(&out).contains("--allow-downgrade"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn max_filesize_refuses_from_content_length_before_writing() {
    let peer = ScriptedPeer::start(respond(
        "HTTP/1.1 200 OK\r\nContent-Length: 1000\r\nConnection: close\r\n\r\n",
    ));
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("f");
    let out = fetch(&["--max-filesize", "100", "-o", arg(&file), &url(&peer, "/")]);
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    assert!(!file.exists() && !dir.path().join("f.part").exists());
}

#[test]
fn max_filesize_stops_a_body_without_length_as_it_passes() {
    let peer = ScriptedPeer::start(vec![
        Step::ReadHttpHead,
        send("HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n"),
        Step::SendEndless,
    ]);
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("f");
    let out = fetch(&["--max-filesize", "1M", "-o", arg(&file), &url(&peer, "/")]);
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    assert!(!file.exists());
}

#[test]
fn a_sha256_mismatch_is_exit_10_and_the_name_is_not_created() {
    let peer = ScriptedPeer::start(respond(
        "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok",
    ));
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("f");
    let wrong = "0".repeat(64);
    let out = fetch(&["--sha256", &wrong, "-o", arg(&file), &url(&peer, "/")]);
    assert_eq!(code(&out), 10, "{}", stderr(&out));
    assert!(!file.exists());
}

#[test]
fn hostile_content_disposition_names_stay_in_the_directory() {
    for (header, expect) in [
        ("attachment; filename=\"../../etc/passwd\"", "passwd"),
        ("attachment; filename=\"/etc/x\"", "x"),
        ("attachment; filename=\".bashrc\"", "bashrc"),
        ("attachment; filename*=UTF-8''a%01b.txt", "ab.txt"),
    ] {
        let peer = ScriptedPeer::start(respond(&format!(
            "HTTP/1.1 200 OK\r\nContent-Disposition: {header}\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok"
        )));
        let dir = tempfile::tempdir().expect("tempdir");
        let out = fetch(&[
            "-O",
            "-J",
            "--output-dir",
            arg(dir.path()),
            &url(&peer, "/dl"),
        ]);
        assert_eq!(code(&out), 0, "{header}: {}", stderr(&out));
        let names: Vec<String> = fs::read_dir(dir.path())
            .expect("read dir")
            .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
            .collect();
        assert_eq!(names, vec![expect.to_owned()], "{header}");
    }
}

#[test]
fn an_existing_file_is_not_replaced_by_a_server_name_without_clobber() {
    let reply = "HTTP/1.1 200 OK\r\nContent-Disposition: attachment; filename=\"keep.txt\"\r\nContent-Length: 3\r\nConnection: close\r\n\r\nnew";
    let dir = tempfile::tempdir().expect("tempdir");
    fs::write(dir.path().join("keep.txt"), b"old").expect("seed");
    let peer = ScriptedPeer::start(respond(reply));
    let out = fetch(&[
        "-O",
        "-J",
        "--output-dir",
        arg(dir.path()),
        &url(&peer, "/dl"),
    ]);
    assert_eq!(code(&out), 9, "{}", stderr(&out));
    assert_eq!(fs::read(dir.path().join("keep.txt")).expect("kept"), b"old");
    let peer = ScriptedPeer::start(respond(reply));
    let out = fetch(&[
        "-O",
        "-J",
        "--clobber",
        "--output-dir",
        arg(dir.path()),
        &url(&peer, "/dl"),
    ]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(
        fs::read(dir.path().join("keep.txt")).expect("replaced"),
        b"new"
    );
}

/// A peer that answers one request with a 302 to `target`.
fn redirecting_to(target: &str) -> ScriptedPeer {
    ScriptedPeer::start(respond(&format!(
        "HTTP/1.1 302 Found\r\nLocation: {target}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
    )))
}

fn ok_peer() -> ScriptedPeer {
    ScriptedPeer::start(respond(
        "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok",
    ))
}

#[test]
fn a_user_agent_with_cr_lf_or_control_characters_is_a_usage_error_not_a_crash() {
    let peer = ok_peer();
    for bad in ["x\r\nX-Injected: 1", "x\ny", "a\u{1}b", "del\u{7f}"] {
        let out = fetch(&["-A", bad, &url(&peer, "/")]);
        assert_eq!(code(&out), 2, "-A {bad:?}: {}", stderr(&out));
        assert!(stderr(&out).contains("-A"), "{}", stderr(&out));
        assert!(!stderr(&out).contains("panicked"), "{}", stderr(&out));
    }
    for bad in ["X: a\u{1}b", "X Y: z", "X: a\x7fb"] {
        let out = fetch(&["-H", bad, &url(&peer, "/")]);
        assert_eq!(code(&out), 2, "-H {bad:?}: {}", stderr(&out));
    }
    // Nothing was sent for any of them; a good agent still works.
    let out = fetch(&["-A", "probe/1.0 (tab\tok)", &url(&peer, "/")]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let sent = head_of(&peer.assert_ok(), 0);
    assert!(sent.contains("user-agent: probe/1.0 (tab\tok)"), "{sent}");
}

#[test]
fn credential_headers_from_h_are_not_sent_to_another_origin_after_a_redirect() {
    let other = ok_peer();
    let first = redirecting_to(&format!("http://{}/x", other.addr()));
    let out = fetch(&[
        "-q",
        "-H",
        "Authorization: Bearer s3cret",
        "-H",
        "cookie: session=abc",
        "-H",
        "Proxy-Authorization: Basic cHg6cHc=",
        "-H",
        "X-Trace: keep-me",
        &url(&first, "/start"),
    ]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(stdout(&out), "ok");
    let sent_first = head_of(&first.assert_ok(), 0);
    assert!(
        sent_first.contains("authorization: bearer s3cret"),
        "{sent_first}"
    );
    assert!(sent_first.contains("cookie: session=abc"), "{sent_first}");
    let sent_other = head_of(&other.assert_ok(), 0);
    assert!(!sent_other.contains("s3cret"), "{sent_other}");
    assert!(!sent_other.contains("session=abc"), "{sent_other}");
    assert!(!sent_other.contains("authorization"), "{sent_other}");
    assert!(!sent_other.contains("cookie"), "{sent_other}");
    // Headers that carry no credentials still follow the redirect.
    assert!(sent_other.contains("x-trace: keep-me"), "{sent_other}");
}

#[test]
fn credential_headers_from_h_follow_a_redirect_on_the_same_origin() {
    let second = respond("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok");
    let peer = ScriptedPeer::start_with(
        respond(
            "HTTP/1.1 302 Found\r\nLocation: /next\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
        ),
        ScriptOptions {
            later: vec![second],
            ..Default::default()
        },
    );
    let out = fetch(&[
        "-q",
        "-H",
        "Authorization: Bearer s3cret",
        &url(&peer, "/a"),
    ]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let transcript = peer.assert_ok();
    assert!(head_of(&transcript, 1).contains("authorization: bearer s3cret"));
}

#[test]
fn netrc_credentials_are_not_sent_to_another_port_after_a_redirect() {
    let other = ok_peer();
    let first = redirecting_to(&format!("http://{}/x", other.addr()));
    let dir = tempfile::tempdir().expect("tempdir");
    let netrc = dir.path().join("netrc");
    // The entry names the host only, so it matches both peers: the port must decide.
    fs::write(&netrc, "machine 127.0.0.1 login nu password NETRCPW\n").expect("netrc");
    let out = fetch(&["-q", "--netrc-file", arg(&netrc), &url(&first, "/start")]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(stdout(&out), "ok");
    let sent_first = head_of(&first.assert_ok(), 0);
    assert!(sent_first.contains("authorization: basic"), "{sent_first}");
    let sent_other = head_of(&other.assert_ok(), 0);
    assert!(!sent_other.contains("authorization"), "{sent_other}");
}

#[test]
fn a_retry_after_of_a_day_fails_at_once_with_exit_11_instead_of_sleeping() {
    for asked in ["86400", "Thu, 01 Jan 2099 00:00:00 GMT"] {
        // One connection only: a second request would fail the script.
        let peer = ScriptedPeer::start(respond(&format!(
            "HTTP/1.1 503 Service Unavailable\r\nRetry-After: {asked}\r\nContent-Length: 5\r\nConnection: close\r\n\r\nbusy\n"
        )));
        let dir = tempfile::tempdir().expect("tempdir");
        let file = dir.path().join("out");
        let started = Instant::now();
        let out = fetch(&["--retry", "3", "-o", arg(&file), &url(&peer, "/")]);
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "{asked}: it slept"
        );
        assert_eq!(code(&out), 11, "{asked}: {}", stderr(&out));
        let err = stderr(&out);
        assert!(
            err.contains("asked to wait") && err.contains("not retried"),
            "{err}"
        );
        assert!(!file.exists() && !dir.path().join("out.part").exists());
        assert_eq!(peer.assert_ok().len(), 1, "{asked}: no second request");
    }
}

#[test]
fn a_retry_after_longer_than_max_time_leaves_fails_at_once() {
    let peer = ScriptedPeer::start(respond(
        "HTTP/1.1 429 Too Many Requests\r\nRetry-After: 60\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
    ));
    let started = Instant::now();
    let out = fetch(&[
        "--retry",
        "1",
        "-m",
        "20",
        "-o",
        "/dev/null",
        &url(&peer, "/"),
    ]);
    assert!(started.elapsed() < Duration::from_secs(10));
    assert_eq!(code(&out), 11, "{}", stderr(&out));
    assert!(stderr(&out).contains("--max-time"), "{}", stderr(&out));
}

#[test]
fn a_content_disposition_name_over_255_bytes_is_shortened_not_an_error() {
    let long = format!("{}.pdf", "n".repeat(400));
    let peer = ScriptedPeer::start(respond(&format!(
        "HTTP/1.1 200 OK\r\nContent-Disposition: attachment; filename=\"{long}\"\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok"
    )));
    let dir = tempfile::tempdir().expect("tempdir");
    let out = fetch(&[
        "-O",
        "-J",
        "--output-dir",
        arg(dir.path()),
        &url(&peer, "/dl"),
    ]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let names: Vec<String> = fs::read_dir(dir.path())
        .expect("read dir")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names.len(), 1, "{names:?}");
    assert!(
        names[0].len() <= 250 && names[0].ends_with("nnn.pdf"),
        "{names:?}"
    );
    assert_eq!(fs::read(dir.path().join(&names[0])).expect("file"), b"ok");
}

#[test]
fn bidi_controls_in_a_server_name_are_removed() {
    let peer = ScriptedPeer::start(respond(
        "HTTP/1.1 200 OK\r\nContent-Disposition: attachment; filename*=UTF-8''invoice%E2%80%AEfdp.exe%E2%80%8B\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok",
    ));
    let dir = tempfile::tempdir().expect("tempdir");
    let out = fetch(&[
        "-O",
        "-J",
        "--output-dir",
        arg(dir.path()),
        &url(&peer, "/dl"),
    ]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(
        fs::read(dir.path().join("invoicefdp.exe")).expect("sanitised name"),
        b"ok"
    );
}

#[test]
fn two_urls_with_the_same_o_name_are_a_usage_error_before_any_request() {
    // Nothing listens on port 9: a request would fail with 4, not 2.
    let dir = tempfile::tempdir().expect("tempdir");
    let out = fetch(&[
        "-P",
        "2",
        "-O",
        "--output-dir",
        arg(dir.path()),
        "http://127.0.0.1:9/a/f",
        "http://127.0.0.1:9/b/f?v=2",
    ]);
    assert_eq!(code(&out), 2, "{}", stderr(&out));
    assert!(
        stderr(&out).contains("would both be saved as"),
        "{}",
        stderr(&out)
    );
    assert_eq!(fs::read_dir(dir.path()).expect("dir").count(), 0);
}

#[test]
fn parallel_j_names_that_collide_never_mix_two_bodies() {
    // Both replies name the same file and pause mid-body, so both transfers want one .part.
    let reply = |fill: &str| {
        vec![
            Step::ReadHttpHead,
            send(format!(
                "HTTP/1.1 200 OK\r\nContent-Disposition: attachment; filename=\"same.bin\"\r\nContent-Length: 8\r\nConnection: close\r\n\r\n{}",
                fill.repeat(4)
            )),
            Step::Stall(Duration::from_millis(1500)),
            send(fill.repeat(4)),
            Step::Drop,
        ]
    };
    let a = ScriptedPeer::start(reply("A"));
    let b = ScriptedPeer::start(reply("B"));
    let dir = tempfile::tempdir().expect("tempdir");
    let out = fetch(&[
        "-P",
        "2",
        "-O",
        "-J",
        "--output-dir",
        arg(dir.path()),
        &url(&a, "/x"),
        &url(&b, "/y"),
    ]);
    assert_eq!(code(&out), 12, "{}", stderr(&out));
    assert!(
        stderr(&out).contains("another transfer is writing"),
        "{}",
        stderr(&out)
    );
    let body = fs::read(dir.path().join("same.bin")).expect("the winner's file");
    assert!(body == b"AAAAAAAA" || body == b"BBBBBBBB", "{body:?}");
    assert!(!dir.path().join("same.bin.part").exists());
}

#[test]
fn an_empty_or_cut_off_reply_is_exit_8_not_a_connect_failure() {
    for reply in ["", "HTTP/1.1 503 Service Unavailable\r\nRetry-After: "] {
        let peer = ScriptedPeer::start(vec![Step::ReadHttpHead, send(reply), Step::Drop]);
        let out = fetch(&["-I", &url(&peer, "/")]);
        assert_eq!(code(&out), 8, "{reply:?}: {}", stderr(&out));
        assert!(
            stderr(&out).contains("without a complete reply"),
            "{}",
            stderr(&out)
        );
        peer.assert_ok();
    }
}

#[test]
fn a_location_with_raw_utf8_is_followed_not_ignored() {
    let first = b"HTTP/1.1 302 Found\r\nLocation: /caf\xc3\xa9\r\nContent-Length: 4\r\nConnection: close\r\n\r\n302!".to_vec();
    let second = respond("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok");
    let peer = ScriptedPeer::start_with(
        vec![Step::ReadHttpHead, Step::Send(first), Step::Drop],
        ScriptOptions {
            later: vec![second],
            ..Default::default()
        },
    );
    let out = fetch(&[&url(&peer, "/start")]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(stdout(&out), "ok");
    let transcript = peer.assert_ok();
    assert!(
        head_of(&transcript, 1).starts_with("get /caf%c3%a9 "),
        "{}",
        head_of(&transcript, 1)
    );
}

#[test]
fn a_location_too_long_to_send_is_exit_8_not_a_usage_error() {
    let mut reply = b"HTTP/1.1 302 Found\r\nLocation: /".to_vec();
    reply.extend(std::iter::repeat_n(0xe9u8, 22_000));
    reply.extend_from_slice(b"\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
    let peer = ScriptedPeer::start(vec![Step::ReadHttpHead, Step::Send(reply), Step::Drop]);
    let out = fetch(&[&url(&peer, "/")]);
    assert_eq!(code(&out), 8, "{}", stderr(&out));
    assert!(stderr(&out).contains("Location"), "{}", stderr(&out));
}
