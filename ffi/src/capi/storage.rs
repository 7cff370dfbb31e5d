//! Storage pools
//!
//! Objects cross as JSON text in LXD's schema; returned strings are freed with `lxd_string_free`.

use std::ffi::c_char;

use lxd_core::api;
use lxd_core::models::StoragePool;
use super::client::lxd_client;
use super::collection as coll;
use super::{guard, lxd_error, lxd_result};

/// List storage pools (`GET /1.0/storage-pools`). `recursion` 0: `*json_out` is a JSON array of
/// names; 1 (or more): a JSON array of full objects.
#[no_mangle]
pub unsafe extern "C" fn lxd_storage_pool_list(client: *const lxd_client, recursion: i32, json_out: *mut *mut c_char, err_out: *mut *mut lxd_error) -> lxd_result {
    guard(err_out, || unsafe { coll::list::<StoragePool>(client, api::storage_pools::collection(), recursion, json_out) })
}

/// Get one storage pool (`GET /1.0/storage-pools/<name>`) as JSON in `*json_out`. `etag_out` may be
/// NULL; else `*etag_out` gets the ETag to pass to an update (NULL if LXD sent none: LXD 5.0.2 sends
/// none for storage pools, though it checks `If-Match`). Missing: `LXD_RESULT_NOT_FOUND`.
#[no_mangle]
pub unsafe extern "C" fn lxd_storage_pool_get(client: *const lxd_client, name: *const c_char, json_out: *mut *mut c_char, etag_out: *mut *mut c_char, err_out: *mut *mut lxd_error) -> lxd_result {
    guard(err_out, || unsafe { coll::get::<StoragePool>(client, api::storage_pools::collection(), name, "name", json_out, etag_out) })
}

/// Whether a storage pool exists (`GET /1.0/storage-pools/<name>`, 404 → false).
#[no_mangle]
pub unsafe extern "C" fn lxd_storage_pool_exists(client: *const lxd_client, name: *const c_char, exists_out: *mut bool, err_out: *mut *mut lxd_error) -> lxd_result {
    guard(err_out, || unsafe { coll::exists(client, api::storage_pools::collection(), name, "name", exists_out) })
}

/// Create a storage pool (`POST /1.0/storage-pools`) from `json`, LXD's create object (a JSON
/// object). Exists already: `LXD_RESULT_CONFLICT`.
#[no_mangle]
pub unsafe extern "C" fn lxd_storage_pool_create(client: *const lxd_client, json: *const c_char, err_out: *mut *mut lxd_error) -> lxd_result {
    guard(err_out, || unsafe { coll::create_sync(client, api::storage_pools::collection(), json) })
}

/// Replace a storage pool (`PUT /1.0/storage-pools/<name>`) with `json`. `etag` (may be NULL) is
/// sent as `If-Match`: if the object changed since it was read, `LXD_RESULT_PRECONDITION_FAILED`.
#[no_mangle]
pub unsafe extern "C" fn lxd_storage_pool_update(client: *const lxd_client, name: *const c_char, json: *const c_char, etag: *const c_char, err_out: *mut *mut lxd_error) -> lxd_result {
    guard(err_out, || unsafe { coll::put(client, api::storage_pools::collection(), name, "name", json, etag, std::ptr::null_mut()) })
}

/// Merge changes into a storage pool (`PATCH /1.0/storage-pools/<name>`) with `json`. `etag` (may
/// be NULL) is sent as `If-Match`: if the object changed since it was read,
/// `LXD_RESULT_PRECONDITION_FAILED`.
#[no_mangle]
pub unsafe extern "C" fn lxd_storage_pool_patch(client: *const lxd_client, name: *const c_char, json: *const c_char, etag: *const c_char, err_out: *mut *mut lxd_error) -> lxd_result {
    guard(err_out, || unsafe { coll::patch(client, api::storage_pools::collection(), name, "name", json, etag, std::ptr::null_mut()) })
}

/// Delete a storage pool (`DELETE /1.0/storage-pools/<name>`). In use: LXD refuses
/// (`LXD_RESULT_API`, 400).
#[no_mangle]
pub unsafe extern "C" fn lxd_storage_pool_delete(client: *const lxd_client, name: *const c_char, err_out: *mut *mut lxd_error) -> lxd_result {
    guard(err_out, || unsafe { coll::delete(client, api::storage_pools::collection(), name, "name", std::ptr::null_mut()) })
}

/// A storage pool's usage (`GET /1.0/storage-pools/<name>/resources`: space and inodes) as JSON
/// in `*json_out`.
#[no_mangle]
pub unsafe extern "C" fn lxd_storage_pool_resources(client: *const lxd_client, name: *const c_char, json_out: *mut *mut c_char, err_out: *mut *mut lxd_error) -> lxd_result {
    guard(err_out, || {
        super::check_out(json_out, "json_out")?;
        let c = unsafe { super::client::client_ref(client) }?;
        let name = unsafe { super::arg_str(name, "name") }?;
        let r = c.call(api::storage_pools::resources(name)?)?;
        unsafe { super::write_json(json_out, &r) }
    })
}
