//! fetch against a real nginx 1.22 (util/nginx.rs): sizes from 0 B to 1 GiB over plain and
//! TLS, HEAD, resume, redirects, credentials across origins, basic auth, errors and retries,
//! gzip, hostile Content-Disposition names, WebDAV PUT/DELETE, multipart, -P and rate limits.

use std::fs;
use std::time::{Duration, Instant};

use super::{arg, fetch, json};
use crate::util::nginx::{Nginx, PASS, USER, pattern};
use crate::util::{code, netkit, stderr, stdout};

fn sha256_hex(bytes: &[u8]) -> String {
    ring::digest::digest(&ring::digest::SHA256, bytes)
        .as_ref()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn count(nginx: &Nginx, needle: &str) -> usize {
    nginx
        .requests()
        .iter()
        .filter(|l| l.contains(needle))
        .count()
}

/// Downloads `path` to a file over `base` and checks the bytes, the sha256 and the JSON.
fn check_download(nginx: &Nginx, base: &str, name: &str, want: &[u8], extra: &[&str]) {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join(name);
    let url = format!("{base}/{name}");
    let mut args = vec!["--json", "-o", arg(&file)];
    args.extend_from_slice(extra);
    args.push(&url);
    let out = fetch(&args);
    assert_eq!(code(&out), 0, "{url}: {}\n{}", stderr(&out), nginx.logs());
    let got = fs::read(&file).expect("downloaded file");
    assert_eq!(got.len(), want.len(), "{url}: size");
    assert!(got == want, "{url}: bytes differ");
    assert!(!dir.path().join(format!("{name}.part")).exists());
    let j = json(&out);
    let sha = sha256_hex(want);
    assert_eq!(j["status"], 200, "{j}");
    assert_eq!(j["bytes"], want.len() as u64, "{j}");
    assert_eq!(j["sha256"], sha.as_str(), "{j}");
    assert_eq!(j["file"], arg(&file), "{j}");
    assert_eq!(j["http_version"], "HTTP/1.1", "{j}");
    assert_eq!(j["effective_url"], url.as_str(), "{j}");
    for key in ["dns", "connect", "tls", "first_byte", "total"] {
        assert!(
            j["timings"].get(key).is_some(),
            "timings.{key} missing: {j}"
        );
    }
    assert!(j["timings"]["total"].as_f64().expect("total") > 0.0, "{j}");
    if base.starts_with("https") {
        assert!(
            j["timings"]["tls"].as_f64().is_some(),
            "TLS phase timed: {j}"
        );
    }
}

fn sizes(nginx: &Nginx) -> Vec<(&'static str, Vec<u8>)> {
    let big = pattern(64 << 20, 64);
    nginx.add_file("64m.bin", &big);
    vec![
        ("0.bin", Vec::new()),
        ("1k.bin", pattern(1024, 1)),
        ("1m.bin", pattern(1 << 20, 2)),
        ("64m.bin", big),
    ]
}

#[test]
fn plain_downloads_of_0_b_to_64_mib_have_the_right_bytes_sha256_and_json() {
    let nginx = Nginx::start();
    let base = format!("http://127.0.0.1:{}", nginx.port());
    for (name, bytes) in sizes(&nginx) {
        check_download(&nginx, &base, name, &bytes, &[]);
    }
    // IPv6 loopback too.
    let v6 = format!("http://[::1]:{}", nginx.port());
    check_download(&nginx, &v6, "1k.bin", &pattern(1024, 1), &[]);
}

#[test]
fn tls_downloads_of_0_b_to_64_mib_verify_with_the_test_ca() {
    let nginx = Nginx::start();
    let ca = nginx.ca_pem();
    let tls_base = format!("https://127.0.0.1:{}", nginx.tls_port());
    let out = fetch(&["--cacert", arg(&ca), &format!("{tls_base}/auth-echo")]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(stdout(&out), "auth=\n");
    // Without the CA the certificate does not verify: exit 6.
    let out = fetch(&[&format!("{tls_base}/auth-echo")]);
    assert_eq!(code(&out), 6, "{}", stderr(&out));
    for (name, bytes) in sizes(&nginx) {
        check_download(
            &nginx,
            &format!("https://localhost:{}", nginx.tls_port()),
            name,
            &bytes,
            &["--cacert", arg(&ca)],
        );
    }
}

#[test]
fn a_one_gib_sparse_file_streams_to_dev_null_with_the_right_sha256() {
    let nginx = Nginx::start();
    let path = nginx.docroot().join("1g.bin");
    fs::File::create(&path)
        .and_then(|f| f.set_len(1 << 30))
        .expect("sparse 1 GiB file");
    // sha256 of 1 GiB of zero bytes (`head -c 1G /dev/zero | sha256sum`).
    let zeroes = "49bc20df15e412a64472421e13fe86ff1c5165e18b2afccf160d4dc19fe68a14";
    let started = Instant::now();
    let out = fetch(&[
        "--json",
        "-o",
        "/dev/null",
        "--sha256",
        zeroes,
        &nginx.url("/1g.bin"),
    ]);
    let took = started.elapsed();
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let j = json(&out);
    assert_eq!(j["bytes"], 1u64 << 30, "{j}");
    assert_eq!(j["sha256"], zeroes, "{j}");
    eprintln!("1 GiB to /dev/null in {took:?}");
}

#[test]
fn head_prints_the_status_line_then_the_headers() {
    let nginx = Nginx::start();
    let out = fetch(&["-I", &nginx.url("/1k.bin")]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let text = stdout(&out);
    let mut lines = text.split("\r\n");
    assert_eq!(lines.next(), Some("HTTP/1.1 200 OK"), "{text:?}");
    let rest: Vec<&str> = lines.collect();
    let lower: Vec<String> = rest.iter().map(|l| l.to_ascii_lowercase()).collect();
    assert!(
        lower.iter().any(|l| l == "content-length: 1024"),
        "{text:?}"
    );
    assert!(
        lower.iter().any(|l| l.starts_with("server: nginx")),
        "{text:?}"
    );
    assert_eq!(
        count(&nginx, "HEAD /1k.bin 200"),
        1,
        "{:?}",
        nginx.requests()
    );
    assert_eq!(count(&nginx, "GET "), 0, "-I sends no GET");
}

#[test]
fn continue_resumes_from_the_part_file_with_a_range_request() {
    let nginx = Nginx::start();
    let want = pattern(1 << 20, 2);
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("1m.bin");
    fs::write(dir.path().join("1m.bin.part"), &want[..300_000]).expect("part");
    let out = fetch(&["--json", "-C", "-o", arg(&file), &nginx.url("/1m.bin")]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(
        fs::read(&file).expect("file") == want,
        "resumed bytes differ"
    );
    assert!(!dir.path().join("1m.bin.part").exists());
    let j = json(&out);
    assert_eq!(j["status"], 206, "{j}");
    assert_eq!(j["resumed_from"], 300_000, "{j}");
    assert_eq!(j["sha256"], sha256_hex(&want).as_str(), "{j}");
    assert_eq!(
        count(&nginx, "GET /1m.bin 206 \"bytes=300000-\""),
        1,
        "{:?}",
        nginx.requests()
    );
    // Complete already: a second -C asks for the rest, gets 416 and keeps the file.
    fs::rename(&file, dir.path().join("1m.bin.part")).expect("back to part");
    let out = fetch(&["-C", "-o", arg(&file), &nginx.url("/1m.bin")]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(fs::read(&file).expect("file") == want);
}

#[test]
fn redirect_chains_with_absolute_and_relative_locations_end_at_the_file() {
    let nginx = Nginx::start();
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("out");
    let out = fetch(&["--json", "-o", arg(&file), &nginx.url("/chain/abs")]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(fs::read(&file).expect("file") == pattern(1024, 1));
    let j = json(&out);
    assert_eq!(j["redirects"], 2, "{j}");
    assert_eq!(j["effective_url"], nginx.url("/1k.bin").as_str(), "{j}");
    let log = nginx.requests();
    assert!(
        log.iter().any(|l| l.starts_with("GET /chain/abs 301")),
        "{log:?}"
    );
    assert!(
        log.iter().any(|l| l.starts_with("GET /chain/rel 302")),
        "{log:?}"
    );
    // --no-location stops at the first hop and does not write the 3xx body as the file.
    let out = fetch(&["--no-location", "-I", &nginx.url("/chain/abs")]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let head = stdout(&out).to_ascii_lowercase();
    assert!(head.starts_with("http/1.1 301"), "{head}");
    assert!(
        head.contains(&format!(
            "location: http://127.0.0.1:{}/chain/rel",
            nginx.port()
        )),
        "nginx made the Location absolute: {head}"
    );
    // --max-redirs 1 is exceeded by the two hops: exit 8, no file.
    let file2 = dir.path().join("out2");
    let out = fetch(&[
        "--max-redirs",
        "1",
        "-o",
        arg(&file2),
        &nginx.url("/chain/abs"),
    ]);
    assert_eq!(code(&out), 8, "{}", stderr(&out));
    assert!(!file2.exists());
}

#[test]
fn credentials_follow_a_redirect_on_the_same_origin_but_not_to_another_port() {
    let nginx = Nginx::start();
    let user = format!("{USER}:{PASS}");
    let basic = "auth=Basic bmt1c2VyMTpua3VzZXIxLXBhc3M=\n";
    // Same origin: still sent (the positive control, so the test below can fail).
    let out = fetch(&["-q", "-u", &user, &nginx.url("/to-same")]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(stdout(&out), basic);
    // Another port of the same host is another origin: dropped.
    let out = fetch(&["-q", "-u", &user, &nginx.url("/to-other")]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(stdout(&out), "auth=\n");
    // Same with the credentials in the URL, and to the TLS port (another scheme too).
    let url = format!("http://{USER}:{PASS}@127.0.0.1:{}/to-tls", nginx.port());
    let ca = nginx.ca_pem();
    let out = fetch(&["-q", "--cacert", arg(&ca), &url]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(stdout(&out), "auth=\n");
}

#[test]
fn basic_auth_good_is_exit_0_wrong_is_exit_7_without_a_file() {
    let nginx = Nginx::start();
    let dir = tempfile::tempdir().expect("tempdir");
    let good = dir.path().join("good");
    let out = fetch(&[
        "-q",
        "-u",
        &format!("{USER}:{PASS}"),
        "-o",
        arg(&good),
        &nginx.url("/private/secret.txt"),
    ]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(fs::read(&good).expect("file"), b"the secret\n");
    let pwfile = dir.path().join("pw");
    fs::write(&pwfile, format!("{PASS}\n")).expect("pw");
    let out = fetch(&[
        "-u",
        USER,
        "--password-file",
        arg(&pwfile),
        &nginx.url("/private/secret.txt"),
    ]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(stdout(&out), "the secret\n");

    let bad = dir.path().join("bad");
    let out = fetch(&[
        "-q",
        "-u",
        &format!("{USER}:wrong"),
        "-o",
        arg(&bad),
        &nginx.url("/private/secret.txt"),
    ]);
    assert_eq!(code(&out), 7, "{}", stderr(&out));
    assert!(!bad.exists() && !dir.path().join("bad.part").exists());
    // No credentials at all: 401 is exit 7 as well.
    let out = fetch(&["-o", arg(&bad), &nginx.url("/private/secret.txt")]);
    assert_eq!(code(&out), 7, "{}", stderr(&out));
    assert!(!bad.exists());
}

#[test]
fn not_found_is_exit_1_and_creates_no_file() {
    let nginx = Nginx::start();
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("missing.bin");
    let out = fetch(&["-o", arg(&file), &nginx.url("/missing.bin")]);
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    assert!(stderr(&out).contains("404"), "{}", stderr(&out));
    assert!(!file.exists());
    assert!(!dir.path().join("missing.bin.part").exists());
    let out = fetch(&[
        "-O",
        "--output-dir",
        arg(dir.path()),
        &nginx.url("/missing.bin"),
    ]);
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    assert_eq!(fs::read_dir(dir.path()).expect("dir").count(), 0);
}

#[test]
fn a_500_is_retried_then_exit_1() {
    let nginx = Nginx::start();
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("out");
    let started = Instant::now();
    let out = fetch(&["--retry", "2", "-o", arg(&file), &nginx.url("/broken")]);
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    assert!(!file.exists());
    assert_eq!(
        count(&nginx, "GET /broken 500"),
        3,
        "{:?}",
        nginx.requests()
    );
    // Backoff 1 s then 2 s, each up to 25 % shorter (jitter, src/http/policy.rs).
    assert!(
        started.elapsed() >= Duration::from_millis(2250),
        "{:?}",
        started.elapsed()
    );
    // Without --retry: one request.
    let out = fetch(&["-o", arg(&file), &nginx.url("/broken")]);
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    assert_eq!(count(&nginx, "GET /broken 500"), 4);
}

#[test]
fn a_503_with_retry_after_is_exit_11_after_honouring_it() {
    let nginx = Nginx::start();
    let out = fetch(&["-o", "/dev/null", &nginx.url("/busy")]);
    assert_eq!(code(&out), 11, "{}", stderr(&out));
    assert_eq!(count(&nginx, "GET /busy 503"), 1);
    let started = Instant::now();
    let out = fetch(&["--retry", "2", "-o", "/dev/null", &nginx.url("/busy")]);
    let took = started.elapsed();
    assert_eq!(code(&out), 11, "{}", stderr(&out));
    assert_eq!(count(&nginx, "GET /busy 503"), 4, "{:?}", nginx.requests());
    // Retry-After: 2 twice = 4 s; the backoff alone would be at most 1 + 2 s.
    assert!(
        took >= Duration::from_secs(4),
        "Retry-After honoured: {took:?}"
    );
    assert!(took < Duration::from_secs(6), "{took:?}");
}

#[test]
fn compressed_against_nginx_gzip_gives_the_decoded_bytes() {
    let nginx = Nginx::start();
    let want = fs::read(nginx.docroot().join("gz/text.txt")).expect("fixture");
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("text.txt");
    let out = fetch(&[
        "--json",
        "--compressed",
        "-o",
        arg(&file),
        &nginx.url("/gz/text.txt"),
    ]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(
        fs::read(&file).expect("file") == want,
        "decoded bytes differ"
    );
    let j = json(&out);
    assert_eq!(j["sha256"], sha256_hex(&want).as_str(), "{j}");
    assert_eq!(
        j["bytes"],
        want.len() as u64,
        "bytes counts the decoded body: {j}"
    );
    // nginx did compress it: far fewer bytes went over the wire than the file holds.
    let sent = |nth: usize| -> usize {
        let lines: Vec<String> = nginx
            .requests()
            .into_iter()
            .filter(|l| l.starts_with("GET /gz/text.txt 200"))
            .collect();
        lines[nth]
            .rsplit(' ')
            .next()
            .and_then(|n| n.parse().ok())
            .unwrap_or_else(|| panic!("bytes sent in {lines:?}"))
    };
    assert!(
        sent(0) < want.len() / 4,
        "gzip on the wire: {} bytes",
        sent(0)
    );
    // Without --compressed nginx sends it as is.
    let out = fetch(&["--json", "-o", arg(&file), &nginx.url("/gz/text.txt")]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(fs::read(&file).expect("file") == want);
    assert_eq!(sent(1), want.len());
}

#[test]
fn hostile_content_disposition_names_land_sanitised_inside_the_output_dir() {
    let nginx = Nginx::start();
    let dir = tempfile::tempdir().expect("tempdir");
    let out_dir = dir.path().join("dl");
    fs::create_dir(&out_dir).expect("dl dir");
    let cases = [
        ("passwd", "passwd"),
        ("abs", "x"),
        ("dot", "bashrc"),
        ("ctrl", "evilname.txt"),
        ("ext", "evilx.txt"),
    ];
    for (key, want) in cases {
        let out = fetch(&[
            "--json",
            "-O",
            "-J",
            "--output-dir",
            arg(&out_dir),
            &nginx.url(&format!("/cd/{key}")),
        ]);
        assert_eq!(code(&out), 0, "{key}: {}", stderr(&out));
        let j = json(&out);
        let file = j["file"].as_str().expect("file in JSON").to_owned();
        assert_eq!(file, arg(&out_dir.join(want)), "{key}: {j}");
        assert_eq!(
            fs::read(out_dir.join(want)).expect("saved"),
            format!("cd-{key}\n").as_bytes()
        );
    }
    // A raw ESC in the header is not HTTP: refused (exit 8), and nothing is written.
    let out = fetch(&[
        "-O",
        "-J",
        "--output-dir",
        arg(&out_dir),
        &nginx.url("/cd/esc"),
    ]);
    assert_eq!(code(&out), 8, "{}", stderr(&out));
    // Everything is in the output dir, nothing beside or above it.
    let mut names: Vec<String> = fs::read_dir(&out_dir)
        .expect("dl")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(
        names,
        ["bashrc", "evilname.txt", "evilx.txt", "passwd", "x"]
    );
    assert_eq!(fs::read_dir(dir.path()).expect("tmp").count(), 1);
    // A second run does not replace a server-named file without --clobber.
    let out = fetch(&[
        "-O",
        "-J",
        "--output-dir",
        arg(&out_dir),
        &nginx.url("/cd/passwd"),
    ]);
    assert_ne!(code(&out), 0, "{}", stderr(&out));
}

#[test]
fn upload_with_t_puts_the_bytes_and_get_returns_them_then_delete_is_204() {
    let nginx = Nginx::start();
    let dir = tempfile::tempdir().expect("tempdir");
    let src = dir.path().join("up.bin");
    let bytes = pattern(3 << 20, 7);
    fs::write(&src, &bytes).expect("src");
    let url = nginx.url("/dav/deep/er/up.bin");
    let out = fetch(&["--json", "-T", arg(&src), "-o", "/dev/null", &url]);
    assert_eq!(code(&out), 0, "{}\n{}", stderr(&out), nginx.logs());
    assert_eq!(json(&out)["status"], 201);
    assert!(fs::read(nginx.dav_file("deep/er/up.bin")).expect("stored") == bytes);
    let back = dir.path().join("back.bin");
    let out = fetch(&["-o", arg(&back), &url]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(
        fs::read(&back).expect("back") == bytes,
        "GET returns the PUT bytes"
    );
    // Replacing an existing file is 204.
    fs::write(&src, b"small now").expect("src");
    let out = fetch(&["--json", "-T", arg(&src), "-o", "/dev/null", &url]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(json(&out)["status"], 204);
    assert_eq!(
        fs::read(nginx.dav_file("deep/er/up.bin")).expect("stored"),
        b"small now"
    );

    let out = fetch(&["--json", "-X", "DELETE", "-o", "/dev/null", &url]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(json(&out)["status"], 204);
    assert!(!nginx.dav_file("deep/er/up.bin").exists());
    // Deleting it again: 404, exit 1.
    let out = fetch(&["-X", "DELETE", "-o", "/dev/null", &url]);
    assert_eq!(code(&out), 1, "{}", stderr(&out));
}

#[test]
fn multipart_form_reaches_the_server_byte_exact() {
    let nginx = Nginx::start();
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("data.bin");
    let content = pattern(200_000, 9);
    fs::write(&file, &content).expect("data");
    let echoed = dir.path().join("echo");
    let out = fetch(&[
        "--json",
        "-F",
        "note=hello world",
        "-F",
        &format!("upload=@{}", arg(&file)),
        "-o",
        arg(&echoed),
        &nginx.url("/echo"),
    ]);
    assert_eq!(code(&out), 0, "{}\n{}", stderr(&out), nginx.logs());
    let j = json(&out);
    let ctype = j["headers"]["x-echo-content-type"]
        .as_str()
        .expect("echoed content type")
        .to_owned();
    let boundary = ctype
        .strip_prefix("multipart/form-data; boundary=")
        .unwrap_or_else(|| panic!("content type {ctype}"))
        .trim_matches('"')
        .to_owned();
    let body = fs::read(&echoed).expect("echoed body");
    let delim = format!("--{boundary}");
    // Split on the delimiter: preamble (empty), two parts, then the closing "--\r\n".
    let mut parts = Vec::new();
    let mut rest = &body[..];
    while let Some(at) = find(rest, delim.as_bytes()) {
        parts.push(&rest[..at]);
        rest = &rest[at + delim.len()..];
    }
    assert_eq!(rest, b"--\r\n", "closing delimiter");
    assert_eq!(parts.len(), 3, "preamble + two parts");
    assert!(parts[0].is_empty(), "no preamble");
    let (head1, body1) = split_part(parts[1]);
    assert!(
        head1.contains("content-disposition: form-data; name=\"note\""),
        "{head1}"
    );
    assert_eq!(body1, b"hello world");
    let (head2, body2) = split_part(parts[2]);
    assert!(
        head2.contains("content-disposition: form-data; name=\"upload\"; filename=\"data.bin\""),
        "{head2}"
    );
    assert!(body2 == content.as_slice(), "file part bytes differ");
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

/// `\r\nHEADERS\r\n\r\nBODY\r\n` → (lower-case headers, body).
fn split_part(part: &[u8]) -> (String, &[u8]) {
    let part = part.strip_prefix(b"\r\n").expect("CRLF after delimiter");
    let at = find(part, b"\r\n\r\n").expect("part head");
    let body = part[at + 4..]
        .strip_suffix(b"\r\n")
        .expect("CRLF before delimiter");
    (
        String::from_utf8_lossy(&part[..at]).to_ascii_lowercase(),
        body,
    )
}

#[test]
fn parallel_over_twenty_urls_with_two_missing_is_exit_12_and_twenty_json_lines() {
    let nginx = Nginx::start();
    let mut urls = Vec::new();
    for i in 0..18 {
        nginx.add_file(&format!("p/f{i}.bin"), &pattern(10_000 + i, i as u64 + 100));
        urls.push(nginx.url(&format!("/p/f{i}.bin")));
    }
    urls.insert(5, nginx.url("/p/missing-a.bin"));
    urls.insert(13, nginx.url("/p/missing-b.bin"));
    let dir = tempfile::tempdir().expect("tempdir");
    let mut args = vec![
        "fetch",
        "--json",
        "-P",
        "4",
        "-O",
        "--output-dir",
        arg(dir.path()),
    ];
    args.extend(urls.iter().map(String::as_str));
    let out = netkit(&args);
    assert_eq!(code(&out), 12, "{}", stderr(&out));
    // 18 reports on stdout, the two failures as error lines on stderr: 20 JSON lines.
    let ok: Vec<serde_json::Value> = stdout(&out)
        .lines()
        .map(|l| serde_json::from_str(l).expect("JSON line"))
        .collect();
    let errors: Vec<serde_json::Value> = stderr(&out)
        .lines()
        .filter(|l| l.starts_with('{'))
        .map(|l| serde_json::from_str(l).expect("JSON error line"))
        .collect();
    assert_eq!(ok.len(), 18, "{}", stdout(&out));
    assert_eq!(errors.len(), 2, "{}", stderr(&out));
    assert_eq!(ok.len() + errors.len(), 20);
    for e in &errors {
        assert_eq!(e["error"]["exit_code"], 1, "{e}");
    }
    for i in 0..18usize {
        let want = pattern(10_000 + i, i as u64 + 100);
        let got = fs::read(dir.path().join(format!("f{i}.bin"))).expect("downloaded");
        assert!(got == want, "f{i}.bin differs");
    }
    assert!(!dir.path().join("missing-a.bin").exists());
    assert!(!dir.path().join("missing-b.bin").exists());
    assert_eq!(fs::read_dir(dir.path()).expect("dir").count(), 18);
}

#[test]
fn limit_rate_with_max_time_1_is_exit_5_and_no_final_name() {
    let nginx = Nginx::start();
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("slow.bin");
    let started = Instant::now();
    // 1 MiB at 64 KiB/s is 16 s; the deadline is 1 s.
    let out = fetch(&["-m", "1", "-o", arg(&file), &nginx.url("/slow/1m.bin")]);
    let took = started.elapsed();
    assert_eq!(code(&out), 5, "{}", stderr(&out));
    assert!(took < Duration::from_secs(4), "{took:?}");
    assert!(!file.exists(), "a partial body never takes the final name");
    let part = fs::read(dir.path().join("slow.bin.part")).expect("part kept for -C");
    assert!(!part.is_empty() && part.len() < 1 << 20, "{}", part.len());
    assert!(
        part == pattern(1 << 20, 2)[..part.len()],
        "part is a prefix"
    );
}

/// `-T -` uploads stdin (issue 20 #4), spooled so that it has a Content-Length.
#[test]
fn upload_dash_puts_stdin() {
    let nginx = Nginx::start();
    let bytes = pattern(1 << 20, 3);
    let url = nginx.url("/dav/piped.bin");
    let out = crate::util::run_with_stdin(
        &["fetch", "--json", "-T", "-", "-o", "/dev/null", &url],
        &bytes,
    );
    assert_eq!(code(&out), 0, "{}\n{}", stderr(&out), nginx.logs());
    assert_eq!(json(&out)["status"], 201);
    assert!(fs::read(nginx.dav_file("piped.bin")).expect("stored") == bytes);
}
