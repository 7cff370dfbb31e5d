//! Publishing instances and snapshots as images, and copying or moving instances within one
//! server or to another one (pull-mode migration, driven by [`lxd_core::transfer::InstanceCopyFlow`] through [`crate::flow::drive`]).

use lxd_core::transfer::{self, CopyOptions, InstanceCopyFlow};
use lxd_core::Operation;

use crate::error::Result;
use crate::Client;

pub use crate::flow::drive;

impl Client {
    /// Publish a (stopped) instance as an image (`POST /1.0/images`, source type `instance`).
    /// `wait` false returns the running operation; waited, its metadata holds the fingerprint
    /// (see [`transfer::image_fingerprint`]).
    pub fn instance_publish(&self, instance: &str, options_json: Option<&str>, wait: bool) -> Result<Operation> {
        self.call_op(transfer::publish_instance(instance, options_json)?, wait)
    }

    /// Publish a snapshot as an image (source type `snapshot`, name `instance/snapshot`).
    pub fn snapshot_publish(&self, instance: &str, snapshot: &str, options_json: Option<&str>, wait: bool) -> Result<Operation> {
        self.call_op(transfer::publish_snapshot(instance, snapshot, options_json)?, wait)
    }

    /// Copy an instance (or `instance/snapshot`) within this server: `GET` the source, then `POST
    /// /1.0/instances` with its writable fields and source type `copy`. Options: see
    /// [`CopyOptions::from_json`].
    pub fn instance_copy_local(&self, source: &str, target_name: &str, options_json: Option<&str>, wait: bool) -> Result<Operation> {
        let opts = CopyOptions::from_json(options_json)?;
        let source_instance = lxd_core::response::parse_sync(&self.send(transfer::copy_local_source(source)?)?)?;
        self.call_op(transfer::copy_local(source, target_name, &opts, &source_instance)?, wait)
    }

    /// Copy the instance `name` to the server `target` as `target_name` (pull mode: the target
    /// connects to this server's migration websockets with one-time secrets). The source stays.
    /// Snapshots come along unless `instance_only`. Returns when both sides finished.
    pub fn instance_copy_to(&self, name: &str, target: &Client, target_name: &str, options_json: Option<&str>) -> Result<()> {
        let opts = CopyOptions::from_json(options_json)?;
        let mut flow = InstanceCopyFlow::new(name, target_name, opts, false, self.https_url().as_deref())?;
        drive(&mut flow, self, target).map(|_| ())
    }

    /// Move the instance `name` to the server `target` as `target_name`: a copy that keeps the
    /// `volatile.*` state, then the source (and its snapshots) is deleted. A running instance is
    /// refused unless `live`.
    pub fn instance_migrate_to(&self, name: &str, target: &Client, target_name: &str, options_json: Option<&str>) -> Result<()> {
        let opts = CopyOptions::from_json(options_json)?;
        let mut flow = InstanceCopyFlow::new(name, target_name, opts, true, self.https_url().as_deref())?;
        drive(&mut flow, self, target).map(|_| ())
    }
}
