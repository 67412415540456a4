//! Release builds on glibc link the unwinder statically (libgcc_eh.a) instead of
//! libgcc_s.so.1 (issue 11, start-up): every call of netkit paid for loading a third shared
//! library and for its constructor, whose CPUID probes trap to the hypervisor on a VM — 6.7 %
//! of a `--version` run's samples. With `panic = "abort"` the unwinder only walks stacks for
//! backtraces, and one static copy in one executable is all it needs. rustc names `gcc_s` on
//! the link line itself, so a linker script of that name, found first, stands in for it.
//! Debug and test builds (which unwind on panic) and crt-static builds are left as rustc
//! makes them.

use std::env;
use std::fs;
use std::path::PathBuf;

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    let is = |key: &str, want: &str| env::var(key).is_ok_and(|v| v == want);
    let crt_static = env::var("CARGO_CFG_TARGET_FEATURE")
        .is_ok_and(|f| f.split(',').any(|feature| feature == "crt-static"));
    if !is("PROFILE", "release")
        || !is("CARGO_CFG_TARGET_OS", "linux")
        || !is("CARGO_CFG_TARGET_ENV", "gnu")
        || crt_static
    {
        return;
    }
    let Some(out) = env::var_os("OUT_DIR") else {
        return;
    };
    let dir = PathBuf::from(out).join("static-unwinder");
    let script = fs::create_dir_all(&dir)
        .and_then(|()| fs::write(dir.join("libgcc_s.so"), "INPUT(-lgcc_eh)\n"));
    if script.is_ok() {
        println!("cargo:rustc-link-search=native={}", dir.display());
    }
}
