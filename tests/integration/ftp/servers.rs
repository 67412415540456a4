//! ftp against real vsftpd (anonymous; explicit FTPS with require_ssl_reuse; implicit FTPS)
//! and pyftpdlib (a user with a quoting-hostile password; MLSD, MFMT; uploads).

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;

use crate::util::ftpd::{Pyftpd, Vsftpd, VsftpdMode};
use crate::util::{code, netkit, stderr, stdout};

/// Deterministic bytes of `len`.
fn bytes(len: usize, seed: u8) -> Vec<u8> {
    (0..len)
        .map(|i| (i as u8).wrapping_mul(31).wrapping_add(seed))
        .collect()
}

/// A tree with nested dirs, spaces, UTF-8, empty files and `n` small files.
fn fill_tree(root: &Path, n: usize) {
    fs::create_dir_all(root.join("sub dir/deeper")).expect("dirs");
    fs::create_dir_all(root.join("ünïcødé")).expect("dirs");
    fs::write(root.join("big.bin"), bytes(1_000_003, 7)).expect("big");
    fs::write(root.join("empty"), b"").expect("empty");
    fs::write(root.join("sub dir/a file.txt"), b"hello\n").expect("file");
    fs::write(root.join("sub dir/deeper/zero"), b"").expect("zero");
    fs::write(root.join("ünïcødé/naïve.txt"), "ünï\n").expect("utf8");
    for i in 0..n {
        fs::write(
            root.join(format!("sub dir/f{i:04}")),
            bytes(100 + i, i as u8),
        )
        .expect("small");
    }
}

/// Relative path → content of every file under `root`, `.part` files included (so a stray
/// one shows).
fn tree(root: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    let mut stack = vec![root.to_owned()];
    while let Some(dir) = stack.pop() {
        for e in fs::read_dir(&dir).expect("read_dir").flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else {
                let rel = p.strip_prefix(root).expect("prefix").display().to_string();
                out.insert(rel, fs::read(&p).expect("read"));
            }
        }
    }
    out
}

fn s(p: &Path) -> &str {
    p.to_str().expect("utf-8 path")
}

#[test]
fn vsftpd_explicit_tls_lists_gets_and_mirrors_with_session_reuse() {
    let server = Vsftpd::start(VsftpdMode::Explicit, |root| fill_tree(root, 30));
    let ca = server.ca_pem();
    let base = format!("ftp://127.0.0.1:{}/", server.port());
    let out = netkit(&[
        "ftp",
        "ls",
        "--tls",
        "required",
        "--cacert",
        s(&ca),
        &base,
        "--json",
    ]);
    assert_eq!(code(&out), 0, "{}\n{}", stderr(&out), server.logs());
    let names: Vec<String> = stdout(&out)
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).expect("json")["name"].to_string())
        .collect();
    for want in ["\"big.bin\"", "\"sub dir\"", "\"ünïcødé\"", "\"empty\""] {
        assert!(names.iter().any(|n| n == want), "{want} in {names:?}");
    }

    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("big.bin");
    let out = netkit(&[
        "ftp",
        "get",
        "--tls",
        "required",
        "--cacert",
        s(&ca),
        "--json",
        &format!("{base}big.bin"),
        "-o",
        s(&file),
    ]);
    assert_eq!(code(&out), 0, "{}\n{}", stderr(&out), server.logs());
    assert_eq!(fs::read(&file).expect("file"), bytes(1_000_003, 7));
    let report: serde_json::Value = serde_json::from_str(stdout(&out).trim()).expect("json");
    assert_eq!(report["remote_size"], 1_000_003);
    assert!(report["tls"]["version"].is_string(), "{report}");

    let mirror = dir.path().join("mirror");
    let out = netkit(&[
        "ftp",
        "get",
        "-r",
        "-P",
        "3",
        "--cacert",
        s(&ca),
        &base,
        s(&mirror),
    ]);
    assert_eq!(code(&out), 0, "{}\n{}", stderr(&out), server.logs());
    assert_eq!(tree(&mirror), tree(server.anon_root()));
    assert!(stdout(&out).starts_with("35 files"), "{}", stdout(&out));

    let out = netkit(&["ftp", "size", "--cacert", s(&ca), &format!("{base}big.bin")]);
    assert_eq!(stdout(&out), "1000003\n", "{}", stderr(&out));
    let out = netkit(&[
        "ftp",
        "mtime",
        "--cacert",
        s(&ca),
        &format!("{base}sub%20dir/a%20file.txt"),
    ]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(stdout(&out).trim_end().ends_with('Z'), "{}", stdout(&out));

    // Active mode through the same server (EPRT).
    let out = netkit(&[
        "ftp",
        "get",
        "--active",
        "--cacert",
        s(&ca),
        &format!("{base}empty"),
        "-o",
        s(&dir.path().join("e")),
    ]);
    assert_eq!(code(&out), 0, "{}\n{}", stderr(&out), server.logs());
    assert_eq!(fs::read(dir.path().join("e")).expect("e"), b"");

    let out = netkit(&[
        "ftp",
        "get",
        "--cacert",
        s(&ca),
        &format!("{base}missing"),
        "-o",
        s(&dir.path().join("m")),
    ]);
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    assert!(!dir.path().join("m").exists() && !dir.path().join("m.part").exists());
}

#[test]
fn vsftpd_implicit_tls_and_certificate_checks() {
    let server = Vsftpd::start(VsftpdMode::Implicit, |root| {
        fs::write(root.join("x.txt"), b"implicit\n").expect("x");
    });
    let url = format!("ftps://127.0.0.1:{}/x.txt", server.port());
    let ca = server.ca_pem();
    let out = netkit(&["ftp", "get", "--cacert", s(&ca), &url, "-o", "-"]);
    assert_eq!(code(&out), 0, "{}\n{}", stderr(&out), server.logs());
    assert_eq!(stdout(&out), "implicit\n");
    // Without the test CA the certificate is unknown: exit 6.
    let out = netkit(&["ftp", "get", &url, "-o", "-"]);
    assert_eq!(code(&out), 6, "{}", stderr(&out));
}

#[test]
fn pyftpdlib_user_uploads_renames_deletes_and_mirrors_up() {
    let server = Pyftpd::start(|home| fill_tree(home, 5));
    let dir = tempfile::tempdir().expect("tempdir");
    let local = dir.path().join("up.bin");
    fs::write(&local, bytes(300_001, 3)).expect("local");
    let out = netkit(&["ftp", "put", s(&local), &server.user_url("incoming/"), "-q"]);
    // incoming/ does not exist yet: refused (5xx → 1).
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    let out = netkit(&["ftp", "mkdir", "-p", &server.user_url("incoming/a/b"), "-q"]);
    assert_eq!(code(&out), 0, "{}\n{}", stderr(&out), server.logs());
    assert!(server.home().join("incoming/a/b").is_dir());
    let out = netkit(&[
        "ftp",
        "put",
        s(&local),
        &server.user_url("incoming/"),
        "-q",
        "--json",
    ]);
    assert_eq!(code(&out), 0, "{}\n{}", stderr(&out), server.logs());
    assert_eq!(
        fs::read(server.home().join("incoming/up.bin")).expect("uploaded"),
        bytes(300_001, 3)
    );
    // MFMT kept the local time.
    let local_time = fs::metadata(&local).expect("m").modified().expect("t");
    let remote_time = fs::metadata(server.home().join("incoming/up.bin"))
        .expect("m")
        .modified()
        .expect("t");
    let secs = |t: std::time::SystemTime| {
        t.duration_since(std::time::UNIX_EPOCH)
            .expect("epoch")
            .as_secs()
    };
    assert_eq!(secs(local_time), secs(remote_time));

    let out = netkit(&[
        "ftp",
        "mv",
        &server.user_url("incoming/up.bin"),
        "a/moved.bin",
        "-q",
    ]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(server.home().join("incoming/a/moved.bin").is_file());
    let out = netkit(&["ftp", "rm", &server.user_url("incoming/a/moved.bin"), "-q"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(!server.home().join("incoming/a/moved.bin").exists());
    let out = netkit(&["ftp", "rmdir", &server.user_url("incoming/a/b"), "-q"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));

    // Resume an upload: the server holds the first 1000 bytes.
    fs::write(
        server.home().join("partial.bin"),
        &bytes(300_001, 3)[..1000],
    )
    .expect("partial");
    let out = netkit(&[
        "ftp",
        "put",
        "-C",
        s(&local),
        &server.user_url("partial.bin"),
        "-q",
        "--json",
    ]);
    assert_eq!(code(&out), 0, "{}\n{}", stderr(&out), server.logs());
    assert_eq!(
        fs::read(server.home().join("partial.bin")).expect("p"),
        bytes(300_001, 3)
    );
    assert!(
        stdout(&out).contains("\"resumed_from\":1000"),
        "{}",
        stdout(&out)
    );

    // Mirror up, then down again, and compare.
    let src = dir.path().join("src");
    fill_tree(&src, 12);
    let out = netkit(&["ftp", "put", "-r", s(&src), &server.user_url("tree"), "-q"]);
    assert_eq!(code(&out), 0, "{}\n{}", stderr(&out), server.logs());
    assert_eq!(tree(&server.home().join("tree")), tree(&src));
    let back = dir.path().join("back");
    let out = netkit(&["ftp", "get", "-r", &server.user_url("tree"), s(&back), "-q"]);
    assert_eq!(code(&out), 0, "{}\n{}", stderr(&out), server.logs());
    assert_eq!(tree(&back), tree(&src));
    // --newer skips everything the second time; --delete removes a local stray.
    fs::write(back.join("stray"), b"x").expect("stray");
    let out = netkit(&[
        "ftp",
        "get",
        "-r",
        "--newer",
        "--delete",
        &server.user_url("tree"),
        s(&back),
        "--json",
        "-q",
    ]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let last = stdout(&out).lines().last().unwrap_or_default().to_owned();
    let summary: serde_json::Value = serde_json::from_str(&last).expect("summary");
    assert_eq!(summary["summary"]["files"], 0, "{last}");
    assert_eq!(summary["summary"]["deleted"], 1, "{last}");
    assert!(!back.join("stray").exists());

    // A wrong password is exit 7.
    let bad = server.user_url("").replace("%40", "%41");
    let out = netkit(&["ftp", "ls", &bad]);
    assert_eq!(code(&out), 7, "{}", stderr(&out));
}

#[test]
fn sha256_is_checked_on_get_and_a_mismatch_keeps_nothing() {
    let server = Pyftpd::start(|home| fs::write(home.join("f"), b"0123456789").expect("f"));
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("f");
    let good = "84d89877f0d4041efb6bf91a16f0248f2fd573e6af05c19f96bedb9f882f7882";
    let bad = "0000000000000000000000000000000000000000000000000000000000000000";
    let out = netkit(&[
        "ftp",
        "get",
        "-q",
        "--sha256",
        bad,
        &server.user_url("f"),
        "-o",
        s(&file),
    ]);
    assert_eq!(code(&out), 10, "{}", stderr(&out));
    assert!(!file.exists() && !dir.path().join("f.part").exists());
    // Resumed from a .part: the hash covers the bytes already there.
    fs::write(dir.path().join("f.part"), b"01234").expect("part");
    let out = netkit(&[
        "ftp",
        "get",
        "-q",
        "-C",
        "--sha256",
        good,
        &server.user_url("f"),
        "-o",
        s(&file),
    ]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(fs::read(&file).expect("f"), b"0123456789");
}

#[test]
fn fetch_downloads_ftp_urls_through_the_ftp_module() {
    let server = Pyftpd::start(|home| {
        fs::write(home.join("a.txt"), b"0123456789").expect("a");
        fs::write(home.join("b.txt"), b"bee\n").expect("b");
    });
    let out = netkit(&["fetch", &server.user_url("b.txt"), "-q"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(stdout(&out), "bee\n");
    let dir = tempfile::tempdir().expect("tempdir");
    let sum = "84d89877f0d4041efb6bf91a16f0248f2fd573e6af05c19f96bedb9f882f7882";
    let out = netkit(&[
        "fetch",
        "-q",
        "-O",
        "--output-dir",
        s(dir.path()),
        "--sha256",
        sum,
        &server.user_url("a.txt"),
    ]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(
        fs::read(dir.path().join("a.txt")).expect("a"),
        b"0123456789"
    );
    // Two URLs, one missing: exit 12, the other file is there.
    let out = netkit(&[
        "fetch",
        "-q",
        "-O",
        "--output-dir",
        s(dir.path()),
        &server.user_url("b.txt"),
        &server.user_url("nope.txt"),
    ]);
    assert_eq!(code(&out), 12, "{}", stderr(&out));
    assert_eq!(fs::read(dir.path().join("b.txt")).expect("b"), b"bee\n");
    let out = netkit(&["fetch", &server.user_url("a.txt"), "http://127.0.0.1:9/"]);
    assert_eq!(code(&out), 2, "{}", stderr(&out));
}

/// The sparse file's size: 1 GiB of zeros that take no disk on the server side.
const SPARSE: u64 = 1 << 30;
const SPARSE_NAME: &str = "sparse 1 GiB.bin";

/// 999 small files (every 7th empty) over nested directories three levels deep whose names
/// hold spaces and UTF-8, and one 1 GiB sparse file: 1,000 files.
fn fill_big_tree(root: &Path) {
    let top = ["é ü", "plain", "with space", "数据"];
    let mid = ["sub 1", "ñandú", "x"];
    let low = ["deep dir", "ß"];
    for i in 0..999usize {
        // Depth 0 to 3 in turn, so every level holds files.
        let mut dir = root.to_owned();
        let depth = i % 4;
        if depth >= 1 {
            dir.push(top[(i / 4) % top.len()]);
        }
        if depth >= 2 {
            dir.push(mid[(i / 16) % mid.len()]);
        }
        if depth >= 3 {
            dir.push(low[(i / 48) % low.len()]);
        }
        fs::create_dir_all(&dir).expect("dirs");
        let name = match i % 3 {
            0 => format!("数据 {i}.txt"),
            1 => format!("file {i} é.bin"),
            _ => format!("f{i}"),
        };
        let len = if i % 7 == 0 { 0 } else { (i * 37) % 5000 + 1 };
        fs::write(dir.join(name), bytes(len, i as u8)).expect("small");
    }
    let f = fs::File::create(root.join("é ü").join(SPARSE_NAME)).expect("sparse");
    f.set_len(SPARSE).expect("set_len");
}

/// SHA-256 of a file, streamed.
fn sha256_file(path: &Path) -> Vec<u8> {
    use std::io::Read;
    let mut f = fs::File::open(path).expect("open");
    let mut ctx = ring::digest::Context::new(&ring::digest::SHA256);
    let mut buf = vec![0u8; 1 << 20];
    loop {
        let n = f.read(&mut buf).expect("read");
        if n == 0 {
            break;
        }
        ctx.update(&buf[..n]);
    }
    ctx.finish().as_ref().to_vec()
}

/// SHA-256 of `len` zero bytes, streamed.
fn sha256_zeros(len: u64) -> Vec<u8> {
    let mut ctx = ring::digest::Context::new(&ring::digest::SHA256);
    let buf = vec![0u8; 1 << 20];
    let mut left = len;
    while left > 0 {
        let n = left.min(buf.len() as u64) as usize;
        ctx.update(&buf[..n]);
        left -= n as u64;
    }
    ctx.finish().as_ref().to_vec()
}

/// Relative path → SHA-256 of every file under `root` (`.part` files included, so a stray
/// one shows). The sparse file, when `skip_sparse`, is left out (it is compared with zeros).
fn hashes(root: &Path, skip_sparse: bool) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    let mut stack = vec![root.to_owned()];
    while let Some(dir) = stack.pop() {
        for e in fs::read_dir(&dir).expect("read_dir").flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else {
                let rel = p.strip_prefix(root).expect("prefix").display().to_string();
                if skip_sparse && rel.ends_with(SPARSE_NAME) {
                    continue;
                }
                out.insert(rel, sha256_file(&p));
            }
        }
    }
    out
}

/// The expected hashes: the source tree's small files read, the sparse one as zeros.
fn expected_hashes(source: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut want = hashes(source, true);
    let rel = Path::new("é ü").join(SPARSE_NAME).display().to_string();
    want.insert(rel, sha256_zeros(SPARSE));
    want
}

#[test]
fn mirror_of_1000_files_with_a_sparse_gib_through_vsftpd_and_pyftpdlib() {
    let server = Vsftpd::start(VsftpdMode::Explicit, fill_big_tree);
    let want = expected_hashes(server.anon_root());
    assert_eq!(want.len(), 1000);
    let dir = tempfile::tempdir().expect("tempdir");

    // vsftpd (LIST, no MLSD) → local, one control connection, FTPS with session reuse.
    let copy = dir.path().join("from vsftpd");
    let base = format!("ftp://127.0.0.1:{}/", server.port());
    let ca = server.ca_pem();
    let out = netkit(&[
        "ftp",
        "get",
        "-r",
        "-q",
        "--tls",
        "required",
        "--cacert",
        s(&ca),
        &base,
        s(&copy),
    ]);
    assert_eq!(code(&out), 0, "{}\n{}", stderr(&out), server.logs());
    assert!(stdout(&out).starts_with("1000 files"), "{}", stdout(&out));
    assert_eq!(hashes(&copy, false), want);
    drop(server);

    // local → pyftpdlib (MLSD, STOR) with four connections → local again.
    let py = Pyftpd::start(|_| {});
    let out = netkit(&[
        "ftp",
        "put",
        "-r",
        "-q",
        "-P",
        "4",
        s(&copy),
        &py.user_url("up"),
    ]);
    assert_eq!(code(&out), 0, "{}\n{}", stderr(&out), py.logs());
    assert_eq!(hashes(&py.home().join("up"), false), want);
    let back = dir.path().join("back");
    let out = netkit(&["ftp", "get", "-r", "-q", &py.user_url("up"), s(&back)]);
    assert_eq!(code(&out), 0, "{}\n{}", stderr(&out), py.logs());
    assert_eq!(hashes(&back, false), want);
}

/// `put - URL` uploads stdin (issue 20 #4: `-` is stdin everywhere) to the file the URL
/// names; a URL naming a directory, or -C, has nothing to go by and is a usage error.
#[test]
fn put_dash_uploads_stdin_to_the_file_the_url_names() {
    let server = Pyftpd::start(|home| fill_tree(home, 1));
    let data = bytes(200_003, 9);
    let out = crate::util::run_with_stdin(
        &["ftp", "put", "-", &server.user_url("piped.bin"), "-q"],
        &data,
    );
    assert_eq!(code(&out), 0, "{}\n{}", stderr(&out), server.logs());
    assert_eq!(
        fs::read(server.home().join("piped.bin")).expect("uploaded"),
        data
    );
    for extra in [&[][..], &["-C"][..]] {
        let url = if extra.is_empty() {
            server.user_url("")
        } else {
            server.user_url("piped.bin")
        };
        let mut args = vec!["ftp", "put", "-", url.as_str()];
        args.extend_from_slice(extra);
        let out = crate::util::run_with_stdin(&args, b"x");
        assert_eq!(code(&out), 2, "{extra:?}: {}", stderr(&out));
    }
}
