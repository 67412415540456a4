//! One hop's request: method, `-H` headers (those carrying credentials only to the first
//! origin), Basic credentials, `Range`/`If-Range` when resuming, the body, the time
//! `--max-time` leaves and the proxy; and the ureq agents the requests run on.

use std::time::Instant;

use base64::Engine;
use ureq::http::{self, Method};
use url::Url;

use super::errors::Failure;
use super::target::redact;
use super::{CHUNK, Client, Progressing, Settings};
use crate::auth::secret::Secret;
use crate::http::policy;
use crate::http::transport::{self, NetResolver, PhaseClock};
use crate::{Error, ErrorKind};

/// ureq's request buffer (its default is 128 KiB, zeroed on every connection): it holds the
/// request head line by line and upload chunks, so 32 KiB is plenty and saves 28 page faults
/// per invocation.
const OUTPUT_BUFFER: usize = 32 * 1024;

impl Client<'_> {
    /// One hop's request. `home`: `url` has the first URL's origin; elsewhere the `-H`
    /// headers that carry credentials are left out (curl's fix for CVE-2018-1000007).
    #[allow(clippy::too_many_arguments)]
    pub(super) fn request(
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
}

pub(super) fn agent_with(
    settings: &Settings,
    tls: ureq::tls::TlsConfig,
    clock: &PhaseClock,
) -> ureq::Agent {
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
