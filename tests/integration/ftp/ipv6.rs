//! IPv6 throughout: `ftp://[::1]:PORT/` URLs against vsftpd (`listen_ipv6`) and pyftpdlib
//! bound to ::1, passive (EPSV: PASV cannot name an IPv6 address) and `--active` (EPRT with
//! a listener on the control connection's local address, ::1).

use std::fs;

use crate::util::ftpd::{Pyftpd, Vsftpd, VsftpdMode, VsftpdOptions};
use crate::util::{code, netkit, stderr, stdout};

fn fixture(root: &std::path::Path) {
    fs::create_dir_all(root.join("d")).expect("dir");
    fs::write(root.join("d/six.txt"), b"over IPv6\n").expect("file");
}

#[test]
fn vsftpd_on_ipv6_lists_and_gets_with_epsv_and_eprt() {
    let server = Vsftpd::start_with(
        VsftpdMode::Explicit,
        VsftpdOptions {
            ipv6: true,
            ..VsftpdOptions::default()
        },
        fixture,
    );
    let dir = tempfile::tempdir().expect("tempdir");
    let base = format!("ftp://[::1]:{}/", server.port());
    for mode in [None, Some("--active")] {
        let mut args = vec!["ftp", "ls", "-v", "--tls", "none"];
        args.extend(mode);
        let url = format!("{base}d/");
        args.push(&url);
        let out = netkit(&args);
        assert_eq!(
            code(&out),
            0,
            "{mode:?}: {}\n{}",
            stderr(&out),
            server.logs()
        );
        assert_eq!(stdout(&out), "six.txt\n");
        let err = stderr(&out);
        match mode {
            None => assert!(err.contains("> EPSV") && !err.contains("> PASV"), "{err}"),
            Some(_) => assert!(err.contains("> EPRT |2|::1|"), "{err}"),
        }

        let file = dir.path().join(format!("six-{}.txt", mode.is_some()));
        let url = format!("{base}d/six.txt");
        let mut args = vec!["ftp", "get", "--tls", "none", &url, "-o"];
        args.push(file.to_str().expect("utf-8"));
        args.extend(mode);
        let out = netkit(&args);
        assert_eq!(
            code(&out),
            0,
            "{mode:?}: {}\n{}",
            stderr(&out),
            server.logs()
        );
        assert_eq!(fs::read(&file).expect("file"), b"over IPv6\n");
    }
    // Explicit FTPS over IPv6: the certificate names ::1.
    let ca = server.ca_pem();
    let out = netkit(&[
        "ftp",
        "size",
        "--tls",
        "required",
        "--cacert",
        ca.to_str().expect("utf-8"),
        &format!("{base}d/six.txt"),
    ]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(stdout(&out), "10\n");
}

#[test]
fn pyftpdlib_on_ipv6_uploads_lists_with_mlsd_and_gets_both_modes() {
    let server = Pyftpd::start_on(true, fixture);
    let dir = tempfile::tempdir().expect("tempdir");
    let local = dir.path().join("up.txt");
    fs::write(&local, b"uploaded over ::1\n").expect("local");
    for mode in [None, Some("--active")] {
        let mut args = vec!["ftp", "put", local.to_str().expect("utf-8")];
        let url = server.user_url("d/");
        assert!(url.contains("@[::1]:"), "{url}");
        args.push(&url);
        args.extend(mode);
        let out = netkit(&args);
        assert_eq!(
            code(&out),
            0,
            "{mode:?}: {}\n{}",
            stderr(&out),
            server.logs()
        );
        assert_eq!(
            fs::read(server.home().join("d/up.txt")).expect("uploaded"),
            b"uploaded over ::1\n"
        );

        let mut args = vec!["ftp", "ls", "--json", "-v"];
        args.push(&url);
        args.extend(mode);
        let out = netkit(&args);
        assert_eq!(code(&out), 0, "{mode:?}: {}", stderr(&out));
        assert!(stderr(&out).contains("> MLSD"), "{}", stderr(&out));
        let names: Vec<String> = stdout(&out)
            .lines()
            .map(|l| {
                serde_json::from_str::<serde_json::Value>(l).expect("json")["name"].to_string()
            })
            .collect();
        assert!(names.contains(&"\"six.txt\"".to_owned()), "{names:?}");

        let back = dir.path().join(format!("back-{}.txt", mode.is_some()));
        let file_url = server.user_url("d/six.txt");
        let mut args = vec!["ftp", "get", &file_url, "-o", back.to_str().expect("utf-8")];
        args.extend(mode);
        let out = netkit(&args);
        assert_eq!(code(&out), 0, "{mode:?}: {}", stderr(&out));
        assert_eq!(fs::read(&back).expect("back"), b"over IPv6\n");
    }
}
