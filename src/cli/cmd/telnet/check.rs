//! `telnet --check`: the connect-and-greeting probe, with `--expect` regexes matched on the
//! text after negotiation.

use std::time::{Duration, Instant};

use super::link::{Got, Link, io_error};
use super::script::{Step, expect_step, utf8_chunk};
use super::{Args, target};
use crate::cli::exit::Outcome;
use crate::cli::probe as cli_probe;
use crate::net;
use crate::proto::telnet::{Negotiator, Offer};
use crate::{Error, ErrorKind};

/// How long `--check` listens for a greeting when no `--expect` asks for one: telnetd and
/// busybox send their negotiation and banner at once; a silent service is not a failure.
const CHECK_LISTEN: Duration = Duration::from_millis(1000);
/// Once text (not only negotiation) came, a pause this long ends the greeting: a banner
/// and prompt arrive in one burst, and a monitor should not wait longer than it must.
const CHECK_QUIET: Duration = Duration::from_millis(10);

/// Whether `text` ends at a prompt (`login: `, `$ `, `> `): a last line without its newline
/// ending in a prompt character. A server at its prompt waits for us, so nothing more is
/// coming and the greeting is complete without the quiet pause (10 ms of a 2 ms probe).
fn ends_at_prompt(text: &str) -> bool {
    let last = text.rsplit(['\n', '\r']).next().unwrap_or_default();
    last.trim_end().ends_with([':', '>', '$', '#', '%', '?'])
}

/// One `--expect REGEX` of a probe. A regex that matches the empty text (`''`, `.*`,
/// `^$`) is met before the first byte arrives, so it checks nothing: refused, as every
/// other command refuses `--expect ''`.
fn check_regex(pattern: &str, k: usize) -> Result<regex_lite::Regex, Error> {
    let Step::Expect(re, _) = expect_step(pattern, k)? else {
        return Err(Error::usage("not a regex"));
    };
    if re.is_match("") {
        return Err(Error::usage(format!(
            "--expect '{}': the regex matches the empty text, so it is met before the server \
             sends anything and checks nothing",
            crate::cli::render::clean_text(pattern)
        )));
    }
    Ok(re)
}

/// `telnet --check TARGET`: connect, answer the option negotiation, read what the server
/// sends first (within a short wait, or with `--expect REGEX…` until each matched or -t
/// passed: exit 10 otherwise), close. The greeting shown is its first line of text.
pub(super) fn check(args: &Args) -> anyhow::Result<Outcome> {
    if !args.send.is_empty() || args.script.is_some() {
        return Err(
            Error::usage("--check takes no --send or --script steps (only --expect)").into(),
        );
    }
    let url = args.target.join(":");
    // The regexes are matched here, on the text after negotiation, not as substrings.
    let mut probe = args.probe.clone();
    let patterns = std::mem::take(&mut probe.expect);
    // Compiled before anything else, so a bad one is the usage error it is (exit 2, the
    // JSON error line, UNKNOWN for a monitor) before connecting, as every --check's is.
    let regexes = patterns
        .iter()
        .enumerate()
        .map(|(k, p)| check_regex(p, k + 1))
        .collect::<Result<Vec<_>, Error>>()?;
    let ctx = cli_probe::Context {
        command: "telnet",
        service: "TELNET",
        url: &url,
        probe: &probe,
        output: &args.output,
    };
    cli_probe::run(&ctx, |recorder| {
        let target = target(args)?;
        let deadline = args.net.deadline();
        recorder.phase(crate::probe::Phase::Connect);
        let connected = net::connect(
            &target.host,
            target.port,
            &args.net.connect_options(deadline),
        )?;
        recorder.phase(crate::probe::Phase::Greeting);
        let mut link = Link {
            sock: connected.stream,
            neg: Negotiator::new(Offer::default()),
            verbose: args.output.verbose > 0,
            closed: false,
        };
        let _ = link.sock.set_nodelay(true);
        link.sock
            .set_write_timeout(Some(args.net.timeout))
            .map_err(|e| io_error("socket", &e))?;
        let start = link.neg.start();
        link.write(&start)?;
        let began = Instant::now();
        let limit = if regexes.is_empty() {
            CHECK_LISTEN.min(args.net.timeout)
        } else {
            args.net.timeout
        };
        let until = began + deadline.cap(limit).unwrap_or(Duration::ZERO);
        let (mut text, mut carry) = (String::new(), Vec::new());
        let mut heard = false;
        loop {
            let done = if regexes.is_empty() {
                false
            } else {
                regexes.iter().all(|re| re.is_match(&text))
            };
            let left = until.saturating_duration_since(Instant::now());
            if done || link.closed || left.is_zero() {
                break;
            }
            let wait = if heard && regexes.is_empty() {
                left.min(CHECK_QUIET)
            } else {
                left
            };
            match link.read(wait)? {
                Got::Data(d) => {
                    text.push_str(&utf8_chunk(&mut carry, &d));
                    heard = text.chars().any(|c| !c.is_whitespace() && !c.is_control());
                    if text.len() > 1 << 20 || (regexes.is_empty() && ends_at_prompt(&text)) {
                        break;
                    }
                }
                Got::Nothing if heard && regexes.is_empty() => break,
                Got::Nothing | Got::Closed => {}
            }
        }
        if let Some(first) = text.lines().map(str::trim).find(|l| !l.is_empty()) {
            recorder.set_greeting(first);
        }
        let missing = regexes
            .iter()
            .zip(&patterns)
            .find(|(re, _)| !re.is_match(&text));
        if let Some((_, pattern)) = missing {
            let why = if link.closed {
                "before the connection closed"
            } else if deadline.is_binding(limit) {
                "before --max-time"
            } else {
                "within -t"
            };
            return Err(Error::new(
                ErrorKind::CheckFailed,
                format!(
                    "{}: --expect '{}' did not match what the server sent {why}",
                    target.authority(),
                    crate::cli::render::clean_text(pattern)
                ),
            ));
        }
        recorder.phase(crate::probe::Phase::Quit);
        let _ = link.sock.shutdown(std::net::Shutdown::Both);
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::ends_at_prompt;

    #[test]
    fn a_prompt_ends_the_greeting_and_a_finished_line_does_not() {
        assert!(ends_at_prompt("\r\nnetkit test\r\nlogin: "));
        assert!(ends_at_prompt("Password:"));
        assert!(ends_at_prompt("user@host:~$ "));
        assert!(ends_at_prompt("router> "));
        assert!(!ends_at_prompt("netkit test\r\n"));
        assert!(!ends_at_prompt("Welcome to the lab: unauthorised use\r\n"));
        assert!(!ends_at_prompt("netkit te"));
        assert!(!ends_at_prompt(""));
    }
}
