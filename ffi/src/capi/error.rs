//! `lxd_result` codes and the owned `lxd_error` object. Rich Rust errors are flattened to codes in
//! exactly one function, `lxd_error::from_error`.

use std::ffi::{c_char, CString};

use crate::error::Error;
use lxd_core::Error as CoreError;

/// Result of every fallible function. The numbers are stable and never reused.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum lxd_result {
    /// Success.
    LXD_RESULT_OK = 0,
    /// The caller passed something invalid (NULL, invalid UTF-8, a bad name, malformed JSON). Nothing was sent.
    LXD_RESULT_INVALID_ARGUMENT = 1,
    /// LXD answered 404.
    LXD_RESULT_NOT_FOUND = 2,
    /// LXD answered 409 (already exists, busy).
    LXD_RESULT_CONFLICT = 3,
    /// LXD answered 412: the ETag given with `If-Match` is stale.
    LXD_RESULT_PRECONDITION_FAILED = 4,
    /// LXD answered 403 (this client is not trusted or not allowed).
    LXD_RESULT_FORBIDDEN = 5,
    /// Any other LXD error (see the HTTP status and message).
    LXD_RESULT_API = 6,
    /// A background operation finished with a failure.
    LXD_RESULT_OPERATION_FAILED = 7,
    /// The server's reply could not be understood.
    LXD_RESULT_PROTOCOL = 8,
    /// No connection could be made, or it broke.
    LXD_RESULT_CONNECTION = 9,
    /// TLS failed: server certificate not verified or not the pinned one.
    LXD_RESULT_TLS = 10,
    /// The timeout passed.
    LXD_RESULT_TIMEOUT = 11,
    /// Cancelled or closed from another thread.
    LXD_RESULT_CANCELLED = 12,
    /// Local I/O error (files, descriptors, callbacks).
    LXD_RESULT_IO = 13,
    /// A bug: a panic was caught at the ABI boundary.
    LXD_RESULT_PANIC = 14,
}

impl lxd_result {
    /// The code for a number, if it is one.
    pub fn from_i32(n: i32) -> Option<lxd_result> {
        use lxd_result::*;
        const ALL: [lxd_result; 15] = [
            LXD_RESULT_OK, LXD_RESULT_INVALID_ARGUMENT, LXD_RESULT_NOT_FOUND, LXD_RESULT_CONFLICT,
            LXD_RESULT_PRECONDITION_FAILED, LXD_RESULT_FORBIDDEN, LXD_RESULT_API, LXD_RESULT_OPERATION_FAILED,
            LXD_RESULT_PROTOCOL, LXD_RESULT_CONNECTION, LXD_RESULT_TLS, LXD_RESULT_TIMEOUT,
            LXD_RESULT_CANCELLED, LXD_RESULT_IO, LXD_RESULT_PANIC,
        ];
        ALL.into_iter().find(|c| *c as i32 == n)
    }
}

/// An error: code, HTTP status (0 when none) and message. Free with `lxd_error_free`.
pub struct lxd_error {
    pub(crate) code: lxd_result,
    pub(crate) http_status: u16,
    pub(crate) message: CString,
    pub(crate) metadata: Option<CString>,
}

impl lxd_error {
    pub(crate) fn new(code: lxd_result, http_status: u16, message: String) -> lxd_error {
        let message = CString::new(message.replace('\0', "\\0")).unwrap_or_default();
        lxd_error { code, http_status, message, metadata: None }
    }

    /// The one place where Rust errors become C codes.
    pub(crate) fn from_error(e: &Error) -> lxd_error {
        use lxd_result::*;
        let (code, status) = match e {
            Error::Core(CoreError::InvalidArgument(_)) => (LXD_RESULT_INVALID_ARGUMENT, 0),
            Error::Core(CoreError::Api { status, .. }) => (
                match status {
                    404 => LXD_RESULT_NOT_FOUND,
                    409 => LXD_RESULT_CONFLICT,
                    412 => LXD_RESULT_PRECONDITION_FAILED,
                    403 => LXD_RESULT_FORBIDDEN,
                    _ => LXD_RESULT_API,
                },
                *status,
            ),
            Error::Core(CoreError::OperationFailed { .. }) => (LXD_RESULT_OPERATION_FAILED, 0),
            Error::Core(CoreError::Protocol(_)) => (LXD_RESULT_PROTOCOL, 0),
            Error::Connect(_) => (LXD_RESULT_CONNECTION, 0),
            Error::Tls(_) => (LXD_RESULT_TLS, 0),
            Error::Timeout(_) => (LXD_RESULT_TIMEOUT, 0),
            Error::Cancelled => (LXD_RESULT_CANCELLED, 0),
            Error::Io(_) => (LXD_RESULT_IO, 0),
        };
        let mut err = lxd_error::new(code, status, e.to_string());
        if let Error::Core(CoreError::OperationFailed { metadata, .. }) = e {
            err.metadata = CString::new(metadata.as_str()).ok();
        }
        err
    }
}

/// The error's code. `LXD_RESULT_INVALID_ARGUMENT` for NULL.
#[no_mangle]
pub unsafe extern "C" fn lxd_error_code(err: *const lxd_error) -> lxd_result {
    // SAFETY: NULL or a live error from this library.
    unsafe { err.as_ref() }.map(|e| e.code).unwrap_or(lxd_result::LXD_RESULT_INVALID_ARGUMENT)
}

/// The HTTP status LXD answered with (404, 409, ...), or 0 when the error did not come from LXD.
#[no_mangle]
pub unsafe extern "C" fn lxd_error_http_status(err: *const lxd_error) -> u16 {
    // SAFETY: NULL or a live error from this library.
    unsafe { err.as_ref() }.map(|e| e.http_status).unwrap_or(0)
}

/// The message (UTF-8). Borrowed: valid until `lxd_error_free(err)`. Empty string for NULL.
#[no_mangle]
pub unsafe extern "C" fn lxd_error_message(err: *const lxd_error) -> *const c_char {
    // SAFETY: NULL or a live error from this library.
    match unsafe { err.as_ref() } {
        Some(e) => e.message.as_ptr(),
        None => c"".as_ptr(),
    }
}

/// For `LXD_RESULT_OPERATION_FAILED`: the failed operation's metadata as JSON (exec keeps the
/// exit code in `return`). Borrowed: valid until `lxd_error_free(err)`. NULL when there is none.
#[no_mangle]
pub unsafe extern "C" fn lxd_error_operation_metadata(err: *const lxd_error) -> *const c_char {
    // SAFETY: NULL or a live error from this library.
    match unsafe { err.as_ref() }.and_then(|e| e.metadata.as_ref()) {
        Some(m) => m.as_ptr(),
        None => std::ptr::null(),
    }
}

/// A static name for a result code (`"LXD_RESULT_NOT_FOUND"`; `"LXD_RESULT_UNKNOWN"` for a number
/// that is no code); do not free.
#[no_mangle]
pub extern "C" fn lxd_result_name(code: i32) -> *const c_char {
    use lxd_result::*;
    let Some(code) = lxd_result::from_i32(code) else {
        return c"LXD_RESULT_UNKNOWN".as_ptr();
    };
    let s: &'static std::ffi::CStr = match code {
        LXD_RESULT_OK => c"LXD_RESULT_OK",
        LXD_RESULT_INVALID_ARGUMENT => c"LXD_RESULT_INVALID_ARGUMENT",
        LXD_RESULT_NOT_FOUND => c"LXD_RESULT_NOT_FOUND",
        LXD_RESULT_CONFLICT => c"LXD_RESULT_CONFLICT",
        LXD_RESULT_PRECONDITION_FAILED => c"LXD_RESULT_PRECONDITION_FAILED",
        LXD_RESULT_FORBIDDEN => c"LXD_RESULT_FORBIDDEN",
        LXD_RESULT_API => c"LXD_RESULT_API",
        LXD_RESULT_OPERATION_FAILED => c"LXD_RESULT_OPERATION_FAILED",
        LXD_RESULT_PROTOCOL => c"LXD_RESULT_PROTOCOL",
        LXD_RESULT_CONNECTION => c"LXD_RESULT_CONNECTION",
        LXD_RESULT_TLS => c"LXD_RESULT_TLS",
        LXD_RESULT_TIMEOUT => c"LXD_RESULT_TIMEOUT",
        LXD_RESULT_CANCELLED => c"LXD_RESULT_CANCELLED",
        LXD_RESULT_IO => c"LXD_RESULT_IO",
        LXD_RESULT_PANIC => c"LXD_RESULT_PANIC",
    };
    s.as_ptr()
}

/// Free an error. NULL is fine.
#[no_mangle]
pub unsafe extern "C" fn lxd_error_free(err: *mut lxd_error) {
    if !err.is_null() {
        // SAFETY: allocated by `Box::into_raw` in this library.
        drop(unsafe { Box::from_raw(err) });
    }
}
