//! Object storage buckets (Incus 6.0 only): `/1.0/storage-pools/<pool>/buckets`, their access keys
//! and their backups. LXD 5.0 has none of these paths (404).

use super::Result;
use crate::request::{check_name, Request};
use crate::spec::Op;

pub use super::collections::storage_buckets as collection;

pub use super::collections::storage_bucket_keys as keys;

pub use super::collections::storage_bucket_backups as backups;

/// `GET /1.0/storage-pools/<pool>/buckets/<bucket>/backups/<backup>/export`: the backup tarball
/// (the reply body is the file: stream it).
pub fn backup_export(pool: &str, bucket: &str, backup: &str) -> Result<Request> {
    check_name("storage pool", pool)?;
    check_name("storage bucket", bucket)?;
    check_name("bucket backup", backup)?;
    Ok(super::endpoint::get(Op::StoragePoolBucketsBackupExportGet, &["storage-pools", pool, "buckets", bucket, "backups", backup, "export"]))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::Value;

    #[test]
    fn bucket_requests() {
        let c = collection("default").unwrap();
        assert_eq!(c.get::<Value>("b1").unwrap().request.path, "/1.0/storage-pools/default/buckets/b1");
        assert_eq!(c.delete("b1").unwrap().request.scope, crate::Scope::BOTH);
        assert_eq!(keys("default", "b1").unwrap().list_names().request.path, "/1.0/storage-pools/default/buckets/b1/keys");
        assert_eq!(backup_export("default", "b1", "k").unwrap().path, "/1.0/storage-pools/default/buckets/b1/backups/k/export");
        assert!(keys("default", "../x").is_err());
        assert!(backup_export("default", "b1", "a/b").is_err());
    }
}
