//! Shared bodies of the collection functions (list, get, exists, create, update, patch, rename,
//! delete): each `lxd_<resource>_<verb>` is a one-line call into here.

use std::ffi::c_char;

use lxd_core::Collection;
use lxd_core::check::CheckJson;

use super::client::{client_ref, lxd_client};
use super::operation::{finish_op, lxd_operation};
use super::{arg_opt_str, arg_str, check_out, write_json, write_opt_string};
use crate::error::Result;

pub(crate) unsafe fn list<T: CheckJson>(client: *const lxd_client, coll: Collection, recursion: i32, json_out: *mut *mut c_char) -> Result<()> {
    check_out(json_out, "json_out")?;
    let c = unsafe { client_ref(client) }?;
    if recursion <= 0 {
        let names = c.call(coll.list_names())?;
        unsafe { write_json(json_out, &names) }
    } else {
        // LXD's array as it came, each member checked as a `T` (never parsed and serialized again).
        let items = c.call(coll.list_json::<T>(recursion.min(2) as u8))?;
        unsafe { super::write_string(json_out, items.json) }
    }
}

pub(crate) unsafe fn get<T: CheckJson>(client: *const lxd_client, coll: Collection, name: *const c_char, what: &str, json_out: *mut *mut c_char, etag_out: *mut *mut c_char) -> Result<()> {
    check_out(json_out, "json_out")?;
    let c = unsafe { client_ref(client) }?;
    let name = unsafe { arg_str(name, what) }?;
    // LXD's object as it came, checked as a `T`.
    let got = c.call(coll.get_json::<T>(name)?)?;
    unsafe { write_opt_string(etag_out, got.etag) }?;
    unsafe { super::write_string(json_out, got.json) }
}

pub(crate) unsafe fn exists(client: *const lxd_client, coll: Collection, name: *const c_char, what: &str, exists_out: *mut bool) -> Result<()> {
    check_out(exists_out, "exists_out")?;
    let c = unsafe { client_ref(client) }?;
    let name = unsafe { arg_str(name, what) }?;
    let e = c.call(coll.exists(name)?)?;
    // SAFETY: checked non-NULL.
    unsafe { *exists_out = e };
    Ok(())
}

pub(crate) unsafe fn create_sync(client: *const lxd_client, coll: Collection, json: *const c_char) -> Result<()> {
    let c = unsafe { client_ref(client) }?;
    let body = unsafe { arg_str(json, "json") }?;
    c.call(coll.create_sync(body)?)
}

pub(crate) unsafe fn create_async(client: *const lxd_client, coll: Collection, json: *const c_char, op_out: *mut *mut lxd_operation) -> Result<()> {
    let c = unsafe { client_ref(client) }?;
    let body = unsafe { arg_str(json, "json") }?;
    let op = c.call(coll.create_async(body)?)?;
    finish_op(c, Some(op), op_out)
}

pub(crate) unsafe fn put(client: *const lxd_client, coll: Collection, name: *const c_char, what: &str, json: *const c_char, etag: *const c_char, op_out: *mut *mut lxd_operation) -> Result<()> {
    let c = unsafe { client_ref(client) }?;
    let name = unsafe { arg_str(name, what) }?;
    let body = unsafe { arg_str(json, "json") }?;
    let etag = unsafe { arg_opt_str(etag, "etag") }?;
    let op = c.call(coll.put(name, body, etag)?)?;
    finish_op(c, op, op_out)
}

pub(crate) unsafe fn patch(client: *const lxd_client, coll: Collection, name: *const c_char, what: &str, json: *const c_char, etag: *const c_char, op_out: *mut *mut lxd_operation) -> Result<()> {
    let c = unsafe { client_ref(client) }?;
    let name = unsafe { arg_str(name, what) }?;
    let body = unsafe { arg_str(json, "json") }?;
    let etag = unsafe { arg_opt_str(etag, "etag") }?;
    let op = c.call(coll.patch(name, body, etag)?)?;
    finish_op(c, op, op_out)
}

pub(crate) unsafe fn rename(client: *const lxd_client, coll: Collection, name: *const c_char, what: &str, new_name: *const c_char, op_out: *mut *mut lxd_operation) -> Result<()> {
    let c = unsafe { client_ref(client) }?;
    let name = unsafe { arg_str(name, what) }?;
    let new_name = unsafe { arg_str(new_name, "new_name") }?;
    let op = c.call(coll.rename(name, new_name)?)?;
    finish_op(c, op, op_out)
}

pub(crate) unsafe fn delete(client: *const lxd_client, coll: Collection, name: *const c_char, what: &str, op_out: *mut *mut lxd_operation) -> Result<()> {
    let c = unsafe { client_ref(client) }?;
    let name = unsafe { arg_str(name, what) }?;
    let op = c.call(coll.delete(name)?)?;
    finish_op(c, op, op_out)
}
