//! Trust beyond `certificates::add`: trust tokens (`POST /1.0/certificates` with `token: true`),
//! the untrusted self-add (`POST /1.0/certificates?public`), and adds from LXD's own JSON.

use crate::spec::Op;
use super::replies::{base64_encode, metadata_str};
use super::{Call, Error, Result};
use crate::operation::Operation;
use crate::response::{parse_async, parse_empty};
use serde_json::{json, Value};

/// `POST /1.0/certificates` from LXD's `CertificatesPost` JSON (`name`, `type`, `restricted`,
/// `projects`, `certificate`, `password`, `token`). Adding is synchronous; see [`token_create`]
/// for tokens, which answer with an operation.
pub fn add_json(body: &str) -> Result<Call<()>> {
    Ok(Call::new(super::endpoint::post(Op::CertificatesPost, &["certificates"]).json_text(body)?, parse_empty))
}

/// `POST /1.0/certificates {"type": "client", "name", "token": true}`: a trust token for a client
/// that has no certificate on the server yet. LXD answers with a `token` operation that stays
/// running until the token is used or revoked (cancel the operation to revoke it); turn it into
/// the token string with [`token_from_operation`]. `restricted` and `projects` limit what the new
/// client may do.
pub fn token_create(name: &str, restricted: bool, projects: &[&str]) -> Result<Call<Operation>> {
    if name.is_empty() || name.chars().any(char::is_control) {
        return Err(Error::invalid("token client name is empty or has control characters"));
    }
    let mut body = json!({ "type": "client", "name": name, "token": true });
    if restricted {
        body["restricted"] = Value::Bool(true);
        body["projects"] = json!(projects);
    }
    Ok(Call::new(super::endpoint::post(Op::CertificatesPost, &["certificates"]).json(&body)?, parse_async))
}

/// The token string `lxc config trust add` prints: base64 of `{"client_name", "fingerprint",
/// "addresses", "secret", "expires_at"}` (in that order) built from the token operation's metadata. A client
/// passes it as the trust password (`POST /1.0/certificates` `password` field, LXD 5.0.2).
pub fn token_from_operation(op: &Operation) -> Result<String> {
    #[derive(serde::Serialize)]
    struct AddToken<'a> {
        client_name: &'a str,
        fingerprint: &'a str,
        addresses: Value,
        secret: &'a str,
        #[serde(skip_serializing_if = "Option::is_none")]
        expires_at: Option<Value>,
    }
    let token = AddToken {
        client_name: op.metadata.get("request").and_then(|r| r.get("name")).and_then(Value::as_str).unwrap_or(""),
        fingerprint: metadata_str(op, "fingerprint")?,
        addresses: op.metadata.get("addresses").cloned().unwrap_or_else(|| json!([])),
        secret: metadata_str(op, "secret")?,
        expires_at: op.metadata.get("expiresAt").filter(|v| !v.is_null()).cloned(),
    };
    let text = serde_json::to_vec(&token).map_err(|e| Error::protocol(e.to_string()))?;
    Ok(base64_encode(&text))
}

/// `POST /1.0/certificates?public {"type": "client", "password", "name"}`: an untrusted client
/// adds its own TLS certificate with the trust password or a token (what
/// `lxd_client_authenticate` does; `?public` names the untrusted variant in the spec).
pub fn add_untrusted(password: &str, name: Option<&str>) -> Result<Call<()>> {
    if password.is_empty() {
        return Err(Error::invalid("trust password or token is empty"));
    }
    let mut body = json!({ "type": "client", "password": password });
    if let Some(n) = name {
        body["name"] = Value::from(n);
    }
    let r = super::endpoint::post(Op::CertificatesPostUntrusted, &["certificates"]).query("public", "").json(&body)?;
    Ok(Call::new(r, parse_empty))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn token_string() {
        let op: Operation = serde_json::from_value(json!({
            "id": "x", "class": "token", "status_code": 103,
            "metadata": {"secret": "s3", "fingerprint": "ff", "addresses": ["127.0.0.1:8443"], "request": {"name": "bob", "type": "client"}}
        }))
        .unwrap();
        let t = token_from_operation(&op).unwrap();
        assert_eq!(t, base64_encode(br#"{"client_name":"bob","fingerprint":"ff","addresses":["127.0.0.1:8443"],"secret":"s3"}"#));
        let bad = Operation { id: "y".into(), ..Default::default() };
        assert!(token_from_operation(&bad).is_err());
        let c = token_create("bob", true, &["p1"]).unwrap();
        let v: Value = serde_json::from_slice(c.request.body_bytes()).unwrap();
        assert_eq!(v, json!({"type":"client","name":"bob","token":true,"restricted":true,"projects":["p1"]}));
        assert!(token_create("", false, &[]).is_err());
        assert_eq!(add_untrusted("pw", None).unwrap().request.path_and_query(), "/1.0/certificates?public=");
    }
}
