//! SIGINT/SIGTERM as a request to stop that a protocol can act on (issue 13, "ABOR on
//! interrupt"), instead of an `_exit` from the signal handler.
//!
//! [`catch`] blocks both signals in the calling thread before any other is spawned (every
//! later thread inherits the mask) and leaves them to one thread in `sigwait`, so no Rust
//! code runs in a signal handler. When a signal comes:
//! * nothing is in flight (no data connection registered with [`InFlight`]): exit 130 at
//!   once, as before — no request is half done, and every `.part` file stays for `-C`;
//! * a transfer is in flight: [`requested`] turns true and each registered data socket is
//!   shut down, which wakes the thread blocked on it; that thread then ends its transfer the
//!   protocol's way (FTP: ABOR and its replies, within a short bound) and the command exits
//!   130 through the ordinary error path;
//! * whatever happens then, [`GRACE`] later, or at a second signal, the process exits 130:
//!   a server that ignores the abort, or a thread stuck writing to a full pipe, cannot hold
//!   it.
//!
//! The exits the signal thread takes itself print the front end's one-line error first
//! ([`on_forced_exit`]), as the ordinary error path would: a run that stopped while a
//! reply was pending, or at a second signal, said nothing before.
//!
//! Without [`catch`] (other commands) [`requested`] stays false and [`InFlight`] costs a
//! lock per transfer.

use std::io;
use std::net::{Shutdown, TcpStream};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::Duration;

/// From the first signal to the forced exit: the protocol's own bound on the abort (FTP: 2 s
/// for ABOR's replies) plus a margin for writing the error and the summary.
pub const GRACE: Duration = Duration::from_secs(3);

static REQUESTED: AtomicBool = AtomicBool::new(false);
/// Makes the line a forced exit prints from why it came (see [`on_forced_exit`]).
type ExitLine = Box<dyn Fn(&str) -> String + Send>;
static EXIT_LINE: Mutex<Option<ExitLine>> = Mutex::new(None);
static NEXT_ID: AtomicU64 = AtomicU64::new(0);
/// Second handles on the sockets of transfers in flight.
static IN_FLIGHT: Mutex<Vec<(u64, TcpStream)>> = Mutex::new(Vec::new());

/// Whether SIGINT or SIGTERM came (only after [`catch`]).
pub fn requested() -> bool {
    REQUESTED.load(Ordering::SeqCst)
}

fn signal_set() -> libc::sigset_t {
    // SAFETY: sigemptyset initialises the set; sigaddset with valid signal numbers.
    unsafe {
        let mut set: libc::sigset_t = std::mem::zeroed();
        libc::sigemptyset(&mut set);
        libc::sigaddset(&mut set, libc::SIGINT);
        libc::sigaddset(&mut set, libc::SIGTERM);
        set
    }
}

/// What the exits the signal thread takes print on stderr: `line` turns why (e.g. "a
/// second signal cut the abort short") into the command's one-line error, text or JSON.
pub fn on_forced_exit(line: impl Fn(&str) -> String + Send + 'static) {
    let mut slot = EXIT_LINE.lock().unwrap_or_else(|p| p.into_inner());
    *slot = Some(Box::new(line));
}

fn exit_130(why: &str) -> ! {
    let line = EXIT_LINE
        .lock()
        .ok()
        .and_then(|slot| slot.as_ref().map(|make| make(why)));
    if let Some(line) = line {
        say(&format!("{line}\n"));
    }
    // SAFETY: _exit ends the process without running anything else; data written so far is
    // in the kernel (no user-space buffer sits in front of a `.part` file).
    unsafe { libc::_exit(130) }
}

/// Writes to fd 2 directly, past the stderr lock another thread may hold, and only if it
/// takes the bytes within 100 ms: a stderr nobody reads must not hold the exit either.
fn say(text: &str) {
    let mut fd = libc::pollfd {
        fd: 2,
        events: libc::POLLOUT,
        revents: 0,
    };
    // SAFETY: one valid pollfd; then a write of a buffer we own, of its own length.
    unsafe {
        if libc::poll(&mut fd, 1, 100) == 1 && fd.revents & libc::POLLOUT != 0 {
            let _ = libc::write(2, text.as_ptr().cast(), text.len());
        }
    }
}

/// Takes SIGINT and SIGTERM over for the rest of the process (see the module). Call it
/// before spawning threads: a thread that already runs keeps the default action.
pub fn catch() -> io::Result<()> {
    let set = signal_set();
    // SAFETY: a valid, initialised signal set; the old mask is not wanted.
    let rc = unsafe { libc::pthread_sigmask(libc::SIG_BLOCK, &set, std::ptr::null_mut()) };
    if rc != 0 {
        return Err(io::Error::from_raw_os_error(rc));
    }
    let spawned = std::thread::Builder::new()
        .name("netkit-signals".to_owned())
        .stack_size(64 << 10)
        .spawn(move || wait_for_signals(set));
    if let Err(e) = spawned {
        // Nobody would take the signals: give them back their default action.
        // SAFETY: as above.
        unsafe { libc::pthread_sigmask(libc::SIG_UNBLOCK, &set, std::ptr::null_mut()) };
        return Err(e);
    }
    Ok(())
}

fn wait_for_signals(set: libc::sigset_t) {
    let mut sig: libc::c_int = 0;
    // SAFETY: a valid signal set blocked in every thread, and a place for the number.
    while unsafe { libc::sigwait(&set, &mut sig) } != 0 {}
    REQUESTED.store(true, Ordering::SeqCst);
    let live = {
        let sockets = IN_FLIGHT.lock().unwrap_or_else(|p| p.into_inner());
        for (_, socket) in sockets.iter() {
            let _ = socket.shutdown(Shutdown::Both);
        }
        !sockets.is_empty()
    };
    if !live {
        exit_130("no data transfer was in flight");
    }
    let grace = libc::timespec {
        tv_sec: GRACE.as_secs() as libc::time_t,
        tv_nsec: 0,
    };
    // A second signal or the end of the grace period: exit now, whatever is still running.
    // SAFETY: valid set and timeout; the siginfo is not wanted.
    let second = unsafe { libc::sigtimedwait(&set, std::ptr::null_mut(), &grace) } > 0;
    exit_130(&if second {
        "a second signal cut the abort short".to_owned()
    } else {
        format!(
            "the abort took more than {}",
            crate::net::wait::seconds(GRACE)
        )
    });
}

/// A transfer in flight: its data socket is shut down when a signal comes (and at once if
/// one already came). Dropping it takes the socket off the list.
pub struct InFlight(Option<u64>);

impl InFlight {
    /// `socket` is a second handle (`try_clone`) on the data connection.
    pub fn register(socket: io::Result<TcpStream>) -> InFlight {
        let Ok(socket) = socket else {
            return InFlight(None);
        };
        let id = NEXT_ID.fetch_add(1, Ordering::Relaxed);
        let mut sockets = IN_FLIGHT.lock().unwrap_or_else(|p| p.into_inner());
        // Checked under the lock the signal thread takes: a signal is either seen here or
        // finds this socket on the list.
        if requested() {
            let _ = socket.shutdown(Shutdown::Both);
        }
        sockets.push((id, socket));
        InFlight(Some(id))
    }
}

impl Drop for InFlight {
    fn drop(&mut self) {
        if let Some(id) = self.0 {
            let mut sockets = IN_FLIGHT.lock().unwrap_or_else(|p| p.into_inner());
            sockets.retain(|(i, _)| *i != id);
        }
    }
}
