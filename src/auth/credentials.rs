//! Where a password comes from (SPEC §3), first found wins: URL userinfo, `-u USER:PASS`,
//! `--password-file`, `NETKIT_PASSWORD`, netrc, a prompt when stdin is a terminal. The user
//! name comes from the URL, `-u`, or the netrc entry. No password anywhere: exit 7.

use std::io::{BufRead, IsTerminal};
use std::path::Path;

use super::{Secret, netrc};
use crate::{Error, ErrorKind};

/// Which netrc file to consult.
#[derive(Debug, Clone, Copy)]
pub enum NetrcChoice<'a> {
    /// `~/.netrc` (or `$NETRC`).
    Default,
    File(&'a Path),
    Off,
}

/// Where the password was found; the front end warns for `CommandLine` (it shows in `ps`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    Url,
    CommandLine,
    PasswordFile,
    Environment,
    Netrc,
    Prompt,
}

#[derive(Debug, Clone)]
pub struct Credentials {
    pub user: String,
    pub password: Secret,
    pub source: Source,
}

/// Everything the user gave, gathered by the front end.
#[derive(Debug, Clone)]
pub struct Request<'a> {
    pub host: &'a str,
    /// Percent-decoded userinfo from the URL.
    pub url_user: Option<&'a str>,
    pub url_password: Option<&'a str>,
    /// `-u USER[:PASS]`, split at the first ':'.
    pub user_option: Option<&'a str>,
    pub password_file: Option<&'a Path>,
    /// The value of `NETKIT_PASSWORD`, read by the caller.
    pub env_password: Option<String>,
    pub netrc: NetrcChoice<'a>,
    /// Prompt on the terminal as the last resort (only when stdin is a terminal).
    pub allow_prompt: bool,
}

/// The user and password for `req.host`; `Ok(None)` when no user name was given anywhere
/// (the command may then go anonymous).
pub fn find(req: &Request<'_>) -> Result<Option<Credentials>, Error> {
    let (opt_user, opt_pass) = match req.user_option {
        Some(u) => match u.split_once(':') {
            Some((user, pass)) => (Some(user), Some(pass)),
            None => (Some(u), None),
        },
        None => (None, None),
    };
    let mut user = req
        .url_user
        .filter(|u| !u.is_empty())
        .or(opt_user)
        .map(str::to_owned);
    let found = |password: Secret, source| Credentials {
        user: String::new(),
        password,
        source,
    };
    let mut creds = if let Some(p) = req.url_password {
        Some(found(Secret::new(p), Source::Url))
    } else if let Some(p) = opt_pass {
        Some(found(Secret::new(p), Source::CommandLine))
    } else if let Some(path) = req.password_file {
        Some(found(read_password_file(path)?, Source::PasswordFile))
    } else {
        req.env_password
            .as_ref()
            .map(|p| found(Secret::new(p.as_str()), Source::Environment))
    };
    if creds.is_none()
        && let Some(entry) = read_netrc(req, user.as_deref())?
    {
        if user.is_none() {
            user = entry.login.clone();
        }
        if let Some(p) = entry.password {
            creds = Some(found(p, Source::Netrc));
        }
    }
    let Some(user) = user else {
        return Ok(None);
    };
    if let Some(mut c) = creds {
        c.user = user;
        return Ok(Some(c));
    }
    if req.allow_prompt && std::io::stdin().is_terminal() {
        let password = prompt_password(&format!("Password for {user}@{}: ", req.host))?;
        return Ok(Some(Credentials {
            user,
            password,
            source: Source::Prompt,
        }));
    }
    Err(Error::new(
        ErrorKind::Auth,
        format!(
            "no password for {user}@{} (give --password-file FILE, NETKIT_PASSWORD or a netrc entry)",
            req.host
        ),
    ))
}

/// The first line of FILE, without its line end.
pub fn read_password_file(path: &Path) -> Result<Secret, Error> {
    let file = std::fs::File::open(path).map_err(|e| {
        Error::usage(format!(
            "--password-file {}: {}",
            path.display(),
            crate::error::io_words(&e)
        ))
    })?;
    let mut line = String::new();
    std::io::BufReader::new(file)
        .read_line(&mut line)
        .map_err(|e| {
            Error::usage(format!(
                "--password-file {}: {}",
                path.display(),
                crate::error::io_words(&e)
            ))
        })?;
    let trimmed = line.trim_end_matches(['\n', '\r']);
    // An empty file is a mistake (a truncated secret, the wrong path), not an empty password:
    // refuse it before connecting rather than have the server reject it.
    if trimmed.is_empty() {
        return Err(Error::new(
            ErrorKind::Auth,
            format!(
                "--password-file {}: the first line is empty; put the password on it",
                path.display()
            ),
        ));
    }
    Ok(Secret::new(trimmed))
}

fn read_netrc(req: &Request<'_>, user: Option<&str>) -> Result<Option<netrc::Entry>, Error> {
    let path = match req.netrc {
        NetrcChoice::Off => return Ok(None),
        NetrcChoice::File(p) => p.to_path_buf(),
        NetrcChoice::Default => match netrc::default_path() {
            Some(p) => p,
            None => return Ok(None),
        },
    };
    let text = match std::fs::read_to_string(&path) {
        Ok(t) => t,
        // A missing ~/.netrc is normal; a missing --netrc-file is the user's mistake.
        Err(e)
            if matches!(req.netrc, NetrcChoice::Default)
                && e.kind() == std::io::ErrorKind::NotFound =>
        {
            return Ok(None);
        }
        Err(e) => {
            return Err(Error::usage(format!(
                "netrc {}: {}",
                path.display(),
                crate::error::io_words(&e)
            )));
        }
    };
    Ok(netrc::lookup(&text, req.host, user))
}

/// Reads a password from the controlling terminal with echo off.
pub fn prompt_password(prompt: &str) -> Result<Secret, Error> {
    use std::io::Write;
    use std::os::fd::AsRawFd;
    let tty_err = |e: std::io::Error| {
        Error::new(
            ErrorKind::Auth,
            format!("cannot prompt for a password: {e}"),
        )
    };
    let tty = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .open("/dev/tty")
        .map_err(tty_err)?;
    let fd = tty.as_raw_fd();
    // SAFETY: termios is plain data; tcgetattr fills it for a valid open fd.
    let mut saved: libc::termios = unsafe { std::mem::zeroed() };
    // SAFETY: fd is open for the lifetime of `tty`; `saved` is a valid out pointer.
    if unsafe { libc::tcgetattr(fd, &mut saved) } != 0 {
        return Err(tty_err(std::io::Error::last_os_error()));
    }
    let mut quiet = saved;
    quiet.c_lflag &= !libc::ECHO;
    quiet.c_lflag |= libc::ICANON;
    let mut writer = &tty;
    let _ = write!(writer, "{prompt}");
    let _ = writer.flush();
    // SAFETY: as above; `quiet` is a valid termios copied from the terminal's own.
    unsafe { libc::tcsetattr(fd, libc::TCSANOW, &quiet) };
    let mut line = String::new();
    let read = std::io::BufReader::new(&tty).read_line(&mut line);
    // SAFETY: restores the settings read above on the same fd.
    unsafe { libc::tcsetattr(fd, libc::TCSANOW, &saved) };
    let _ = writeln!(writer);
    read.map_err(tty_err)?;
    Ok(Secret::new(line.trim_end_matches(['\n', '\r'])))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn base<'a>() -> Request<'a> {
        Request {
            host: "mail.example.org",
            url_user: None,
            url_password: None,
            user_option: None,
            password_file: None,
            env_password: None,
            netrc: NetrcChoice::Off,
            allow_prompt: false,
        }
    }

    fn temp_file(text: &str) -> tempfile::NamedTempFile {
        let mut f = tempfile::NamedTempFile::new().unwrap();
        f.write_all(text.as_bytes()).unwrap();
        f
    }

    #[test]
    fn url_password_wins_over_everything() {
        let pw = temp_file("from-file\n");
        let req = Request {
            url_user: Some("alice"),
            url_password: Some("from-url"),
            user_option: Some("bob:from-u"),
            password_file: Some(pw.path()),
            env_password: Some("from-env".into()),
            ..base()
        };
        let c = find(&req).unwrap().unwrap();
        assert_eq!(
            (c.user.as_str(), c.password.expose(), c.source),
            ("alice", "from-url", Source::Url)
        );
    }

    #[test]
    fn each_source_in_order() {
        let pw = temp_file("from-file\r\nsecond line\n");
        let netrc = temp_file("machine mail.example.org login nu password from-netrc\n");
        let mut req = Request {
            user_option: Some("bob:from-u"),
            password_file: Some(pw.path()),
            env_password: Some("from-env".into()),
            netrc: NetrcChoice::File(netrc.path()),
            ..base()
        };
        let c = find(&req).unwrap().unwrap();
        assert_eq!(
            (c.password.expose(), c.source),
            ("from-u", Source::CommandLine)
        );
        req.user_option = Some("bob");
        let c = find(&req).unwrap().unwrap();
        assert_eq!(
            (c.password.expose(), c.source),
            ("from-file", Source::PasswordFile)
        );
        req.password_file = None;
        let c = find(&req).unwrap().unwrap();
        assert_eq!(
            (c.password.expose(), c.source),
            ("from-env", Source::Environment)
        );
        req.env_password = None;
        req.user_option = None;
        let c = find(&req).unwrap().unwrap();
        assert_eq!(
            (c.user.as_str(), c.password.expose(), c.source),
            ("nu", "from-netrc", Source::Netrc)
        );
    }

    #[test]
    fn user_without_password_is_an_auth_error_not_a_prompt_in_scripts() {
        let req = Request {
            user_option: Some("bob"),
            ..base()
        };
        let err = find(&req).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Auth);
        assert!(err.message().contains("bob@mail.example.org"));
    }

    #[test]
    fn no_user_anywhere_means_anonymous() {
        assert!(find(&base()).unwrap().is_none());
    }

    #[test]
    fn missing_password_file_is_a_usage_error_without_the_secret() {
        let req = Request {
            user_option: Some("bob"),
            password_file: Some(Path::new("/nonexistent/pw")),
            ..base()
        };
        assert_eq!(find(&req).unwrap_err().kind(), ErrorKind::Usage);
    }
}
