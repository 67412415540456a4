//! Composed messages stream their file parts (issue 11 #3): what the sink stores is
//! byte-exact MIME whose parts decode to the files sent, memory stays flat whatever the
//! attachment weighs, and size and time limits stop the input early.

use std::fs;
use std::io::Write as _;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use base64::Engine as _;

use super::escape;
use crate::util::script::{ScriptedPeer, expect, send};
use crate::util::smtpsink::{SinkOptions, SmtpSink};
use crate::util::{code, netkit, netkit_path, run_with_stdin, stderr};

fn sha256(data: &[u8]) -> Vec<u8> {
    ring::digest::digest(&ring::digest::SHA256, data)
        .as_ref()
        .to_vec()
}

/// Pseudo-random bytes (every value, no long runs).
fn noise(len: usize, seed: u32) -> Vec<u8> {
    (0..len as u32)
        .map(|i| (i.wrapping_add(seed).wrapping_mul(2_654_435_761) >> 13) as u8)
        .collect()
}

/// One MIME part as stored: its header block and its body, split at the first empty line.
struct Part {
    headers: String,
    body: String,
}

/// The parts of a multipart/mixed message, checking the framing byte for byte: the
/// boundary from the top-level Content-Type, `CRLF--B CRLF` between parts, `CRLF--B--CRLF`
/// at the end and nothing after it.
fn parts(eml: &[u8]) -> Vec<Part> {
    let text = std::str::from_utf8(eml).expect("a composed message is ASCII");
    let (head, body) = text.split_once("\r\n\r\n").expect("header block");
    assert!(head.contains("MIME-Version: 1.0\r\n"), "{head}");
    let at = head.find("boundary=\"").expect("multipart boundary") + 10;
    let boundary = &head[at..at + head[at..].find('"').expect("closing quote")];
    let open = format!("--{boundary}\r\n");
    let close = format!("\r\n--{boundary}--\r\n");
    assert!(
        body.starts_with(&open),
        "{}",
        escape(&eml[..eml.len().min(600)])
    );
    assert!(
        body.ends_with(&close),
        "the message ends with the closing boundary"
    );
    let inner = &body[open.len()..body.len() - close.len()];
    inner
        .split(&format!("\r\n--{boundary}\r\n"))
        .map(|p| {
            let (headers, body) = p.split_once("\r\n\r\n").expect("part header block");
            Part {
                headers: format!("{headers}\r\n"),
                body: body.to_owned(),
            }
        })
        .collect()
}

/// Decodes a base64 part body, checking RFC 2045's line form: 76 characters a line, CRLF
/// between lines, only the last one shorter.
fn decode_lines(body: &str) -> Vec<u8> {
    if body.is_empty() {
        return Vec::new();
    }
    let lines: Vec<&str> = body.split("\r\n").collect();
    for (i, line) in lines.iter().enumerate() {
        if i + 1 < lines.len() {
            assert_eq!(line.len(), 76, "line {i} is {} characters", line.len());
        } else {
            assert!(!line.is_empty() && line.len() <= 76, "last line: {line:?}");
        }
    }
    base64::engine::general_purpose::STANDARD
        .decode(lines.concat())
        .expect("valid base64")
}

fn sink_url(sink: &SmtpSink) -> String {
    format!("127.0.0.1:{}", sink.port())
}

#[test]
fn a_streamed_attachment_is_exact_mime_and_decodes_to_the_file() {
    let sink = SmtpSink::start(SinkOptions::default());
    let dir = tempfile::tempdir().unwrap();
    // Not a multiple of 57 or 3: the last line is short and padded.
    let blob = noise(3 * 1024 * 1024 + 1, 7);
    let path = dir.path().join("data.bin");
    fs::write(&path, &blob).unwrap();
    let out = netkit(&[
        "smtp-send",
        &sink_url(&sink),
        "--from",
        "a@netkit.test",
        "--to",
        "b@netkit.test",
        "--subject",
        "streamed",
        "--body",
        "see attachment",
        "--attach",
        path.to_str().unwrap(),
    ]);
    assert_eq!(code(&out), 0, "{}\n{}", stderr(&out), sink.logs());
    let (eml, _) = sink.wait_messages(1).remove(0);
    let parts = parts(&eml);
    assert_eq!(parts.len(), 2);
    assert_eq!(
        parts[0].headers,
        "Content-Type: text/plain; charset=\"utf-8\"\r\nContent-Transfer-Encoding: 7bit\r\n"
    );
    assert_eq!(parts[0].body, "see attachment");
    assert_eq!(
        parts[1].headers,
        "Content-Type: application/octet-stream\r\n\
         Content-Disposition: attachment; filename=\"data.bin\"\r\n\
         Content-Transfer-Encoding: base64\r\n"
    );
    assert_eq!(sha256(&decode_lines(&parts[1].body)), sha256(&blob));
}

#[test]
fn several_attachments_and_a_big_body_file_each_decode_exactly() {
    let sink = SmtpSink::start(SinkOptions::default());
    let dir = tempfile::tempdir().unwrap();
    // Over 1 MiB: streamed as base64 text; bare CRs and non-ASCII survive byte for byte.
    let mut text = String::new();
    while text.len() < 1_500_000 {
        text.push_str("caf\u{e9} line\r.\rMAIL FROM:<evil@x>\n.\n");
    }
    let body = dir.path().join("body.txt");
    fs::write(&body, &text).unwrap();
    let pdf = dir.path().join("report.pdf");
    let pdf_bytes = noise(100_000, 3);
    fs::write(&pdf, &pdf_bytes).unwrap();
    let empty = dir.path().join("empty.bin");
    fs::write(&empty, b"").unwrap();
    let out = netkit(&[
        "smtp-send",
        &sink_url(&sink),
        "--from",
        "a@netkit.test",
        "--to",
        "b@netkit.test",
        "--body-file",
        body.to_str().unwrap(),
        "--attach",
        pdf.to_str().unwrap(),
        "--attach",
        empty.to_str().unwrap(),
    ]);
    assert_eq!(code(&out), 0, "{}\n{}", stderr(&out), sink.logs());
    let (eml, env) = sink.wait_messages(1).remove(0);
    assert_eq!(env["rcpt_tos"], serde_json::json!(["b@netkit.test"]));
    let parts = parts(&eml);
    assert_eq!(parts.len(), 3);
    assert_eq!(
        parts[0].headers,
        "Content-Type: text/plain; charset=\"utf-8\"\r\nContent-Transfer-Encoding: base64\r\n"
    );
    assert_eq!(decode_lines(&parts[0].body), text.as_bytes());
    assert!(
        parts[1].headers.contains("application/pdf"),
        "{}",
        parts[1].headers
    );
    assert!(parts[1].headers.contains("filename=\"report.pdf\""));
    assert_eq!(sha256(&decode_lines(&parts[1].body)), sha256(&pdf_bytes));
    assert!(parts[2].headers.contains("filename=\"empty.bin\""));
    assert_eq!(parts[2].body, "");
}

#[test]
fn a_stdin_attachment_is_spooled_and_decodes_exactly() {
    let sink = SmtpSink::start(SinkOptions::default());
    let blob = noise(2 * 1024 * 1024 + 5, 11);
    let out = run_with_stdin(
        &[
            "smtp-send",
            &sink_url(&sink),
            "--from",
            "a@netkit.test",
            "--to",
            "b@netkit.test",
            "--body",
            "from a pipe",
            "--attach",
            "-",
        ],
        &blob,
    );
    assert_eq!(code(&out), 0, "{}\n{}", stderr(&out), sink.logs());
    let (eml, _) = sink.wait_messages(1).remove(0);
    let parts = parts(&eml);
    assert_eq!(parts.len(), 2);
    assert!(
        parts[1].headers.contains("filename=\"stdin\""),
        "{}",
        parts[1].headers
    );
    assert_eq!(sha256(&decode_lines(&parts[1].body)), sha256(&blob));
}

/// `--attach - < file`: stdin that is a regular file is used in place, sized by its length
/// (so the 256 MiB spool limit does not apply) and read back exactly.
#[test]
fn a_stdin_attachment_redirected_from_a_file_decodes_exactly() {
    let sink = SmtpSink::start(SinkOptions::default());
    let dir = tempfile::tempdir().unwrap();
    let blob = noise(1_000_003, 5);
    let path = dir.path().join("in.bin");
    fs::write(&path, &blob).unwrap();
    let out = Command::new(netkit_path())
        .args(["smtp-send", &sink_url(&sink), "--from", "a@netkit.test"])
        .args(["--to", "b@netkit.test", "--body", "x", "--attach", "-"])
        .stdin(fs::File::open(&path).unwrap())
        .output()
        .expect("run netkit");
    assert_eq!(code(&out), 0, "{}\n{}", stderr(&out), sink.logs());
    let (eml, _) = sink.wait_messages(1).remove(0);
    let parts = parts(&eml);
    assert_eq!(sha256(&decode_lines(&parts[1].body)), sha256(&blob));
}

#[test]
fn a_big_body_file_that_is_not_utf8_is_refused_before_connecting() {
    let dir = tempfile::tempdir().unwrap();
    let mut data = vec![b'a'; 2 * 1024 * 1024];
    data[1_500_000] = 0xff;
    let body = dir.path().join("body.txt");
    fs::write(&body, &data).unwrap();
    // Port 1: nothing listens, a usage error comes first.
    let out = netkit(&[
        "smtp-send",
        "127.0.0.1:1",
        "--from",
        "a@netkit.test",
        "--to",
        "b@netkit.test",
        "--body-file",
        body.to_str().unwrap(),
    ]);
    assert_eq!(code(&out), 2, "{}", stderr(&out));
    assert!(stderr(&out).contains("not UTF-8"), "{}", stderr(&out));
}

/// The server's SIZE is checked before MAIL FROM against the size computed from the file
/// lengths: the 10 MB file is never read and the peer sees no MAIL and no DATA.
#[test]
fn an_attachment_over_the_servers_size_is_refused_before_mail_from() {
    let dir = tempfile::tempdir().unwrap();
    let big = dir.path().join("big.bin");
    fs::File::create(&big).unwrap().set_len(10_000_000).unwrap();
    let peer = ScriptedPeer::start(vec![
        send("220 hi\r\n"),
        expect("EHLO"),
        send("250-peer\r\n250 SIZE 1000\r\n"),
        expect("QUIT"),
        send("221 bye\r\n"),
    ]);
    let out = netkit(&[
        "smtp-send",
        &peer.addr(),
        "--from",
        "a@netkit.test",
        "--to",
        "b@netkit.test",
        "--body",
        "x",
        "--attach",
        big.to_str().unwrap(),
    ]);
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    assert!(
        stderr(&out).contains("SIZE limit of 1000"),
        "{}",
        stderr(&out)
    );
    let seen = peer.assert_ok();
    assert!(
        seen.iter()
            .all(|l| !l.starts_with(b"MAIL") && !l.starts_with(b"DATA")),
        "{:?}",
        seen.iter().map(|l| escape(l)).collect::<Vec<_>>()
    );
}

#[test]
fn a_file_over_max_size_is_refused_before_it_is_read_or_connecting() {
    let dir = tempfile::tempdir().unwrap();
    let big = dir.path().join("big.bin");
    // Sparse: reading it all would take long enough to notice; it is never read.
    fs::File::create(&big).unwrap().set_len(1 << 40).unwrap();
    let out = netkit(&[
        "smtp-send",
        "127.0.0.1:1",
        "--from",
        "a@netkit.test",
        "--to",
        "b@netkit.test",
        "--attach",
        big.to_str().unwrap(),
        "--max-size",
        "1000000",
    ]);
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    assert!(stderr(&out).contains("over --max-size"), "{}", stderr(&out));
}

/// A peer that greets, offers `ehlo` and expects QUIT: the client must stop before MAIL.
fn peer_until_quit(ehlo: &str) -> ScriptedPeer {
    ScriptedPeer::start(vec![
        send("220 hi\r\n"),
        expect("EHLO"),
        send(ehlo),
        expect("QUIT"),
        send("221 bye\r\n"),
    ])
}

fn lines(seen: &[Vec<u8>]) -> Vec<String> {
    seen.iter().map(|l| escape(l)).collect()
}

/// `--attach -` from a writer that holds the pipe open and stays silent: `-m 1` ends the
/// spooling (after EHLO) with exit 5, where the run would otherwise wait for the writer
/// forever; no MAIL FROM was sent.
#[test]
fn max_time_bounds_a_silent_stdin_attachment() {
    let peer = peer_until_quit("250 peer\r\n");
    let started = Instant::now();
    let mut child = Command::new(netkit_path())
        .args(["smtp-send", &peer.addr(), "--from", "a@netkit.test"])
        .args([
            "--to",
            "b@netkit.test",
            "--body",
            "x",
            "--attach",
            "-",
            "-m",
            "1",
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn netkit");
    let mut held = child.stdin.take().expect("stdin");
    let _ = held.write_all(b"some bytes, then silence");
    let out = child.wait_with_output().expect("netkit exits");
    drop(held);
    assert_eq!(code(&out), 5, "{}", stderr(&out));
    assert!(stderr(&out).contains("--max-time"), "{}", stderr(&out));
    assert!(started.elapsed() < Duration::from_secs(30));
    let seen = peer.transcript();
    assert!(
        seen.iter().all(|l| !l.starts_with(b"MAIL")),
        "{:?}",
        lines(&seen)
    );
}

/// Stdin is spooled once the server's EHLO told its SIZE: 10 MB piped to a server that
/// takes 1000 bytes stops as the spool passes 1000 (exit 1, the limit named), and the
/// server sees no MAIL FROM and no DATA.
#[test]
fn a_stdin_attachment_stops_as_it_passes_the_servers_size() {
    let peer = peer_until_quit("250-peer\r\n250 SIZE 1000\r\n");
    let url = peer.addr();
    let mut child = Command::new(netkit_path())
        .args([
            "smtp-send",
            &url,
            "--from",
            "a@netkit.test",
            "--to",
            "b@netkit.test",
        ])
        .args(["--body", "x", "--attach", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn netkit");
    let mut stdin = child.stdin.take().expect("stdin");
    // How much of the 10 MB the pipe took before netkit closed it.
    let writer = std::thread::spawn(move || {
        let chunk = vec![b'z'; 64 * 1024];
        let mut written = 0usize;
        while written < 10_000_000 && stdin.write_all(&chunk).is_ok() {
            written += chunk.len();
        }
        written
    });
    let out = child.wait_with_output().expect("netkit exits");
    let written = writer.join().expect("writer");
    assert!(written < 1_000_000, "netkit read {written} bytes of stdin");
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    assert!(
        stderr(&out).contains(&format!("over {url}'s SIZE limit of 1000 bytes")),
        "{}",
        stderr(&out)
    );
    let seen = peer.assert_ok();
    assert!(
        seen.iter()
            .all(|l| !l.starts_with(b"MAIL") && !l.starts_with(b"DATA")),
        "{:?}",
        lines(&seen)
    );
}

/// A raw message piped on stdin is spooled after EHLO too (issue 11 #3): its header block
/// is read before connecting (sender and recipients come from it), the rest stops as the
/// spool passes the server's SIZE of 1000 bytes, 10 MB offered: exit 1, the limit named,
/// QUIT sent, no MAIL FROM or DATA. The pipe took a bounded amount.
#[test]
fn a_raw_stdin_message_stops_as_it_passes_the_servers_size() {
    let peer = peer_until_quit("250-peer\r\n250 SIZE 1000\r\n");
    let url = peer.addr();
    let mut child = Command::new(netkit_path())
        .args(["smtp-send", &url, "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn netkit");
    let mut stdin = child.stdin.take().expect("stdin");
    let writer = std::thread::spawn(move || {
        let head = b"From: a@netkit.test\r\nTo: b@netkit.test\r\nSubject: big\r\n\r\n";
        let mut written = 0usize;
        if stdin.write_all(head).is_err() {
            return written;
        }
        written += head.len();
        let line = [b"0123456789".repeat(7).as_slice(), b"\r\n"].concat();
        let chunk = line.repeat(64 * 1024 / line.len());
        while written < 10_000_000 && stdin.write_all(&chunk).is_ok() {
            written += chunk.len();
        }
        written
    });
    let out = child.wait_with_output().expect("netkit exits");
    let written = writer.join().expect("writer");
    assert!(written < 1_000_000, "netkit read {written} bytes of stdin");
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    assert!(
        stderr(&out).contains(&format!("stdin is over {url}'s SIZE limit of 1000 bytes")),
        "{}",
        stderr(&out)
    );
    let seen = peer.assert_ok();
    assert!(
        seen.iter()
            .all(|l| !l.starts_with(b"MAIL") && !l.starts_with(b"DATA")),
        "{:?}",
        lines(&seen)
    );
}

/// What the pipe's header block lacks is a usage error before connecting (port 1 has no
/// listener: exit 2, not 4): no From: without --from, no To:/Cc: without recipient flags,
/// nothing at all.
#[test]
fn a_piped_raw_message_is_checked_before_connecting() {
    for (message, flags, says) in [
        (
            &b"To: b@netkit.test\r\n\r\nhi\r\n"[..],
            &[][..],
            "no sender",
        ),
        (b"From: a@netkit.test\r\n\r\nhi\r\n", &[], "no recipient"),
        (
            b"",
            &["--from", "a@netkit.test", "--to", "b@netkit.test"][..],
            "empty",
        ),
    ] {
        let mut args = vec!["smtp-send", "127.0.0.1:1"];
        args.extend_from_slice(flags);
        args.push("-");
        let out = run_with_stdin(&args, message);
        assert_eq!(code(&out), 2, "{says}: {}", stderr(&out));
        assert!(stderr(&out).contains(says), "{says}: {}", stderr(&out));
    }
}

/// Without --max-size, endless input stops at the 256 MiB spool limit (exit 1) instead of
/// filling the disk: `--attach /dev/zero` and a raw message from `- < /dev/zero`, both
/// spooled after EHLO.
#[test]
fn endless_input_stops_at_the_spool_limit_without_max_size() {
    let peer = peer_until_quit("250 peer\r\n");
    let out = netkit(&[
        "smtp-send",
        &peer.addr(),
        "--from",
        "a@netkit.test",
        "--to",
        "b@netkit.test",
        "--body",
        "x",
        "--attach",
        "/dev/zero",
    ]);
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    assert!(stderr(&out).contains("268435456 bytes"), "{}", stderr(&out));
    peer.assert_ok();
    let peer = peer_until_quit("250 peer\r\n");
    let out = Command::new(netkit_path())
        .args(["smtp-send", &peer.addr(), "--from", "a@netkit.test"])
        .args(["--to", "b@netkit.test", "-"])
        .stdin(fs::File::open("/dev/zero").expect("/dev/zero"))
        .output()
        .expect("run netkit");
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    assert!(stderr(&out).contains("268435456 bytes"), "{}", stderr(&out));
    peer.assert_ok();
}

/// Peak memory does not follow the attachment: a 128 MiB file (sparse) sent to a sink that
/// discards DATA (tests/data/discard_smtp.py) costs a few MiB, where the message built in
/// memory cost its size twice over.
#[test]
fn peak_memory_stays_flat_for_a_large_attachment() {
    let dir = tempfile::tempdir().unwrap();
    let big = dir.path().join("big.bin");
    fs::File::create(&big).unwrap().set_len(128 << 20).unwrap();
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("free port");
    let script =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/discard_smtp.py");
    let mut sink = Command::new("/usr/bin/python3")
        .arg(&script)
        .arg(port.to_string())
        .stdout(Stdio::null())
        .spawn()
        .expect("start the discarding sink");
    let ready = (0..100).any(|_| {
        std::thread::sleep(Duration::from_millis(50));
        std::net::TcpStream::connect(("127.0.0.1", port)).is_ok()
    });
    let rss = dir.path().join("rss");
    let out = ready.then(|| {
        Command::new("/usr/bin/time")
            .args(["-f", "%M", "-o"])
            .arg(&rss)
            .arg(netkit_path())
            .args([
                "smtp-send",
                &format!("127.0.0.1:{port}"),
                "--from",
                "a@netkit.test",
            ])
            .args(["--to", "b@netkit.test", "--body", "x", "--attach"])
            .arg(&big)
            .output()
            .expect("run /usr/bin/time netkit")
    });
    let _ = sink.kill();
    let _ = sink.wait();
    let out = out.expect("the discarding sink did not start");
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    // 128 MiB as base64 with CRLF between 76-character lines: all of it reached the sink.
    let encoded = 4 * (128u64 << 20).div_ceil(3) + 2 * ((128u64 << 20).div_ceil(57) - 1);
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    let discarded: u64 = text
        .split("discarded ")
        .nth(1)
        .and_then(|t| t.split(' ').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no 'discarded N bytes' in {text}"));
    assert!(
        discarded > encoded,
        "{discarded} bytes reached the sink, want > {encoded}"
    );
    let kib: u64 = fs::read_to_string(&rss)
        .ok()
        .and_then(|s| s.trim().lines().last().and_then(|l| l.trim().parse().ok()))
        .expect("peak RSS from /usr/bin/time");
    // A debug build's own size is ~14 MiB of it; the message built in memory was > 300 MiB.
    assert!(
        kib < 48 * 1024,
        "peak RSS {kib} KiB for a 128 MiB attachment"
    );
}
