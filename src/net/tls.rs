//! TLS with rustls (ring provider): TLS 1.2 and 1.3, SNI, the system trust store plus
//! `--cacert`, `-k` (no verification, with a warning printed by the front end), and session
//! resumption through the shared `ClientConfig` (FTPS data connections need it: vsftpd's
//! `require_ssl_reuse`). The trust store is read only when a TLS connection is made, so plain
//! commands do not pay for it at start-up.

use std::fmt;
use std::net::IpAddr;
use std::path::PathBuf;
use std::sync::Arc;

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::{CryptoProvider, verify_tls12_signature, verify_tls13_signature};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{ClientConfig, DigitallySignedStruct, RootCertStore, SignatureScheme};

use crate::{Error, ErrorKind};

/// What the user said about trust (SPEC §3).
#[derive(Debug, Clone, Default)]
pub struct TlsSettings {
    pub cacert: Option<PathBuf>,
    pub insecure: bool,
}

/// The trust anchors netkit uses: the system store plus `--cacert`. Exposed so that the HTTP
/// client can be given exactly the same anchors.
pub fn trust_anchors(settings: &TlsSettings) -> Result<Vec<CertificateDer<'static>>, Error> {
    let mut certs = rustls_native_certs::load_native_certs().certs;
    if let Some(path) = &settings.cacert {
        let extra = CertificateDer::pem_file_iter(path)
            .and_then(|iter| iter.collect::<Result<Vec<_>, _>>())
            .map_err(|e| {
                Error::usage(format!(
                    "--cacert {}: cannot read certificates: {e}",
                    path.display()
                ))
            })?;
        if extra.is_empty() {
            return Err(Error::usage(format!(
                "--cacert {}: no PEM certificate in the file",
                path.display()
            )));
        }
        certs.extend(extra);
    }
    Ok(certs)
}

fn provider() -> Arc<CryptoProvider> {
    Arc::new(rustls::crypto::ring::default_provider())
}

/// The one client configuration for a command: build it once and share the `Arc` between
/// connections so that sessions resume.
pub fn client_config(settings: &TlsSettings) -> Result<Arc<ClientConfig>, Error> {
    build_config(settings, None)
}

/// The leaf certificate of the last handshake a [`TlsContext`] began, as DER, whether or
/// not it verified: `--check` reports an expired or wrong-name certificate's facts, and
/// rustls keeps a peer's certificates only once they verified.
pub type SeenCertificate = Arc<std::sync::Mutex<Option<Vec<u8>>>>;

fn build_config(
    settings: &TlsSettings,
    seen: Option<SeenCertificate>,
) -> Result<Arc<ClientConfig>, Error> {
    let builder = ClientConfig::builder_with_provider(provider())
        .with_protocol_versions(&[&rustls::version::TLS13, &rustls::version::TLS12])
        .map_err(|e| Error::new(ErrorKind::Tls, format!("TLS setup: {e}")))?;
    let verifier: Arc<dyn ServerCertVerifier> = if settings.insecure {
        Arc::new(NoVerification(provider()))
    } else {
        let mut roots = RootCertStore::empty();
        let (added, _ignored) = roots.add_parsable_certificates(trust_anchors(settings)?);
        if added == 0 {
            return Err(Error::new(
                ErrorKind::Tls,
                "no trusted certificates found (install ca-certificates, or give --cacert FILE)",
            ));
        }
        rustls::client::WebPkiServerVerifier::builder_with_provider(Arc::new(roots), provider())
            .build()
            .map_err(|e| Error::new(ErrorKind::Tls, format!("TLS setup: {e}")))?
    };
    let verifier = match seen {
        Some(seen) => Arc::new(Recording {
            inner: verifier,
            seen,
        }),
        None => verifier,
    };
    Ok(Arc::new(
        builder
            .dangerous()
            .with_custom_certificate_verifier(verifier)
            .with_no_client_auth(),
    ))
}

/// The same trust for HTTP: a ureq TLS configuration with exactly netkit's anchors (system
/// store plus `--cacert`) or, with `-k`, no verification, on the same ring provider. `fetch`
/// builds its agent from this, so it trusts exactly what every other command trusts.
pub fn http_tls_config(settings: &TlsSettings) -> Result<ureq::tls::TlsConfig, Error> {
    use ureq::tls::{Certificate, RootCerts, TlsConfig};
    let builder = TlsConfig::builder().unversioned_rustls_crypto_provider(bulk_provider());
    if settings.insecure {
        return Ok(builder.disable_verification(true).build());
    }
    let roots: Vec<Certificate<'static>> = trust_anchors(settings)?
        .iter()
        .map(|der| Certificate::from_der(der.as_ref()).to_owned())
        .collect();
    Ok(builder
        .root_certs(RootCerts::Specific(Arc::new(roots)))
        .build())
}

/// fetch's provider: the same suites, AES-128-GCM offered before AES-256-GCM (as browsers and
/// Go's TLS do on AES-NI hardware), so a server that follows the client's order encrypts a bulk
/// download with 10 AES rounds instead of 14 (nginx, one core on loopback, is what bounds TLS
/// fetch throughput).
fn bulk_provider() -> Arc<CryptoProvider> {
    use rustls::CipherSuite as C;
    let mut p = rustls::crypto::ring::default_provider();
    p.cipher_suites.sort_by_key(|s| {
        let aes128 = matches!(
            s.suite(),
            C::TLS13_AES_128_GCM_SHA256
                | C::TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256
                | C::TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256
        );
        (s.tls13().is_none(), !aes128)
    });
    Arc::new(p)
}

/// `--tls` for schemes that upgrade in place (SPEC §3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum TlsPolicy {
    /// Upgrade when the server offers it.
    #[default]
    Auto,
    /// Fail (exit 6) when the server does not offer it.
    Required,
    /// Never upgrade.
    Never,
}

/// The TLS settings of one command and, once a TLS connection is made, its one shared
/// configuration: the trust store is loaded at most once, and only when needed.
#[derive(Debug, Default)]
pub struct TlsContext {
    pub settings: TlsSettings,
    pub policy: TlsPolicy,
    config: std::sync::OnceLock<Arc<ClientConfig>>,
    seen: SeenCertificate,
}

impl TlsContext {
    pub fn new(settings: TlsSettings, policy: TlsPolicy) -> Self {
        TlsContext {
            settings,
            policy,
            config: std::sync::OnceLock::new(),
            seen: SeenCertificate::default(),
        }
    }

    pub fn config(&self) -> Result<Arc<ClientConfig>, Error> {
        if let Some(c) = self.config.get() {
            return Ok(c.clone());
        }
        let built = build_config(&self.settings, Some(self.seen.clone()))?;
        Ok(self.config.get_or_init(|| built).clone())
    }

    /// Where this context's handshakes leave the server's leaf certificate (a handle that
    /// outlives the context).
    pub fn seen_certificate(&self) -> SeenCertificate {
        self.seen.clone()
    }
}

/// Notes the leaf certificate, then lets `inner` decide.
#[derive(Debug)]
struct Recording {
    inner: Arc<dyn ServerCertVerifier>,
    seen: SeenCertificate,
}

impl ServerCertVerifier for Recording {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        if let Ok(mut slot) = self.seen.lock() {
            *slot = Some(end_entity.as_ref().to_vec());
        }
        self.inner
            .verify_server_cert(end_entity, intermediates, server_name, ocsp, now)
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.inner.verify_tls12_signature(message, cert, dss)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.inner.verify_tls13_signature(message, cert, dss)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.inner.supported_verify_schemes()
    }
}

/// The name to verify and send as SNI: an IP literal is checked against IP SANs and sends no
/// SNI (RFC 6066 §3), a host name as itself.
pub fn server_name(host: &str) -> Result<ServerName<'static>, Error> {
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    if let Ok(ip) = bare.parse::<IpAddr>() {
        return Ok(ServerName::IpAddress(ip.into()));
    }
    ServerName::try_from(bare.to_owned())
        .map_err(|_| Error::usage(format!("{host}: not a valid TLS server name")))
}

/// Turns a rustls failure into a message a user can act on.
pub fn handshake_error(host: &str, err: &rustls::Error) -> Error {
    let hint = match err {
        rustls::Error::InvalidCertificate(_) => {
            "; check the host name, or trust its CA with --cacert (-k skips verification)"
        }
        _ => "",
    };
    Error::new(
        ErrorKind::Tls,
        format!("{host}: TLS handshake failed: {err}{hint}"),
    )
}

/// `-k`: accepts any certificate but still checks the handshake signatures, so the session
/// keys are at least bound to the certificate shown.
struct NoVerification(Arc<CryptoProvider>);

impl fmt::Debug for NoVerification {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("NoVerification")
    }
}

impl ServerCertVerifier for NoVerification {
    fn verify_server_cert(
        &self,
        _end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        verify_tls12_signature(
            message,
            cert,
            dss,
            &self.0.signature_verification_algorithms,
        )
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        verify_tls13_signature(
            message,
            cert,
            dss,
            &self.0.signature_verification_algorithms,
        )
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.0.signature_verification_algorithms.supported_schemes()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fetch_offers_the_same_suites_with_aes_128_first_per_version() {
        let mut ours: Vec<_> = bulk_provider()
            .cipher_suites
            .iter()
            .map(|s| s.suite())
            .collect();
        assert_eq!(ours[0], rustls::CipherSuite::TLS13_AES_128_GCM_SHA256);
        assert!(
            ours.iter()
                .position(|s| *s == rustls::CipherSuite::TLS13_AES_256_GCM_SHA384)
                < ours.iter().position(
                    |s| *s == rustls::CipherSuite::TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256
                )
        );
        let mut all: Vec<_> = provider().cipher_suites.iter().map(|s| s.suite()).collect();
        ours.sort_by_key(|s| u16::from(*s));
        all.sort_by_key(|s| u16::from(*s));
        assert_eq!(ours, all);
    }

    #[test]
    fn ip_literals_verify_as_addresses() {
        assert!(matches!(
            server_name("[::1]").unwrap(),
            ServerName::IpAddress(_)
        ));
        assert!(matches!(
            server_name("127.0.0.1").unwrap(),
            ServerName::IpAddress(_)
        ));
        assert!(matches!(
            server_name("mail.example.org").unwrap(),
            ServerName::DnsName(_)
        ));
        assert!(server_name("bad name!").is_err());
    }

    #[test]
    fn unreadable_cacert_is_a_usage_error_naming_the_file() {
        let settings = TlsSettings {
            cacert: Some("/nonexistent/ca.pem".into()),
            insecure: false,
        };
        let err = client_config(&settings).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Usage);
        assert!(err.message().contains("/nonexistent/ca.pem"));
    }

    #[test]
    fn insecure_config_builds_without_a_trust_store() {
        let settings = TlsSettings {
            cacert: None,
            insecure: true,
        };
        assert!(client_config(&settings).is_ok());
    }
}
