//! Images beyond the basics: refresh, one-time secrets, the public (untrusted) views, filtered
//! lists, and LXD-to-LXD pushes.
//!
//! Objects cross as JSON text in LXD's schema; returned strings are freed with `lxd_string_free`.

use std::ffi::c_char;

use lxd_core::api::images;
use lxd_core::models::Image;

use super::calls::{arg_opt_nonempty, hand_out_token, json_out_of};
use super::client::{client_ref, lxd_client};
use super::operation::{finish_op, lxd_operation};
use super::{arg_str, check_out, guard, lxd_error, lxd_result, write_string};

/// Refresh an image from its source now (`POST /1.0/images/<fingerprint>/refresh`); only images
/// with a source (`auto_update`) can be refreshed. `op_out` NULL: wait until done (its failure is
/// this call's error); else `*op_out` gets the operation handle, whose JSON says in
/// `metadata.refreshed` whether a newer image arrived (free it with `lxd_operation_free`).
#[no_mangle]
pub unsafe extern "C" fn lxd_image_refresh(client: *const lxd_client, fingerprint: *const c_char, op_out: *mut *mut lxd_operation, err_out: *mut *mut lxd_error) -> lxd_result {
    guard(err_out, || unsafe {
        let c = client_ref(client)?;
        let op = c.call(images::refresh(arg_str(fingerprint, "fingerprint")?)?)?;
        finish_op(c, Some(op), op_out)
    })
}

/// A one-time secret that lets an untrusted client fetch this private image (`POST
/// /1.0/images/<fingerprint>/secret`): `*secret_out` gets it (yours, freed with `lxd_string_free`);
/// see `lxd_image_get_public`. It stays valid until used or revoked: `op_out` (may be NULL) gets
/// the token operation's handle, whose `lxd_operation_cancel` revokes it. The call does not wait.
#[no_mangle]
pub unsafe extern "C" fn lxd_image_secret(client: *const lxd_client, fingerprint: *const c_char, secret_out: *mut *mut c_char, op_out: *mut *mut lxd_operation, err_out: *mut *mut lxd_error) -> lxd_result {
    guard(err_out, || unsafe {
        check_out(secret_out, "secret_out")?;
        let c = client_ref(client)?;
        let op = c.call(images::secret(arg_str(fingerprint, "fingerprint")?)?)?;
        write_string(secret_out, images::secret_value(&op)?)?;
        hand_out_token(c, op, op_out);
        Ok(())
    })
}

/// An image as an untrusted client may see it (`GET /1.0/images/<fingerprint>?public&secret=…`):
/// a public image, or a private one with `secret` from `lxd_image_secret` (NULL: none). JSON in
/// `*json_out` (yours). Private without a valid secret: `LXD_RESULT_NOT_FOUND`.
#[no_mangle]
pub unsafe extern "C" fn lxd_image_get_public(client: *const lxd_client, fingerprint: *const c_char, secret: *const c_char, json_out: *mut *mut c_char, err_out: *mut *mut lxd_error) -> lxd_result {
    guard(err_out, || unsafe {
        let fp = arg_str(fingerprint, "fingerprint")?;
        let secret = arg_opt_nonempty(secret, "secret")?;
        json_out_of(client, json_out, |c| Ok(c.call(images::get_untrusted(fp, secret)?)?.value))
    })
}

/// The public images (`GET /1.0/images?public`): `recursion` 0 gives a JSON array of
/// fingerprints, 1 (or more) objects. `*json_out` is yours.
#[no_mangle]
pub unsafe extern "C" fn lxd_image_list_public(client: *const lxd_client, recursion: i32, json_out: *mut *mut c_char, err_out: *mut *mut lxd_error) -> lxd_result {
    guard(err_out, || unsafe {
        json_out_of(client, json_out, |c| {
            if recursion <= 0 {
                Ok(serde_json::to_value(c.call(images::list_names_untrusted())?).unwrap_or_default())
            } else {
                Ok(serde_json::to_value(c.call(images::list_untrusted())?).unwrap_or_default())
            }
        })
    })
}

/// An alias of a public image (`GET /1.0/images/aliases/<name>?public`) as JSON in `*json_out`
/// (yours). An alias of a private image: `LXD_RESULT_NOT_FOUND`.
#[no_mangle]
pub unsafe extern "C" fn lxd_image_alias_get_public(client: *const lxd_client, name: *const c_char, json_out: *mut *mut c_char, err_out: *mut *mut lxd_error) -> lxd_result {
    guard(err_out, || unsafe {
        let name = arg_str(name, "name")?;
        json_out_of(client, json_out, |c| Ok(c.call(images::alias_get_untrusted(name)?)?.value))
    })
}

/// Images filtered by LXD's collection filter (`GET /1.0/images?filter=…`, e.g.
/// `"properties.os eq busybox"`; NULL: all): `recursion` 0 gives fingerprints, 1 objects.
#[no_mangle]
pub unsafe extern "C" fn lxd_image_list_filtered(client: *const lxd_client, recursion: i32, filter: *const c_char, json_out: *mut *mut c_char, err_out: *mut *mut lxd_error) -> lxd_result {
    guard(err_out, || unsafe {
        let filter = arg_opt_nonempty(filter, "filter")?;
        json_out_of(client, json_out, |c| {
            if recursion <= 0 {
                Ok(serde_json::to_value(c.call(images::list_names_filtered(filter))?).unwrap_or_default())
            } else {
                Ok(serde_json::to_value(c.call(images::list_filtered::<Image>(filter))?).unwrap_or_default())
            }
        })
    })
}

/// Make this server push an image to another LXD (`POST /1.0/images/<fingerprint>/export` with
/// `json`, LXD's `ImageExportPost`: `target` URL, `secret` and `certificate` of the receiving
/// server, `aliases`, `project`; LXD 5.0.2 ignores `aliases`: the pushed image gets those of the
/// receiving server's own request). `op_out` NULL: wait until done; else `*op_out` gets the operation.
#[no_mangle]
pub unsafe extern "C" fn lxd_image_push_to(client: *const lxd_client, fingerprint: *const c_char, json: *const c_char, op_out: *mut *mut lxd_operation, err_out: *mut *mut lxd_error) -> lxd_result {
    guard(err_out, || unsafe {
        let c = client_ref(client)?;
        let op = c.call(images::push_to(arg_str(fingerprint, "fingerprint")?, arg_str(json, "json")?)?)?;
        finish_op(c, Some(op), op_out)
    })
}
