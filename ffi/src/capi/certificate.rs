//! Certificates
//!
//! Objects cross as JSON text in LXD's schema; returned strings are freed with `lxd_string_free`.

use std::ffi::c_char;

use lxd_core::api;
use lxd_core::models::Certificate;
use super::client::lxd_client;
use super::collection as coll;
use super::{guard, lxd_error, lxd_result};

/// List certificates (`GET /1.0/certificates`). `recursion` 0: `*json_out` is a JSON array of
/// names; 1 (or more): a JSON array of full objects.
#[no_mangle]
pub unsafe extern "C" fn lxd_certificate_list(client: *const lxd_client, recursion: i32, json_out: *mut *mut c_char, err_out: *mut *mut lxd_error) -> lxd_result {
    guard(err_out, || unsafe { coll::list::<Certificate>(client, api::certificates::collection(), recursion, json_out) })
}

/// Get one trusted certificate (`GET /1.0/certificates/<fingerprint>`) as JSON in `*json_out`.
/// `etag_out` may be NULL; else `*etag_out` gets the ETag to pass to an update (NULL if LXD sent
/// none). Missing: `LXD_RESULT_NOT_FOUND`.
#[no_mangle]
pub unsafe extern "C" fn lxd_certificate_get(client: *const lxd_client, fingerprint: *const c_char, json_out: *mut *mut c_char, etag_out: *mut *mut c_char, err_out: *mut *mut lxd_error) -> lxd_result {
    guard(err_out, || unsafe { coll::get::<Certificate>(client, api::certificates::collection(), fingerprint, "fingerprint", json_out, etag_out) })
}

/// Create a trusted certificate (`POST /1.0/certificates`) from `json`, LXD's create object (a JSON
/// object). Exists already: `LXD_RESULT_CONFLICT`.
#[no_mangle]
pub unsafe extern "C" fn lxd_certificate_create(client: *const lxd_client, json: *const c_char, err_out: *mut *mut lxd_error) -> lxd_result {
    guard(err_out, || unsafe { coll::create_sync(client, api::certificates::collection(), json) })
}

/// Replace a trusted certificate (`PUT /1.0/certificates/<fingerprint>`) with `json`. `etag` (may
/// be NULL) is sent as `If-Match`: if the object changed since it was read,
/// `LXD_RESULT_PRECONDITION_FAILED`.
#[no_mangle]
pub unsafe extern "C" fn lxd_certificate_update(client: *const lxd_client, fingerprint: *const c_char, json: *const c_char, etag: *const c_char, err_out: *mut *mut lxd_error) -> lxd_result {
    guard(err_out, || unsafe { coll::put(client, api::certificates::collection(), fingerprint, "fingerprint", json, etag, std::ptr::null_mut()) })
}

/// Merge changes into a trusted certificate (`PATCH /1.0/certificates/<fingerprint>`) with `json`.
/// `etag` (may be NULL) is sent as `If-Match`: if the object changed since it was read,
/// `LXD_RESULT_PRECONDITION_FAILED`.
#[no_mangle]
pub unsafe extern "C" fn lxd_certificate_patch(client: *const lxd_client, fingerprint: *const c_char, json: *const c_char, etag: *const c_char, err_out: *mut *mut lxd_error) -> lxd_result {
    guard(err_out, || unsafe { coll::patch(client, api::certificates::collection(), fingerprint, "fingerprint", json, etag, std::ptr::null_mut()) })
}

/// Delete a trusted certificate (`DELETE /1.0/certificates/<fingerprint>`). In use: LXD refuses
/// (`LXD_RESULT_API`, 400).
#[no_mangle]
pub unsafe extern "C" fn lxd_certificate_delete(client: *const lxd_client, fingerprint: *const c_char, err_out: *mut *mut lxd_error) -> lxd_result {
    guard(err_out, || unsafe { coll::delete(client, api::certificates::collection(), fingerprint, "fingerprint", std::ptr::null_mut()) })
}

/// Trust a certificate (`POST /1.0/certificates`): `cert_pem` is the PEM certificate to add (NULL:
/// the certificate this client connects with, which needs `password`); `name` may be NULL;
/// `password` is the server's trust password or a trust token (NULL when this client is already
/// trusted). Adding a known certificate: `LXD_RESULT_CONFLICT`.
#[no_mangle]
pub unsafe extern "C" fn lxd_certificate_add(client: *const lxd_client, cert_pem: *const c_char, name: *const c_char, password: *const c_char, err_out: *mut *mut lxd_error) -> lxd_result {
    guard(err_out, || {
        let c = unsafe { super::client::client_ref(client) }?;
        let pem = unsafe { super::arg_opt_str(cert_pem, "cert_pem") }?;
        let name = unsafe { super::arg_opt_str(name, "name") }?;
        let pw = unsafe { super::arg_opt_str(password, "password") }?;
        c.call(api::certificates::add(pem, name, pw, "client")?)
    })
}
