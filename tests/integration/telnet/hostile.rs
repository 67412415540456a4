//! `netkit telnet` against hostile peers and careless use: text split at awkward places,
//! floods that never match, `--max-time`, and signals at the `^]` prompt.

use std::time::Duration;

use crate::util::script::{ScriptedPeer, Step, send};
use crate::util::{code, netkit, stderr, stdout};

#[test]
fn a_character_split_between_two_reads_still_matches_its_regex() {
    let peer = ScriptedPeer::start(vec![
        send("caf"),
        Step::Trickle(
            vec![0xc3, 0xa9, b' ', b'o', b'k'],
            Duration::from_millis(200),
        ),
        Step::ExpectClose,
    ]);
    let out = netkit(&[
        "telnet",
        "127.0.0.1",
        &peer.port().to_string(),
        "--expect",
        "café ok",
        "-t",
        "10",
        "--json",
    ]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let doc: serde_json::Value = serde_json::from_str(&stdout(&out)).expect("json");
    assert_eq!(doc["received"], "café ok");
    assert_eq!(doc["ok"], true);
}
