//! Operations by id list, and the untrusted wait.

use std::ffi::c_char;

use lxd_core::api;

use super::calls::json_out_of;
use super::client::lxd_client;
use super::{arg_str, guard, lxd_error, lxd_result};

/// The ids of every operation the server knows (`GET /1.0/operations`), all statuses, as a JSON
/// array in `*json_out` (yours, freed with `lxd_string_free`).
#[no_mangle]
pub unsafe extern "C" fn lxd_operation_list_ids(client: *const lxd_client, json_out: *mut *mut c_char, err_out: *mut *mut lxd_error) -> lxd_result {
    guard(err_out, || unsafe { json_out_of(client, json_out, |c| c.call(api::operations::list_ids())) })
}

/// Wait on an operation as an untrusted client holding its secret (`GET
/// /1.0/operations/<id>/wait?public&secret=…&timeout=N`): `timeout_secs` -1 waits without limit
/// (bounded by the client's timeout). `*json_out` gets the operation's JSON when it is final or
/// the timeout passed (yours). A wrong secret: `LXD_RESULT_FORBIDDEN`.
#[no_mangle]
pub unsafe extern "C" fn lxd_operation_wait_untrusted(client: *const lxd_client, id: *const c_char, secret: *const c_char, timeout_secs: i64, json_out: *mut *mut c_char, err_out: *mut *mut lxd_error) -> lxd_result {
    guard(err_out, || unsafe {
        let id = arg_str(id, "id")?;
        let secret = arg_str(secret, "secret")?;
        json_out_of(client, json_out, |c| c.call(api::operations::wait_untrusted(id, secret, timeout_secs)?))
    })
}
