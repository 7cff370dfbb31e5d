//! Network ACLs (`/1.0/network-acls`): CRUD, rename, and the ACL log.

use super::replies::parse_text;
use super::{Call, Collection, CollectionOps, Result};
use crate::request::{check_name, Scope};

/// The ACLs of the client's project (`NetworkACLsPost`: `name`, `description`, `config`,
/// `ingress`, `egress` rules).
pub fn collection() -> Collection {
    Collection::new("network ACL", &["network-acls"], Scope::PROJECT).with_ops(CollectionOps {
        list: "network_acls_get",
        create: "network_acls_post",
        get: "network_acl_get",
        put: "network_acl_put",
        patch: "network_acl_patch",
        rename: "network_acl_post",
        delete: "network_acl_delete",
    })
}

/// `GET /1.0/network-acls/<name>/log`: the ACL's log entries as text (OVN networks only; others
/// answer with an error).
pub fn log(name: &str) -> Result<Call<String>> {
    check_name("network ACL", name)?;
    Ok(Call::new(super::endpoint::get("network_acl_log_get", &["network-acls", name, "log"]), parse_text))
}
