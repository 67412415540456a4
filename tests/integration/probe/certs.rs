//! Certificates with chosen validity, issued with rcgen (openssl's `x509 -req` cannot
//! backdate): a private CA and leaves that expire in five days, expired yesterday, or name
//! only `wrong.example`. Written as PEM into a directory removed on drop.

use std::path::PathBuf;

use rcgen::{
    BasicConstraints, CertificateParams, CertifiedIssuer, DnType, ExtendedKeyUsagePurpose, IsCa,
    KeyPair, KeyUsagePurpose,
};
use time::{Duration, OffsetDateTime};

use crate::util::ca::CertFiles;

/// Which leaf to issue.
#[derive(Debug, Clone, Copy)]
pub enum Validity {
    /// Valid since yesterday, for five more days (and an hour, so it reads as 5 days left).
    FiveDaysLeft,
    /// Valid for 30 days ending yesterday.
    Expired,
    /// Valid for 30 days, but for `wrong.example` only.
    WrongName,
}

pub struct Issued {
    /// Holds the files until the test ends (removed on drop).
    _dir: tempfile::TempDir,
    pub leaf: CertFiles,
    pub ca: PathBuf,
}

pub fn issue(validity: Validity) -> Issued {
    let dir = tempfile::tempdir().expect("temp dir");
    let now = OffsetDateTime::now_utc();
    let mut ca_params = CertificateParams::new(Vec::<String>::new()).expect("CA params");
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca_params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
    ca_params
        .distinguished_name
        .push(DnType::CommonName, "netkit probe test CA");
    ca_params.not_before = now - Duration::days(60);
    ca_params.not_after = now + Duration::days(60);
    let ca = CertifiedIssuer::self_signed(ca_params, KeyPair::generate().expect("CA key"))
        .expect("CA cert");

    let names = match validity {
        Validity::WrongName => vec!["wrong.example".to_owned()],
        _ => vec![
            "localhost".to_owned(),
            "127.0.0.1".to_owned(),
            "::1".to_owned(),
        ],
    };
    let mut leaf = CertificateParams::new(names).expect("leaf params");
    leaf.distinguished_name = rcgen::DistinguishedName::new();
    leaf.distinguished_name
        .push(DnType::CommonName, "localhost");
    leaf.key_usages = vec![KeyUsagePurpose::DigitalSignature];
    leaf.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
    let (from, until) = match validity {
        Validity::FiveDaysLeft => (
            now - Duration::days(1),
            now + Duration::days(5) + Duration::hours(1),
        ),
        Validity::Expired => (now - Duration::days(31), now - Duration::days(1)),
        Validity::WrongName => (now - Duration::days(1), now + Duration::days(30)),
    };
    leaf.not_before = from;
    leaf.not_after = until;
    let key = KeyPair::generate().expect("leaf key");
    let cert = leaf.signed_by(&key, &ca).expect("leaf cert");

    let files = CertFiles {
        cert: dir.path().join("leaf.pem"),
        key: dir.path().join("leaf.key"),
    };
    std::fs::write(&files.cert, cert.pem()).expect("write leaf");
    std::fs::write(&files.key, key.serialize_pem()).expect("write key");
    let ca_path = dir.path().join("ca.pem");
    std::fs::write(&ca_path, ca.pem()).expect("write CA");
    Issued {
        _dir: dir,
        leaf: files,
        ca: ca_path,
    }
}
