//! `netkit fetch` against scripted misbehaving HTTP peers (`peers`), real nginx (`nginx`)
//! and on its own command line (`cli`). Each test asserts what a user checks: the exit code,
//! the file under its final name (or its absence), what the server was sent.

mod cli;
mod nginx;
mod peers;
mod proxy;
mod signals;

use std::process::Output;

use crate::util::netkit;
use crate::util::script::escape;

/// `netkit fetch ARGS…`.
pub fn fetch(args: &[&str]) -> Output {
    let mut all = vec!["fetch"];
    all.extend_from_slice(args);
    netkit(&all)
}

/// stdout as one JSON object.
pub fn json(out: &Output) -> serde_json::Value {
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("stdout is not JSON ({e}): {}", escape(&out.stdout)))
}

/// A path in a temp dir, as &str for arguments.
pub fn arg(path: &std::path::Path) -> &str {
    path.to_str().expect("utf-8 temp path")
}
