//! Stopping the server: SIGINT and SIGTERM (through `sigaction`), `--once`, or an error.
//!
//! The handler does only what is async-signal-safe: it stores the signal number and sets a
//! flag. Serving threads check the flag between clients and at every receive-timeout tick
//! (`listen::TICK`), so an exchange in flight always finishes. libc directly rather than
//! `signal-hook`: a dozen lines, no crate.

use std::io;
use std::sync::atomic::{AtomicBool, AtomicI32, Ordering};

static STOPPING: AtomicBool = AtomicBool::new(false);
static SIGNAL: AtomicI32 = AtomicI32::new(0);

/// Installs the SIGINT/SIGTERM handler. Only one server runs per process.
pub fn install() -> io::Result<()> {
    STOPPING.store(false, Ordering::SeqCst);
    for sig in [libc::SIGINT, libc::SIGTERM] {
        // SAFETY: a zeroed sigaction with a valid handler and an empty mask is well formed;
        // the handler only touches atomics.
        unsafe {
            let mut sa: libc::sigaction = std::mem::zeroed();
            sa.sa_sigaction = on_signal as extern "C" fn(libc::c_int) as usize;
            sa.sa_flags = libc::SA_RESTART;
            libc::sigemptyset(&mut sa.sa_mask);
            if libc::sigaction(sig, &sa, std::ptr::null_mut()) != 0 {
                return Err(io::Error::last_os_error());
            }
        }
    }
    Ok(())
}

extern "C" fn on_signal(sig: libc::c_int) {
    SIGNAL.store(sig, Ordering::SeqCst);
    STOPPING.store(true, Ordering::SeqCst);
}

/// Asks every serving thread to finish its exchange and return.
pub fn request_stop() {
    STOPPING.store(true, Ordering::SeqCst);
}

pub fn stopping() -> bool {
    STOPPING.load(Ordering::Relaxed)
}

/// The signal that stopped the server, if one did.
pub fn signal() -> Option<i32> {
    match SIGNAL.load(Ordering::SeqCst) {
        0 => None,
        s => Some(s),
    }
}
