//! `lxd_console`: an attached instance console (the text console of a container or VM): read what
//! the instance writes to its console, type into it, resize it, detach.

use std::ffi::c_char;
use std::time::Duration;

use super::client::{client_ref, lxd_client};
use super::{arg_ref, arg_str, check_out, guard, lxd_error, lxd_result};
use crate::console::ConsoleSession;
use crate::error::Error;

/// An attached instance console. One thread may `lxd_console_read` while others
/// `lxd_console_write`, `lxd_console_resize` or `lxd_console_close`. Free with
/// `lxd_console_free` once no call is using it.
pub struct lxd_console {
    session: ConsoleSession,
}

/// Attach to the text console of the running instance `name` (`POST
/// /1.0/instances/<name>/console` with type `console`, then its data and control websockets):
/// `width`/`height` 0 take LXD's default size. On success `*console_out` owns a new handle.
/// A stopped instance: `LXD_RESULT_API` (LXD refuses).
#[no_mangle]
pub unsafe extern "C" fn lxd_console_attach(client: *const lxd_client, name: *const c_char, width: u32, height: u32, console_out: *mut *mut lxd_console, err_out: *mut *mut lxd_error) -> lxd_result {
    guard(err_out, || unsafe {
        check_out(console_out, "console_out")?;
        let c = client_ref(client)?;
        let session = c.console_attach(arg_str(name, "name")?, width, height)?;
        *console_out = Box::into_raw(Box::new(lxd_console { session }));
        Ok(())
    })
}

/// Send `len` bytes to the console (keystrokes). `data` may be NULL only when `len` is 0.
#[no_mangle]
pub unsafe extern "C" fn lxd_console_write(console: *const lxd_console, data: *const u8, len: usize, err_out: *mut *mut lxd_error) -> lxd_result {
    guard(err_out, || {
        let con = unsafe { arg_ref(console, "console") }?;
        if len == 0 {
            return con.session.write(&[]);
        }
        if data.is_null() {
            return Err(Error::invalid("data is NULL"));
        }
        // SAFETY: len readable bytes (contract).
        con.session.write(unsafe { std::slice::from_raw_parts(data, len) })
    })
}

/// Read console output: up to `cap` bytes into `buf`, the count in `*n_out`; 0 once LXD ended
/// the console. `timeout_ms` < 0 waits without limit; past it `LXD_RESULT_TIMEOUT` and nothing
/// is lost. After `lxd_console_close` (also from another thread while this call is blocked):
/// `LXD_RESULT_CANCELLED`. One reader at a time.
#[no_mangle]
pub unsafe extern "C" fn lxd_console_read(console: *const lxd_console, buf: *mut u8, cap: usize, timeout_ms: i64, n_out: *mut usize, err_out: *mut *mut lxd_error) -> lxd_result {
    guard(err_out, || {
        check_out(n_out, "n_out")?;
        check_out(buf, "buf")?;
        if cap == 0 {
            return Err(Error::invalid("cap is 0"));
        }
        let con = unsafe { arg_ref(console, "console") }?;
        let timeout = (timeout_ms >= 0).then(|| Duration::from_millis(timeout_ms as u64));
        // SAFETY: cap writable bytes (contract).
        let n = con.session.read(unsafe { std::slice::from_raw_parts_mut(buf, cap) }, timeout)?;
        // SAFETY: checked non-NULL.
        unsafe { *n_out = n };
        Ok(())
    })
}

/// Resize the console's terminal to `width` x `height` characters (both ≥ 1).
#[no_mangle]
pub unsafe extern "C" fn lxd_console_resize(console: *const lxd_console, width: u32, height: u32, err_out: *mut *mut lxd_error) -> lxd_result {
    guard(err_out, || unsafe { arg_ref(console, "console") }?.session.resize(width, height))
}

/// Detach: both websockets are shut and LXD ends the console operation (the instance keeps
/// running). A `lxd_console_read` blocked in another thread returns `LXD_RESULT_CANCELLED`, and
/// so do later calls. Any thread, any number of times; NULL is ignored.
#[no_mangle]
pub unsafe extern "C" fn lxd_console_close(console: *const lxd_console) {
    let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        // SAFETY: NULL or a live handle.
        if let Some(c) = unsafe { console.as_ref() } {
            c.session.close();
        }
    }));
}

/// Free the handle (detaching first). NULL is fine. No call may be using it.
#[no_mangle]
pub unsafe extern "C" fn lxd_console_free(console: *mut lxd_console) {
    if !console.is_null() {
        // SAFETY: allocated by this library.
        let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| drop(unsafe { Box::from_raw(console) })));
    }
}
