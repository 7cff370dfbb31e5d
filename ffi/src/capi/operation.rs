//! `lxd_operation`: a background operation — wait (interruptible), cancel, inspect.

use std::ffi::{c_char, c_int, c_void, CString};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use lxd_core::{operation as ops, Operation};

use super::client::{client_ref, lxd_client, lxd_user_data_free_cb};
use super::{arg_ref, arg_str, check_out, guard, lxd_error, lxd_result, write_json};
use crate::error::{Error, Result};
use crate::{Canceller, Client};
use super::calls::json_out_of;
use lxd_core::api;

/// A background operation on the server. Another thread may call `lxd_operation_interrupt` to
/// make a blocked `lxd_operation_wait` return `LXD_RESULT_CANCELLED`. Free with `lxd_operation_free`.
pub struct lxd_operation {
    client: Client,
    id: CString,
    state: Mutex<Operation>,
    canceller: Canceller,
    progress: Mutex<Option<Arc<ProgressSink>>>,
}

impl lxd_operation {
    pub(crate) fn new(client: &Client, op: Operation) -> lxd_operation {
        lxd_operation { client: client.clone(), id: CString::new(op.id.clone()).unwrap_or_default(), state: Mutex::new(op), canceller: Canceller::new(), progress: Mutex::new(None) }
    }
    fn id_str(&self) -> &str {
        self.id.to_str().unwrap_or("")
    }
    fn set(&self, op: Operation) {
        if let Ok(mut s) = self.state.lock() {
            *s = op;
        }
    }
    fn snapshot(&self) -> Operation {
        self.state.lock().map(|s| s.clone()).unwrap_or_default()
    }
}

/// Hand an operation to the caller, or wait for it when the caller passed no `op_out`.
pub(crate) fn finish_op(client: &Client, op: Option<Operation>, op_out: *mut *mut lxd_operation) -> Result<()> {
    match (op, op_out.is_null()) {
        (Some(op), true) => client.wait_operation(&op.id, None, None).map(|_| ()),
        (None, true) => Ok(()),
        (op, false) => {
            let p = match op {
                Some(op) => Box::into_raw(Box::new(lxd_operation::new(client, op))),
                None => std::ptr::null_mut(),
            };
            // SAFETY: non-NULL, writable by contract.
            unsafe { *op_out = p };
            Ok(())
        }
    }
}

/// Open a handle on an existing operation by its id (`GET /1.0/operations/<id>`).
#[no_mangle]
pub unsafe extern "C" fn lxd_operation_open(client: *const lxd_client, id: *const c_char, op_out: *mut *mut lxd_operation, err_out: *mut *mut lxd_error) -> lxd_result {
    guard(err_out, || {
        check_out(op_out, "op_out")?;
        let c = unsafe { client_ref(client) }?;
        let id = unsafe { arg_str(id, "id") }?;
        let resp = c.send(ops::get(id)?)?;
        let op = Operation::parse(&resp)?;
        // SAFETY: checked non-NULL.
        unsafe { *op_out = Box::into_raw(Box::new(lxd_operation::new(c, op))) };
        Ok(())
    })
}

/// All operations the server knows (`GET /1.0/operations?recursion=1`), as a JSON array of
/// operation objects. `*json_out` is freed with `lxd_string_free`.
#[no_mangle]
pub unsafe extern "C" fn lxd_operation_list(client: *const lxd_client, json_out: *mut *mut c_char, err_out: *mut *mut lxd_error) -> lxd_result {
    guard(err_out, || {
        check_out(json_out, "json_out")?;
        let c = unsafe { client_ref(client) }?;
        let resp = c.send(ops::list())?;
        let list = ops::parse_list(&resp)?;
        unsafe { write_json(json_out, &list) }
    })
}

/// One progress report of an operation, as LXD's operation metadata gives it (image downloads,
/// unpacking an image, migrations: what `lxc` shows as "Retrieving image: 45%"). Every pointer is
/// borrowed and valid only during the callback; strings are never NULL.
#[repr(C)]
pub struct lxd_operation_progress {
    /// The operation's id.
    pub operation_id: *const c_char,
    /// The operation's status code at this report: 103 (Running) while it runs; the last report
    /// of a wait carries the final one (200 Success, 400 Failure, 401 Cancelled).
    pub status_code: i32,
    /// What progresses: LXD's metadata key without `_progress` — `download` (an image download),
    /// `create_instance_from_image_unpack`, `fs` (a migration) ... — or the `stage` of LXD's
    /// `progress` map. Empty when the operation reported no progress at all.
    pub stage: *const c_char,
    /// Percent done, 0 to 100; -1 when not known (the stage reports only an amount or a speed).
    pub percent: i32,
    /// Bytes processed so far; -1 when not known.
    pub processed: i64,
    /// Speed in bytes per second; -1 when not known.
    pub speed: i64,
    /// LXD's text for it, as `lxc` shows it (`"rootfs: 45% (12.30MB/s)"`); empty when none.
    pub text: *const c_char,
}

/// Operation progress callback (see `lxd_operation_set_progress_handler`): called on the thread
/// that runs `lxd_operation_wait`, with the report (valid only during the call) and the
/// `user_data` given with it. Return 0 to go on waiting, anything else to stop the wait: it then
/// returns `LXD_RESULT_CANCELLED` (the operation keeps running on the server). It must not call
/// `lxd_operation_set_progress_handler` or `lxd_operation_free` on the operation it reports.
pub type lxd_operation_progress_cb = Option<unsafe extern "C" fn(user_data: *mut c_void, progress: *const lxd_operation_progress) -> c_int>;

pub(crate) struct ProgressSink {
    cb: unsafe extern "C" fn(*mut c_void, *const lxd_operation_progress) -> c_int,
    user_data: *mut c_void,
    free: lxd_user_data_free_cb,
}

// SAFETY: the caller promises (documented) that the callback and `user_data` may be used from the
// thread that waits, and `free` from any thread.
unsafe impl Send for ProgressSink {}
unsafe impl Sync for ProgressSink {}

impl Drop for ProgressSink {
    fn drop(&mut self) {
        if let Some(f) = self.free {
            // SAFETY: the caller's destructor for its own `user_data`, called exactly once.
            unsafe { f(self.user_data) };
        }
    }
}

impl ProgressSink {
    pub(crate) fn new(cb: unsafe extern "C" fn(*mut c_void, *const lxd_operation_progress) -> c_int, user_data: *mut c_void, free: lxd_user_data_free_cb) -> ProgressSink {
        ProgressSink { cb, user_data, free }
    }
    /// Hand one report to the callback: true to go on.
    pub(crate) fn report(&self, id: &CString, op: &Operation, p: &lxd_core::progress::Progress) -> bool {
        let text = |s: &str| CString::new(s.replace('\0', "\\0")).unwrap_or_default();
        let (stage, line) = (text(&p.stage), text(&p.text));
        let record = lxd_operation_progress {
            operation_id: id.as_ptr(),
            status_code: i32::from(op.status_code),
            stage: stage.as_ptr(),
            percent: p.percent,
            processed: p.processed,
            speed: p.speed,
            text: line.as_ptr(),
        };
        // SAFETY: the caller's callback with its own user_data and a record valid for the call.
        unsafe { (self.cb)(self.user_data, &record) == 0 }
    }
}

/// Report the operation's server-side progress to `callback` while `lxd_operation_wait` waits on
/// it (image downloads — `download`, unpacking an image — `create_instance_from_image_unpack`,
/// migrations — `fs`: see `lxd_operation_progress`). The wait then listens to the operation's
/// events (`GET /1.0/events?type=operation`, one more connection while it waits) and reads the
/// operation (`GET /1.0/operations/<id>`) after every second without news; a client that may
/// not listen to events polls `GET /1.0/operations/<id>/wait?timeout=1` instead. The callback is
/// called whenever the progress changes, and once more when the operation ends, with its final
/// status code and the last progress seen (an empty stage and -1 numbers when there was none).
/// Operations that report no progress (most) only get that last call.
///
/// `callback` NULL removes the handler (`user_data_free`, if given, is then called at once).
/// `user_data_free` (may be NULL) is called with `user_data` when the handler is replaced or
/// removed, or the operation is freed — after any wait still using it has returned, on that
/// thread; it is not called when this function fails. NULL `op`: `LXD_RESULT_INVALID_ARGUMENT`.
#[no_mangle]
pub unsafe extern "C" fn lxd_operation_set_progress_handler(op: *const lxd_operation, callback: lxd_operation_progress_cb, user_data: *mut c_void, user_data_free: lxd_user_data_free_cb, err_out: *mut *mut lxd_error) -> lxd_result {
    guard(err_out, || {
        let o = unsafe { arg_ref(op, "op") }?;
        let sink = match callback {
            Some(cb) => Some(Arc::new(ProgressSink { cb, user_data, free: user_data_free })),
            None => {
                if let Some(f) = user_data_free {
                    // Nothing will ever call back with it: release it now.
                    unsafe { f(user_data) };
                }
                None
            }
        };
        let old = match o.progress.lock() {
            Ok(mut slot) => std::mem::replace(&mut *slot, sink),
            Err(_) => return Err(Error::Io("the operation's progress handler is unusable (a callback panicked)".into())),
        };
        // Released outside the lock (its user_data_free may take the caller's own locks).
        drop(old);
        Ok(())
    })
}

/// Wait until the operation finishes (`GET /1.0/operations/<id>/wait`). `timeout_ms` < 0 waits
/// up to the client's operation deadline (`lxd_client_builder_set_operation_deadline_ms`: 10
/// minutes unless set; without limit when set to 0); on timeout `LXD_RESULT_TIMEOUT` (the
/// operation keeps running). A failed operation
/// gives `LXD_RESULT_OPERATION_FAILED` with LXD's message; see `lxd_error_operation_metadata`.
/// `lxd_operation_interrupt` from another thread makes it return `LXD_RESULT_CANCELLED` promptly.
/// With a progress handler (`lxd_operation_set_progress_handler`) it reports the operation's
/// progress while it waits, on this thread.
#[no_mangle]
pub unsafe extern "C" fn lxd_operation_wait(op: *const lxd_operation, timeout_ms: i64, err_out: *mut *mut lxd_error) -> lxd_result {
    guard(err_out, || {
        let o = unsafe { arg_ref(op, "op") }?;
        let timeout = (timeout_ms >= 0).then(|| Duration::from_millis(timeout_ms as u64));
        let sink = o.progress.lock().ok().and_then(|s| s.clone());
        let waited = match &sink {
            Some(sink) => o.client.wait_operation_progress(o.id_str(), timeout, Some(&o.canceller), &mut |op, p| sink.report(&o.id, op, p)),
            None => o.client.wait_operation(o.id_str(), timeout, Some(&o.canceller)),
        };
        drop(sink);
        match waited {
            Ok(done) => {
                o.set(done);
                Ok(())
            }
            Err(e) => {
                if let Error::Core(lxd_core::Error::OperationFailed { status_code, message, metadata }) = &e {
                    let mut s = o.snapshot();
                    s.status_code = *status_code;
                    s.status = if *status_code == ops::status::CANCELLED { "Cancelled" } else { "Failure" }.to_string();
                    s.err = message.clone();
                    s.metadata = serde_json::from_str(metadata).unwrap_or_default();
                    o.set(s);
                }
                Err(e)
            }
        }
    })
}

/// Make a `lxd_operation_wait` blocked in another thread return `LXD_RESULT_CANCELLED` now, and
/// every later wait on this handle too. The operation keeps running on the server (see
/// `lxd_operation_cancel`). Safe to call from any thread, any number of times; NULL is ignored.
#[no_mangle]
pub unsafe extern "C" fn lxd_operation_interrupt(op: *const lxd_operation) {
    let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        // SAFETY: NULL or a live handle.
        if let Some(o) = unsafe { op.as_ref() } {
            o.canceller.cancel();
        }
    }));
}

/// Cancel the operation on the server (`DELETE /1.0/operations/<id>`); only operations with
/// `may_cancel` accept it (others: `LXD_RESULT_API`).
#[no_mangle]
pub unsafe extern "C" fn lxd_operation_cancel(op: *const lxd_operation, err_out: *mut *mut lxd_error) -> lxd_result {
    guard(err_out, || {
        let o = unsafe { arg_ref(op, "op") }?;
        let resp = o.client.send(ops::cancel(o.id_str())?)?;
        lxd_core::response::parse_empty(&resp).map_err(Error::from)
    })
}

/// Fetch the operation's current state from the server (`GET /1.0/operations/<id>`).
#[no_mangle]
pub unsafe extern "C" fn lxd_operation_refresh(op: *const lxd_operation, err_out: *mut *mut lxd_error) -> lxd_result {
    guard(err_out, || {
        let o = unsafe { arg_ref(op, "op") }?;
        let resp = o.client.send(ops::get(o.id_str())?)?;
        o.set(Operation::parse(&resp)?);
        Ok(())
    })
}

/// The operation's id (UUID). Borrowed: valid until `lxd_operation_free`. Empty for NULL.
#[no_mangle]
pub unsafe extern "C" fn lxd_operation_id(op: *const lxd_operation) -> *const c_char {
    // SAFETY: NULL or a live handle.
    match unsafe { op.as_ref() } {
        Some(o) => o.id.as_ptr(),
        None => c"".as_ptr(),
    }
}

/// The last known status code (103 Running, 200 Success, 400 Failure, 401 Cancelled...); -1 for NULL.
#[no_mangle]
pub unsafe extern "C" fn lxd_operation_status_code(op: *const lxd_operation) -> i32 {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        // SAFETY: NULL or a live handle.
        unsafe { op.as_ref() }.map(|o| i32::from(o.snapshot().status_code)).unwrap_or(-1)
    }))
    .unwrap_or(-1)
}

/// The last known state as LXD's operation JSON (`id`, `class`, `status_code`, `metadata`, `err`,
/// ...). `*json_out` is freed with `lxd_string_free`.
#[no_mangle]
pub unsafe extern "C" fn lxd_operation_json(op: *const lxd_operation, json_out: *mut *mut c_char, err_out: *mut *mut lxd_error) -> lxd_result {
    guard(err_out, || {
        check_out(json_out, "json_out")?;
        let o = unsafe { arg_ref(op, "op") }?;
        unsafe { write_json(json_out, &o.snapshot()) }
    })
}

/// Free the handle (the operation itself is not affected). NULL is fine.
#[no_mangle]
pub unsafe extern "C" fn lxd_operation_free(op: *mut lxd_operation) {
    if !op.is_null() {
        // SAFETY: allocated by this library.
        let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| drop(unsafe { Box::from_raw(op) })));
    }
}

/// The ids of every operation the server knows (`GET /1.0/operations`), all statuses, as a JSON
/// array in `*json_out` (yours, freed with `lxd_string_free`).
#[no_mangle]
pub unsafe extern "C" fn lxd_operation_list_ids(client: *const lxd_client, json_out: *mut *mut c_char, err_out: *mut *mut lxd_error) -> lxd_result {
    guard(err_out, || unsafe { json_out_of(client, json_out, |c| c.call(api::operations::list_ids())) })
}

/// Wait on an operation as an untrusted client holding its secret (`GET
/// /1.0/operations/<id>/wait?public&secret=…&timeout=N`): `timeout_secs` -1 waits without limit
/// (bounded by the client's timeout). `*json_out` gets the operation's JSON when it is final or
/// the timeout passed (yours) on LXD; Incus answers a timeout that passed with HTTP 500 "context
/// deadline exceeded", which is `LXD_RESULT_TIMEOUT` here, and a failed operation with its error
/// (`LXD_RESULT_API`, the operation's error text). A wrong secret: `LXD_RESULT_FORBIDDEN`.
#[no_mangle]
pub unsafe extern "C" fn lxd_operation_wait_untrusted(client: *const lxd_client, id: *const c_char, secret: *const c_char, timeout_secs: i64, json_out: *mut *mut c_char, err_out: *mut *mut lxd_error) -> lxd_result {
    guard(err_out, || unsafe {
        let id = arg_str(id, "id")?;
        let secret = arg_str(secret, "secret")?;
        json_out_of(client, json_out, |c| {
            c.call(api::operations::wait_untrusted(id, secret, timeout_secs)?).map_err(|e| match e {
                crate::error::Error::Core(ce) if lxd_core::operation::is_wait_deadline(&ce) => {
                    crate::error::Error::Timeout(format!("operation {id} still running after the wait timeout ({timeout_secs} s)"))
                }
                e => e,
            })
        })
    })
}
