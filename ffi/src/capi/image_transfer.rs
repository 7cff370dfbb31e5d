//! Image transfer: `lxd_image_upload_*`, `lxd_image_export_*`, `lxd_image_copy_to`,
//! `lxd_image_create_from_url`, `lxd_image_create_from_simplestreams`.
//!
//! `options_json` arguments are JSON objects (NULL or "" for none); fingerprints returned are
//! freed with `lxd_string_free`.

use std::ffi::{c_char, c_int, c_void};
use std::path::Path;

use lxd_core::transfer;
use lxd_core::Operation;

use super::client::{client_ref, lxd_client};
use super::file::{lxd_progress_cb, with_progress};
use super::operation::lxd_operation;
use super::{arg_opt_str, arg_str, guard, lxd_error, lxd_result, write_opt_string};
use crate::error::Result;
use crate::stream::BorrowedFd;
use crate::Client;

unsafe fn write_fingerprint(out: *mut *mut c_char, fp: String) -> Result<()> {
    unsafe { write_opt_string(out, Some(fp)) }
}

/// Upload a unified image tarball from the file `path` (`POST /1.0/images`, body streamed from the
/// file with its size as `Content-Length`), wait until LXD has unpacked it, then create the
/// requested aliases. `options_json` (may be NULL): `{"public": bool, "filename": "...",
/// "properties": {"k": "v"}, "aliases": ["name", {"name": "...", "description": "..."}]}` (sent as
/// `X-LXD-public`, `X-LXD-filename`, `X-LXD-properties`; unknown keys are refused). `progress` (may
/// be NULL) counts uploaded bytes. `fingerprint_out` may be NULL; else `*fingerprint_out` gets the
/// new image's fingerprint. Uploading an image that already exists fails with
/// `LXD_RESULT_OPERATION_FAILED` ("Image with same fingerprint already exists").
#[no_mangle]
pub unsafe extern "C" fn lxd_image_upload_path(client: *const lxd_client, path: *const c_char, options_json: *const c_char, progress: lxd_progress_cb, progress_user: *mut c_void, fingerprint_out: *mut *mut c_char, err_out: *mut *mut lxd_error) -> lxd_result {
    guard(err_out, || {
        let c = unsafe { client_ref(client) }?;
        let path = unsafe { arg_str(path, "path") }?;
        let opts = unsafe { arg_opt_str(options_json, "options_json") }?;
        let fp = with_progress(progress, progress_user, |p| c.image_upload_path(Path::new(path), opts, p))?;
        unsafe { write_fingerprint(fingerprint_out, fp) }
    })
}

/// Upload a split image: the metadata tarball `meta_path` and the root filesystem `rootfs_path`,
/// sent as one `multipart/form-data` body (`metadata` part first, then `rootfs`) streamed from the
/// two files. Options, progress and `fingerprint_out` as in `lxd_image_upload_path`.
#[no_mangle]
pub unsafe extern "C" fn lxd_image_upload_split(client: *const lxd_client, meta_path: *const c_char, rootfs_path: *const c_char, options_json: *const c_char, progress: lxd_progress_cb, progress_user: *mut c_void, fingerprint_out: *mut *mut c_char, err_out: *mut *mut lxd_error) -> lxd_result {
    guard(err_out, || {
        let c = unsafe { client_ref(client) }?;
        let meta = unsafe { arg_str(meta_path, "meta_path") }?;
        let rootfs = unsafe { arg_str(rootfs_path, "rootfs_path") }?;
        let opts = unsafe { arg_opt_str(options_json, "options_json") }?;
        let fp = with_progress(progress, progress_user, |p| c.image_upload_split(Path::new(meta), Path::new(rootfs), opts, p))?;
        unsafe { write_fingerprint(fingerprint_out, fp) }
    })
}

/// Export an image (`GET /1.0/images/<fingerprint>/export`; a unique prefix of the fingerprint is
/// fine) to files, streamed and ATOMIC: a unified image becomes `path`; a split image becomes
/// `path` (metadata tarball) and `rootfs_path` (root filesystem), which must then be non-NULL
/// (else `LXD_RESULT_INVALID_ARGUMENT`). For a unified image `rootfs_path` may be NULL and is not
/// created. The files appear only when all data arrived and its SHA-256 matches the fingerprint
/// (mismatch: `LXD_RESULT_PROTOCOL`); on any failure nothing is left behind. `progress` (may be
/// NULL) counts bytes against the image's size. `split_out` may be NULL; else it tells whether the
/// image was split.
#[no_mangle]
pub unsafe extern "C" fn lxd_image_export_path(client: *const lxd_client, fingerprint: *const c_char, path: *const c_char, rootfs_path: *const c_char, progress: lxd_progress_cb, progress_user: *mut c_void, split_out: *mut bool, err_out: *mut *mut lxd_error) -> lxd_result {
    guard(err_out, || {
        let c = unsafe { client_ref(client) }?;
        let fp = unsafe { arg_str(fingerprint, "fingerprint") }?;
        let path = unsafe { arg_str(path, "path") }?;
        let rootfs = unsafe { arg_opt_str(rootfs_path, "rootfs_path") }?;
        let info = with_progress(progress, progress_user, |p| c.image_export_path(fp, Path::new(path), rootfs.map(Path::new), p))?;
        if !split_out.is_null() {
            // SAFETY: non-NULL, writable by contract.
            unsafe { *split_out = info.split };
        }
        Ok(())
    })
}

/// As `lxd_image_export_path`, writing to open descriptors (from their current offsets; not
/// closed): `fd` gets the unified tarball or the metadata tarball, `rootfs_fd` the rootfs of a
/// split image (-1 when there is none; a split image then fails with
/// `LXD_RESULT_INVALID_ARGUMENT`). On failure some data may already have been written.
#[no_mangle]
pub unsafe extern "C" fn lxd_image_export_fd(client: *const lxd_client, fingerprint: *const c_char, fd: c_int, rootfs_fd: c_int, progress: lxd_progress_cb, progress_user: *mut c_void, split_out: *mut bool, err_out: *mut *mut lxd_error) -> lxd_result {
    guard(err_out, || {
        let c = unsafe { client_ref(client) }?;
        let fp = unsafe { arg_str(fingerprint, "fingerprint") }?;
        // SAFETY: the caller keeps the descriptors open for the call; they are not closed.
        let mut meta = unsafe { BorrowedFd::new(fd) }?;
        let mut rootfs = if rootfs_fd >= 0 { Some(unsafe { BorrowedFd::new(rootfs_fd) }?) } else { None };
        let info = with_progress(progress, progress_user, |p| {
            let rootfs_sink: Option<&mut dyn std::io::Write> = match rootfs.as_mut() {
                Some(r) => Some(r),
                None => None,
            };
            c.image_export_to(fp, &mut meta, rootfs_sink, p)
        })?;
        if !split_out.is_null() {
            // SAFETY: non-NULL, writable by contract.
            unsafe { *split_out = info.split };
        }
        Ok(())
    })
}

/// Copy the image `fingerprint` (or a unique prefix) from `source` to `target` as LXD's own
/// client does: `POST /1.0/images/<fp>/secret` on the source, then `POST /1.0/images` on the target
/// with `source: {type: image, mode: pull, server: <source URL>, certificate: <source server
/// certificate>, secret, fingerprint}`, and wait. The target downloads the image from the source
/// over HTTPS, so the source must listen on the network (`core.https_address`); the target need not
/// be trusted by it. `options_json` (may be NULL): `public`, `auto_update`, `aliases` for the
/// target, and `source_url` (the source's `https://host:port` as the target reaches it; default:
/// the source client's URL, else the first of its `environment.addresses`). `fingerprint_out` may
/// be NULL. On failure the unused secret is revoked.
#[no_mangle]
pub unsafe extern "C" fn lxd_image_copy_to(source: *const lxd_client, fingerprint: *const c_char, target: *const lxd_client, options_json: *const c_char, fingerprint_out: *mut *mut c_char, err_out: *mut *mut lxd_error) -> lxd_result {
    guard(err_out, || {
        let src = unsafe { client_ref(source) }?;
        let fp = unsafe { arg_str(fingerprint, "fingerprint") }?;
        let dst = unsafe { client_ref(target) }?;
        let opts = unsafe { arg_opt_str(options_json, "options_json") }?;
        let got = src.image_copy_to(fp, dst, opts)?;
        unsafe { write_fingerprint(fingerprint_out, got) }
    })
}

/// Finish an image-creating operation: wait and report the fingerprint, or hand the operation out.
pub(crate) unsafe fn finish_image_op(c: &Client, op: Operation, op_out: *mut *mut lxd_operation, fingerprint_out: *mut *mut c_char) -> Result<()> {
    if op_out.is_null() {
        let done = c.wait_operation(&op.id, None, None)?;
        let fp = transfer::image_fingerprint(&done)?;
        unsafe { write_fingerprint(fingerprint_out, fp) }
    } else {
        unsafe { write_opt_string(fingerprint_out, None) }?;
        // SAFETY: non-NULL, writable by contract.
        unsafe { *op_out = Box::into_raw(Box::new(lxd_operation::new(c, op))) };
        Ok(())
    }
}

/// Have LXD download an image from `url` (`POST /1.0/images` with `source: {type: url, url}`; the
/// URL must answer with LXD's `LXD-Image-Hash` / `LXD-Image-URL` headers). `options_json` (may be
/// NULL) adds ImagesPost fields (`public`, `auto_update`, `aliases`, `properties`; a `source`
/// object adds source fields). `op_out` NULL: wait, then `*fingerprint_out` (may be NULL) gets the
/// fingerprint; else `*op_out` gets the running operation (its metadata holds `fingerprint` once
/// done) and `*fingerprint_out`, if given, is set to NULL.
#[no_mangle]
pub unsafe extern "C" fn lxd_image_create_from_url(client: *const lxd_client, url: *const c_char, options_json: *const c_char, op_out: *mut *mut lxd_operation, fingerprint_out: *mut *mut c_char, err_out: *mut *mut lxd_error) -> lxd_result {
    guard(err_out, || {
        let c = unsafe { client_ref(client) }?;
        let url = unsafe { arg_str(url, "url") }?;
        let opts = unsafe { arg_opt_str(options_json, "options_json") }?;
        let op = c.image_create_from_url(url, opts, false)?;
        unsafe { finish_image_op(c, op, op_out, fingerprint_out) }
    })
}

/// Have LXD download `alias` (or a fingerprint) from the simplestreams server `server` (e.g.
/// `"https://images.example.org"`): `POST /1.0/images` with `source: {type: image, mode: pull,
/// protocol: simplestreams, server, alias}`. Options, `op_out` and `fingerprint_out` as in
/// `lxd_image_create_from_url` (e.g. `{"auto_update": true, "source": {"image_type":
/// "virtual-machine"}}`).
#[no_mangle]
pub unsafe extern "C" fn lxd_image_create_from_simplestreams(client: *const lxd_client, server: *const c_char, alias: *const c_char, options_json: *const c_char, op_out: *mut *mut lxd_operation, fingerprint_out: *mut *mut c_char, err_out: *mut *mut lxd_error) -> lxd_result {
    guard(err_out, || {
        let c = unsafe { client_ref(client) }?;
        let server = unsafe { arg_str(server, "server") }?;
        let alias = unsafe { arg_str(alias, "alias") }?;
        let opts = unsafe { arg_opt_str(options_json, "options_json") }?;
        let op = c.image_create_from_simplestreams(server, alias, opts, false)?;
        unsafe { finish_image_op(c, op, op_out, fingerprint_out) }
    })
}
