//! Network ACLs (`/1.0/network-acls`): CRUD, rename, and the ACL log.

use crate::spec::Op;
use super::replies::parse_text;
use super::{Call, Result};
use crate::request::check_name;

pub use super::collections::network_acls as collection;

/// `GET /1.0/network-acls/<name>/log`: the ACL's log entries as text (OVN networks only; others
/// answer with an error).
pub fn log(name: &str) -> Result<Call<String>> {
    check_name("network ACL", name)?;
    Ok(Call::new(super::endpoint::get(Op::NetworkAclLogGet, &["network-acls", name, "log"]), parse_text))
}
