//! What `get -r` and `put -r` decide on their own: `get -r URL` without DIR mirrors into
//! ./NAME (the remote directory's name, created, as `lftp mirror SRC` does); `put -r`
//! leaves local `.part` files out and says so, in text and in JSON.

use std::fs;
use std::process::Command;

use crate::util::ftpd::{Vsftpd, VsftpdMode};
use crate::util::{code, netkit_path, stderr};

#[test]
fn get_r_without_dir_mirrors_into_the_remote_directory_name() {
    let server = Vsftpd::start(VsftpdMode::Explicit, |root| {
        fs::create_dir_all(root.join("pub/inner")).expect("dirs");
        fs::write(root.join("pub/a.txt"), b"alpha\n").expect("file");
        fs::write(root.join("pub/inner/b.txt"), b"beta\n").expect("file");
        fs::write(root.join("top.txt"), b"not in pub\n").expect("file");
    });
    let cwd = tempfile::tempdir().expect("tempdir");
    for url in [
        format!("ftp://127.0.0.1:{}/pub", server.port()),
        format!("ftp://127.0.0.1:{}/pub/", server.port()),
    ] {
        let out = Command::new(netkit_path())
            .args(["ftp", "get", "-r", "--tls", "none", "-q", &url])
            .current_dir(cwd.path())
            .output()
            .expect("run netkit");
        assert_eq!(code(&out), 0, "{url}: {}\n{}", stderr(&out), server.logs());
        let pub_dir = cwd.path().join("pub");
        assert_eq!(fs::read(pub_dir.join("a.txt")).expect("a"), b"alpha\n");
        assert_eq!(fs::read(pub_dir.join("inner/b.txt")).expect("b"), b"beta\n");
        // Only the new directory: nothing of the remote tree lands in the cwd itself.
        let names: Vec<_> = fs::read_dir(cwd.path())
            .expect("cwd")
            .flatten()
            .map(|e| e.file_name())
            .collect();
        assert_eq!(names, vec![std::ffi::OsString::from("pub")]);
    }
    // The login directory has no name to take: refused (exit 2), nothing written.
    let root = format!("ftp://127.0.0.1:{}/", server.port());
    let out = Command::new(netkit_path())
        .args(["ftp", "get", "-r", "--tls", "none", &root])
        .current_dir(cwd.path())
        .output()
        .expect("run netkit");
    assert_eq!(code(&out), 2, "{}", stderr(&out));
    assert!(stderr(&out).contains("give DIR"), "{}", stderr(&out));
    assert!(!cwd.path().join("top.txt").exists());
}
