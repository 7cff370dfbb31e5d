//! `lxd_event_listener`: LXD's event stream (`GET /1.0/events`, a websocket).

use std::ffi::c_char;
use std::time::Duration;

use super::client::{client_ref, lxd_client};
use super::{arg_opt_str, arg_ref, check_out, guard, lxd_error, lxd_result, write_string};
use crate::error::Error;
use crate::events::EventListener;

/// A subscription to LXD's events. `lxd_event_listener_next` from one thread at a time;
/// `lxd_event_listener_close` from any thread. Free with `lxd_event_listener_free` once no call
/// is using it.
pub struct lxd_event_listener {
    inner: EventListener,
}

/// Subscribe to events (`GET /1.0/events?type=<types>`, upgraded to a websocket). `types` is a
/// comma-separated list of `lifecycle`, `operation`, `logging` (NULL or "": every type; an
/// unknown name is `LXD_RESULT_INVALID_ARGUMENT` and nothing is sent; logging needs an admin
/// client). Events of the client's project, or of every project when `all_projects` is true.
/// Events that happen after this returns are delivered. On success `*listener_out` owns a new
/// listener.
#[no_mangle]
pub unsafe extern "C" fn lxd_event_listener_open(client: *const lxd_client, types: *const c_char, all_projects: bool, listener_out: *mut *mut lxd_event_listener, err_out: *mut *mut lxd_error) -> lxd_result {
    guard(err_out, || {
        check_out(listener_out, "listener_out")?;
        let c = unsafe { client_ref(client) }?;
        let list = unsafe { arg_opt_str(types, "types") }?.unwrap_or("");
        let types = lxd_core::events::parse_type_list(list)?;
        let l = c.events(&types, all_projects)?;
        // SAFETY: checked non-NULL.
        unsafe { *listener_out = Box::into_raw(Box::new(lxd_event_listener { inner: l })) };
        Ok(())
    })
}

/// Wait for the next event and put it in `*json_out` as LXD's event JSON (`type`, `timestamp`,
/// `project`, `location`, `metadata`; a lifecycle event's `metadata.action` is e.g.
/// `"instance-started"` and `metadata.source` the object's URL), freed with `lxd_string_free`.
/// `timeout_ms` < 0 waits without limit; past it `LXD_RESULT_TIMEOUT` (nothing is lost; call
/// again). After `lxd_event_listener_close`, `LXD_RESULT_CANCELLED` at once, also for a call
/// already blocked in another thread. When LXD ends the stream, `LXD_RESULT_CONNECTION`.
#[no_mangle]
pub unsafe extern "C" fn lxd_event_listener_next(listener: *const lxd_event_listener, timeout_ms: i64, json_out: *mut *mut c_char, err_out: *mut *mut lxd_error) -> lxd_result {
    guard(err_out, || {
        check_out(json_out, "json_out")?;
        let l = unsafe { arg_ref(listener, "listener") }?;
        let timeout = (timeout_ms >= 0).then(|| Duration::from_millis(timeout_ms as u64));
        match l.inner.next(timeout)? {
            Some(m) => unsafe { write_string(json_out, m.json) },
            None => Err(Error::Timeout(format!("no event within {timeout_ms} ms"))),
        }
    })
}

/// Stop listening: shuts the connection, so a `lxd_event_listener_next` blocked in another thread
/// returns `LXD_RESULT_CANCELLED` at once. Any thread, any number of times; NULL is ignored. The
/// listener still has to be freed.
#[no_mangle]
pub unsafe extern "C" fn lxd_event_listener_close(listener: *const lxd_event_listener) {
    let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        // SAFETY: NULL or a live listener.
        if let Some(l) = unsafe { listener.as_ref() } {
            l.inner.close();
        }
    }));
}

/// Free a listener (closing it first). NULL is fine. No call may be using it.
#[no_mangle]
pub unsafe extern "C" fn lxd_event_listener_free(listener: *mut lxd_event_listener) {
    if !listener.is_null() {
        // SAFETY: allocated by this library.
        let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| drop(unsafe { Box::from_raw(listener) })));
    }
}
