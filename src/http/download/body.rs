//! The final response, once its head is in: HTTP errors as failures with the server's words
//! kept, a resume checked against the 206 (or restarted on a 200), the output opened (its
//! name from the URL or `-J`'s Content-Disposition), then the body streamed through the
//! checksum, the size limit and the rate limit into the atomic `.part` file (or stdout),
//! and the file committed when the checksum holds.

use std::fs::File;
use std::io::{self, IsTerminal, Read, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant, SystemTime};

use ring::digest;
use ureq::http;
use url::Url;

use super::errors::{Failure, Retry, body_error};
use super::head::{Head, content_range_start, range_is_complete};
use super::target::{label, redact};
use super::{CHUNK, Client, Destination, Progressing, Report};
use crate::http::{names, policy};
use crate::progress::Progress;
use crate::save::Output;
use crate::{Error, ErrorKind};

/// How many bytes of an error body are shown on stderr.
const ERROR_EXCERPT: usize = 512;

impl Client<'_> {
    #[allow(clippy::too_many_arguments)]
    pub(super) fn deliver(
        &self,
        url: &Url,
        method: &str,
        head: Head,
        body: ureq::Body,
        dest: &Destination,
        out: &mut dyn Write,
        state: &mut Progressing,
        report: &mut Report,
        progress: &Progress,
    ) -> Result<(), Failure> {
        let s = self.settings;
        let status = head.status.as_u16();
        let offset = state.offset();
        if status >= 400 && s.fail {
            if status == 416 && offset > 0 && range_is_complete(&head, offset) {
                return self.finish(state, report, dest);
            }
            let excerpt = excerpt(body);
            let retry = policy::status_is_retryable(status, method).then(|| {
                head.get(http::header::RETRY_AFTER)
                    .and_then(|v| policy::retry_after(v, SystemTime::now()))
            });
            let mut message = format!("{}: {}", redact(url), head.status_line());
            if !excerpt.is_empty() {
                message.push_str(": ");
                message.push_str(&excerpt);
            }
            if status == 401 {
                message.push_str(" (check -u, --password-file or netrc)");
            }
            return Err(Failure {
                error: Error::new(policy::status_kind(status), message),
                retry: retry.map_or(Retry::No, Retry::Yes),
            });
        }
        // Resuming: a 206 must start where we are; a 200 means the whole body again.
        if offset > 0 && !s.head_only {
            if status == 206 {
                let start = content_range_start(&head);
                if start != Some(offset) {
                    return Err(Error::new(
                        ErrorKind::Protocol,
                        format!(
                            "{}: asked for bytes from {offset}, the server sent {}",
                            redact(url),
                            head.get(http::header::CONTENT_RANGE)
                                .unwrap_or("no Content-Range")
                        ),
                    )
                    .into());
                }
            } else {
                self.restart(state)?;
            }
        }
        if state.started_at.is_none() {
            state.started_at = Some(state.offset());
        }
        state.validator = head
            .get(http::header::ETAG)
            .filter(|v| !v.starts_with("W/"))
            .or_else(|| head.get(http::header::LAST_MODIFIED))
            .map(str::to_owned);
        let length = body.content_length().filter(|_| !s.head_only);
        if let (Some(max), Some(len)) = (s.max_filesize, length)
            && state.offset() + len > max
        {
            return Err(Error::new(
                ErrorKind::Refused,
                format!(
                    "{}: {} bytes, over --max-filesize {max}; nothing written",
                    redact(url),
                    state.offset() + len
                ),
            )
            .into());
        }
        if state.output.is_none() {
            match dest {
                Destination::Stdout => {}
                Destination::File { path, .. } => self.open_output(state, path, false)?,
                Destination::Remote {
                    dir,
                    from_header,
                    clobber,
                    resume,
                } => {
                    // -J: the name is known only now, so there is nothing to resume.
                    let path = remote_path(url, &head, dir.as_deref(), *from_header, *clobber)?;
                    self.open_output(state, &path, *resume && !*from_header)?;
                }
            }
        }
        report.file = state
            .output
            .as_ref()
            .and_then(|o| o.target())
            .map(|p| p.display().to_string());
        if s.head_only || s.include_head {
            self.write(state, out, head.text().as_bytes(), false)
                .map_err(Failure::from)?;
            if s.head_only {
                return self.finish(state, report, dest);
            }
        }
        self.stream(url, method, body, length, out, state, progress)?;
        self.finish(state, report, dest)
    }

    #[allow(clippy::too_many_arguments)]
    fn stream(
        &self,
        url: &Url,
        method: &str,
        body: ureq::Body,
        length: Option<u64>,
        out: &mut dyn Write,
        state: &mut Progressing,
        progress: &Progress,
    ) -> Result<(), Failure> {
        let s = self.settings;
        let bar = progress.bar(
            &label(url),
            length.map(|l| state.offset() + l),
            state.offset(),
        );
        let mut reader = body.into_with_config().limit(u64::MAX).reader();
        let mut buf = vec![0u8; CHUNK];
        let step = s
            .limit_rate
            .map_or(CHUNK, |r| (r / 8).clamp(1024, CHUNK as u64) as usize);
        let rate_start = Instant::now();
        let mut received = 0u64;
        let mut first = true;
        loop {
            let n = match reader.read(&mut buf[..step]) {
                Ok(0) => break,
                Ok(n) => n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => {
                    let error = body_error(e, url, received, length, s);
                    // A drop or a stall mid-body: resumable, so worth a retry when safe.
                    let retry = matches!(error.kind(), ErrorKind::Protocol | ErrorKind::Timeout)
                        && policy::is_idempotent(method)
                        && !error.message().contains("--max-time");
                    return Err(Failure {
                        error,
                        retry: if retry { Retry::Yes(None) } else { Retry::No },
                    });
                }
            };
            let data = &buf[..n];
            if first {
                first = false;
                if state.output.is_none() && is_binary(data) && io::stdout().is_terminal() {
                    return Err(Error::usage(format!(
                        "{}: binary data; not written to the terminal (use -o FILE or -O, or pipe it)",
                        redact(url)
                    ))
                    .into());
                }
            }
            received += n as u64;
            if let Some(max) = s.max_filesize
                && state.offset() + n as u64 > max
            {
                if let Some(output) = state.output.take() {
                    output.discard();
                }
                return Err(Error::new(
                    ErrorKind::Refused,
                    format!(
                        "{}: over --max-filesize {max} bytes; stopped and removed the partial file",
                        redact(url)
                    ),
                )
                .into());
            }
            self.write(state, out, data, true)?;
            bar.advance(n as u64);
            if let Some(rate) = s.limit_rate {
                let due = Duration::from_secs_f64(received as f64 / rate as f64);
                let elapsed = rate_start.elapsed();
                if due > elapsed {
                    std::thread::sleep(due - elapsed);
                }
            }
        }
        Ok(())
    }

    /// Writes body (or head) bytes to the output, hashing body bytes of files.
    fn write(
        &self,
        state: &mut Progressing,
        out: &mut dyn Write,
        data: &[u8],
        is_body: bool,
    ) -> Result<(), Error> {
        if is_body && let Some(h) = state.hasher.as_mut() {
            h.update(data);
        }
        match state.output.as_mut() {
            Some(output) => output.write_all(data),
            None => {
                out.write_all(data).map_err(|e| {
                    if e.kind() == io::ErrorKind::BrokenPipe {
                        Error::new(ErrorKind::LocalIo, "stdout closed").with_source(e)
                    } else {
                        Error::new(
                            ErrorKind::LocalIo,
                            format!("writing stdout: {}", crate::error::io_words(&e)),
                        )
                    }
                })?;
                if is_body {
                    state.stdout_written += data.len() as u64;
                }
                Ok(())
            }
        }
    }

    pub(super) fn open_output(
        &self,
        state: &mut Progressing,
        path: &Path,
        resume: bool,
    ) -> Result<(), Error> {
        let output = Output::open(path, resume)?;
        let hashing = output.target().is_some() || self.settings.sha256.is_some();
        let mut hasher = hashing.then(|| digest::Context::new(&digest::SHA256));
        if let Some(h) = hasher.as_mut()
            && !output.is_empty()
        {
            hash_file(h, output.working_path())?;
        }
        state.hasher = hasher;
        state.output = Some(output);
        Ok(())
    }

    fn restart(&self, state: &mut Progressing) -> Result<(), Error> {
        if let Some(output) = state.output.as_mut() {
            output.restart()?;
        } else if state.stdout_written > 0 {
            return Err(Error::new(
                ErrorKind::Protocol,
                format!(
                    "the server sent the whole body again after {} bytes went to stdout; the output is incomplete",
                    state.stdout_written
                ),
            ));
        }
        state.hasher = state
            .hasher
            .as_ref()
            .map(|_| digest::Context::new(&digest::SHA256));
        state.started_at = Some(0);
        Ok(())
    }

    fn finish(
        &self,
        state: &mut Progressing,
        report: &mut Report,
        dest: &Destination,
    ) -> Result<(), Failure> {
        report.bytes = state.offset();
        if state.hasher.is_none() && self.settings.sha256.is_some() {
            state.hasher = Some(digest::Context::new(&digest::SHA256));
        }
        let sum = state.hasher.take().map(|h| h.finish().as_ref().to_vec());
        report.sha256 = sum.as_deref().map(hex);
        if let (Some(want), Some(got)) = (&self.settings.sha256, &sum)
            && want != got
        {
            if let Some(output) = state.output.take() {
                output.discard();
            }
            return Err(Error::new(
                ErrorKind::CheckFailed,
                format!(
                    "{}: sha256 is {}, not {} (--sha256); file not kept",
                    report.effective_url,
                    hex(got),
                    hex(want)
                ),
            )
            .into());
        }
        if let Some(output) = state.output.take() {
            let done = output.commit()?;
            report.file = done.map(|p| p.display().to_string());
        } else if matches!(dest, Destination::Stdout) {
            report.file = None;
        }
        Ok(())
    }
}

fn hash_file(h: &mut digest::Context, path: &Path) -> Result<(), Error> {
    let mut file = File::open(path).map_err(|e| {
        Error::new(
            ErrorKind::LocalIo,
            format!("reading {}: {}", path.display(), crate::error::io_words(&e)),
        )
    })?;
    let mut buf = vec![0u8; CHUNK];
    loop {
        match file.read(&mut buf) {
            Ok(0) => return Ok(()),
            Ok(n) => h.update(&buf[..n]),
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => {
                return Err(Error::new(
                    ErrorKind::LocalIo,
                    format!("reading {}: {}", path.display(), crate::error::io_words(&e)),
                ));
            }
        }
    }
}

pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The first bytes of an error body, control characters escaped, on one line.
fn excerpt(body: ureq::Body) -> String {
    let mut buf = Vec::with_capacity(ERROR_EXCERPT);
    let _ = body
        .into_with_config()
        .limit(u64::MAX)
        .reader()
        .take(ERROR_EXCERPT as u64)
        .read_to_end(&mut buf);
    // One line: whitespace runs (an HTML page's indentation) become one space.
    let text = String::from_utf8_lossy(&buf);
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    crate::cli::exit::safe_text(&text)
}

/// curl's test for "binary output to a terminal": a NUL byte in the first chunk.
pub fn is_binary(data: &[u8]) -> bool {
    memchr::memchr(0, data).is_some()
}

fn remote_path(
    url: &Url,
    head: &Head,
    dir: Option<&Path>,
    from_header: bool,
    clobber: bool,
) -> Result<PathBuf, Error> {
    let header_name = from_header
        .then(|| head.get(http::header::CONTENT_DISPOSITION))
        .flatten()
        .and_then(names::from_content_disposition);
    let from_server = header_name.is_some();
    let name = header_name
        .or_else(|| names::from_url_path(url.path()))
        .ok_or_else(|| {
            Error::usage(format!(
                "{}: the URL names no file (it ends in /); use -o FILE",
                redact(url)
            ))
        })?;
    let path = match dir {
        Some(d) => d.join(&name),
        None => PathBuf::from(&name),
    };
    if from_server && !clobber && path.exists() {
        return Err(Error::new(
            ErrorKind::LocalIo,
            format!(
                "{} exists and its name came from the server; not replaced (--clobber replaces it)",
                path.display()
            ),
        ));
    }
    Ok(path)
}
