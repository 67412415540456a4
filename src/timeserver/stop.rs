//! Stopping the server: SIGINT and SIGTERM (through `sigaction`), `--once`, or an error.
//!
//! The handler does only what is async-signal-safe: it sets an atomic flag and writes one
//! byte to a pipe. Every serving thread polls its socket together with the pipe's read end,
//! which stays readable once written, so one signal wakes them all; a thread under load checks
//! the flag between clients. libc directly rather than `signal-hook`: twenty lines, no crate.

use std::io;
use std::os::fd::RawFd;
use std::sync::atomic::{AtomicBool, AtomicI32, Ordering};

static STOPPING: AtomicBool = AtomicBool::new(false);
static PIPE_WRITE: AtomicI32 = AtomicI32::new(-1);
static SIGNAL: AtomicI32 = AtomicI32::new(0);

/// The stop pipe. Only one server runs per process.
#[derive(Debug)]
pub struct Stopper {
    read_fd: RawFd,
}

impl Stopper {
    /// Creates the pipe and installs the SIGINT/SIGTERM handler.
    pub fn install() -> io::Result<Stopper> {
        let mut fds = [0 as libc::c_int; 2];
        // SAFETY: pipe2 fills the two-element array or fails.
        if unsafe { libc::pipe2(fds.as_mut_ptr(), libc::O_CLOEXEC | libc::O_NONBLOCK) } != 0 {
            return Err(io::Error::last_os_error());
        }
        STOPPING.store(false, Ordering::SeqCst);
        PIPE_WRITE.store(fds[1], Ordering::SeqCst);
        for sig in [libc::SIGINT, libc::SIGTERM] {
            // SAFETY: a zeroed sigaction with a valid handler and an empty mask is well formed;
            // the handler only touches atomics and write(2).
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
        Ok(Stopper { read_fd: fds[0] })
    }

    pub fn fd(&self) -> RawFd {
        self.read_fd
    }
}

extern "C" fn on_signal(sig: libc::c_int) {
    SIGNAL.store(sig, Ordering::SeqCst);
    request_stop();
}

/// Asks every serving thread to finish its exchange and return.
pub fn request_stop() {
    STOPPING.store(true, Ordering::SeqCst);
    let fd = PIPE_WRITE.load(Ordering::SeqCst);
    if fd >= 0 {
        let byte = 1u8;
        // SAFETY: write(2) of one byte from a valid buffer; failure (pipe full) is harmless
        // because one byte already makes the pipe readable.
        unsafe {
            libc::write(fd, (&byte as *const u8).cast(), 1);
        }
    }
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

/// What `wait` saw.
#[derive(Debug, PartialEq, Eq)]
pub enum Woke {
    Ready,
    Stop,
    Idle,
}

/// Waits until `fd` is readable, a stop is requested, or `timeout_ms` passes.
pub fn wait(fd: RawFd, stop_fd: RawFd, timeout_ms: i32) -> io::Result<Woke> {
    let mut fds = [
        libc::pollfd {
            fd,
            events: libc::POLLIN,
            revents: 0,
        },
        libc::pollfd {
            fd: stop_fd,
            events: libc::POLLIN,
            revents: 0,
        },
    ];
    // SAFETY: poll over a two-element array we own.
    let n = unsafe { libc::poll(fds.as_mut_ptr(), 2, timeout_ms) };
    if n < 0 {
        let e = io::Error::last_os_error();
        return if e.kind() == io::ErrorKind::Interrupted {
            Ok(if stopping() { Woke::Stop } else { Woke::Idle })
        } else {
            Err(e)
        };
    }
    if fds[1].revents != 0 || stopping() {
        Ok(Woke::Stop)
    } else if fds[0].revents != 0 {
        Ok(Woke::Ready)
    } else {
        Ok(Woke::Idle)
    }
}
