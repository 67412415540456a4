//! Release builds on glibc link the unwinder statically (libgcc_eh.a) instead of
//! libgcc_s.so.1 (issue 11, start-up): every call of netkit paid for loading a third shared
//! library and for its constructor, whose CPUID probes trap to the hypervisor on a VM — 6.7 %
//! of a `--version` run's samples. With `panic = "abort"` the unwinder only walks stacks for
//! backtraces, and one static copy in one executable is all it needs. rustc names `gcc_s` on
//! the link line itself, so a linker script of that name, found first, stands in for it.
//! Where the build machine's glibc is 2.36 or later, release builds also pack their relative
//! relocations (`-z pack-relative-relocs`, DT_RELR): 204 KB of `.rela.dyn` become 2 KB, which
//! keeps the binary under its 6 MiB goal, and the loader applies them as a bitmap. The linker
//! then requires GLIBC_ABI_DT_RELR, so an older glibc refuses the binary at load time with a
//! clear message rather than running it unrelocated; an older build machine gets the classic
//! format. Debug and test builds (which unwind on panic) and crt-static builds are left as
//! rustc makes them.

use std::env;
use std::fs;
use std::path::PathBuf;
use std::process::Command;

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
    let native = env::var("HOST").ok() == env::var("TARGET").ok();
    if native && glibc_at_least(2, 36) {
        println!("cargo:rustc-link-arg-bins=-Wl,-z,pack-relative-relocs");
    }
}

/// Whether the build machine's glibc (`getconf GNU_LIBC_VERSION`: "glibc 2.36") is at least
/// `major.minor`; false when it cannot tell.
fn glibc_at_least(major: u32, minor: u32) -> bool {
    let Ok(out) = Command::new("getconf").arg("GNU_LIBC_VERSION").output() else {
        return false;
    };
    let text = String::from_utf8_lossy(&out.stdout);
    let Some(version) = text.trim().strip_prefix("glibc ") else {
        return false;
    };
    let mut parts = version.split('.').map(|p| p.parse::<u32>().ok());
    match (parts.next().flatten(), parts.next().flatten()) {
        (Some(a), Some(b)) => (a, b) >= (major, minor),
        _ => false,
    }
}
