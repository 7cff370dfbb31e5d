//! Projects (`/1.0/projects`): CRUD, rename, and resource usage.

use crate::spec::Op;
use super::{Call, Collection, CollectionOps, Result};
use crate::request::{check_name, Scope};
use crate::response::parse_sync;
use serde_json::Value;

/// The projects (`ProjectsPost`: `name`, `description`, `config` such as `features.images`,
/// `limits.instances`). Renaming needs the project to be empty; it answers with an operation.
pub fn collection() -> Collection {
    Collection::new("project", &["projects"], Scope::NONE).with_ops(CollectionOps {
        list: Some(Op::ProjectsGet),
        create: Some(Op::ProjectsPost),
        get: Some(Op::ProjectGet),
        put: Some(Op::ProjectPut),
        patch: Some(Op::ProjectPatch),
        rename: Some(Op::ProjectPost),
        delete: Some(Op::ProjectDelete),
    })
}

/// `GET /1.0/projects/<name>/state`: `{"resources": {"<kind>": {"Limit", "Usage"}}}`.
pub fn state(name: &str) -> Result<Call<Value>> {
    check_name("project", name)?;
    Ok(Call::new(super::endpoint::get(Op::ProjectStateGet, &["projects", name, "state"]), parse_sync::<Value>))
}
