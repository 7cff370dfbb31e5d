//! Projects (`/1.0/projects`): CRUD, rename, and resource usage.

use crate::spec::Op;
use super::{Call, Result};
use crate::request::check_name;
use crate::response::parse_sync;
use serde_json::Value;

pub use super::collections::projects as collection;

/// `GET /1.0/projects/<name>/state`: `{"resources": {"<kind>": {"Limit", "Usage"}}}`.
pub fn state(name: &str) -> Result<Call<Value>> {
    check_name("project", name)?;
    Ok(Call::new(super::endpoint::get(Op::ProjectStateGet, &["projects", name, "state"]), parse_sync::<Value>))
}

/// `GET /1.0/projects/<name>/access` (Incus 6.0 only): who may use the project, a JSON array of
/// `{"identifier", "role", "provider"}`.
pub fn access(name: &str) -> Result<Call<Value>> {
    check_name("project", name)?;
    Ok(Call::new(super::endpoint::get(Op::ProjectAccess, &["projects", name, "access"]), parse_sync::<Value>))
}
