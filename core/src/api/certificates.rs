//! `/1.0/certificates`.

use super::*;

pub use super::collections::certificates as collection;

/// `POST /1.0/certificates` adding a PEM certificate; with `password` this is how an untrusted
/// client trusts itself (LXD 5.0.2 takes a token in the `password` field too).
pub fn add(cert_pem: Option<&str>, name: Option<&str>, password: Option<&str>, kind: &str) -> Result<Call<()>> {
    let mut body = json!({ "type": kind });
    if let Some(pem) = cert_pem {
        let b64 = pem_to_base64_der(pem)?;
        body["certificate"] = Value::from(b64);
    }
    if let Some(n) = name {
        body["name"] = Value::from(n);
    }
    if let Some(p) = password {
        body["password"] = Value::from(p);
    }
    Ok(Call::new(Request::post(&["certificates"]).scope(Scope::NONE).json(&body)?, parse_empty))
}

/// LXD wants the certificate as base64 DER (the PEM body without armour and newlines).
pub fn pem_to_base64_der(pem: &str) -> Result<String> {
    let begin = "-----BEGIN CERTIFICATE-----";
    let end = "-----END CERTIFICATE-----";
    let start = pem.find(begin).ok_or_else(|| Error::invalid("certificate is not PEM (no BEGIN CERTIFICATE line)"))? + begin.len();
    let stop = pem[start..].find(end).ok_or_else(|| Error::invalid("certificate PEM has no END line"))? + start;
    let body: String = pem[start..stop].chars().filter(|c| !c.is_whitespace()).collect();
    if body.is_empty() || !body.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'+' || b == b'/' || b == b'=') {
        return Err(Error::invalid("certificate PEM body is not base64"));
    }
    Ok(body)
}
