//! A throwaway test CA and server certificates, made with the `openssl` CLI (PEERS.md "TLS
//! with a test CA"), for every TLS peer and for the scripted peer's bad certificates.
//!
//! * [`TestCa::new`] writes into its own [`StateDir`] (removed on drop, so nothing outlives
//!   the test): `ca.pem`/`ca.key` (`basicConstraints = critical, CA:TRUE`, `keyUsage =
//!   critical, keyCertSign, cRLSign`) and `server.pem`/`server.key` signed by it
//!   (`CA:FALSE`, `extendedKeyUsage = serverAuth`, SANs [`SANS`]). One leaf for every server.
//! * Keys are **EC P-256**, not PEERS.md's `rsa:2048`: three openssl runs take ~50 ms instead
//!   of a few hundred, so every test can make its own CA (no statics, no leaks between
//!   nextest processes). Consequences: TLS 1.2 suites are `ECDHE-ECDSA-…` rather than
//!   PEERS.md's `ECDHE-RSA-AES256-GCM-SHA384`; the leaf's `keyUsage` is `digitalSignature`
//!   only (`keyEncipherment` is an RSA bit, RFC 5480 §3). rustls, OpenSSL, postfix, dovecot
//!   and Python's ssl all accept them.
//! * [`TestCa::cert`] makes the scripted peer's faulty certificates on demand: a CA-signed
//!   leaf for `wrong.example` only ([`CertKind::WrongName`]) and a self-signed leaf with the
//!   right names ([`CertKind::SelfSigned`]).
//! * Servers read keys as root, except those that run as a user: [`TestCa::copy_for`] gives
//!   that user private (600) copies.

use std::fs;
use std::os::unix::fs::{PermissionsExt, chown};
use std::path::{Path, PathBuf};
use std::process::Command;

use super::peer::{StateDir, require_binary};

/// The subjectAltNames of the good server certificate.
pub const SANS: &str = "DNS:localhost, IP:127.0.0.1, IP:::1, DNS:netkit.test, \
                        DNS:*.netkit.test, DNS:news.netkit.test";

/// Which server certificate to use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CertKind {
    /// Signed by the test CA, names in [`SANS`]: verifies for localhost, 127.0.0.1, ::1.
    Good,
    /// Signed by the test CA but only for `DNS:wrong.example`: a name mismatch.
    WrongName,
    /// Self-signed, names in [`SANS`]: an unknown issuer.
    SelfSigned,
}

/// A certificate chain (leaf only) and its key, as PEM files.
#[derive(Debug, Clone)]
pub struct CertFiles {
    pub cert: PathBuf,
    pub key: PathBuf,
}

/// A CA and its server certificate in a private directory, removed on drop.
#[derive(Debug)]
pub struct TestCa {
    dir: StateDir,
}

fn openssl(dir: &Path, args: &[&str]) {
    let bin = require_binary("/usr/bin/openssl", "openssl");
    let out = Command::new(bin)
        .current_dir(dir)
        .args(args)
        .output()
        .expect("run openssl");
    assert!(
        out.status.success(),
        "openssl {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr).escape_debug()
    );
}

const EC: [&str; 4] = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256"];

fn leaf_ext(sans: &str) -> String {
    format!(
        "basicConstraints = critical, CA:FALSE\n\
         keyUsage = critical, digitalSignature\n\
         extendedKeyUsage = serverAuth\n\
         subjectAltName = {sans}\n"
    )
}

impl TestCa {
    /// A fresh CA and its good server certificate (~50 ms).
    pub fn new() -> TestCa {
        let dir = StateDir::new("ca");
        let d = dir.path();
        let mut args = vec!["req", "-x509", "-new", "-nodes", "-sha256", "-days", "30"];
        args.extend(EC);
        args.extend([
            "-keyout",
            "ca.key",
            "-out",
            "ca.pem",
            "-subj",
            "/CN=netkit test CA",
            "-addext",
            "basicConstraints = critical, CA:TRUE",
            "-addext",
            "keyUsage = critical, keyCertSign, cRLSign",
        ]);
        openssl(d, &args);
        let ca = TestCa { dir };
        ca.signed_leaf("server", "localhost", SANS);
        ca
    }

    /// `NAME.pem`/`NAME.key`: a leaf signed by the CA.
    fn signed_leaf(&self, name: &str, cn: &str, sans: &str) -> CertFiles {
        let d = self.dir.path();
        let (key, csr, pem, ext) = (
            format!("{name}.key"),
            format!("{name}.csr"),
            format!("{name}.pem"),
            format!("{name}.ext"),
        );
        let subj = format!("/CN={cn}");
        let mut args = vec!["req", "-new", "-nodes", "-keyout", &key, "-out", &csr];
        args.extend(EC);
        args.extend(["-subj", &subj]);
        openssl(d, &args);
        fs::write(d.join(&ext), leaf_ext(sans)).expect("write extensions file");
        openssl(
            d,
            &[
                "x509",
                "-req",
                "-in",
                &csr,
                "-CA",
                "ca.pem",
                "-CAkey",
                "ca.key",
                "-set_serial",
                // A distinct serial per leaf: clients may cache by issuer + serial.
                &serial(name),
                "-days",
                "30",
                "-sha256",
                "-extfile",
                &ext,
                "-out",
                &pem,
            ],
        );
        self.files(name)
    }

    fn files(&self, name: &str) -> CertFiles {
        CertFiles {
            cert: self.dir.join(&format!("{name}.pem")),
            key: self.dir.join(&format!("{name}.key")),
        }
    }

    /// The CA certificate: the trust anchor clients get (`--cacert`).
    pub fn ca_pem(&self) -> PathBuf {
        self.dir.join("ca.pem")
    }

    /// The good server certificate (leaf only).
    pub fn cert_pem(&self) -> PathBuf {
        self.dir.join("server.pem")
    }

    /// The good server certificate's private key.
    pub fn key_pem(&self) -> PathBuf {
        self.dir.join("server.key")
    }

    /// The certificate of the given kind, made on first use.
    pub fn cert(&self, kind: CertKind) -> CertFiles {
        match kind {
            CertKind::Good => self.files("server"),
            CertKind::WrongName => {
                let f = self.files("wrongname");
                if !f.cert.exists() {
                    self.signed_leaf("wrongname", "wrong.example", "DNS:wrong.example");
                }
                f
            }
            CertKind::SelfSigned => {
                let f = self.files("selfsigned");
                if !f.cert.exists() {
                    // `-addext` cannot replace req's default CA:TRUE; a config section can.
                    let conf = format!(
                        "[req]\ndistinguished_name = dn\n[dn]\n[v3]\n{}",
                        leaf_ext(SANS)
                    );
                    fs::write(self.dir.join("selfsigned.cnf"), conf).expect("write config");
                    let mut args = vec!["req", "-x509", "-new", "-nodes", "-sha256"];
                    args.extend(EC);
                    args.extend([
                        "-days",
                        "30",
                        "-keyout",
                        "selfsigned.key",
                        "-out",
                        "selfsigned.pem",
                        "-subj",
                        "/CN=localhost",
                        "-config",
                        "selfsigned.cnf",
                        "-extensions",
                        "v3",
                    ]);
                    openssl(self.dir.path(), &args);
                }
                f
            }
        }
    }

    /// Private (600) copies of the good cert and key owned by `uid:gid`, in `dir`, for a
    /// server that reads its key after dropping privileges.
    pub fn copy_for(&self, dir: &Path, uid: u32, gid: u32) -> CertFiles {
        let out = CertFiles {
            cert: dir.join("server.pem"),
            key: dir.join("server.key"),
        };
        for (from, to) in [(self.cert_pem(), &out.cert), (self.key_pem(), &out.key)] {
            fs::copy(&from, to).unwrap_or_else(|e| panic!("copy {}: {e}", from.display()));
            chown(to, Some(uid), Some(gid)).expect("chown key copy");
            fs::set_permissions(to, fs::Permissions::from_mode(0o600)).expect("chmod key copy");
        }
        out
    }

    /// The directory holding every file (removed on drop).
    pub fn dir(&self) -> &Path {
        self.dir.path()
    }
}

impl Default for TestCa {
    fn default() -> TestCa {
        TestCa::new()
    }
}

fn serial(name: &str) -> String {
    let n = name
        .bytes()
        .fold(1u64, |a, b| a.wrapping_mul(31).wrapping_add(u64::from(b)));
    format!("{}", n % 1_000_000_007)
}
