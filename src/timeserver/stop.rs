//! Stopping the server: SIGINT and SIGTERM (through `sigaction`), `--once`, or an error.
//!
//! The handler does only what is async-signal-safe: it stores the signal number, sets a flag,
//! and `shutdown(2)`s every registered listening socket (POSIX lists `shutdown` as
//! async-signal-safe). That wakes the threads blocked in `accept`/`recvfrom` (EINVAL, or an
//! empty read on UDP); they see the flag and return, so an idle server sleeps in the kernel
//! with no timer, and an exchange in flight always finishes. libc directly rather than
//! `signal-hook` (weighed for issue 20): its iterator needs a thread and a pipe, and its
//! `low_level::register`, which would run this same handler, is as `unsafe` as the
//! `sigaction` call it replaces and cost 6,216 bytes of release binary for these few lines.

use std::io;
use std::os::fd::RawFd;
use std::sync::atomic::{AtomicBool, AtomicI32, Ordering};

static STOPPING: AtomicBool = AtomicBool::new(false);
static SIGNAL: AtomicI32 = AtomicI32::new(0);

/// Listening sockets to wake on a stop; -1 is a free slot. More listeners than slots still
/// stop, at their next client.
const SLOTS: usize = 64;
static LISTENERS: [AtomicI32; SLOTS] = [const { AtomicI32::new(-1) }; SLOTS];

/// Registers a listening socket to be shut down when the server stops. The socket must stay
/// open until [`unregister_all`] (the serving threads own it until they return).
pub fn register(fd: RawFd) {
    for slot in &LISTENERS {
        if slot
            .compare_exchange(-1, fd, Ordering::SeqCst, Ordering::SeqCst)
            .is_ok()
        {
            return;
        }
    }
}

/// Forgets every registered socket (before they are closed, so a late signal cannot shut
/// down a reused descriptor).
pub fn unregister_all() {
    for slot in &LISTENERS {
        slot.store(-1, Ordering::SeqCst);
    }
}

/// Wakes every thread blocked on a registered socket. Async-signal-safe.
fn wake_listeners() {
    for slot in &LISTENERS {
        let fd = slot.load(Ordering::SeqCst);
        if fd >= 0 {
            // SAFETY: shutdown on a descriptor that is a socket we registered and that stays
            // open while registered; an error (ENOTCONN on UDP) still wakes the readers.
            unsafe {
                libc::shutdown(fd, libc::SHUT_RDWR);
            }
        }
    }
}

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
    wake_listeners();
}

/// Asks every serving thread to finish its exchange and return.
pub fn request_stop() {
    STOPPING.store(true, Ordering::SeqCst);
    wake_listeners();
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
