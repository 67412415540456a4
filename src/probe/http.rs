//! `fetch --check`'s request: one HTTP/1.1 `HEAD` (RFC 9110 §9.3.2) on netkit's own stream,
//! not ureq's, so that the probe sees the TLS handshake and the server's certificate, and
//! times connect, tls and the request apart. The status line and headers are read within
//! the line cap; redirects are not followed (a 3xx answers the probe, as with check_http's
//! default `-f ok`); a status ≥ 400 is an error of SPEC §5's HTTP kinds.

use base64::Engine;

use crate::auth::Secret;
use crate::net::{Stream, Target};
use crate::proto::pingpong::{Conn, Transcript, check_argument};
use crate::{Error, ErrorKind};

/// The most header lines read before the response is taken to be hostile.
const MAX_HEADERS: usize = 200;

/// The request line's target: the URL's path (`/` when empty) and query, as written.
fn request_target(target: &Target) -> String {
    let path = if target.path.is_empty() {
        "/"
    } else {
        target.path.as_str()
    };
    if target.query.is_empty() {
        path.to_owned()
    } else {
        format!("{path}?{}", target.query)
    }
}

/// The `Host` header: the port only when it is not the scheme's (RFC 9110 §7.2).
fn host_header(target: &Target) -> String {
    let host = if target.host.contains(':') {
        format!("[{}]", target.host)
    } else {
        target.host.clone()
    };
    if target.port == target.scheme.default_port {
        host
    } else {
        format!("{host}:{}", target.port)
    }
}

/// Sends `HEAD` and reads the response head; returns the status code. `login` adds Basic
/// authentication (RFC 7617).
pub fn head(
    stream: Stream,
    target: &Target,
    login: Option<(&str, &Secret)>,
    transcript: Transcript,
    idle: std::time::Duration,
) -> Result<u16, Error> {
    let path = request_target(target);
    check_argument("the URL path", &path)?;
    let mut conn = Conn::timed(stream, transcript, idle)?;
    conn.queue(&format!("HEAD {path} HTTP/1.1"))?;
    conn.queue(&format!("Host: {}", host_header(target)))?;
    conn.queue(&format!("User-Agent: netkit/{}", env!("CARGO_PKG_VERSION")))?;
    conn.queue("Accept: */*")?;
    conn.queue("Connection: close")?;
    if let Some((user, secret)) = login {
        check_argument("the user name", user)?;
        let token =
            base64::engine::general_purpose::STANDARD.encode(format!("{user}:{}", secret.expose()));
        conn.flush()?;
        conn.send_secret("Authorization: Basic ", &Secret::new(token))?;
    }
    conn.send("")?;
    let status_line = String::from_utf8_lossy(conn.read_line()?).into_owned();
    let code = parse_status(&status_line)?;
    for _ in 0..MAX_HEADERS {
        if conn.read_line()?.is_empty() {
            conn.writer().close();
            return check_status(code, &status_line);
        }
    }
    Err(Error::new(
        ErrorKind::Protocol,
        format!("more than {MAX_HEADERS} header lines in the response"),
    ))
}

/// `HTTP/1.1 200 OK` → 200.
fn parse_status(line: &str) -> Result<u16, Error> {
    let mut words = line.splitn(3, ' ');
    let version = words.next().unwrap_or_default();
    let code = words.next().and_then(|c| c.parse::<u16>().ok());
    match code {
        Some(c) if version.starts_with("HTTP/1.") && (100..600).contains(&c) => Ok(c),
        _ => Err(Error::new(
            ErrorKind::Protocol,
            format!(
                "not an HTTP status line: '{}'",
                crate::proto::pingpong::reply::clean(line)
            ),
        )),
    }
}

fn check_status(code: u16, line: &str) -> Result<u16, Error> {
    if code < 400 {
        return Ok(code);
    }
    Err(Error::new(
        crate::http::policy::status_kind(code),
        format!(
            "HEAD answered {}",
            crate::proto::pingpong::reply::clean(line)
        ),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_lines_parse_and_classify() {
        assert_eq!(parse_status("HTTP/1.1 204 No Content").unwrap(), 204);
        assert_eq!(parse_status("HTTP/1.0 301").unwrap(), 301);
        for bad in ["SSH-2.0-OpenSSH", "HTTP/1.1 abc", "HTTP/1.1 999 x", ""] {
            assert_eq!(parse_status(bad).unwrap_err().kind(), ErrorKind::Protocol);
        }
        assert_eq!(check_status(302, "").unwrap(), 302);
        assert_eq!(check_status(401, "").unwrap_err().kind(), ErrorKind::Auth);
        assert_eq!(
            check_status(404, "").unwrap_err().kind(),
            ErrorKind::Refused
        );
        assert_eq!(
            check_status(503, "").unwrap_err().kind(),
            ErrorKind::Temporary
        );
    }

    #[test]
    fn request_target_and_host_header() {
        let t =
            crate::net::target::parse("https://[::1]:8443/a%20b?x=1", &["http", "https"]).unwrap();
        assert_eq!(request_target(&t), "/a%20b?x=1");
        assert_eq!(host_header(&t), "[::1]:8443");
        let t = crate::net::target::parse("http://example.org", &["http", "https"]).unwrap();
        assert_eq!(
            (request_target(&t), host_header(&t)),
            ("/".into(), "example.org".into())
        );
    }
}
