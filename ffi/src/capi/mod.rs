//! The C ABI. One module per C object (`lxd_client`, `lxd_instance_*`, ...); the plumbing (panic
//! boundary, argument checks, out-parameters, error mapping) lives here, once.
//!
//! Conventions (also in the README): every fallible function returns [`lxd_result`] and takes
//! `lxd_error **err_out` last (may be NULL); outputs are written only on success; strings returned
//! by the library are freed with [`lxd_string_free`]; each handle has one `_free`, which accepts
//! NULL; NULL or non-UTF-8 arguments give `LXD_RESULT_INVALID_ARGUMENT`; no panic crosses the ABI.

#![allow(non_camel_case_types)]
#![allow(clippy::missing_safety_doc)]

pub mod certificate;
mod collection;
pub mod client;
pub mod error;
pub mod image;
pub mod instance;
pub mod network;
pub mod operation;
pub mod profile;
pub mod raw;
pub mod remote;
pub mod server;
pub mod snapshot;
pub mod storage;
pub mod exec;
pub mod events;
pub mod file;
pub mod image_transfer;
pub mod migrate;
// The rest of LXD's API (full-API work).
pub mod backup;
pub mod backup_stream;
mod calls;
pub mod certificate_token;
pub mod console;
pub mod cluster;
pub mod metrics;
pub mod network_acl;
pub mod network_forward;
pub mod network_integration;
pub mod network_lease;
pub mod network_load_balancer;
pub mod network_peer;
pub mod network_zone;
pub mod project;
pub mod storage_bucket;
pub mod storage_volume;
pub mod warning;

use std::ffi::{c_char, CStr, CString};
use std::panic::{catch_unwind, AssertUnwindSafe};

use crate::error::{Error, Result};
pub use error::{lxd_error, lxd_result};

/// Run `f` behind the panic boundary; map its error into `*err_out`.
pub(crate) fn guard(err_out: *mut *mut lxd_error, f: impl FnOnce() -> Result<()>) -> lxd_result {
    let outcome = catch_unwind(AssertUnwindSafe(f));
    let err = match outcome {
        Ok(Ok(())) => return lxd_result::LXD_RESULT_OK,
        Ok(Err(e)) => lxd_error::from_error(&e),
        Err(p) => {
            let msg = p
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| p.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "unknown panic".into());
            lxd_error::new(lxd_result::LXD_RESULT_PANIC, 0, format!("internal error (panic caught at the ABI): {msg}"))
        }
    };
    let code = err.code;
    if !err_out.is_null() {
        // SAFETY: the caller passed a writable `lxd_error **` (documented contract).
        unsafe { *err_out = Box::into_raw(Box::new(err)) };
    }
    code
}

/// Borrow a required C string argument.
pub(crate) unsafe fn arg_str<'a>(p: *const c_char, what: &str) -> Result<&'a str> {
    if p.is_null() {
        return Err(Error::invalid(format!("{what} is NULL")));
    }
    // SAFETY: non-NULL, NUL-terminated by contract.
    unsafe { CStr::from_ptr(p) }.to_str().map_err(|_| Error::invalid(format!("{what} is not valid UTF-8")))
}

/// Borrow an optional C string argument (NULL → None).
pub(crate) unsafe fn arg_opt_str<'a>(p: *const c_char, what: &str) -> Result<Option<&'a str>> {
    if p.is_null() {
        Ok(None)
    } else {
        unsafe { arg_str(p, what) }.map(Some)
    }
}

/// Borrow a handle argument.
pub(crate) unsafe fn arg_ref<'a, T>(p: *const T, what: &str) -> Result<&'a T> {
    // SAFETY: a non-NULL handle pointer came from this library (contract).
    unsafe { p.as_ref() }.ok_or_else(|| Error::invalid(format!("{what} is NULL")))
}

/// Check a required out-parameter before doing any work.
pub(crate) fn check_out<T>(p: *mut T, what: &str) -> Result<()> {
    if p.is_null() {
        Err(Error::invalid(format!("{what} is NULL")))
    } else {
        Ok(())
    }
}

/// Make an owned C string for the caller (freed with `lxd_string_free`).
pub(crate) fn to_c_string(s: String) -> Result<*mut c_char> {
    CString::new(s).map(CString::into_raw).map_err(|_| Error::protocol("reply contains a NUL byte"))
}

/// Write an owned string to a required out-parameter.
pub(crate) unsafe fn write_string(out: *mut *mut c_char, s: String) -> Result<()> {
    let p = to_c_string(s)?;
    // SAFETY: checked non-NULL by the caller with `check_out`.
    unsafe { *out = p };
    Ok(())
}

/// Write an optional string to an optional out-parameter (NULL out: skipped; None: writes NULL).
pub(crate) unsafe fn write_opt_string(out: *mut *mut c_char, s: Option<String>) -> Result<()> {
    if out.is_null() {
        return Ok(());
    }
    let p = match s {
        Some(s) => to_c_string(s)?,
        None => std::ptr::null_mut(),
    };
    // SAFETY: non-NULL, writable by contract.
    unsafe { *out = p };
    Ok(())
}

/// Serialize a value as JSON text.
pub(crate) fn to_json<T: serde::Serialize>(v: &T) -> Result<String> {
    serde_json::to_string(v).map_err(|e| Error::protocol(format!("cannot serialize: {e}")))
}

/// Write a value as JSON to a required out-parameter.
pub(crate) unsafe fn write_json<T: serde::Serialize>(out: *mut *mut c_char, v: &T) -> Result<()> {
    unsafe { write_string(out, to_json(v)?) }
}

/// Free a string returned by this library. NULL is fine; never pass a string from anywhere else.
#[no_mangle]
pub unsafe extern "C" fn lxd_string_free(s: *mut c_char) {
    if !s.is_null() {
        let _ = catch_unwind(AssertUnwindSafe(|| {
            // SAFETY: allocated by `CString::into_raw` in this library.
            drop(unsafe { CString::from_raw(s) })
        }));
    }
}

/// Free a byte buffer returned by this library (`lxd_instance_exec`'s output,
/// `lxd_file_pull_bytes`), with the length it came with. NULL is fine.
#[no_mangle]
pub unsafe extern "C" fn lxd_bytes_free(buf: *mut u8, len: usize) {
    if !buf.is_null() {
        let _ = catch_unwind(AssertUnwindSafe(|| {
            // SAFETY: allocated as a boxed slice of exactly `len` bytes by this library.
            drop(unsafe { Box::from_raw(std::ptr::slice_from_raw_parts_mut(buf, len)) })
        }));
    }
}

/// The library version, e.g. `"0.1.0"` (static string; do not free).
#[no_mangle]
pub extern "C" fn lxd_version() -> *const c_char {
    concat!(env!("CARGO_PKG_VERSION"), "\0").as_ptr().cast()
}
