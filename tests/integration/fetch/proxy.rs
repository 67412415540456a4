//! fetch through an HTTP proxy played by a scripted peer: the CONNECT tunnel (ureq tunnels
//! plain http too), proxy credentials sent to the proxy only and never shown, `no_proxy` and
//! `--noproxy` going direct, a refused tunnel.

use super::{arg, fetch};
use crate::util::ca::CertKind;
use crate::util::script::{ScriptOptions, ScriptedPeer, Step, send};
use crate::util::{code, netkit_env, stderr, stdout};

fn text(entry: &[u8]) -> String {
    String::from_utf8_lossy(entry).into_owned()
}

#[test]
fn an_https_url_goes_through_a_connect_tunnel_with_the_proxy_credentials() {
    let proxy = ScriptedPeer::start(vec![
        Step::ReadHttpHead,
        send("HTTP/1.1 200 Connection established\r\n\r\n"),
        Step::StartTls(CertKind::Good),
        Step::ReadHttpHead,
        send("HTTP/1.1 200 OK\r\nContent-Length: 7\r\nConnection: close\r\n\r\ntunnel!"),
        Step::Drop,
    ]);
    let ca = proxy.ca_pem();
    // netkit.test does not resolve here: only the proxy can reach it.
    let proxy_url = format!("http://pu:proxy-sekrit@{}", proxy.addr());
    let out = netkit_env(
        &["fetch", "--cacert", arg(&ca), "https://netkit.test/x"],
        &[("https_proxy", &proxy_url), ("no_proxy", "")],
    );
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(stdout(&out), "tunnel!");
    let transcript = proxy.assert_ok();
    let connect = text(&transcript[0]);
    assert!(connect.starts_with("CONNECT netkit.test:443 "), "{connect}");
    // base64("pu:proxy-sekrit")
    assert!(
        connect.contains("Proxy-Authorization: Basic cHU6cHJveHktc2Vrcml0"),
        "{connect}"
    );
    let inner = text(&transcript[1]);
    assert!(inner.starts_with("GET /x HTTP/1.1"), "{inner}");
    assert!(
        !inner.to_ascii_lowercase().contains("proxy-authorization"),
        "{inner}"
    );
}

#[test]
fn a_refused_tunnel_fails_without_showing_the_proxy_password() {
    let proxy = ScriptedPeer::start(vec![
        Step::ReadHttpHead,
        send("HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n"),
        Step::Drop,
    ]);
    let proxy_url = format!("http://pu:proxy-sekrit@{}", proxy.addr());
    let out = fetch(&["--proxy", &proxy_url, "http://netkit.test/x"]);
    let err = stderr(&out);
    assert_ne!(code(&out), 0, "{err}");
    assert!(err.contains("proxy"), "{err}");
    assert!(!err.contains("proxy-sekrit"), "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");
}

#[test]
fn no_proxy_and_noproxy_go_direct() {
    for (env_no_proxy, flag) in [("127.0.0.1", None), ("", Some("127.0.0.1"))] {
        // A "proxy" that would answer differently if it were used.
        let proxy = ScriptedPeer::start_with(
            vec![
                Step::ReadHttpHead,
                send("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nproxy"),
                Step::Drop,
            ],
            ScriptOptions {
                connections: 0,
                ..Default::default()
            },
        );
        let origin = ScriptedPeer::start(vec![
            Step::ReadHttpHead,
            send("HTTP/1.1 200 OK\r\nContent-Length: 6\r\nConnection: close\r\n\r\ndirect"),
            Step::Drop,
        ]);
        let target = format!("http://{}/d", origin.addr());
        let proxy_url = format!("http://{}", proxy.addr());
        let mut args = vec!["fetch"];
        if let Some(list) = flag {
            args.extend(["--noproxy", list]);
        }
        args.push(&target);
        let out = netkit_env(
            &args,
            &[("http_proxy", &proxy_url), ("no_proxy", env_no_proxy)],
        );
        assert_eq!(code(&out), 0, "{}", stderr(&out));
        assert_eq!(
            stdout(&out),
            "direct",
            "no_proxy={env_no_proxy:?} --noproxy={flag:?}"
        );
        origin.assert_ok();
        assert!(proxy.transcript().is_empty(), "the proxy was used");
    }
}

#[test]
fn an_explicit_empty_proxy_ignores_the_environment() {
    let origin = ScriptedPeer::start(vec![
        Step::ReadHttpHead,
        send("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok"),
        Step::Drop,
    ]);
    let target = format!("http://{}/", origin.addr());
    // A proxy nobody listens on: using it would be exit 4.
    let out = netkit_env(
        &["fetch", "--proxy", "", &target],
        &[("http_proxy", "http://127.0.0.1:9"), ("no_proxy", "")],
    );
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(stdout(&out), "ok");
    origin.assert_ok();
}

#[test]
fn a_proxy_asking_for_credentials_is_exit_7() {
    let proxy = ScriptedPeer::start(vec![
        Step::ReadHttpHead,
        send(
            "HTTP/1.1 407 Proxy Authentication Required\r\n\
             Proxy-Authenticate: Basic realm=\"p\"\r\nContent-Length: 0\r\n\r\n",
        ),
        Step::Drop,
    ]);
    let out = fetch(&[
        "--proxy",
        &format!("http://{}", proxy.addr()),
        "https://netkit.test/",
    ]);
    assert_eq!(code(&out), 7, "{}", stderr(&out));
    assert!(stderr(&out).contains("407"), "{}", stderr(&out));
}

#[test]
fn a_socks_proxy_is_refused_rather_than_silently_bypassed() {
    // ureq here has no SOCKS support: socks4 used to connect straight to the server.
    let origin = ScriptedPeer::start(vec![
        Step::ReadHttpHead,
        send("HTTP/1.1 200 OK\r\nContent-Length: 6\r\nConnection: close\r\n\r\ndirect"),
        Step::Drop,
    ]);
    for proxy in ["socks4://127.0.0.1:1", "socks5h://127.0.0.1:1"] {
        let out = fetch(&["--proxy", proxy, &format!("http://{}/", origin.addr())]);
        assert_eq!(code(&out), 2, "{proxy}: {}", stderr(&out));
        assert!(stderr(&out).contains("SOCKS"), "{}", stderr(&out));
        assert_eq!(stdout(&out), "");
    }
    assert!(
        origin.transcript().is_empty(),
        "the server was reached directly"
    );
}
