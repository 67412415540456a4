//! `netkit fetch`: download HTTP(S) URLs with curl's flag names (SPEC §7, §8). Parses flags
//! into `http::Settings`, runs the URLs (in parallel under `-P`), prints one JSON object per
//! URL with `--json`; the download itself is `crate::http`. `ftp(s)://` and `gopher(s)://`
//! URLs run through the ftp and gopher commands.

use std::fs::File;
use std::io::{self, Read, Write};
use std::mem::ManuallyDrop;
use std::os::fd::FromRawFd;
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;

use crate::auth::credentials::{self, NetrcChoice, Request, Source};
use crate::auth::secret::Secret;
use crate::cli::common::ClientOpts;
use crate::cli::exit::{self, Outcome};
use crate::cli::render::{Stdout, warn_as};
use crate::http::download::NetrcLookup;
use crate::http::form::Payload;
use crate::http::{Client, Destination, Report, Settings};
use crate::net::{self, TlsSettings};
use crate::progress::Progress;
use crate::{Error, ErrorKind};
use ureq::http::{HeaderName, HeaderValue};

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

/// `1000`, `100K`, `1.5M`, `2G` (1024-based, as curl reads them).
pub fn parse_size(text: &str) -> Result<u64, String> {
    let t = text.trim();
    let (number, unit) = match t.char_indices().find(|(_, c)| c.is_ascii_alphabetic()) {
        Some((i, _)) => (&t[..i], &t[i..]),
        None => (t, ""),
    };
    let scale: u64 = match unit.to_ascii_uppercase().as_str() {
        "" | "B" => 1,
        "K" | "KB" | "KIB" => 1 << 10,
        "M" | "MB" | "MIB" => 1 << 20,
        "G" | "GB" | "GIB" => 1 << 30,
        "T" | "TB" | "TIB" => 1 << 40,
        _ => return Err(format!("'{text}': unknown unit (use K, M, G or T)")),
    };
    let value: f64 = number
        .parse()
        .map_err(|_| format!("'{text}' is not a size like 500K or 2M"))?;
    let bytes = value * scale as f64;
    if !bytes.is_finite() || bytes < 1.0 || bytes > u64::MAX as f64 {
        return Err(format!("'{text}': must be at least 1 byte"));
    }
    Ok(bytes as u64)
}

/// A wanted SHA-256; a newtype because clap reads a bare `Vec<u8>` field as many values.
#[derive(Clone, Debug)]
pub struct Digest(pub Vec<u8>);

pub fn parse_sha256(text: &str) -> Result<Digest, String> {
    let t = text.trim();
    if t.len() != 64 || !t.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err("expected 64 hex digits".to_owned());
    }
    (0..32)
        .map(|i| u8::from_str_radix(&t[2 * i..2 * i + 2], 16).map_err(|e| e.to_string()))
        .collect::<Result<_, _>>()
        .map(Digest)
}

/// `-d`/`--data-binary` values: literal, `@FILE`, `@-`; `-d` drops CR and LF from files as
/// curl does. `stdin_used` makes a second `@-` a usage error.
fn data_value(value: &str, strip: bool, stdin_used: &mut bool) -> Result<Vec<u8>, Error> {
    let Some(path) = value.strip_prefix('@') else {
        return Ok(value.as_bytes().to_vec());
    };
    let mut bytes = Vec::new();
    if path == "-" {
        if std::mem::replace(stdin_used, true) {
            return Err(Error::usage("stdin (@-) can be read once"));
        }
        io::stdin().lock().read_to_end(&mut bytes).map_err(|e| {
            Error::new(
                ErrorKind::LocalIo,
                format!("reading stdin: {}", net::io_words(&e)),
            )
        })?;
    } else {
        File::open(path)
            .and_then(|mut f| f.read_to_end(&mut bytes))
            .map_err(|e| {
                Error::new(
                    ErrorKind::LocalIo,
                    format!("reading {path}: {}", net::io_words(&e)),
                )
            })?;
    }
    if strip {
        bytes.retain(|&b| b != b'\r' && b != b'\n');
    }
    Ok(bytes)
}

fn payload(args: &Args, deadline: net::Deadline) -> Result<Option<Payload>, Error> {
    let kinds = usize::from(!args.data.is_empty() || !args.data_binary.is_empty())
        + usize::from(!args.form.is_empty())
        + usize::from(args.upload.is_some());
    if kinds > 1 {
        return Err(Error::usage(
            "-d/--data-binary, -F and -T are one body each: give one of them",
        ));
    }
    if kinds == 1 && args.head {
        return Err(Error::usage(
            "-I sends HEAD, which has no body: drop -d/-F/-T or -I",
        ));
    }
    if !args.form.is_empty() {
        return Payload::form(&args.form).map(Some);
    }
    if let Some(path) = &args.upload
        && path.as_os_str() == "-"
    {
        let bounds = crate::local::Bounds {
            max_bytes: None,
            deadline: deadline.instant(),
        };
        let (file, len) = crate::local::spool_stdin(bounds)?;
        return Ok(Some(Payload::Spooled {
            file: std::sync::Arc::new(file),
            len,
        }));
    }
    if let Some(path) = &args.upload {
        std::fs::metadata(path).map_err(|e| {
            Error::new(
                ErrorKind::LocalIo,
                format!("reading {}: {}", path.display(), net::io_words(&e)),
            )
        })?;
        return Ok(Some(Payload::Upload(path.clone())));
    }
    if args.data.is_empty() && args.data_binary.is_empty() {
        return Ok(None);
    }
    let mut stdin_used = false;
    let mut pieces = Vec::new();
    for d in &args.data {
        pieces.push(data_value(d, true, &mut stdin_used)?);
    }
    for d in &args.data_binary {
        pieces.push(data_value(d, false, &mut stdin_used)?);
    }
    Ok(Some(Payload::Data {
        bytes: pieces.join(&b'&'),
        form_encoded: true,
    }))
}

fn headers(list: &[String]) -> Result<Vec<(String, String)>, Error> {
    list.iter()
        .map(|h| {
            let shown = exit::safe_text(h);
            let (name, value) = h
                .split_once(':')
                .ok_or_else(|| Error::usage(format!("-H '{shown}': expected 'Name: value'")))?;
            let (name, value) = (name.trim(), value.trim());
            if HeaderName::from_bytes(name.as_bytes()).is_err() {
                return Err(Error::usage(format!(
                    "-H '{shown}': '{}' is not a header name (letters, digits and -)",
                    exit::safe_text(name)
                )));
            }
            header_value(&format!("-H '{shown}'"), value)?;
            Ok((name.to_owned(), value.to_owned()))
        })
        .collect()
}

/// A value that goes into a request header as given (`-H`, `-A`): no CR, LF or other
/// control character (tab aside), which would split the request or, for `-A`, make ureq
/// panic when it builds the header.
fn header_value(what: &str, value: &str) -> Result<(), Error> {
    if HeaderValue::from_str(value).is_err() {
        return Err(Error::usage(format!(
            "{what}: a header value cannot hold CR, LF or other control characters"
        )));
    }
    Ok(())
}

/// `-A TEXT`, or netkit's own name.
fn user_agent(args: &Args) -> Result<String, Error> {
    match &args.user_agent {
        Some(ua) => {
            header_value(&format!("-A '{}'", exit::safe_text(ua)), ua)?;
            Ok(ua.clone())
        }
        None => Ok(format!("netkit/{}", env!("CARGO_PKG_VERSION"))),
    }
}

fn destination(args: &Args) -> Result<Destination, Error> {
    if args.output.is_some() && args.urls.len() > 1 {
        return Err(Error::usage(
            "-o names one file: with several URLs use -O (and --output-dir)",
        ));
    }
    if args.resume && args.remote_header_name {
        return Err(Error::usage(
            "-C cannot resume a -J name (it is known only from the reply): use -o FILE -C",
        ));
    }
    if let Some(path) = &args.output {
        return Ok(Destination::File {
            path: path.clone(),
            resume: args.resume,
        });
    }
    if args.remote_name || args.output_dir.is_some() {
        return Ok(Destination::Remote {
            dir: args.output_dir.clone(),
            from_header: args.remote_header_name,
            clobber: args.clobber,
            resume: args.resume,
        });
    }
    if args.resume {
        return Err(Error::usage("-C resumes a file: give -o FILE or -O"));
    }
    if args.client.output.json && !args.head {
        return Err(Error::usage(
            "--json prints the report on stdout: save the body with -o FILE or -O (-o /dev/null drops it)",
        ));
    }
    if args.parallel > 1 && args.urls.len() > 1 {
        return Err(Error::usage(
            "-P writes files: give -O (and --output-dir), bodies cannot share stdout",
        ));
    }
    Ok(Destination::Stdout)
}

/// `-O` with several URLs: two URLs whose names are the same file would write one `.part`
/// (at once under `-P`) and leave one body under the name, maybe not the one asked for
/// last; refused before anything is fetched. `-J` names are known only from the replies:
/// the `.part` lock (save::Output) catches those.
fn check_distinct_names(args: &Args, dest: &Destination) -> Result<(), Error> {
    let Destination::Remote {
        dir,
        from_header: false,
        ..
    } = dest
    else {
        return Ok(());
    };
    let mut seen: std::collections::HashMap<PathBuf, &str> = std::collections::HashMap::new();
    for url in &args.urls {
        let Some(name) = url::Url::parse(url)
            .ok()
            .and_then(|u| crate::http::names::from_url_path(u.path()))
        else {
            continue;
        };
        let path = dir
            .as_deref()
            .map_or_else(|| PathBuf::from(&name), |d| d.join(&name));
        if let Some(before) = seen.insert(path.clone(), url) {
            return Err(Error::usage(format!(
                "{} and {} would both be saved as {}: fetch them in separate runs or with -o",
                net::target::redacted(before),
                net::target::redacted(url),
                exit::safe_text(&path.display().to_string())
            )));
        }
    }
    Ok(())
}

fn netrc_choice(args: &Args) -> Option<Option<PathBuf>> {
    let auth = &args.client.auth;
    if auth.no_netrc {
        None
    } else {
        Some(auth.netrc_file.clone())
    }
}

/// `-u` (with `--password-file`, `NETKIT_PASSWORD` or a prompt) for the first URL's host.
fn explicit_credentials(args: &Args, host: &str) -> Result<Option<(String, Secret)>, Error> {
    let auth = &args.client.auth;
    if auth.user.is_none() {
        return Ok(None);
    }
    let req = Request {
        host,
        url_user: None,
        url_password: None,
        user_option: auth.user.as_deref(),
        password_file: auth.password_file.as_deref(),
        env_password: std::env::var("NETKIT_PASSWORD").ok(),
        netrc: NetrcChoice::Off,
        allow_prompt: true,
    };
    let found = credentials::find(&req)?;
    if let Some(c) = &found
        && c.source == Source::CommandLine
        && !args.client.output.quiet
    {
        warn_as(
            "fetch",
            args.client.output.json,
            "warning: a password given with -u shows in ps; prefer --password-file or NETKIT_PASSWORD",
        );
    }
    Ok(found.map(|c| (c.user, c.password)))
}

fn netrc_lookup(choice: Option<Option<PathBuf>>) -> NetrcLookup {
    Box::new(move |host: &str| {
        let file = choice.as_ref()?;
        let netrc = match file {
            Some(p) => NetrcChoice::File(p),
            None => NetrcChoice::Default,
        };
        let req = Request {
            host,
            url_user: None,
            url_password: None,
            user_option: None,
            password_file: None,
            env_password: None,
            netrc,
            allow_prompt: false,
        };
        credentials::find(&req)
            .ok()
            .flatten()
            .map(|c| (c.user, c.password))
    })
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
fn gopher_urls(args: &Args) -> anyhow::Result<Outcome> {
    if let Some(flag) = http_only_flag(args) {
        return Err(Error::usage(format!("{flag} is for http(s):// URLs, not gopher://")).into());
    }
    if args.resume {
        return Err(Error::usage("-C: gopher has no byte ranges to resume from").into());
    }
    if args.output.is_some() && args.urls.len() > 1 {
        return Err(Error::usage("-o names one file: use -O with several URLs").into());
    }
    let json = args.client.output.json;
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
        match crate::cli::cmd::gopher::run(one) {
            Ok(Outcome::Success | Outcome::Code(0)) => {}
            Ok(Outcome::Exit(kind)) => failures.push(kind),
            // Only a probe decides its own code, and fetch does not probe through here.
            Ok(Outcome::Code(_)) => failures.push(ErrorKind::CheckFailed),
            Err(e) => {
                if args.urls.len() == 1 {
                    return Err(e);
                }
                let kind = exit::classify(&e);
                exit::report("fetch", json, &e);
                failures.push(kind);
            }
        }
    }
    Ok(match failures.first() {
        None => Outcome::Success,
        Some(_) if failures.len() < args.urls.len() => Outcome::Exit(ErrorKind::Partial),
        Some(&first) => Outcome::Exit(first),
    })
}

/// `fetch ftp://…` and `ftps://…`: each URL is an `ftp get` with fetch's output flags
/// (`-o`, `-O`, `--output-dir`, `-C`, `--sha256`), in turn; several URLs end as fetch's do
/// (12 when some failed, the first failure's code when all did).
fn ftp_urls(args: &Args) -> anyhow::Result<Outcome> {
    if let Some(flag) = http_only_flag(args) {
        return Err(Error::usage(format!("{flag} is for http(s):// URLs, not ftp://")).into());
    }
    if args.output.is_some() && args.urls.len() > 1 {
        return Err(Error::usage("-o names one file: use -O with several URLs").into());
    }
    let json = args.client.output.json;
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
        match crate::cli::cmd::ftp::run(one) {
            Ok(Outcome::Success | Outcome::Code(0)) => {}
            Ok(Outcome::Exit(kind)) => failures.push(kind),
            // Only a probe decides its own code, and fetch does not probe through here.
            Ok(Outcome::Code(_)) => failures.push(ErrorKind::CheckFailed),
            Err(e) => {
                if args.urls.len() == 1 {
                    return Err(e);
                }
                let kind = exit::classify(&e);
                exit::report("fetch", json, &e);
                failures.push(kind);
            }
        }
    }
    Ok(match failures.first() {
        None => Outcome::Success,
        Some(_) if failures.len() < args.urls.len() => Outcome::Exit(ErrorKind::Partial),
        Some(&first) => Outcome::Exit(first),
    })
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
