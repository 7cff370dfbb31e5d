//! Raw requests, for anything the typed functions do not cover.

use std::ffi::{c_char, CString};

use lxd_core::{Method, Request};

use super::client::{client_ref, lxd_client};
use super::operation::lxd_operation;
use super::{arg_opt_str, arg_str, check_out, guard, lxd_error, lxd_result, to_json, write_string};
use lxd_core::api::raw::Reply;
use crate::error::Error;

/// Send any request: `method` (`"GET"`, `"POST"`, ...), `path` with its query, already
/// percent-encoded (`"/1.0/instances?recursion=1"`), and `body_json` (NULL: no body). The client's
/// project and target are not added. Whatever LXD answers is a success here: `*status_out` gets the
/// HTTP status, `*body_out` the body text (LXD's envelope), `etag_out` (may be NULL) the ETag or NULL.
/// Only failures to talk to LXD at all are errors.
#[no_mangle]
pub unsafe extern "C" fn lxd_raw_request(client: *const lxd_client, method: *const c_char, path: *const c_char, body_json: *const c_char, status_out: *mut u16, body_out: *mut *mut c_char, etag_out: *mut *mut c_char, err_out: *mut *mut lxd_error) -> lxd_result {
    guard(err_out, || {
        check_out(status_out, "status_out")?;
        check_out(body_out, "body_out")?;
        let c = unsafe { client_ref(client) }?;
        let method = unsafe { arg_str(method, "method") }?;
        let method = Method::from_bytes(method.as_bytes()).map_err(|_| Error::invalid(format!("{method:?} is not an HTTP method")))?;
        let path = unsafe { arg_str(path, "path") }?;
        let body = unsafe { arg_opt_str(body_json, "body_json") }?;
        let mut req = Request::raw(method, path)?;
        if let Some(b) = body {
            serde_json::from_str::<serde_json::Value>(b).map_err(|e| Error::invalid(format!("body_json is not valid JSON: {e}")))?;
            req.body = lxd_core::Body::Json(b.as_bytes().to_vec());
        }
        let resp = c.send(req)?;
        let text = String::from_utf8(resp.body.clone()).map_err(|_| Error::protocol("reply body is not UTF-8"))?;
        // Make every C string before writing any output: a body with a NUL byte must fail with
        // no output written (and nothing leaked), not after the ETag was handed out.
        let body = CString::new(text).map_err(|_| Error::protocol("reply contains a NUL byte"))?;
        let etag = resp.etag().map(|e| CString::new(e).map_err(|_| Error::protocol("ETag contains a NUL byte"))).transpose()?;
        // SAFETY: status_out and body_out checked non-NULL; etag_out NULL or writable (contract).
        unsafe {
            if !etag_out.is_null() {
                *etag_out = etag.map_or(std::ptr::null_mut(), CString::into_raw);
            }
            *body_out = body.into_raw();
            *status_out = resp.status;
        }
        Ok(())
    })
}

/// Send any request and read LXD's reply as every typed function does: `method` (`"GET"`,
/// `"POST"`, ...), `path` with its query, already percent-encoded (`"/1.0/instances?recursion=1"`;
/// the client's project and target are not added), `body_json` (NULL: no body). An error reply is
/// this call's error (`LXD_RESULT_NOT_FOUND`, `LXD_RESULT_CONFLICT`, ... by status, with LXD's
/// message); a reply that is not LXD's envelope is `LXD_RESULT_PROTOCOL`.
///
/// A sync reply: `*json_out` gets its metadata as JSON (`null` when it had none) and `*op_out`
/// NULL. An async reply: with `op_out` NULL the operation is waited for (as the other plain forms:
/// within the client's operation deadline; its failure is this call's error) and `*json_out` gets
/// the finished operation's metadata; with `op_out` set, `*op_out` gets the operation handle
/// (freed with `lxd_operation_free`) and `*json_out` the operation object as LXD sent it.
/// `json_out` may be NULL when the metadata is not wanted. `*json_out` is yours, freed with
/// `lxd_string_free`.
#[no_mangle]
pub unsafe extern "C" fn lxd_call(client: *const lxd_client, method: *const c_char, path: *const c_char, body_json: *const c_char, json_out: *mut *mut c_char, op_out: *mut *mut lxd_operation, err_out: *mut *mut lxd_error) -> lxd_result {
    guard(err_out, || {
        let c = unsafe { client_ref(client) }?;
        let method = unsafe { arg_str(method, "method") }?;
        let method = Method::from_bytes(method.as_bytes()).map_err(|_| Error::invalid(format!("{method:?} is not an HTTP method")))?;
        let path = unsafe { arg_str(path, "path") }?;
        let body = unsafe { arg_opt_str(body_json, "body_json") }?;
        let (json, op) = match c.call(lxd_core::api::raw::request(method, path, body)?)? {
            Reply::Sync(metadata) => (to_json(&metadata)?, None),
            Reply::Async(op) if op_out.is_null() => (to_json(&c.wait_operation(&op.id, None, None)?.metadata)?, None),
            Reply::Async(op) => (to_json(&op)?, Some(*op)),
        };
        // Everything that can fail is done: write the outputs.
        if !json_out.is_null() {
            unsafe { write_string(json_out, json) }?;
        }
        if !op_out.is_null() {
            let handle = op.map_or(std::ptr::null_mut(), |op| Box::into_raw(Box::new(lxd_operation::new(c, op))));
            // SAFETY: non-NULL, writable by contract.
            unsafe { *op_out = handle };
        }
        Ok(())
    })
}
