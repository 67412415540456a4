//! `fetch ftp://…` and `fetch gopher://…`: each URL handed to the ftp or gopher command
//! with the output flags both understand; the flags only HTTP has are refused.

use std::path::PathBuf;

use super::Args;
use crate::cli::exit::{self, Outcome};
use crate::net;
use crate::{Error, ErrorKind};

/// The flags that only HTTP has, refused for ftp:// and gopher:// URLs.
fn http_only_flag(args: &Args) -> Option<&'static str> {
    let http_only = [
        (args.method.is_some(), "-X"),
        (!args.data.is_empty() || !args.data_binary.is_empty(), "-d"),
        (!args.form.is_empty(), "-F"),
        (args.upload.is_some(), "-T"),
        (!args.headers.is_empty(), "-H"),
        (args.head || args.include, "-I/-i"),
        (args.parallel > 1, "-P"),
    ];
    http_only
        .iter()
        .find(|(given, _)| *given)
        .map(|(_, flag)| *flag)
}

/// `fetch gopher://…` and `gophers://…`: each URL is a `netkit gopher` run with fetch's
/// output flags (`-o`, `-O`, `--output-dir`, `--sha256`), in turn: menus rendered, text
/// un-stuffed, binaries saved; several URLs end as fetch's do.
pub(super) fn gopher_urls(args: &Args) -> anyhow::Result<Outcome> {
    if let Some(flag) = http_only_flag(args) {
        return Err(Error::usage(format!("{flag} is for http(s):// URLs, not gopher://")).into());
    }
    if args.resume {
        return Err(Error::usage("-C: gopher has no byte ranges to resume from").into());
    }
    if args.output.is_some() && args.urls.len() > 1 {
        return Err(Error::usage("-o names one file: use -O with several URLs").into());
    }
    let mut failures: Vec<ErrorKind> = Vec::new();
    for url in &args.urls {
        let one = crate::cli::cmd::gopher::Args {
            url: url.clone(),
            query: None,
            output: args.output.clone(),
            remote_name: args.remote_name,
            output_dir: args.output_dir.clone(),
            raw: false,
            sha256: args.sha256.clone(),
            net: args.client.net.clone(),
            tls: args.client.tls.clone(),
            output_opts: args.client.output.clone(),
            probe: crate::cli::probe::ProbeOpts::default(),
        };
        record(crate::cli::cmd::gopher::run(one), args, &mut failures)?;
    }
    Ok(run_outcome(&failures, args.urls.len()))
}

/// `fetch ftp://…` and `ftps://…`: each URL is an `ftp get` with fetch's output flags
/// (`-o`, `-O`, `--output-dir`, `-C`, `--sha256`), in turn; several URLs end as fetch's do
/// (12 when some failed, the first failure's code when all did).
pub(super) fn ftp_urls(args: &Args) -> anyhow::Result<Outcome> {
    if let Some(flag) = http_only_flag(args) {
        return Err(Error::usage(format!("{flag} is for http(s):// URLs, not ftp://")).into());
    }
    if args.output.is_some() && args.urls.len() > 1 {
        return Err(Error::usage("-o names one file: use -O with several URLs").into());
    }
    let mut failures: Vec<ErrorKind> = Vec::new();
    for url in &args.urls {
        let output = if let Some(o) = &args.output {
            Some(o.clone())
        } else if args.remote_name || args.output_dir.is_some() {
            let path = url::Url::parse(url)
                .map(|u| u.path().to_owned())
                .unwrap_or_default();
            let name = crate::http::names::from_url_path(&path).ok_or_else(|| {
                Error::usage(format!(
                    "{}: no file name in the URL for -O",
                    net::target::redacted(url)
                ))
            })?;
            Some(match &args.output_dir {
                Some(dir) => dir.join(name),
                None => PathBuf::from(name),
            })
        } else {
            Some(PathBuf::from("-"))
        };
        let one = crate::cli::cmd::ftp::Args {
            word: crate::cli::probe::Word::Action(crate::cli::cmd::ftp::Action::Get),
            action: crate::cli::cmd::ftp::Action::Get,
            probe: crate::cli::probe::ProbeOpts::default(),
            operands: vec![url.clone()],
            long: false,
            all: false,
            output,
            remote_name: false,
            resume: args.resume,
            sha256: args.sha256.clone(),
            append: false,
            recursive: false,
            newer: false,
            delete: false,
            exclude: Vec::new(),
            parallel: 1,
            parents: false,
            active: false,
            ascii: false,
            client: args.client.clone(),
        };
        record(crate::cli::cmd::ftp::run(one), args, &mut failures)?;
    }
    Ok(run_outcome(&failures, args.urls.len()))
}

/// One handed-over URL's result: a failure kept for the end of the run; an error printed
/// when there are several URLs, returned as the command's own when there is one.
fn record(
    result: anyhow::Result<Outcome>,
    args: &Args,
    failures: &mut Vec<ErrorKind>,
) -> anyhow::Result<()> {
    match result {
        Ok(Outcome::Success | Outcome::Code(0)) => {}
        Ok(Outcome::Exit(kind)) => failures.push(kind),
        // Only a probe decides its own code, and fetch does not probe through here.
        Ok(Outcome::Code(_)) => failures.push(ErrorKind::CheckFailed),
        Err(e) => {
            if args.urls.len() == 1 {
                return Err(e);
            }
            let kind = exit::classify(&e);
            exit::report("fetch", args.client.output.json, &e);
            failures.push(kind);
        }
    }
    Ok(())
}

/// How a run of `urls` ends, as fetch's own runs do: success, 12 when some failed, the first
/// failure's code when all did.
fn run_outcome(failures: &[ErrorKind], urls: usize) -> Outcome {
    match failures.first() {
        None => Outcome::Success,
        Some(_) if failures.len() < urls => Outcome::Exit(ErrorKind::Partial),
        Some(&first) => Outcome::Exit(first),
    }
}
