//! `netkit gopher` and `netkit fetch gopher://` against Gophernicus under xinetd.

use super::{gopher, sha256_hex};
use crate::util::gophernicus::{Gophernicus, TEXT, blob};
use crate::util::{code, netkit, stderr, stdout};

#[test]
fn the_root_menu_shows_type_text_and_rfc4266_urls() {
    let g = Gophernicus::start();
    let out = gopher(&[&format!("127.0.0.1:{}", g.port())]);
    assert_eq!(code(&out), 0, "{}\n{}", stderr(&out), g.logs());
    let p = g.port();
    let text = stdout(&out);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(
        lines,
        [
            "netkit test root".to_owned(),
            "Welcome to the netkit gopher test.".to_owned(),
            format!("0\tAbout this server\tgopher://127.0.0.1:{p}/0/about.txt"),
            format!("1\tDocuments\tgopher://127.0.0.1:{p}/1/docs"),
            "h\tThe web\thttp://example.org/".to_owned(),
            format!("7\tSearch\tgopher://127.0.0.1:{p}/7/cgi-bin/search"),
            format!("9\tA binary\tgopher://127.0.0.1:{p}/9/blob.bin"),
        ],
        "{text}"
    );
    assert!(stderr(&out).is_empty(), "{}", stderr(&out));
}

#[test]
fn json_gives_one_record_per_menu_line_info_lines_included() {
    let g = Gophernicus::start();
    let out = gopher(&["--json", &g.url("/1/")]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let records: Vec<serde_json::Value> = stdout(&out)
        .lines()
        .map(|l| serde_json::from_str(l).expect("a JSON line"))
        .collect();
    assert_eq!(records.len(), 7, "{}", stdout(&out));
    assert_eq!(records[1]["type"], "i");
    assert_eq!(records[1]["text"], "Welcome to the netkit gopher test.");
    assert!(records[1]["url"].is_null());
    let about = &records[2];
    assert_eq!(about["type"], "0");
    assert_eq!(about["selector"], "/about.txt");
    assert_eq!(about["host"], "127.0.0.1");
    assert_eq!(about["port"], g.port());
    assert_eq!(about["url"], g.url("/0/about.txt"));
    assert_eq!(records[4]["url"], "http://example.org/");
}

#[test]
fn a_generated_directory_listing_is_a_menu() {
    let g = Gophernicus::start();
    let out = gopher(&[&g.url("/1/docs")]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(
        stdout(&out).contains(&format!(
            "\tgopher://127.0.0.1:{}/0/docs/readme.txt",
            g.port()
        )),
        "{}",
        stdout(&out)
    );
}

#[test]
fn a_text_item_prints_as_the_file_holds_it() {
    let g = Gophernicus::start();
    let out = gopher(&[&g.url("/0/about.txt")]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    // Gophernicus does not stuff dots: the single-dot line shows it, so `..` lines stay.
    assert_eq!(stdout(&out), TEXT);
}

#[test]
fn a_binary_is_saved_whole_and_checked() {
    let g = Gophernicus::start();
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("blob.bin");
    let want = sha256_hex(&blob());
    let out = gopher(&[
        &g.url("/9/blob.bin"),
        "-o",
        file.to_str().unwrap(),
        "--sha256",
        &want,
        "--json",
    ]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(sha256_hex(&std::fs::read(&file).expect("saved")), want);
    let report: serde_json::Value = serde_json::from_str(stdout(&out).trim()).expect("json");
    assert_eq!(report["bytes"], blob().len());
    assert_eq!(report["sha256"], want);
    assert!(!dir.path().join("blob.bin.part").exists());
}

#[test]
fn a_wrong_sha256_is_exit_10_and_keeps_no_file() {
    let g = Gophernicus::start();
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("blob.bin");
    let out = gopher(&[
        &g.url("/9/blob.bin"),
        "-o",
        file.to_str().unwrap(),
        "--sha256",
        &"0".repeat(64),
    ]);
    assert_eq!(code(&out), 10, "{}", stderr(&out));
    assert!(!file.exists());
    assert!(!dir.path().join("blob.bin.part").exists());
}

#[test]
fn remote_name_saves_under_the_selectors_last_component() {
    let g = Gophernicus::start();
    let dir = tempfile::tempdir().expect("tempdir");
    let out = gopher(&[
        &g.url("/9/blob.bin"),
        "-O",
        "--output-dir",
        dir.path().to_str().unwrap(),
    ]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(
        std::fs::read(dir.path().join("blob.bin")).expect("saved"),
        blob()
    );
}

#[test]
fn a_search_sends_the_query_and_shows_the_result_menu() {
    let g = Gophernicus::start();
    let out = gopher(&[&g.url("/7/cgi-bin/search"), "--query", "rust lang"]);
    assert_eq!(code(&out), 0, "{}\n{}", stderr(&out), g.logs());
    let text = stdout(&out);
    assert!(text.contains("You searched for: rust lang"), "{text}");
    assert!(
        text.contains("0\tResult about rust lang\tgopher://127.0.0.1:"),
        "{text}"
    );
    // The same search written into the URL (RFC 4266 %09).
    let out = gopher(&[&g.url("/7/cgi-bin/search%09rust%20lang")]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(stdout(&out).contains("You searched for: rust lang"));
}

#[test]
fn a_missing_selector_is_refused_with_the_servers_words() {
    let g = Gophernicus::start();
    for path in ["/0/no-such-file.txt", "/1/no-such-dir", "/9/no-such.bin"] {
        let dir = tempfile::tempdir().expect("tempdir");
        let file = dir.path().join("x");
        let out = gopher(&[&g.url(path), "-o", file.to_str().unwrap()]);
        assert_eq!(code(&out), 1, "{path}: {}", stderr(&out));
        assert!(
            stderr(&out).contains("not found"),
            "{path}: {}",
            stderr(&out)
        );
        assert!(!file.exists(), "{path}");
    }
}

#[test]
fn fetch_gopher_urls_go_through_the_gopher_module() {
    let g = Gophernicus::start();
    let out = netkit(&["fetch", &g.url("/0/about.txt")]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(stdout(&out), TEXT);
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("b");
    let out = netkit(&["fetch", &g.url("/9/blob.bin"), "-o", file.to_str().unwrap()]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(std::fs::read(&file).expect("saved"), blob());
    let out = netkit(&["fetch", &g.url("/1/")]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(stdout(&out).contains("\tA binary\t"), "{}", stdout(&out));
}

#[test]
fn raw_shows_the_menu_as_the_server_sent_it() {
    let g = Gophernicus::start();
    let out = gopher(&["--raw", &g.url("/1/")]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let raw = stdout(&out);
    assert!(
        raw.contains("0About this server\t/about.txt\t127.0.0.1\t"),
        "{raw}"
    );
    assert!(raw.ends_with(".\r\n"), "{raw:?}");
}
