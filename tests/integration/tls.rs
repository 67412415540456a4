//! The shared TLS layer through the library, against real servers: sessions resume on a
//! second connection made with the same context (what FTPS data connections need), and the
//! HTTP client's TLS configuration trusts exactly the anchors every other command trusts.

use std::io::{BufRead, BufReader, Write};
use std::time::Duration;

use netkit::net::{self, ConnectOptions, TlsContext, TlsPolicy, TlsSettings};

use crate::util::ca::CertKind;
use crate::util::postfix::MailStack;
use crate::util::script::{ScriptedPeer, Step, expect, send};

fn context(ca: std::path::PathBuf, insecure: bool) -> TlsContext {
    TlsContext::new(
        TlsSettings {
            cacert: Some(ca),
            insecure,
        },
        TlsPolicy::Auto,
    )
}

#[test]
fn second_connection_with_the_same_context_resumes_the_session() {
    let stack = MailStack::start();
    let ctx = context(stack.ca.ca_pem(), false);
    let url = format!("smtps://127.0.0.1:{}", stack.postfix.smtps_port());
    let target = net::target::parse(&url, &["smtps"]).unwrap();
    let mut resumed = Vec::new();
    for _ in 0..2 {
        let (stream, _) = net::open(
            &target,
            &ConnectOptions::default(),
            Duration::from_secs(10),
            &ctx,
        )
        .unwrap();
        // Reading the greeting also takes in the TLS 1.3 session ticket sent after the
        // handshake; QUIT ends the session cleanly so the ticket stays usable.
        let mut reader = BufReader::new(stream);
        let mut line = String::new();
        reader.read_line(&mut line).unwrap();
        assert!(line.starts_with("220"), "{line}");
        resumed.push(reader.get_ref().tls_resumed());
        let mut stream = reader.into_inner();
        stream.write_all(b"QUIT\r\n").unwrap();
        let mut reader = BufReader::new(stream);
        line.clear();
        let _ = reader.read_line(&mut line);
        reader.into_inner().close();
    }
    assert_eq!(resumed, [false, true], "{}", stack.logs());
}

fn https_peer(cert: CertKind, accept: bool) -> ScriptedPeer {
    let steps = if accept {
        vec![
            Step::StartTls(cert),
            expect("GET /probe HTTP/1.1"),
            send("HTTP/1.1 200 OK\r\nContent-Length: 5\r\nConnection: close\r\n\r\nhello"),
            Step::Stall(Duration::from_millis(200)),
        ]
    } else {
        vec![Step::StartTlsRejected(cert)]
    };
    ScriptedPeer::start(steps)
}

fn get(peer: &ScriptedPeer, settings: TlsSettings) -> Result<String, ureq::Error> {
    let tls = net::tls::http_tls_config(&settings).unwrap();
    let config = ureq::Agent::config_builder()
        .tls_config(tls)
        .timeout_global(Some(Duration::from_secs(10)))
        .build();
    let agent = ureq::Agent::new_with_config(config);
    let url = format!("https://localhost:{}/probe", peer.port());
    agent.get(&url).call()?.body_mut().read_to_string()
}

#[test]
fn http_client_trusts_the_same_anchors_as_every_command() {
    let peer = https_peer(CertKind::Good, true);
    let settings = TlsSettings {
        cacert: Some(peer.ca_pem()),
        insecure: false,
    };
    assert_eq!(get(&peer, settings).unwrap(), "hello");

    // The system store alone does not know the test CA: refused, as netkit's own TLS does.
    let peer = https_peer(CertKind::Good, false);
    let err = get(&peer, TlsSettings::default()).unwrap_err();
    assert!(
        format!("{err}").to_lowercase().contains("cert") || format!("{err}").contains("Unknown"),
        "{err}"
    );
}

#[test]
fn http_client_rejects_a_wrong_name_unless_insecure() {
    let peer = https_peer(CertKind::WrongName, false);
    let settings = TlsSettings {
        cacert: Some(peer.ca_pem()),
        insecure: false,
    };
    assert!(get(&peer, settings).is_err());
    let peer = https_peer(CertKind::WrongName, true);
    let settings = TlsSettings {
        cacert: None,
        insecure: true,
    };
    assert_eq!(get(&peer, settings).unwrap(), "hello");
}
