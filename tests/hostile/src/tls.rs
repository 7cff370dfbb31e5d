//! HTTPS listeners on loopback: a TLS one with a fresh self-signed certificate (for certificate
//! refusal and pinning tests), one that never completes the handshake, one that speaks plain HTTP.

use std::io::{self, Read, Write};
use std::net::TcpListener;
use std::sync::Arc;
use std::time::Duration;

use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};

use crate::http;
use crate::Config;

fn self_signed(name: &str) -> io::Result<rcgen::CertifiedKey<rcgen::KeyPair>> {
    rcgen::generate_simple_self_signed(vec![name.to_string()]).map_err(io::Error::other)
}

fn listen(cfg: &Config, file: &str) -> io::Result<TcpListener> {
    let l = TcpListener::bind("127.0.0.1:0")?;
    std::fs::write(cfg.dir.join(file), format!("{}\n", l.local_addr()?.port()))?;
    Ok(l)
}

/// Generate the certificates, bind the three listeners, and serve them on background threads.
pub fn start(cfg: &Arc<Config>) -> io::Result<()> {
    // The name matches nothing the client dials (127.0.0.1): verification against it as a CA
    // must fail on the name, pinning must succeed.
    let server = self_signed("lxd-hostile.invalid")?;
    let other = self_signed("lxd-hostile.invalid")?;
    let client = self_signed("lxd-hostile-client")?;
    std::fs::write(cfg.dir.join("server.crt"), server.cert.pem())?;
    std::fs::write(cfg.dir.join("other.crt"), other.cert.pem())?;
    std::fs::write(cfg.dir.join("client.crt"), client.cert.pem())?;
    std::fs::write(cfg.dir.join("client.key"), client.signing_key.serialize_pem())?;

    let chain: Vec<CertificateDer<'static>> = vec![server.cert.der().clone()];
    let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(server.signing_key.serialize_der()));
    let tls = rustls::ServerConfig::builder_with_provider(Arc::new(rustls::crypto::ring::default_provider()))
        .with_safe_default_protocol_versions()
        .map_err(io::Error::other)?
        .with_no_client_auth()
        .with_single_cert(chain, key)
        .map_err(io::Error::other)?;
    let tls = Arc::new(tls);

    let l = listen(cfg, "https.port")?;
    let c = cfg.clone();
    std::thread::spawn(move || {
        for s in l.incoming() {
            let Ok(s) = s else { continue };
            let (c, tls) = (c.clone(), tls.clone());
            std::thread::spawn(move || {
                let Ok(conn) = rustls::ServerConnection::new(tls) else { return };
                let _ = s.set_nodelay(true);
                http::serve(&c, Box::new(rustls::StreamOwned::new(conn, s)));
            });
        }
    });

    // A server whose certificate (for 127.0.0.1 and localhost) a private CA signed: `ca.crt`.
    // Only a client that trusts that CA (SSL_CERT_FILE, SSL_CERT_DIR, or given explicitly)
    // verifies it; no public root does.
    let ca_key = rcgen::KeyPair::generate().map_err(io::Error::other)?;
    let mut ca_params = rcgen::CertificateParams::new(Vec::<String>::new()).map_err(io::Error::other)?;
    ca_params.distinguished_name.push(rcgen::DnType::CommonName, "lxd-hostile test CA");
    ca_params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
    ca_params.key_usages = vec![rcgen::KeyUsagePurpose::KeyCertSign, rcgen::KeyUsagePurpose::CrlSign];
    let ca_cert = ca_params.self_signed(&ca_key).map_err(io::Error::other)?;
    let issuer = rcgen::Issuer::new(ca_params, ca_key);
    let leaf_key = rcgen::KeyPair::generate().map_err(io::Error::other)?;
    let mut leaf_params = rcgen::CertificateParams::new(vec!["localhost".to_string(), "127.0.0.1".to_string()]).map_err(io::Error::other)?;
    leaf_params.distinguished_name.push(rcgen::DnType::CommonName, "lxd-hostile CA-signed");
    leaf_params.extended_key_usages = vec![rcgen::ExtendedKeyUsagePurpose::ServerAuth];
    let leaf = leaf_params.signed_by(&leaf_key, &issuer).map_err(io::Error::other)?;
    std::fs::write(cfg.dir.join("ca.crt"), ca_cert.pem())?;
    let ca_tls = rustls::ServerConfig::builder_with_provider(Arc::new(rustls::crypto::ring::default_provider()))
        .with_safe_default_protocol_versions()
        .map_err(io::Error::other)?
        .with_no_client_auth()
        .with_single_cert(vec![leaf.der().clone()], PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(leaf_key.serialize_der())))
        .map_err(io::Error::other)?;
    let ca_tls = Arc::new(ca_tls);
    let l = listen(cfg, "https-ca.port")?;
    let c = cfg.clone();
    std::thread::spawn(move || {
        for s in l.incoming() {
            let Ok(s) = s else { continue };
            let (c, tls) = (c.clone(), ca_tls.clone());
            std::thread::spawn(move || {
                let Ok(conn) = rustls::ServerConnection::new(tls) else { return };
                let _ = s.set_nodelay(true);
                http::serve(&c, Box::new(rustls::StreamOwned::new(conn, s)));
            });
        }
    });

    let l = listen(cfg, "https-stall.port")?;
    std::thread::spawn(move || {
        for s in l.incoming() {
            let Ok(mut s) = s else { continue };
            std::thread::spawn(move || {
                let _ = http::hold_until_client_leaves(&mut s as &mut dyn http::Conn, Duration::from_secs(300));
            });
        }
    });

    // A plain HTTP server where TLS is expected: like Go's, it answers the unparsable
    // ClientHello with a 400 and closes.
    let l = listen(cfg, "https-plain.port")?;
    std::thread::spawn(move || {
        for s in l.incoming() {
            let Ok(mut s) = s else { continue };
            std::thread::spawn(move || {
                let mut first = [0u8; 4096];
                let _ = s.set_read_timeout(Some(Duration::from_secs(10)));
                let _ = s.read(&mut first);
                let _ = s.write_all(b"HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain\r\nConnection: close\r\nContent-Length: 11\r\n\r\nBad Request");
            });
        }
    });
    Ok(())
}
