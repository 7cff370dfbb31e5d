//! Warnings (`/1.0/warnings`, keyed by UUID): list, get, acknowledge, delete.

use crate::spec::Op;
use super::{Call, Error, Result};
use crate::operation::Operation;
use crate::request::check_name;
use crate::response::parse_sync_or_async;
use serde_json::json;

pub use super::collections::warnings as collection;

/// `PUT /1.0/warnings/<uuid> {"status"}` with `status` `"new"`, `"acknowledged"` or `"resolved"`.
pub fn set_status(uuid: &str, status: &str) -> Result<Call<Option<Operation>>> {
    check_name("warning", uuid)?;
    if !matches!(status, "new" | "acknowledged" | "resolved") {
        return Err(Error::invalid(format!("unknown warning status {status:?} (new, acknowledged, resolved)")));
    }
    let r = super::endpoint::put(Op::WarningPut, &["warnings", uuid]).json(&json!({ "status": status }))?;
    Ok(Call::new(r, parse_sync_or_async))
}
