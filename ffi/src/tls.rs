//! rustls configuration: client certificate, and how the server is verified (CA roots, a pinned
//! certificate as `lxc remote add` stores, or — only when asked for by name — nothing).

use std::sync::Arc;

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::{verify_tls12_signature, verify_tls13_signature, CryptoProvider, WebPkiSupportedAlgorithms};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, ServerName, UnixTime};
use rustls::{DigitallySignedStruct, RootCertStore, SignatureScheme};

use crate::error::Error;

/// How the server's certificate is checked.
#[derive(Debug, Clone, Default)]
pub enum ServerTrust {
    /// Against public CA roots (webpki-roots) and the system's trust store (`SSL_CERT_FILE`,
    /// `SSL_CERT_DIR`, else the OS bundle), read when the client is built (the default; LXD's
    /// self-signed certificates fail it).
    #[default]
    WebPki,
    /// Against the given CA certificates.
    Roots(Vec<CertificateDer<'static>>),
    /// The server must present exactly this certificate (names are not checked: LXD's rarely match).
    Pinned(CertificateDer<'static>),
    /// No verification at all. Dangerous; never the default.
    DangerAcceptAny,
}

/// Parse PEM certificates.
pub fn parse_certs(pem: &[u8], what: &str) -> Result<Vec<CertificateDer<'static>>, Error> {
    let certs: Result<Vec<_>, _> = CertificateDer::pem_slice_iter(pem).collect();
    let certs = certs.map_err(|e| Error::invalid(format!("{what}: not a PEM certificate: {e}")))?;
    if certs.is_empty() {
        return Err(Error::invalid(format!("{what}: no PEM certificate found")));
    }
    for c in &certs {
        // A PEM block whose DER is not an X.509 certificate is refused here, not at connect time.
        webpki::EndEntityCert::try_from(c).map_err(|e| Error::invalid(format!("{what}: not a valid X.509 certificate: {e}")))?;
    }
    Ok(certs)
}

/// Parse a PEM private key. The key's bytes never appear in an error message.
pub fn parse_key(pem: &[u8]) -> Result<PrivateKeyDer<'static>, Error> {
    match PrivateKeyDer::from_pem_slice(pem) {
        Ok(k) => Ok(k),
        Err(rustls::pki_types::pem::Error::NoItemsFound) => Err(Error::invalid("client key: no PEM private key found")),
        Err(_) => Err(Error::invalid("client key: malformed PEM private key")),
    }
}

fn provider() -> Arc<CryptoProvider> {
    Arc::new(rustls::crypto::ring::default_provider())
}

/// Build the rustls client configuration.
pub fn client_config(
    trust: &ServerTrust,
    client_cert: Option<(Vec<CertificateDer<'static>>, PrivateKeyDer<'static>)>,
) -> Result<Arc<rustls::ClientConfig>, Error> {
    let provider = provider();
    let algs = provider.signature_verification_algorithms;
    let builder = rustls::ClientConfig::builder_with_provider(provider.clone())
        .with_safe_default_protocol_versions()
        .map_err(|e| Error::Tls(format!("TLS setup: {e}")))?;
    let builder = match trust {
        ServerTrust::WebPki | ServerTrust::Roots(_) => {
            let mut roots = RootCertStore::empty();
            if let ServerTrust::Roots(certs) = trust {
                for c in certs {
                    roots.add(c.clone()).map_err(|e| Error::invalid(format!("CA certificate: {e}")))?;
                }
            } else {
                roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
                // And the system's trust store, as libcurl and Go use it: SSL_CERT_FILE and
                // SSL_CERT_DIR when set, else the OS bundle (e.g. /etc/ssl/certs). Certificates
                // that do not parse are skipped, as the OS tools do.
                let native = rustls_native_certs::load_native_certs();
                roots.add_parsable_certificates(native.certs);
            }
            builder.with_root_certificates(roots)
        }
        ServerTrust::Pinned(cert) => builder
            .dangerous()
            .with_custom_certificate_verifier(Arc::new(PinnedVerifier { cert: cert.clone(), algs })),
        ServerTrust::DangerAcceptAny => builder
            .dangerous()
            .with_custom_certificate_verifier(Arc::new(AcceptAnyVerifier { algs })),
    };
    let config = match client_cert {
        Some((certs, key)) => builder
            .with_client_auth_cert(certs, key)
            .map_err(|e| Error::invalid(format!("client certificate and key do not form a usable pair: {e}")))?,
        None => builder.with_no_client_auth(),
    };
    Ok(Arc::new(config))
}

/// Accepts exactly one certificate, byte for byte; still checks the handshake signatures.
#[derive(Debug)]
struct PinnedVerifier {
    cert: CertificateDer<'static>,
    algs: WebPkiSupportedAlgorithms,
}

impl ServerCertVerifier for PinnedVerifier {
    fn verify_server_cert(&self, end_entity: &CertificateDer<'_>, _: &[CertificateDer<'_>], _: &ServerName<'_>, _: &[u8], _: UnixTime) -> Result<ServerCertVerified, rustls::Error> {
        if end_entity.as_ref() == self.cert.as_ref() {
            Ok(ServerCertVerified::assertion())
        } else {
            Err(rustls::Error::General("server certificate does not match the pinned certificate".into()))
        }
    }
    fn verify_tls12_signature(&self, message: &[u8], cert: &CertificateDer<'_>, dss: &DigitallySignedStruct) -> Result<HandshakeSignatureValid, rustls::Error> {
        verify_tls12_signature(message, cert, dss, &self.algs)
    }
    fn verify_tls13_signature(&self, message: &[u8], cert: &CertificateDer<'_>, dss: &DigitallySignedStruct) -> Result<HandshakeSignatureValid, rustls::Error> {
        verify_tls13_signature(message, cert, dss, &self.algs)
    }
    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.algs.supported_schemes()
    }
}

/// Accepts any certificate (still checks that the handshake is signed by it).
#[derive(Debug)]
struct AcceptAnyVerifier {
    algs: WebPkiSupportedAlgorithms,
}

impl ServerCertVerifier for AcceptAnyVerifier {
    fn verify_server_cert(&self, _: &CertificateDer<'_>, _: &[CertificateDer<'_>], _: &ServerName<'_>, _: &[u8], _: UnixTime) -> Result<ServerCertVerified, rustls::Error> {
        Ok(ServerCertVerified::assertion())
    }
    fn verify_tls12_signature(&self, message: &[u8], cert: &CertificateDer<'_>, dss: &DigitallySignedStruct) -> Result<HandshakeSignatureValid, rustls::Error> {
        verify_tls12_signature(message, cert, dss, &self.algs)
    }
    fn verify_tls13_signature(&self, message: &[u8], cert: &CertificateDer<'_>, dss: &DigitallySignedStruct) -> Result<HandshakeSignatureValid, rustls::Error> {
        verify_tls13_signature(message, cert, dss, &self.algs)
    }
    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.algs.supported_schemes()
    }
}
