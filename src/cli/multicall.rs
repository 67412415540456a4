//! Multi-call dispatch (SPEC §1), as busybox and uutils do it: when argv[0]'s file name is a
//! command name, the invocation is that command. Also `--list`, `--install DIR` and `--uninstall DIR`.

use std::ffi::OsString;
use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use anyhow::Context;

use super::exit::Outcome;
use super::render::Stdout;
use crate::{Error, ErrorKind};

/// The arguments clap should see: `["netkit", name, rest…]` when invoked through a link
/// named after a command, else the arguments unchanged.
pub fn effective_args(mut args: Vec<OsString>) -> Vec<OsString> {
    let Some(argv0) = args.first() else {
        return vec!["netkit".into()];
    };
    match applet_name(Path::new(argv0)) {
        Some(name) if super::command_names().contains(&name) => {
            args[0] = name.into();
            args.insert(0, "netkit".into());
            args
        }
        _ => args,
    }
}

/// The file name without directory and without `.exe`.
fn applet_name(argv0: &Path) -> Option<String> {
    let name = argv0.file_name()?.to_str()?;
    Some(name.strip_suffix(".exe").unwrap_or(name).to_owned())
}

pub fn print_list() -> anyhow::Result<Outcome> {
    let mut out = Stdout::new();
    for name in super::command_names() {
        out.line(&name)?;
    }
    out.finish()?;
    Ok(Outcome::Success)
}

/// Symlinks every command name in `dir` to this binary, creating `dir` (and its parents)
/// when missing. An existing link to netkit is refreshed; anything else is left alone
/// unless `force` (exit 2 naming the file).
pub fn install(dir: &Path, force: bool) -> anyhow::Result<Outcome> {
    let exe = this_binary()?;
    let created = !dir.exists();
    if created {
        fs::create_dir_all(dir).map_err(|e| local_io(format!("creating {}", dir.display()), &e))?;
    } else if !dir.is_dir() {
        return Err(Error::usage(format!("{}: not a directory", dir.display())).into());
    }
    let names = super::command_names();
    // Check everything first so that a refusal leaves the directory untouched.
    let mut plan: Vec<(PathBuf, bool)> = Vec::new();
    for name in &names {
        let path = dir.join(name);
        let exists = fs::symlink_metadata(&path).is_ok();
        if exists && !force && !links_to(&path, &exe) {
            return Err(Error::new(
                ErrorKind::Usage,
                format!(
                    "{}: exists and is not a link to netkit (use --force to replace it)",
                    path.display()
                ),
            )
            .into());
        }
        plan.push((path, exists));
    }
    for (path, exists) in &plan {
        if *exists {
            fs::remove_file(path)
                .map_err(|e| local_io(format!("removing {}", path.display()), &e))?;
        }
        symlink(&exe, path).map_err(|e| local_io(format!("linking {}", path.display()), &e))?;
    }
    let mut err = io::stderr().lock();
    let _ = writeln!(
        err,
        "netkit: installed {} links in {}{}",
        plan.len(),
        dir.display(),
        if created { " (created it)" } else { "" }
    );
    Ok(Outcome::Success)
}

/// Removes the command-name links in `dir` that point at this binary; any other file of
/// the same name (another `ftp`, a link to another netkit) stays.
pub fn uninstall(dir: &Path) -> anyhow::Result<Outcome> {
    let exe = this_binary()?;
    if !dir.is_dir() {
        return Err(Error::usage(format!("{}: not a directory", dir.display())).into());
    }
    let mut removed = 0;
    let mut kept = 0;
    for name in super::command_names() {
        let path = dir.join(&name);
        if links_to(&path, &exe) {
            fs::remove_file(&path)
                .map_err(|e| local_io(format!("removing {}", path.display()), &e))?;
            removed += 1;
        } else if fs::symlink_metadata(&path).is_ok() {
            kept += 1;
        }
    }
    let mut err = io::stderr().lock();
    let _ = write!(
        err,
        "netkit: removed {removed} links from {}",
        dir.display()
    );
    let _ = if kept > 0 {
        writeln!(
            err,
            " (kept {kept} files that are not links to this netkit)"
        )
    } else {
        writeln!(err)
    };
    Ok(Outcome::Success)
}

fn this_binary() -> anyhow::Result<PathBuf> {
    let exe = std::env::current_exe().context("cannot tell where this binary is")?;
    Ok(fs::canonicalize(&exe).unwrap_or(exe))
}

fn local_io(what: String, e: &io::Error) -> anyhow::Error {
    Error::new(
        ErrorKind::LocalIo,
        format!("{what}: {}", crate::error::io_words(e)),
    )
    .into()
}

fn links_to(path: &Path, exe: &Path) -> bool {
    let is_link = fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink());
    is_link && fs::canonicalize(path).is_ok_and(|target| target == exe)
}

#[cfg(unix)]
fn symlink(target: &Path, link: &Path) -> io::Result<()> {
    std::os::unix::fs::symlink(target, link)
}

#[cfg(not(unix))]
fn symlink(target: &Path, link: &Path) -> io::Result<()> {
    fs::copy(target, link).map(|_| ())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(list: &[&str]) -> Vec<OsString> {
        list.iter().map(OsString::from).collect()
    }

    #[test]
    fn link_name_becomes_the_command() {
        let got = effective_args(args(&["/usr/local/bin/urlquote", "a b"]));
        assert_eq!(got, args(&["netkit", "urlquote", "a b"]));
        let got = effective_args(args(&["smtp-send.exe", "-h"]));
        assert_eq!(got, args(&["netkit", "smtp-send", "-h"]));
    }

    #[test]
    fn unknown_name_falls_back_to_subcommand_form() {
        let got = effective_args(args(&["/opt/nk", "urlquote", "x"]));
        assert_eq!(got, args(&["/opt/nk", "urlquote", "x"]));
    }
}
