//! The API root (`GET /`) and the server's public view (`GET /1.0?public`).

use std::ffi::c_char;

use lxd_core::api;

use super::calls::json_out_of;
use super::client::lxd_client;
use super::{guard, lxd_error, lxd_result};

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
