//! Publishing instances and snapshots as images, and copying or moving instances:
//! `lxd_instance_publish`, `lxd_snapshot_publish`, `lxd_instance_copy_local`,
//! `lxd_instance_copy_to`, `lxd_instance_migrate_to`.
//!
//! Copy options (`options_json`, may be NULL): `instance_only` (leave snapshots behind), `live`
//! (CRIU live migration), `source_url` (for two servers: the source's `https://host:port` as the
//! target reaches it). Every other key overrides the new instance: `config` and `devices` merge
//! key by key into the source's (a `null` value removes a key; for a copy within one server LXD
//! fills in source config keys the request does not set), the rest (`profiles`, `ephemeral`,
//! `description`, ...) replace.

use std::ffi::c_char;

use super::client::{client_ref, lxd_client};
use super::image_transfer::finish_image_op;
use super::operation::{finish_op, lxd_operation};
use super::{arg_opt_str, arg_str, guard, lxd_error, lxd_result};

/// Publish the instance `instance` as an image (`POST /1.0/images` with `source: {type: instance,
/// name}`); a container must be stopped. `options_json` (may be NULL) adds ImagesPost fields:
/// `public`, `properties`, `aliases` (`[{"name": ...}]`), `compression_algorithm`, `expires_at`.
/// `op_out` NULL: wait, then `*fingerprint_out` (may be NULL) gets the new image's fingerprint;
/// else `*op_out` gets the running operation (its metadata holds `fingerprint` when done) and
/// `*fingerprint_out`, if given, is set to NULL.
#[no_mangle]
pub unsafe extern "C" fn lxd_instance_publish(client: *const lxd_client, instance: *const c_char, options_json: *const c_char, op_out: *mut *mut lxd_operation, fingerprint_out: *mut *mut c_char, err_out: *mut *mut lxd_error) -> lxd_result {
    guard(err_out, || {
        let c = unsafe { client_ref(client) }?;
        let inst = unsafe { arg_str(instance, "instance") }?;
        let opts = unsafe { arg_opt_str(options_json, "options_json") }?;
        let op = c.instance_publish(inst, opts, false)?;
        unsafe { finish_image_op(c, op, op_out, fingerprint_out) }
    })
}

/// Publish the snapshot `instance/snapshot` as an image (`POST /1.0/images` with `source: {type:
/// snapshot, name: "<instance>/<snapshot>"}`). Options, `op_out` and `fingerprint_out` as in
/// `lxd_instance_publish`.
#[no_mangle]
pub unsafe extern "C" fn lxd_snapshot_publish(client: *const lxd_client, instance: *const c_char, snapshot: *const c_char, options_json: *const c_char, op_out: *mut *mut lxd_operation, fingerprint_out: *mut *mut c_char, err_out: *mut *mut lxd_error) -> lxd_result {
    guard(err_out, || {
        let c = unsafe { client_ref(client) }?;
        let inst = unsafe { arg_str(instance, "instance") }?;
        let snap = unsafe { arg_str(snapshot, "snapshot") }?;
        let opts = unsafe { arg_opt_str(options_json, "options_json") }?;
        let op = c.snapshot_publish(inst, snap, opts, false)?;
        unsafe { finish_image_op(c, op, op_out, fingerprint_out) }
    })
}

/// Copy an instance within one server (`GET` the source, then `POST /1.0/instances` with its
/// writable fields and `source: {type: copy, source}`): `source` is an instance name, or
/// `"instance/snapshot"` to make a new instance from a snapshot.
/// The copy takes the source's config, devices and profiles (minus its `volatile.*` state) unless
/// `options_json` overrides them; the source's snapshots come along unless `instance_only`.
/// `options_json` (NULL: none): `instance_only` (leave snapshots behind), `live` (CRIU), and any
/// other key overrides the new instance (`config` and `devices` merge key by key, a `null` value
/// removing a key; `profiles`, `ephemeral`, `description`, ... replace). Name
/// taken: `LXD_RESULT_CONFLICT` or `LXD_RESULT_OPERATION_FAILED`. `op_out` NULL: wait for the copy;
/// else `*op_out` gets the running operation.
#[no_mangle]
pub unsafe extern "C" fn lxd_instance_copy_local(client: *const lxd_client, source: *const c_char, target_name: *const c_char, options_json: *const c_char, op_out: *mut *mut lxd_operation, err_out: *mut *mut lxd_error) -> lxd_result {
    guard(err_out, || {
        let c = unsafe { client_ref(client) }?;
        let src = unsafe { arg_str(source, "source") }?;
        let name = unsafe { arg_str(target_name, "target_name") }?;
        let opts = unsafe { arg_opt_str(options_json, "options_json") }?;
        let op = c.instance_copy_local(src, name, opts, false)?;
        finish_op(c, Some(op), op_out)
    })
}

/// Copy the instance `name` from the server of `source` to the server of `target`, as
/// `target_name` (NULL: the same name), in pull mode like LXD's own client: `POST
/// /1.0/instances/<name> {migration: true}` on the source gives one-time websocket secrets; `POST
/// /1.0/instances` on the target with `source: {type: migration, mode: pull, operation: <source
/// operation URL>, certificate: <source server certificate>, secrets}` makes the target connect to
/// the source and pull the instance; then both operations are waited for. The source stays; its
/// snapshots come along unless `instance_only`; the copy gets fresh `volatile.*` state (MAC
/// addresses). The source server must listen on the network (`core.https_address`) where the
/// target can reach it; see `source_url`. `options_json` (NULL: none): `instance_only`, `live`,
/// `source_url` and overrides of the new instance's fields, as for `lxd_instance_copy_local`. On
/// failure the source's migration operation is cancelled. Blocks until done.
#[no_mangle]
pub unsafe extern "C" fn lxd_instance_copy_to(source: *const lxd_client, name: *const c_char, target: *const lxd_client, target_name: *const c_char, options_json: *const c_char, err_out: *mut *mut lxd_error) -> lxd_result {
    guard(err_out, || {
        let src = unsafe { client_ref(source) }?;
        let name = unsafe { arg_str(name, "name") }?;
        let dst = unsafe { client_ref(target) }?;
        let new_name = unsafe { arg_opt_str(target_name, "target_name") }?.unwrap_or(name);
        let opts = unsafe { arg_opt_str(options_json, "options_json") }?;
        src.instance_copy_to(name, dst, new_name, opts)
    })
}

/// Move the instance `name` from the server of `source` to the server of `target` (as
/// `target_name`, NULL: the same name): as `lxd_instance_copy_to`, keeping the `volatile.*` state,
/// then the source instance and its snapshots are deleted (`DELETE /1.0/instances/<name>`). A
/// running instance is refused (`LXD_RESULT_INVALID_ARGUMENT`) unless `live`: stop it first.
/// `options_json` (NULL: none) as for `lxd_instance_copy_to`. Blocks until done.
#[no_mangle]
pub unsafe extern "C" fn lxd_instance_migrate_to(source: *const lxd_client, name: *const c_char, target: *const lxd_client, target_name: *const c_char, options_json: *const c_char, err_out: *mut *mut lxd_error) -> lxd_result {
    guard(err_out, || {
        let src = unsafe { client_ref(source) }?;
        let name = unsafe { arg_str(name, "name") }?;
        let dst = unsafe { client_ref(target) }?;
        let new_name = unsafe { arg_opt_str(target_name, "target_name") }?.unwrap_or(name);
        let opts = unsafe { arg_opt_str(options_json, "options_json") }?;
        src.instance_migrate_to(name, dst, new_name, opts)
    })
}
