//! `--max-time` as a hard deadline for a whole exchange. Socket timeouts bound each silence
//! (`-t`), but a server that trickles a byte just inside every timeout could hold a command
//! forever; the watchdog shuts the socket down when the deadline passes, which ends any
//! blocked read or write at once, and remembers that it did so the error can say why.

use std::net::{Shutdown, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::thread;
use std::time::Instant;

/// Cancels on drop; `fired()` tells whether the deadline cut the connection.
pub struct Watchdog {
    fired: Arc<AtomicBool>,
    cancel: Option<mpsc::Sender<()>>,
}

impl Watchdog {
    /// Watches `socket` (a clone of the connection's socket) until `deadline`. With no
    /// deadline nothing is started.
    pub fn arm(socket: TcpStream, deadline: Option<Instant>) -> Watchdog {
        let fired = Arc::new(AtomicBool::new(false));
        let Some(deadline) = deadline else {
            return Watchdog {
                fired,
                cancel: None,
            };
        };
        let (tx, rx) = mpsc::channel::<()>();
        let flag = fired.clone();
        let spawned = thread::Builder::new()
            .name("max-time".into())
            .spawn(move || {
                let wait = deadline.saturating_duration_since(Instant::now());
                // A message or a hang-up both mean "cancelled"; only a timeout fires.
                if let Err(mpsc::RecvTimeoutError::Timeout) = rx.recv_timeout(wait) {
                    flag.store(true, Ordering::SeqCst);
                    let _ = socket.shutdown(Shutdown::Both);
                }
            });
        Watchdog {
            fired,
            cancel: spawned.ok().map(|_| tx),
        }
    }

    pub fn fired(&self) -> bool {
        self.fired.load(Ordering::SeqCst)
    }
}

impl Drop for Watchdog {
    fn drop(&mut self) {
        if let Some(tx) = self.cancel.take() {
            let _ = tx.send(());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;
    use std::net::TcpListener;
    use std::time::Duration;

    #[test]
    fn deadline_ends_a_blocked_read() {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let mut client = TcpStream::connect(listener.local_addr().unwrap()).unwrap();
        let _server = listener.accept().unwrap();
        let dog = Watchdog::arm(
            client.try_clone().unwrap(),
            Some(Instant::now() + Duration::from_millis(100)),
        );
        let mut buf = [0u8; 1];
        // Blocks until the watchdog shuts the socket: then EOF (0) or an error.
        let n = client.read(&mut buf).unwrap_or(0);
        assert_eq!(n, 0);
        assert!(dog.fired());
    }

    #[test]
    fn cancelled_watchdog_never_fires() {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let client = TcpStream::connect(listener.local_addr().unwrap()).unwrap();
        let dog = Watchdog::arm(client.try_clone().unwrap(), None);
        assert!(!dog.fired());
    }
}
