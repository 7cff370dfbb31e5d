//! Small shared bodies of the hand-written functions of the full-API modules: a call whose result
//! goes out as JSON or text, a small in-memory body for `Body::Stream` requests, and a token
//! operation handed out without waiting.

use std::ffi::c_char;
use std::io::Cursor;

use lxd_core::api::Call;
use serde::Serialize;

use super::client::{client_ref, lxd_client};
use super::operation::lxd_operation;
use super::{check_out, write_json, write_string};
use crate::error::{Error, Result};
use crate::Client;

/// Run `f` on the client and write its result as JSON to `json_out` (checked first).
pub(crate) unsafe fn json_out_of<T: Serialize>(client: *const lxd_client, json_out: *mut *mut c_char, f: impl FnOnce(&Client) -> Result<T>) -> Result<()> {
    check_out(json_out, "json_out")?;
    let c = unsafe { client_ref(client) }?;
    let v = f(c)?;
    unsafe { write_json(json_out, &v) }
}

/// Bytes as C text: invalid UTF-8 becomes U+FFFD, and so does a NUL byte (a C string cannot hold it).
pub(crate) fn c_text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).replace('\0', "\u{FFFD}")
}

/// Write bytes as C text (see [`c_text`]) to `text_out` (checked by the caller).
pub(crate) unsafe fn write_text(text_out: *mut *mut c_char, bytes: &[u8]) -> Result<()> {
    unsafe { write_string(text_out, c_text(bytes)) }
}

/// Send a call whose request streams its body (`Body::Stream`), from bytes in memory.
pub(crate) fn call_with_body<T>(c: &Client, call: Call<T>, body: &[u8]) -> Result<T> {
    let mut reader = Cursor::new(body);
    let agent = c.cancellable_agent(&crate::Canceller::new());
    let resp = c.send_streaming(&agent, call.request.clone(), &mut reader)?;
    let resp = c.read_reply(resp, None)?;
    Ok(call.parse(&resp)?)
}

/// Hand a running token operation to the caller without waiting on it (a token operation runs
/// until the token is used, revoked or expires). `op_out` NULL: no handle is kept.
pub(crate) fn hand_out_token(c: &Client, op: lxd_core::Operation, op_out: *mut *mut lxd_operation) {
    if !op_out.is_null() {
        // SAFETY: non-NULL, writable by contract.
        unsafe { *op_out = Box::into_raw(Box::new(lxd_operation::new(c, op))) };
    }
}

/// An optional C string that must not be empty when given.
pub(crate) unsafe fn arg_opt_nonempty<'a>(p: *const c_char, what: &str) -> Result<Option<&'a str>> {
    match unsafe { super::arg_opt_str(p, what) }? {
        Some("") => Err(Error::invalid(format!("{what} is empty (pass NULL for none)"))),
        other => Ok(other),
    }
}
