//! `netkit imap --check`: the probe of an IMAP server (issue 18) on the shared line session.

use super::*;

/// `imap --check URL`: greeting, CAPABILITY, STARTTLS per `--tls`, LOGIN (or SASL) with
/// credentials, CAPABILITY as the request, LOGOUT.
pub(super) fn check(args: &Args, url: &str) -> anyhow::Result<Outcome> {
    let c = &args.client;
    let ctx = cli_probe::Context {
        command: "imap",
        service: "IMAP",
        url,
        probe: &args.probe,
        output: &c.output,
    };
    let token = args.oauth2_token_file.as_deref();
    cli_probe::line_session(c, &ctx, &["imap", "imaps"], token, |who, peer, recorder| {
        let opts = imap::Options {
            user: who.user,
            secret: who.secret,
            oauth2: who.oauth2,
            login: args.login,
            cleartext_auth_ok: who.cleartext_auth_ok,
            handshake_timeout: c.net.connect_timeout,
            idle_timeout: c.net.timeout,
        };
        let mut session = Session::open(peer, &opts)?;
        recorder.phase(crate::probe::Phase::Request);
        if let Err(e) = session.refresh_capabilities() {
            session.abandon();
            return Err(e);
        }
        recorder.phase(crate::probe::Phase::Quit);
        session.logout()
    })
}
