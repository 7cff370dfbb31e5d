//! Instance snapshots
//!
//! Objects cross as JSON text in LXD's schema; returned strings are freed with `lxd_string_free`.

use std::ffi::c_char;

use lxd_core::api;
use lxd_core::models::Snapshot;
use super::client::lxd_client;
use super::collection as coll;
use super::operation::lxd_operation;
use super::{guard, lxd_error, lxd_result};

/// List instance snapshots (`GET /1.0/instances/<instance>/snapshots`). `recursion` 0: `*json_out`
/// is a JSON array of names; 1 (or more): a JSON array of full objects.
#[no_mangle]
pub unsafe extern "C" fn lxd_snapshot_list(client: *const lxd_client, instance: *const c_char, recursion: i32, json_out: *mut *mut c_char, err_out: *mut *mut lxd_error) -> lxd_result {
    guard(err_out, || unsafe { coll::list::<Snapshot>(client, coll_for(instance)?, recursion, json_out) })
}

/// Get one snapshot (`GET /1.0/instances/<instance>/snapshots/<name>`) as JSON in `*json_out`.
/// `etag_out` may be NULL; else `*etag_out` gets the ETag to pass to an update (NULL if LXD sent
/// none). Missing: `LXD_RESULT_NOT_FOUND`.
#[no_mangle]
pub unsafe extern "C" fn lxd_snapshot_get(client: *const lxd_client, instance: *const c_char, name: *const c_char, json_out: *mut *mut c_char, etag_out: *mut *mut c_char, err_out: *mut *mut lxd_error) -> lxd_result {
    guard(err_out, || unsafe { coll::get::<Snapshot>(client, coll_for(instance)?, name, "name", json_out, etag_out) })
}

/// Replace a snapshot (`PUT /1.0/instances/<instance>/snapshots/<name>`) with `json`. `etag` (may
/// be NULL) is sent as `If-Match`: if the object changed since it was read,
/// `LXD_RESULT_PRECONDITION_FAILED`. `op_out` NULL: wait until the operation finishes (its failure
/// is this call's error); else `*op_out` gets the operation handle to wait on (NULL when LXD
/// finished synchronously).
#[no_mangle]
pub unsafe extern "C" fn lxd_snapshot_update(client: *const lxd_client, instance: *const c_char, name: *const c_char, json: *const c_char, etag: *const c_char, op_out: *mut *mut lxd_operation, err_out: *mut *mut lxd_error) -> lxd_result {
    guard(err_out, || unsafe { coll::put(client, coll_for(instance)?, name, "name", json, etag, op_out) })
}

/// Rename a snapshot (`POST /1.0/instances/<instance>/snapshots/<name>` with `{"name": new_name}`).
/// `op_out` NULL: wait until the operation finishes (its failure is this call's error); else
/// `*op_out` gets the operation handle to wait on (NULL when LXD finished synchronously).
#[no_mangle]
pub unsafe extern "C" fn lxd_snapshot_rename(client: *const lxd_client, instance: *const c_char, name: *const c_char, new_name: *const c_char, op_out: *mut *mut lxd_operation, err_out: *mut *mut lxd_error) -> lxd_result {
    guard(err_out, || unsafe { coll::rename(client, coll_for(instance)?, name, "name", new_name, op_out) })
}

/// Delete a snapshot (`DELETE /1.0/instances/<instance>/snapshots/<name>`). `op_out` NULL: wait
/// until the operation finishes (its failure is this call's error); else `*op_out` gets the
/// operation handle to wait on (NULL when LXD finished synchronously).
#[no_mangle]
pub unsafe extern "C" fn lxd_snapshot_delete(client: *const lxd_client, instance: *const c_char, name: *const c_char, op_out: *mut *mut lxd_operation, err_out: *mut *mut lxd_error) -> lxd_result {
    guard(err_out, || unsafe { coll::delete(client, coll_for(instance)?, name, "name", op_out) })
}

fn coll_for_str(instance: &str) -> crate::Result<lxd_core::Collection> {
    Ok(api::snapshots::collection(instance)?)
}

unsafe fn coll_for(instance: *const c_char) -> crate::Result<lxd_core::Collection> {
    coll_for_str(unsafe { super::arg_str(instance, "instance") }?)
}

/// Snapshot an instance (`POST /1.0/instances/<instance>/snapshots`) as `name`; `stateful` also
/// saves its running state (needs CRIU). `op_out` as in `lxd_snapshot_delete`.
#[no_mangle]
pub unsafe extern "C" fn lxd_snapshot_create(client: *const lxd_client, instance: *const c_char, name: *const c_char, stateful: bool, op_out: *mut *mut lxd_operation, err_out: *mut *mut lxd_error) -> lxd_result {
    guard(err_out, || {
        let c = unsafe { super::client::client_ref(client) }?;
        let inst = unsafe { super::arg_str(instance, "instance") }?;
        let name = unsafe { super::arg_str(name, "name") }?;
        let op = c.call(api::snapshots::create(inst, name, stateful)?)?;
        super::operation::finish_op(c, Some(op), op_out)
    })
}

/// Restore an instance to a snapshot (`PUT /1.0/instances/<instance>` with `{"restore": name}`).
/// `op_out` as in `lxd_snapshot_delete`.
#[no_mangle]
pub unsafe extern "C" fn lxd_snapshot_restore(client: *const lxd_client, instance: *const c_char, name: *const c_char, stateful: bool, op_out: *mut *mut lxd_operation, err_out: *mut *mut lxd_error) -> lxd_result {
    guard(err_out, || {
        let c = unsafe { super::client::client_ref(client) }?;
        let inst = unsafe { super::arg_str(instance, "instance") }?;
        let name = unsafe { super::arg_str(name, "name") }?;
        let op = c.call(api::snapshots::restore(inst, name, stateful)?)?;
        super::operation::finish_op(c, Some(op), op_out)
    })
}
