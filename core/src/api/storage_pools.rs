//! `/1.0/storage-pools`.

use super::*;

pub use super::collections::storage_pools as collection;

/// `GET /1.0/storage-pools/<name>/resources`.
pub fn resources(name: &str) -> Result<Call<StoragePoolResources>> {
    check_name("storage pool", name)?;
    Ok(Call::new(Request::get(&["storage-pools", name, "resources"]).scope(Op::StoragePoolResources.scope()), parse_sync::<StoragePoolResources>))
}
