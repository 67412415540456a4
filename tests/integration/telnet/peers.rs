//! `netkit telnet` against scripted peers that spam IAC or negotiate for ever.

use crate::util::script::{ScriptedPeer, Step, send};
use crate::util::{code, netkit, stderr, stdout};

#[test]
fn a_peer_that_negotiates_for_ever_still_lets_the_dialogue_through() {
    let mut flood = Vec::new();
    for _ in 0..50_000 {
        flood.extend_from_slice(&[255, 251, 1, 255, 252, 1, 255, 253, 99, 255, 241]);
    }
    flood.extend_from_slice(b"login: ");
    let peer = ScriptedPeer::start(vec![send(flood), Step::ExpectClose]);
    let out = netkit(&[
        "telnet",
        "127.0.0.1",
        &peer.port().to_string(),
        "--expect",
        "login: ",
        "-t",
        "10",
    ]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(stdout(&out), "login: ");
}

#[test]
fn iac_spam_without_text_is_exit_10_at_the_step_timeout() {
    let spam: Vec<u8> = std::iter::repeat_n([255u8, 241], 200_000)
        .flatten()
        .collect();
    let peer = ScriptedPeer::start(vec![
        send(spam),
        Step::Trickle(
            vec![255, 241, 255, 241, 255, 241, 255, 241],
            std::time::Duration::from_millis(300),
        ),
        Step::ExpectClose,
    ]);
    let started = std::time::Instant::now();
    let out = netkit(&[
        "telnet",
        "127.0.0.1",
        &peer.port().to_string(),
        "--expect",
        "login",
        "-t",
        "2",
    ]);
    assert_eq!(code(&out), 10, "{}", stderr(&out));
    assert!(started.elapsed() < std::time::Duration::from_secs(8));
    assert!(stdout(&out).is_empty(), "{}", stdout(&out));
    assert!(
        stderr(&out).contains("step 1 (expect /login/)"),
        "{}",
        stderr(&out)
    );
}
