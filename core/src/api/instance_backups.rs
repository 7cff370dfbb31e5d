//! Instance backups (`/1.0/instances/<name>/backups`): list, create, get, rename, delete, and the
//! export as a streamed download. Import a backup as a new instance with
//! [`super::instances::import_backup`].

use crate::spec::Op;
use super::{Call, Error, Result};
use crate::operation::Operation;
use crate::request::{check_instance_name, check_name, Request};
use crate::response::parse_async;
use serde_json::{json, Value};

pub use super::collections::instance_backups as collection;

/// Options of a new backup (`InstanceBackupsPost`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BackupOptions {
    /// Name (`None`: LXD picks `backup0`, `backup1`, ...).
    pub name: Option<String>,
    /// Expiry as RFC 3339 (`None`: never).
    pub expires_at: Option<String>,
    /// Without the instance's snapshots.
    pub instance_only: bool,
    /// In the storage driver's own format (faster, restorable only on the same driver).
    pub optimized_storage: bool,
    /// Compression (`gzip`, `xz`, `none`, ...; `None`: the server's `backups.compression_algorithm`).
    pub compression_algorithm: Option<String>,
}

impl BackupOptions {
    /// The JSON body; `name` is checked as a path segment.
    pub fn body(&self) -> Result<Value> {
        let mut body = json!({ "instance_only": self.instance_only, "optimized_storage": self.optimized_storage });
        if let Some(n) = &self.name {
            check_name("backup", n)?;
            body["name"] = Value::from(n.as_str());
        }
        if let Some(e) = &self.expires_at {
            body["expires_at"] = Value::from(e.as_str());
        }
        if let Some(c) = &self.compression_algorithm {
            if c.is_empty() || c.chars().any(char::is_whitespace) {
                return Err(Error::invalid(format!("compression algorithm {c:?} is not a single word")));
            }
            body["compression_algorithm"] = Value::from(c.as_str());
        }
        Ok(body)
    }
}

/// `POST /1.0/instances/<name>/backups`: make a backup (an operation).
pub fn create(instance: &str, opts: &BackupOptions) -> Result<Call<Operation>> {
    check_instance_name(instance)?;
    let r = super::endpoint::post(Op::InstanceBackupsPost, &["instances", instance, "backups"]).json(&opts.body()?)?;
    Ok(Call::new(r, parse_async))
}

/// `GET /1.0/instances/<name>/backups/<backup>/export`: the backup tarball, which the transport
/// streams to the caller's file (the reply is the file itself; an error is LXD's JSON envelope).
pub fn export(instance: &str, backup: &str) -> Result<Request> {
    check_instance_name(instance)?;
    check_name("backup", backup)?;
    Ok(super::endpoint::get(Op::InstanceBackupExport, &["instances", instance, "backups", backup, "export"]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backup_requests() {
        let opts = BackupOptions { name: Some("b1".into()), instance_only: true, compression_algorithm: Some("gzip".into()), ..Default::default() };
        let c = create("c1", &opts).unwrap();
        let v: Value = serde_json::from_slice(c.request.body_bytes()).unwrap();
        assert_eq!(v, json!({"name":"b1","instance_only":true,"optimized_storage":false,"compression_algorithm":"gzip"}));
        assert!(create("c1", &BackupOptions { name: Some("a/b".into()), ..Default::default() }).is_err());
        assert_eq!(export("c1", "b1").unwrap().path, "/1.0/instances/c1/backups/b1/export");
        let coll = collection("c1").unwrap();
        assert!(coll.put("b1", "{}", None).is_err(), "backups cannot be replaced");
        assert_eq!(coll.rename("b1", "b2").unwrap().request.body_bytes(), br#"{"name":"b2"}"#);
    }
}
