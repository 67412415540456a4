//! The facts a monitor wants from the server's leaf certificate (RFC 5280): subject and
//! issuer as RFC 4514 strings, the subject alternative names (§4.2.1.6: DNS names and IP
//! addresses), and `notAfter` (§4.1.2.5: UTCTime or GeneralizedTime). The DER comes from
//! rustls' peer certificates and is parsed with RustCrypto's `x509-cert`, not by hand.

use std::net::IpAddr;

use x509_cert::Certificate;
use x509_cert::der::Decode;
use x509_cert::ext::pkix::SubjectAltName;
use x509_cert::ext::pkix::name::GeneralName;

use crate::proto::time::clock::UnixTime;
use crate::proto::time::daytime::rfc3339;
use crate::{Error, ErrorKind};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CertFacts {
    pub subject: String,
    pub issuer: String,
    /// `DNS:`-less names and addresses, in the certificate's order.
    pub sans: Vec<String>,
    /// RFC 3339 UTC.
    pub not_after: String,
    /// Seconds from now until `notAfter` (negative once expired).
    pub seconds_left: i64,
}

impl CertFacts {
    /// Whole days left (rounded down; negative once expired), as check_http counts them.
    pub fn days_left(&self) -> i64 {
        self.seconds_left.div_euclid(86_400)
    }
}

/// Parses a DER certificate, measuring its validity against the clock now.
pub fn parse(der: &[u8]) -> Result<CertFacts, Error> {
    parse_at(der, UnixTime::now().secs)
}

/// [`parse`] against `now` (Unix seconds).
pub fn parse_at(der: &[u8], now: i64) -> Result<CertFacts, Error> {
    let bad = |e: x509_cert::der::Error| {
        Error::new(
            ErrorKind::Protocol,
            format!("the server's certificate does not parse: {e}"),
        )
    };
    let cert = Certificate::from_der(der).map_err(bad)?;
    let tbs = &cert.tbs_certificate;
    let not_after = tbs.validity.not_after.to_unix_duration().as_secs();
    let not_after = i64::try_from(not_after).unwrap_or(i64::MAX);
    let mut sans = Vec::new();
    if let Ok(Some((_critical, san))) = tbs.get::<SubjectAltName>() {
        for name in san.0 {
            match name {
                GeneralName::DnsName(n) => sans.push(n.to_string()),
                GeneralName::IpAddress(octets) => {
                    let b = octets.as_bytes();
                    let ip = match b.len() {
                        4 => <[u8; 4]>::try_from(b).ok().map(IpAddr::from),
                        16 => <[u8; 16]>::try_from(b).ok().map(IpAddr::from),
                        _ => None,
                    };
                    if let Some(ip) = ip {
                        sans.push(ip.to_string());
                    }
                }
                _ => {}
            }
        }
    }
    Ok(CertFacts {
        subject: clean(&tbs.subject.to_string()),
        issuer: clean(&tbs.issuer.to_string()),
        sans: sans.iter().map(|s| clean(s)).collect(),
        not_after: rfc3339(UnixTime::from_secs(not_after), 0),
        seconds_left: not_after.saturating_sub(now),
    })
}

/// Certificate text is the server's: no control characters reach a terminal or a monitor.
fn clean(text: &str) -> String {
    crate::proto::pingpong::reply::clean(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn garbage_is_a_protocol_error_not_a_panic() {
        for bad in [&b""[..], b"\x30\x03\x02\x01", b"\x30\x82\xff\xff"] {
            assert_eq!(parse(bad).unwrap_err().kind(), ErrorKind::Protocol);
        }
    }

    #[test]
    fn subject_issuer_sans_and_not_after_of_a_real_certificate() {
        use rcgen::{CertificateParams, DnType, KeyPair};
        let mut params = CertificateParams::new(vec![
            "localhost".to_owned(),
            "127.0.0.1".to_owned(),
            "::1".to_owned(),
        ])
        .unwrap();
        params.distinguished_name = rcgen::DistinguishedName::new();
        params
            .distinguished_name
            .push(DnType::CommonName, "mail.netkit.test");
        params
            .distinguished_name
            .push(DnType::OrganizationName, "netkit");
        params.not_after = rcgen::date_time_ymd(2030, 6, 1);
        let key = KeyPair::generate().unwrap();
        let cert = params.self_signed(&key).unwrap();
        // 2030-06-01T00:00:00Z is 1906502400: measure from five days before.
        let now = 1_906_502_400 - 5 * 86_400;
        let facts = parse_at(cert.der(), now).unwrap();
        assert!(
            facts.subject.contains("CN=mail.netkit.test"),
            "{}",
            facts.subject
        );
        assert!(facts.subject.contains("O=netkit"), "{}", facts.subject);
        assert_eq!(facts.issuer, facts.subject);
        assert_eq!(facts.sans, ["localhost", "127.0.0.1", "::1"]);
        assert_eq!(facts.not_after, "2030-06-01T00:00:00Z");
        assert_eq!((facts.seconds_left, facts.days_left()), (5 * 86_400, 5));
    }

    #[test]
    fn days_round_down_and_go_negative() {
        let facts = |s| CertFacts {
            subject: String::new(),
            issuer: String::new(),
            sans: Vec::new(),
            not_after: String::new(),
            seconds_left: s,
        };
        assert_eq!(facts(5 * 86_400 - 1).days_left(), 4);
        assert_eq!(facts(0).days_left(), 0);
        assert_eq!(facts(-1).days_left(), -1);
    }
}
