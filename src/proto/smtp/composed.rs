//! A composed message as a reader, for DATA: the MIME skeleton that mail-builder wrote
//! (headers, part headers, boundaries, a short text body) with each file part's body
//! streamed from its file as base64 in 76-character lines with CRLF between them (RFC 2045
//! §6.8) while DATA reads it. Memory stays at two 80 KiB buffers whatever the attachments
//! weigh, and the wire size is known before MAIL FROM (`SIZE=`, RFC 1870) from the file
//! lengths alone.

use std::fs::File;
use std::io::{self, Read, Seek, SeekFrom};

use base64::Engine as _;

/// Input bytes per base64 line: 57 bytes are 76 characters.
const LINE_IN: usize = 57;
/// Input bytes encoded per refill: 1024 lines, ~78 KiB of output.
const CHUNK_IN: usize = LINE_IN * 1024;

/// One piece of the message.
pub enum Segment {
    /// Skeleton bytes, sent as they are.
    Bytes(Vec<u8>),
    /// The first `len` bytes of `file`, base64. The lines have CRLF between them and none
    /// after the last: the skeleton's `CRLF--boundary` follows.
    Base64 {
        file: File,
        len: u64,
        /// The input's name for errors (`--attach big.iso`).
        what: String,
    },
}

impl Segment {
    /// Bytes this segment puts on the wire.
    fn wire_len(&self) -> u64 {
        match self {
            Segment::Bytes(b) => b.len() as u64,
            Segment::Base64 { len, .. } => base64_len(*len),
        }
    }
}

/// Wire length of `len` bytes as base64 lines: 4 characters per 3 bytes (padded), CRLF
/// between 76-character lines.
pub fn base64_len(len: u64) -> u64 {
    if len == 0 {
        return 0;
    }
    let chars = len.div_ceil(3) * 4;
    let lines = len.div_ceil(LINE_IN as u64);
    chars + 2 * (lines - 1)
}

/// Appends the base64 of `chunk` to `out`, one line per 57 input bytes, with CRLF before
/// every line but the segment's first. `chunk` is a whole number of lines except at the
/// segment's end.
fn encode_lines(chunk: &[u8], first: bool, out: &mut Vec<u8>) {
    let engine = &base64::engine::general_purpose::STANDARD;
    for (i, line) in chunk.chunks(LINE_IN).enumerate() {
        if !(first && i == 0) {
            out.extend_from_slice(b"\r\n");
        }
        let start = out.len();
        out.resize(start + line.len().div_ceil(3) * 4, 0);
        // The slice is exactly the encoded length: encoding cannot run out of room.
        let _ = engine.encode_slice(line, &mut out[start..]);
    }
}

/// The message: segments read in order. Seeking is only rewinding (`SeekFrom::Start(0)`),
/// which is all the sender asks.
pub struct Composed {
    segments: Vec<Segment>,
    /// The segment being read.
    index: usize,
    /// Bytes of it done: skeleton bytes given out, or file bytes encoded.
    done: u64,
    /// Encoded bytes not yet given out, from `pending_at`.
    pending: Vec<u8>,
    pending_at: usize,
    input: Vec<u8>,
    /// Bytes on the wire (before dot-stuffing).
    pub size: u64,
}

impl Composed {
    pub fn new(segments: Vec<Segment>) -> Composed {
        let size = segments.iter().map(Segment::wire_len).sum();
        Composed {
            segments,
            index: 0,
            done: 0,
            pending: Vec::new(),
            pending_at: 0,
            input: Vec::new(),
            size,
        }
    }

    /// The skeleton bytes before the first streamed part: the header block and more.
    pub fn head(&self) -> &[u8] {
        match self.segments.first() {
            Some(Segment::Bytes(b)) => b,
            _ => &[],
        }
    }

    /// Any skeleton byte ≥ 0x80 (UTF-8 in an address); streamed parts are base64, 7-bit.
    pub fn eight_bit(&self) -> bool {
        self.segments
            .iter()
            .any(|s| matches!(s, Segment::Bytes(b) if b.iter().any(|&c| c >= 0x80)))
    }

    /// Encodes the next chunk of the current file segment into `pending`.
    fn refill(&mut self) -> io::Result<()> {
        let Some(Segment::Base64 { file, len, what }) = self.segments.get_mut(self.index) else {
            return Ok(());
        };
        if self.done == 0 {
            file.seek(SeekFrom::Start(0))?;
        }
        let want = usize::try_from(*len - self.done).map_or(CHUNK_IN, |left| left.min(CHUNK_IN));
        self.input.resize(want, 0);
        let mut got = 0;
        while got < want {
            match file.read(&mut self.input[got..want]) {
                Ok(0) => {
                    return Err(io::Error::other(format!(
                        "{what} shrank while it was being sent ({} of {len} bytes read)",
                        self.done + got as u64
                    )));
                }
                Ok(n) => got += n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
        self.pending.clear();
        self.pending_at = 0;
        encode_lines(&self.input[..want], self.done == 0, &mut self.pending);
        self.done += want as u64;
        Ok(())
    }
}

impl Read for Composed {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if buf.is_empty() {
            return Ok(0);
        }
        loop {
            if self.pending_at < self.pending.len() {
                let rest = &self.pending[self.pending_at..];
                let n = rest.len().min(buf.len());
                buf[..n].copy_from_slice(&rest[..n]);
                self.pending_at += n;
                return Ok(n);
            }
            let (finished, is_bytes) = match self.segments.get(self.index) {
                None => return Ok(0),
                Some(Segment::Bytes(b)) => (self.done >= b.len() as u64, true),
                Some(Segment::Base64 { len, .. }) => (self.done >= *len, false),
            };
            if finished {
                self.index += 1;
                self.done = 0;
                continue;
            }
            if is_bytes {
                if let Some(Segment::Bytes(b)) = self.segments.get(self.index) {
                    let rest = b.get(self.done as usize..).unwrap_or_default();
                    let n = rest.len().min(buf.len());
                    buf[..n].copy_from_slice(&rest[..n]);
                    self.done += n as u64;
                    return Ok(n);
                }
            } else {
                self.refill()?;
            }
        }
    }
}

impl Seek for Composed {
    fn seek(&mut self, to: SeekFrom) -> io::Result<u64> {
        if to != SeekFrom::Start(0) {
            return Err(io::Error::new(
                io::ErrorKind::Unsupported,
                "a composed message can only be rewound",
            ));
        }
        self.index = 0;
        self.done = 0;
        self.pending.clear();
        self.pending_at = 0;
        Ok(0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write as _;

    fn file_with(data: &[u8]) -> File {
        let mut f = tempfile::tempfile().unwrap();
        f.write_all(data).unwrap();
        f
    }

    /// The reference: the whole input encoded at once, cut into 76-character lines.
    fn reference(data: &[u8]) -> Vec<u8> {
        let text = base64::engine::general_purpose::STANDARD.encode(data);
        text.as_bytes()
            .chunks(76)
            .collect::<Vec<_>>()
            .join(&b"\r\n"[..])
    }

    fn read_all_in(c: &mut Composed, step: usize) -> Vec<u8> {
        let mut out = Vec::new();
        let mut buf = vec![0u8; step];
        loop {
            let n = c.read(&mut buf).unwrap();
            if n == 0 {
                return out;
            }
            out.extend_from_slice(&buf[..n]);
        }
    }

    #[test]
    fn segments_are_spliced_and_rewinding_repeats_them() {
        let data: Vec<u8> = (0..200_000u32).map(|i| (i * 7 % 251) as u8).collect();
        let mut c = Composed::new(vec![
            Segment::Bytes(b"head\r\n\r\n".to_vec()),
            Segment::Base64 {
                file: file_with(&data),
                len: data.len() as u64,
                what: "a".into(),
            },
            Segment::Bytes(b"\r\n--b--\r\n".to_vec()),
        ]);
        let mut want = b"head\r\n\r\n".to_vec();
        want.extend(reference(&data));
        want.extend_from_slice(b"\r\n--b--\r\n");
        assert_eq!(c.size, want.len() as u64);
        assert_eq!(read_all_in(&mut c, 7), want);
        c.rewind().unwrap();
        assert_eq!(read_all_in(&mut c, 65536), want);
        assert!(c.seek(SeekFrom::Start(3)).is_err());
    }

    #[test]
    fn a_file_that_shrinks_is_an_error_not_a_short_message() {
        let mut c = Composed::new(vec![Segment::Base64 {
            file: file_with(b"abc"),
            len: 10,
            what: "--attach x".into(),
        }]);
        let err = c.read(&mut [0u8; 100]).unwrap_err();
        assert!(err.to_string().contains("--attach x shrank"), "{err}");
    }

    #[test]
    fn an_empty_file_is_no_bytes() {
        let mut c = Composed::new(vec![
            Segment::Bytes(b"x".to_vec()),
            Segment::Base64 {
                file: file_with(b""),
                len: 0,
                what: "e".into(),
            },
        ]);
        assert_eq!(c.size, 1);
        assert_eq!(read_all_in(&mut c, 10), b"x");
    }

    proptest::proptest! {
        #[test]
        fn streamed_base64_is_the_reference_encoding(
            data in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..3000),
            step in 1usize..200,
        ) {
            let mut c = Composed::new(vec![Segment::Base64 {
                file: file_with(&data),
                len: data.len() as u64,
                what: "p".into(),
            }]);
            let want = reference(&data);
            proptest::prop_assert_eq!(c.size, want.len() as u64);
            proptest::prop_assert_eq!(read_all_in(&mut c, step), want);
        }
    }
}
