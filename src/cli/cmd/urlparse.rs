//! `netkit urlparse` (SPEC §7, §8): split URLs into components, join, edit and template
//! them, over the sans-IO parser in `crate::url::parse`.
//!
//! Per URL, in this order: `--default-scheme` (only for text that lacks a scheme), parse and
//! check, `--join REF`, `--set` edits (in the order given), then one output: `--get` text,
//! else `--json`, else the resulting URL when `--join`/`--set` changed it, else the human
//! block. No URL argument: stdin, one URL a line, streamed; `-` as an argument reads stdin
//! too. With `--set` and no URL argument, one URL is built from nothing (stdin is not read;
//! pass `-` to edit the URLs of stdin). Blank input lines are skipped. A bad argument ends the
//! command with exit 2; a bad stdin line is reported on stderr and the stream goes on, ending
//! with exit 12.

use std::borrow::Cow;
use std::io;

use serde::Serialize;
use serde::ser::{SerializeSeq, Serializer};

use crate::cli::exit::Outcome;
use crate::cli::exit::{ItemTally, print_item_error};
use crate::cli::input::{Line, for_each_line};
use crate::cli::render::{Stdout, clean_text};
use crate::url::parse::Url;
use crate::url::parse::build::{self, Edit};
use crate::url::parse::join::join;
use crate::url::parse::split::{Split, scheme_end};
use crate::url::parse::template::Template;
use crate::{Error, ErrorKind};

/// Longest stdin line read as one URL; longer input is refused rather than buffered.
const MAX_LINE: usize = 64 * 1024;

#[derive(clap::Args, Debug)]
pub struct Args {
    /// URLs to parse; none: stdin, one URL a line ('-' reads stdin as well)
    pub url: Vec<String>,

    /// JSON output: one object per URL (JSON Lines)
    #[arg(long)]
    pub json: bool,

    /// Resolve REF against each URL, as Python's urljoin(URL, REF)
    #[arg(long, value_name = "REF")]
    pub join: Option<String>,

    /// Change PART of each URL; repeatable; without URL arguments, build one URL
    #[arg(long = "set", value_name = "PART=VALUE")]
    pub set: Vec<String>,

    /// Print TEMPLATE for each URL instead of its components
    #[arg(long, value_name = "TEMPLATE", conflicts_with = "json")]
    pub get: Option<String>,

    /// Read text without a scheme (host, host:port, //host) as SCHEME://text
    #[arg(long, value_name = "SCHEME")]
    pub default_scheme: Option<String>,
}

/// Everything decided once, before the first URL: bad flags fail before any output.
struct Plan {
    join: Option<String>,
    edits: Vec<Edit>,
    template: Option<Template>,
    default_scheme: Option<String>,
    json: bool,
    /// Human blocks are separated by a blank line; this says whether one came before.
    printed_block: bool,
    scratch: String,
}

pub fn run(args: Args) -> anyhow::Result<Outcome> {
    let mut plan = Plan::new(&args)?;
    let mut out = Stdout::new();
    let result = drive(&args, &mut plan, &mut out);
    // What was printed before a failure is still delivered.
    let flushed = out.finish();
    let outcome = result?;
    flushed?;
    Ok(outcome)
}

fn drive(args: &Args, plan: &mut Plan, out: &mut Stdout) -> anyhow::Result<Outcome> {
    if args.url.is_empty() {
        if !plan.edits.is_empty() {
            // Built from nothing: the empty URL, edited.
            if let Err(e) = plan.process("", out)? {
                return Err(Error::usage(e.message().to_owned()).into());
            }
            return Ok(Outcome::Success);
        }
        return stream(plan, out);
    }
    // A lone URL argument that fails is the command's failure (2); among several items,
    // arguments or stdin lines alike, a bad one is reported and the rest go on (12).
    if let [only] = args.url.as_slice()
        && only != "-"
    {
        if let Err(e) = plan.process(only, out)? {
            return Err(Error::usage(format!("'{}': {e}", clean_text(only))).into());
        }
        return Ok(Outcome::Success);
    }
    let mut tally = ItemTally::default();
    for arg in &args.url {
        if arg == "-" {
            stream_into(plan, out, &mut tally)?;
        } else {
            let result = plan.process(arg, out)?;
            plan.count(
                &mut tally,
                arg,
                result.map_err(|e| format!("'{}': {e}", arg)),
            );
        }
    }
    Ok(tally.outcome())
}

/// Stdin, line by line: a bad line is reported and skipped, the exit is 12 at the end.
fn stream(plan: &mut Plan, out: &mut Stdout) -> anyhow::Result<Outcome> {
    let mut tally = ItemTally::default();
    stream_into(plan, out, &mut tally)?;
    Ok(tally.outcome())
}

fn stream_into(plan: &mut Plan, out: &mut Stdout, tally: &mut ItemTally) -> anyhow::Result<()> {
    let mut number = 0u64;
    for_each_line(io::stdin().lock(), MAX_LINE, |line| -> anyhow::Result<()> {
        number += 1;
        let bytes = match line {
            Line::Text(bytes) => bytes,
            Line::TooLong { number, max } => {
                let e = Line::too_long_error(number, max);
                plan.count(tally, "", Err(e.message().to_owned()));
                return Ok(());
            }
        };
        if bytes.iter().all(u8::is_ascii_whitespace) {
            return Ok(());
        }
        let line = String::from_utf8_lossy(bytes);
        let result = plan.process(&line, out)?;
        let item = line.as_ref();
        plan.count(
            tally,
            item,
            result.map_err(|e| format!("line {number}: '{line}': {e}")),
        );
        Ok(())
    })?;
    Ok(())
}

impl Plan {
    /// Tallies one item's result; a failure is reported (a JSON error line with `--json`).
    fn count(&self, tally: &mut ItemTally, item: &str, result: Result<(), String>) {
        match result {
            Ok(()) => tally.ok += 1,
            Err(message) => {
                tally.failed += 1;
                let item = (!item.is_empty()).then_some(item);
                print_item_error("urlparse", self.json, item, ErrorKind::Usage, &message);
            }
        }
    }

    fn new(args: &Args) -> Result<Self, Error> {
        if let Some(r) = &args.join {
            Split::parse(r).map_err(|e| Error::usage(format!("--join '{r}': {e}")))?;
        }
        let edits = args
            .set
            .iter()
            .map(|s| {
                s.parse::<Edit>()
                    .map_err(|e| Error::usage(format!("--set '{s}': {e}")))
            })
            .collect::<Result<Vec<_>, _>>()?;
        let template = args
            .get
            .as_deref()
            .map(Template::compile)
            .transpose()
            .map_err(|e| Error::usage(format!("--get: {e}")))?;
        let default_scheme = match &args.default_scheme {
            Some(s) => Some(
                build::check_scheme(s)
                    .map_err(|e| Error::usage(format!("--default-scheme: {e}")))?,
            ),
            None => None,
        };
        Ok(Plan {
            join: args.join.clone(),
            edits,
            template,
            default_scheme,
            json: args.json,
            printed_block: false,
            scratch: String::new(),
        })
    }

    /// One URL through join, set and output. The outer error is output failing; the inner
    /// one is this URL not parsing.
    fn process(&mut self, input: &str, out: &mut Stdout) -> io::Result<Result<(), Error>> {
        let input = with_default_scheme(input, self.default_scheme.as_deref());
        let url = match Url::parse(&input) {
            Ok(u) => u,
            Err(e) => return Ok(Err(e)),
        };
        if self.join.is_none() && self.edits.is_empty() {
            return self.emit(&url, &input, false, out).map(Ok);
        }
        let joined = match &self.join {
            Some(r) => match join(&input, r) {
                Ok(j) => Some(j),
                Err(e) => return Ok(Err(e)),
            },
            None => None,
        };
        let text = match joined {
            Some(j) if !self.edits.is_empty() => match Url::parse(&j) {
                Ok(u) => build::apply(Some(&u), &self.edits),
                Err(e) => return Ok(Err(e)),
            },
            Some(j) => j,
            None => build::apply(Some(&url), &self.edits),
        };
        match Url::parse(&text) {
            Ok(result) => self.emit(&result, &text, true, out).map(Ok),
            Err(e) => Ok(Err(Error::usage(format!("the result '{text}': {e}")))),
        }
    }

    fn emit(
        &mut self,
        url: &Url<'_>,
        text: &str,
        changed: bool,
        out: &mut Stdout,
    ) -> io::Result<()> {
        if let Some(t) = &self.template {
            self.scratch.clear();
            t.render(url, &mut self.scratch);
            return out.line(&self.scratch);
        }
        if self.json {
            return out.json(&Record::new(url, text));
        }
        if changed {
            return out.line(text);
        }
        if self.printed_block {
            out.line("")?;
        }
        self.printed_block = true;
        human(url, text, out)
    }
}

/// `--default-scheme`: `host`, `host:port`, `[v6]:port`, `user@host` and `//host` get the
/// scheme; text with a real scheme (`mailto:x`, `http://…`) or an absolute path does not.
/// A "scheme" followed by a digit is a host and port (`localhost:8080`): that is the one
/// place netkit reads differently from Python, and only when asked to.
fn with_default_scheme<'a>(input: &'a str, scheme: Option<&str>) -> Cow<'a, str> {
    let Some(scheme) = scheme else {
        return Cow::Borrowed(input);
    };
    let text = input.trim_start_matches(|c: char| c <= ' ');
    if text.is_empty() || (text.starts_with('/') && !text.starts_with("//")) {
        return Cow::Borrowed(input);
    }
    if text.starts_with("//") {
        return Cow::Owned(format!("{scheme}:{text}"));
    }
    if let Some(colon) = scheme_end(text) {
        let after = text[colon + 1..].bytes().next();
        if !after.is_some_and(|b| b.is_ascii_digit()) {
            return Cow::Borrowed(input);
        }
    }
    Cow::Owned(format!("{scheme}://{text}"))
}

/// SPEC §8's JSON record; `netloc` is an addition.
#[derive(Serialize)]
struct Record<'a> {
    url: &'a str,
    scheme: &'a str,
    netloc: &'a str,
    user: Option<&'a str>,
    password: Option<&'a str>,
    host: Option<&'a str>,
    host_unicode: Option<&'a str>,
    port: Option<u16>,
    default_port: Option<u16>,
    path: &'a str,
    params: &'a str,
    query: &'a str,
    fragment: &'a str,
    query_pairs: QueryPairs<'a>,
}

impl<'a> Record<'a> {
    fn new(url: &'a Url<'a>, text: &'a str) -> Self {
        Record {
            url: text,
            scheme: url.scheme(),
            netloc: url.netloc(),
            user: url.user(),
            password: url.password(),
            host: url.host(),
            host_unicode: url.host_unicode(),
            port: url.port(),
            default_port: url.default_port(),
            path: url.path(),
            params: url.params(),
            query: url.query(),
            fragment: url.fragment(),
            query_pairs: QueryPairs(url),
        }
    }
}

/// Serialises the pairs as they are decoded: no list is built first.
struct QueryPairs<'a>(&'a Url<'a>);

impl Serialize for QueryPairs<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut seq = serializer.serialize_seq(None)?;
        for (k, v) in self.0.query_pairs() {
            seq.serialize_element(&(&*k, &*v))?;
        }
        seq.end()
    }
}

/// One `name: value` line per component, in the JSON order; absent values print nothing
/// after the colon. Control characters are shown escaped: this is for a terminal.
fn human(url: &Url<'_>, text: &str, out: &mut Stdout) -> io::Result<()> {
    let port = |p: Option<u16>| p.map(|p| p.to_string()).unwrap_or_default();
    let pairs = serde_json::to_string(&QueryPairs(url)).map_err(io::Error::from)?;
    let lines: [(&str, Cow<'_, str>); 14] = [
        ("url", text.into()),
        ("scheme", url.scheme().into()),
        ("netloc", url.netloc().into()),
        ("user", url.user().unwrap_or("").into()),
        ("password", url.password().unwrap_or("").into()),
        ("host", url.host().unwrap_or("").into()),
        ("host_unicode", url.host_unicode().unwrap_or("").into()),
        ("port", port(url.port()).into()),
        ("default_port", port(url.default_port()).into()),
        ("path", url.path().into()),
        ("params", url.params().into()),
        ("query", url.query().into()),
        ("fragment", url.fragment().into()),
        ("query_pairs", pairs.into()),
    ];
    let mut line = String::new();
    for (name, value) in lines {
        line.clear();
        line.push_str(name);
        line.push(':');
        if !value.is_empty() {
            line.push(' ');
            if value.chars().any(char::is_control) {
                line.push_str(&clean_text(&value));
            } else {
                line.push_str(&value);
            }
        }
        out.line(&line)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_scheme_applies_to_bare_hosts_only() {
        let d = |s| with_default_scheme(s, Some("http")).into_owned();
        assert_eq!(d("example.com"), "http://example.com");
        assert_eq!(d("localhost:8080/x"), "http://localhost:8080/x");
        assert_eq!(d("[::1]:80"), "http://[::1]:80");
        assert_eq!(d("u@h:25"), "http://u@h:25");
        assert_eq!(d("//h/p"), "http://h/p");
        assert_eq!(d("/abs/path"), "/abs/path");
        assert_eq!(d("mailto:a@b"), "mailto:a@b");
        assert_eq!(d("https://x/"), "https://x/");
        assert_eq!(d(""), "");
        assert_eq!(with_default_scheme("h", None), "h");
    }
}
