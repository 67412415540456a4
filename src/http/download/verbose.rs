//! `-v`: the request and response heads on stderr, as curl shows them, with the headers
//! that carry secrets masked.

use std::io::{self, Write};

use ureq::http;
use url::Url;

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

pub(super) fn print_request(request: &http::Request<ureq::SendBody<'static>>, url: &Url) {
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

pub(super) fn print_response(response: &http::Response<ureq::Body>) {
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
    fn secrets_in_headers_are_masked_in_transcripts() {
        assert_eq!(shown_value("Authorization", b"Basic eA=="), "***");
        assert_eq!(shown_value("set-cookie", b"a=b"), "***");
        assert_eq!(shown_value("accept", b"*/*"), "*/*");
    }
}
