//! netkit's entry point. `no_main`: std's runtime start-up is skipped, for two reasons a
//! script notices. It reopens closed standard descriptors on /dev/null, which hides
//! `netkit … >&-` (output lost, exit 0); netkit reports it (exit 9). And it reads
//! /proc/self/maps to place a stack guard, a tenth of netkit's start-up (issue 11). What
//! that start-up did and netkit still wants — SIGPIPE ignored, so a closed pipe is an
//! error value and `… | head -1` ends quietly — `cli::start` does itself.
#![no_main]

use std::ffi::{c_char, c_int};

#[unsafe(no_mangle)]
extern "C" fn main(_argc: c_int, _argv: *const *const c_char) -> c_int {
    // std::env::args_os() still works: on Linux, std captures argv in .init_array.
    c_int::from(netkit::cli::start())
}

/// indicatif's rate estimator calls `f64::powf`, which is libm's `pow`: defined here (from
/// the libm crate) so the binary does not load libm.so at every start for it.
#[unsafe(no_mangle)]
pub extern "C" fn pow(x: f64, y: f64) -> f64 {
    libm::pow(x, y)
}
