//! `get -r` and `put -r`: a tree copied in two phases — walk (list every directory, create
//! the local or remote directories, collect the files) on one session, then transfer the
//! files on N sessions (`-P N`), each taking the next file from a shared queue. Server names
//! are refused, not rewritten, when they could not be a single local path component; every
//! downloaded file goes through `.part`, a size check, fsync and rename (the last two, and
//! the directory's fsync, on the sync pool of `pipeline`).

use std::collections::{BTreeSet, HashSet};
use std::fs::{self, File};
use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

use serde::Serialize;

use super::client::Session;
use super::list::{Kind, is_safe_component};
pub use super::pipeline::{Prepare, Transferred, Work, run_jobs};
use crate::error::io_words;
use crate::save::Output;
use crate::{Error, ErrorKind};

/// How deep a tree may go: a server with a directory loop (a link listed as a directory)
/// ends here instead of filling the disk.
const MAX_DEPTH: usize = 64;

#[derive(Debug, Clone, Default)]
pub struct MirrorOptions {
    /// Skip files whose size and time already match.
    pub newer: bool,
    /// Remove local files and directories the server does not have (get only).
    pub delete: bool,
    /// Names (at any depth) to leave out.
    pub exclude: Vec<String>,
}

/// One file to copy.
#[derive(Debug, Clone)]
pub struct Job {
    pub remote: String,
    pub local: PathBuf,
    pub size: Option<u64>,
    pub modified: Option<i64>,
}

/// What happened to one entry, for `--json` and the summary.
#[derive(Debug, Clone, Serialize)]
pub struct Item {
    pub remote: String,
    pub local: String,
    /// `copied`, `skipped`, `deleted`, `refused`, `failed`.
    pub result: &'static str,
    pub bytes: u64,
    pub error: Option<String>,
    #[serde(skip)]
    pub kind: Option<ErrorKind>,
}

#[derive(Debug, Default, Serialize)]
pub struct Summary {
    pub files: u64,
    pub bytes: u64,
    pub skipped: u64,
    pub deleted: u64,
    pub refused: u64,
    pub failed: u64,
}

impl Summary {
    pub fn add(&mut self, item: &Item) {
        match item.result {
            "copied" => {
                self.files += 1;
                self.bytes += item.bytes;
            }
            "skipped" => self.skipped += 1,
            "deleted" => self.deleted += 1,
            "refused" => self.refused += 1,
            _ => self.failed += 1,
        }
    }
}

/// fnmatch-style `*`, `?` and `[…]` (with `!` negation and ranges) over a whole name.
pub fn glob_match(pattern: &str, name: &str) -> bool {
    let p: Vec<char> = pattern.chars().collect();
    let n: Vec<char> = name.chars().collect();
    let (mut pi, mut ni) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while ni < n.len() {
        if pi < p.len() {
            match p[pi] {
                '*' => {
                    star = Some((pi, ni));
                    pi += 1;
                    continue;
                }
                '?' => {
                    pi += 1;
                    ni += 1;
                    continue;
                }
                '[' => {
                    if let Some((matched, next)) = class(&p, pi, n[ni])
                        && matched
                    {
                        pi = next;
                        ni += 1;
                        continue;
                    }
                }
                c if c == n[ni] => {
                    pi += 1;
                    ni += 1;
                    continue;
                }
                _ => {}
            }
        }
        match star {
            Some((sp, sn)) => {
                pi = sp + 1;
                ni = sn + 1;
                star = Some((sp, sn + 1));
            }
            None => return false,
        }
    }
    p[pi..].iter().all(|&c| c == '*')
}

/// A `[…]` class at `p[start]`: whether `c` is in it, and the index after it. `None` for a
/// `[` without its `]` (then it is no class at all, and does not match).
fn class(p: &[char], start: usize, c: char) -> Option<(bool, usize)> {
    let mut i = start + 1;
    let negate = matches!(p.get(i), Some('!' | '^'));
    if negate {
        i += 1;
    }
    let mut matched = false;
    let mut first = true;
    while i < p.len() && (first || p[i] != ']') {
        first = false;
        if i + 2 < p.len() && p[i + 1] == '-' && p[i + 2] != ']' {
            if p[i] <= c && c <= p[i + 2] {
                matched = true;
            }
            i += 3;
        } else {
            if p[i] == c {
                matched = true;
            }
            i += 1;
        }
    }
    if i >= p.len() {
        return None;
    }
    Some((matched != negate, i + 1))
}

fn excluded(opts: &MirrorOptions, name: &str) -> bool {
    opts.exclude.iter().any(|g| glob_match(g, name))
}

fn join(dir: &str, name: &str) -> String {
    if dir.is_empty() {
        name.to_owned()
    } else if dir.ends_with('/') {
        format!("{dir}{name}")
    } else {
        format!("{dir}/{name}")
    }
}

fn local_err(what: &str, path: &Path, e: &std::io::Error) -> Error {
    Error::new(
        ErrorKind::LocalIo,
        format!("{what} {}: {}", path.display(), io_words(e)),
    )
}

fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}

fn mtime_of(meta: &fs::Metadata) -> Option<i64> {
    meta.modified()
        .ok()
        .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
        .map(|d| d.as_secs() as i64)
}

/// Walks the remote tree under `remote` into `local`: creates the local directories and
/// returns the files to fetch, plus the entries settled already (refused, skipped, deleted).
pub fn plan_download(
    session: &mut Session,
    remote: &str,
    local: &Path,
    opts: &MirrorOptions,
) -> Result<(Vec<Job>, Vec<Item>), Error> {
    let mut jobs = Vec::new();
    let mut items = Vec::new();
    let mut stack = vec![(remote.to_owned(), local.to_owned(), 0usize)];
    let precise = session.features().mlsd;
    // Directories holding a directory this walk created: fsynced once, before any file
    // is transferred, so a file reported copied is not in a directory a crash could lose.
    let mut new_entries_in: BTreeSet<PathBuf> = BTreeSet::new();
    while let Some((dir, into, depth)) = stack.pop() {
        for missing in into
            .ancestors()
            .take_while(|a| !a.as_os_str().is_empty() && fs::symlink_metadata(a).is_err())
        {
            new_entries_in.insert(match missing.parent() {
                Some(p) if !p.as_os_str().is_empty() => p.to_owned(),
                _ => PathBuf::from("."),
            });
        }
        fs::create_dir_all(&into).map_err(|e| local_err("creating", &into, &e))?;
        // Dot files too (`.htaccess`, `.config/`): a mirror is the whole tree.
        let entries = session.list_all(&dir, now())?;
        let files: HashSet<String> = entries
            .iter()
            .filter(|e| e.kind == Kind::File)
            .map(|e| e.name.clone())
            .collect();
        let mut keep: HashSet<String> = HashSet::new();
        for e in entries {
            let remote_path = join(&dir, &e.name);
            // `N.part` beside `N`: its local name is N's working file, and one download
            // would overwrite (or rename away) the other.
            if e.kind == Kind::File
                && let Some(stem) = e.name.strip_suffix(".part")
                && files.contains(stem)
            {
                keep.insert(e.name.clone());
                items.push(Item {
                    remote: remote_path,
                    local: into.join(&e.name).display().to_string(),
                    result: "refused",
                    bytes: 0,
                    error: Some(format!(
                        "its local name is the working file of '{stem}', downloaded beside it"
                    )),
                    kind: Some(ErrorKind::LocalIo),
                });
                continue;
            }
            if !is_safe_component(&e.name) {
                items.push(Item {
                    remote: remote_path,
                    local: String::new(),
                    result: "refused",
                    bytes: 0,
                    error: Some("a name that would leave the directory".to_owned()),
                    kind: Some(ErrorKind::Protocol),
                });
                continue;
            }
            if excluded(opts, &e.name) {
                keep.insert(e.name.clone());
                continue;
            }
            let path = into.join(&e.name);
            match e.kind {
                // A local symlink where the server has a directory is not followed: the
                // files (and `--delete`) would land wherever it points, outside DIR.
                Kind::Dir if fs::symlink_metadata(&path).is_ok_and(|m| m.is_symlink()) => {
                    keep.insert(e.name.clone());
                    items.push(Item {
                        remote: remote_path,
                        local: path.display().to_string(),
                        result: "refused",
                        bytes: 0,
                        error: Some(
                            "a local symlink is in the way of this directory; not followed"
                                .to_owned(),
                        ),
                        kind: Some(ErrorKind::LocalIo),
                    });
                }
                Kind::Dir if depth < MAX_DEPTH => {
                    keep.insert(e.name.clone());
                    stack.push((remote_path, path, depth + 1));
                }
                Kind::File => {
                    keep.insert(e.name.clone());
                    let mut job = Job {
                        remote: remote_path,
                        local: path,
                        size: e.size,
                        modified: if precise { e.modified } else { None },
                    };
                    if opts.newer && up_to_date(session, &mut job)? {
                        items.push(Item {
                            remote: job.remote,
                            local: job.local.display().to_string(),
                            result: "skipped",
                            bytes: 0,
                            error: None,
                            kind: None,
                        });
                        continue;
                    }
                    jobs.push(job);
                }
                _ => {
                    // Links and unknown entries are not followed: a link may point anywhere,
                    // or back up the tree.
                    keep.insert(e.name.clone());
                    items.push(Item {
                        remote: remote_path,
                        local: path.display().to_string(),
                        result: "skipped",
                        bytes: 0,
                        error: Some(if depth >= MAX_DEPTH {
                            format!("deeper than {MAX_DEPTH} directories")
                        } else {
                            "not a plain file or directory".to_owned()
                        }),
                        kind: None,
                    });
                }
            }
        }
        if opts.delete {
            delete_missing(&into, &keep, &mut items)?;
        }
    }
    for dir in &new_entries_in {
        crate::save::sync_dir(dir)?;
    }
    Ok((jobs, items))
}

/// Whether the local copy already has the remote size and time (MDTM asked when the
/// listing's time is not precise).
fn up_to_date(session: &mut Session, job: &mut Job) -> Result<bool, Error> {
    let Ok(meta) = fs::metadata(&job.local) else {
        return Ok(false);
    };
    if !meta.is_file() || Some(meta.len()) != job.size {
        return Ok(false);
    }
    if job.modified.is_none() {
        job.modified = session.mdtm(&job.remote)?;
    }
    Ok(job.modified.is_some() && job.modified == mtime_of(&meta))
}

fn delete_missing(dir: &Path, keep: &HashSet<String>, items: &mut Vec<Item>) -> Result<(), Error> {
    let listing = fs::read_dir(dir).map_err(|e| local_err("reading", dir, &e))?;
    for entry in listing.flatten() {
        let name = entry.file_name();
        let Some(name) = name.to_str() else { continue };
        // Partial downloads are ours, not the server's.
        if keep.contains(name) || name.ends_with(".part") {
            continue;
        }
        let path = entry.path();
        let removed = match entry.file_type() {
            Ok(t) if t.is_dir() => fs::remove_dir_all(&path),
            _ => fs::remove_file(&path),
        };
        removed.map_err(|e| local_err("removing", &path, &e))?;
        items.push(Item {
            remote: String::new(),
            local: path.display().to_string(),
            result: "deleted",
            bytes: 0,
            error: None,
            kind: None,
        });
    }
    Ok(())
}

/// A download's [`Prepare`]: its `.part`, created (or emptied) and locked.
pub fn open_part(job: &Job) -> Result<Option<Output>, Error> {
    Output::open(&job.local, false).map(Some)
}

/// Uploads need nothing prepared.
pub fn nothing(_: &Job) -> Result<Option<Output>, Error> {
    Ok(None)
}

/// Downloads one file into its `.part`, checks the size and sets the server's time; the
/// complete `.part` is returned for the sync pool to fsync and rename.
pub fn download(
    session: &mut Session,
    job: &Job,
    output: Option<Output>,
    advance: &(dyn Fn(u64) + Sync),
) -> Result<Transferred, Error> {
    let mut output = match output {
        Some(o) => o,
        None => Output::open(&job.local, false)?,
    };
    let got = session.retrieve(&job.remote, 0, &mut |chunk| {
        advance(chunk.len() as u64);
        output.write_all(chunk)
    });
    let bytes = match got {
        Ok(n) => n,
        Err(e) => {
            if output.is_empty() {
                output.discard();
            }
            return Err(e);
        }
    };
    let size = match job.size {
        Some(s) => Some(s),
        None => session.size(&job.remote)?,
    };
    if let Some(size) = size
        && output.len() != size
    {
        return Err(Error::new(
            ErrorKind::Protocol,
            format!(
                "{}: got {} of {size} bytes; {} is kept",
                job.remote,
                output.len(),
                output.working_path().display()
            ),
        ));
    }
    let modified = match job.modified {
        Some(m) => Some(m),
        None => session.mdtm(&job.remote)?,
    };
    if let Some(secs) = modified {
        output.set_modified(UNIX_EPOCH + std::time::Duration::from_secs(secs.max(0) as u64))?;
    }
    // fsync, rename and the directory's fsync are the sync pool's (pipeline.rs).
    Ok(Transferred {
        bytes,
        output: Some(output),
    })
}

/// Walks the local tree under `local` onto the server under `remote`: creates the remote
/// directories (MKD; an existing one is fine) and returns the files to upload.
pub fn plan_upload(
    session: &mut Session,
    local: &Path,
    remote: &str,
    opts: &MirrorOptions,
) -> Result<(Vec<Job>, Vec<Item>), Error> {
    let mut jobs = Vec::new();
    let mut items = Vec::new();
    let mut stack = vec![(local.to_owned(), remote.to_owned(), 0usize)];
    while let Some((dir, onto, depth)) = stack.pop() {
        if !onto.is_empty() && !session.is_dir(&onto)? {
            session.mkdir(&onto)?;
        }
        let listing = fs::read_dir(&dir).map_err(|e| local_err("reading", &dir, &e))?;
        let mut entries: Vec<_> = listing.flatten().collect();
        entries.sort_by_key(|e| e.file_name());
        for entry in entries {
            let path = entry.path();
            let Some(name) = entry.file_name().to_str().map(str::to_owned) else {
                items.push(refused(&path, "a name that is not UTF-8"));
                continue;
            };
            if excluded(opts, &name) {
                continue;
            }
            // A `.part` is an unfinished download (netkit's, or another client's): uploading
            // it would publish half a file. Left out, but said, not silently.
            if name.ends_with(".part") {
                items.push(Item {
                    remote: join(&onto, &name),
                    local: path.display().to_string(),
                    result: "skipped",
                    bytes: 0,
                    error: Some(
                        "a .part file (an unfinished download) is not uploaded; rename it \
                         to send it"
                            .to_owned(),
                    ),
                    kind: None,
                });
                continue;
            }
            crate::proto::pingpong::check_argument("a file name", &name).map_err(|_| {
                Error::usage(format!("{}: a name with a line break", path.display()))
            })?;
            let target = join(&onto, &name);
            // Not followed: symlink_metadata, so a link is skipped rather than uploaded twice
            // or looped.
            let meta = fs::symlink_metadata(&path).map_err(|e| local_err("reading", &path, &e))?;
            if meta.is_dir() && depth < MAX_DEPTH {
                stack.push((path, target, depth + 1));
            } else if meta.is_file() {
                jobs.push(Job {
                    remote: target,
                    local: path,
                    size: Some(meta.len()),
                    modified: mtime_of(&meta),
                });
            } else {
                items.push(Item {
                    remote: target,
                    local: path.display().to_string(),
                    result: "skipped",
                    bytes: 0,
                    error: Some("not a plain file or directory".to_owned()),
                    kind: None,
                });
            }
        }
    }
    Ok((jobs, items))
}

fn refused(path: &Path, why: &str) -> Item {
    Item {
        remote: String::new(),
        local: path.display().to_string(),
        result: "refused",
        bytes: 0,
        error: Some(why.to_owned()),
        kind: Some(ErrorKind::Usage),
    }
}

/// Uploads one file and checks the remote size; sets its time where MFMT is offered.
pub fn upload(
    session: &mut Session,
    job: &Job,
    _: Option<Output>,
    advance: &(dyn Fn(u64) + Sync),
) -> Result<Transferred, Error> {
    let mut file = File::open(&job.local).map_err(|e| local_err("opening", &job.local, &e))?;
    let sent = session.store(&job.remote, &mut file, false, 0, &mut |n| advance(n))?;
    if let Some(size) = job.size
        && let Some(remote) = session.size(&job.remote)?
        && remote != size
    {
        return Err(Error::new(
            ErrorKind::Protocol,
            format!(
                "{}: the server holds {remote} bytes, not {size}",
                job.remote
            ),
        ));
    }
    if let Some(secs) = job.modified {
        session.set_mtime(&job.remote, secs)?;
    }
    Ok(Transferred {
        bytes: sent,
        output: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn globs_match_like_fnmatch() {
        for (p, n) in [
            ("*.tmp", "a.tmp"),
            ("*", ""),
            ("a?c", "abc"),
            ("[abc]x", "bx"),
            ("[!a]x", "bx"),
            ("[a-c]*", "cat"),
            ("*.[ch]", "x.h"),
            ("node_modules", "node_modules"),
            ("*a*b*", "xxaxxbxx"),
        ] {
            assert!(glob_match(p, n), "{p} {n}");
        }
        for (p, n) in [
            ("*.tmp", "a.tmpx"),
            ("a?c", "ac"),
            ("[!a]x", "ax"),
            ("[abc", "a"),
            ("x", "xx"),
        ] {
            assert!(!glob_match(p, n), "{p} {n}");
        }
    }

    proptest! {
        #[test]
        fn glob_never_panics_and_star_matches_all(p in ".{0,20}", n in ".{0,20}") {
            let _ = glob_match(&p, &n);
            prop_assert!(glob_match("*", &n));
            prop_assert!(glob_match(&n.replace(['*', '?', '['], "_"), &n.replace(['*', '?', '['], "_")));
        }
    }
}
