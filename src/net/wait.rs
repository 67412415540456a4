//! Bounded waits shared by every command: the three limits of SPEC §3 (connect timeout,
//! idle timeout, `--max-time`), the error a wait ends with, and [`run_bounded`] for blocking
//! calls that have no timeout of their own (getaddrinfo): they run on a thread that is
//! abandoned when the limit passes, so no wait is unbounded.

use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

use crate::error::Result;
use crate::{Error, ErrorKind};

/// The waits a command allows (SPEC §3): resolve/connect, silence, and the overall deadline.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub connect_timeout: Duration,
    pub timeout: Duration,
    pub deadline: Option<Instant>,
}

/// A wait cut to the deadline, and which option the user should raise when it runs out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Wait {
    pub duration: Duration,
    pub flag: &'static str,
}

impl Limits {
    /// `wait` (named by `flag`), shortened to what is left before `--max-time`.
    pub fn cap(&self, wait: Duration, flag: &'static str) -> Wait {
        match self.deadline {
            Some(end) => {
                let left = end.saturating_duration_since(Instant::now());
                if left < wait {
                    Wait {
                        duration: left,
                        flag: "--max-time",
                    }
                } else {
                    Wait {
                        duration: wait,
                        flag,
                    }
                }
            }
            None => Wait {
                duration: wait,
                flag,
            },
        }
    }
}

/// Seconds for messages: `10 s`, `0.5 s`.
pub fn seconds(d: Duration) -> String {
    let s = d.as_secs_f64();
    let text = format!("{s:.3}");
    format!("{} s", text.trim_end_matches('0').trim_end_matches('.'))
}

/// The timeout error every wait in this module ends with.
pub fn timeout_error(subject: &str, wait: Wait, waiting_for: &str) -> Error {
    let advice = if wait.flag == "--max-time" {
        "--max-time reached".to_owned()
    } else {
        format!("raise {}", wait.flag)
    };
    Error::new(
        ErrorKind::Timeout,
        format!(
            "{subject}: timed out after {} waiting for {waiting_for} ({advice})",
            seconds(wait.duration)
        ),
    )
}

/// Runs a blocking call that has no timeout of its own (getaddrinfo) on a thread and waits
/// at most `wait`. On timeout the thread is abandoned: it finishes or dies with the process.
pub fn run_bounded<T: Send + 'static>(
    subject: &str,
    wait: Wait,
    waiting_for: &str,
    call: impl FnOnce() -> Result<T> + Send + 'static,
) -> Result<T> {
    let (tx, rx) = mpsc::channel();
    thread::Builder::new()
        .name("hostinfo-resolver".into())
        .spawn(move || {
            // The receiver may be gone after a timeout: nothing to tell anyone then.
            let _ = tx.send(call());
        })
        .map_err(|e| {
            Error::new(
                ErrorKind::LocalIo,
                format!(
                    "cannot start a resolver thread: {}",
                    crate::error::io_words(&e)
                ),
            )
        })?;
    match rx.recv_timeout(wait.duration) {
        Ok(result) => result,
        Err(_) => Err(timeout_error(subject, wait, waiting_for)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seconds_read_well() {
        assert_eq!(seconds(Duration::from_secs(10)), "10 s");
        assert_eq!(seconds(Duration::from_millis(500)), "0.5 s");
        assert_eq!(seconds(Duration::from_millis(1250)), "1.25 s");
    }

    #[test]
    fn bounded_call_gives_up_in_time() {
        let wait = Wait {
            duration: Duration::from_millis(100),
            flag: "--connect-timeout",
        };
        let err = run_bounded("slow.example", wait, "the system resolver", || {
            thread::sleep(Duration::from_secs(3));
            Ok(())
        })
        .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Timeout);
        assert!(err.message().contains("raise --connect-timeout"), "{err}");
    }

    #[test]
    fn deadline_shortens_waits() {
        let limits = Limits {
            connect_timeout: Duration::from_secs(10),
            timeout: Duration::from_secs(30),
            deadline: Some(Instant::now() + Duration::from_secs(1)),
        };
        let wait = limits.cap(limits.connect_timeout, "--connect-timeout");
        assert_eq!(wait.flag, "--max-time");
        assert!(wait.duration <= Duration::from_secs(1));
    }
}
