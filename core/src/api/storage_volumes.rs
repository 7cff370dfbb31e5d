//! Storage volumes (`/1.0/storage-pools/<pool>/volumes/<type>/<name>`): custom volumes CRUD,
//! rename, move between pools, copy, state, snapshots and backups.
//!
//! A volume has a type: `custom` (made by users), `container`, `virtual-machine` and `image`
//! (owned by LXD; readable, partly updatable). Simple creates and renames are synchronous; copies,
//! moves, snapshots and backups answer with operations (`Option<Operation>` where LXD may do either).

use crate::spec::Op;
use super::replies::parse_volume_names;
use super::{parse_list, Call, Error, Result};
use crate::operation::Operation;
use crate::request::{check_name, Body, Request};
use crate::response::{parse_async, parse_sync, parse_sync_or_async};
use serde::de::DeserializeOwned;
use serde_json::{json, Value};

/// Check a volume type: `custom`, `container`, `virtual-machine` or `image`.
pub fn check_type(volume_type: &str) -> Result<()> {
    if matches!(volume_type, "custom" | "container" | "virtual-machine" | "image") {
        Ok(())
    } else {
        Err(Error::invalid(format!("unknown volume type {volume_type:?} (custom, container, virtual-machine, image)")))
    }
}

/// `GET /1.0/storage-pools/<pool>/volumes?filter=…`: every volume of the pool as `type/name`
/// (`custom/vol1`, `container/c1`).
pub fn list_all_names(pool: &str, filter: Option<&str>) -> Result<Call<Vec<String>>> {
    check_name("storage pool", pool)?;
    let r = super::endpoint::get(Op::StoragePoolVolumesGet, &["storage-pools", pool, "volumes"]).query_opt("filter", filter);
    Ok(Call::new(r, parse_volume_names))
}

/// `GET /1.0/storage-pools/<pool>/volumes?recursion=1&filter=…`: every volume as an object.
pub fn list_all<T: DeserializeOwned>(pool: &str, filter: Option<&str>) -> Result<Call<Vec<T>>> {
    check_name("storage pool", pool)?;
    let r = super::endpoint::get(Op::StoragePoolVolumesGetRecursion1, &["storage-pools", pool, "volumes"]).query("recursion", "1").query_opt("filter", filter);
    Ok(Call::new(r, parse_list::<T>))
}

pub use super::collections::storage_volumes as collection;

/// `POST /1.0/storage-pools/<pool>/volumes` with LXD's `StorageVolumesPost` JSON (`name`, `type`,
/// `config`, `description`, `content_type` `filesystem`/`block`, `source`). A plain create is
/// synchronous; a copy or migration source makes it an operation.
pub fn create(pool: &str, body: &str) -> Result<Call<Option<Operation>>> {
    check_name("storage pool", pool)?;
    let r = super::endpoint::post(Op::StoragePoolVolumesPost, &["storage-pools", pool, "volumes"]).json_text(body)?;
    Ok(Call::new(r, parse_sync_or_async))
}

/// `POST /1.0/storage-pools/<pool>/volumes/<type>` with `StorageVolumesPost` JSON (the type comes
/// from the URL).
pub fn create_typed(pool: &str, volume_type: &str, body: &str) -> Result<Call<Option<Operation>>> {
    check_name("storage pool", pool)?;
    check_type(volume_type)?;
    let r = super::endpoint::post(Op::StoragePoolVolumesTypePost, &["storage-pools", pool, "volumes", volume_type]).json_text(body)?;
    Ok(Call::new(r, parse_sync_or_async))
}

/// `POST /1.0/storage-pools/<target_pool>/volumes/custom {"name": new_name, "type": "custom",
/// "source": {"type": "copy", "pool", "name", "volume_only"}}`: copy a custom volume (or one of
/// its snapshots, `vol/snap`) into a pool, possibly the same one (an operation, or sync).
pub fn copy(source_pool: &str, source_name: &str, target_pool: &str, new_name: &str, volume_only: bool) -> Result<Call<Option<Operation>>> {
    check_name("storage pool", source_pool)?;
    check_name("storage pool", target_pool)?;
    check_name("storage volume", new_name)?;
    if source_name.is_empty() || source_name.chars().any(char::is_control) {
        return Err(Error::invalid("source volume name is empty or has control characters"));
    }
    let body = json!({
        "name": new_name,
        "type": "custom",
        "source": { "type": "copy", "pool": source_pool, "name": source_name, "volume_only": volume_only },
    });
    let r = super::endpoint::post(Op::StoragePoolVolumesTypePost, &["storage-pools", target_pool, "volumes", "custom"]).json(&body)?;
    Ok(Call::new(r, parse_sync_or_async))
}

/// `POST /1.0/storage-pools/<pool>/volumes/<type>/<name> {"name": new_name, "pool": new_pool}`:
/// move a volume to another pool (and maybe rename it on the way; an operation). Renaming within
/// the pool is the collection's `rename`.
pub fn move_to_pool(pool: &str, volume_type: &str, name: &str, new_pool: &str, new_name: &str) -> Result<Call<Option<Operation>>> {
    check_name("storage pool", pool)?;
    check_type(volume_type)?;
    check_name("storage volume", name)?;
    check_name("storage pool", new_pool)?;
    check_name("storage volume", new_name)?;
    let body = json!({ "name": new_name, "pool": new_pool });
    let r = super::endpoint::post(Op::StoragePoolVolumeTypePost, &["storage-pools", pool, "volumes", volume_type, name]).json(&body)?;
    Ok(Call::new(r, parse_sync_or_async))
}

/// `GET /1.0/storage-pools/<pool>/volumes/<type>/<name>/state`: `{"usage": {"used", "total"}}`.
pub fn state(pool: &str, volume_type: &str, name: &str) -> Result<Call<Value>> {
    check_name("storage pool", pool)?;
    check_type(volume_type)?;
    check_name("storage volume", name)?;
    Ok(Call::new(super::endpoint::get(Op::StoragePoolVolumeTypeStateGet, &["storage-pools", pool, "volumes", volume_type, name, "state"]), parse_sync::<Value>))
}

pub use super::collections::storage_volume_snapshots as snapshots;

/// `POST …/volumes/<type>/<volume>/snapshots {"name", "expires_at"}`: snapshot a volume (an
/// operation). `name` `None`: LXD picks `snap0`, `snap1`, ...; `expires_at` RFC 3339 or `None`.
pub fn snapshot_create(pool: &str, volume_type: &str, volume: &str, name: Option<&str>, expires_at: Option<&str>) -> Result<Call<Operation>> {
    check_name("storage pool", pool)?;
    check_type(volume_type)?;
    check_name("storage volume", volume)?;
    let mut body = json!({});
    if let Some(n) = name {
        crate::request::check_snapshot_name(n)?;
        body["name"] = Value::from(n);
    }
    if let Some(e) = expires_at {
        body["expires_at"] = Value::from(e);
    }
    let r = super::endpoint::post(Op::StoragePoolVolumesTypeSnapshotsPost, &["storage-pools", pool, "volumes", volume_type, volume, "snapshots"]).json(&body)?;
    Ok(Call::new(r, parse_async))
}

pub use super::collections::storage_volume_backups as backups;

/// `POST …/volumes/<type>/<volume>/backups` with `StoragePoolVolumeBackupsPost` JSON (`name`,
/// `expires_at`, `volume_only`, `optimized_storage`, `compression_algorithm`; `{}` for defaults):
/// make a backup (an operation).
pub fn backup_create(pool: &str, volume_type: &str, volume: &str, body: &str) -> Result<Call<Operation>> {
    check_name("storage pool", pool)?;
    check_type(volume_type)?;
    check_name("storage volume", volume)?;
    let r = super::endpoint::post(Op::StoragePoolVolumesTypeBackupsPost, &["storage-pools", pool, "volumes", volume_type, volume, "backups"]).json_text(body)?;
    Ok(Call::new(r, parse_async))
}

/// `GET …/volumes/<type>/<volume>/backups/<backup>/export`: the backup tarball, streamed by the
/// transport to the caller.
pub fn backup_export(pool: &str, volume_type: &str, volume: &str, backup: &str) -> Result<Request> {
    check_name("storage pool", pool)?;
    check_type(volume_type)?;
    check_name("storage volume", volume)?;
    check_name("volume backup", backup)?;
    Ok(super::endpoint::get(Op::StoragePoolVolumesTypeBackupExportGet, &["storage-pools", pool, "volumes", volume_type, volume, "backups", backup, "export"]))
}

/// `POST /1.0/storage-pools/<pool>/volumes/custom` with a volume backup tarball as the body
/// (`application/octet-stream`, streamed by the transport; `X-LXD-name` renames it): restore a
/// backup as a new custom volume (an operation).
pub fn import_backup(pool: &str, name: Option<&str>) -> Result<Call<Operation>> {
    check_name("storage pool", pool)?;
    let mut r = super::endpoint::post(Op::StoragePoolVolumesTypePost, &["storage-pools", pool, "volumes", "custom"]);
    if let Some(n) = name {
        check_name("storage volume", n)?;
        r = r.header("X-LXD-name", n);
    }
    r.body = Body::Stream { content_type: "application/octet-stream".into() };
    Ok(Call::new(r, parse_async))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn volume_requests() {
        let c = collection("default", "custom").unwrap();
        let g = c.get::<Value>("vol 1").unwrap();
        assert_eq!(g.request.path, "/1.0/storage-pools/default/volumes/custom/vol%201");
        assert_eq!(g.request.scope, crate::request::Scope::BOTH);
        assert!(collection("default", "weird").is_err());
        let cp = copy("p1", "v1", "p2", "v2", true).unwrap();
        assert_eq!(cp.request.path, "/1.0/storage-pools/p2/volumes/custom");
        let v: Value = serde_json::from_slice(cp.request.body_bytes()).unwrap();
        assert_eq!(v["source"], json!({"type":"copy","pool":"p1","name":"v1","volume_only":true}));
        let mv = move_to_pool("p1", "custom", "v1", "p2", "v1").unwrap();
        assert_eq!(mv.request.body_bytes(), br#"{"name":"v1","pool":"p2"}"#);
        let s = snapshot_create("p", "custom", "v", Some("s1"), None).unwrap();
        assert_eq!(s.request.path, "/1.0/storage-pools/p/volumes/custom/v/snapshots");
        assert!(snapshot_create("p", "custom", "v", Some("a b"), None).is_err());
        assert_eq!(backup_export("p", "custom", "v", "b").unwrap().path, "/1.0/storage-pools/p/volumes/custom/v/backups/b/export");
        assert!(backups("p", "custom", "v").unwrap().patch("b", "{}", None).is_err());
        assert_eq!(list_all_names("p", Some("type eq custom")).unwrap().request.path_and_query(), "/1.0/storage-pools/p/volumes?filter=type%20eq%20custom");
    }
}
