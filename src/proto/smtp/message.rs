//! The message as it goes out in DATA. A raw RFC 5322 message (file or stdin) is sent as it
//! is, with Date and Message-ID prepended when absent (RFC 5322 §3.6 wants the first, RFC
//! 5322 §3.6.4 recommends the second); a composed one comes from `compose`. Both are read
//! twice: once to learn the size and whether 8-bit or UTF-8 data needs 8BITMIME/SMTPUTF8
//! (decided before MAIL FROM), once to stream through the dot-stuffer: a 50 MiB message
//! passes in constant memory. A composed message is read once: its size is computed.

use std::io::{self, Read, Seek, SeekFrom, Write};

use crate::{Error, ErrorKind};

/// Most bytes of header block kept in memory for inspection.
pub const MAX_HEADER_BLOCK: usize = 1024 * 1024;

/// Something the message can be read from twice.
pub trait Source: Read + Seek + Send {}
impl<T: Read + Seek + Send> Source for T {}

/// A message ready to send.
pub struct Outgoing {
    source: Box<dyn Source>,
    /// Header fields netkit adds in front (Date, Message-ID), CRLF-terminated.
    prefix: Vec<u8>,
    /// Bytes on the wire before dot-stuffing: CRLF line ends counted.
    pub size: u64,
    /// Any byte ≥ 0x80: needs BODY=8BITMIME (RFC 6152).
    pub eight_bit: bool,
    /// Non-ASCII in the header block: needs SMTPUTF8 (RFC 6531 §3.2).
    pub utf8_headers: bool,
    pub message_id: Option<String>,
    /// The address in the From: field, the envelope sender's fallback.
    pub from_header: Option<String>,
    /// The To:, Cc: and Bcc: entries, the recipients' fallback (as `sendmail -t`).
    pub header_recipients: Vec<String>,
    /// Where the source's own bytes start: past the header block when netkit rewrote it
    /// (Bcc: removed) into `prefix`, else 0.
    skip: u64,
}

/// Facts about one header block.
#[derive(Debug, Default, PartialEq, Eq)]
struct Headers {
    has_date: bool,
    message_id: Option<String>,
    from: Option<String>,
    utf8: bool,
    /// To:, Cc: and Bcc: field values, unfolded.
    recipients: Vec<String>,
    /// The header block with every Bcc: field (and its folded lines) removed, CRLF line
    /// ends and the blank line included, and the offset just past the original block —
    /// only when there was a Bcc: to remove and the block ended within `head`.
    without_bcc: Option<(Vec<u8>, usize)>,
}

/// The header block: everything before the first empty line (or all of `head` when no empty
/// line shows up in it). Header fields are unfolded just enough to read the three we need.
fn read_headers(head: &[u8]) -> Headers {
    let mut h = Headers::default();
    let blank = find_blank_line(head);
    let end = blank.unwrap_or(head.len());
    let block = &head[..end];
    h.utf8 = block.iter().any(|&b| b >= 0x80);
    let text = String::from_utf8_lossy(block);
    let mut fields: Vec<String> = Vec::new();
    for line in text.split('\n') {
        let line = line.trim_end_matches('\r');
        if line.starts_with([' ', '\t']) {
            if let Some(last) = fields.last_mut() {
                last.push(' ');
                last.push_str(line.trim());
            }
        } else if !line.is_empty() {
            fields.push(line.to_owned());
        }
    }
    for field in &fields {
        let Some((name, value)) = field.split_once(':') else {
            continue;
        };
        let value = value.trim();
        match name.trim().to_ascii_lowercase().as_str() {
            "date" => h.has_date = true,
            "message-id" => h.message_id = Some(value.to_owned()),
            "from" => h.from = address_in(value),
            "to" | "cc" | "bcc" => h.recipients.push(value.to_owned()),
            _ => {}
        }
    }
    let is_bcc = |line: &str| {
        line.split_once(':')
            .is_some_and(|(n, _)| n.trim().eq_ignore_ascii_case("bcc"))
    };
    if let Some(end) = blank
        && text.split('\n').any(|l| is_bcc(l.trim_end_matches('\r')))
    {
        let mut kept = Vec::with_capacity(block.len());
        let mut dropping = false;
        for line in text.split('\n') {
            let line = line.trim_end_matches('\r');
            if line.is_empty() {
                continue;
            }
            if !line.starts_with([' ', '\t']) {
                dropping = is_bcc(line);
            }
            if !dropping {
                kept.extend_from_slice(line.as_bytes());
                kept.extend_from_slice(b"\r\n");
            }
        }
        kept.extend_from_slice(b"\r\n");
        h.without_bcc = Some((kept, end));
    }
    h
}

/// What a header block names before the message is sent: the From: address and the To:,
/// Cc: and Bcc: values. `head` is the message's start; it need not be complete.
pub fn header_facts(head: &[u8]) -> (Option<String>, Vec<String>) {
    let h = read_headers(head);
    (h.from, h.recipients)
}

/// Whether `head` holds the whole header block (its empty line), or is as long as
/// [`Outgoing::prepare`] ever looks.
pub fn header_block_read(head: &[u8]) -> bool {
    head.len() >= MAX_HEADER_BLOCK || find_blank_line(head).is_some()
}

/// Offset of the empty line that ends the header block (the index just past it).
fn find_blank_line(data: &[u8]) -> Option<usize> {
    let mut i = 0;
    while let Some(pos) = data[i..].iter().position(|&b| b == b'\n') {
        let next = i + pos + 1;
        match data.get(next) {
            Some(b'\n') => return Some(next + 1),
            Some(b'\r') if data.get(next + 1) == Some(&b'\n') => return Some(next + 2),
            _ => i = next,
        }
    }
    None
}

/// The address of a From:-style value: what is in the last `<…>`, else the whole value.
pub fn address_in(value: &str) -> Option<String> {
    let addr = match (value.rfind('<'), value.rfind('>')) {
        (Some(a), Some(b)) if a < b => &value[a + 1..b],
        _ => value.split(',').next().unwrap_or_default(),
    };
    let addr = addr.trim();
    (!addr.is_empty()).then(|| addr.to_owned())
}

/// A Message-ID for this host: time, process and a random part (RFC 5322 §3.6.4).
pub fn new_message_id(domain: &str) -> String {
    use std::hash::{BuildHasher, Hasher};
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    // RandomState is seeded from the OS per process: a random u64 without a new crate.
    let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
    hasher.write_u128(nanos);
    let domain = if domain.is_empty() {
        "localhost"
    } else {
        domain
    };
    format!(
        "<{nanos:x}.{}.{:016x}@{domain}>",
        std::process::id(),
        hasher.finish()
    )
}

/// An RFC 5322 date for now, in UTC.
pub fn date_now() -> String {
    mail_builder::headers::date::Date::now().to_rfc822()
}

impl Outgoing {
    /// A composed message: its size and facts are known without reading the file parts
    /// (they are base64, 7-bit); only the skeleton's header block is inspected.
    pub fn composed(source: super::composed::Composed) -> Outgoing {
        let headers = read_headers(source.head());
        Outgoing {
            size: source.size,
            eight_bit: source.eight_bit(),
            utf8_headers: headers.utf8,
            message_id: headers.message_id,
            from_header: headers.from,
            header_recipients: headers.recipients,
            prefix: Vec::new(),
            skip: 0,
            source: Box::new(source),
        }
    }

    /// Scans `source` (rewound first) and decides what to add and declare.
    pub fn prepare(mut source: Box<dyn Source>, domain: &str) -> Result<Outgoing, Error> {
        let io = |e: io::Error| {
            Error::new(
                ErrorKind::LocalIo,
                format!("reading the message: {}", crate::error::io_words(&e)),
            )
        };
        source.seek(SeekFrom::Start(0)).map_err(io)?;
        let mut head = Vec::with_capacity(8192);
        (&mut source)
            .take(MAX_HEADER_BLOCK as u64)
            .read_to_end(&mut head)
            .map_err(io)?;
        let headers = read_headers(&head);
        // A Bcc: field must never reach the recipients (RFC 5322 §3.6.3; sendmail -t removes
        // it): the header block is sent rewritten from `prefix` and the source from past it.
        let (rewritten, skip) = match headers.without_bcc {
            Some((kept, end)) => (kept, end as u64),
            None => (Vec::new(), 0),
        };
        source.seek(SeekFrom::Start(skip)).map_err(io)?;
        let (mut size, eight_bit) = scan(&mut source).map_err(io)?;
        let mut prefix = Vec::new();
        if !headers.has_date {
            prefix.extend_from_slice(format!("Date: {}\r\n", date_now()).as_bytes());
        }
        let message_id = match headers.message_id {
            Some(id) => Some(id),
            None => {
                let id = new_message_id(domain);
                prefix.extend_from_slice(format!("Message-ID: {id}\r\n").as_bytes());
                Some(id)
            }
        };
        prefix.extend_from_slice(&rewritten);
        size += prefix.len() as u64;
        Ok(Outgoing {
            source,
            prefix,
            size,
            eight_bit,
            utf8_headers: headers.utf8,
            message_id,
            from_header: headers.from,
            header_recipients: headers.recipients,
            skip,
        })
    }

    /// Streams the message (prefix, then the source from the start) into `out`, which is
    /// normally a `DotStuffer` that normalises line ends and stuffs dots. Reading the
    /// message and writing to the peer fail differently: a local read error is local I/O (9),
    /// a write error is the connection dropping (8) or going silent (5).
    pub fn write_to(&mut self, out: &mut impl Write) -> Result<u64, Error> {
        let local = |e: io::Error| {
            Error::new(
                ErrorKind::LocalIo,
                format!("reading the message: {}", crate::error::io_words(&e)),
            )
        };
        let remote = crate::proto::pingpong::write_error;
        out.write_all(&self.prefix).map_err(remote)?;
        self.source
            .seek(SeekFrom::Start(self.skip))
            .map_err(local)?;
        let mut buf = vec![0u8; 64 * 1024];
        let mut total = self.prefix.len() as u64;
        loop {
            let n = match self.source.read(&mut buf) {
                Ok(0) => return Ok(total),
                Ok(n) => n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(local(e)),
            };
            out.write_all(&buf[..n]).map_err(remote)?;
            total += n as u64;
        }
    }
}

/// Wire size (bare LF counted as CRLF) and whether any byte is 8-bit. This pass reads every
/// byte of a 50 MiB message, so it works per line (SIMD memchr) and per slice (a vectorised
/// OR), not per byte.
fn scan(source: &mut impl Read) -> io::Result<(u64, bool)> {
    let mut buf = vec![0u8; 256 * 1024];
    let (mut size, mut high, mut prev) = (0u64, 0u8, 0u8);
    loop {
        let n = match source.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        let chunk = &buf[..n];
        high |= chunk.iter().fold(0u8, |acc, &b| acc | b);
        // Each LF not preceded by CR becomes CRLF on the wire.
        let bare_lf = memchr::memchr_iter(b'\n', chunk)
            .filter(|&i| {
                if i == 0 {
                    prev != b'\r'
                } else {
                    chunk[i - 1] != b'\r'
                }
            })
            .count() as u64;
        size += n as u64 + bare_lf;
        prev = chunk[n - 1];
    }
    if prev != b'\n' && size > 0 {
        // The dot-stuffer ends an unterminated last line with CRLF.
        size += 2;
    }
    Ok((size, high >= 0x80))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Cursor;

    fn prepared(text: &[u8]) -> Outgoing {
        Outgoing::prepare(Box::new(Cursor::new(text.to_vec())), "netkit.test").unwrap()
    }

    fn sent(o: &mut Outgoing) -> Vec<u8> {
        let mut out = Vec::new();
        o.write_to(&mut out).unwrap();
        out
    }

    #[test]
    fn complete_message_is_sent_as_it_is() {
        let msg = b"Date: Tue, 1 Dec 2026 09:00:00 +0000\r\nMessage-ID: <a@b>\r\nFrom: A <a@netkit.test>\r\n\r\nhi\r\n";
        let mut o = prepared(msg);
        assert_eq!(sent(&mut o), msg);
        assert_eq!(o.message_id.as_deref(), Some("<a@b>"));
        assert_eq!(o.from_header.as_deref(), Some("a@netkit.test"));
        assert_eq!(o.size, msg.len() as u64);
        assert!(!o.eight_bit && !o.utf8_headers);
    }

    #[test]
    fn missing_date_and_message_id_are_prepended() {
        let mut o = prepared(b"Subject: x\n\nbody\n");
        let text = String::from_utf8(sent(&mut o)).unwrap();
        assert!(text.starts_with("Date: "), "{text}");
        assert!(text.contains("\r\nMessage-ID: <"), "{text}");
        assert!(text.ends_with("Subject: x\n\nbody\n"));
        let id = o.message_id.unwrap();
        assert!(id.ends_with("@netkit.test>"), "{id}");
    }

    #[test]
    fn fields_in_the_body_do_not_count() {
        let o = prepared(b"Subject: x\r\n\r\nDate: not a header\r\n");
        assert!(o.prefix.starts_with(b"Date: "));
    }

    #[test]
    fn size_counts_crlf_and_eight_bit_is_seen() {
        let o = prepared("Subject: caf\u{e9}\n\nna\u{ef}ve".as_bytes());
        assert!(o.eight_bit && o.utf8_headers);
        // 2 bare LFs become CRLF, the unterminated last line gets one.
        let body = "Subject: caf\u{e9}\n\nna\u{ef}ve".len() as u64 + 2 + 2;
        assert_eq!(o.size, body + o.prefix.len() as u64);
    }

    #[test]
    fn folded_message_id_and_display_names() {
        let h = read_headers(b"Message-ID:\r\n <x@y>\r\nFrom: \"Doe, J\" <j@d.example>\r\n\r\n");
        assert_eq!(h.message_id.as_deref(), Some("<x@y>"));
        assert_eq!(h.from.as_deref(), Some("j@d.example"));
        assert_eq!(
            address_in("plain@x.example"),
            Some("plain@x.example".into())
        );
    }

    proptest::proptest! {
        #[test]
        fn header_reading_never_panics(data in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..400)) {
            let _ = read_headers(&data);
            let _ = find_blank_line(&data);
        }
    }
}
