//! LXD clusters: `/1.0/cluster`, its members, member state (evacuate / restore), join tokens,
//! cluster groups and the cluster certificate.

use crate::spec::Op;
use super::replies::{base64_encode, metadata_str};
use super::{parse_with_etag, Call, Error, Result, WithEtag};
use crate::operation::Operation;
use crate::request::check_name;
use crate::response::{parse_async, parse_empty, parse_sync_or_async};
use serde_json::{json, Value};

/// `GET /1.0/cluster`: `server_name`, `enabled`, `member_config`, with its ETag.
pub fn get() -> Call<WithEtag<Value>> {
    Call::new(super::endpoint::get(Op::ClusterGet, &["cluster"]), parse_with_etag::<Value>)
}

/// `PUT /1.0/cluster` with LXD's `ClusterPut` JSON: enable clustering on this server, join an
/// existing cluster (`cluster_address`, `cluster_certificate`, `cluster_password` or a join token
/// in it), or leave it (`enabled: false`). Joining answers with an operation.
pub fn put(body: &str, etag: Option<&str>) -> Result<Call<Option<Operation>>> {
    Ok(Call::new(super::endpoint::put(Op::ClusterPut, &["cluster"]).json_text(body)?.if_match(etag), parse_sync_or_async))
}

/// `PUT /1.0/cluster/certificate {"cluster_certificate", "cluster_certificate_key"}` (PEM): replace
/// the certificate every member serves.
pub fn update_certificate(cert_pem: &str, key_pem: &str, etag: Option<&str>) -> Result<Call<()>> {
    if !cert_pem.contains("-----BEGIN CERTIFICATE-----") {
        return Err(Error::invalid("cluster certificate is not PEM"));
    }
    if !key_pem.contains("-----BEGIN") || !key_pem.contains("PRIVATE KEY-----") {
        return Err(Error::invalid("cluster certificate key is not a PEM private key"));
    }
    let body = json!({ "cluster_certificate": cert_pem, "cluster_certificate_key": key_pem });
    Ok(Call::new(super::endpoint::put(Op::ClusteringUpdateCert, &["cluster", "certificate"]).json(&body)?.if_match(etag), parse_empty))
}

pub use super::collections::cluster_members as members;

/// `POST /1.0/cluster/members {"server_name"}`: a join token for a new member called
/// `server_name`. LXD answers with a `token` operation that stays running until the token is used
/// or revoked (cancel the operation to revoke it); [`join_token_from_operation`] gives the string
/// `lxc cluster add` prints.
pub fn join_token(server_name: &str) -> Result<Call<Operation>> {
    check_name("cluster member", server_name)?;
    let body = json!({ "server_name": server_name });
    Ok(Call::new(super::endpoint::post(Op::ClusterMembersPost, &["cluster", "members"]).json(&body)?, parse_async))
}

/// The join token string: base64 of `{"server_name", "fingerprint", "addresses", "secret",
/// "expires_at"}` from the token operation's metadata (LXD's `ClusterMemberJoinToken`, fields in
/// the order `lxc cluster add` writes them).
pub fn join_token_from_operation(op: &Operation) -> Result<String> {
    #[derive(serde::Serialize)]
    struct JoinToken<'a> {
        server_name: &'a str,
        fingerprint: &'a str,
        addresses: Value,
        secret: &'a str,
        #[serde(skip_serializing_if = "Option::is_none")]
        expires_at: Option<Value>,
    }
    let token = JoinToken {
        server_name: metadata_str(op, "serverName")?,
        fingerprint: metadata_str(op, "fingerprint")?,
        addresses: op.metadata.get("addresses").cloned().unwrap_or_else(|| json!([])),
        secret: metadata_str(op, "secret")?,
        expires_at: op.metadata.get("expiresAt").filter(|v| !v.is_null()).cloned(),
    };
    let text = serde_json::to_vec(&token).map_err(|e| Error::protocol(e.to_string()))?;
    Ok(base64_encode(&text))
}

/// What to do with a member (`POST /1.0/cluster/members/<name>/state`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MemberAction {
    /// Move (or stop) its instances elsewhere and stop placing new ones there.
    Evacuate,
    /// Bring it back and return its instances.
    Restore,
}

impl MemberAction {
    /// LXD's word for it.
    pub fn as_str(self) -> &'static str {
        match self {
            MemberAction::Evacuate => "evacuate",
            MemberAction::Restore => "restore",
        }
    }
    /// From LXD's word.
    pub fn parse(s: &str) -> Result<MemberAction> {
        match s {
            "evacuate" => Ok(MemberAction::Evacuate),
            "restore" => Ok(MemberAction::Restore),
            other => Err(Error::invalid(format!("unknown cluster member action {other:?} (evacuate, restore)"))),
        }
    }
}

/// `POST /1.0/cluster/members/<name>/state {"action", "mode"}`: evacuate or restore a member (an
/// operation). `mode` (evacuation only; `None`: LXD's default) is `"auto"`, `"stop"`, `"migrate"`
/// or `"live-migrate"` as LXD knows them.
pub fn member_state(name: &str, action: MemberAction, mode: Option<&str>) -> Result<Call<Operation>> {
    check_name("cluster member", name)?;
    let mut body = json!({ "action": action.as_str() });
    if let Some(m) = mode.filter(|m| !m.is_empty()) {
        body["mode"] = Value::from(m);
    }
    Ok(Call::new(super::endpoint::post(Op::ClusterMemberStatePost, &["cluster", "members", name, "state"]).json(&body)?, parse_async))
}

/// `GET /1.0/cluster/members/<name>/state` (Incus 6.0 only): the member's `sysinfo` (uptime, load,
/// memory, processes) and the space of each storage pool on it. A server that is not clustered
/// answers for its own name `none`.
pub fn member_state_get(name: &str) -> Result<Call<Value>> {
    check_name("cluster member", name)?;
    Ok(Call::new(super::endpoint::get(Op::ClusterMemberStateGet, &["cluster", "members", name, "state"]), crate::response::parse_sync::<Value>))
}

pub use super::collections::cluster_groups as groups;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requests() {
        let s = member_state("m2", MemberAction::Evacuate, None).unwrap();
        assert_eq!((s.request.method.as_str(), s.request.path.as_str()), ("POST", "/1.0/cluster/members/m2/state"));
        assert_eq!(s.request.body_bytes(), br#"{"action":"evacuate"}"#);
        assert!(MemberAction::parse("explode").is_err());
        assert_eq!(MemberAction::parse("restore").unwrap(), MemberAction::Restore);
        let j = join_token("new-member").unwrap();
        assert_eq!(j.request.body_bytes(), br#"{"server_name":"new-member"}"#);
        assert!(update_certificate("junk", "junk", None).is_err());
        let g = groups().rename("g1", "g2").unwrap();
        assert_eq!(g.request.path, "/1.0/cluster/groups/g1");
        assert_eq!(g.request.body_bytes(), br#"{"name":"g2"}"#);
        let m = members().rename("m1", "m2").unwrap();
        assert_eq!(m.request.body_bytes(), br#"{"server_name":"m2"}"#);
        let op: Operation = serde_json::from_value(json!({"id": "t", "metadata": {"serverName": "m4", "secret": "s", "fingerprint": "f", "addresses": ["127.0.0.2:1"], "expiresAt": "2030-01-01T00:00:00Z"}})).unwrap();
        let tok = join_token_from_operation(&op).unwrap();
        assert_eq!(tok, base64_encode(br#"{"server_name":"m4","fingerprint":"f","addresses":["127.0.0.2:1"],"secret":"s","expires_at":"2030-01-01T00:00:00Z"}"#));
    }
}
