//! SASL client mechanisms, sans-IO: PLAIN (RFC 4616), LOGIN (draft-murchison-sasl-login),
//! CRAM-MD5 (RFC 2195) and XOAUTH2 (Google's bearer-token profile). Each step turns a
//! server challenge into a response; responses are `Secret`s so transcripts show `***`.
//! The protocol modules (SMTP AUTH, IMAP AUTHENTICATE, POP3 AUTH) carry them.

use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;
use hmac::{Hmac, KeyInit, Mac};
use md5::Md5;

use super::Secret;
use crate::{Error, ErrorKind};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mechanism {
    XOAuth2,
    CramMd5,
    Plain,
    Login,
}

impl Mechanism {
    /// Strongest first: what `choose` prefers among those the server offers. XOAUTH2 is
    /// only chosen when a token was given; CRAM-MD5 never sends the password itself.
    pub const PREFERENCE: [Mechanism; 4] = [
        Mechanism::XOAuth2,
        Mechanism::CramMd5,
        Mechanism::Plain,
        Mechanism::Login,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Mechanism::XOAuth2 => "XOAUTH2",
            Mechanism::CramMd5 => "CRAM-MD5",
            Mechanism::Plain => "PLAIN",
            Mechanism::Login => "LOGIN",
        }
    }

    pub fn parse(name: &str) -> Option<Mechanism> {
        Self::PREFERENCE
            .into_iter()
            .find(|m| m.name().eq_ignore_ascii_case(name))
    }
}

/// Picks the mechanism: the user's `--auth MECH` if the server offers it, else the strongest
/// offered one that the credentials can serve.
pub fn choose(
    offered: &[&str],
    forced: Option<Mechanism>,
    have_token: bool,
) -> Result<Mechanism, Error> {
    let offers = |m: Mechanism| offered.iter().any(|o| o.eq_ignore_ascii_case(m.name()));
    if let Some(m) = forced {
        return if offers(m) {
            Ok(m)
        } else {
            Err(Error::new(
                ErrorKind::Auth,
                format!(
                    "the server does not offer AUTH {} (it offers: {})",
                    m.name(),
                    offered.join(" ")
                ),
            ))
        };
    }
    Mechanism::PREFERENCE
        .into_iter()
        .filter(|&m| (m == Mechanism::XOAuth2) == have_token)
        .find(|&m| offers(m))
        .ok_or_else(|| {
            Error::new(
                ErrorKind::Auth,
                format!(
                    "no usable authentication mechanism (the server offers: {})",
                    if offered.is_empty() {
                        "none".to_owned()
                    } else {
                        offered.join(" ")
                    }
                ),
            )
        })
}

/// One authentication exchange.
pub struct SaslClient {
    mechanism: Mechanism,
    user: String,
    secret: Secret,
    step: u8,
}

impl SaslClient {
    /// `secret` is the password, or the OAuth2 token for XOAUTH2.
    pub fn new(mechanism: Mechanism, user: &str, secret: Secret) -> Self {
        SaslClient {
            mechanism,
            user: user.to_owned(),
            secret,
            step: 0,
        }
    }

    pub fn mechanism(&self) -> Mechanism {
        self.mechanism
    }

    /// The response sent with the AUTH command itself (RFC 4954 initial response), for the
    /// mechanisms whose first step needs no challenge.
    pub fn initial_response(&mut self) -> Option<Secret> {
        match self.mechanism {
            Mechanism::Plain => {
                self.step = 1;
                let raw = format!("\0{}\0{}", self.user, self.secret.expose());
                Some(Secret::new(B64.encode(raw)))
            }
            Mechanism::XOAuth2 => {
                self.step = 1;
                let raw = format!(
                    "user={}\x01auth=Bearer {}\x01\x01",
                    self.user,
                    self.secret.expose()
                );
                Some(Secret::new(B64.encode(raw)))
            }
            Mechanism::CramMd5 | Mechanism::Login => None,
        }
    }

    /// The response to one base64 server challenge.
    pub fn respond(&mut self, challenge: &str) -> Result<Secret, Error> {
        let decoded = B64.decode(challenge.trim()).map_err(|_| {
            Error::new(
                ErrorKind::Protocol,
                "the server's SASL challenge is not base64",
            )
        })?;
        let step = self.step;
        self.step = self.step.saturating_add(1);
        match (self.mechanism, step) {
            (Mechanism::Login, 0) => Ok(Secret::new(B64.encode(&self.user))),
            (Mechanism::Login, 1) => Ok(Secret::new(B64.encode(self.secret.expose()))),
            (Mechanism::CramMd5, 0) => {
                let mut mac = Hmac::<Md5>::new_from_slice(self.secret.expose().as_bytes())
                    .map_err(|_| Error::new(ErrorKind::Auth, "CRAM-MD5: unusable key"))?;
                mac.update(&decoded);
                let digest: String = mac
                    .finalize()
                    .into_bytes()
                    .iter()
                    .map(|b| format!("{b:02x}"))
                    .collect();
                Ok(Secret::new(B64.encode(format!("{} {digest}", self.user))))
            }
            // RFC 7628-style error challenge after a bad token: answer empty to get the
            // final failure reply.
            (Mechanism::XOAuth2, _) => Ok(Secret::new("")),
            _ => Err(Error::new(
                ErrorKind::Protocol,
                format!(
                    "unexpected extra SASL challenge for {}",
                    self.mechanism.name()
                ),
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_initial_response_per_rfc_4616() {
        let mut c = SaslClient::new(Mechanism::Plain, "tim", Secret::new("tanstaaftanstaaf"));
        let r = c.initial_response().unwrap();
        assert_eq!(r.expose(), B64.encode("\0tim\0tanstaaftanstaaf"));
    }

    #[test]
    fn cram_md5_matches_rfc_2195_example() {
        let mut c = SaslClient::new(Mechanism::CramMd5, "tim", Secret::new("tanstaaftanstaaf"));
        assert!(c.initial_response().is_none());
        let challenge = B64.encode("<1896.697170952@postoffice.reston.mci.net>");
        let r = c.respond(&challenge).unwrap();
        let decoded = String::from_utf8(B64.decode(r.expose()).unwrap()).unwrap();
        assert_eq!(decoded, "tim b913a602c7eda7a495b4e6e7334d3890");
    }

    #[test]
    fn login_answers_user_then_password_then_refuses_more() {
        let mut c = SaslClient::new(Mechanism::Login, "u", Secret::new("p"));
        assert_eq!(
            c.respond(&B64.encode("Username:")).unwrap().expose(),
            B64.encode("u")
        );
        assert_eq!(
            c.respond(&B64.encode("Password:")).unwrap().expose(),
            B64.encode("p")
        );
        assert!(c.respond(&B64.encode("More?")).is_err());
    }

    #[test]
    fn xoauth2_format_and_error_challenge() {
        let mut c = SaslClient::new(Mechanism::XOAuth2, "a@b", Secret::new("tok"));
        let r = c.initial_response().unwrap();
        assert_eq!(
            B64.decode(r.expose()).unwrap(),
            b"user=a@b\x01auth=Bearer tok\x01\x01"
        );
        assert_eq!(
            c.respond(&B64.encode("{\"status\":\"401\"}"))
                .unwrap()
                .expose(),
            ""
        );
    }

    #[test]
    fn strongest_offered_mechanism_wins_unless_forced() {
        let offered = ["PLAIN", "LOGIN", "CRAM-MD5"];
        assert_eq!(choose(&offered, None, false).unwrap(), Mechanism::CramMd5);
        assert_eq!(
            choose(&offered, Some(Mechanism::Login), false).unwrap(),
            Mechanism::Login
        );
        assert_eq!(choose(&["login"], None, false).unwrap(), Mechanism::Login);
        assert_eq!(
            choose(&["PLAIN", "XOAUTH2"], None, true).unwrap(),
            Mechanism::XOAuth2
        );
        let err = choose(&["PLAIN"], Some(Mechanism::CramMd5), false).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Auth);
        assert!(choose(&[], None, false).is_err());
    }

    #[test]
    fn garbage_challenge_is_a_protocol_error() {
        let mut c = SaslClient::new(Mechanism::Login, "u", Secret::new("p"));
        assert_eq!(c.respond("!!!").unwrap_err().kind(), ErrorKind::Protocol);
    }
}
