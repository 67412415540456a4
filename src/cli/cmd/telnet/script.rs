//! `--send`/`--expect` steps for CI, in command-line order or from `--script FILE`: each
//! expect waits (within `-t`) for its regex in what arrived since the last match; the first
//! that does not match ends the run with exit 10 and its step number.

use std::io::Write;
use std::time::{Duration, Instant};

use clap::ArgMatches;
use serde::Serialize;

use super::Args;
use super::link::{Got, Link};
use crate::cli::exit::Outcome;
use crate::cli::render::{Stdout, write_out};
use crate::net;
use crate::{Error, ErrorKind};

#[derive(Debug, Clone)]
pub(super) enum Step {
    Send(String),
    Expect(regex_lite::Regex, String),
}

#[derive(Serialize)]
struct StepJson {
    step: usize,
    kind: &'static str,
    text: String,
    ok: bool,
    seconds: f64,
}

pub(super) fn expect_step(pattern: &str, k: usize) -> Result<Step, Error> {
    regex_lite::Regex::new(pattern)
        .map(|re| Step::Expect(re, pattern.to_owned()))
        .map_err(|e| {
            Error::usage(format!(
                "step {k}: --expect '{pattern}' is not a regex: {e}"
            ))
        })
}

/// The steps in command-line order (`--send` and `--expect` interleave), or from `--script`.
pub(super) fn steps(m: &ArgMatches, args: &Args) -> Result<Vec<Step>, Error> {
    if let Some(path) = &args.script {
        let text =
            std::fs::read_to_string(path).map_err(|e| crate::save::local("reading", path, &e))?;
        let mut out = Vec::new();
        for (n, line) in text.lines().enumerate() {
            let line = line.trim_end_matches('\r');
            if line.trim().is_empty() || line.trim_start().starts_with('#') {
                continue;
            }
            let (word, rest) = line.split_once(' ').unwrap_or((line, ""));
            out.push(match word {
                "send" => Step::Send(rest.to_owned()),
                "expect" => expect_step(rest, out.len() + 1)?,
                _ => {
                    return Err(Error::usage(format!(
                        "{}:{}: expected 'send TEXT' or 'expect REGEX'",
                        path.display(),
                        n + 1
                    )));
                }
            });
        }
        return Ok(out);
    }
    let mut indexed: Vec<(usize, bool, &String)> = Vec::new();
    for (id, values, is_send) in [
        ("send", &args.send, true),
        ("expect", &args.probe.expect, false),
    ] {
        if let Some(indices) = m.indices_of(id) {
            indexed.extend(indices.zip(values).map(|(i, v)| (i, is_send, v)));
        }
    }
    indexed.sort_by_key(|(i, _, _)| *i);
    indexed
        .into_iter()
        .enumerate()
        .map(|(k, (_, is_send, v))| {
            if is_send {
                Ok(Step::Send(v.clone()))
            } else {
                expect_step(v, k + 1)
            }
        })
        .collect()
}

/// `data` after `carry` as text, except an incomplete UTF-8 sequence at the end, which stays
/// in `carry` for the next read (decoded alone, each half would be U+FFFD and a regex
/// for the character could never match).
pub(super) fn utf8_chunk(carry: &mut Vec<u8>, data: &[u8]) -> String {
    carry.extend_from_slice(data);
    let len = carry.len();
    let mut tail = 0;
    for back in 1..=len.min(3) {
        let b = carry[len - back];
        if b & 0xc0 == 0x80 {
            continue;
        }
        let need = match b {
            0xc0..=0xdf => 2,
            0xe0..=0xef => 3,
            0xf0..=0xf7 => 4,
            _ => 1,
        };
        if need > back {
            tail = back;
        }
        break;
    }
    let text = String::from_utf8_lossy(&carry[..len - tail]).into_owned();
    carry.drain(..len - tail);
    text
}

pub(super) fn script(
    link: &mut Link,
    steps: &[Step],
    args: &Args,
    deadline: net::Deadline,
) -> Result<Outcome, Error> {
    let json = args.output.json;
    let mut stdout = std::io::stdout();
    let mut text = String::new();
    let mut received = String::new();
    // A character split between two reads waits here for its other bytes.
    let mut carry: Vec<u8> = Vec::new();
    let mut report: Vec<StepJson> = Vec::new();
    let mut failed: Option<Error> = None;
    for (k, step) in steps.iter().enumerate() {
        let began = Instant::now();
        match step {
            Step::Send(t) => {
                link.note(&format!("> send {t}"));
                let mut line = t.clone().into_bytes();
                line.extend_from_slice(b"\r\n");
                link.send(&line)?;
                report.push(StepJson {
                    step: k + 1,
                    kind: "send",
                    text: t.clone(),
                    ok: true,
                    seconds: began.elapsed().as_secs_f64(),
                });
            }
            Step::Expect(re, src) => {
                let until = deadline
                    .cap(args.net.timeout)
                    .map(|d| began + d)
                    .unwrap_or(began);
                let mut why = if deadline.is_binding(args.net.timeout) {
                    "before --max-time (raise --max-time)"
                } else {
                    "within the step timeout (raise -t)"
                };
                let matched = loop {
                    if let Some(m) = re.find(&text) {
                        let end = m.end();
                        text.drain(..end);
                        break true;
                    }
                    if link.closed {
                        why = "before the connection closed";
                        break false;
                    }
                    let left = until.saturating_duration_since(Instant::now());
                    if left.is_zero() {
                        break false;
                    }
                    if let Got::Data(d) = link.read(left.min(Duration::from_millis(500)))? {
                        if !json {
                            let _ = stdout.write_all(&d).and_then(|()| stdout.flush());
                        }
                        let chunk = utf8_chunk(&mut carry, &d);
                        text.push_str(&chunk);
                        if json && received.len() < 1 << 20 {
                            received.push_str(&chunk);
                        }
                        if text.len() > 1 << 20 {
                            let cut = text.len() - (1 << 19);
                            let cut = (cut..text.len())
                                .find(|&i| text.is_char_boundary(i))
                                .unwrap_or(0);
                            text.drain(..cut);
                        }
                    }
                };
                link.note(&format!(
                    "< expect /{src}/: {}",
                    if matched { "matched" } else { "not matched" }
                ));
                report.push(StepJson {
                    step: k + 1,
                    kind: "expect",
                    text: src.clone(),
                    ok: matched,
                    seconds: began.elapsed().as_secs_f64(),
                });
                if !matched {
                    failed = Some(Error::new(
                        ErrorKind::CheckFailed,
                        format!("step {} (expect /{src}/) did not match {why}", k + 1),
                    ));
                    break;
                }
            }
        }
    }
    if json {
        let mut out = Stdout::new();
        write_out(out.json(&serde_json::json!({
            "steps": report, "ok": failed.is_none(), "received": received
        })))?;
        write_out(out.finish())?;
    }
    let _ = link.sock.shutdown(std::net::Shutdown::Both);
    match failed {
        Some(e) => Err(e),
        None => Ok(Outcome::Success),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn characters_split_between_reads_are_decoded_whole() {
        let mut carry = Vec::new();
        assert_eq!(utf8_chunk(&mut carry, b"caf\xc3"), "caf");
        assert_eq!(utf8_chunk(&mut carry, b"\xa9 ok"), "\u{e9} ok");
        assert_eq!(
            utf8_chunk(&mut carry, "日".as_bytes().get(..1).unwrap()),
            ""
        );
        assert_eq!(
            utf8_chunk(&mut carry, "日".as_bytes().get(1..).unwrap()),
            "日"
        );
        // Bytes that are not UTF-8 at all are not held back.
        assert_eq!(utf8_chunk(&mut carry, b"a\xff"), "a\u{fffd}");
        assert_eq!(
            utf8_chunk(&mut carry, b"\x80\x80\x80"),
            "\u{fffd}\u{fffd}\u{fffd}"
        );
        assert!(carry.is_empty());
    }
}
