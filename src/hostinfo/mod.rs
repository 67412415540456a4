//! Host, address, service and DNS lookups for `netkit hostinfo` (SPEC §7, §8).
//!
//! * [`system`]: the system's own view through libc (getaddrinfo, getnameinfo, gethostname,
//!   getifaddrs, getservbyname_r/getservbyport_r).
//! * [`dns`]: one question to one DNS server, straight over UDP/TCP (RFC 1035 §4.2, RFC 7766),
//!   wire format by `hickory-proto`; [`record`] turns its answers into zone-file text.
//! * [`byteorder`]: htons/htonl arithmetic.
//!
//! The system resolver has no timeout of its own, so [`run_bounded`] runs it on a thread and
//! stops waiting when the caller's limit passes (the thread is left to finish on its own;
//! nothing it holds matters to the process).

pub mod byteorder;
pub mod dns;
pub mod record;
pub mod system;

use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

use crate::error::Result;
use crate::{Error, ErrorKind};

/// Which address family a lookup may return.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Family {
    #[default]
    Any,
    V4,
    V6,
}

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
                format!("cannot start a resolver thread: {e}"),
            )
        })?;
    match rx.recv_timeout(wait.duration) {
        Ok(result) => result,
        Err(_) => Err(timeout_error(subject, wait, waiting_for)),
    }
}

/// A `--service` argument: `NAME`, `PORT`, `NAME/PROTO` or `PORT/PROTO` (default tcp).
pub fn parse_service(text: &str) -> Result<(system::ServiceKey, String)> {
    let (key, proto) = match text.split_once('/') {
        Some((k, p)) => (k, p),
        None => (text, "tcp"),
    };
    let bad = || {
        Error::usage(format!(
            "--service '{text}': expected NAME, PORT, NAME/PROTO or PORT/PROTO (e.g. smtp, 443/tcp)"
        ))
    };
    if key.is_empty()
        || proto.is_empty()
        || !proto
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-')
    {
        return Err(bad());
    }
    let key = if key.bytes().all(|b| b.is_ascii_digit()) {
        system::ServiceKey::Port(key.parse().map_err(|_| bad())?)
    } else if key
        .bytes()
        .all(|b| b.is_ascii_graphic() && b != b'/' && b != b'#')
    {
        system::ServiceKey::Name(key.to_owned())
    } else {
        return Err(bad());
    };
    Ok((key, proto.to_ascii_lowercase()))
}

#[cfg(test)]
mod tests {
    use super::system::ServiceKey;
    use super::*;

    #[test]
    fn service_argument_forms() {
        assert_eq!(
            parse_service("smtp").unwrap(),
            (ServiceKey::Name("smtp".into()), "tcp".into())
        );
        assert_eq!(
            parse_service("443/tcp").unwrap(),
            (ServiceKey::Port(443), "tcp".into())
        );
        assert_eq!(
            parse_service("53/UDP").unwrap(),
            (ServiceKey::Port(53), "udp".into())
        );
        for bad in ["", "/tcp", "smtp/", "70000", "a b", "x/y/z"] {
            assert!(parse_service(bad).is_err(), "{bad}");
        }
    }

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
        let start = Instant::now();
        let err = run_bounded("slow.example", wait, "the system resolver", || {
            thread::sleep(Duration::from_secs(3));
            Ok(())
        })
        .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Timeout);
        assert!(start.elapsed() < Duration::from_secs(2));
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
