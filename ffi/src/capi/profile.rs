//! Profiles
//!
//! Objects cross as JSON text in LXD's schema; returned strings are freed with `lxd_string_free`.

use std::ffi::c_char;

use lxd_core::api;
use lxd_core::models::Profile;
use super::client::lxd_client;
use super::collection as coll;
use super::{guard, lxd_error, lxd_result};

/// List profiles (`GET /1.0/profiles`). `recursion` 0: `*json_out` is a JSON array of names; 1 (or
/// more): a JSON array of full objects.
#[no_mangle]
pub unsafe extern "C" fn lxd_profile_list(client: *const lxd_client, recursion: i32, json_out: *mut *mut c_char, err_out: *mut *mut lxd_error) -> lxd_result {
    guard(err_out, || unsafe { coll::list::<Profile>(client, api::profiles::collection(), recursion, json_out) })
}

/// Get one profile (`GET /1.0/profiles/<name>`) as JSON in `*json_out`. `etag_out` may be NULL;
/// else `*etag_out` gets the ETag to pass to an update (NULL if LXD sent none). Missing:
/// `LXD_RESULT_NOT_FOUND`.
#[no_mangle]
pub unsafe extern "C" fn lxd_profile_get(client: *const lxd_client, name: *const c_char, json_out: *mut *mut c_char, etag_out: *mut *mut c_char, err_out: *mut *mut lxd_error) -> lxd_result {
    guard(err_out, || unsafe { coll::get::<Profile>(client, api::profiles::collection(), name, "name", json_out, etag_out) })
}

/// Whether a profile exists (`GET /1.0/profiles/<name>`, 404 → false).
#[no_mangle]
pub unsafe extern "C" fn lxd_profile_exists(client: *const lxd_client, name: *const c_char, exists_out: *mut bool, err_out: *mut *mut lxd_error) -> lxd_result {
    guard(err_out, || unsafe { coll::exists(client, api::profiles::collection(), name, "name", exists_out) })
}

/// Create a profile (`POST /1.0/profiles`) from `json`, LXD's create object (a JSON object). Exists
/// already: `LXD_RESULT_API` (LXD 5.0.2 answers 500, not 409).
#[no_mangle]
pub unsafe extern "C" fn lxd_profile_create(client: *const lxd_client, json: *const c_char, err_out: *mut *mut lxd_error) -> lxd_result {
    guard(err_out, || unsafe { coll::create_sync(client, api::profiles::collection(), json) })
}

/// Replace a profile (`PUT /1.0/profiles/<name>`) with `json`. `etag` (may be NULL) is sent as
/// `If-Match`: if the object changed since it was read, `LXD_RESULT_PRECONDITION_FAILED`.
#[no_mangle]
pub unsafe extern "C" fn lxd_profile_update(client: *const lxd_client, name: *const c_char, json: *const c_char, etag: *const c_char, err_out: *mut *mut lxd_error) -> lxd_result {
    guard(err_out, || unsafe { coll::put(client, api::profiles::collection(), name, "name", json, etag, std::ptr::null_mut()) })
}

/// Merge changes into a profile (`PATCH /1.0/profiles/<name>`) with `json`. `etag` (may be NULL) is
/// sent as `If-Match`: if the object changed since it was read, `LXD_RESULT_PRECONDITION_FAILED`.
#[no_mangle]
pub unsafe extern "C" fn lxd_profile_patch(client: *const lxd_client, name: *const c_char, json: *const c_char, etag: *const c_char, err_out: *mut *mut lxd_error) -> lxd_result {
    guard(err_out, || unsafe { coll::patch(client, api::profiles::collection(), name, "name", json, etag, std::ptr::null_mut()) })
}

/// Rename a profile (`POST /1.0/profiles/<name>` with `{"name": new_name}`). Target name taken, or
/// no such profile: `LXD_RESULT_API` (LXD 5.0.2 answers 500 to both).
#[no_mangle]
pub unsafe extern "C" fn lxd_profile_rename(client: *const lxd_client, name: *const c_char, new_name: *const c_char, err_out: *mut *mut lxd_error) -> lxd_result {
    guard(err_out, || unsafe { coll::rename(client, api::profiles::collection(), name, "name", new_name, std::ptr::null_mut()) })
}

/// Delete a profile (`DELETE /1.0/profiles/<name>`). In use: LXD refuses (`LXD_RESULT_API`; 500 on
/// LXD 5.0.2). The `default` profile: `LXD_RESULT_FORBIDDEN`.
#[no_mangle]
pub unsafe extern "C" fn lxd_profile_delete(client: *const lxd_client, name: *const c_char, err_out: *mut *mut lxd_error) -> lxd_result {
    guard(err_out, || unsafe { coll::delete(client, api::profiles::collection(), name, "name", std::ptr::null_mut()) })
}
