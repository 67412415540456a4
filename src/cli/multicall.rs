//! Multi-call dispatch (SPEC §1), as busybox and uutils do it: when argv[0]'s file name is a
//! command name, the invocation is that command. Also `--list` and `--install DIR`.

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

/// Symlinks every command name in `dir` to this binary. An existing link to netkit is
/// refreshed; anything else is left alone unless `force` (exit 2 naming the file).
pub fn install(dir: &Path, force: bool) -> anyhow::Result<Outcome> {
    let exe = std::env::current_exe().context("cannot tell where this binary is")?;
    let exe = fs::canonicalize(&exe).unwrap_or(exe);
    if !dir.is_dir() {
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
            fs::remove_file(path).with_context(|| format!("removing {}", path.display()))?;
        }
        symlink(&exe, path).with_context(|| format!("linking {}", path.display()))?;
    }
    let mut err = io::stderr().lock();
    let _ = writeln!(
        err,
        "netkit: linked {} commands in {} to {}",
        plan.len(),
        dir.display(),
        exe.display()
    );
    Ok(Outcome::Success)
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
