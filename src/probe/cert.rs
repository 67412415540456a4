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
        subject: clean(&name_text(&tbs.subject)),
        issuer: clean(&name_text(&tbs.issuer)),
        sans: sans.iter().map(|s| clean(s)).collect(),
        not_after: rfc3339(UnixTime::from_secs(not_after), 0),
        seconds_left: not_after.saturating_sub(now),
    })
}

/// The attribute types a server certificate's names use, by their RFC 4514 §3 / RFC 4519
/// short names. x509-cert's own `Display` looks names up in const-oid's whole OID database,
/// which costs the binary more than all of netkit's probe code; an unknown type is shown as
/// its dotted OID, as RFC 4514 §2.3 allows.
const NAMES: &[(&str, &str)] = &[
    ("2.5.4.3", "CN"),
    ("2.5.4.5", "serialNumber"),
    ("2.5.4.6", "C"),
    ("2.5.4.7", "L"),
    ("2.5.4.8", "ST"),
    ("2.5.4.9", "STREET"),
    ("2.5.4.10", "O"),
    ("2.5.4.11", "OU"),
    ("0.9.2342.19200300.100.1.1", "UID"),
    ("0.9.2342.19200300.100.1.25", "DC"),
    ("1.2.840.113549.1.9.1", "emailAddress"),
];

/// A distinguished name as RFC 4514 §2 writes it: RDNs last to first, `TYPE=value`, with
/// the §2.4 escapes; a value that is no string type is shown as `#` and its DER in hex.
fn name_text(name: &x509_cert::name::Name) -> String {
    use x509_cert::der::asn1::{Ia5StringRef, PrintableStringRef, TeletexStringRef, Utf8StringRef};
    use x509_cert::der::{Encode, Tag, Tagged};
    let mut out = String::new();
    for rdn in name.0.iter().rev() {
        for (i, atv) in rdn.0.iter().enumerate() {
            if !out.is_empty() {
                out.push(if i == 0 { ',' } else { '+' });
            }
            let oid = atv.oid.to_string();
            let key = NAMES
                .iter()
                .find(|(o, _)| *o == oid)
                .map_or(oid.as_str(), |(_, n)| n);
            out.push_str(key);
            out.push('=');
            let v = &atv.value;
            let text = match v.tag() {
                Tag::PrintableString => PrintableStringRef::try_from(v).ok().map(|s| s.as_str()),
                Tag::Utf8String => Utf8StringRef::try_from(v).ok().map(|s| s.as_str()),
                Tag::Ia5String => Ia5StringRef::try_from(v).ok().map(|s| s.as_str()),
                Tag::TeletexString => TeletexStringRef::try_from(v).ok().map(|s| s.as_str()),
                _ => None,
            };
            match text {
                Some(t) => {
                    let last = t.chars().count().saturating_sub(1);
                    for (k, c) in t.chars().enumerate() {
                        match c {
                            '#' if k == 0 => out.push_str("\\#"),
                            ' ' if k == 0 || k == last => out.push_str("\\ "),
                            '"' | '+' | ',' | ';' | '<' | '>' | '\\' => {
                                out.push('\\');
                                out.push(c);
                            }
                            _ => out.push(c),
                        }
                    }
                }
                None => {
                    out.push('#');
                    for b in v.to_der().unwrap_or_default() {
                        out.push_str(&format!("{b:02x}"));
                    }
                }
            }
        }
    }
    out
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
            .push(DnType::OrganizationName, "net,kit");
        params.not_after = rcgen::date_time_ymd(2030, 6, 1);
        let key = KeyPair::generate().unwrap();
        let cert = params.self_signed(&key).unwrap();
        // 2030-06-01T00:00:00Z is 1906502400: measure from five days before.
        let now = 1_906_502_400 - 5 * 86_400;
        let facts = parse_at(cert.der(), now).unwrap();
        // RFC 4514: the last RDN first, and ',' in a value escaped.
        assert_eq!(facts.subject, "O=net\\,kit,CN=mail.netkit.test");
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
