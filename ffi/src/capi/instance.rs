//! Instances
//!
//! Objects cross as JSON text in LXD's schema; returned strings are freed with `lxd_string_free`.

use std::ffi::c_char;

use lxd_core::api;
use lxd_core::models::Instance;
use super::client::lxd_client;
use super::collection as coll;
use super::operation::lxd_operation;
use super::{guard, lxd_error, lxd_result};

/// List instances (`GET /1.0/instances`). `recursion` 0: `*json_out` is a JSON array of names; 1
/// (or more): a JSON array of full objects.
#[no_mangle]
pub unsafe extern "C" fn lxd_instance_list(client: *const lxd_client, recursion: i32, json_out: *mut *mut c_char, err_out: *mut *mut lxd_error) -> lxd_result {
    guard(err_out, || unsafe { coll::list::<Instance>(client, api::instances::collection(), recursion, json_out) })
}

/// Get one instance (`GET /1.0/instances/<name>`) as JSON in `*json_out`. `etag_out` may be NULL;
/// else `*etag_out` gets the ETag to pass to an update (NULL if LXD sent none). Missing:
/// `LXD_RESULT_NOT_FOUND`.
#[no_mangle]
pub unsafe extern "C" fn lxd_instance_get(client: *const lxd_client, name: *const c_char, json_out: *mut *mut c_char, etag_out: *mut *mut c_char, err_out: *mut *mut lxd_error) -> lxd_result {
    guard(err_out, || unsafe { coll::get::<Instance>(client, api::instances::collection(), name, "name", json_out, etag_out) })
}

/// Whether a instance exists (`GET /1.0/instances/<name>`, 404 → false).
#[no_mangle]
pub unsafe extern "C" fn lxd_instance_exists(client: *const lxd_client, name: *const c_char, exists_out: *mut bool, err_out: *mut *mut lxd_error) -> lxd_result {
    guard(err_out, || unsafe { coll::exists(client, api::instances::collection(), name, "name", exists_out) })
}

/// Create a instance (`POST /1.0/instances`) from `json`, LXD's create object (a JSON object).
/// `op_out` NULL: wait until the operation finishes (its failure is this call's error); else
/// `*op_out` gets the operation handle to wait on (NULL when LXD finished synchronously). A name
/// already taken fails in the operation (`LXD_RESULT_OPERATION_FAILED`).
#[no_mangle]
pub unsafe extern "C" fn lxd_instance_create(client: *const lxd_client, json: *const c_char, op_out: *mut *mut lxd_operation, err_out: *mut *mut lxd_error) -> lxd_result {
    guard(err_out, || unsafe { coll::create_async(client, api::instances::collection(), json, op_out) })
}

/// Replace a instance (`PUT /1.0/instances/<name>`) with `json`. `etag` (may be NULL) is sent as
/// `If-Match`: if the object changed since it was read, `LXD_RESULT_PRECONDITION_FAILED`. `op_out`
/// NULL: wait until the operation finishes (its failure is this call's error); else `*op_out` gets
/// the operation handle to wait on (NULL when LXD finished synchronously).
#[no_mangle]
pub unsafe extern "C" fn lxd_instance_update(client: *const lxd_client, name: *const c_char, json: *const c_char, etag: *const c_char, op_out: *mut *mut lxd_operation, err_out: *mut *mut lxd_error) -> lxd_result {
    guard(err_out, || unsafe { coll::put(client, api::instances::collection(), name, "name", json, etag, op_out) })
}

/// Merge changes into a instance (`PATCH /1.0/instances/<name>`) with `json`. `etag` (may be NULL)
/// is sent as `If-Match`: if the object changed since it was read,
/// `LXD_RESULT_PRECONDITION_FAILED`. `op_out` NULL: wait until the operation finishes (its failure
/// is this call's error); else `*op_out` gets the operation handle to wait on (NULL when LXD
/// finished synchronously).
#[no_mangle]
pub unsafe extern "C" fn lxd_instance_patch(client: *const lxd_client, name: *const c_char, json: *const c_char, etag: *const c_char, op_out: *mut *mut lxd_operation, err_out: *mut *mut lxd_error) -> lxd_result {
    guard(err_out, || unsafe { coll::patch(client, api::instances::collection(), name, "name", json, etag, op_out) })
}

/// Rename a instance (`POST /1.0/instances/<name>` with `{"name": new_name}`). `op_out` NULL: wait
/// until the operation finishes (its failure is this call's error); else `*op_out` gets the
/// operation handle to wait on (NULL when LXD finished synchronously).
#[no_mangle]
pub unsafe extern "C" fn lxd_instance_rename(client: *const lxd_client, name: *const c_char, new_name: *const c_char, op_out: *mut *mut lxd_operation, err_out: *mut *mut lxd_error) -> lxd_result {
    guard(err_out, || unsafe { coll::rename(client, api::instances::collection(), name, "name", new_name, op_out) })
}

/// Delete a instance (`DELETE /1.0/instances/<name>`). `op_out` NULL: wait until the operation
/// finishes (its failure is this call's error); else `*op_out` gets the operation handle to wait on
/// (NULL when LXD finished synchronously).
#[no_mangle]
pub unsafe extern "C" fn lxd_instance_delete(client: *const lxd_client, name: *const c_char, op_out: *mut *mut lxd_operation, err_out: *mut *mut lxd_error) -> lxd_result {
    guard(err_out, || unsafe { coll::delete(client, api::instances::collection(), name, "name", op_out) })
}

/// An instance's runtime state (`GET /1.0/instances/<name>/state`: status, PID, processes, memory,
/// network, disk) as JSON in `*json_out`.
#[no_mangle]
pub unsafe extern "C" fn lxd_instance_state(client: *const lxd_client, name: *const c_char, json_out: *mut *mut c_char, err_out: *mut *mut lxd_error) -> lxd_result {
    guard(err_out, || {
        super::check_out(json_out, "json_out")?;
        let c = unsafe { super::client::client_ref(client) }?;
        let name = unsafe { super::arg_str(name, "name") }?;
        let st = c.call(api::instances::state(name)?)?;
        unsafe { super::write_json(json_out, &st) }
    })
}

unsafe fn change_state(client: *const lxd_client, name: *const c_char, action: &str, timeout: i32, force: bool, stateful: bool, op_out: *mut *mut lxd_operation) -> crate::Result<()> {
    let c = unsafe { super::client::client_ref(client) }?;
    let name = unsafe { super::arg_str(name, "name") }?;
    let op = c.call(api::instances::set_state(name, action, timeout, force, stateful)?)?;
    super::operation::finish_op(c, Some(op), op_out)
}

/// Change an instance's state (`PUT /1.0/instances/<name>/state`): `action` is `"start"`,
/// `"stop"`, `"restart"`, `"freeze"` or `"unfreeze"`; `timeout` seconds for a clean stop (-1: no
/// limit); `force` kills instead of a clean stop; `stateful` saves or restores runtime state.
/// `op_out` NULL: wait until the operation finishes (its failure is this call's error); else
/// `*op_out` gets the operation handle.
#[no_mangle]
pub unsafe extern "C" fn lxd_instance_set_state(client: *const lxd_client, name: *const c_char, action: *const c_char, timeout: i32, force: bool, stateful: bool, op_out: *mut *mut lxd_operation, err_out: *mut *mut lxd_error) -> lxd_result {
    guard(err_out, || unsafe {
        let action = super::arg_str(action, "action")?;
        change_state(client, name, action, timeout, force, stateful, op_out)
    })
}

/// Start an instance (`lxd_instance_set_state` with `"start"`). Already running: the operation fails
/// (`LXD_RESULT_OPERATION_FAILED`).
#[no_mangle]
pub unsafe extern "C" fn lxd_instance_start(client: *const lxd_client, name: *const c_char, op_out: *mut *mut lxd_operation, err_out: *mut *mut lxd_error) -> lxd_result {
    guard(err_out, || unsafe { change_state(client, name, "start", -1, false, false, op_out) })
}

/// Stop an instance (`lxd_instance_set_state` with `"stop"`): `timeout` seconds for a clean
/// shutdown, `force` to kill it at once.
#[no_mangle]
pub unsafe extern "C" fn lxd_instance_stop(client: *const lxd_client, name: *const c_char, timeout: i32, force: bool, op_out: *mut *mut lxd_operation, err_out: *mut *mut lxd_error) -> lxd_result {
    guard(err_out, || unsafe { change_state(client, name, "stop", timeout, force, false, op_out) })
}

/// Restart an instance (`lxd_instance_set_state` with `"restart"`).
#[no_mangle]
pub unsafe extern "C" fn lxd_instance_restart(client: *const lxd_client, name: *const c_char, timeout: i32, force: bool, op_out: *mut *mut lxd_operation, err_out: *mut *mut lxd_error) -> lxd_result {
    guard(err_out, || unsafe { change_state(client, name, "restart", timeout, force, false, op_out) })
}

/// Freeze (suspend) a running instance (`lxd_instance_set_state` with `"freeze"`).
#[no_mangle]
pub unsafe extern "C" fn lxd_instance_freeze(client: *const lxd_client, name: *const c_char, op_out: *mut *mut lxd_operation, err_out: *mut *mut lxd_error) -> lxd_result {
    guard(err_out, || unsafe { change_state(client, name, "freeze", -1, false, false, op_out) })
}

/// Unfreeze (resume) a frozen instance (`lxd_instance_set_state` with `"unfreeze"`).
#[no_mangle]
pub unsafe extern "C" fn lxd_instance_unfreeze(client: *const lxd_client, name: *const c_char, op_out: *mut *mut lxd_operation, err_out: *mut *mut lxd_error) -> lxd_result {
    guard(err_out, || unsafe { change_state(client, name, "unfreeze", -1, false, false, op_out) })
}
