//! Network ACLs (`/1.0/network-acls`): CRUD, rename, and the ACL log.

use crate::spec::Op;
use super::replies::parse_text;
use super::{Call, Collection, CollectionOps, Result};
use crate::request::{check_name, Scope};

/// The ACLs of the client's project (`NetworkACLsPost`: `name`, `description`, `config`,
/// `ingress`, `egress` rules).
pub fn collection() -> Collection {
    Collection::new("network ACL", &["network-acls"], Scope::PROJECT).with_ops(CollectionOps {
        list: Some(Op::NetworkAclsGet),
        create: Some(Op::NetworkAclsPost),
        get: Some(Op::NetworkAclGet),
        put: Some(Op::NetworkAclPut),
        patch: Some(Op::NetworkAclPatch),
        rename: Some(Op::NetworkAclPost),
        delete: Some(Op::NetworkAclDelete),
    })
}

/// `GET /1.0/network-acls/<name>/log`: the ACL's log entries as text (OVN networks only; others
/// answer with an error).
pub fn log(name: &str) -> Result<Call<String>> {
    check_name("network ACL", name)?;
    Ok(Call::new(super::endpoint::get(Op::NetworkAclLogGet, &["network-acls", name, "log"]), parse_text))
}
