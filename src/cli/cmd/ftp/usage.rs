//! Every usage error of `ftp`, found before the password prompt and the connection.

use super::*;

/// Every usage error that the arguments alone show, checked before a password prompt or a
/// connection (a typo should cost neither): flags given to an action that does not take
/// them, names the action cannot use, local inputs of the wrong kind.
pub(super) fn check_usage(args: &Args, path: &str, rest: &[String]) -> Result<(), Error> {
    let a = args.action;
    let r = args.recursive;
    let usage = |m: &str| Err(Error::usage(m));
    let only = |on: bool, flag: &str, with: &str| {
        if on {
            Err(Error::usage(format!("{flag} goes with {with}")))
        } else {
            Ok(())
        }
    };
    only(args.long && a != Action::Ls, "-l", "ls")?;
    only(args.all && a != Action::Ls, "-a", "ls")?;
    only(
        args.output.is_some() && (a != Action::Get || r),
        "-o",
        "get (one file)",
    )?;
    only(
        args.remote_name && (a != Action::Get || r),
        "-O",
        "get (one file)",
    )?;
    only(
        args.resume && (r || !matches!(a, Action::Get | Action::Put)),
        "-C",
        "get and put of one file (get -r fetches whole files; --newer skips copied ones)",
    )?;
    only(args.append && a != Action::Put, "--append", "put")?;
    only(args.append && r, "--append", "put of one file")?;
    only(args.parents && a != Action::Mkdir, "-p", "mkdir")?;
    only(args.newer && !(a == Action::Get && r), "--newer", "get -r")?;
    only(
        args.delete && !(a == Action::Get && r),
        "--delete",
        "get -r",
    )?;
    only(
        !(args.exclude.is_empty() || r && matches!(a, Action::Get | Action::Put)),
        "--exclude",
        "get -r and put -r",
    )?;
    only(
        args.parallel > 1 && !(r && matches!(a, Action::Get | Action::Put)),
        "-P",
        "get -r and put -r",
    )?;
    let to_stdout = args.output.as_deref() == Some(Path::new("-"));
    if to_stdout && args.resume {
        return usage("-C resumes a file; -o - (stdout) has nothing to resume");
    }
    match a {
        Action::Get if r => {
            if let (true, Err(why)) = (rest.is_empty(), mirror_dir_name(path)) {
                return Err(Error::usage(format!(
                    "get -r URL without DIR mirrors into ./NAME, and {why}: give DIR (e.g. `.`)"
                )));
            }
        }
        Action::Get => {
            if path.is_empty() || path.ends_with('/') {
                return usage("the URL names a directory (ends in /): get -r mirrors one");
            }
            if args.output.is_none() && last_component(path).is_none() {
                return usage("the URL names no file to get (give -o FILE)");
            }
        }
        Action::Put => {
            let local = Path::new(&args.operands[0]);
            if r {
                if !local.is_dir() {
                    return Err(Error::usage(format!(
                        "{}: put -r takes a directory",
                        local.display()
                    )));
                }
            } else if local.as_os_str() != "-" {
                if local.is_dir() {
                    return Err(Error::usage(format!(
                        "{}: is a directory (put -r uploads a tree)",
                        local.display()
                    )));
                }
                if local.file_name().and_then(|n| n.to_str()).is_none() {
                    return Err(Error::usage(format!(
                        "{}: not a file name",
                        local.display()
                    )));
                }
            }
        }
        Action::Mv => crate::proto::pingpong::check_argument("TO", &rest[0])?,
        Action::Quote => crate::proto::pingpong::check_argument("the command", &rest.join(" "))?,
        _ => {}
    }
    Ok(())
}
