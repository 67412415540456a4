//! `netkit gopher` against scripted misbehaving peers (PEERS.md "Misbehaving peers").

use std::time::Duration;

use super::gopher;
use crate::util::ca::CertKind;
use crate::util::script::{ScriptedPeer, Step, escape, expect, send};
use crate::util::{code, stderr, stdout};

fn url(peer: &ScriptedPeer, path: &str) -> String {
    format!("gopher://{}{path}", peer.addr())
}

#[test]
fn menu_lines_without_tabs_are_shown_as_text_with_a_warning() {
    let peer = ScriptedPeer::start(vec![
        expect(""),
        send("Plain words, no tabs\r\n0Doc\t/doc\t127.0.0.1\t70\r\n\r\n.\r\n"),
    ]);
    let out = gopher(&[&url(&peer, "/")]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(
        stdout(&out),
        "Plain words, no tabs\n0\tDoc\tgopher://127.0.0.1:70/0/doc\n\n"
    );
    assert!(
        stderr(&out).contains("1 menu line without TAB fields"),
        "{}",
        stderr(&out)
    );
    peer.assert_ok();
}

#[test]
fn a_line_missing_host_and_port_takes_the_servers() {
    let peer = ScriptedPeer::start(vec![expect(""), send("0Doc\t/doc\r\n.\r\n")]);
    let out = gopher(&[&url(&peer, "/"), "--json"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let rec: serde_json::Value = serde_json::from_str(stdout(&out).trim()).expect("json");
    assert_eq!(rec["url"], url(&peer, "/0/doc"));
    assert_eq!(rec["port"], peer.port());
}

#[test]
fn a_menu_without_its_final_dot_prints_what_came_and_exits_8() {
    let peer = ScriptedPeer::start(vec![
        expect(""),
        send("0One\t/1\th\t70\r\n0Two\t/2\th\t70\r\n"),
    ]);
    let out = gopher(&[&url(&peer, "/1/")]);
    assert_eq!(code(&out), 8, "{}", stderr(&out));
    assert_eq!(stdout(&out).lines().count(), 2, "{}", stdout(&out));
    assert!(
        stderr(&out).contains("without its final '.'"),
        "{}",
        stderr(&out)
    );
}

/// Runs `netkit gopher URL` under /usr/bin/time: the output and the peak RSS in KiB.
fn gopher_rss(url: &str) -> (std::process::Output, u64) {
    let dir = tempfile::tempdir().expect("tempdir");
    let rss_file = dir.path().join("rss");
    let out = std::process::Command::new("/usr/bin/time")
        .arg("-f")
        .arg("%M")
        .arg("-o")
        .arg(&rss_file)
        .arg(crate::util::netkit_path())
        .args(["gopher", url])
        .stdin(std::process::Stdio::null())
        .output()
        .expect("/usr/bin/time (package time)");
    let rss = std::fs::read_to_string(&rss_file)
        .expect("rss")
        .trim()
        .parse()
        .expect("a number");
    (out, rss)
}

#[test]
fn a_huge_menu_streams_through_in_bounded_memory() {
    let mut menu = Vec::new();
    let n = 350_000;
    for i in 0..n {
        menu.extend_from_slice(format!("0Item {i}\t/item/{i}\texample.org\t70\r\n").as_bytes());
    }
    menu.extend_from_slice(b".\r\n");
    let size_mib = menu.len() >> 20;
    assert!(size_mib >= 10, "{size_mib}");
    let small = ScriptedPeer::start(vec![expect("/small"), send("0A\t/a\th\t70\r\n.\r\n")]);
    let (out, small_rss) = gopher_rss(&url(&small, "/1/small"));
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let peer = ScriptedPeer::start(vec![expect("/big"), send(menu)]);
    let (out, big_rss) = gopher_rss(&url(&peer, "/1/big"));
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let text = stdout(&out);
    assert_eq!(text.lines().count(), n);
    assert!(text.ends_with("0\tItem 349999\tgopher://example.org:70/0/item/349999\n"));
    // A client that held the menu would grow by its size; a streaming one stays put.
    assert!(
        big_rss < small_rss + 4 * 1024,
        "peak RSS {big_rss} KiB for a {size_mib} MiB menu, {small_rss} KiB for one line"
    );
}

#[test]
fn gopher_plus_attributes_are_ignored() {
    let peer = ScriptedPeer::start(vec![
        expect(""),
        send(
            "+INFO: 0Doc\t/doc\th\t70\t+\r\n+ADMIN:\r\n Admin: Someone <a@b>\r\n\
             0Doc\t/doc\th\t70\t+\r\n.\r\n",
        ),
    ]);
    let out = gopher(&[&url(&peer, "/")]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(stdout(&out), "0\tDoc\tgopher://h:70/0/doc\n");
    assert!(stderr(&out).is_empty(), "{}", stderr(&out));
}

#[test]
fn a_type_3_answer_is_refused() {
    let peer = ScriptedPeer::start(vec![
        expect("/gone"),
        send("3'/gone' does not exist\t\terror.host\t1\r\n.\r\n"),
    ]);
    let out = gopher(&[&url(&peer, "/1/gone")]);
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    assert!(
        stderr(&out).contains("'/gone' does not exist"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn a_search_sends_selector_tab_query() {
    let peer = ScriptedPeer::start(vec![
        Step::ReadLine,
        send("iNothing found\t\tnull.host\t1\r\n.\r\n"),
    ]);
    let out = gopher(&[&url(&peer, "/7/find"), "--query", "two words", "-v"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    // -v shows the request and the menu lines as they came.
    assert!(
        stderr(&out).contains("> /find\ttwo words\n"),
        "{}",
        stderr(&out)
    );
    assert!(
        stderr(&out).contains("< iNothing found\t"),
        "{}",
        stderr(&out)
    );
    let t = peer.assert_ok();
    assert_eq!(escape(&t[0]), escape(b"/find\ttwo words\r\n"));
}

#[test]
fn a_stalled_server_is_exit_5() {
    let peer = ScriptedPeer::start(vec![
        expect(""),
        send("0One\t/1\th\t70\r\n"),
        Step::Stall(Duration::from_secs(20)),
    ]);
    let out = gopher(&[&url(&peer, "/"), "-t", "1"]);
    assert_eq!(code(&out), 5, "{}", stderr(&out));
    assert!(stderr(&out).contains("timed out"), "{}", stderr(&out));
}

#[test]
fn a_trickling_binary_is_cut_by_max_time() {
    let peer = ScriptedPeer::start(vec![
        expect("/slow"),
        Step::Trickle(vec![b'x'; 200], Duration::from_millis(100)),
    ]);
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("slow.bin");
    let out = gopher(&[
        &url(&peer, "/9/slow"),
        "-o",
        file.to_str().unwrap(),
        "-m",
        "1",
    ]);
    assert_eq!(code(&out), 5, "{}", stderr(&out));
    assert!(!file.exists());
}

#[test]
fn a_binary_cut_by_a_reset_is_exit_8_and_leaves_no_file() {
    let peer = ScriptedPeer::start(vec![
        expect("/file.bin"),
        send(vec![7u8; 300_000]),
        Step::Reset,
    ]);
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("file.bin");
    let out = gopher(&[&url(&peer, "/9/file.bin"), "-o", file.to_str().unwrap()]);
    assert_eq!(code(&out), 8, "{}", stderr(&out));
    assert!(!file.exists());
    assert!(!dir.path().join("file.bin.part").exists());
}

#[test]
fn binaries_are_not_written_to_a_terminal_and_control_bytes_are_refused() {
    // A selector with CR LF in the URL would smuggle a second request: refused before
    // connecting (port 9: nothing listens, so a connection attempt would be exit 4).
    let out = gopher(&["gopher://127.0.0.1:9/0/a%0d%0ab"]);
    assert_eq!(code(&out), 2, "{}", stderr(&out));
    for (args, says) in [
        (vec!["gopher://127.0.0.1:9/7/s"], "give --query"),
        (vec!["gopher://127.0.0.1:9/0/a", "--query", "x"], "type 7"),
        (vec!["gopher://127.0.0.1:9/8/x"], "netkit telnet"),
        (
            vec!["gopher://127.0.0.1:9/9/x", "--json"],
            "--json prints the report",
        ),
        (
            vec!["gopher://127.0.0.1:9/1/", "--tls", "required"],
            "gophers://",
        ),
    ] {
        let out = gopher(&args);
        assert!(matches!(code(&out), 2 | 6), "{args:?}: {}", stderr(&out));
        assert!(stderr(&out).contains(says), "{args:?}: {}", stderr(&out));
    }
}

#[test]
fn gophers_menus_come_over_tls_and_link_gophers_urls() {
    // A line without host and port points at the server itself: over TLS, gophers://.
    let peer = ScriptedPeer::start(vec![
        Step::StartTls(CertKind::Good),
        expect("/m"),
        send("0Other\t/o\tother.example\t70\r\n0Own\t/own\r\n.\r\n"),
    ]);
    let out = gopher(&[
        &format!("gophers://localhost:{}/1/m", peer.port()),
        "--cacert",
        peer.ca_pem().to_str().unwrap(),
        "-q",
    ]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(
        stdout(&out),
        format!(
            "0\tOther\tgopher://other.example:70/0/o\n0\tOwn\tgophers://localhost:{}/0/own\n",
            peer.port()
        )
    );
    peer.assert_ok();
}

#[test]
fn gophers_refuses_a_certificate_for_another_name() {
    let peer = ScriptedPeer::start(vec![Step::StartTlsRejected(CertKind::WrongName)]);
    let out = gopher(&[
        &format!("gophers://localhost:{}/1/", peer.port()),
        "--cacert",
        peer.ca_pem().to_str().unwrap(),
    ]);
    assert_eq!(code(&out), 6, "{}", stderr(&out));
}

#[test]
fn a_gophers_binary_closed_without_close_notify_is_exit_8() {
    let peer = ScriptedPeer::start(vec![
        Step::StartTls(CertKind::Good),
        expect("/f"),
        send(vec![1u8; 100_000]),
        Step::Drop,
    ]);
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("f");
    let out = gopher(&[
        &format!("gophers://localhost:{}/9/f", peer.port()),
        "--cacert",
        peer.ca_pem().to_str().unwrap(),
        "-o",
        file.to_str().unwrap(),
    ]);
    assert_eq!(code(&out), 8, "{}", stderr(&out));
    assert!(stderr(&out).contains("close_notify"), "{}", stderr(&out));
    assert!(!file.exists());
}

#[test]
fn a_gophers_binary_with_close_notify_is_saved() {
    let peer = ScriptedPeer::start(vec![
        Step::StartTls(CertKind::Good),
        expect("/f"),
        send(vec![1u8; 100_000]),
    ]);
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("f");
    let out = gopher(&[
        &format!("gophers://localhost:{}/9/f", peer.port()),
        "--cacert",
        peer.ca_pem().to_str().unwrap(),
        "-o",
        file.to_str().unwrap(),
    ]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(std::fs::read(&file).expect("saved"), vec![1u8; 100_000]);
}

#[test]
fn a_server_that_closes_without_answering_is_exit_4() {
    let peer = ScriptedPeer::start(vec![expect("/x"), Step::Drop]);
    let out = gopher(&[&url(&peer, "/1/x")]);
    assert_eq!(code(&out), 4, "{}", stderr(&out));
    assert!(
        stderr(&out).contains("without answering"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn a_reader_that_stops_early_ends_the_run_quietly() {
    use std::io::{BufRead, BufReader};
    use std::process::{Command, Stdio};
    let mut menu = Vec::new();
    for i in 0..100_000 {
        menu.extend_from_slice(format!("0Item {i}\t/item/{i}\texample.org\t70\r\n").as_bytes());
    }
    menu.extend_from_slice(b".\r\n");
    let peer = ScriptedPeer::start(vec![expect(""), send(menu)]);
    let mut child = Command::new(crate::util::netkit_path())
        .args(["gopher", &url(&peer, "/1/")])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    let mut first = String::new();
    BufReader::new(child.stdout.take().expect("stdout"))
        .read_line(&mut first)
        .expect("a line");
    // The pipe is closed here (the reader is dropped), as `| head -1` does.
    let out = child.wait_with_output().expect("wait");
    assert_eq!(first, "0\tItem 0\tgopher://example.org:70/0/item/0\n");
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(stderr(&out).is_empty(), "{}", stderr(&out));
}

#[test]
fn a_binary_item_is_not_written_to_a_terminal() {
    // script(1) gives netkit a pseudo-terminal as stdout. Port 9: nothing listens, so the
    // refusal (exit 2) comes before any connection (which would be exit 4).
    let cmd = format!(
        "{} gopher gopher://127.0.0.1:9/9/file.bin",
        crate::util::netkit_path().display()
    );
    let out = std::process::Command::new("script")
        .args(["-qec", &cmd, "/dev/null"])
        .stdin(std::process::Stdio::null())
        .output()
        .expect("script(1) from util-linux");
    let text = stdout(&out);
    assert_eq!(code(&out), 2, "{text}");
    assert!(text.contains("not written to the terminal"), "{text}");
}

#[test]
fn rfc1436_text_is_unstuffed_and_ends_at_its_dot() {
    let peer = ScriptedPeer::start(vec![
        expect("/t"),
        send("first\r\n..stuffed\r\nlast\r\n.\r\n"),
    ]);
    let out = gopher(&[&url(&peer, "/0/t")]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(stdout(&out), "first\n.stuffed\nlast\n");
}

#[test]
fn text_cut_by_a_reset_is_exit_8() {
    let peer = ScriptedPeer::start(vec![expect("/t"), send("one\r\ntwo\r\n"), Step::Reset]);
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("t.txt");
    let out = gopher(&[&url(&peer, "/0/t"), "-o", file.to_str().unwrap()]);
    assert_eq!(code(&out), 8, "{}", stderr(&out));
    assert!(!file.exists());
}
