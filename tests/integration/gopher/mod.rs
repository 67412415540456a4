//! gopher against Gophernicus (menus, text, binaries, search, errors, `fetch gopher://`) and
//! scripted peers (menus without tabs or terminator, huge menus, stalls, drops, gophers://).

mod peers;
mod servers;

use std::process::Output;

use crate::util::netkit;

/// `netkit gopher ARGS…`.
fn gopher(args: &[&str]) -> Output {
    let mut all = vec!["gopher"];
    all.extend_from_slice(args);
    netkit(&all)
}

/// SHA-256 of `data` in hex.
fn sha256_hex(data: &[u8]) -> String {
    ring::digest::digest(&ring::digest::SHA256, data)
        .as_ref()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}
