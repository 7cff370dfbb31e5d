//! Connect like `lxc` does: read the user's lxc configuration (remotes, the default remote, pinned
//! server certificates in `servercerts/`, the client's `client.crt`/`client.key`), generate a
//! client certificate when there is none, and add a remote (`lxc remote add`).

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use serde_norway::{Mapping, Value};

use crate::error::{Error, Result};
use crate::tls::{parse_certs, ServerTrust};
use crate::ClientBuilder;

/// The client configuration directory of `lxc` or `incus` (same layout: `config.yml`,
/// `servercerts/`, `client.crt`, `client.key`): `LXD_CONF`, else `INCUS_CONF`, else the first
/// with a `config.yml` of `~/.config/lxc`, the snap's `~/snap/lxd/common/config` and
/// `~/.config/incus`; none: `~/.config/lxc`.
pub fn default_config_dir() -> PathBuf {
    config_dir_from(|k| std::env::var_os(k), |p| p.exists())
}

/// [`default_config_dir`] over a given environment and file system.
fn config_dir_from(env: impl Fn(&str) -> Option<std::ffi::OsString>, exists: impl Fn(&Path) -> bool) -> PathBuf {
    let var = |k: &str| env(k).filter(|d| !d.is_empty());
    if let Some(d) = var("LXD_CONF") {
        return PathBuf::from(d);
    }
    if let Some(d) = var("INCUS_CONF") {
        return PathBuf::from(d);
    }
    let home = var("HOME").map(PathBuf::from).unwrap_or_else(|| PathBuf::from("/root"));
    let xdg = var("XDG_CONFIG_HOME").map(PathBuf::from).unwrap_or_else(|| home.join(".config"));
    let plain = xdg.join("lxc");
    for d in [plain.clone(), home.join("snap/lxd/common/config"), xdg.join("incus")] {
        if exists(&d.join("config.yml")) {
            return d;
        }
    }
    plain
}

/// One remote from `config.yml`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Remote {
    /// Its name.
    pub name: String,
    /// `unix://`, `unix:///path`, or `https://host:port`.
    pub addr: String,
    /// `lxd`, `incus` (what the `incus` CLI writes: the same REST API) or `simplestreams`.
    pub protocol: String,
    /// The remote's project, if set.
    pub project: Option<String>,
}

/// The parts of `config.yml` a client needs; everything else is kept when it is written back.
#[derive(Debug, Clone)]
pub struct LxcConfig {
    dir: PathBuf,
    doc: Value,
}

fn cfg_err(dir: &Path, e: impl std::fmt::Display) -> Error {
    Error::invalid(format!("lxc configuration {}: {e}", dir.join("config.yml").display()))
}

impl LxcConfig {
    /// Load `<dir>/config.yml` (a missing file is an empty configuration with lxc's defaults).
    pub fn load(dir: &Path) -> Result<LxcConfig> {
        let path = dir.join("config.yml");
        let doc = match std::fs::read_to_string(&path) {
            Ok(text) => serde_norway::from_str::<Value>(&text).map_err(|e| cfg_err(dir, e))?,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Value::Mapping(Mapping::new()),
            Err(e) => return Err(Error::Io(format!("cannot read {}: {e}", path.display()))),
        };
        if !matches!(doc, Value::Mapping(_) | Value::Null) {
            return Err(cfg_err(dir, "not a YAML mapping"));
        }
        Ok(LxcConfig { dir: dir.to_path_buf(), doc })
    }

    /// The directory.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The default remote's name (`default-remote`, else `local`).
    pub fn default_remote(&self) -> String {
        self.doc.get("default-remote").and_then(Value::as_str).unwrap_or("local").to_string()
    }

    /// A remote by name; `local` always exists (the unix socket), as in lxc.
    pub fn remote(&self, name: &str) -> Result<Remote> {
        let r = self.doc.get("remotes").and_then(|r| r.get(name));
        match r {
            Some(r) => {
                let addr = r.get("addr").and_then(Value::as_str).ok_or_else(|| cfg_err(&self.dir, format!("remote {name:?} has no addr")))?;
                Ok(Remote {
                    name: name.to_string(),
                    addr: addr.to_string(),
                    protocol: r.get("protocol").and_then(Value::as_str).unwrap_or("lxd").to_string(),
                    project: r.get("project").and_then(Value::as_str).map(str::to_string),
                })
            }
            None if name == "local" => Ok(Remote { name: "local".into(), addr: "unix://".into(), protocol: "lxd".into(), project: None }),
            None => Err(Error::invalid(format!("no remote named {name:?} in {}", self.dir.join("config.yml").display()))),
        }
    }

    /// Names of all remotes (plus `local`).
    pub fn remote_names(&self) -> Vec<String> {
        let mut v: Vec<String> = match self.doc.get("remotes").and_then(Value::as_mapping) {
            Some(m) => m.keys().filter_map(|k| k.as_str().map(str::to_string)).collect(),
            None => Vec::new(),
        };
        if !v.iter().any(|n| n == "local") {
            v.push("local".into());
        }
        v.sort();
        v
    }

    /// A client builder for a remote (`None`: the default remote): the unix socket for `unix://`,
    /// else HTTPS with the client certificate of this directory and the server certificate pinned
    /// from `servercerts/<name>.crt` (public CA roots when there is none, as lxc).
    pub fn builder(&self, name: Option<&str>) -> Result<ClientBuilder> {
        let name = name.map(str::to_string).unwrap_or_else(|| self.default_remote());
        let remote = self.remote(&name)?;
        if remote.protocol != "lxd" && remote.protocol != "incus" {
            return Err(Error::invalid(format!("remote {name:?} speaks {:?}, not the LXD API", remote.protocol)));
        }
        let b = if let Some(path) = remote.addr.strip_prefix("unix://") {
            ClientBuilder::unix((!path.is_empty()).then(|| PathBuf::from(path)))
        } else if remote.addr.starts_with("https://") {
            let mut b = ClientBuilder::https(&remote.addr);
            let (crt, key) = (self.dir.join("client.crt"), self.dir.join("client.key"));
            if crt.exists() && key.exists() {
                let c = std::fs::read(&crt).map_err(|e| Error::Io(format!("cannot read {}: {e}", crt.display())))?;
                let k = std::fs::read(&key).map_err(|e| Error::Io(format!("cannot read {}: {e}", key.display())))?;
                b = b.client_cert_pem(&c, &k);
            }
            let pinned = self.dir.join("servercerts").join(format!("{name}.crt"));
            if pinned.exists() {
                let pem = std::fs::read(&pinned).map_err(|e| Error::Io(format!("cannot read {}: {e}", pinned.display())))?;
                b = b.server_trust(ServerTrust::Pinned(parse_certs(&pem, "pinned server certificate")?.remove(0)));
            }
            b
        } else {
            return Err(Error::invalid(format!("remote {name:?} has an unsupported address {:?}", remote.addr)));
        };
        Ok(b.project(remote.project.filter(|p| p != "default")))
    }

    /// Set a remote and write `config.yml` back (other keys kept). `protocol`: `lxd` for an LXD
    /// server, `incus` for an Incus one (what each CLI writes and expects).
    fn set_remote(&mut self, name: &str, addr: &str, protocol: &str) -> Result<()> {
        if !self.doc.is_mapping() {
            self.doc = Value::Mapping(Mapping::new());
        }
        let root = self.doc.as_mapping_mut().ok_or_else(|| cfg_err(&self.dir, "not a mapping"))?;
        let remotes = root.entry(Value::from("remotes")).or_insert_with(|| Value::Mapping(Mapping::new()));
        let remotes = remotes.as_mapping_mut().ok_or_else(|| cfg_err(&self.dir, "remotes is not a mapping"))?;
        let mut r = Mapping::new();
        r.insert("addr".into(), addr.into());
        r.insert("auth_type".into(), "tls".into());
        r.insert("project".into(), "default".into());
        r.insert("protocol".into(), protocol.into());
        r.insert("public".into(), false.into());
        remotes.insert(Value::from(name), Value::Mapping(r));
        let text = serde_norway::to_string(&self.doc).map_err(|e| cfg_err(&self.dir, e))?;
        write_private(&self.dir.join("config.yml"), text.as_bytes(), 0o644)
    }
}

fn write_private(path: &Path, data: &[u8], mode: u32) -> Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let tmp = path.with_extension("tmp");
    let mut f = std::fs::OpenOptions::new().write(true).create(true).truncate(true).mode(mode).open(&tmp).map_err(|e| Error::Io(format!("cannot write {}: {e}", tmp.display())))?;
    f.write_all(data).and_then(|_| f.sync_all()).map_err(|e| Error::Io(format!("cannot write {}: {e}", tmp.display())))?;
    std::fs::rename(&tmp, path).map_err(|e| Error::Io(format!("cannot write {}: {e}", path.display())))
}

/// Create `client.crt` and `client.key` in `dir` (ECDSA P-384, self-signed, 10 years, as lxc
/// makes them) unless both exist. Returns true when it generated them.
pub fn ensure_client_cert(dir: &Path) -> Result<bool> {
    let (crt, key) = (dir.join("client.crt"), dir.join("client.key"));
    if crt.exists() && key.exists() {
        return Ok(false);
    }
    std::fs::create_dir_all(dir).map_err(|e| Error::Io(format!("cannot create {}: {e}", dir.display())))?;
    let key_pair = rcgen::KeyPair::generate_for(&rcgen::PKCS_ECDSA_P384_SHA384).map_err(|e| Error::Tls(format!("key generation failed: {e}")))?;
    let user = std::env::var("USER").unwrap_or_else(|_| "root".into());
    let host = std::fs::read_to_string("/etc/hostname").map(|h| h.trim().to_string()).unwrap_or_else(|_| "localhost".into());
    let mut params = rcgen::CertificateParams::new(Vec::<String>::new()).map_err(|e| Error::Tls(e.to_string()))?;
    params.distinguished_name.push(rcgen::DnType::OrganizationName, "linuxcontainers.org");
    params.distinguished_name.push(rcgen::DnType::CommonName, format!("{user}@{host}"));
    params.not_before = rcgen::date_time_ymd(2020, 1, 1);
    params.not_after = rcgen::date_time_ymd(2099, 12, 31);
    params.extended_key_usages = vec![rcgen::ExtendedKeyUsagePurpose::ClientAuth];
    let cert = params.self_signed(&key_pair).map_err(|e| Error::Tls(format!("certificate generation failed: {e}")))?;
    write_private(&key, key_pair.serialize_pem().as_bytes(), 0o600)?;
    write_private(&crt, cert.pem().as_bytes(), 0o644)?;
    Ok(true)
}

/// SHA-256 fingerprint (lowercase hex) of a DER certificate, as `lxc` and LXD print it.
pub fn fingerprint(der: &[u8]) -> String {
    ring::digest::digest(&ring::digest::SHA256, der).as_ref().iter().map(|b| format!("{b:02x}")).collect()
}

/// An expected certificate fingerprint as the caller gave it → 64 lowercase hex digits. The whole
/// SHA-256 is required: a prefix (which `lxc` never asks for) would let a forged certificate whose
/// fingerprint merely starts the same way through. Case does not matter; `:` separators (as
/// `openssl x509 -fingerprint` prints them) and surrounding spaces are allowed.
pub fn normalize_fingerprint(want: &str) -> Result<String> {
    let hex: String = want.trim().chars().filter(|c| *c != ':').collect::<String>().to_ascii_lowercase();
    if hex.len() != 64 || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(Error::invalid(format!(
            "expected fingerprint must be the full SHA-256 of the server certificate: 64 hex digits (colons allowed), got {} characters",
            want.trim().len()
        )));
    }
    Ok(hex)
}

/// Records the certificate a server presents without trusting it (first contact only).
#[derive(Debug)]
struct CaptureVerifier {
    seen: Mutex<Option<CertificateDer<'static>>>,
    algs: rustls::crypto::WebPkiSupportedAlgorithms,
}

impl ServerCertVerifier for CaptureVerifier {
    fn verify_server_cert(&self, end_entity: &CertificateDer<'_>, _: &[CertificateDer<'_>], _: &ServerName<'_>, _: &[u8], _: UnixTime) -> std::result::Result<ServerCertVerified, rustls::Error> {
        if let Ok(mut s) = self.seen.lock() {
            *s = Some(end_entity.clone().into_owned());
        }
        Ok(ServerCertVerified::assertion())
    }
    fn verify_tls12_signature(&self, m: &[u8], c: &CertificateDer<'_>, d: &rustls::DigitallySignedStruct) -> std::result::Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(m, c, d, &self.algs)
    }
    fn verify_tls13_signature(&self, m: &[u8], c: &CertificateDer<'_>, d: &rustls::DigitallySignedStruct) -> std::result::Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(m, c, d, &self.algs)
    }
    fn supported_verify_schemes(&self) -> Vec<rustls::SignatureScheme> {
        self.algs.supported_schemes()
    }
}

/// Fetch the certificate an HTTPS server presents (no trust decision is made).
pub fn fetch_server_cert(url: &str) -> Result<CertificateDer<'static>> {
    let provider = rustls::crypto::ring::default_provider();
    let verifier = Arc::new(CaptureVerifier { seen: Mutex::new(None), algs: provider.signature_verification_algorithms });
    let config = rustls::ClientConfig::builder_with_provider(Arc::new(provider))
        .with_safe_default_protocol_versions()
        .map_err(|e| Error::Tls(e.to_string()))?
        .dangerous()
        .with_custom_certificate_verifier(verifier.clone())
        .with_no_client_auth();
    let probe = ClientBuilder::https(url).build()?;
    let endpoint = match probe.endpoint().as_ref() {
        crate::transport::Endpoint::Https { authority, server_name, proxy, .. } => {
            crate::transport::Endpoint::Https { authority: authority.clone(), server_name: server_name.clone(), tls: Arc::new(config), proxy: proxy.clone() }
        }
        crate::transport::Endpoint::Unix(_) => return Err(Error::invalid("not an HTTPS URL")),
    };
    endpoint.dial(probe.timeout()).map_err(|e| Error::from_net_io(&e))?;
    let seen = verifier.seen.lock().map_err(|_| Error::Tls("certificate capture failed".into()))?.clone();
    seen.ok_or_else(|| Error::Tls("server presented no certificate".into()))
}

/// `lxc remote add NAME URL`: fetch the server's certificate, check it against
/// `expected_fingerprint` (SHA-256 hex, as `lxc` shows; `None` accepts it on first use, like
/// `--accept-certificate`), store it in `servercerts/NAME.crt`, create a client certificate if
/// needed, authenticate with `password` (trust password or token) unless already trusted, and
/// record the remote in `config.yml` (protocol `lxd` or `incus`, after the server's flavour, as
/// `lxc` and `incus` write it). Returns the server certificate's fingerprint.
pub fn add_remote(dir: &Path, name: &str, url: &str, password: Option<&str>, expected_fingerprint: Option<&str>) -> Result<String> {
    lxd_core::request::check_name("remote", name)?;
    if name.contains(':') || name.chars().any(char::is_whitespace) {
        return Err(Error::invalid(format!("remote name {name:?} may not contain ':' or spaces")));
    }
    if !url.starts_with("https://") {
        return Err(Error::invalid(format!("remote URL {url:?} must start with https://")));
    }
    let want = expected_fingerprint.map(normalize_fingerprint).transpose()?;
    let mut config = LxcConfig::load(dir)?;
    let cert = fetch_server_cert(url)?;
    let fp = fingerprint(cert.as_ref());
    if let Some(want) = want {
        if fp != want {
            return Err(Error::Tls(format!("server certificate fingerprint {fp} does not match the expected {want}")));
        }
    }
    ensure_client_cert(dir)?;
    let pem = pem_encode(cert.as_ref());
    let servercerts = dir.join("servercerts");
    std::fs::create_dir_all(&servercerts).map_err(|e| Error::Io(format!("cannot create {}: {e}", servercerts.display())))?;
    let crt = std::fs::read(dir.join("client.crt")).map_err(|e| Error::Io(e.to_string()))?;
    let key = std::fs::read(dir.join("client.key")).map_err(|e| Error::Io(e.to_string()))?;
    let client = ClientBuilder::https(url).client_cert_pem(&crt, &key).server_trust(ServerTrust::Pinned(cert)).build()?;
    if !client.trusted()? {
        match password {
            Some(pw) => client.authenticate(pw)?,
            None => return Err(Error::invalid("the server does not trust this client yet: a trust password or token is needed")),
        }
        if !client.trusted()? {
            return Err(Error::Core(lxd_core::Error::Api { status: 403, message: "the server still does not trust this client".into() }));
        }
    }
    write_private(&servercerts.join(format!("{name}.crt")), pem.as_bytes(), 0o644)?;
    // The incus CLI refuses a remote whose protocol is "lxd": record the server's own flavour.
    config.set_remote(name, url.trim_end_matches('/'), client.flavour()?.as_str())?;
    Ok(fp)
}

fn pem_encode(der: &[u8]) -> String {
    pem::encode(&pem::Pem::new("CERTIFICATE", der.to_vec()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_remotes_and_defaults() {
        let dir = std::env::temp_dir().join(format!("lxcconf-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("config.yml"), "default-remote: t\nremotes:\n  t:\n    addr: https://127.0.0.1:1\n    protocol: lxd\n  img:\n    addr: https://x\n    protocol: simplestreams\naliases: {}\n").unwrap();
        let c = LxcConfig::load(&dir).unwrap();
        assert_eq!(c.default_remote(), "t");
        assert_eq!(c.remote("local").unwrap().addr, "unix://");
        assert!(c.builder(Some("img")).is_err());
        assert!(c.builder(Some("nope")).is_err());
        assert_eq!(c.remote_names(), vec!["img", "local", "t"]);
        std::fs::write(dir.join("config.yml"), "- a list\n").unwrap();
        assert!(LxcConfig::load(&dir).is_err());
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn incus_remotes_and_config_dirs() {
        let dir = std::env::temp_dir().join(format!("incusconf-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("config.yml"), "remotes:\n  i:\n    addr: https://127.0.0.1:1\n    protocol: incus\n").unwrap();
        let c = LxcConfig::load(&dir).unwrap();
        assert_eq!(c.remote("i").unwrap().protocol, "incus");
        assert!(c.builder(Some("i")).is_ok());
        std::fs::remove_dir_all(&dir).unwrap();

        use std::ffi::OsString;
        let env = |pairs: &'static [(&'static str, &'static str)]| move |k: &str| pairs.iter().find(|(n, _)| *n == k).map(|(_, v)| OsString::from(v));
        let none = |_: &Path| false;
        assert_eq!(config_dir_from(env(&[("LXD_CONF", "/l"), ("INCUS_CONF", "/i")]), none), PathBuf::from("/l"));
        assert_eq!(config_dir_from(env(&[("LXD_CONF", ""), ("INCUS_CONF", "/i")]), none), PathBuf::from("/i"));
        assert_eq!(config_dir_from(env(&[("HOME", "/h")]), none), PathBuf::from("/h/.config/lxc"));
        let incus_only = |p: &Path| p == Path::new("/h/.config/incus/config.yml");
        assert_eq!(config_dir_from(env(&[("HOME", "/h")]), incus_only), PathBuf::from("/h/.config/incus"));
        let both = |p: &Path| p.starts_with("/h/.config");
        assert_eq!(config_dir_from(env(&[("HOME", "/h")]), both), PathBuf::from("/h/.config/lxc"));
        assert_eq!(config_dir_from(env(&[("HOME", "/h"), ("XDG_CONFIG_HOME", "/x")]), |p: &Path| p.starts_with("/x/incus")), PathBuf::from("/x/incus"));
    }

    #[test]
    fn fingerprint_must_be_whole() {
        let full = "ab".repeat(32);
        assert_eq!(normalize_fingerprint(&full).unwrap(), full);
        assert_eq!(normalize_fingerprint(&full.to_ascii_uppercase()).unwrap(), full);
        let colons: Vec<String> = (0..32).map(|_| "AB".to_string()).collect();
        assert_eq!(normalize_fingerprint(&format!(" {} ", colons.join(":"))).unwrap(), full);
        for bad in ["", "a", "00ff00ff", &full[..63], &format!("{full}0"), &format!("{}zz", &full[..62]), ":::", &format!("{}é", &full[..63])] {
            let e = normalize_fingerprint(bad).unwrap_err();
            assert!(matches!(e, Error::Core(lxd_core::Error::InvalidArgument(_))), "{bad:?}: {e:?}");
            assert!(e.to_string().contains("64 hex digits"), "{e}");
        }
        // Refused before any network traffic: the URL below is never dialled.
        let dir = std::env::temp_dir().join(format!("lxcconf-fp-{}", std::process::id()));
        let e = add_remote(&dir, "r", "https://127.0.0.1:1", None, Some("0")).unwrap_err();
        assert!(matches!(e, Error::Core(lxd_core::Error::InvalidArgument(_))), "{e:?}");
        assert!(!dir.exists());
    }

    #[test]
    fn pem_roundtrip() {
        let dir = std::env::temp_dir().join(format!("lxcconf-pem-{}", std::process::id()));
        ensure_client_cert(&dir).unwrap();
        let pem = std::fs::read(dir.join("client.crt")).unwrap();
        let der = parse_certs(&pem, "x").unwrap().remove(0);
        let again = pem_encode(der.as_ref());
        assert_eq!(parse_certs(again.as_bytes(), "x").unwrap()[0].as_ref(), der.as_ref());
        assert!(parse_certs(pem_encode(&[1, 2, 3]).as_bytes(), "x").is_err(), "not X.509");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
