//! The decisions of a download that are not I/O, each testable alone: where a redirect goes
//! and what survives it, which proxy a URL uses, what is worth retrying and how long to wait,
//! and what an HTTP status means as an exit code.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use url::Url;

use crate::ErrorKind;

/// Origin as curl's credential rule sees it: scheme, host and port.
pub fn same_origin(a: &Url, b: &Url) -> bool {
    a.scheme() == b.scheme()
        && a.host_str() == b.host_str()
        && a.port_or_known_default() == b.port_or_known_default()
}

/// Request headers that carry credentials: a `-H` header of these names goes to the first
/// URL's origin only, as curl does since CVE-2018-1000007 (a redirect elsewhere would
/// hand the token or session cookie to another server).
pub fn is_credential_header(name: &str) -> bool {
    ["authorization", "proxy-authorization", "cookie"]
        .iter()
        .any(|h| name.trim().eq_ignore_ascii_case(h))
}

/// An `https` URL redirecting to a plain one.
pub fn is_downgrade(from: &Url, to: &Url) -> bool {
    from.scheme() == "https" && to.scheme() == "http"
}

/// The method after a redirect with `status` (RFC 9110 §15.4 as browsers and curl do it):
/// 303 turns everything but HEAD into GET; 301 and 302 turn POST into GET; 307 and 308
/// keep the method and its body. Returns the method and whether the body is sent again.
pub fn method_after_redirect(status: u16, method: &str) -> (String, bool) {
    match status {
        303 if method != "HEAD" => ("GET".to_owned(), false),
        301 | 302 if method == "POST" => ("GET".to_owned(), false),
        _ => (method.to_owned(), true),
    }
}

/// RFC 9110 §9.2.2: methods a retry cannot make worse.
pub fn is_idempotent(method: &str) -> bool {
    matches!(
        method,
        "GET" | "HEAD" | "PUT" | "DELETE" | "OPTIONS" | "TRACE"
    )
}

/// Statuses worth another try: 408 and 429 say the request was not processed, so any method
/// may repeat them; 5xx only for idempotent methods.
pub fn status_is_retryable(status: u16, method: &str) -> bool {
    match status {
        408 | 429 => true,
        500..=599 => is_idempotent(method) && status != 501 && status != 505,
        _ => false,
    }
}

/// The exit kind of a final HTTP status ≥ 400 (SPEC §5).
pub fn status_kind(status: u16) -> ErrorKind {
    match status {
        401 | 407 => ErrorKind::Auth,
        408 | 429 | 503 => ErrorKind::Temporary,
        _ => ErrorKind::Refused,
    }
}

/// The wait before retry number `attempt` (0-based): 1 s doubling to at most 2 min, with up
/// to 25 % jitter taken from `jitter` in [0, 1) so that many clients do not retry in step.
pub fn backoff(attempt: u32, jitter: f64) -> Duration {
    let base = 1u64 << attempt.min(7);
    let secs = (base as f64).min(MAX_RETRY_WAIT.as_secs_f64());
    Duration::from_secs_f64(secs * (1.0 - 0.25 * jitter.clamp(0.0, 1.0)))
}

/// The longest wait between tries: the backoff's ceiling, and the most a server's
/// `Retry-After` may ask for.
pub const MAX_RETRY_WAIT: Duration = Duration::from_secs(120);

/// How long a `Retry-After` may make us wait: [`MAX_RETRY_WAIT`], or less when `--max-time`
/// leaves less (`left`). A server asking for more gets no retry rather than a sleep: a cron
/// job must not hang for a day because a reply said `Retry-After: 86400` (or named a date in
/// 2099), and waiting past `--max-time` only to time out says less than the status itself.
pub fn retry_wait_cap(left: Option<Duration>) -> Duration {
    left.map_or(MAX_RETRY_WAIT, |l| l.min(MAX_RETRY_WAIT))
}

/// A jitter value from the clock: enough to spread retries, no randomness crate needed.
pub fn clock_jitter() -> f64 {
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    f64::from(nanos % 1000) / 1000.0
}

/// `Retry-After`: delay-seconds or an IMF-fixdate (RFC 9110 §10.2.3), as a wait from `now`.
pub fn retry_after(value: &str, now: SystemTime) -> Option<Duration> {
    let value = value.trim();
    if let Ok(secs) = value.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let when = parse_http_date(value)?;
    Some(when.duration_since(now).unwrap_or(Duration::ZERO))
}

/// `Sun, 06 Nov 1994 08:49:37 GMT`.
fn parse_http_date(text: &str) -> Option<SystemTime> {
    let (_, rest) = text.split_once(", ")?;
    let mut parts = rest.split(' ');
    let day: u32 = parts.next()?.parse().ok()?;
    let month = match parts.next()? {
        "Jan" => 1,
        "Feb" => 2,
        "Mar" => 3,
        "Apr" => 4,
        "May" => 5,
        "Jun" => 6,
        "Jul" => 7,
        "Aug" => 8,
        "Sep" => 9,
        "Oct" => 10,
        "Nov" => 11,
        "Dec" => 12,
        _ => return None,
    };
    let year: i64 = parts.next()?.parse().ok()?;
    let mut hms = parts.next()?.split(':');
    let h: u64 = hms.next()?.parse().ok()?;
    let m: u64 = hms.next()?.parse().ok()?;
    let s: u64 = hms.next()?.parse().ok()?;
    if parts.next()? != "GMT" || day == 0 || day > 31 || h > 23 || m > 59 || s > 60 {
        return None;
    }
    let days = days_from_civil(year, month, day);
    let secs = u64::try_from(days).ok()? * 86_400 + h * 3600 + m * 60 + s;
    UNIX_EPOCH.checked_add(Duration::from_secs(secs))
}

/// Days since 1970-01-01 (Howard Hinnant's algorithm).
fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(m);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The proxy for `url`, as curl chooses it: `--proxy` first, else `http_proxy` for http
/// (lower case only: a CGI server sets `HTTP_PROXY` from a request header, "httpoxy"),
/// `https_proxy`/`HTTPS_PROXY` for https, then `all_proxy`/`ALL_PROXY`; none when the host
/// matches `--noproxy` or `no_proxy`/`NO_PROXY`.
pub fn proxy_for(
    url: &Url,
    explicit: Option<&str>,
    noproxy: Option<&str>,
    env: impl Fn(&str) -> Option<String>,
) -> Option<String> {
    let host = url.host_str().unwrap_or("");
    let exempt = match noproxy {
        Some(list) => Some(list.to_owned()),
        None => env("no_proxy").or_else(|| env("NO_PROXY")),
    };
    if exempt.is_some_and(|list| no_proxy_matches(&list, host)) {
        return None;
    }
    if let Some(p) = explicit {
        return (!p.is_empty()).then(|| p.to_owned());
    }
    let by_scheme = match url.scheme() {
        "http" => env("http_proxy"),
        "https" => env("https_proxy").or_else(|| env("HTTPS_PROXY")),
        _ => None,
    };
    by_scheme
        .or_else(|| env("all_proxy"))
        .or_else(|| env("ALL_PROXY"))
        .filter(|p| !p.is_empty())
}

/// curl's `no_proxy` rules: `*` matches all; otherwise comma-separated names, each
/// matching the host itself or any name under it (a leading dot is allowed), and IP
/// addresses matching exactly. A `:port` on an entry is ignored.
pub fn no_proxy_matches(list: &str, host: &str) -> bool {
    let host = host
        .trim_start_matches('[')
        .trim_end_matches(']')
        .to_ascii_lowercase();
    list.split([',', ' '])
        .map(str::trim)
        .filter(|e| !e.is_empty())
        .any(|entry| {
            if entry == "*" {
                return true;
            }
            let entry = entry.trim_start_matches('[');
            let entry = match entry.split_once(']') {
                Some((ip6, _)) => ip6,
                None if entry.matches(':').count() == 1 => entry.split(':').next().unwrap_or(""),
                None => entry,
            };
            let entry = entry.trim_start_matches('.').to_ascii_lowercase();
            !entry.is_empty()
                && (host == entry
                    || host
                        .strip_suffix(&entry)
                        .is_some_and(|prefix| prefix.ends_with('.')))
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn url(s: &str) -> Url {
        Url::parse(s).expect("test url")
    }

    #[test]
    fn origins_compare_scheme_host_and_port() {
        assert!(same_origin(&url("http://a/x"), &url("http://a:80/y")));
        assert!(!same_origin(&url("http://a/x"), &url("http://a:81/x")));
        assert!(!same_origin(&url("http://a/x"), &url("https://a/x")));
        assert!(!same_origin(&url("http://a/x"), &url("http://b/x")));
        assert!(is_downgrade(&url("https://a/"), &url("http://a/")));
    }

    #[test]
    fn credential_headers_are_named_case_insensitively() {
        assert!(is_credential_header("Authorization"));
        assert!(is_credential_header("COOKIE"));
        assert!(is_credential_header("proxy-authorization"));
        assert!(!is_credential_header("X-Api-Key"));
        assert!(!is_credential_header("Set-Cookie"));
    }

    #[test]
    fn redirects_change_the_method_as_browsers_do() {
        assert_eq!(method_after_redirect(303, "POST"), ("GET".into(), false));
        assert_eq!(method_after_redirect(303, "HEAD"), ("HEAD".into(), true));
        assert_eq!(method_after_redirect(302, "POST"), ("GET".into(), false));
        assert_eq!(method_after_redirect(302, "PUT"), ("PUT".into(), true));
        assert_eq!(method_after_redirect(307, "POST"), ("POST".into(), true));
    }

    #[test]
    fn only_safe_failures_are_retried() {
        assert!(status_is_retryable(503, "GET"));
        assert!(!status_is_retryable(503, "POST"));
        assert!(status_is_retryable(429, "POST"));
        assert!(!status_is_retryable(404, "GET"));
        assert!(!status_is_retryable(501, "GET"));
        assert_eq!(status_kind(404), ErrorKind::Refused);
        assert_eq!(status_kind(503), ErrorKind::Temporary);
        assert_eq!(status_kind(401), ErrorKind::Auth);
    }

    #[test]
    fn backoff_doubles_with_bounded_jitter() {
        assert_eq!(backoff(0, 0.0), Duration::from_secs(1));
        assert_eq!(backoff(3, 0.0), Duration::from_secs(8));
        assert_eq!(backoff(30, 0.0), Duration::from_secs(120));
        assert!(backoff(2, 0.999) >= Duration::from_secs(3));
    }

    #[test]
    fn retry_after_waits_are_capped_by_two_minutes_and_max_time() {
        assert_eq!(retry_wait_cap(None), Duration::from_secs(120));
        assert_eq!(
            retry_wait_cap(Some(Duration::from_secs(30))),
            Duration::from_secs(30)
        );
        assert_eq!(
            retry_wait_cap(Some(Duration::from_secs(3600))),
            Duration::from_secs(120)
        );
        let now = UNIX_EPOCH + Duration::from_secs(784_111_777);
        let far = retry_after("Thu, 01 Jan 2099 00:00:00 GMT", now).expect("a date");
        assert!(far > retry_wait_cap(None));
    }

    #[test]
    fn retry_after_takes_seconds_and_dates() {
        let now = UNIX_EPOCH + Duration::from_secs(784_111_777);
        assert_eq!(retry_after("5", now), Some(Duration::from_secs(5)));
        assert_eq!(
            retry_after("Sun, 06 Nov 1994 08:49:47 GMT", now),
            Some(Duration::from_secs(10))
        );
        assert_eq!(
            retry_after("Sun, 06 Nov 1994 08:49:00 GMT", now),
            Some(Duration::ZERO)
        );
        assert_eq!(retry_after("soon", now), None);
    }

    #[test]
    fn proxies_follow_curls_environment_rules() {
        let env = |name: &str| match name {
            "http_proxy" => Some("http://p:3128".to_owned()),
            "HTTP_PROXY" => Some("http://evil:1".to_owned()),
            "no_proxy" => Some("localhost,.internal.example,10.0.0.1".to_owned()),
            _ => None,
        };
        assert_eq!(
            proxy_for(&url("http://example.org/"), None, None, env).as_deref(),
            Some("http://p:3128")
        );
        assert_eq!(
            proxy_for(&url("https://example.org/"), None, None, env),
            None
        );
        assert_eq!(proxy_for(&url("http://localhost/"), None, None, env), None);
        assert_eq!(
            proxy_for(&url("http://a.internal.example/"), None, None, env),
            None
        );
        assert_eq!(proxy_for(&url("http://10.0.0.1/"), None, None, env), None);
        assert_eq!(
            proxy_for(&url("http://localhost/"), Some("http://q:1"), Some(""), env).as_deref(),
            Some("http://q:1")
        );
        assert!(no_proxy_matches("*", "anything"));
        assert!(no_proxy_matches("example.org:8080", "www.example.org"));
        assert!(!no_proxy_matches("example.org", "badexample.org"));
        assert!(no_proxy_matches("[::1]", "[::1]"));
    }

    proptest! {
        #[test]
        fn retry_after_and_no_proxy_never_panic(a in ".{0,60}", b in ".{0,60}") {
            let _ = retry_after(&a, SystemTime::now());
            let _ = no_proxy_matches(&a, &b);
        }
    }
}
