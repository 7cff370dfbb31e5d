//! Images
//!
//! Objects cross as JSON text in LXD's schema; returned strings are freed with `lxd_string_free`.

use std::ffi::c_char;

use lxd_core::api;
use lxd_core::models::{Image, ImageAlias};
use super::client::lxd_client;
use super::collection as coll;
use super::operation::lxd_operation;
use super::{guard, lxd_error, lxd_result};

/// List images (`GET /1.0/images`). `recursion` 0: `*json_out` is a JSON array of names; 1 (or
/// more): a JSON array of full objects.
#[no_mangle]
pub unsafe extern "C" fn lxd_image_list(client: *const lxd_client, recursion: i32, json_out: *mut *mut c_char, err_out: *mut *mut lxd_error) -> lxd_result {
    guard(err_out, || unsafe { coll::list::<Image>(client, api::images::collection(), recursion, json_out) })
}

/// Get one image (`GET /1.0/images/<fingerprint>`) as JSON in `*json_out`. `etag_out` may be NULL;
/// else `*etag_out` gets the ETag to pass to an update (NULL if LXD sent none). Missing:
/// `LXD_RESULT_NOT_FOUND`.
#[no_mangle]
pub unsafe extern "C" fn lxd_image_get(client: *const lxd_client, fingerprint: *const c_char, json_out: *mut *mut c_char, etag_out: *mut *mut c_char, err_out: *mut *mut lxd_error) -> lxd_result {
    guard(err_out, || unsafe { coll::get::<Image>(client, api::images::collection(), fingerprint, "fingerprint", json_out, etag_out) })
}

/// Whether a image exists (`GET /1.0/images/<fingerprint>`, 404 → false).
#[no_mangle]
pub unsafe extern "C" fn lxd_image_exists(client: *const lxd_client, fingerprint: *const c_char, exists_out: *mut bool, err_out: *mut *mut lxd_error) -> lxd_result {
    guard(err_out, || unsafe { coll::exists(client, api::images::collection(), fingerprint, "fingerprint", exists_out) })
}

/// Create a image (`POST /1.0/images`) from `json`, LXD's create object (a JSON object). `op_out`
/// NULL: wait until the operation finishes (its failure is this call's error); else `*op_out` gets
/// the operation handle to wait on (NULL when LXD finished synchronously).
#[no_mangle]
pub unsafe extern "C" fn lxd_image_create(client: *const lxd_client, json: *const c_char, op_out: *mut *mut lxd_operation, err_out: *mut *mut lxd_error) -> lxd_result {
    guard(err_out, || unsafe { coll::create_async(client, api::images::collection(), json, op_out) })
}

/// Replace a image (`PUT /1.0/images/<fingerprint>`) with `json`. `etag` (may be NULL) is sent as
/// `If-Match`: if the object changed since it was read, `LXD_RESULT_PRECONDITION_FAILED`. `op_out`
/// NULL: wait until the operation finishes (its failure is this call's error); else `*op_out` gets
/// the operation handle to wait on (NULL when LXD finished synchronously).
#[no_mangle]
pub unsafe extern "C" fn lxd_image_update(client: *const lxd_client, fingerprint: *const c_char, json: *const c_char, etag: *const c_char, op_out: *mut *mut lxd_operation, err_out: *mut *mut lxd_error) -> lxd_result {
    guard(err_out, || unsafe { coll::put(client, api::images::collection(), fingerprint, "fingerprint", json, etag, op_out) })
}

/// Merge changes into a image (`PATCH /1.0/images/<fingerprint>`) with `json`. `etag` (may be NULL)
/// is sent as `If-Match`: if the object changed since it was read,
/// `LXD_RESULT_PRECONDITION_FAILED`. `op_out` NULL: wait until the operation finishes (its failure
/// is this call's error); else `*op_out` gets the operation handle to wait on (NULL when LXD
/// finished synchronously).
#[no_mangle]
pub unsafe extern "C" fn lxd_image_patch(client: *const lxd_client, fingerprint: *const c_char, json: *const c_char, etag: *const c_char, op_out: *mut *mut lxd_operation, err_out: *mut *mut lxd_error) -> lxd_result {
    guard(err_out, || unsafe { coll::patch(client, api::images::collection(), fingerprint, "fingerprint", json, etag, op_out) })
}

/// Delete a image (`DELETE /1.0/images/<fingerprint>`). `op_out` NULL: wait until the operation
/// finishes (its failure is this call's error); else `*op_out` gets the operation handle to wait on
/// (NULL when LXD finished synchronously).
#[no_mangle]
pub unsafe extern "C" fn lxd_image_delete(client: *const lxd_client, fingerprint: *const c_char, op_out: *mut *mut lxd_operation, err_out: *mut *mut lxd_error) -> lxd_result {
    guard(err_out, || unsafe { coll::delete(client, api::images::collection(), fingerprint, "fingerprint", op_out) })
}


/// List image aliases (`GET /1.0/images/aliases`). `recursion` 0: `*json_out` is a JSON array of
/// names; 1 (or more): a JSON array of full objects.
#[no_mangle]
pub unsafe extern "C" fn lxd_image_alias_list(client: *const lxd_client, recursion: i32, json_out: *mut *mut c_char, err_out: *mut *mut lxd_error) -> lxd_result {
    guard(err_out, || unsafe { coll::list::<ImageAlias>(client, api::images::aliases(), recursion, json_out) })
}

/// Get one image alias (`GET /1.0/images/aliases/<name>`) as JSON in `*json_out`. `etag_out` may be
/// NULL; else `*etag_out` gets the ETag to pass to an update (NULL if LXD sent none). Missing:
/// `LXD_RESULT_NOT_FOUND`.
#[no_mangle]
pub unsafe extern "C" fn lxd_image_alias_get(client: *const lxd_client, name: *const c_char, json_out: *mut *mut c_char, etag_out: *mut *mut c_char, err_out: *mut *mut lxd_error) -> lxd_result {
    guard(err_out, || unsafe { coll::get::<ImageAlias>(client, api::images::aliases(), name, "name", json_out, etag_out) })
}

/// Whether a image alias exists (`GET /1.0/images/aliases/<name>`, 404 → false).
#[no_mangle]
pub unsafe extern "C" fn lxd_image_alias_exists(client: *const lxd_client, name: *const c_char, exists_out: *mut bool, err_out: *mut *mut lxd_error) -> lxd_result {
    guard(err_out, || unsafe { coll::exists(client, api::images::aliases(), name, "name", exists_out) })
}

/// Replace a image alias (`PUT /1.0/images/aliases/<name>`) with `json`. `etag` (may be NULL) is
/// sent as `If-Match`: if the object changed since it was read, `LXD_RESULT_PRECONDITION_FAILED`.
#[no_mangle]
pub unsafe extern "C" fn lxd_image_alias_update(client: *const lxd_client, name: *const c_char, json: *const c_char, etag: *const c_char, err_out: *mut *mut lxd_error) -> lxd_result {
    guard(err_out, || unsafe { coll::put(client, api::images::aliases(), name, "name", json, etag, std::ptr::null_mut()) })
}

/// Merge changes into a image alias (`PATCH /1.0/images/aliases/<name>`) with `json`. `etag` (may
/// be NULL) is sent as `If-Match`: if the object changed since it was read,
/// `LXD_RESULT_PRECONDITION_FAILED`. LXD 5.0.2 cannot patch aliases (it stalls 20 s, then answers
/// 500 "context deadline exceeded"): use `lxd_image_alias_update` there.
#[no_mangle]
pub unsafe extern "C" fn lxd_image_alias_patch(client: *const lxd_client, name: *const c_char, json: *const c_char, etag: *const c_char, err_out: *mut *mut lxd_error) -> lxd_result {
    guard(err_out, || unsafe { coll::patch(client, api::images::aliases(), name, "name", json, etag, std::ptr::null_mut()) })
}

/// Rename a image alias (`POST /1.0/images/aliases/<name>` with `{"name": new_name}`). Target name
/// taken: `LXD_RESULT_CONFLICT`.
#[no_mangle]
pub unsafe extern "C" fn lxd_image_alias_rename(client: *const lxd_client, name: *const c_char, new_name: *const c_char, err_out: *mut *mut lxd_error) -> lxd_result {
    guard(err_out, || unsafe { coll::rename(client, api::images::aliases(), name, "name", new_name, std::ptr::null_mut()) })
}

/// Delete a image alias (`DELETE /1.0/images/aliases/<name>`). In use: LXD refuses
/// (`LXD_RESULT_API`, 400).
#[no_mangle]
pub unsafe extern "C" fn lxd_image_alias_delete(client: *const lxd_client, name: *const c_char, err_out: *mut *mut lxd_error) -> lxd_result {
    guard(err_out, || unsafe { coll::delete(client, api::images::aliases(), name, "name", std::ptr::null_mut()) })
}

/// Get an image by one of its aliases (`GET /1.0/images/aliases/<alias>`, then the image) as JSON
/// in `*json_out`; `etag_out` as in `lxd_image_get`.
#[no_mangle]
pub unsafe extern "C" fn lxd_image_get_by_alias(client: *const lxd_client, alias: *const c_char, json_out: *mut *mut c_char, etag_out: *mut *mut c_char, err_out: *mut *mut lxd_error) -> lxd_result {
    guard(err_out, || {
        super::check_out(json_out, "json_out")?;
        let c = unsafe { super::client::client_ref(client) }?;
        let alias = unsafe { super::arg_str(alias, "alias") }?;
        let a = c.call(api::images::aliases().get::<lxd_core::models::ImageAlias>(alias)?)?;
        let img = c.call(api::images::collection().get::<Image>(&a.value.target)?)?;
        unsafe { super::write_opt_string(etag_out, img.etag) }?;
        unsafe { super::write_json(json_out, &img.value) }
    })
}

/// Create an alias `name` pointing at the image `target_fingerprint` (`POST /1.0/images/aliases`);
/// `description` may be NULL. Taken: `LXD_RESULT_CONFLICT`.
#[no_mangle]
pub unsafe extern "C" fn lxd_image_alias_create(client: *const lxd_client, name: *const c_char, target_fingerprint: *const c_char, description: *const c_char, err_out: *mut *mut lxd_error) -> lxd_result {
    guard(err_out, || {
        let c = unsafe { super::client::client_ref(client) }?;
        let name = unsafe { super::arg_str(name, "name") }?;
        let target = unsafe { super::arg_str(target_fingerprint, "target_fingerprint") }?;
        let desc = unsafe { super::arg_opt_str(description, "description") }?.unwrap_or("");
        c.call(api::images::alias_create(name, target, desc)?)
    })
}
