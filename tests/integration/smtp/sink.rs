//! smtp-send against the byte-exact aiosmtpd sink: what arrives is exactly what the
//! message normalises to (CRLF, dot-stuffing undone, 8-bit and UTF-8 intact).

use std::fs;

use super::escape;
use crate::util::smtpsink::{SinkOptions, SmtpSink};
use crate::util::{code, netkit, run_with_stdin, stderr};

// --- the byte-exact sink -------------------------------------------------------------

#[test]
fn sink_receives_normalised_crlf_dot_stuffed_8bit_bytes_exactly() {
    let sink = SmtpSink::start(SinkOptions::default());
    let url = format!("127.0.0.1:{}", sink.port());
    let sent = "From: a@netkit.test\nDate: Tue, 01 Dec 2026 09:00:00 +0000\n\
                Message-ID: <x@netkit.test>\n\n.\n..\nna\u{ef}ve caf\u{e9}\nbare\rcr\nlast";
    let out = run_with_stdin(
        &["smtp-send", &url, "--to", "b@netkit.test", "-"],
        sent.as_bytes(),
    );
    assert_eq!(code(&out), 0, "{}\n{}", stderr(&out), sink.logs());
    let (eml, env) = sink.wait_messages(1).remove(0);
    let want = "From: a@netkit.test\r\nDate: Tue, 01 Dec 2026 09:00:00 +0000\r\n\
                Message-ID: <x@netkit.test>\r\n\r\n.\r\n..\r\nna\u{ef}ve caf\u{e9}\r\nbare\r\ncr\r\nlast\r\n";
    assert_eq!(escape(&eml), escape(want.as_bytes()));
    assert_eq!(env["mail_from"], "a@netkit.test");
    let opts = env["mail_options"].to_string();
    assert!(opts.contains("BODY=8BITMIME"), "{opts}");
}

#[test]
fn utf8_addresses_use_smtputf8() {
    let sink = SmtpSink::start(SinkOptions::default());
    let url = format!("127.0.0.1:{}", sink.port());
    let out = netkit(&[
        "smtp-send",
        &url,
        "--from",
        "jos\u{e9}@netkit.test",
        "--to",
        "b@netkit.test",
        "--subject",
        "\u{e9}t\u{e9}",
        "--body",
        "x",
    ]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let (_, env) = sink.wait_messages(1).remove(0);
    assert_eq!(env["mail_from"], "jos\u{e9}@netkit.test");
    assert!(
        env["mail_options"].to_string().contains("SMTPUTF8"),
        "{env}"
    );
}

#[test]
fn a_50_mib_attachment_arrives_intact() {
    let sink = SmtpSink::start(SinkOptions {
        data_size_limit: Some(200 * 1024 * 1024),
        ..SinkOptions::default()
    });
    let dir = tempfile::tempdir().unwrap();
    let blob: Vec<u8> = (0..50u32 * 1024 * 1024)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
        .collect();
    let path = dir.path().join("blob.bin");
    fs::write(&path, &blob).unwrap();
    let url = format!("127.0.0.1:{}", sink.port());
    let out = netkit(&[
        "smtp-send",
        &url,
        "--from",
        "a@netkit.test",
        "--to",
        "b@netkit.test",
        "--subject",
        "big",
        "--body",
        "see attachment",
        "--attach",
        path.to_str().unwrap(),
    ]);
    assert_eq!(code(&out), 0, "{}\n{}", stderr(&out), sink.logs());
    let (eml, _) = sink.wait_messages(1).remove(0);
    let text = String::from_utf8(eml).expect("a MIME message is ASCII");
    assert!(
        text.contains("application/octet-stream"),
        "{}",
        &text[..500]
    );
    let start = text.find("filename=\"blob.bin\"").expect("attachment part");
    let body_start = start + text[start..].find("\r\n\r\n").unwrap() + 4;
    let body_end = body_start + text[body_start..].find("\r\n--").unwrap();
    let b64: String = text[body_start..body_end].split("\r\n").collect();
    use base64::Engine;
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(b64)
        .unwrap();
    assert!(
        decoded == blob,
        "the attachment differs after the round trip"
    );
}

#[test]
fn tls_required_without_starttls_fails_with_exit_6() {
    let sink = SmtpSink::start(SinkOptions::default());
    let url = format!("127.0.0.1:{}", sink.port());
    let out = netkit(&[
        "smtp-send",
        &url,
        "--tls",
        "required",
        "--from",
        "a@netkit.test",
        "--to",
        "b@netkit.test",
        "--body",
        "x",
    ]);
    assert_eq!(code(&out), 6, "{}", stderr(&out));
    assert!(stderr(&out).contains("STARTTLS"), "{}", stderr(&out));
    assert!(sink.messages_now().is_empty());
}

#[test]
fn comma_separated_recipients_each_get_an_rcpt() {
    let sink = SmtpSink::start(SinkOptions::default());
    let url = format!("127.0.0.1:{}", sink.port());
    let out = netkit(&[
        "smtp-send",
        &url,
        "--from",
        "a@netkit.test",
        "--to",
        "one@netkit.test, \"Doe, J\" <two@netkit.test>",
        "--body",
        "x",
    ]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let (eml, env) = sink.wait_messages(1).remove(0);
    assert_eq!(
        env["rcpt_tos"],
        serde_json::json!(["one@netkit.test", "two@netkit.test"])
    );
    let text = String::from_utf8_lossy(&eml);
    assert!(text.contains("two@netkit.test"), "{text}");
}
