//! FTPS against scripted peers: a TLS data connection that ends without close_notify is a
//! truncated transfer (a dropped connection, or a TCP FIN injected by someone in between),
//! even when the server's control connection then says 226. With close_notify the same
//! bytes are a complete file. RFC 4217 §12.6 (data connection security) and curl, which
//! fails a receive whose TLS direction was not shut down properly.

use std::fs;

use crate::util::ca::{CertKind, TestCa};
use crate::util::script::{ScriptOptions, ScriptedPeer, Step, expect, send};
use crate::util::{code, netkit, stderr, stdout};

/// Greeting, AUTH TLS accepted, anonymous login over TLS, PBSZ/PROT, FEAT, TYPE I; then
/// `more`.
fn tls_login(more: Vec<Step>) -> Vec<Step> {
    let mut steps = vec![
        send("220 scripted\r\n"),
        expect("AUTH TLS"),
        send("234 go ahead\r\n"),
        Step::StartTls(CertKind::Good),
        expect("USER anonymous"),
        send("331 password please\r\n"),
        expect("PASS netkit@"),
        send("230 in\r\n"),
        expect("PBSZ 0"),
        send("200 ok\r\n"),
        expect("PROT P"),
        send("200 protected\r\n"),
        expect("FEAT"),
        send("211-Features:\r\n EPSV\r\n211 End\r\n"),
        expect("TYPE I"),
        send("200 binary\r\n"),
    ];
    steps.extend(more);
    steps
}

/// A TLS data peer that sends `data` and then ends with close_notify or without it.
fn data_peer(ca: &TestCa, data: &[u8], close_notify: bool) -> ScriptedPeer {
    let mut steps = vec![Step::StartTls(CertKind::Good), send(data)];
    if !close_notify {
        steps.push(Step::Drop);
    }
    ScriptedPeer::start_with(
        steps,
        ScriptOptions {
            ca: Some(ca),
            ..ScriptOptions::default()
        },
    )
}

/// A RETR of `f` whose size and time the server will not tell (so no size check can catch
/// a short file), answered 226 after the data.
fn retr_without_size(data_port: u16) -> Vec<Step> {
    vec![
        expect("SIZE f"),
        send("550 not telling\r\n"),
        expect("MDTM f"),
        send("550 not telling\r\n"),
        expect("EPSV"),
        send(format!("229 ok (|||{data_port}|)\r\n")),
        expect("RETR f"),
        send("150 here\r\n"),
        // The server wrote every byte into its socket: it sees nothing wrong.
        send("226 done\r\n"),
        expect("QUIT"),
        send("221 bye\r\n"),
    ]
}

fn control_peer(ca: &TestCa, steps: Vec<Step>) -> ScriptedPeer {
    ScriptedPeer::start_with(
        steps,
        ScriptOptions {
            ca: Some(ca),
            ..ScriptOptions::default()
        },
    )
}

fn get(control: &ScriptedPeer, ca: &TestCa, file: &std::path::Path) -> std::process::Output {
    netkit(&[
        "ftp",
        "get",
        &format!("ftp://127.0.0.1:{}/f", control.port()),
        "-o",
        file.to_str().expect("path"),
        "--cacert",
        ca.ca_pem().to_str().expect("path"),
        "-t",
        "5",
    ])
}

#[test]
fn an_ftps_download_cut_without_close_notify_is_exit_8_and_no_file() {
    let ca = TestCa::new();
    let data = data_peer(&ca, &[7u8; 50_000], false);
    let control = control_peer(&ca, tls_login(retr_without_size(data.port())));
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("f");
    let out = get(&control, &ca, &file);
    assert_eq!(code(&out), 8, "{}", stderr(&out));
    assert!(stderr(&out).contains("close_notify"), "{}", stderr(&out));
    assert!(
        !file.exists(),
        "a truncated transfer must not get the final name"
    );
    data.assert_ok();
    control.assert_ok();
}

#[test]
fn an_ftps_download_ended_with_close_notify_is_saved() {
    let ca = TestCa::new();
    let data = data_peer(&ca, &[7u8; 50_000], true);
    let control = control_peer(&ca, tls_login(retr_without_size(data.port())));
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("f");
    let out = get(&control, &ca, &file);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(fs::read(&file).expect("saved"), vec![7u8; 50_000]);
    data.assert_ok();
    control.assert_ok();
}

#[test]
fn an_ftps_listing_cut_without_close_notify_is_exit_8() {
    // A listing has no SIZE to check against: the cut would silently drop entries.
    let ca = TestCa::new();
    let listing = "-rw-r--r-- 1 ftp ftp 1 Jan 01 2024 kept\r\n\
                   -rw-r--r-- 1 ftp ftp 2 Jan 01 2024 lost";
    let data = data_peer(&ca, listing.as_bytes(), false);
    let control = control_peer(
        &ca,
        tls_login(vec![
            expect("EPSV"),
            send(format!("229 ok (|||{}|)\r\n", data.port())),
            expect("LIST"),
            send("150 here\r\n226 done\r\n"),
            expect("QUIT"),
            send("221 bye\r\n"),
        ]),
    );
    let out = netkit(&[
        "ftp",
        "ls",
        &format!("ftp://127.0.0.1:{}/", control.port()),
        "--cacert",
        ca.ca_pem().to_str().expect("path"),
        "-t",
        "5",
    ]);
    assert_eq!(code(&out), 8, "{}", stderr(&out));
    assert!(stderr(&out).contains("close_notify"), "{}", stderr(&out));
    assert_eq!(stdout(&out), "", "no partial listing is printed");
    data.assert_ok();
    control.assert_ok();
}
