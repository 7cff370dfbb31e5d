//! The server itself: `GET/PUT/PATCH /1.0`, extensions, resources, the API root (`GET /`) and
//! the public view (`GET /1.0?public`).

use std::ffi::c_char;

use lxd_core::api;

use super::client::{client_ref, lxd_client};
use super::{arg_opt_str, arg_str, check_out, guard, lxd_error, lxd_result, write_json, write_opt_string};
use super::calls::json_out_of;

/// The server's information (`GET /1.0`: config, api_extensions, environment, auth) as JSON in
/// `*json_out`; `etag_out` may be NULL, else gets the ETag for `lxd_server_update`.
#[no_mangle]
pub unsafe extern "C" fn lxd_server_get(client: *const lxd_client, json_out: *mut *mut c_char, etag_out: *mut *mut c_char, err_out: *mut *mut lxd_error) -> lxd_result {
    guard(err_out, || {
        check_out(json_out, "json_out")?;
        let c = unsafe { client_ref(client) }?;
        // LXD's JSON as it came, checked as a `Server` (not parsed and serialized again).
        let s = c.call(api::server::get_json())?;
        unsafe { write_opt_string(etag_out, s.etag) }?;
        unsafe { super::write_string(json_out, s.json) }
    })
}

/// Replace the server configuration (`PUT /1.0` with `{"config": {...}}`); `etag` (may be NULL) is
/// sent as `If-Match` (stale: `LXD_RESULT_PRECONDITION_FAILED`).
#[no_mangle]
pub unsafe extern "C" fn lxd_server_update(client: *const lxd_client, json: *const c_char, etag: *const c_char, err_out: *mut *mut lxd_error) -> lxd_result {
    guard(err_out, || {
        let c = unsafe { client_ref(client) }?;
        let body = unsafe { arg_str(json, "json") }?;
        let etag = unsafe { arg_opt_str(etag, "etag") }?;
        c.call(api::server::put(body, etag)?)
    })
}

/// Merge changes into the server configuration (`PATCH /1.0`); `etag` as in `lxd_server_update`.
#[no_mangle]
pub unsafe extern "C" fn lxd_server_patch(client: *const lxd_client, json: *const c_char, etag: *const c_char, err_out: *mut *mut lxd_error) -> lxd_result {
    guard(err_out, || {
        let c = unsafe { client_ref(client) }?;
        let body = unsafe { arg_str(json, "json") }?;
        let etag = unsafe { arg_opt_str(etag, "etag") }?;
        c.call(api::server::patch(body, etag)?)
    })
}

/// Whether the server supports the API extension `name` (from `GET /1.0`'s `api_extensions`),
/// e.g. `"file_delete"`.
#[no_mangle]
pub unsafe extern "C" fn lxd_server_has_extension(client: *const lxd_client, name: *const c_char, has_out: *mut bool, err_out: *mut *mut lxd_error) -> lxd_result {
    guard(err_out, || {
        check_out(has_out, "has_out")?;
        let c = unsafe { client_ref(client) }?;
        let name = unsafe { arg_str(name, "name") }?;
        let has = c.call(api::server::get())?.value.has_extension(name);
        // SAFETY: checked non-NULL.
        unsafe { *has_out = has };
        Ok(())
    })
}

/// The host's hardware (`GET /1.0/resources`: CPU, memory, GPUs, storage, ...) as JSON in `*json_out`.
#[no_mangle]
pub unsafe extern "C" fn lxd_server_resources(client: *const lxd_client, json_out: *mut *mut c_char, err_out: *mut *mut lxd_error) -> lxd_result {
    guard(err_out, || {
        check_out(json_out, "json_out")?;
        let c = unsafe { client_ref(client) }?;
        let r = c.call(api::server::resources())?;
        unsafe { write_json(json_out, &r) }
    })
}

/// The API versions the server offers (`GET /`): a JSON array such as `["/1.0"]` in `*json_out`
/// (yours, freed with `lxd_string_free`). Works for untrusted clients too.
#[no_mangle]
pub unsafe extern "C" fn lxd_server_api_versions(client: *const lxd_client, json_out: *mut *mut c_char, err_out: *mut *mut lxd_error) -> lxd_result {
    guard(err_out, || unsafe { json_out_of(client, json_out, |c| c.call(api::root::api_versions())) })
}

/// The server as an untrusted client sees it (`GET /1.0?public`: `api_extensions`, `auth`,
/// `auth_methods`, `api_version`, ...) as JSON in `*json_out` (yours). LXD answers by the caller's
/// trust, so a trusted client gets the full view here too.
#[no_mangle]
pub unsafe extern "C" fn lxd_server_get_public(client: *const lxd_client, json_out: *mut *mut c_char, err_out: *mut *mut lxd_error) -> lxd_result {
    guard(err_out, || unsafe { json_out_of(client, json_out, |c| Ok(c.call(api::root::server_public())?.value)) })
}

/// The documentation of every configuration key the server knows (`GET
/// /1.0/metadata/configuration`; Incus 6.0 only) as JSON in `*json_out`: `{"configs": {"<entity>":
/// {"<group>": {"keys": [{"<key>": {"longdesc", "shortdesc", "type", "defaultdesc", ...}}]}}}}`.
/// `*json_out` is yours, freed with `lxd_string_free`. LXD 5.0 has no such endpoint:
/// `LXD_RESULT_NOT_FOUND`.
#[no_mangle]
pub unsafe extern "C" fn lxd_server_metadata_configuration(client: *const lxd_client, json_out: *mut *mut c_char, err_out: *mut *mut lxd_error) -> lxd_result {
    guard(err_out, || unsafe { super::calls::json_out_of(client, json_out, |c| c.call(api::server::metadata_configuration())) })
}
