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
