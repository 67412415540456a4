//! Logging in (RFC 3501 §6.2): the LOGIN command, or AUTHENTICATE through the SASL layer
//! with SASL-IR when offered (RFC 4959); the choice between them follows the server's
//! `AUTH=` capabilities and LOGINDISABLED.

use std::io::Write;

use super::{Done, Options, Session};
use crate::auth::Secret;
use crate::auth::sasl::{self, Mechanism, SaslClient};
use crate::proto::imap::syntax::{self, Part, Response};
use crate::{Error, ErrorKind};

/// How to log in: the LOGIN command, or a SASL mechanism.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Login {
    Login,
    Sasl(Mechanism),
}

impl Login {
    pub fn parse(name: &str) -> Option<Login> {
        if name.eq_ignore_ascii_case("LOGIN-CMD") || name.eq_ignore_ascii_case("COMMAND") {
            Some(Login::Login)
        } else {
            Mechanism::parse(name).map(Login::Sasl)
        }
    }
}

impl Session {
    fn choose_login(&self, opts: &Options) -> Result<Login, Error> {
        let offered: Vec<&str> = self
            .caps
            .iter()
            .filter_map(|c| c.strip_prefix("AUTH="))
            .collect();
        let disabled = self.has("LOGINDISABLED");
        match opts.login {
            Some(Login::Sasl(m)) => Ok(Login::Sasl(sasl::choose(&offered, Some(m), opts.oauth2)?)),
            Some(Login::Login) if disabled => Err(Error::new(
                ErrorKind::Auth,
                format!("{}: the server disables LOGIN (LOGINDISABLED)", self.server),
            )),
            Some(l) => Ok(l),
            None if opts.oauth2 => Ok(Login::Sasl(sasl::choose(&offered, None, true)?)),
            None => match sasl::choose(&offered, None, false) {
                Ok(m) => Ok(Login::Sasl(m)),
                Err(e) if disabled => Err(e),
                Err(_) => Ok(Login::Login),
            },
        }
    }

    pub(super) fn authenticate(
        &mut self,
        user: &str,
        secret: &Secret,
        opts: &Options,
    ) -> Result<Done, Error> {
        crate::proto::pingpong::check_argument("the user name", user)?;
        let login = self.choose_login(opts)?;
        let how = match login {
            Login::Login => "LOGIN".to_owned(),
            Login::Sasl(m) => format!("AUTHENTICATE {}", m.name()),
        };
        // The whole exchange is one step within -t: untagged lines trickled before the
        // completion would hold it otherwise.
        let result = self.bounded(&format!("the end of the {how} reply"), |s| match login {
            Login::Login => s.login_command(user, secret),
            Login::Sasl(m) => s.sasl(m, user, secret),
        });
        let done = result.map_err(|e| {
            let kind = match e.kind() {
                ErrorKind::Refused => ErrorKind::Auth,
                k => k,
            };
            Error::new(
                kind,
                format!("login as {user} with {how} failed: {}", e.message()),
            )
        })?;
        self.login = Some(login);
        Ok(done)
    }

    fn login_command(&mut self, user: &str, secret: &Secret) -> Result<Done, Error> {
        let tag = self.next_tag();
        let user_part = match syntax::astring(user.as_bytes()) {
            Part::Text(t) => t,
            Part::Literal(_) => {
                return Err(Error::usage(
                    "the user name needs a literal: use --auth PLAIN",
                ));
            }
        };
        match syntax::astring(secret.expose().as_bytes()) {
            Part::Text(quoted) => {
                self.conn
                    .send_secret(&format!("{tag} LOGIN {user_part} "), &Secret::new(quoted))?;
            }
            Part::Literal(bytes) => {
                let plus = self.has("LITERAL+") || (self.has("LITERAL-") && bytes.len() <= 4096);
                let marker = format!("{{{}{}}}", bytes.len(), if plus { "+" } else { "" });
                self.conn
                    .send(&format!("{tag} LOGIN {user_part} {marker}"))?;
                if !plus {
                    self.await_continue(&tag)?;
                }
                self.conn.transcript().sent(b"*** (a literal)");
                let w = self.conn.writer();
                w.write_all(&bytes)
                    .and_then(|()| w.write_all(b"\r\n"))
                    .and_then(|()| w.flush())
                    .map_err(crate::proto::pingpong::write_error)?;
            }
        }
        self.finish(&tag, &mut |_| Ok(()), None)
    }

    fn sasl(&mut self, mech: Mechanism, user: &str, secret: &Secret) -> Result<Done, Error> {
        let tag = self.next_tag();
        let mut client = SaslClient::new(mech, user, secret.clone());
        let first = if self.has("SASL-IR") {
            client.initial_response()
        } else {
            None
        };
        let mut pending_initial = if first.is_none() {
            client.initial_response()
        } else {
            None
        };
        match first {
            Some(ir) => self
                .conn
                .send_secret(&format!("{tag} AUTHENTICATE {} ", mech.name()), &ir)?,
            None => self
                .conn
                .send(&format!("{tag} AUTHENTICATE {}", mech.name()))?,
        }
        let mut rounds = 0;
        loop {
            let response = self.read_response(None)?;
            if let Response::Continue(challenge) = &response {
                rounds += 1;
                if rounds > 8 {
                    return Err(Error::new(
                        ErrorKind::Protocol,
                        "AUTHENTICATE: too many challenges",
                    ));
                }
                let reply = match pending_initial.take() {
                    Some(ir) => Ok(ir),
                    None => client.respond(&String::from_utf8_lossy(challenge)),
                };
                match reply {
                    Ok(r) => self.conn.send_secret("", &r)?,
                    Err(e) => {
                        // RFC 3501 §6.2.2: "*" cancels the exchange.
                        self.conn.send("*")?;
                        let _ = self.finish(&tag, &mut |_| Ok(()), None);
                        return Err(e);
                    }
                }
                continue;
            }
            if let Some(done) = self.handle(&tag, response, &mut |_| Ok(()))? {
                return Ok(done);
            }
        }
    }
}
