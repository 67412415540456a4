//! `netkit nntp --check`: the probe of a news server (issue 18) on the shared line session.

use super::*;

/// `nntp --check URL`: greeting, CAPABILITIES, STARTTLS per `--tls`, AUTHINFO with
/// credentials (no MODE READER: INN would start a reader process for it), DATE as the
/// request (RFC 3977 §7.1; CAPABILITIES again where DATE is unknown), QUIT.
pub(super) fn check(args: &Args, url: &str) -> anyhow::Result<Outcome> {
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
            no_mode_reader: true,
        };
        let mut session = Session::open(peer, &opts)?;
        recorder.phase(crate::probe::Phase::Request);
        match session.date() {
            Ok(_) => {}
            Err(e) if e.kind() == ErrorKind::Refused => session.refresh_capabilities()?,
            Err(e) => return Err(e),
        }
        recorder.phase(crate::probe::Phase::Quit);
        session.quit();
        Ok(())
    })
}
