//! Networks
//!
//! Objects cross as JSON text in LXD's schema; returned strings are freed with `lxd_string_free`.

use std::ffi::c_char;

use lxd_core::api;
use lxd_core::models::Network;
use super::client::lxd_client;
use super::collection as coll;
use super::{guard, lxd_error, lxd_result};

/// List networks (`GET /1.0/networks`). `recursion` 0: `*json_out` is a JSON array of names; 1 (or
/// more): a JSON array of full objects.
#[no_mangle]
pub unsafe extern "C" fn lxd_network_list(client: *const lxd_client, recursion: i32, json_out: *mut *mut c_char, err_out: *mut *mut lxd_error) -> lxd_result {
    guard(err_out, || unsafe { coll::list::<Network>(client, api::networks::collection(), recursion, json_out) })
}

/// Get one network (`GET /1.0/networks/<name>`) as JSON in `*json_out`. `etag_out` may be NULL;
/// else `*etag_out` gets the ETag to pass to an update (NULL if LXD sent none). Missing:
/// `LXD_RESULT_NOT_FOUND`.
#[no_mangle]
pub unsafe extern "C" fn lxd_network_get(client: *const lxd_client, name: *const c_char, json_out: *mut *mut c_char, etag_out: *mut *mut c_char, err_out: *mut *mut lxd_error) -> lxd_result {
    guard(err_out, || unsafe { coll::get::<Network>(client, api::networks::collection(), name, "name", json_out, etag_out) })
}

/// Whether a network exists (`GET /1.0/networks/<name>`, 404 → false).
#[no_mangle]
pub unsafe extern "C" fn lxd_network_exists(client: *const lxd_client, name: *const c_char, exists_out: *mut bool, err_out: *mut *mut lxd_error) -> lxd_result {
    guard(err_out, || unsafe { coll::exists(client, api::networks::collection(), name, "name", exists_out) })
}

/// Create a network (`POST /1.0/networks`) from `json`, LXD's create object (a JSON object). Exists
/// already: `LXD_RESULT_API` (LXD 5.0.2 answers 400, not 409).
#[no_mangle]
pub unsafe extern "C" fn lxd_network_create(client: *const lxd_client, json: *const c_char, err_out: *mut *mut lxd_error) -> lxd_result {
    guard(err_out, || unsafe { coll::create_sync(client, api::networks::collection(), json) })
}

/// Replace a network (`PUT /1.0/networks/<name>`) with `json`. `etag` (may be NULL) is sent as
/// `If-Match`: if the object changed since it was read, `LXD_RESULT_PRECONDITION_FAILED`.
#[no_mangle]
pub unsafe extern "C" fn lxd_network_update(client: *const lxd_client, name: *const c_char, json: *const c_char, etag: *const c_char, err_out: *mut *mut lxd_error) -> lxd_result {
    guard(err_out, || unsafe { coll::put(client, api::networks::collection(), name, "name", json, etag, std::ptr::null_mut()) })
}

/// Merge changes into a network (`PATCH /1.0/networks/<name>`) with `json`. `etag` (may be NULL) is
/// sent as `If-Match`: if the object changed since it was read, `LXD_RESULT_PRECONDITION_FAILED`.
#[no_mangle]
pub unsafe extern "C" fn lxd_network_patch(client: *const lxd_client, name: *const c_char, json: *const c_char, etag: *const c_char, err_out: *mut *mut lxd_error) -> lxd_result {
    guard(err_out, || unsafe { coll::patch(client, api::networks::collection(), name, "name", json, etag, std::ptr::null_mut()) })
}

/// Rename a network (`POST /1.0/networks/<name>` with `{"name": new_name}`). Target name taken:
/// `LXD_RESULT_CONFLICT`.
#[no_mangle]
pub unsafe extern "C" fn lxd_network_rename(client: *const lxd_client, name: *const c_char, new_name: *const c_char, err_out: *mut *mut lxd_error) -> lxd_result {
    guard(err_out, || unsafe { coll::rename(client, api::networks::collection(), name, "name", new_name, std::ptr::null_mut()) })
}

/// Delete a network (`DELETE /1.0/networks/<name>`). In use: LXD refuses (`LXD_RESULT_API`, 400).
#[no_mangle]
pub unsafe extern "C" fn lxd_network_delete(client: *const lxd_client, name: *const c_char, err_out: *mut *mut lxd_error) -> lxd_result {
    guard(err_out, || unsafe { coll::delete(client, api::networks::collection(), name, "name", std::ptr::null_mut()) })
}

/// A network's runtime state (`GET /1.0/networks/<name>/state`: addresses, counters, MTU, ...) as
/// JSON in `*json_out`.
#[no_mangle]
pub unsafe extern "C" fn lxd_network_state(client: *const lxd_client, name: *const c_char, json_out: *mut *mut c_char, err_out: *mut *mut lxd_error) -> lxd_result {
    guard(err_out, || {
        super::check_out(json_out, "json_out")?;
        let c = unsafe { super::client::client_ref(client) }?;
        let name = unsafe { super::arg_str(name, "name") }?;
        let st = c.call(api::networks::state(name)?)?;
        unsafe { super::write_json(json_out, &st) }
    })
}
