//! The final response's head, sans-IO: its status line and text for `-i`/`-I`, the JSON
//! report's fields, `Location` as a URL reference, and `Content-Range` for resumes.

use ureq::http::{self, HeaderMap, StatusCode};

use super::Report;

/// The final response's head, as printed by `-i`/`-I` and `-v`.
pub(super) struct Head {
    pub(super) status: StatusCode,
    pub(super) version: http::Version,
    pub(super) headers: HeaderMap,
}

impl Head {
    pub(super) fn status_line(&self) -> String {
        format!(
            "{:?} {} {}",
            self.version,
            self.status.as_u16(),
            self.status.canonical_reason().unwrap_or("")
        )
        .trim_end()
        .to_owned()
    }

    pub(super) fn text(&self) -> String {
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

    pub(super) fn get(&self, name: impl http::header::AsHeaderName) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
}

/// A `Location` value as text: bytes outside ASCII (raw UTF-8 or Latin-1, which some
/// servers send) are percent-encoded as they are, so the redirect is followed to the bytes
/// the server named instead of being ignored (which saved the 3xx body with exit 0).
pub(super) fn location_text(raw: &[u8]) -> String {
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

pub(super) fn record_head(report: &mut Report, head: &Head) {
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

/// A 416 to `bytes=offset-` whose `Content-Range: bytes */N` says the file has N = offset
/// bytes: what we hold is already complete.
pub(super) fn range_is_complete(head: &Head, offset: u64) -> bool {
    head.get(http::header::CONTENT_RANGE)
        .and_then(|v| v.strip_prefix("bytes */"))
        .and_then(|n| n.trim().parse::<u64>().ok())
        == Some(offset)
}

/// `Content-Range: bytes START-END/LEN` → START.
pub(super) fn content_range_start(head: &Head) -> Option<u64> {
    let v = head.get(http::header::CONTENT_RANGE)?;
    let range = v.strip_prefix("bytes ")?;
    range.split('-').next()?.trim().parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn non_ascii_locations_are_percent_encoded_byte_for_byte() {
        assert_eq!(location_text(b"/caf\xc3\xa9"), "/caf%C3%A9");
        assert_eq!(location_text(b"/caf\xe9?q=1"), "/caf%E9?q=1");
        assert_eq!(location_text(b"/plain"), "/plain");
    }
}
