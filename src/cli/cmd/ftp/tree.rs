//! `ftp get -r`/`put -r` (the mirror on N sessions) and `ftp ls -r`.

use super::*;

impl Run<'_> {
    /// `ls -r`, `get -r`, `put -r`.
    pub(super) fn mirror(
        &self,
        mut session: Session,
        path: &str,
        rest: &[String],
        deadline: net::Deadline,
    ) -> Result<Outcome, Error> {
        let mut out = Stdout::new();
        if self.args.action == Action::Ls {
            let listed = self.ls_tree(&mut session, path, &mut out);
            session.quit();
            listed?;
            write_out(out.finish())?;
            return Ok(Outcome::Success);
        }
        let opts = MirrorOptions {
            newer: self.args.newer,
            delete: self.args.delete,
            exclude: self.args.exclude.clone(),
        };
        let download = self.args.action == Action::Get;
        let (jobs, settled) = if download {
            let local = match rest.first() {
                Some(d) => PathBuf::from(d),
                // check_usage refused a URL without a name of its own.
                None => PathBuf::from(mirror_dir_name(path).map_err(Error::usage)?),
            };
            mirror::plan_download(&mut session, path, &local, &opts)?
        } else {
            let local = PathBuf::from(&self.args.operands[0]);
            if !local.is_dir() {
                return Err(Error::usage(format!(
                    "{}: put -r takes a directory",
                    local.display()
                )));
            }
            mirror::plan_upload(&mut session, &local, path.trim_end_matches('/'), &opts)?
        };
        let summary = Mutex::new(Summary::default());
        let first_failure: Mutex<Option<ErrorKind>> = Mutex::new(None);
        // Stdout holds the stdout lock, which cannot cross threads: items are printed after.
        let done: Mutex<Vec<mirror::Item>> = Mutex::new(Vec::new());
        let report = |item: &mirror::Item| {
            if let Ok(mut s) = summary.lock() {
                s.add(item);
            }
            if let Some(kind) = item.kind
                && let Ok(mut f) = first_failure.lock()
                && f.is_none()
            {
                *f = Some(kind);
            }
            if let Ok(mut d) = done.lock() {
                d.push(item.clone());
            }
            {
                // After an interrupt one line says it all, not one per file left.
                // A skip with a reason (a .part not uploaded, a special file) is said too;
                // --newer's up-to-date files are not (they are the point of --newer).
                let said = matches!(item.result, "failed" | "refused")
                    || item.result == "skipped" && item.error.is_some();
                if !self.json && said && !self.quiet && !net::interrupt::requested() {
                    let what = if item.remote.is_empty() {
                        &item.local
                    } else {
                        &item.remote
                    };
                    warn_as(
                        "ftp",
                        false,
                        &format!(
                            "{}: {} ({})",
                            clean(what),
                            item.result,
                            clean(item.error.as_deref().unwrap_or(""))
                        ),
                    );
                }
            }
        };
        for item in &settled {
            report(item);
        }
        let total: u64 = jobs.iter().filter_map(|j| j.size).sum();
        let progress = Progress::for_stderr(self.quiet, self.args.client.output.no_progress);
        let bar = progress.bar(
            &format!("{} files", jobs.len()),
            Some(total).filter(|_| jobs.iter().all(|j| j.size.is_some())),
            0,
        );
        let advance = |n: u64| bar.advance(n);
        // One more connection per extra worker, never more than there are files.
        let workers = usize::from(self.args.parallel).min(jobs.len().max(1));
        let mut sessions = Vec::with_capacity(workers);
        sessions.push(session);
        for _ in 1..workers {
            sessions.push(self.open(deadline)?);
        }
        let (prepare, work): (mirror::Prepare, mirror::Work) = if download {
            (mirror::open_part, mirror::download)
        } else {
            (mirror::nothing, mirror::upload)
        };
        let left = mirror::run_jobs(sessions, jobs, prepare, work, &advance, &report);
        bar.finish();
        for s in left {
            s.quit();
        }
        let summary = summary.into_inner().unwrap_or_default();
        if self.json {
            for item in done.into_inner().unwrap_or_default() {
                write_out(out.json(&item))?;
            }
            write_out(out.json(&serde_json::json!({ "summary": &summary })))?;
        } else {
            write_out(out.line(&format!(
                "{} files, {} bytes copied; {} skipped, {} deleted, {} refused, {} failed",
                summary.files,
                summary.bytes,
                summary.skipped,
                summary.deleted,
                summary.refused,
                summary.failed
            )))?;
        }
        write_out(out.finish())?;
        let first = first_failure.into_inner().ok().flatten();
        if net::interrupt::requested() {
            return Err(Error::new(
                ErrorKind::Interrupted,
                "interrupted: the transfers in flight were aborted (ABOR); \
                 files not yet complete are left as .part; run again \
                 (--newer skips the files already copied)",
            ));
        }
        Ok(match first {
            None => Outcome::Success,
            Some(kind) if summary.files == 0 && summary.skipped == 0 => Outcome::Exit(kind),
            Some(_) => Outcome::Exit(ErrorKind::Partial),
        })
    }

    pub(super) fn ls_tree(
        &self,
        session: &mut Session,
        path: &str,
        out: &mut Stdout,
    ) -> Result<(), Error> {
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_secs() as i64);
        let mut stack = vec![(path.to_owned(), String::new(), 0usize)];
        while let Some((dir, shown, depth)) = stack.pop() {
            for mut e in self.listing(session, &dir, now)? {
                let rel = if shown.is_empty() {
                    e.name.clone()
                } else {
                    format!("{shown}/{}", e.name)
                };
                if e.kind == Kind::Dir
                    && depth < 64
                    && crate::proto::ftp::list::is_safe_component(&e.name)
                {
                    stack.push((join(&dir, &e.name), rel.clone(), depth + 1));
                }
                e.name = rel;
                if self.json {
                    write_out(out.json(&EntryJson::of(&e)))?;
                } else {
                    write_out(out.line(&clean(&e.name)))?;
                }
            }
        }
        Ok(())
    }
}
