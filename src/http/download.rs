//! One URL, downloaded the way a cron job needs it: redirects followed by netkit's rules (no
//! credentials to another origin, no silent https → http), HTTP errors as failures with the
//! server's words kept, safe retries that resume instead of starting over, the body streamed
//! through the checksum, the size limit and the rate limit into an atomic `.part` file.

use std::collections::HashSet;
use std::fs::File;
use std::io::{self, IsTerminal, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::time::{Duration, Instant, SystemTime};

use base64::Engine;
use ring::digest;
use serde::Serialize;
use ureq::http::{self, HeaderMap, Method, StatusCode};
use url::Url;

use super::form::Payload;
use super::names;
use super::policy;
use super::transport::{self, NetResolver, PhaseClock};
use crate::auth::secret::Secret;
use crate::net::{Deadline, Family, wait};
use crate::progress::Progress;
use crate::save::Output;
use crate::{Error, ErrorKind};

/// How many bytes of an error body are shown on stderr.
const ERROR_EXCERPT: usize = 512;
/// Body reads: large enough that syscalls and progress updates do not show in a profile.
const CHUNK: usize = 256 * 1024;
/// ureq's request buffer (its default is 128 KiB, zeroed on every connection): it holds the
/// request head line by line and upload chunks, so 32 KiB is plenty and saves 28 page faults
/// per invocation.
const OUTPUT_BUFFER: usize = 32 * 1024;

/// netrc, asked for a host name: the user and password of its entry.
pub type NetrcLookup = Box<dyn Fn(&str) -> Option<(String, Secret)> + Send + Sync>;

/// Everything the command's flags decide, shared by every URL of the run.
pub struct Settings {
    pub method: Option<String>,
    pub headers: Vec<(String, String)>,
    pub payload: Option<Payload>,
    pub user_agent: String,
    pub compressed: bool,
    pub follow: bool,
    pub max_redirs: u32,
    pub allow_downgrade: bool,
    pub retries: u32,
    pub limit_rate: Option<u64>,
    pub max_filesize: Option<u64>,
    /// HTTP ≥ 400 is a failure (curl's `--fail`, on by default here).
    pub fail: bool,
    /// `-I`: HEAD, print the head, no body.
    pub head_only: bool,
    /// `-i`: the head before the body.
    pub include_head: bool,
    pub verbose: bool,
    pub family: Family,
    pub connect_timeout: Duration,
    pub timeout: Duration,
    pub deadline: Deadline,
    /// Trust for https; the store is loaded only when an https URL is met.
    pub tls: crate::net::TlsSettings,
    pub proxy: Option<String>,
    pub noproxy: Option<String>,
    /// `-u`, `--password-file` or the URL's userinfo: sent to the first origin only.
    pub credentials: Option<(String, Secret)>,
    /// netrc, asked for the first URL's host only and used only on that origin (curl's
    /// rule: a redirect to another host or port never picks up that host's entry).
    pub netrc: NetrcLookup,
    pub sha256: Option<Vec<u8>>,
}

/// Where the body goes.
#[derive(Debug, Clone)]
pub enum Destination {
    Stdout,
    /// `-o FILE`.
    File {
        path: PathBuf,
        resume: bool,
    },
    /// `-O` (name from the URL) or `-O -J` (from Content-Disposition when sent).
    Remote {
        dir: Option<PathBuf>,
        from_header: bool,
        clobber: bool,
        resume: bool,
    },
}

/// SPEC §8's JSON object of one URL.
#[derive(Debug, Default, Serialize)]
pub struct Report {
    pub url: String,
    pub effective_url: String,
    pub status: Option<u16>,
    pub http_version: Option<String>,
    pub headers: serde_json::Map<String, serde_json::Value>,
    pub bytes: u64,
    pub content_type: Option<String>,
    pub file: Option<String>,
    pub sha256: Option<String>,
    pub redirects: u32,
    pub timings: Timings,
    pub retries: u32,
    pub resumed_from: u64,
}

#[derive(Debug, Default, Serialize, Clone, Copy)]
pub struct Timings {
    pub dns: Option<f64>,
    pub connect: Option<f64>,
    pub tls: Option<f64>,
    pub first_byte: Option<f64>,
    pub total: f64,
}

/// A failed try, and whether (and after how long) another may follow.
struct Failure {
    error: Error,
    retry: Retry,
}

enum Retry {
    No,
    /// After the backoff, or after the server's `Retry-After` when it sent one.
    Yes(Option<Duration>),
}

impl From<Error> for Failure {
    fn from(error: Error) -> Self {
        Failure {
            error,
            retry: Retry::No,
        }
    }
}

/// What survives from one try to the next: the output so far and how to resume it.
struct Progressing {
    output: Option<Output>,
    /// Bytes already written to stdout (which cannot be rewound).
    stdout_written: u64,
    hasher: Option<digest::Context>,
    /// The ETag or Last-Modified of the response being resumed, for `If-Range`.
    validator: Option<String>,
    started_at: Option<u64>,
}

impl Progressing {
    fn offset(&self) -> u64 {
        self.output
            .as_ref()
            .map_or(self.stdout_written, Output::len)
    }
}

/// The final response's head, as printed by `-i`/`-I` and `-v`.
struct Head {
    status: StatusCode,
    version: http::Version,
    headers: HeaderMap,
}

impl Head {
    fn status_line(&self) -> String {
        format!(
            "{:?} {} {}",
            self.version,
            self.status.as_u16(),
            self.status.canonical_reason().unwrap_or("")
        )
        .trim_end()
        .to_owned()
    }

    fn text(&self) -> String {
        let mut out = self.status_line();
        out.push_str("\r\n");
        for (name, value) in &self.headers {
            out.push_str(name.as_str());
            out.push_str(": ");
            out.push_str(&String::from_utf8_lossy(value.as_bytes()));
            out.push_str("\r\n");
        }
        out.push_str("\r\n");
        out
    }

    fn get(&self, name: impl http::header::AsHeaderName) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
}

/// One run's connection pools and phase clock (one per worker under `-P`): a plain agent,
/// and a TLS agent built on the first https URL, so plain requests never load the trust
/// store.
pub struct Client<'a> {
    settings: &'a Settings,
    plain: ureq::Agent,
    secure: OnceLock<Result<ureq::Agent, Error>>,
    clock: PhaseClock,
}

impl<'a> Client<'a> {
    pub fn new(settings: &'a Settings) -> Client<'a> {
        let clock = PhaseClock::new();
        let plain = agent_with(settings, ureq::tls::TlsConfig::default(), &clock);
        Client {
            settings,
            plain,
            secure: OnceLock::new(),
            clock,
        }
    }

    fn agent_for(&self, url: &Url) -> Result<&ureq::Agent, Error> {
        if url.scheme() != "https" {
            return Ok(&self.plain);
        }
        self.secure
            .get_or_init(|| {
                crate::net::tls::http_tls_config(&self.settings.tls)
                    .map(|tls| agent_with(self.settings, tls, &self.clock))
            })
            .as_ref()
            .map_err(|e| Error::new(e.kind(), e.message()))
    }

    /// Downloads `url` to `dest`, writing stdout bodies (and `-i`/`-I` heads) to `out`.
    pub fn fetch(
        &self,
        url: &str,
        dest: &Destination,
        out: &mut dyn Write,
        progress: &Progress,
    ) -> Result<Report, Error> {
        let started = Instant::now();
        let mut report = Report {
            url: crate::net::target::redacted(url),
            ..Report::default()
        };
        let (first, url_credentials) = parse_url(url)?;
        // Credentials from the URL, -u or netrc belong to the first URL's origin (scheme, host
        // and port): try_once sends them on hops to that origin only.
        let credentials = url_credentials
            .or_else(|| self.settings.credentials.clone())
            .or_else(|| first.host_str().and_then(|h| (self.settings.netrc)(h)));
        let mut state = Progressing {
            output: None,
            stdout_written: 0,
            hasher: None,
            validator: None,
            started_at: None,
        };
        // -O: the name comes from the URL, known before the request (so -C can resume it).
        let resolved;
        let dest = match dest {
            Destination::Remote {
                dir,
                from_header: false,
                resume,
                ..
            } => {
                let name = names::from_url_path(first.path()).ok_or_else(|| {
                    Error::usage(format!(
                        "{}: the URL names no file (it ends in /); use -o FILE",
                        redact(&first)
                    ))
                })?;
                resolved = Destination::File {
                    path: dir
                        .as_deref()
                        .map_or_else(|| PathBuf::from(&name), |d| d.join(&name)),
                    resume: *resume,
                };
                &resolved
            }
            other => other,
        };
        if let Destination::File { path, resume: true } = dest {
            self.open_output(&mut state, path, true)?;
        }
        let mut attempt = 0u32;
        loop {
            let result = self.try_once(
                &first,
                credentials.as_ref(),
                dest,
                out,
                &mut state,
                &mut report,
                progress,
                started,
            );
            report.timings.total = started.elapsed().as_secs_f64();
            match result {
                Ok(()) => {
                    report.retries = attempt;
                    report.resumed_from = state.started_at.unwrap_or(0);
                    return Ok(report);
                }
                Err(Failure {
                    error,
                    retry: Retry::Yes(after),
                }) if attempt < self.settings.retries => {
                    // A Retry-After beyond the cap (2 min, or what --max-time leaves) ends the
                    // run at once with the status's own exit code (11 for 429/503): sleeping a
                    // day, or until --max-time, would only hide the answer (policy::retry_wait_cap).
                    if let Some(asked) = after {
                        let left = self
                            .settings
                            .deadline
                            .instant()
                            .map(|at| at.saturating_duration_since(Instant::now()));
                        let cap = policy::retry_wait_cap(left);
                        if asked > cap {
                            let why = if cap < policy::MAX_RETRY_WAIT {
                                "what --max-time leaves"
                            } else {
                                "fetch's limit"
                            };
                            return Err(Error::new(
                                error.kind(),
                                format!(
                                    "{}; the server asked to wait {} before a retry, over {why} ({}): not retried (try again later)",
                                    error.message(),
                                    wait::seconds(asked),
                                    wait::seconds(cap)
                                ),
                            ));
                        }
                    }
                    let wait =
                        after.unwrap_or_else(|| policy::backoff(attempt, policy::clock_jitter()));
                    let Some(wait) = self.settings.deadline.cap(wait) else {
                        return Err(error);
                    };
                    if self.settings.verbose {
                        eprintln!(
                            "* {}; retry {} of {} in {}",
                            crate::cli::exit::safe_text(error.message()),
                            attempt + 1,
                            self.settings.retries,
                            wait::seconds(wait)
                        );
                    }
                    std::thread::sleep(wait);
                    attempt += 1;
                }
                Err(failure) => {
                    return Err(failure.error);
                }
            }
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn try_once(
        &self,
        first: &Url,
        credentials: Option<&(String, Secret)>,
        dest: &Destination,
        out: &mut dyn Write,
        state: &mut Progressing,
        report: &mut Report,
        progress: &Progress,
        started: Instant,
    ) -> Result<(), Failure> {
        let s = self.settings;
        let mut method = s.method.clone().unwrap_or_else(|| {
            if s.head_only {
                "HEAD".to_owned()
            } else if s.payload.as_ref().is_some_and(Payload::is_upload) {
                "PUT".to_owned()
            } else if s.payload.is_some() {
                "POST".to_owned()
            } else {
                "GET".to_owned()
            }
        });
        let mut send_body = s.payload.is_some();
        let mut current = first.clone();
        let mut seen: HashSet<(String, String)> = HashSet::new();
        seen.insert((method.clone(), first.as_str().to_owned()));
        report.redirects = 0;
        let response = loop {
            let offset = state.offset();
            let range = (offset > 0 && !s.head_only).then_some(offset);
            let home = policy::same_origin(first, &current);
            let creds = credentials.filter(|_| home).cloned();
            let request = self.request(&method, &current, home, creds, range, state, send_body)?;
            if s.verbose {
                print_request(&request, &current);
            }
            self.clock.restart();
            let sent_at = Instant::now();
            let response = self
                .agent_for(&current)?
                .run(request)
                .map_err(|e| failure_of(from_ureq(e, &current, s), &method, true))?;
            let phases = self.clock.phases();
            let secs = |d: Option<Duration>| d.map(|d| d.as_secs_f64());
            report.timings = Timings {
                dns: secs(phases.dns),
                connect: secs(phases.connect),
                tls: secs(phases.tls),
                first_byte: Some(
                    (sent_at.duration_since(started) + sent_at.elapsed()).as_secs_f64(),
                ),
                total: 0.0,
            };
            let status = response.status().as_u16();
            if s.verbose {
                print_response(&response);
            }
            let location = response
                .headers()
                .get(http::header::LOCATION)
                .map(|v| location_text(v.as_bytes()));
            match location {
                Some(location) if s.follow && matches!(status, 301 | 302 | 303 | 307 | 308) => {
                    let next = current.join(&location).map_err(|e| {
                        Error::new(
                            ErrorKind::Protocol,
                            format!(
                                "{}: bad Location '{}': {e}",
                                redact(&current),
                                crate::cli::exit::safe_text(&location)
                            ),
                        )
                    })?;
                    // What url accepts, http::Uri may not (over 64 KiB): the server's fault.
                    if let Err(e) = http::Uri::try_from(next.as_str()) {
                        return Err(Error::new(
                            ErrorKind::Protocol,
                            format!("{}: unusable Location: {e}", redact(&current)),
                        )
                        .into());
                    }
                    report.redirects += 1;
                    if report.redirects > s.max_redirs {
                        return Err(Error::new(
                            ErrorKind::Protocol,
                            format!(
                                "{}: more than {} redirects (raise --max-redirs)",
                                redact(first),
                                s.max_redirs
                            ),
                        )
                        .into());
                    }
                    if !matches!(next.scheme(), "http" | "https") {
                        return Err(Error::new(
                            ErrorKind::Protocol,
                            format!(
                                "{}: redirected to {}, which fetch does not follow",
                                redact(&current),
                                redact(&next)
                            ),
                        )
                        .into());
                    }
                    if policy::is_downgrade(&current, &next) && !s.allow_downgrade {
                        return Err(Error::new(
                            ErrorKind::Tls,
                            format!(
                                "{}: redirected from https to {}; refused (--allow-downgrade follows it)",
                                redact(&current),
                                redact(&next)
                            ),
                        )
                        .into());
                    }
                    let (m, keep) = policy::method_after_redirect(status, &method);
                    if !seen.insert((m.clone(), next.as_str().to_owned())) || next == current {
                        return Err(Error::new(
                            ErrorKind::Protocol,
                            format!("{}: redirect loop at {}", redact(first), redact(&next)),
                        )
                        .into());
                    }
                    method = m;
                    send_body &= keep;
                    current = next;
                }
                _ => break response,
            }
        };
        report.effective_url = redact(&current);
        let head = Head {
            status: response.status(),
            version: response.version(),
            headers: response.headers().clone(),
        };
        record_head(report, &head);
        let (_, body) = response.into_parts();
        self.deliver(
            &current, &method, head, body, dest, out, state, report, progress,
        )
    }

    /// One hop's request. `home`: `url` has the first URL's origin; elsewhere the `-H`
    /// headers that carry credentials are left out (curl's fix for CVE-2018-1000007).
    #[allow(clippy::too_many_arguments)]
    fn request(
        &self,
        method: &str,
        url: &Url,
        home: bool,
        creds: Option<(String, Secret)>,
        range: Option<u64>,
        state: &Progressing,
        send_body: bool,
    ) -> Result<http::Request<ureq::SendBody<'static>>, Failure> {
        let s = self.settings;
        let method = Method::from_bytes(method.as_bytes())
            .map_err(|_| Error::usage(format!("-X '{method}' is not an HTTP method")))?;
        let mut builder = http::Request::builder().method(method).uri(url.as_str());
        let mut has_type = false;
        for (name, value) in &s.headers {
            if !home && policy::is_credential_header(name) {
                continue;
            }
            has_type |= name.eq_ignore_ascii_case("content-type");
            builder = builder.header(name.as_str(), value.as_str());
        }
        if let Some((user, password)) = creds {
            let token = base64::engine::general_purpose::STANDARD
                .encode(format!("{user}:{}", password.expose()));
            builder = builder.header("Authorization", format!("Basic {token}"));
        }
        if let Some(offset) = range {
            builder = builder.header("Range", format!("bytes={offset}-"));
            if let Some(v) = &state.validator {
                builder = builder.header("If-Range", v.as_str());
            }
        }
        let body = match (&s.payload, send_body) {
            (Some(payload), true) => {
                let (reader, len, content_type) = payload.open()?;
                if let Some(ct) = content_type.filter(|_| !has_type) {
                    builder = builder.header("Content-Type", ct);
                }
                if let Some(len) = len {
                    builder = builder.header("Content-Length", len.to_string());
                }
                ureq::SendBody::from_owned_reader(reader)
            }
            _ => ureq::SendBody::none(),
        };
        let mut request = builder
            .body(body)
            .map_err(|e| Error::usage(format!("{}: bad request: {e}", redact(url))))?;
        if let Some(left) = s.deadline.instant() {
            let left = left.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return Err(Error::new(ErrorKind::Timeout, "--max-time reached").into());
            }
            request = self
                .agent_for(url)?
                .configure_request(request)
                .timeout_global(Some(left))
                .build();
        }
        if let Some(proxy_text) =
            policy::proxy_for(url, s.proxy.as_deref(), s.noproxy.as_deref(), |name| {
                std::env::var(name).ok()
            })
        {
            let proxy = ureq::Proxy::new(&proxy_text).map_err(|_| {
                Error::usage(format!(
                    "proxy '{}' is not a URL like http://HOST:PORT",
                    crate::net::target::redacted(&proxy_text)
                ))
            })?;
            // ureq is built without SOCKS support: a socks proxy would be skipped silently
            // (socks4 connected straight to the server), so it is refused instead.
            if !matches!(
                proxy.protocol(),
                ureq::ProxyProtocol::Http | ureq::ProxyProtocol::Https
            ) {
                return Err(Error::usage(format!(
                    "proxy '{}': fetch uses http:// proxies only (SOCKS is not supported)",
                    crate::net::target::redacted(&proxy_text)
                ))
                .into());
            }
            request = self
                .agent_for(url)?
                .configure_request(request)
                .proxy(Some(proxy))
                .build();
        }
        Ok(request)
    }

    #[allow(clippy::too_many_arguments)]
    fn deliver(
        &self,
        url: &Url,
        method: &str,
        head: Head,
        body: ureq::Body,
        dest: &Destination,
        out: &mut dyn Write,
        state: &mut Progressing,
        report: &mut Report,
        progress: &Progress,
    ) -> Result<(), Failure> {
        let s = self.settings;
        let status = head.status.as_u16();
        let offset = state.offset();
        if status >= 400 && s.fail {
            if status == 416 && offset > 0 && range_is_complete(&head, offset) {
                return self.finish(state, report, dest);
            }
            let excerpt = excerpt(body);
            let retry = policy::status_is_retryable(status, method).then(|| {
                head.get(http::header::RETRY_AFTER)
                    .and_then(|v| policy::retry_after(v, SystemTime::now()))
            });
            let mut message = format!("{}: {}", redact(url), head.status_line());
            if !excerpt.is_empty() {
                message.push_str(": ");
                message.push_str(&excerpt);
            }
            if status == 401 {
                message.push_str(" (check -u, --password-file or netrc)");
            }
            return Err(Failure {
                error: Error::new(policy::status_kind(status), message),
                retry: retry.map_or(Retry::No, Retry::Yes),
            });
        }
        // Resuming: a 206 must start where we are; a 200 means the whole body again.
        if offset > 0 && !s.head_only {
            if status == 206 {
                let start = content_range_start(&head);
                if start != Some(offset) {
                    return Err(Error::new(
                        ErrorKind::Protocol,
                        format!(
                            "{}: asked for bytes from {offset}, the server sent {}",
                            redact(url),
                            head.get(http::header::CONTENT_RANGE)
                                .unwrap_or("no Content-Range")
                        ),
                    )
                    .into());
                }
            } else {
                self.restart(state)?;
            }
        }
        if state.started_at.is_none() {
            state.started_at = Some(state.offset());
        }
        state.validator = head
            .get(http::header::ETAG)
            .filter(|v| !v.starts_with("W/"))
            .or_else(|| head.get(http::header::LAST_MODIFIED))
            .map(str::to_owned);
        let length = body.content_length().filter(|_| !s.head_only);
        if let (Some(max), Some(len)) = (s.max_filesize, length)
            && state.offset() + len > max
        {
            return Err(Error::new(
                ErrorKind::Refused,
                format!(
                    "{}: {} bytes, over --max-filesize {max}; nothing written",
                    redact(url),
                    state.offset() + len
                ),
            )
            .into());
        }
        if state.output.is_none() {
            match dest {
                Destination::Stdout => {}
                Destination::File { path, .. } => self.open_output(state, path, false)?,
                Destination::Remote {
                    dir,
                    from_header,
                    clobber,
                    resume,
                } => {
                    // -J: the name is known only now, so there is nothing to resume.
                    let path = remote_path(url, &head, dir.as_deref(), *from_header, *clobber)?;
                    self.open_output(state, &path, *resume && !*from_header)?;
                }
            }
        }
        report.file = state
            .output
            .as_ref()
            .and_then(|o| o.target())
            .map(|p| p.display().to_string());
        if s.head_only || s.include_head {
            self.write(state, out, head.text().as_bytes(), false)
                .map_err(Failure::from)?;
            if s.head_only {
                return self.finish(state, report, dest);
            }
        }
        self.stream(url, method, body, length, out, state, progress)?;
        self.finish(state, report, dest)
    }

    #[allow(clippy::too_many_arguments)]
    fn stream(
        &self,
        url: &Url,
        method: &str,
        body: ureq::Body,
        length: Option<u64>,
        out: &mut dyn Write,
        state: &mut Progressing,
        progress: &Progress,
    ) -> Result<(), Failure> {
        let s = self.settings;
        let bar = progress.bar(
            &label(url),
            length.map(|l| state.offset() + l),
            state.offset(),
        );
        let mut reader = body.into_with_config().limit(u64::MAX).reader();
        let mut buf = vec![0u8; CHUNK];
        let step = s
            .limit_rate
            .map_or(CHUNK, |r| (r / 8).clamp(1024, CHUNK as u64) as usize);
        let rate_start = Instant::now();
        let mut received = 0u64;
        let mut first = true;
        loop {
            let n = match reader.read(&mut buf[..step]) {
                Ok(0) => break,
                Ok(n) => n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => {
                    let error = body_error(e, url, received, length, s);
                    // A drop or a stall mid-body: resumable, so worth a retry when safe.
                    let retry = matches!(error.kind(), ErrorKind::Protocol | ErrorKind::Timeout)
                        && policy::is_idempotent(method)
                        && !error.message().contains("--max-time");
                    return Err(Failure {
                        error,
                        retry: if retry { Retry::Yes(None) } else { Retry::No },
                    });
                }
            };
            let data = &buf[..n];
            if first {
                first = false;
                if state.output.is_none() && is_binary(data) && io::stdout().is_terminal() {
                    return Err(Error::usage(format!(
                        "{}: binary data; not written to the terminal (use -o FILE or -O, or pipe it)",
                        redact(url)
                    ))
                    .into());
                }
            }
            received += n as u64;
            if let Some(max) = s.max_filesize
                && state.offset() + n as u64 > max
            {
                if let Some(output) = state.output.take() {
                    output.discard();
                }
                return Err(Error::new(
                    ErrorKind::Refused,
                    format!(
                        "{}: over --max-filesize {max} bytes; stopped and removed the partial file",
                        redact(url)
                    ),
                )
                .into());
            }
            self.write(state, out, data, true)?;
            bar.advance(n as u64);
            if let Some(rate) = s.limit_rate {
                let due = Duration::from_secs_f64(received as f64 / rate as f64);
                let elapsed = rate_start.elapsed();
                if due > elapsed {
                    std::thread::sleep(due - elapsed);
                }
            }
        }
        Ok(())
    }

    /// Writes body (or head) bytes to the output, hashing body bytes of files.
    fn write(
        &self,
        state: &mut Progressing,
        out: &mut dyn Write,
        data: &[u8],
        is_body: bool,
    ) -> Result<(), Error> {
        if is_body && let Some(h) = state.hasher.as_mut() {
            h.update(data);
        }
        match state.output.as_mut() {
            Some(output) => output.write_all(data),
            None => {
                out.write_all(data).map_err(|e| {
                    if e.kind() == io::ErrorKind::BrokenPipe {
                        Error::new(ErrorKind::LocalIo, "stdout closed").with_source(e)
                    } else {
                        Error::new(
                            ErrorKind::LocalIo,
                            format!("writing stdout: {}", crate::error::io_words(&e)),
                        )
                    }
                })?;
                if is_body {
                    state.stdout_written += data.len() as u64;
                }
                Ok(())
            }
        }
    }

    fn open_output(&self, state: &mut Progressing, path: &Path, resume: bool) -> Result<(), Error> {
        let output = Output::open(path, resume)?;
        let hashing = output.target().is_some() || self.settings.sha256.is_some();
        let mut hasher = hashing.then(|| digest::Context::new(&digest::SHA256));
        if let Some(h) = hasher.as_mut()
            && !output.is_empty()
        {
            hash_file(h, output.working_path())?;
        }
        state.hasher = hasher;
        state.output = Some(output);
        Ok(())
    }

    fn restart(&self, state: &mut Progressing) -> Result<(), Error> {
        if let Some(output) = state.output.as_mut() {
            output.restart()?;
        } else if state.stdout_written > 0 {
            return Err(Error::new(
                ErrorKind::Protocol,
                format!(
                    "the server sent the whole body again after {} bytes went to stdout; the output is incomplete",
                    state.stdout_written
                ),
            ));
        }
        state.hasher = state
            .hasher
            .as_ref()
            .map(|_| digest::Context::new(&digest::SHA256));
        state.started_at = Some(0);
        Ok(())
    }

    fn finish(
        &self,
        state: &mut Progressing,
        report: &mut Report,
        dest: &Destination,
    ) -> Result<(), Failure> {
        report.bytes = state.offset();
        if state.hasher.is_none() && self.settings.sha256.is_some() {
            state.hasher = Some(digest::Context::new(&digest::SHA256));
        }
        let sum = state.hasher.take().map(|h| h.finish().as_ref().to_vec());
        report.sha256 = sum.as_deref().map(hex);
        if let (Some(want), Some(got)) = (&self.settings.sha256, &sum)
            && want != got
        {
            if let Some(output) = state.output.take() {
                output.discard();
            }
            return Err(Error::new(
                ErrorKind::CheckFailed,
                format!(
                    "{}: sha256 is {}, not {} (--sha256); file not kept",
                    report.effective_url,
                    hex(got),
                    hex(want)
                ),
            )
            .into());
        }
        if let Some(output) = state.output.take() {
            let done = output.commit()?;
            report.file = done.map(|p| p.display().to_string());
        } else if matches!(dest, Destination::Stdout) {
            report.file = None;
        }
        Ok(())
    }
}

fn agent_with(settings: &Settings, tls: ureq::tls::TlsConfig, clock: &PhaseClock) -> ureq::Agent {
    let config = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .max_redirects(0)
        // The proxy is chosen per URL by policy::proxy_for; ureq's own default reads
        // http_proxy itself and would ignore no_proxy, --noproxy and --proxy "".
        .proxy(None)
        .allow_non_standard_methods(true)
        // ureq unwraps the parsed User-Agent when it builds each request: a value that is
        // not a header value (the CLI refuses those) must never reach it.
        .user_agent(
            if http::HeaderValue::from_str(&settings.user_agent).is_ok() {
                settings.user_agent.as_str().into()
            } else {
                ureq::config::AutoHeaderValue::None
            },
        )
        .accept_encoding(if settings.compressed {
            ureq::config::AutoHeaderValue::Default
        } else {
            ureq::config::AutoHeaderValue::None
        })
        .tls_config(tls)
        .timeout_connect(Some(settings.connect_timeout))
        .timeout_recv_response(Some(settings.timeout))
        .timeout_per_read(Some(settings.timeout))
        .timeout_per_write(Some(settings.timeout))
        .input_buffer_size(CHUNK)
        .output_buffer_size(OUTPUT_BUFFER)
        .build();
    let resolver = NetResolver {
        family: settings.family,
        connect_timeout: settings.connect_timeout,
        clock: clock.clone(),
    };
    transport::agent(config, resolver)
}

fn hash_file(h: &mut digest::Context, path: &Path) -> Result<(), Error> {
    let mut file = File::open(path).map_err(|e| {
        Error::new(
            ErrorKind::LocalIo,
            format!("reading {}: {}", path.display(), crate::error::io_words(&e)),
        )
    })?;
    let mut buf = vec![0u8; CHUNK];
    loop {
        match file.read(&mut buf) {
            Ok(0) => return Ok(()),
            Ok(n) => h.update(&buf[..n]),
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => {
                return Err(Error::new(
                    ErrorKind::LocalIo,
                    format!("reading {}: {}", path.display(), crate::error::io_words(&e)),
                ));
            }
        }
    }
}

pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Parses a fetch URL: http or https, the userinfo taken out as credentials.
fn parse_url(text: &str) -> Result<(Url, Option<(String, Secret)>), Error> {
    let shown = crate::net::target::redacted(text);
    let mut url = Url::parse(text).map_err(|e| Error::usage(format!("'{shown}': {e}")))?;
    match url.scheme() {
        "http" | "https" => {}
        "ftp" | "ftps" => {
            return Err(Error::usage(format!(
                "{}:// is not routed through fetch yet: use `netkit ftp get URL`",
                url.scheme()
            )));
        }
        "gopher" | "gophers" => {
            return Err(Error::usage(format!(
                "{}:// goes through the gopher module: fetch it as a URL of its own, not by a redirect",
                url.scheme()
            )));
        }
        other => {
            return Err(Error::usage(format!(
                "'{shown}': fetch speaks http:// and https://, not {other}://"
            )));
        }
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err(Error::usage(format!("'{shown}': no host")));
    }
    let creds = if url.username().is_empty() && url.password().is_none() {
        None
    } else {
        let decode = |s: &str| {
            percent_encoding::percent_decode_str(s)
                .decode_utf8_lossy()
                .into_owned()
        };
        let user = decode(url.username());
        let password = Secret::new(url.password().map(decode).unwrap_or_default());
        let _ = url.set_username("");
        let _ = url.set_password(None);
        Some((user, password))
    };
    Ok((url, creds))
}

/// A `Location` value as text: bytes outside ASCII (raw UTF-8 or Latin-1, which some
/// servers send) are percent-encoded as they are, so the redirect is followed to the bytes
/// the server named instead of being ignored (which saved the 3xx body with exit 0).
fn location_text(raw: &[u8]) -> String {
    let mut out = String::with_capacity(raw.len());
    for &b in raw {
        if b.is_ascii() {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn redact(url: &Url) -> String {
    crate::net::target::redacted(url.as_str())
}

fn label(url: &Url) -> String {
    names::from_url_path(url.path()).unwrap_or_else(|| url.host_str().unwrap_or("").to_owned())
}

fn record_head(report: &mut Report, head: &Head) {
    report.status = Some(head.status.as_u16());
    report.http_version = Some(format!("{:?}", head.version));
    report.content_type = head.get(http::header::CONTENT_TYPE).map(str::to_owned);
    let mut map = serde_json::Map::new();
    for (name, value) in &head.headers {
        let value = serde_json::Value::from(String::from_utf8_lossy(value.as_bytes()).into_owned());
        match map.get_mut(name.as_str()) {
            None => {
                map.insert(name.as_str().to_owned(), value);
            }
            Some(serde_json::Value::Array(list)) => list.push(value),
            Some(existing) => {
                let first = existing.take();
                *existing = serde_json::Value::Array(vec![first, value]);
            }
        }
    }
    report.headers = map;
}

/// The first bytes of an error body, control characters escaped, on one line.
fn excerpt(body: ureq::Body) -> String {
    let mut buf = Vec::with_capacity(ERROR_EXCERPT);
    let _ = body
        .into_with_config()
        .limit(u64::MAX)
        .reader()
        .take(ERROR_EXCERPT as u64)
        .read_to_end(&mut buf);
    // One line: whitespace runs (an HTML page's indentation) become one space.
    let text = String::from_utf8_lossy(&buf);
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    crate::cli::exit::safe_text(&text)
}

/// A 416 to `bytes=offset-` whose `Content-Range: bytes */N` says the file has N = offset
/// bytes: what we hold is already complete.
fn range_is_complete(head: &Head, offset: u64) -> bool {
    head.get(http::header::CONTENT_RANGE)
        .and_then(|v| v.strip_prefix("bytes */"))
        .and_then(|n| n.trim().parse::<u64>().ok())
        == Some(offset)
}

/// `Content-Range: bytes START-END/LEN` → START.
fn content_range_start(head: &Head) -> Option<u64> {
    let v = head.get(http::header::CONTENT_RANGE)?;
    let range = v.strip_prefix("bytes ")?;
    range.split('-').next()?.trim().parse().ok()
}

/// curl's test for "binary output to a terminal": a NUL byte in the first chunk.
pub fn is_binary(data: &[u8]) -> bool {
    memchr::memchr(0, data).is_some()
}

fn remote_path(
    url: &Url,
    head: &Head,
    dir: Option<&Path>,
    from_header: bool,
    clobber: bool,
) -> Result<PathBuf, Error> {
    let header_name = from_header
        .then(|| head.get(http::header::CONTENT_DISPOSITION))
        .flatten()
        .and_then(names::from_content_disposition);
    let from_server = header_name.is_some();
    let name = header_name
        .or_else(|| names::from_url_path(url.path()))
        .ok_or_else(|| {
            Error::usage(format!(
                "{}: the URL names no file (it ends in /); use -o FILE",
                redact(url)
            ))
        })?;
    let path = match dir {
        Some(d) => d.join(&name),
        None => PathBuf::from(&name),
    };
    if from_server && !clobber && path.exists() {
        return Err(Error::new(
            ErrorKind::LocalIo,
            format!(
                "{} exists and its name came from the server; not replaced (--clobber replaces it)",
                path.display()
            ),
        ));
    }
    Ok(path)
}

fn failure_of(error: Error, method: &str, before_body: bool) -> Failure {
    let retry = match error.kind() {
        ErrorKind::Connect | ErrorKind::Resolve => true,
        ErrorKind::Timeout | ErrorKind::Protocol => {
            before_body && policy::is_idempotent(method) && !error.message().contains("--max-time")
        }
        _ => false,
    };
    Failure {
        error,
        retry: if retry { Retry::Yes(None) } else { Retry::No },
    }
}

/// A ureq error in netkit's words and kinds (SPEC §5).
pub fn from_ureq(err: ureq::Error, url: &Url, s: &Settings) -> Error {
    use ureq::Timeout as T;
    let at = redact(url);
    let host = url.host_str().unwrap_or("");
    match err {
        ureq::Error::Other(inner) => match inner.downcast::<Error>() {
            Ok(e) => *e,
            Err(other) => Error::new(ErrorKind::Protocol, format!("{at}: {other}")),
        },
        ureq::Error::Timeout(which) => {
            let (wait, what, flag) = match which {
                T::Global => {
                    return Error::new(ErrorKind::Timeout, format!("{at}: --max-time reached"));
                }
                T::Resolve | T::Connect => (s.connect_timeout, "connecting", "--connect-timeout"),
                T::RecvBody | T::PerRead => (s.timeout, "with no data arriving", "--timeout"),
                T::SendBody | T::SendRequest | T::PerWrite => {
                    (s.timeout, "sending the request", "--timeout")
                }
                _ => (s.timeout, "waiting for the response headers", "--timeout"),
            };
            Error::new(
                ErrorKind::Timeout,
                format!(
                    "{at}: timed out after {} {what} (raise {flag})",
                    wait::seconds(wait)
                ),
            )
        }
        ureq::Error::HostNotFound => crate::net::connect::does_not_resolve(host, "no address"),
        ureq::Error::ConnectionFailed => {
            Error::new(ErrorKind::Connect, format!("{at}: could not connect"))
        }
        // ureq's "Peer disconnected": the request went out and the connection closed before a
        // whole response head came back (an empty or cut-off reply, curl's exit 52). The
        // exchange had begun, so it is a protocol failure (exit 8), not a connect one; and it
        // is retried only for idempotent methods (the server may have acted on a POST).
        ureq::Error::Io(e)
            if e.kind() == io::ErrorKind::UnexpectedEof && e.to_string() == "Peer disconnected" =>
        {
            Error::new(
                ErrorKind::Protocol,
                format!("{at}: the server closed the connection without a complete reply"),
            )
        }
        // rustls reports a failed handshake (an unknown issuer…) through the stream as an
        // io::Error carrying the rustls::Error: that is exit 6, not a connect failure.
        ureq::Error::Io(e) => match e.get_ref().and_then(|i| i.downcast_ref::<rustls::Error>()) {
            Some(tls) => crate::net::tls::handshake_error(host, tls),
            None => io_error(e, &at, 0),
        },
        ureq::Error::Protocol(p) => Error::new(
            ErrorKind::Protocol,
            format!("{at}: malformed response: {p}"),
        ),
        ureq::Error::LargeResponseHeader(_, limit) => Error::new(
            ErrorKind::Protocol,
            format!("{at}: response headers over {limit} bytes; refused"),
        ),
        ureq::Error::Rustls(e) => crate::net::tls::handshake_error(host, &e),
        ureq::Error::Tls(text) => Error::new(ErrorKind::Tls, format!("{at}: TLS: {text}")),
        ureq::Error::Decompress(what, e) => Error::new(
            ErrorKind::Protocol,
            format!("{at}: bad {what} data: {}", crate::error::io_words(&e)),
        ),
        ureq::Error::ConnectProxyFailed(text) => Error::new(
            // "proxy server responded 407/407": proxy credentials are an auth failure.
            if text.contains(" 407/") {
                ErrorKind::Auth
            } else {
                ErrorKind::Connect
            },
            format!("{at}: the proxy refused the tunnel: {text}"),
        ),
        ureq::Error::InvalidProxyUrl => {
            Error::usage("the proxy is not a URL like http://HOST:PORT")
        }
        ureq::Error::BadUri(text) => Error::usage(format!("{at}: {text}")),
        ureq::Error::Http(e) => Error::usage(format!("{at}: bad request: {e}")),
        other => Error::new(ErrorKind::Protocol, format!("{at}: {other}")),
    }
}

fn io_error(e: io::Error, at: &str, received: u64) -> Error {
    match e.kind() {
        io::ErrorKind::ConnectionRefused => {
            Error::new(ErrorKind::Connect, format!("{at}: connection refused"))
        }
        io::ErrorKind::TimedOut => Error::new(ErrorKind::Timeout, format!("{at}: timed out")),
        io::ErrorKind::UnexpectedEof
        | io::ErrorKind::ConnectionReset
        | io::ErrorKind::ConnectionAborted
        | io::ErrorKind::BrokenPipe => crate::net::dropped_error(
            received,
            format!(
                "{at}: the server closed the connection ({})",
                crate::error::io_words(&e)
            ),
        ),
        _ => Error::new(
            ErrorKind::Connect,
            format!("{at}: {}", crate::error::io_words(&e)),
        ),
    }
}

/// An error while reading the body: once headers have arrived, a drop is a protocol error.
fn body_error(e: io::Error, url: &Url, received: u64, length: Option<u64>, s: &Settings) -> Error {
    let at = redact(url);
    let kind = e.kind();
    let inner = e.into_inner().map(|b| b.downcast::<ureq::Error>());
    let err = match inner {
        Some(Ok(u)) => match *u {
            ureq::Error::Io(io) => io_error(io, &at, 1),
            other => from_ureq(other, url, s),
        },
        Some(Err(other)) => Error::new(ErrorKind::Protocol, format!("{at}: {other}")),
        None => io_error(io::Error::from(kind), &at, 1),
    };
    if err.kind() == ErrorKind::Protocol && matches!(kind, io::ErrorKind::UnexpectedEof) {
        let of = length.map_or_else(String::new, |l| format!(" of {l}"));
        return Error::new(
            ErrorKind::Protocol,
            format!(
                "{at}: the connection closed after {received}{of} bytes (the .part file is kept; -C resumes it)"
            ),
        );
    }
    err
}

const REDACTED_HEADERS: [&str; 4] = [
    "authorization",
    "proxy-authorization",
    "cookie",
    "set-cookie",
];

fn shown_value(name: &str, value: &[u8]) -> String {
    if REDACTED_HEADERS.contains(&name.to_ascii_lowercase().as_str()) {
        "***".to_owned()
    } else {
        crate::cli::exit::safe_text(&String::from_utf8_lossy(value))
    }
}

fn print_request(request: &http::Request<ureq::SendBody<'static>>, url: &Url) {
    let mut err = io::stderr().lock();
    let target = match url.query() {
        Some(q) => format!("{}?{q}", url.path()),
        None => url.path().to_owned(),
    };
    let _ = writeln!(err, "> {} {target} HTTP/1.1", request.method());
    let _ = writeln!(err, "> host: {}", url.host_str().unwrap_or(""));
    for (name, value) in request.headers() {
        let _ = writeln!(
            err,
            "> {name}: {}",
            shown_value(name.as_str(), value.as_bytes())
        );
    }
}

fn print_response(response: &http::Response<ureq::Body>) {
    let mut err = io::stderr().lock();
    let status = response.status();
    let _ = writeln!(
        err,
        "< {:?} {} {}",
        response.version(),
        status.as_u16(),
        status.canonical_reason().unwrap_or("")
    );
    for (name, value) in response.headers() {
        let _ = writeln!(
            err,
            "< {name}: {}",
            shown_value(name.as_str(), value.as_bytes())
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn url_credentials_are_taken_out_and_decoded() {
        let (url, creds) = parse_url("http://al%40ice:p%2Fw@h.example/x").expect("parse");
        assert_eq!(url.as_str(), "http://h.example/x");
        let (user, pass) = creds.expect("creds");
        assert_eq!(user, "al@ice");
        assert_eq!(pass.expose(), "p/w");
    }

    #[test]
    fn other_schemes_name_the_command_that_will_carry_them() {
        let err = parse_url("ftp://h/x").expect_err("refused");
        assert_eq!(err.kind(), ErrorKind::Usage);
        assert!(
            err.message().contains("netkit ftp get"),
            "{}",
            err.message()
        );
        assert!(parse_url("mailto:x@y").is_err());
    }

    #[test]
    fn non_ascii_locations_are_percent_encoded_byte_for_byte() {
        assert_eq!(location_text(b"/caf\xc3\xa9"), "/caf%C3%A9");
        assert_eq!(location_text(b"/caf\xe9?q=1"), "/caf%E9?q=1");
        assert_eq!(location_text(b"/plain"), "/plain");
    }

    #[test]
    fn secrets_in_headers_are_masked_in_transcripts() {
        assert_eq!(shown_value("Authorization", b"Basic eA=="), "***");
        assert_eq!(shown_value("set-cookie", b"a=b"), "***");
        assert_eq!(shown_value("accept", b"*/*"), "*/*");
    }
}
