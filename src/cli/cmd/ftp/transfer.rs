//! `ftp get` and `ftp put` of one file: `.part`, resume, size and hash checks, progress.

use super::*;

impl Run<'_> {
    pub(super) fn get(
        &self,
        session: &mut Session,
        path: &str,
        out: &mut Stdout,
        started: Instant,
    ) -> Result<Outcome, Error> {
        let to_stdout = self.args.output.as_deref() == Some(Path::new("-"));
        let local = match &self.args.output {
            Some(p) if !to_stdout => p.clone(),
            Some(_) => PathBuf::new(),
            None => PathBuf::from(
                last_component(path)
                    .ok_or_else(|| Error::usage("the URL names no file to get (give -o FILE)"))?,
            ),
        };
        let remote_size = if self.args.ascii {
            None
        } else {
            session.size(path)?
        };
        let modified = session.mdtm(path)?;
        let progress = Progress::for_stderr(self.quiet, self.args.client.output.no_progress);
        let label = last_component(path).unwrap_or_else(|| path.to_owned());
        let (bytes, offset, file) = if to_stdout {
            let mut stdout = io::stdout().lock();
            let mut first = true;
            let bar = progress.bar(&label, remote_size, 0);
            let bytes = session.retrieve(path, 0, &mut |chunk| {
                if first {
                    first = false;
                    if crate::http::download::is_binary(chunk)
                        && io::IsTerminal::is_terminal(&io::stdout())
                    {
                        return Err(Error::usage(
                            "binary data; not written to the terminal (use -o FILE, or pipe it)",
                        ));
                    }
                }
                bar.advance(chunk.len() as u64);
                stdout.write_all(chunk).map_err(|e| {
                    Error::new(
                        ErrorKind::LocalIo,
                        format!("writing stdout: {}", crate::error::io_words(&e)),
                    )
                })
            })?;
            bar.finish();
            stdout.flush().map_err(|e| {
                Error::new(
                    ErrorKind::LocalIo,
                    format!("writing stdout: {}", crate::error::io_words(&e)),
                )
            })?;
            // A short transfer is as wrong on a pipe as in a file: nothing can be kept
            // for -C, but the exit must not say the output is complete.
            if let Some(size) = remote_size
                && bytes != size
            {
                return Err(Error::new(
                    ErrorKind::Protocol,
                    format!("the transfer ended at {bytes} of {size} bytes (written to stdout)"),
                ));
            }
            (bytes, 0, None)
        } else {
            let mut output = Output::open(&local, self.args.resume)?;
            let offset = output.len();
            if let Some(size) = remote_size
                && offset > 0
                && offset >= size
            {
                if offset == size {
                    if let Some(want) = &self.args.sha256 {
                        let mut h = ring::digest::Context::new(&ring::digest::SHA256);
                        hash_prefix(&mut h, output.working_path(), offset)?;
                        if h.finish().as_ref() != want.0.as_slice() {
                            output.discard();
                            return Err(Error::new(
                                ErrorKind::CheckFailed,
                                format!(
                                    "{path}: SHA-256 differs from --sha256; the file is not kept"
                                ),
                            ));
                        }
                    }
                    // Already complete: finish the rename a failed run did not get to.
                    let done = output.commit()?;
                    return self.report_get(
                        out,
                        path,
                        done,
                        0,
                        remote_size,
                        offset,
                        modified,
                        session,
                        started,
                    );
                }
                return Err(Error::new(
                    ErrorKind::Protocol,
                    format!(
                        "{} holds {offset} bytes, more than the remote file's {size}: remove it to start again",
                        save::part_path(&local).display()
                    ),
                ));
            }
            let bar = progress.bar(&label, remote_size, offset);
            let mut hash = self
                .args
                .sha256
                .as_ref()
                .map(|_| ring::digest::Context::new(&ring::digest::SHA256));
            if let Some(h) = hash.as_mut()
                && offset > 0
            {
                hash_prefix(h, output.working_path(), offset)?;
            }
            let got = session.retrieve(path, offset, &mut |chunk| {
                bar.advance(chunk.len() as u64);
                if let Some(h) = hash.as_mut() {
                    h.update(chunk);
                }
                output.write_all(chunk)
            });
            bar.finish();
            let bytes = match got {
                Ok(n) => n,
                Err(e) => {
                    // A refused RETR (no such file) leaves no empty .part behind; one
                    // with data stays for -C.
                    if output.is_empty() {
                        output.discard();
                    } else if e.kind() == ErrorKind::Interrupted {
                        return Err(Error::new(
                            e.kind(),
                            format!(
                                "{}; {} is kept for -C",
                                e.message(),
                                output.working_path().display()
                            ),
                        ));
                    }
                    return Err(e);
                }
            };
            if let Some(size) = remote_size
                && output.len() != size
            {
                return Err(Error::new(
                    ErrorKind::Protocol,
                    format!(
                        "the transfer ended at {} of {size} bytes; {} is kept for -C",
                        output.len(),
                        output.working_path().display()
                    ),
                ));
            }
            if let (Some(want), Some(h)) = (&self.args.sha256, hash) {
                let got = h.finish();
                if got.as_ref() != want.0.as_slice() {
                    output.discard();
                    return Err(Error::new(
                        ErrorKind::CheckFailed,
                        format!(
                            "{path}: SHA-256 is {}, not the one given with --sha256; the file is not kept",
                            hex(got.as_ref())
                        ),
                    ));
                }
            }
            if let Some(secs) = modified {
                output.set_modified(
                    UNIX_EPOCH + std::time::Duration::from_secs(secs.max(0) as u64),
                )?;
            }
            let done = output.commit()?;
            (bytes, offset, done)
        };
        self.report_get(
            out,
            path,
            file,
            bytes,
            remote_size,
            offset,
            modified,
            session,
            started,
        )
    }

    #[allow(clippy::too_many_arguments)]
    pub(super) fn report_get(
        &self,
        out: &mut Stdout,
        path: &str,
        file: Option<PathBuf>,
        bytes: u64,
        remote_size: Option<u64>,
        offset: u64,
        modified: Option<i64>,
        session: &Session,
        started: Instant,
    ) -> Result<Outcome, Error> {
        if self.json {
            write_out(out.json(&TransferJson {
                url: self.url_shown.clone(),
                action: "get",
                file: file.map(|f| f.display().to_string()),
                remote: path.to_owned(),
                bytes,
                remote_size,
                resumed_from: offset,
                modified: modified.map(rfc3339_secs),
                tls: session.tls_info(),
                seconds: started.elapsed().as_secs_f64(),
            }))?;
        }
        Ok(Outcome::Success)
    }

    pub(super) fn put(
        &self,
        session: &mut Session,
        path: &str,
        local: &Path,
        mut file: File,
        out: &mut Stdout,
        started: Instant,
    ) -> Result<Outcome, Error> {
        let name = if local.as_os_str() == "-" {
            // stdin: the URL names the remote file (checked before connecting).
            last_component(path).unwrap_or_else(|| "stdin".to_owned())
        } else {
            local
                .file_name()
                .and_then(|n| n.to_str())
                .ok_or_else(|| Error::usage(format!("{}: not a file name", local.display())))?
                .to_owned()
        };
        let remote = if path.is_empty() || path.ends_with('/') {
            join(path, &name)
        } else {
            path.to_owned()
        };
        let meta = file.metadata().map_err(|e| {
            Error::new(
                ErrorKind::LocalIo,
                format!("{}: {}", local.display(), crate::error::io_words(&e)),
            )
        })?;
        if meta.is_dir() {
            return Err(Error::usage(format!("{}: is a directory", local.display())));
        }
        let mut offset = 0;
        if self.args.resume {
            offset = session.size(&remote)?.unwrap_or(0);
            if offset > meta.len() {
                return Err(Error::new(
                    ErrorKind::Protocol,
                    format!(
                        "the remote file is larger ({offset} bytes) than {}",
                        local.display()
                    ),
                ));
            }
            io::Seek::seek(&mut file, io::SeekFrom::Start(offset)).map_err(|e| {
                Error::new(
                    ErrorKind::LocalIo,
                    format!("{}: {}", local.display(), crate::error::io_words(&e)),
                )
            })?;
        }
        let progress = Progress::for_stderr(self.quiet, self.args.client.output.no_progress);
        let bar = progress.bar(&name, meta.is_file().then_some(meta.len()), offset);
        // A pipe is read only until --max-time (a silent writer cannot hold the run).
        let mut bounded = crate::local::UntilDeadline {
            inner: file,
            deadline: self.deadline,
        };
        let mut reader: &mut dyn Read = &mut bounded;
        let sent = if offset > 0 && offset == meta.len() {
            0
        } else {
            session.store(&remote, &mut reader, self.args.append, offset, &mut |n| {
                bar.advance(n)
            })?
        };
        bar.finish();
        if !self.args.ascii
            && !self.args.append
            && meta.is_file()
            && let Some(size) = session.size(&remote)?
            && size != meta.len()
        {
            return Err(Error::new(
                ErrorKind::Protocol,
                format!(
                    "the server holds {size} bytes of {remote} after the upload, not {}",
                    meta.len()
                ),
            ));
        }
        // A pipe's time is not the data's: only a file's is set on the server.
        let modified = Some(&meta)
            .filter(|m| m.is_file())
            .and_then(|m| m.modified().ok())
            .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
            .map(|d| d.as_secs() as i64);
        if let Some(secs) = modified {
            session.set_mtime(&remote, secs)?;
        }
        if self.json {
            write_out(out.json(&TransferJson {
                url: self.url_shown.clone(),
                action: "put",
                file: Some(local.display().to_string()),
                remote,
                bytes: sent,
                remote_size: None,
                resumed_from: offset,
                modified: modified.map(rfc3339_secs),
                tls: session.tls_info(),
                seconds: started.elapsed().as_secs_f64(),
            }))?;
        }
        Ok(Outcome::Success)
    }
}

/// Feeds the first `len` bytes of a `.part` file being resumed into `hash`.
fn hash_prefix(hash: &mut ring::digest::Context, part: &Path, len: u64) -> Result<(), Error> {
    let io_err = |e: io::Error| {
        Error::new(
            ErrorKind::LocalIo,
            format!("{}: {}", part.display(), crate::error::io_words(&e)),
        )
    };
    let mut reader = File::open(part).map_err(io_err)?.take(len);
    let mut buf = vec![0u8; 256 << 10];
    loop {
        let n = reader.read(&mut buf).map_err(io_err)?;
        if n == 0 {
            return Ok(());
        }
        hash.update(&buf[..n]);
    }
}
