//! `ls -a`: dot files hidden by default on every server, shown with -a — vsftpd (LIST hides
//! them unless `LIST -a`) and pyftpdlib (MLSD lists them).

use std::fs;

use crate::util::ftpd::{Pyftpd, Vsftpd, VsftpdMode};
use crate::util::{code, netkit, stderr, stdout};

fn fixture(root: &std::path::Path) {
    fs::write(root.join(".hidden"), b"h").expect("file");
    fs::write(root.join("shown"), b"s").expect("file");
}

#[test]
fn ls_a_shows_dot_files_on_vsftpd_and_pyftpdlib() {
    let vsftpd = Vsftpd::start(VsftpdMode::Explicit, fixture);
    let pyftpd = Pyftpd::start(fixture);
    let v = format!("ftp://127.0.0.1:{}/", vsftpd.port());
    let p = pyftpd.user_url("");
    for url in [&v, &p] {
        let out = netkit(&["ftp", "ls", "--tls", "none", url]);
        assert_eq!(code(&out), 0, "{url}: {}", stderr(&out));
        assert_eq!(stdout(&out), "shown\n", "{url}");
        let out = netkit(&["ftp", "ls", "-a", "-v", "--tls", "none", url]);
        assert_eq!(code(&out), 0, "{url}: {}", stderr(&out));
        let listed = stdout(&out);
        let mut names: Vec<&str> = listed.lines().collect();
        names.sort();
        assert_eq!(names, vec![".hidden", "shown"], "{url}: {}", stderr(&out));
    }
    // vsftpd has no MLSD: -a went as LIST -a.
    let out = netkit(&["ftp", "ls", "-a", "-v", "--tls", "none", &v]);
    assert!(stderr(&out).contains("> LIST -a"), "{}", stderr(&out));
}

#[test]
fn get_r_mirrors_dot_files_from_vsftpd_and_skips_dot_and_dot_dot() {
    let server = Vsftpd::start(VsftpdMode::Explicit, |root| {
        fs::create_dir_all(root.join("pub/.config/deeper")).expect("dirs");
        fs::create_dir_all(root.join("pub/sub")).expect("dirs");
        fs::write(root.join("pub/.htaccess"), b"deny\n").expect("file");
        fs::write(root.join("pub/shown.txt"), b"shown\n").expect("file");
        fs::write(root.join("pub/.config/rc"), b"rc\n").expect("file");
        fs::write(root.join("pub/.config/deeper/.x"), b"x\n").expect("file");
        fs::write(root.join("pub/sub/.keep"), b"").expect("file");
    });
    let dir = tempfile::tempdir().expect("tempdir");
    let into = dir.path().join("m");
    let url = format!("ftp://127.0.0.1:{}/pub", server.port());
    let out = netkit(&[
        "ftp",
        "get",
        "-r",
        "-v",
        "--tls",
        "none",
        "--no-progress",
        &url,
        into.to_str().expect("utf-8"),
    ]);
    let err = stderr(&out);
    assert_eq!(code(&out), 0, "{err}\n{}", server.logs());
    assert!(err.contains("> LIST -a"), "vsftpd has no MLSD: {err}");
    assert_eq!(
        fs::read(into.join(".htaccess")).expect(".htaccess"),
        b"deny\n"
    );
    assert_eq!(fs::read(into.join("shown.txt")).expect("shown"), b"shown\n");
    assert_eq!(fs::read(into.join(".config/rc")).expect("rc"), b"rc\n");
    assert_eq!(
        fs::read(into.join(".config/deeper/.x")).expect(".x"),
        b"x\n"
    );
    assert_eq!(fs::read(into.join("sub/.keep")).expect(".keep"), b"");
    // `.` and `..` in LIST -a's output are no entries: nothing above DIR was walked.
    let mut top: Vec<String> = fs::read_dir(dir.path())
        .expect("dir")
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    top.sort();
    assert_eq!(top, ["m"]);
    assert!(stdout(&out).starts_with("5 files, "), "{}", stdout(&out));
}

#[test]
fn get_r_falls_back_to_list_when_list_a_is_refused() {
    use super::peers::{data_port, login, url, with};
    use crate::util::script::{ScriptedPeer, expect, send};
    let listing = "drwxr-xr-x 2 ftp ftp 4096 Jan 01 2024 .\r\n\
                   drwxr-xr-x 2 ftp ftp 4096 Jan 01 2024 ..\r\n\
                   -rw-r--r-- 1 ftp ftp 4 Jan 01 2024 .dot\r\n";
    // The refused LIST -a's data port: whether netkit connects to it is its own affair.
    let (refused_port, _refused) = data_port(Vec::new());
    let (list_port, list_data) = data_port(listing.as_bytes().to_vec());
    let (file_port, file_data) = data_port(b"dot!".to_vec());
    let peer = ScriptedPeer::start(with(
        login(&["EPSV", "SIZE", "MDTM"]),
        vec![
            expect("EPSV"),
            send(format!("229 ok (|||{refused_port}|)\r\n")),
            expect("LIST -a"),
            send("501 unknown option -a\r\n"),
            expect("EPSV"),
            send(format!("229 ok (|||{list_port}|)\r\n")),
            expect("LIST"),
            send("150 here\r\n226 done\r\n"),
            expect("EPSV"),
            send(format!("229 ok (|||{file_port}|)\r\n")),
            expect("RETR .dot"),
            send("150 go\r\n226 done\r\n"),
            expect("MDTM .dot"),
            send("550 no time\r\n"),
            expect("QUIT"),
            send("221 bye\r\n"),
        ],
    ));
    let dir = tempfile::tempdir().expect("tempdir");
    let into = dir.path().join("m");
    let out = netkit(&[
        "ftp",
        "get",
        "-r",
        "--no-progress",
        &url(&peer, "/"),
        into.to_str().expect("utf-8"),
    ]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(fs::read(into.join(".dot")).expect(".dot"), b"dot!");
    let lines = peer.assert_ok();
    let sent: Vec<String> = lines
        .iter()
        .map(|l| String::from_utf8_lossy(l).trim_end().to_owned())
        .filter(|l| l.starts_with("LIST"))
        .collect();
    assert_eq!(
        sent,
        ["LIST -a", "LIST"],
        "the second listing is a plain LIST"
    );
    list_data.join().expect("list data");
    file_data.join().expect("file data");
}
