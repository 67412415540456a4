//! Request bodies: `-d`/`--data-binary` bytes, `-T FILE` uploads and `-F` multipart forms.
//! Files are streamed (never read into memory) and reopened for each try, and every body
//! has a known length, so retries resend it whole and servers get `Content-Length`.

use std::fs::File;
use std::io::{self, Cursor, Read};
use std::path::{Path, PathBuf};

use crate::{Error, ErrorKind};

/// A body to send.
#[derive(Debug, Clone)]
pub enum Payload {
    /// `-d`, `--data-binary`: bytes already read (`@FILE` and `@-` included).
    Data { bytes: Vec<u8>, form_encoded: bool },
    /// `-T FILE`: the file's bytes, as they are (PUT).
    Upload(PathBuf),
    /// `-T -`: stdin, spooled to a temporary file before the request (its length is then
    /// known, and a retry or a 307/308 redirect can send it again).
    Spooled {
        file: std::sync::Arc<File>,
        len: u64,
    },
    /// `-F`: multipart/form-data.
    Form { parts: Vec<Part>, boundary: String },
}

/// One `-F name=value` or `-F name=@file` field.
#[derive(Debug, Clone)]
pub struct Part {
    pub name: String,
    pub value: PartValue,
}

#[derive(Debug, Clone)]
pub enum PartValue {
    Text(String),
    File(PathBuf),
}

type Opened = (Box<dyn Read + Send>, Option<u64>, Option<String>);

impl Payload {
    /// True for `-T` (its default method is PUT).
    pub fn is_upload(&self) -> bool {
        matches!(self, Payload::Upload(_) | Payload::Spooled { .. })
    }

    /// `-F` fields, as curl writes them: `name=value`, `name=@path`.
    pub fn form(fields: &[String]) -> Result<Payload, Error> {
        let mut parts = Vec::new();
        for field in fields {
            let (name, value) = field.split_once('=').ok_or_else(|| {
                Error::usage(format!("-F '{field}': expected NAME=VALUE or NAME=@FILE"))
            })?;
            if name.is_empty() || name.contains(['"', '\r', '\n']) {
                return Err(Error::usage(format!("-F '{field}': bad field name")));
            }
            let value = match value.strip_prefix('@') {
                Some(path) => {
                    let path = PathBuf::from(path);
                    File::open(&path).map_err(|e| open_error(&path, &e))?;
                    PartValue::File(path)
                }
                None => PartValue::Text(value.to_owned()),
            };
            parts.push(Part {
                name: name.to_owned(),
                value,
            });
        }
        Ok(Payload::Form {
            parts,
            boundary: boundary(),
        })
    }

    /// A fresh reader over the body, its length, and the Content-Type it implies.
    pub fn open(&self) -> Result<Opened, Error> {
        match self {
            Payload::Data {
                bytes,
                form_encoded,
            } => Ok((
                Box::new(Cursor::new(bytes.clone())),
                Some(bytes.len() as u64),
                form_encoded.then(|| "application/x-www-form-urlencoded".to_owned()),
            )),
            Payload::Upload(path) => {
                let file = File::open(path).map_err(|e| open_error(path, &e))?;
                let len = file
                    .metadata()
                    .ok()
                    .filter(|m| m.is_file())
                    .map(|m| m.len());
                Ok((Box::new(file), len, None))
            }
            Payload::Spooled { file, len } => {
                let mut file = file
                    .try_clone()
                    .map_err(|e| open_error(Path::new("-"), &e))?;
                io::Seek::rewind(&mut file).map_err(|e| open_error(Path::new("-"), &e))?;
                Ok((Box::new(file.take(*len)), Some(*len), None))
            }
            Payload::Form { parts, boundary } => {
                let mut pieces: Vec<Box<dyn Read + Send>> = Vec::new();
                let mut len = 0u64;
                let push_bytes =
                    |pieces: &mut Vec<Box<dyn Read + Send>>, len: &mut u64, b: Vec<u8>| {
                        *len += b.len() as u64;
                        pieces.push(Box::new(Cursor::new(b)));
                    };
                for part in parts {
                    let mut head = format!(
                        "--{boundary}\r\nContent-Disposition: form-data; name=\"{}\"",
                        part.name
                    );
                    match &part.value {
                        PartValue::Text(text) => {
                            head.push_str("\r\n\r\n");
                            let mut b = head.into_bytes();
                            b.extend_from_slice(text.as_bytes());
                            b.extend_from_slice(b"\r\n");
                            push_bytes(&mut pieces, &mut len, b);
                        }
                        PartValue::File(path) => {
                            let file = File::open(path).map_err(|e| open_error(path, &e))?;
                            let size = file.metadata().map_err(|e| open_error(path, &e))?.len();
                            let filename = path
                                .file_name()
                                .map(|n| n.to_string_lossy().replace(['"', '\r', '\n'], "_"))
                                .unwrap_or_default();
                            let mime = crate::media::of_path(path);
                            head.push_str(&format!(
                                "; filename=\"{filename}\"\r\nContent-Type: {mime}\r\n\r\n"
                            ));
                            push_bytes(&mut pieces, &mut len, head.into_bytes());
                            len += size;
                            // Exactly the size announced, even if the file grows meanwhile.
                            pieces.push(Box::new(file.take(size)));
                            push_bytes(&mut pieces, &mut len, b"\r\n".to_vec());
                        }
                    }
                }
                push_bytes(
                    &mut pieces,
                    &mut len,
                    format!("--{boundary}--\r\n").into_bytes(),
                );
                Ok((
                    Box::new(Chain { pieces, at: 0 }),
                    Some(len),
                    Some(format!("multipart/form-data; boundary={boundary}")),
                ))
            }
        }
    }
}

fn open_error(path: &std::path::Path, e: &io::Error) -> Error {
    Error::new(
        ErrorKind::LocalIo,
        format!("reading {}: {}", path.display(), crate::error::io_words(e)),
    )
}

/// A boundary no sane content contains: fixed prefix, then clock and process id.
fn boundary() -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    format!(
        "------------------------netkit{:x}{:x}",
        nanos,
        std::process::id()
    )
}

/// Readers one after the other.
struct Chain {
    pieces: Vec<Box<dyn Read + Send>>,
    at: usize,
}

impl Read for Chain {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        while let Some(piece) = self.pieces.get_mut(self.at) {
            let n = piece.read(buf)?;
            if n > 0 || buf.is_empty() {
                return Ok(n);
            }
            self.at += 1;
        }
        Ok(0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_form_streams_its_file_with_the_announced_length() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("data.txt");
        std::fs::write(&path, b"file body").expect("write");
        let payload =
            Payload::form(&["who=me".to_owned(), format!("up=@{}", path.display())]).expect("form");
        let (mut reader, len, ct) = payload.open().expect("open");
        let mut body = Vec::new();
        reader.read_to_end(&mut body).expect("read");
        assert_eq!(len, Some(body.len() as u64));
        let ct = ct.expect("content type");
        let boundary = ct.split("boundary=").nth(1).expect("boundary");
        let text = String::from_utf8(body).expect("utf8");
        assert!(text.starts_with(&format!("--{boundary}\r\n")));
        assert!(text.contains("name=\"who\"\r\n\r\nme\r\n"));
        assert!(
            text.contains("filename=\"data.txt\"\r\nContent-Type: text/plain\r\n\r\nfile body\r\n")
        );
        assert!(text.ends_with(&format!("--{boundary}--\r\n")));
    }

    #[test]
    fn bad_fields_are_usage_errors() {
        assert!(Payload::form(&["novalue".to_owned()]).is_err());
        assert!(Payload::form(&["f=@/nonexistent/x".to_owned()]).is_err());
    }
}
