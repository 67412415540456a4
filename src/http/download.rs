//! One URL, downloaded the way a cron job needs it: redirects followed by netkit's rules (no
//! credentials to another origin, no silent https → http), HTTP errors as failures with the
//! server's words kept, safe retries that resume instead of starting over, the body streamed
//! through the checksum, the size limit and the rate limit into an atomic `.part` file.
//!
//! The run is here: [`Client::fetch`] with its retries and the redirect loop of one try. The
//! rest, each with its own concern: `request` builds one hop's request and the agents,
//! `body` checks the final response and streams its body into the output, `head` reads the
//! response head (sans-IO), `target` parses the URL and shows it redacted, `errors` puts
//! ureq's and I/O errors in netkit's words and says whether a try may be retried, and
//! `verbose` prints `-v`'s heads with secrets masked.

mod body;
mod errors;
mod head;
mod request;
mod target;
mod verbose;

use std::collections::HashSet;
use std::io::Write;
use std::path::PathBuf;
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use ring::digest;
use serde::Serialize;
use ureq::http;
use url::Url;

pub use body::{hex, is_binary};
pub use errors::from_ureq;
use errors::{Failure, Retry, failure_of};
use head::{Head, location_text, record_head};
use request::agent_with;
use target::{parse_url, redact};
use verbose::{print_request, print_response};

use super::form::Payload;
use super::names;
use super::policy;
use super::transport::PhaseClock;
use crate::auth::secret::Secret;
use crate::net::{Deadline, Family, wait};
use crate::progress::Progress;
use crate::save::Output;
use crate::{Error, ErrorKind};

/// Body reads: large enough that syscalls and progress updates do not show in a profile.
const CHUNK: usize = 256 * 1024;

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
}
