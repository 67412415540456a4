//! `netkit nntp --check`: the probe of a news server (issue 18) on the shared line session.

use super::*;

/// `nntp --check URL`: greeting, CAPABILITIES, STARTTLS per `--tls`, AUTHINFO with
/// credentials, then the request and QUIT. The request is `GROUP NAME` when the URL names
/// a group (RFC 5538 `nntp://host/group`: a monitor asks whether that group is there; 411
/// is exit 1), after MODE READER where the server asks for it, since GROUP is a reader
/// command. Otherwise it is DATE (RFC 3977 §7.1; CAPABILITIES again where DATE is
/// unknown), without MODE READER: INN would start a reader process for it.
pub(super) fn check(args: &Args, url: &str) -> anyhow::Result<Outcome> {
    // A URL that does not parse is reported by the probe itself, as every probe's is.
    let group = match net::target::parse(url, SCHEMES) {
        Ok(target) => url_path(&target.path)?.0,
        Err(_) => None,
    };
    if let Some(g) = &group {
        nntp::check_word("the group", g)?;
    }
    let c = &args.client;
    let ctx = cli_probe::Context {
        command: "nntp",
        service: "NNTP",
        url,
        probe: &args.probe,
        output: &c.output,
    };
    cli_probe::line_session(c, &ctx, SCHEMES, None, |who, peer, recorder| {
        let opts = nntp::Options {
            user: who.user,
            secret: who.secret,
            login: match args.login {
                Some(AuthChoice::Plain) => Login::SaslPlain,
                _ => Login::User,
            },
            cleartext_auth_ok: who.cleartext_auth_ok,
            handshake_timeout: c.net.connect_timeout,
            idle_timeout: c.net.timeout,
            no_mode_reader: group.is_none(),
        };
        let mut session = Session::open(peer, &opts)?;
        recorder.phase(crate::probe::Phase::Request);
        match &group {
            Some(name) => {
                session.group(name)?;
            }
            None => match session.date() {
                Ok(_) => {}
                Err(e) if e.kind() == ErrorKind::Refused => session.refresh_capabilities()?,
                Err(e) => return Err(e),
            },
        }
        recorder.phase(crate::probe::Phase::Quit);
        session.quit();
        Ok(())
    })
}
