//! `netkit fetch`: download HTTP(S) URLs with curl's flag names (SPEC §7, §8). Parses flags
//! into `http::Settings`, runs the URLs (in parallel under `-P`), prints one JSON object per
//! URL with `--json`; the download itself is `crate::http`. `ftp(s)://` and `gopher(s)://`
//! URLs run through the ftp and gopher commands.
//!
//! What each flag means for `http::Settings` (sizes, digests, the body, headers, the
//! destination, credentials) is in `settings`; the ftp and gopher hand-over in `ftp_gopher`.

mod ftp_gopher;
mod settings;

use std::fs::File;
use std::io::{self, Write};
use std::mem::ManuallyDrop;
use std::os::fd::FromRawFd;
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;

use crate::cli::common::ClientOpts;
use crate::cli::exit::{self, Outcome};
use crate::cli::render::{Stdout, warn_as};
use crate::http::{Client, Report, Settings};
use crate::net::{self, TlsSettings};
use crate::progress::Progress;
use crate::{Error, ErrorKind};
use ftp_gopher::{ftp_urls, gopher_urls};
pub use settings::{Digest, parse_sha256, parse_size};
use settings::{
    check_distinct_names, destination, explicit_credentials, headers, netrc_choice, netrc_lookup,
    payload, user_agent,
};

#[derive(clap::Args, Debug)]
pub struct Args {
    /// http(s)://, ftp(s):// or gopher(s):// URLs; several are fetched in turn (or N at a time
    /// with -P)
    #[arg(value_name = "URL", required = true)]
    pub urls: Vec<String>,

    /// Write the body to FILE (via FILE.part, renamed when complete) instead of stdout
    #[arg(short = 'o', long, value_name = "FILE")]
    pub output: Option<PathBuf>,

    /// Name the file after the URL's last path segment (one file per URL)
    #[arg(short = 'O', long)]
    pub remote_name: bool,

    /// With -O: take the name from Content-Disposition when the server sends one
    #[arg(short = 'J', long, requires = "remote_name")]
    pub remote_header_name: bool,

    /// Directory for -O files
    #[arg(long, value_name = "DIR")]
    pub output_dir: Option<PathBuf>,

    /// Resume from the size of FILE.part (curl's -C - is the same)
    #[arg(short = 'C', long = "continue")]
    pub resume: bool,

    /// Replace an existing file whose name came from the server (-J)
    #[arg(long)]
    pub clobber: bool,

    /// HEAD request: print the status line and headers only
    #[arg(short = 'I', long)]
    pub head: bool,

    /// Print the status line and headers before the body
    #[arg(short = 'i', long)]
    pub include: bool,

    /// Request method (default GET; POST with -d/-F; PUT with -T)
    #[arg(short = 'X', long = "request", value_name = "METHOD")]
    pub method: Option<String>,

    /// Extra request header 'Name: value'; repeat for more
    #[arg(short = 'H', long = "header", value_name = "'NAME: VALUE'")]
    pub headers: Vec<String>,

    /// POST data, form-encoded; @FILE reads FILE (line ends removed), @- reads stdin;
    /// repeated values are joined with &
    #[arg(short = 'd', long = "data", value_name = "DATA")]
    pub data: Vec<String>,

    /// POST data sent exactly as given; @FILE and @- as for -d, bytes kept
    #[arg(long, value_name = "DATA")]
    pub data_binary: Vec<String>,

    /// Multipart form field NAME=VALUE or NAME=@FILE (streamed); repeat for more
    #[arg(short = 'F', long = "form", value_name = "NAME=VALUE")]
    pub form: Vec<String>,

    /// Upload FILE as the request body (PUT unless -X says otherwise); - reads stdin
    /// (spooled first, up to 256 MiB, so that a retry or redirect can send it again)
    #[arg(short = 'T', long = "upload-file", value_name = "FILE")]
    pub upload: Option<PathBuf>,

    /// Follow redirects (the default; accepted for curl habits)
    #[arg(short = 'L', long)]
    pub location: bool,

    /// Do not follow redirects: print or save the 3xx response itself
    #[arg(long, conflicts_with = "location")]
    pub no_location: bool,

    /// Most redirects to follow before giving up (exit 8)
    #[arg(long, value_name = "N", default_value_t = 10)]
    pub max_redirs: u32,

    /// Follow a redirect from https to plain http
    #[arg(long)]
    pub allow_downgrade: bool,

    /// Retry up to N times on connect errors, timeouts, drops, 408, 429 and (for GET, HEAD,
    /// PUT, DELETE) 5xx, backing off 1, 2, 4… s or as Retry-After says (a Retry-After over
    /// 2 min fails at once); a partial file is resumed with Range
    #[arg(long, value_name = "N", default_value_t = 0)]
    pub retry: u32,

    /// Fail with exit 10 unless the body's SHA-256 is HEX; the file is then not kept
    #[arg(long, value_name = "HEX", value_parser = parse_sha256)]
    pub sha256: Option<Digest>,

    /// Most bytes per second (suffixes K, M, G: 1024-based)
    #[arg(long, value_name = "RATE", value_parser = parse_size)]
    pub limit_rate: Option<u64>,

    /// Refuse bodies larger than SIZE (exit 1), from Content-Length or as the body passes it
    #[arg(long, value_name = "SIZE", value_parser = parse_size)]
    pub max_filesize: Option<u64>,

    /// Fetch N URLs at a time (needs -O or --json with files)
    #[arg(short = 'P', long = "parallel", value_name = "N", default_value_t = 1,
          value_parser = clap::value_parser!(u16).range(1..=64))]
    pub parallel: u16,

    /// Ask for gzip or brotli and decode it while streaming
    #[arg(long)]
    pub compressed: bool,

    /// User-Agent header (default netkit/VERSION)
    #[arg(short = 'A', long, value_name = "TEXT")]
    pub user_agent: Option<String>,

    /// Write the body of an HTTP error (≥ 400) too, and exit 0
    #[arg(long)]
    pub no_fail: bool,

    /// Proxy URL (http://HOST:PORT) instead of http_proxy/https_proxy/all_proxy; "" for none
    #[arg(long, value_name = "URL")]
    pub proxy: Option<String>,

    /// Comma list of hosts that bypass the proxy (instead of no_proxy); * for all
    #[arg(long, value_name = "HOSTS")]
    pub noproxy: Option<String>,

    #[command(flatten)]
    pub client: ClientOpts,

    #[command(flatten)]
    pub probe: crate::cli::probe::ProbeOpts,
}

pub fn run(mut args: Args) -> anyhow::Result<Outcome> {
    args.probe.validate(false)?;
    if args.probe.check {
        return check(&args);
    }
    // curl's `-C -`: the dash is the offset argument, not a URL.
    if args.resume {
        args.urls.retain(|u| u != "-");
        if args.urls.is_empty() {
            return Err(Error::usage("no URL given").into());
        }
    }
    let is_ftp = |u: &String| {
        let lower = u.to_ascii_lowercase();
        lower.starts_with("ftp://") || lower.starts_with("ftps://")
    };
    let is_gopher = |u: &String| {
        let lower = u.to_ascii_lowercase();
        lower.starts_with("gopher://") || lower.starts_with("gophers://")
    };
    if args.urls.iter().any(is_gopher) {
        if !args.urls.iter().all(is_gopher) {
            return Err(Error::usage(
                "gopher:// and other URLs in one run: fetch them in separate runs",
            )
            .into());
        }
        return gopher_urls(&args);
    }
    if args.urls.iter().any(is_ftp) {
        if !args.urls.iter().all(is_ftp) {
            return Err(Error::usage(
                "ftp:// and http(s):// URLs in one run: fetch them in separate runs",
            )
            .into());
        }
        return ftp_urls(&args);
    }
    let deadline = args.client.net.deadline();
    let dest = destination(&args)?;
    check_distinct_names(&args, &dest)?;
    let payload = payload(&args, deadline)?;
    let first_host = url::Url::parse(&args.urls[0])
        .ok()
        .and_then(|u| u.host_str().map(str::to_owned))
        .unwrap_or_default();
    let json = args.client.output.json;
    let quiet = args.client.output.quiet;
    if args.urls.iter().any(|u| has_url_password(u)) && !quiet {
        warn_as(
            "fetch",
            json,
            "warning: a password in the URL shows in ps; prefer --password-file or NETKIT_PASSWORD",
        );
    }
    let tls = &args.client.tls;
    if tls.insecure && !quiet {
        warn_as("fetch", json, "warning: -k: certificates are not verified");
    }
    let settings = Settings {
        method: args.method.clone().map(|m| m.to_ascii_uppercase()),
        headers: headers(&args.headers)?,
        payload,
        user_agent: user_agent(&args)?,
        compressed: args.compressed,
        follow: !args.no_location,
        max_redirs: args.max_redirs,
        allow_downgrade: args.allow_downgrade,
        retries: args.retry,
        limit_rate: args.limit_rate,
        max_filesize: args.max_filesize,
        fail: !args.no_fail,
        head_only: args.head,
        include_head: args.include,
        verbose: args.client.output.verbose > 0,
        family: args.client.net.family(),
        connect_timeout: args.client.net.connect_timeout,
        timeout: args.client.net.timeout,
        deadline,
        tls: TlsSettings {
            cacert: tls.cacert.clone(),
            insecure: tls.insecure,
        },
        proxy: args.proxy.clone(),
        noproxy: args.noproxy.clone(),
        credentials: explicit_credentials(&args, &first_host)?,
        netrc: netrc_lookup(netrc_choice(&args)),
        sha256: args.sha256.as_ref().map(|d| d.0.clone()),
    };
    let _interrupt = crate::save::exit_130_on_interrupt();
    let progress = Progress::for_stderr(quiet, args.client.output.no_progress);
    let several = args.urls.len() > 1;
    let workers = usize::from(args.parallel).min(args.urls.len()).max(1);
    let mut json_out = Stdout::new();
    let mut ok = 0usize;
    let mut failures: Vec<ErrorKind> = Vec::new();
    let mut handle =
        |url: &str, result: Result<Report, Error>, out: &mut Stdout| -> io::Result<()> {
            match result {
                Ok(report) => {
                    ok += 1;
                    if json {
                        out.json(&report)?;
                    }
                }
                Err(e) => {
                    let item = several.then_some(url);
                    exit::print_item_error("fetch", json, item, e.kind(), e.message());
                    failures.push(e.kind());
                }
            }
            Ok(())
        };
    if workers == 1 {
        let client = Client::new(&settings);
        // Bodies go straight to fd 1: std's stdout is line-buffered, which splits a binary
        // body at every newline.
        // SAFETY: fd 1 stays open for the whole process; ManuallyDrop never closes it.
        let mut body_out = ManuallyDrop::new(unsafe { File::from_raw_fd(1) });
        for url in &args.urls {
            let result = client.fetch(url, &dest, &mut *body_out, &progress);
            if let Err(e) = &result
                && e.kind() == ErrorKind::LocalIo
                && e.message() == "stdout closed"
            {
                return Ok(Outcome::Success);
            }
            handle(url, result, &mut json_out)?;
            json_out.flush()?;
        }
    } else {
        let next = AtomicUsize::new(0);
        let (tx, rx) = mpsc::channel::<(usize, Result<Report, Error>)>();
        std::thread::scope(|scope| -> io::Result<()> {
            for _ in 0..workers {
                let tx = tx.clone();
                let (settings, dest, progress, next, urls) =
                    (&settings, &dest, &progress, &next, &args.urls);
                scope.spawn(move || {
                    let client = Client::new(settings);
                    let mut sink = io::sink();
                    loop {
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        let Some(url) = urls.get(i) else { break };
                        let result = client.fetch(url, dest, &mut sink, progress);
                        if tx.send((i, result)).is_err() {
                            break;
                        }
                    }
                });
            }
            drop(tx);
            for (i, result) in rx {
                handle(&args.urls[i], result, &mut json_out)?;
                json_out.flush()?;
            }
            Ok(())
        })?;
    }
    json_out.finish()?;
    Ok(match (ok, failures.first()) {
        (_, None) => Outcome::Success,
        (0, Some(&kind)) => Outcome::Exit(kind),
        (_, Some(_)) => Outcome::Exit(ErrorKind::Partial),
    })
}

fn has_url_password(url: &str) -> bool {
    url::Url::parse(url).is_ok_and(|u| u.password().is_some())
}

/// `fetch --check URL`: one HEAD request (http, https) on netkit's own connection, so the
/// probe times connect and TLS apart and sees the certificate; ftp(s):// and gopher(s)://
/// URLs are probed as their commands probe them.
fn check(args: &Args) -> anyhow::Result<Outcome> {
    use crate::cli::probe::{self as cli_probe, Context};
    let [url] = args.urls.as_slice() else {
        return Err(Error::usage("--check takes one URL").into());
    };
    let lower = url.to_ascii_lowercase();
    if lower.starts_with("ftp://") || lower.starts_with("ftps://") {
        return crate::cli::cmd::ftp::check_url(url, &args.client, &args.probe, "fetch");
    }
    if lower.starts_with("gopher://") || lower.starts_with("gophers://") {
        let c = &args.client;
        return crate::cli::cmd::gopher::check_url(
            url,
            &c.net,
            &c.tls,
            &c.output,
            &args.probe,
            "fetch",
        );
    }
    let ctx = Context {
        command: "fetch",
        service: "HTTP",
        url,
        probe: &args.probe,
        output: &args.client.output,
    };
    cli_probe::run(&ctx, |recorder| {
        let c = &args.client;
        let (json, quiet) = (c.output.json, c.output.quiet);
        let target = net::target::parse(url, &["http", "https"])?;
        let login = c.auth.credentials(&target, "fetch", json, quiet)?;
        let tls = c.tls.context("fetch", json, quiet);
        if login.is_some()
            && target.scheme.name == "http"
            && !target.is_loopback()
            && c.tls.tls != crate::cli::common::TlsMode::None
        {
            return Err(Error::new(
                ErrorKind::Tls,
                "refusing to send credentials in clear text over http:// (use https://, or --tls none to allow it)",
            ));
        }
        let deadline = c.net.deadline();
        let stream = crate::probe::open(
            &target,
            &c.net.connect_options(deadline),
            c.net.timeout,
            &tls,
            recorder,
        )?;
        let server = target.authority();
        recorder.phase(crate::probe::Phase::Request);
        cli_probe::guarded(stream, deadline, &server, |stream| {
            let transcript = c.output.transcript().with_recorder(recorder.clone());
            let login = login.as_ref().map(|l| (l.user.as_str(), &l.password));
            crate::probe::http::head(stream, &target, login, transcript, c.net.timeout)
                .map(|_status| ())
        })
    })
}
