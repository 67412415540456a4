//! The option groups of SPEC §3, defined once and flattened into every network command with
//! `#[command(flatten)]`. `ClientOpts` is the whole set; `hostinfo` takes `NetOpts` and
//! `OutputOpts` only (its resolver waits are network waits, but it has no TLS or login).

use std::path::PathBuf;
use std::time::Duration;

use clap::{Args, ValueEnum};

pub use crate::net::Family;
use crate::net::wait::Limits;
use crate::net::{ConnectOptions, Deadline};

/// Timeouts and address family.
#[derive(Args, Debug, Clone)]
pub struct NetOpts {
    /// Seconds for resolve + connect + TLS handshake
    #[arg(long, value_name = "SECS", default_value = "10", value_parser = parse_seconds)]
    pub connect_timeout: Duration,

    /// Longest silence, in seconds, on an established connection
    #[arg(short = 't', long, value_name = "SECS", default_value = "30", value_parser = parse_seconds)]
    pub timeout: Duration,

    /// Hard deadline, in seconds, for the whole command
    #[arg(short = 'm', long, value_name = "SECS", value_parser = parse_seconds)]
    pub max_time: Option<Duration>,

    /// IPv4 addresses only
    #[arg(short = '4', long = "ipv4", conflicts_with = "ipv6")]
    pub ipv4: bool,

    /// IPv6 addresses only
    #[arg(short = '6', long = "ipv6")]
    pub ipv6: bool,
}

impl NetOpts {
    pub fn family(&self) -> Family {
        match (self.ipv4, self.ipv6) {
            (true, _) => Family::V4,
            (_, true) => Family::V6,
            _ => Family::Any,
        }
    }

    /// The transport's view of these flags; `deadline` is the command's `--max-time`,
    /// started once when the command starts.
    pub fn connect_options(&self, deadline: Deadline) -> ConnectOptions {
        ConnectOptions {
            family: self.family(),
            connect_timeout: self.connect_timeout,
            deadline,
        }
    }

    /// The three limits as one value, `--max-time` counted from now.
    pub fn limits(&self) -> Limits {
        Limits {
            connect_timeout: self.connect_timeout,
            timeout: self.timeout,
            deadline: self
                .max_time
                .and_then(|m| std::time::Instant::now().checked_add(m)),
        }
    }

    /// The `--max-time` deadline, counted from now.
    pub fn deadline(&self) -> Deadline {
        Deadline::after(self.max_time)
    }
}

/// `--tls` for plain schemes (SPEC §3).
#[derive(ValueEnum, Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum TlsMode {
    /// Upgrade when the server offers it
    #[default]
    Auto,
    /// Fail (exit 6) when the server does not offer it
    Required,
    /// Never upgrade
    None,
}

#[derive(Args, Debug, Clone)]
pub struct TlsOpts {
    /// TLS for plain schemes: auto, required or none
    #[arg(long, value_enum, value_name = "MODE", default_value_t = TlsMode::Auto)]
    pub tls: TlsMode,

    /// Extra trust anchor (PEM), added to the system store
    #[arg(long, value_name = "FILE")]
    pub cacert: Option<PathBuf>,

    /// Do not verify certificates (warns on stderr)
    #[arg(short = 'k', long)]
    pub insecure: bool,
}

#[derive(Args, Debug, Clone)]
pub struct AuthOpts {
    /// User name, optionally with :PASSWORD (which shows in ps: prefer --password-file)
    #[arg(short = 'u', long, value_name = "USER[:PASS]")]
    pub user: Option<String>,

    /// Read the password from the first line of FILE
    #[arg(long, value_name = "FILE")]
    pub password_file: Option<PathBuf>,

    /// Read credentials from FILE instead of ~/.netrc
    #[arg(long, value_name = "FILE", conflicts_with = "no_netrc")]
    pub netrc_file: Option<PathBuf>,

    /// Never read a netrc file
    #[arg(long)]
    pub no_netrc: bool,
}

#[derive(Args, Debug, Clone)]
pub struct OutputOpts {
    /// Machine-readable result on stdout
    #[arg(long)]
    pub json: bool,

    /// Protocol transcript on stderr (-vv adds timestamps)
    #[arg(short = 'v', long, action = clap::ArgAction::Count, conflicts_with = "quiet")]
    pub verbose: u8,

    /// Nothing on stderr but errors
    #[arg(short = 'q', long)]
    pub quiet: bool,

    /// Never draw progress bars
    #[arg(long)]
    pub no_progress: bool,
}

/// Everything SPEC §3 gives a network client command.
#[derive(Args, Debug, Clone)]
pub struct ClientOpts {
    #[command(flatten)]
    pub net: NetOpts,
    #[command(flatten)]
    pub tls: TlsOpts,
    #[command(flatten)]
    pub auth: AuthOpts,
    #[command(flatten)]
    pub output: OutputOpts,
}

impl TlsMode {
    /// The transport's policy for this flag value.
    pub fn policy(self) -> crate::net::TlsPolicy {
        match self {
            TlsMode::Auto => crate::net::TlsPolicy::Auto,
            TlsMode::Required => crate::net::TlsPolicy::Required,
            TlsMode::None => crate::net::TlsPolicy::Never,
        }
    }
}

impl AuthOpts {
    /// The user and password for `target` from SPEC §3's sources (first found wins);
    /// `None` when no user name was given anywhere. A password on the command line or in the
    /// URL is warned about (it shows in `ps`) unless `quiet`.
    pub fn credentials(
        &self,
        target: &crate::net::Target,
        command: &str,
        json: bool,
        quiet: bool,
    ) -> Result<Option<crate::auth::credentials::Credentials>, crate::Error> {
        use crate::auth::credentials::{self, NetrcChoice, Request, Source};
        let netrc = match (&self.netrc_file, self.no_netrc) {
            (_, true) => NetrcChoice::Off,
            (Some(p), false) => NetrcChoice::File(p),
            (None, false) => NetrcChoice::Default,
        };
        let req = Request {
            host: &target.host,
            url_user: target.user.as_deref(),
            url_password: target.password.as_ref().map(|p| p.expose()),
            user_option: self.user.as_deref(),
            password_file: self.password_file.as_deref(),
            env_password: std::env::var("NETKIT_PASSWORD").ok(),
            netrc,
            allow_prompt: true,
        };
        let found = credentials::find(&req)?;
        if let Some(c) = &found {
            let given = match c.source {
                Source::CommandLine => Some("with -u"),
                Source::Url => Some("in the URL"),
                _ => None,
            };
            if let Some(given) = given.filter(|_| !quiet) {
                crate::cli::render::warn_as(
                    command,
                    json,
                    &format!(
                        "warning: a password given {given} shows in ps; prefer --password-file or NETKIT_PASSWORD"
                    ),
                );
            }
        }
        Ok(found)
    }
}

impl TlsOpts {
    /// The TLS context of these flags; `--insecure` is warned about unless `quiet`.
    pub fn context(&self, command: &str, json: bool, quiet: bool) -> crate::net::TlsContext {
        if self.insecure && !quiet {
            crate::cli::render::warn_as(
                command,
                json,
                "warning: --insecure: the server's certificate is not verified",
            );
        }
        crate::net::TlsContext::new(
            crate::net::TlsSettings {
                cacert: self.cacert.clone(),
                insecure: self.insecure,
            },
            self.tls.policy(),
        )
    }
}

impl OutputOpts {
    /// The `-v` protocol transcript on stderr (off with `-q`).
    pub fn transcript(&self) -> crate::proto::pingpong::Transcript {
        if self.quiet {
            crate::proto::pingpong::Transcript::off()
        } else {
            crate::proto::pingpong::Transcript::stderr(self.verbose)
        }
    }
}

/// A login: user, secret, and whether the secret is an OAuth2 bearer token.
pub type Login = (Option<String>, Option<crate::auth::Secret>, bool);

impl AuthOpts {
    /// User and secret per SPEC §3; with `token_file` (`--oauth2-token-file`) the secret is
    /// the token read from it, for XOAUTH2, and a user name is required.
    pub fn login(
        &self,
        target: &crate::net::Target,
        command: &str,
        json: bool,
        quiet: bool,
        token_file: Option<&std::path::Path>,
    ) -> Result<Login, crate::Error> {
        if let Some(path) = token_file {
            let token = crate::auth::credentials::read_password_file(path)?;
            let user = target
                .user
                .clone()
                .or_else(|| self.user.clone())
                .ok_or_else(|| {
                    crate::Error::new(
                        crate::ErrorKind::Auth,
                        "XOAUTH2 needs a user name (-u USER)",
                    )
                })?;
            return Ok((Some(user), Some(token), true));
        }
        Ok(match self.credentials(target, command, json, quiet)? {
            Some(c) => (Some(c.user), Some(c.password), false),
            None => (None, None, false),
        })
    }
}

/// Seconds as a positive, finite decimal: `10`, `0.5`.
/// A session error that names the server it came from (`host:port: …`), once. A name that
/// does not resolve is named by net's message already (`host: does not resolve …`, the one
/// wording every command shows).
pub fn naming_server(server: &str, e: crate::Error) -> crate::Error {
    if e.message().contains(server) || e.kind() == crate::ErrorKind::Resolve {
        e
    } else {
        crate::Error::new(e.kind(), format!("{server}: {}", e.message()))
    }
}

/// A value parser for an option whose values are a fixed list (`--auth MECH`): `--help` and
/// the completions list them, any case is accepted (`--auth plain`), and `parse` turns the
/// value into its type.
pub fn listed<T: Clone + Send + Sync + 'static>(
    values: impl IntoIterator<Item = impl Into<clap::builder::PossibleValue>>,
    parse: fn(&str) -> Option<T>,
) -> impl clap::builder::TypedValueParser<Value = T> {
    use clap::builder::TypedValueParser as _;
    clap::builder::PossibleValuesParser::new(values)
        .try_map(move |s| parse(&s).ok_or_else(|| format!("'{s}' is not a value netkit knows")))
}

pub fn parse_seconds(text: &str) -> Result<Duration, String> {
    let secs: f64 = text
        .trim()
        .parse()
        .map_err(|_| format!("'{text}' is not a number of seconds"))?;
    if !secs.is_finite() || secs <= 0.0 {
        return Err(format!("'{text}': seconds must be a positive number"));
    }
    let d = Duration::try_from_secs_f64(secs).map_err(|_| format!("'{text}': too many seconds"))?;
    // 1e-10 is positive but rounds to no time at all, which sockets refuse.
    if d.is_zero() {
        return Err(format!("'{text}': too small to be a timeout"));
    }
    Ok(d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seconds_accept_fractions_and_refuse_nonsense() {
        assert_eq!(parse_seconds("0.25"), Ok(Duration::from_millis(250)));
        assert!(parse_seconds("0").is_err());
        assert!(parse_seconds("-1").is_err());
        assert!(parse_seconds("NaN").is_err());
        assert!(parse_seconds("ten").is_err());
        assert!(parse_seconds("1e-10").is_err());
    }
}
