//! Warnings (`/1.0/warnings`, keyed by UUID): list, get, acknowledge, delete.

use crate::spec::Op;
use super::{Call, Collection, CollectionOps, Error, Result};
use crate::operation::Operation;
use crate::request::{check_name, Scope};
use crate::response::parse_sync_or_async;
use serde_json::json;

/// The warnings (of the client's project when listing; a warning itself is found by its UUID).
/// There is no create or rename; `put`/`patch` change the status (see [`set_status`]).
pub fn collection() -> Collection {
    Collection::new("warning", &["warnings"], Scope::PROJECT).with_ops(CollectionOps {
        list: Some(Op::WarningsGet),
        create: None,
        get: Some(Op::WarningGet),
        put: Some(Op::WarningPut),
        patch: Some(Op::WarningPatch),
        rename: None,
        delete: Some(Op::WarningDelete),
    })
}

/// `PUT /1.0/warnings/<uuid> {"status"}` with `status` `"new"`, `"acknowledged"` or `"resolved"`.
pub fn set_status(uuid: &str, status: &str) -> Result<Call<Option<Operation>>> {
    check_name("warning", uuid)?;
    if !matches!(status, "new" | "acknowledged" | "resolved") {
        return Err(Error::invalid(format!("unknown warning status {status:?} (new, acknowledged, resolved)")));
    }
    let r = super::endpoint::put(Op::WarningPut, &["warnings", uuid]).json(&json!({ "status": status }))?;
    Ok(Call::new(r, parse_sync_or_async))
}
