//! The terminal for interactive `telnet`: raw mode that is put back on every way out (a
//! guard's drop, SIGTERM/SIGHUP/SIGINT caught as flags, and the `^]` prompt, which runs
//! cooked), the window size, and SIGWINCH as a flag. The signal handlers only store to
//! atomics; the loop that polls the connection looks at them.

use std::sync::atomic::{AtomicBool, AtomicI32, Ordering};

static RESIZED: AtomicBool = AtomicBool::new(false);
static STOP: AtomicI32 = AtomicI32::new(0);

extern "C" fn on_winch(_: libc::c_int) {
    RESIZED.store(true, Ordering::SeqCst);
}

extern "C" fn on_stop(sig: libc::c_int) {
    STOP.store(sig, Ordering::SeqCst);
}

fn install(sig: libc::c_int, handler: extern "C" fn(libc::c_int)) {
    // SAFETY: a zeroed sigaction with a valid handler and an empty mask is well formed; the
    // handler only stores to an atomic. No SA_RESTART: poll() returns EINTR so the loop
    // sees the flag at once.
    unsafe {
        let mut sa: libc::sigaction = std::mem::zeroed();
        sa.sa_sigaction = handler as usize;
        libc::sigemptyset(&mut sa.sa_mask);
        libc::sigaction(sig, &sa, std::ptr::null_mut());
    }
}

/// Catches SIGWINCH, SIGTERM, SIGHUP and SIGINT as flags.
pub fn catch_signals() {
    install(libc::SIGWINCH, on_winch);
    for sig in [libc::SIGTERM, libc::SIGHUP, libc::SIGINT] {
        install(sig, on_stop);
    }
}

/// The window changed since the last call.
pub fn take_resized() -> bool {
    RESIZED.swap(false, Ordering::SeqCst)
}

/// The signal that asks the program to stop, if one came.
pub fn stop_signal() -> Option<i32> {
    match STOP.load(Ordering::SeqCst) {
        0 => None,
        s => Some(s),
    }
}

pub fn is_terminal(fd: libc::c_int) -> bool {
    // SAFETY: isatty only inspects the descriptor.
    unsafe { libc::isatty(fd) == 1 }
}

/// Columns and rows of the terminal on `fd`.
pub fn window_size(fd: libc::c_int) -> Option<(u16, u16)> {
    // SAFETY: winsize is plain data; TIOCGWINSZ fills it for a terminal.
    let mut ws: libc::winsize = unsafe { std::mem::zeroed() };
    let ok = unsafe { libc::ioctl(fd, libc::TIOCGWINSZ, &mut ws) } == 0;
    (ok && ws.ws_col > 0 && ws.ws_row > 0).then_some((ws.ws_col, ws.ws_row))
}

/// The terminal in raw mode until dropped (or [`RawMode::suspend`]).
pub struct RawMode {
    fd: libc::c_int,
    saved: libc::termios,
    raw: bool,
}

impl RawMode {
    pub fn enter(fd: libc::c_int) -> std::io::Result<RawMode> {
        // SAFETY: termios is plain data; tcgetattr fills it for a valid open fd.
        let mut saved: libc::termios = unsafe { std::mem::zeroed() };
        if unsafe { libc::tcgetattr(fd, &mut saved) } != 0 {
            return Err(std::io::Error::last_os_error());
        }
        let mut mode = RawMode {
            fd,
            saved,
            raw: false,
        };
        mode.resume()?;
        Ok(mode)
    }

    /// Raw again after [`RawMode::suspend`].
    pub fn resume(&mut self) -> std::io::Result<()> {
        let mut raw = self.saved;
        // SAFETY: cfmakeraw edits the copy in place; tcsetattr applies it to our fd.
        unsafe { libc::cfmakeraw(&mut raw) };
        if unsafe { libc::tcsetattr(self.fd, libc::TCSAFLUSH, &raw) } != 0 {
            return Err(std::io::Error::last_os_error());
        }
        self.raw = true;
        Ok(())
    }

    /// The terminal as it was (for the `^]` prompt, or on the way out).
    pub fn suspend(&mut self) {
        if self.raw {
            // SAFETY: restores the attributes read at enter().
            unsafe { libc::tcsetattr(self.fd, libc::TCSAFLUSH, &self.saved) };
            self.raw = false;
        }
    }
}

impl Drop for RawMode {
    fn drop(&mut self) {
        self.suspend();
    }
}
