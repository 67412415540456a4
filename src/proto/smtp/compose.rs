//! A message composed from `--from/--to/--cc/--subject/--body/--attach/--header` as MIME,
//! with the `mail-builder` crate: RFC 2047 encoded words for non-ASCII header text, a
//! text/plain part (quoted-printable or base64 as the text needs), attachments base64 with a
//! media type guessed from the file name. Bcc recipients are envelope-only: they never
//! appear in a header. Every value is checked for CR/LF first: no header injection.
//!
//! mail-builder writes only the skeleton: each file part's body is a placeholder there, and
//! [`Composed`] streams the file as base64 in its place while DATA is sent, so a 1 GiB
//! attachment costs no more memory than a small one.

use std::borrow::Cow;
use std::fs::File;
use std::io::{Read, Seek, Write};
use std::os::fd::AsFd;
use std::path::{Path, PathBuf};
use std::time::Instant;

use mail_builder::MessageBuilder;
use mail_builder::headers::address::Address;
use mail_builder::headers::content_type::ContentType;
use mail_builder::headers::text::Text;
use mail_builder::mime::MimePart;

use super::composed::{Composed, Segment};
use super::message::address_in;
use crate::{Error, ErrorKind};

/// What the user asked to compose.
#[derive(Debug, Clone, Default)]
pub struct Draft {
    pub from: String,
    pub to: Vec<String>,
    pub cc: Vec<String>,
    pub subject: Option<String>,
    pub body: Option<String>,
    /// `--body-file` (`-`: stdin), instead of `body`.
    pub body_file: Option<PathBuf>,
    pub attachments: Vec<PathBuf>,
    /// `--max-size` and `--max-time` for reading the inputs.
    pub bounds: crate::local::Bounds,
    /// `Name: value` pairs from `--header`.
    pub headers: Vec<(String, String)>,
    pub message_id: String,
    pub date_unix: i64,
}

/// Refuses CR, LF and NUL in a header value: they would start a new header (injection).
pub fn check_header_value(flag: &str, value: &str) -> Result<(), Error> {
    if value.bytes().any(|b| matches!(b, b'\r' | b'\n' | 0)) {
        return Err(Error::usage(format!(
            "{flag} contains a line break or NUL byte: refused (header injection)"
        )));
    }
    Ok(())
}

/// Header fields the command writes itself: `--header` may not add a second one (RFC 5322
/// §3.6 allows one of each), nor a visible Bcc.
const BUILT_FIELDS: [&str; 10] = [
    "from",
    "to",
    "cc",
    "bcc",
    "subject",
    "date",
    "message-id",
    "mime-version",
    "content-type",
    "content-transfer-encoding",
];

/// An address list as a user writes it (`a@x, "Doe, J" <j@y>`) split into addresses at
/// the commas outside quotes and angle brackets; each must have an `@` (or be postmaster,
/// RFC 5321 §4.5.1).
pub fn split_addresses(flag: &str, text: &str) -> Result<Vec<String>, Error> {
    check_header_value(flag, text)?;
    let mut out = Vec::new();
    let (mut quoted, mut angle, mut start) = (false, false, 0);
    for (i, c) in text.char_indices() {
        match c {
            '"' => quoted = !quoted,
            '<' if !quoted => angle = true,
            '>' if !quoted => angle = false,
            ',' if !quoted && !angle => {
                out.push(text[start..i].trim().to_owned());
                start = i + 1;
            }
            _ => {}
        }
    }
    out.push(text[start..].trim().to_owned());
    out.retain(|a| !a.is_empty());
    for item in &out {
        let addr = address_in(item).unwrap_or_default();
        if !addr.contains('@') && !addr.eq_ignore_ascii_case("postmaster") {
            return Err(Error::usage(format!(
                "{flag} '{item}': not an address (no @)"
            )));
        }
    }
    if out.is_empty() {
        return Err(Error::usage(format!("{flag}: empty address")));
    }
    Ok(out)
}

/// `--header 'Name: value'` split and checked: the name is printable ASCII without ':'
/// (RFC 5322 §3.6.8 ftext), the value one line, and not a field the command builds.
pub fn parse_header(text: &str) -> Result<(String, String), Error> {
    check_header_value("--header", text)?;
    let (name, value) = text
        .split_once(':')
        .ok_or_else(|| Error::usage(format!("--header '{text}': expected 'Name: value'")))?;
    let name = name.trim();
    if name.is_empty() || !name.bytes().all(|b| (33..=126).contains(&b) && b != b':') {
        return Err(Error::usage(format!("--header '{text}': bad header name")));
    }
    let lower = name.to_ascii_lowercase();
    if BUILT_FIELDS.contains(&lower.as_str()) {
        let why = match lower.as_str() {
            "bcc" => "Bcc recipients go with --bcc and never appear in a header".to_owned(),
            "date"
            | "message-id"
            | "mime-version"
            | "content-type"
            | "content-transfer-encoding" => "netkit writes this field itself".to_owned(),
            flag => format!("give it with --{flag}"),
        };
        return Err(Error::usage(format!(
            "--header '{name}:': {why} (one of each is allowed, RFC 5322 §3.6)"
        )));
    }
    Ok((name.to_owned(), value.trim().to_owned()))
}

/// `Name <addr>` or `addr` → a mail-builder address.
fn address(text: &str) -> Address<'_> {
    let email = address_in(text).unwrap_or_default();
    let name = match text.rfind('<') {
        Some(i) => {
            let n = text[..i].trim().trim_matches('"').trim();
            (!n.is_empty()).then_some(n)
        }
        None => None,
    };
    Address::new_address(name.map(Cow::Borrowed), Cow::Owned(email))
}

fn list(items: &[String]) -> Address<'_> {
    Address::new_list(items.iter().map(|s| address(s)).collect())
}

/// Media type from the file name; unknown: application/octet-stream.
fn media_type(path: &Path) -> String {
    crate::media::of_path(path).to_owned()
}

/// A CR that is not the start of a CRLF.
fn has_bare_cr(text: &str) -> bool {
    let bytes = text.as_bytes();
    memchr::memchr_iter(b'\r', bytes).any(|i| bytes.get(i + 1) != Some(&b'\n'))
}

/// Base64 in 76-character lines, CRLF after each (RFC 2045 §6.8).
fn base64_lines(data: &[u8]) -> String {
    use base64::Engine as _;
    let encoded = base64::engine::general_purpose::STANDARD.encode(data);
    let mut out = String::with_capacity(encoded.len() + encoded.len() / 38 + 2);
    for chunk in encoded.as_bytes().chunks(76) {
        out.push_str(std::str::from_utf8(chunk).unwrap_or_default());
        out.push_str("\r\n");
    }
    out
}

/// Input that is not a regular file (stdin, a pipe, a device) is spooled to an unnamed
/// temporary file so that it can be sized before MAIL FROM and read again: at most this
/// much in all unless `--max-size` says otherwise (`/dev/zero` stops here, not at a full
/// disk).
pub const SPOOL_MAX: u64 = 256 << 20;

/// A `--body-file` up to this size is read into memory and encoded as its text needs
/// (7bit, quoted-printable, or base64 when it holds bare CRs); a larger one is streamed
/// from the file as base64, after a pass that checks it is UTF-8.
pub const BODY_IN_MEMORY_MAX: u64 = 1 << 20;

/// A file part's input: an open file and how many of its bytes are the part.
pub struct Input {
    pub file: File,
    pub len: u64,
}

/// An input as opened before connecting: sized (a regular file), or still to be spooled
/// (a pipe, stdin from a pipe, a device), which waits for the server's SIZE limit.
pub enum Opened {
    Sized(Input),
    ToSpool(File),
}

/// Opens `path` (`-`: stdin): a regular file is used in place, sized by its length and
/// refused at once when over `--max-size`; anything else is left to spool.
pub fn open_input(path: &Path, what: &str, max: Option<u64>) -> Result<Opened, Error> {
    let local = |e: std::io::Error| {
        Error::new(
            ErrorKind::LocalIo,
            format!("{what}: {}", crate::error::io_words(&e)),
        )
    };
    let mut file = if path.as_os_str() == "-" {
        // Stdin redirected from a regular file is used in place; a pipe is spooled.
        std::io::stdin()
            .as_fd()
            .try_clone_to_owned()
            .map(File::from)
            .map_err(local)?
    } else {
        File::open(path)
            .map_err(|e| Error::usage(format!("{what}: {}", crate::error::io_words(&e))))?
    };
    let meta = file.metadata().map_err(local)?;
    if !meta.is_file() || file.stream_position().map_err(local)? != 0 {
        return Ok(Opened::ToSpool(file));
    }
    if let Some(max) = max.filter(|&m| meta.len() > m) {
        return Err(Error::new(
            ErrorKind::Refused,
            format!(
                "{what} is {} bytes, over --max-size ({max} bytes): not sent",
                meta.len()
            ),
        ));
    }
    Ok(Opened::Sized(Input {
        file,
        len: meta.len(),
    }))
}

/// A server's SIZE limit and its name (`host:port`), for messages.
pub type ServerLimit<'a> = Option<(u64, &'a str)>;

/// A spool stopped by a limit says which one: the server's SIZE when it was the lower (the
/// bounded reader alone would blame `--max-size`).
pub fn over_server_size(e: Error, what: &str, server: ServerLimit<'_>, own: u64) -> Error {
    match server {
        Some((size, server)) if e.kind() == ErrorKind::Refused && size < own => Error::new(
            ErrorKind::Refused,
            format!("{what} is over {server}'s SIZE limit of {size} bytes: not sent"),
        ),
        _ => e,
    }
}

/// The spool budget: `--max-size` or [`SPOOL_MAX`], and the server's SIZE, for all spooled
/// inputs together.
struct Budget<'a> {
    bounds: crate::local::Bounds,
    server: ServerLimit<'a>,
    spooled: u64,
}

impl Budget<'_> {
    /// The input ready to read: spooled within the budget and `--max-time` if it must be.
    fn ready(&mut self, opened: Opened, what: &str) -> Result<Input, Error> {
        let mut source = match opened {
            Opened::Sized(input) => return Ok(input),
            Opened::ToSpool(file) => file,
        };
        let own = self.bounds.max_bytes.unwrap_or(SPOOL_MAX);
        let limit = match self.server {
            Some((size, _)) => own.min(size),
            None => own,
        };
        let bounds = crate::local::Bounds {
            max_bytes: Some(limit.saturating_sub(self.spooled)),
            ..self.bounds
        };
        let mut spool = tempfile_for(what)?;
        let len = crate::local::copy(&mut source, &mut spool, bounds, what)
            .map_err(|e| over_server_size(e, what, self.server, own))?;
        self.spooled += len;
        spool.flush().map_err(|e| {
            Error::new(
                ErrorKind::LocalIo,
                format!("spooling {what}: {}", crate::error::io_words(&e)),
            )
        })?;
        Ok(Input { file: spool, len })
    }
}

fn tempfile_for(what: &str) -> Result<File, Error> {
    tempfile::tempfile().map_err(|e| {
        Error::new(
            ErrorKind::LocalIo,
            format!(
                "creating a temporary file for {what}: {}",
                crate::error::io_words(&e)
            ),
        )
    })
}

/// Checks that `input` is UTF-8 in 64 KiB steps (a sequence may straddle two), within
/// `--max-time`.
fn check_utf8(input: &mut Input, what: &str, bounds: crate::local::Bounds) -> Result<(), Error> {
    let local = |e: std::io::Error| {
        Error::new(
            ErrorKind::LocalIo,
            format!("reading {what}: {}", crate::error::io_words(&e)),
        )
    };
    let not_utf8 = || Error::usage(format!("{what}: not UTF-8 text (send it with --attach)"));
    input.file.rewind().map_err(local)?;
    let mut reader = (&mut input.file).take(input.len);
    let mut buf = vec![0u8; 64 * 1024 + 4];
    let mut carry = 0;
    loop {
        if bounds.deadline.is_some_and(|d| Instant::now() >= d) {
            return Err(Error::new(
                ErrorKind::Timeout,
                format!("--max-time reached while reading {what}"),
            ));
        }
        let n = match reader.read(&mut buf[carry..]) {
            Ok(0) if carry == 0 => return Ok(()),
            Ok(0) => return Err(not_utf8()),
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(local(e)),
        };
        let data = &buf[..carry + n];
        carry = match std::str::from_utf8(data) {
            Ok(_) => 0,
            Err(e) if e.error_len().is_some() => return Err(not_utf8()),
            Err(e) => {
                // An incomplete sequence at the end: keep it for the next read.
                let valid = e.valid_up_to();
                let left = data.len() - valid;
                buf.copy_within(valid..valid + left, 0);
                left
            }
        };
    }
}

/// Skeleton bytes with every bare LF made CRLF (a short text body may hold them; bare CRs
/// never reach here, such a body is base64): what the dot-stuffer would send anyway, so
/// the size declared in MAIL FROM is the size sent.
fn crlf(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(bytes.len() + bytes.len() / 32);
    let mut prev = 0u8;
    for &b in bytes {
        if b == b'\n' && prev != b'\r' {
            out.push(b'\r');
        }
        out.push(b);
        prev = b;
    }
    out
}

/// Where a streamed part's body goes in the skeleton: NUL never appears in what
/// mail-builder writes for our values (header values with NUL are refused).
fn placeholder(i: usize) -> Vec<u8> {
    format!("\0netkit-part-{i}\0").into_bytes()
}

/// A draft checked and its inputs opened, before connecting: what is left may need the
/// server's SIZE limit (inputs to spool).
pub struct Prepared<'d> {
    draft: &'d Draft,
    body_file: Option<(Opened, String)>,
    attachments: Vec<(Opened, String)>,
}

/// Checks every value (usage errors come before connecting) and opens the inputs.
pub fn prepare(draft: &Draft) -> Result<Prepared<'_>, Error> {
    check_header_value("--from", &draft.from)?;
    for v in draft.to.iter().chain(&draft.cc) {
        check_header_value("--to/--cc", v)?;
    }
    if let Some(s) = &draft.subject {
        check_header_value("--subject", s)?;
    }
    let max = draft.bounds.max_bytes;
    let body_file = match &draft.body_file {
        Some(path) => {
            let what = format!("--body-file {}", path.display());
            Some((open_input(path, &what, max)?, what))
        }
        None => None,
    };
    let mut attachments = Vec::new();
    for path in &draft.attachments {
        let what = format!("--attach {}", path.display());
        attachments.push((open_input(path, &what, max)?, what));
    }
    Ok(Prepared {
        draft,
        body_file,
        attachments,
    })
}

/// The whole message at once (no server limit): [`prepare`] then [`Prepared::compose`].
pub fn compose(draft: &Draft) -> Result<Composed, Error> {
    prepare(draft)?.compose(None)
}

impl Prepared<'_> {
    /// Some input must be spooled: composing should wait for the server's SIZE.
    pub fn needs_spooling(&self) -> bool {
        self.body_file
            .iter()
            .chain(&self.attachments)
            .any(|(o, _)| matches!(o, Opened::ToSpool(_)))
    }

    /// The MIME message as a reader: inputs spooled within `--max-size` (or [`SPOOL_MAX`])
    /// and `server`'s SIZE, the skeleton built in memory, file parts streamed.
    pub fn compose(self, server: ServerLimit<'_>) -> Result<Composed, Error> {
        let Prepared {
            draft,
            body_file,
            attachments,
        } = self;
        compose_from(draft, body_file, attachments, server)
    }
}

fn compose_from(
    draft: &Draft,
    body_file: Option<(Opened, String)>,
    attachments: Vec<(Opened, String)>,
    server: ServerLimit<'_>,
) -> Result<Composed, Error> {
    let mut builder = MessageBuilder::new()
        .from(address(&draft.from))
        .message_id(draft.message_id.trim_matches(['<', '>']))
        .date(draft.date_unix);
    if !draft.to.is_empty() {
        builder = builder.to(list(&draft.to));
    }
    if !draft.cc.is_empty() {
        builder = builder.cc(list(&draft.cc));
    }
    if let Some(s) = &draft.subject {
        builder = builder.subject(s.as_str());
    }
    for (name, value) in &draft.headers {
        builder = builder.header(name.as_str(), Text::new(value.as_str()));
    }
    let mut budget = Budget {
        bounds: draft.bounds,
        server,
        spooled: 0,
    };
    // Inputs streamed into the skeleton, in the order their placeholders appear.
    let mut streamed: Vec<(Input, String)> = Vec::new();
    let body = match body_file {
        Some((opened, what)) => {
            let mut input = budget.ready(opened, &what)?;
            check_utf8(&mut input, &what, draft.bounds)?;
            if input.len <= BODY_IN_MEMORY_MAX {
                let mut text = String::new();
                input
                    .file
                    .rewind()
                    .and_then(|()| (&mut input.file).take(input.len).read_to_string(&mut text))
                    .map_err(|e| {
                        Error::new(
                            ErrorKind::LocalIo,
                            format!("reading {what}: {}", crate::error::io_words(&e)),
                        )
                    })?;
                Some(text)
            } else {
                builder.text_body = Some(
                    MimePart::new(
                        ContentType::new("text/plain").attribute("charset", "utf-8"),
                        placeholder(streamed.len()),
                    )
                    .transfer_encoding("base64"),
                );
                streamed.push((input, what));
                None
            }
        }
        None => Some(draft.body.clone().unwrap_or_default()),
    };
    if let Some(body) = body {
        if has_bare_cr(&body) {
            // mail-builder labels such text 7bit and the CRs would turn into line ends on
            // the wire (the dot-stuffer normalises them): base64 keeps every byte.
            builder.text_body = Some(
                MimePart::new(
                    ContentType::new("text/plain").attribute("charset", "utf-8"),
                    base64_lines(body.as_bytes()),
                )
                .transfer_encoding("base64"),
            );
        } else {
            builder = builder.text_body(body);
        }
    }
    for (path, (opened, what)) in draft.attachments.iter().zip(attachments) {
        // `-` is stdin, as everywhere in netkit (the part is named "stdin").
        let input = budget.ready(opened, &what)?;
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .filter(|n| n != "-")
            .unwrap_or_else(|| "stdin".to_owned());
        builder.attachments.get_or_insert_with(Vec::new).push(
            MimePart::new(media_type(path), placeholder(streamed.len()))
                .attachment(name)
                .transfer_encoding("base64"),
        );
        streamed.push((input, what));
    }
    let skeleton = builder.write_to_vec().map_err(|e| {
        Error::new(
            ErrorKind::LocalIo,
            format!("composing the message: {}", crate::error::io_words(&e)),
        )
    })?;
    let mut segments = Vec::with_capacity(2 * streamed.len() + 1);
    let mut rest = &skeleton[..];
    for (i, (input, what)) in streamed.into_iter().enumerate() {
        let mark = placeholder(i);
        let at = memchr::memmem::find(rest, &mark).ok_or_else(|| {
            Error::new(
                ErrorKind::LocalIo,
                format!("composing the message: part {i} is missing from the skeleton"),
            )
        })?;
        segments.push(Segment::Bytes(crlf(&rest[..at])));
        segments.push(Segment::Base64 {
            file: input.file,
            len: input.len,
            what,
        });
        rest = &rest[at + mark.len()..];
    }
    // A message that ends with a streamed part (one big text body) still ends its last line.
    let tail = if rest.is_empty() && !segments.is_empty() {
        b"\r\n".to_vec()
    } else {
        crlf(rest)
    };
    segments.push(Segment::Bytes(tail));
    Ok(Composed::new(segments))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The whole composed message, as DATA would read it.
    fn composed(d: &Draft) -> Vec<u8> {
        let mut out = Vec::new();
        compose(d).unwrap().read_to_end(&mut out).unwrap();
        out
    }

    fn draft() -> Draft {
        Draft {
            from: "Alice Ünicode <alice@netkit.test>".into(),
            to: vec!["bob@netkit.test".into()],
            cc: vec!["Carol <carol@netkit.test>".into()],
            subject: Some("Grüße".into()),
            body: Some("line one\n.dot line\n".into()),
            message_id: "<id1@netkit.test>".into(),
            date_unix: 1_796_000_000,
            ..Draft::default()
        }
    }

    #[test]
    fn utf8_headers_are_encoded_words_and_bcc_is_absent() {
        let text = String::from_utf8(composed(&draft())).unwrap();
        assert!(text.contains("Subject: =?utf-8?"), "{text}");
        assert!(text.contains("<alice@netkit.test>"));
        assert!(text.contains("Message-ID: <id1@netkit.test>"));
        assert!(
            text.contains("Cc: \"Carol\" <carol@netkit.test>")
                || text.contains("Cc: Carol <carol@netkit.test>"),
            "{text}"
        );
        assert!(!text.to_ascii_lowercase().contains("bcc"));
        assert!(text.is_ascii(), "headers and body are 7-bit on the wire");
    }

    #[test]
    fn attachments_get_a_guessed_type() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("report.pdf");
        std::fs::write(&path, b"%PDF-1.4 binary \x00\xff").unwrap();
        let mut d = draft();
        d.attachments.push(path);
        let text = String::from_utf8(composed(&d)).unwrap();
        assert!(text.contains("application/pdf"), "{text}");
        assert!(text.contains("report.pdf"));
        assert!(text.contains("Content-Transfer-Encoding: base64"));
    }

    #[test]
    fn the_declared_size_is_the_size_sent_and_every_line_ends_crlf() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.bin");
        std::fs::write(&path, vec![7u8; 1000]).unwrap();
        let mut d = draft();
        d.body = Some("one\ntwo\n\nfour".into());
        d.attachments.push(path);
        // One composition: another has another boundary, whose length varies.
        let mut message = compose(&d).unwrap();
        let mut bytes = Vec::new();
        message.read_to_end(&mut bytes).unwrap();
        let size = message.size;
        assert_eq!(size, bytes.len() as u64);
        for (i, &b) in bytes.iter().enumerate() {
            if b == b'\n' {
                assert_eq!(bytes[i - 1], b'\r', "bare LF at {i}");
            }
        }
    }

    #[test]
    fn line_breaks_in_any_value_are_refused() {
        let mut d = draft();
        d.subject = Some("hi\r\nBcc: victim@example.org".into());
        assert_eq!(compose(&d).err().map(|e| e.kind()), Some(ErrorKind::Usage));
        let mut d = draft();
        d.to.push("x@y\nBcc: z@w".into());
        assert_eq!(compose(&d).err().map(|e| e.kind()), Some(ErrorKind::Usage));
        assert!(parse_header("X-Ok: fine").is_ok());
        assert!(parse_header("X-Bad: a\r\nBcc: b").is_err());
        assert!(parse_header("No colon").is_err());
        assert!(parse_header("Bad Name: v").is_err());
        assert!(parse_header("Subject: second").is_err());
        assert!(parse_header("bcc: evil@example.org").is_err());
    }

    #[test]
    fn address_lists_split_outside_quotes_and_brackets() {
        let got = split_addresses("--to", "a@x, \"Doe, J\" <j@y>,<k@z>").unwrap();
        assert_eq!(got, ["a@x", "\"Doe, J\" <j@y>", "<k@z>"]);
        assert!(split_addresses("--to", "Bob").is_err());
        assert!(split_addresses("--to", "postmaster").is_ok());
        assert!(split_addresses("--to", " , ").is_err());
    }
}
