//! `netkit urlquote`: Python's `urllib.parse` quoting on the command line (SPEC §7, §8).
//!
//! TEXT arguments, or stdin line by line, go through `quote` (default, `safe='/'`),
//! `quote_plus` (`--plus`), `unquote_to_bytes` (`-d`) or its plus form (`-d --plus`), or a
//! WHATWG percent-encode set (`--component`). `--form` is `urlencode`, `--parse-query` is
//! `parse_qs` / `parse_qsl` (`--pairs`) printed as JSON. Stdin is streamed in fixed-size
//! chunks, never as whole lines, so memory stays constant whatever the line length. The
//! work is done by `crate::url::quote`; this file parses flags and moves bytes.

use std::ffi::{OsStr, OsString};
use std::io::{self, Read, Write};

use anyhow::Context;
use clap::ArgAction;
use serde::Serialize;
use serde::ser::SerializeMap;

use crate::Error;
use crate::cli::exit::{ItemTally, Outcome, print_item_error};
use crate::cli::input::{self, Line};
use crate::cli::render::Stdout;
use crate::url::quote::{
    self, Component, LineQuoter, LineUnquoter, Quoter, parse_qs, parse_qsl, urlencode,
};

/// Stdin is read this much at a time: large enough that syscalls do not dominate, small
/// enough that the read buffer plus its worst-case quoted form (3×) stay far under 8 MiB.
const CHUNK: usize = 256 * 1024;

/// With `--json` each line is kept whole to print it as a JSON string; this caps it.
const JSON_MAX_LINE: usize = 1024 * 1024;

/// What --parse-query (and its modifiers) cannot be combined with: every other mode.
const QUERY_CONFLICTS: [&str; 6] = ["text", "decode", "plus", "safe", "component", "form"];

/// A URL component whose WHATWG percent-encode set `--component` applies.
#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum ComponentArg {
    Path,
    Query,
    Fragment,
    Userinfo,
}

impl From<ComponentArg> for Component {
    fn from(c: ComponentArg) -> Component {
        match c {
            ComponentArg::Path => Component::Path,
            ComponentArg::Query => Component::Query,
            ComponentArg::Fragment => Component::Fragment,
            ComponentArg::Userinfo => Component::Userinfo,
        }
    }
}

#[derive(clap::Args, Debug)]
pub struct Args {
    /// Text to quote or decode, one output line each; none: stdin, line by line
    #[arg(value_name = "TEXT", value_parser = clap::value_parser!(OsString))]
    pub text: Vec<OsString>,

    /// Decode (unquote) instead of quoting; with --plus, '+' is a space too
    #[arg(short = 'd', long = "decode", conflicts_with_all = ["safe", "component"])]
    pub decode: bool,

    /// Form style: a space is '+' (quote_plus / unquote_plus); --safe defaults to ''
    #[arg(long, conflicts_with = "component")]
    pub plus: bool,

    /// ASCII characters to leave unquoted besides A-Za-z0-9_.-~ (default '/', '' with --plus
    /// and --form); non-ASCII characters here are ignored, as Python ignores them
    #[arg(long, value_name = "CHARS", value_parser = clap::value_parser!(OsString))]
    pub safe: Option<OsString>,

    /// Quote with the URL Standard's percent-encode set of this component instead
    #[arg(long, value_enum, value_name = "PART", conflicts_with = "safe")]
    pub component: Option<ComponentArg>,

    /// Build a query string from KEY=VALUE pairs, in order, repeated keys kept (urlencode).
    /// Repeatable, or several values after one --form
    #[arg(
        long,
        value_name = "KEY=VALUE",
        num_args = 1..,
        action = ArgAction::Append,
        value_parser = clap::value_parser!(OsString),
        conflicts_with_all = ["text", "decode", "plus", "component"]
    )]
    pub form: Vec<OsString>,

    /// Parse a query string into a JSON object of lists (parse_qs)
    #[arg(
        long,
        value_name = "QS",
        value_parser = clap::value_parser!(OsString),
        conflicts_with_all = QUERY_CONFLICTS
    )]
    pub parse_query: Option<OsString>,

    /// With --parse-query: a JSON list of [key, value] pairs in order (parse_qsl)
    // The conflicts repeat --parse-query's: clap waives `requires` when the required arg
    // conflicts with one that is present, so `--pairs TEXT` would otherwise pass.
    #[arg(long, requires = "parse_query", conflicts_with_all = QUERY_CONFLICTS)]
    pub pairs: bool,

    /// With --parse-query: keep fields with empty values ('a=' and a bare 'a')
    #[arg(long, requires = "parse_query", conflicts_with_all = QUERY_CONFLICTS)]
    pub keep_blank: bool,

    /// JSON Lines: one {"input", "output"} object per TEXT or input line (text made valid
    /// UTF-8 with U+FFFD); --form prints {"output"}; --parse-query prints JSON either way
    #[arg(long)]
    pub json: bool,
}

/// The text transform chosen by the flags.
#[allow(
    clippy::large_enum_variant,
    reason = "one per invocation; the table inline keeps the hot loop free of indirection"
)]
enum Mode {
    Quote(Quoter),
    Unquote { plus: bool },
}

impl Mode {
    fn from_args(args: &Args) -> Mode {
        if args.decode {
            return Mode::Unquote { plus: args.plus };
        }
        if let Some(component) = args.component {
            return Mode::Quote(Quoter::component(component.into()));
        }
        let default_safe: &[u8] = if args.plus { b"" } else { b"/" };
        let safe = args.safe.as_deref().map_or(default_safe, os_bytes);
        Mode::Quote(if args.plus {
            Quoter::python_plus(safe)
        } else {
            Quoter::python(safe)
        })
    }

    fn apply(&self, input: &[u8]) -> Vec<u8> {
        match self {
            Mode::Quote(q) => q.quote(input).into_bytes(),
            Mode::Unquote { plus: false } => quote::unquote_to_bytes(input),
            Mode::Unquote { plus: true } => quote::unquote_plus_to_bytes(input),
        }
    }
}

/// The bytes of an argument: on Unix exactly what the caller passed, UTF-8 or not.
#[cfg(unix)]
fn os_bytes(s: &OsStr) -> &[u8] {
    use std::os::unix::ffi::OsStrExt;
    s.as_bytes()
}

/// Elsewhere arguments are UTF-16: their UTF-8 form is what Python would quote.
#[cfg(not(unix))]
fn os_bytes(s: &OsStr) -> &[u8] {
    s.to_str().map_or(b"", str::as_bytes)
}

pub fn run(args: Args) -> anyhow::Result<Outcome> {
    let mut out = Stdout::new();
    let mut tally = ItemTally::default();
    if let Some(qs) = &args.parse_query {
        print_query(&mut out, os_bytes(qs), &args)?;
    } else if !args.form.is_empty() {
        let safe = args.safe.as_deref().map_or(&b""[..], os_bytes);
        let encoded = urlencode(&form_pairs(&args.form)?, safe);
        if args.json {
            out.json(&serde_json::json!({ "output": encoded }))?;
        } else {
            out.line(&encoded)?;
        }
    } else {
        let mode = Mode::from_args(&args);
        if args.text.is_empty() {
            tally = stdin_lines(&mut out, &mode, args.json)?;
        } else {
            for text in &args.text {
                if text == "-" {
                    let t = stdin_lines(&mut out, &mode, args.json)?;
                    tally.ok += t.ok;
                    tally.failed += t.failed;
                    continue;
                }
                let input = os_bytes(text);
                let output = mode.apply(input);
                if args.json {
                    json_record(&mut out, input, &output)?;
                } else {
                    out.bytes_line(&output).context("writing stdout")?;
                }
            }
        }
    }
    out.finish().context("writing stdout")?;
    Ok(tally.outcome())
}

/// Stdin, as text lines (streamed, any length) or as JSON Lines records.
fn stdin_lines(out: &mut Stdout, mode: &Mode, json: bool) -> anyhow::Result<ItemTally> {
    if json {
        json_lines(out, mode)
    } else {
        stream(out, mode)?;
        Ok(ItemTally::default())
    }
}

/// `--form` values as pairs, split at the first `=`. A value without `=` is refused rather
/// than guessed at (`k` might mean `k=` or a typo); `k=` says "empty value" explicitly.
fn form_pairs(values: &[OsString]) -> anyhow::Result<Vec<(&[u8], &[u8])>> {
    values
        .iter()
        .map(|v| {
            let bytes = os_bytes(v);
            match bytes.iter().position(|&b| b == b'=') {
                Some(eq) => Ok((&bytes[..eq], &bytes[eq + 1..])),
                None => {
                    let shown = bytes.escape_ascii();
                    Err(Error::usage(format!(
                        "--form wants KEY=VALUE, not '{shown}' (write '{shown}=' for an empty value)"
                    ))
                    .into())
                }
            }
        })
        .collect()
}

/// `parse_qs` as a JSON object whose keys keep their first-appearance order, as Python's dict.
struct OrderedGroups<'a>(&'a [(String, Vec<String>)]);

impl Serialize for OrderedGroups<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(self.0.len()))?;
        for (name, values) in self.0 {
            map.serialize_entry(name, values)?;
        }
        map.end()
    }
}

fn print_query(out: &mut Stdout, qs: &[u8], args: &Args) -> anyhow::Result<()> {
    if args.pairs {
        out.json(&parse_qsl(qs, args.keep_blank))?;
    } else {
        out.json(&OrderedGroups(&parse_qs(qs, args.keep_blank)))?;
    }
    Ok(())
}

/// Stdin through the line stream of `mode`, chunk by chunk: constant memory for any input,
/// a single 10 GB line included.
fn stream(out: &mut Stdout, mode: &Mode) -> anyhow::Result<()> {
    #[allow(
        clippy::large_enum_variant,
        reason = "one per invocation, on the stack"
    )]
    enum Lines {
        Quote(LineQuoter),
        Unquote(LineUnquoter),
    }
    let mut lines = match mode {
        Mode::Quote(q) => Lines::Quote(LineQuoter::new(q)),
        Mode::Unquote { plus } => Lines::Unquote(LineUnquoter::new(*plus)),
    };
    let mut stdin = io::stdin().lock();
    let mut buf = vec![0u8; CHUNK];
    let mut encoded = Vec::with_capacity(CHUNK * 3);
    loop {
        let n = match stdin.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e).context("reading stdin"),
        };
        let chunk = &buf[..n];
        match &mut lines {
            Lines::Quote(l) => l.feed(chunk, &mut encoded),
            Lines::Unquote(l) => l.feed(chunk, &mut encoded),
        }
        out.write_all(&encoded).context("writing stdout")?;
        encoded.clear();
    }
    match &mut lines {
        Lines::Quote(l) => l.finish(&mut encoded),
        Lines::Unquote(l) => l.finish(&mut encoded),
    }
    out.write_all(&encoded).context("writing stdout")?;
    Ok(())
}

/// `--json` over stdin: whole lines are needed for a JSON string, so they are capped.
/// A line over the cap is reported (a JSON error line) and skipped; the rest go on (12).
fn json_lines(out: &mut Stdout, mode: &Mode) -> anyhow::Result<ItemTally> {
    let mut tally = ItemTally::default();
    input::for_each_line(io::stdin().lock(), JSON_MAX_LINE, |line| match line {
        Line::Text(line) => {
            tally.ok += 1;
            json_record(out, line, &mode.apply(line))
        }
        Line::TooLong { number, max } => {
            tally.failed += 1;
            let e = Line::too_long_error(number, max);
            print_item_error("urlquote", true, None, e.kind(), e.message());
            Ok(())
        }
    })?;
    Ok(tally)
}

fn json_record(out: &mut Stdout, input: &[u8], output: &[u8]) -> anyhow::Result<()> {
    let record = serde_json::json!({
        "input": String::from_utf8_lossy(input),
        "output": String::from_utf8_lossy(output),
    });
    out.json(&record).context("writing stdout")?;
    Ok(())
}
