//! Streamed backups: export an instance or volume backup to a file or descriptor, and import one as
//! a new instance or volume, with a progress callback that can cancel. Nothing is held in memory
//! whole: the plumbing is the file/image transfers' (`crate::stream`), progress as `lxd_progress_cb`.

use std::ffi::{c_char, c_int, c_void};
use std::fs::File;
use std::io::{Read, Write};
use std::path::Path;

use lxd_core::api::{self, Call};
use lxd_core::{Operation, Request};

use super::client::{client_ref, lxd_client};
use super::file::{lxd_progress_cb, with_progress};
use super::operation::{finish_op, lxd_operation};
use super::{arg_opt_str, arg_str, guard, lxd_error, lxd_result};
use crate::error::{Error, Result};
use crate::stream::{self, AtomicFile, BorrowedFd, Progress, ProgressFn};
use crate::Client;

/// Stream the body of a GET to `sink`; a short body (fewer bytes than `Content-Length`) is an error.
fn download<'a>(c: &Client, req: Request, sink: &mut dyn Write, cb: Option<&'a mut ProgressFn<'a>>) -> Result<u64> {
    let dl = stream::download(c, req)?;
    let total = dl.content_length();
    let mut progress = Progress::new(cb, total.unwrap_or(0));
    progress.report()?;
    let mut body = dl.body.into_reader();
    let n = stream::copy_body(&mut body, sink, &mut progress, None)?;
    sink.flush().map_err(|e| Error::Io(format!("cannot write the backup: {e}")))?;
    if let Some(t) = total {
        if n != t {
            return Err(Error::protocol(format!("backup download ended after {n} of {t} bytes")));
        }
    }
    Ok(n)
}

/// Download into `path`, which appears only once the whole backup arrived.
fn download_to_path<'a>(c: &Client, req: Request, path: &Path, cb: Option<&'a mut ProgressFn<'a>>) -> Result<u64> {
    let mut file = AtomicFile::create(path)?;
    let n = download(c, req, file.file(), cb)?;
    file.commit(Some(0o644))?;
    Ok(n)
}

/// Stream `source` as the body of an import call (`Body::Stream`) and parse its operation.
fn upload<'a>(c: &Client, call: Call<Operation>, source: &mut dyn Read, len: Option<u64>, cb: Option<&'a mut ProgressFn<'a>>) -> Result<Operation> {
    let mut progress = Progress::new(cb, len.unwrap_or(0));
    let resp = stream::upload(c, call.request.clone(), source, len, &mut progress)?;
    Ok(call.parse(&resp)?)
}

fn open_source(path: &str) -> Result<(File, u64)> {
    let f = File::open(path).map_err(|e| Error::Io(format!("cannot open {path:?}: {e}")))?;
    let len = f.metadata().map_err(|e| Error::Io(format!("cannot stat {path:?}: {e}")))?.len();
    Ok((f, len))
}

unsafe fn instance_export_req(instance: *const c_char, name: *const c_char) -> Result<Request> {
    Ok(api::instance_backups::export(unsafe { arg_str(instance, "instance") }?, unsafe { arg_str(name, "name") }?)?)
}

unsafe fn volume_export_req(pool: *const c_char, volume_type: *const c_char, volume: *const c_char, name: *const c_char) -> Result<Request> {
    unsafe { Ok(api::storage_volumes::backup_export(arg_str(pool, "pool")?, arg_str(volume_type, "volume_type")?, arg_str(volume, "volume")?, arg_str(name, "name")?)?) }
}

/// Download an instance backup (`GET /1.0/instances/<instance>/backups/<name>/export`, a tarball)
/// into the file `path`, through a temporary file next to it that replaces `path` only once the
/// whole backup arrived. `progress` (may be NULL) is called with `progress_user`. Arguments are
/// borrowed; NULL strings: `LXD_RESULT_INVALID_ARGUMENT`. Cancelled by the callback:
/// `LXD_RESULT_CANCELLED` (nothing left behind).
#[no_mangle]
pub unsafe extern "C" fn lxd_instance_backup_export_path(client: *const lxd_client, instance: *const c_char, name: *const c_char, path: *const c_char, progress: lxd_progress_cb, progress_user: *mut c_void, err_out: *mut *mut lxd_error) -> lxd_result {
    guard(err_out, || unsafe {
        let c = client_ref(client)?;
        let req = instance_export_req(instance, name)?;
        let path = arg_str(path, "path")?;
        with_progress(progress, progress_user, |cb| download_to_path(c, req, Path::new(path), cb)).map(|_| ())
    })
}

/// As `lxd_instance_backup_export_path`, writing to the open descriptor `fd` (a file, pipe or
/// socket; it stays yours and open). On failure part of the backup may have been written.
#[no_mangle]
pub unsafe extern "C" fn lxd_instance_backup_export_fd(client: *const lxd_client, instance: *const c_char, name: *const c_char, fd: c_int, progress: lxd_progress_cb, progress_user: *mut c_void, err_out: *mut *mut lxd_error) -> lxd_result {
    guard(err_out, || unsafe {
        let c = client_ref(client)?;
        let req = instance_export_req(instance, name)?;
        let mut f = BorrowedFd::new(fd)?;
        with_progress(progress, progress_user, |cb| download(c, req, &mut f, cb)).map(|_| ())
    })
}

#[allow(clippy::too_many_arguments)]
/// Every argument is checked before `source` opens the file or descriptor (a bad argument never
/// touches the file system).
unsafe fn instance_import<S: Read>(client: *const lxd_client, source: impl FnOnce() -> Result<(S, Option<u64>)>, name: *const c_char, pool: *const c_char, progress: lxd_progress_cb, progress_user: *mut c_void, op_out: *mut *mut lxd_operation) -> Result<()> {
    let c = unsafe { client_ref(client) }?;
    let name = unsafe { arg_opt_str(name, "name") }?;
    let pool = unsafe { arg_opt_str(pool, "pool") }?;
    let call = api::instances::import_backup(name, pool)?;
    let (mut source, len) = source()?;
    let op = with_progress(progress, progress_user, |cb| upload(c, call, &mut source, len, cb))?;
    finish_op(c, Some(op), op_out)
}

/// Create an instance from a backup tarball in the file `path` (`POST /1.0/instances` with the
/// file as an `application/octet-stream` body, streamed). `name` (may be NULL: the backup's) names
/// the new instance; `pool` (may be NULL: the backup's) is its storage pool. `progress` (may be
/// NULL) reports the upload. `op_out` NULL: wait until the instance exists (failure is this
/// call's error); else `*op_out` gets the operation handle, freed with `lxd_operation_free`.
#[no_mangle]
pub unsafe extern "C" fn lxd_instance_backup_import_path(client: *const lxd_client, path: *const c_char, name: *const c_char, pool: *const c_char, progress: lxd_progress_cb, progress_user: *mut c_void, op_out: *mut *mut lxd_operation, err_out: *mut *mut lxd_error) -> lxd_result {
    guard(err_out, || unsafe {
        let path = arg_str(path, "path")?;
        instance_import(client, || open_source(path).map(|(f, len)| (f, Some(len))), name, pool, progress, progress_user, op_out)
    })
}

/// As `lxd_instance_backup_import_path`, reading the backup from the open descriptor `fd` to its
/// end (it stays yours and open).
#[no_mangle]
pub unsafe extern "C" fn lxd_instance_backup_import_fd(client: *const lxd_client, fd: c_int, name: *const c_char, pool: *const c_char, progress: lxd_progress_cb, progress_user: *mut c_void, op_out: *mut *mut lxd_operation, err_out: *mut *mut lxd_error) -> lxd_result {
    guard(err_out, || unsafe {
        let source = || {
            let f = BorrowedFd::new(fd)?;
            let len = f.remaining_len();
            Ok((f, len))
        };
        instance_import(client, source, name, pool, progress, progress_user, op_out)
    })
}

/// Download a custom volume backup (`GET
/// /1.0/storage-pools/<pool>/volumes/<volume_type>/<volume>/backups/<name>/export`) into the file
/// `path` (atomically, as `lxd_instance_backup_export_path`). `progress` may be NULL.
#[no_mangle]
pub unsafe extern "C" fn lxd_storage_volume_backup_export_path(client: *const lxd_client, pool: *const c_char, volume_type: *const c_char, volume: *const c_char, name: *const c_char, path: *const c_char, progress: lxd_progress_cb, progress_user: *mut c_void, err_out: *mut *mut lxd_error) -> lxd_result {
    guard(err_out, || unsafe {
        let c = client_ref(client)?;
        let req = volume_export_req(pool, volume_type, volume, name)?;
        let path = arg_str(path, "path")?;
        with_progress(progress, progress_user, |cb| download_to_path(c, req, Path::new(path), cb)).map(|_| ())
    })
}

/// As `lxd_storage_volume_backup_export_path`, writing to the open descriptor `fd` (it stays yours).
#[no_mangle]
pub unsafe extern "C" fn lxd_storage_volume_backup_export_fd(client: *const lxd_client, pool: *const c_char, volume_type: *const c_char, volume: *const c_char, name: *const c_char, fd: c_int, progress: lxd_progress_cb, progress_user: *mut c_void, err_out: *mut *mut lxd_error) -> lxd_result {
    guard(err_out, || unsafe {
        let c = client_ref(client)?;
        let req = volume_export_req(pool, volume_type, volume, name)?;
        let mut f = BorrowedFd::new(fd)?;
        with_progress(progress, progress_user, |cb| download(c, req, &mut f, cb)).map(|_| ())
    })
}

#[allow(clippy::too_many_arguments)]
unsafe fn volume_import<S: Read>(client: *const lxd_client, pool: *const c_char, name: *const c_char, source: impl FnOnce() -> Result<(S, Option<u64>)>, progress: lxd_progress_cb, progress_user: *mut c_void, op_out: *mut *mut lxd_operation) -> Result<()> {
    let c = unsafe { client_ref(client) }?;
    let pool = unsafe { arg_str(pool, "pool") }?;
    let name = unsafe { arg_opt_str(name, "name") }?;
    let call = api::storage_volumes::import_backup(pool, name)?;
    let (mut source, len) = source()?;
    let op = with_progress(progress, progress_user, |cb| upload(c, call, &mut source, len, cb))?;
    finish_op(c, Some(op), op_out)
}

/// Create a custom volume in `pool` from a volume backup tarball in the file `path` (`POST
/// /1.0/storage-pools/<pool>/volumes/custom` with the file as the body, streamed). `name` (may be
/// NULL: the backup's) names it. `progress` may be NULL. `op_out` as in
/// `lxd_instance_backup_import_path`.
#[no_mangle]
pub unsafe extern "C" fn lxd_storage_volume_backup_import_path(client: *const lxd_client, pool: *const c_char, path: *const c_char, name: *const c_char, progress: lxd_progress_cb, progress_user: *mut c_void, op_out: *mut *mut lxd_operation, err_out: *mut *mut lxd_error) -> lxd_result {
    guard(err_out, || unsafe {
        let path = arg_str(path, "path")?;
        volume_import(client, pool, name, || open_source(path).map(|(f, len)| (f, Some(len))), progress, progress_user, op_out)
    })
}

/// As `lxd_storage_volume_backup_import_path`, reading from the open descriptor `fd` to its end.
#[no_mangle]
pub unsafe extern "C" fn lxd_storage_volume_backup_import_fd(client: *const lxd_client, pool: *const c_char, fd: c_int, name: *const c_char, progress: lxd_progress_cb, progress_user: *mut c_void, op_out: *mut *mut lxd_operation, err_out: *mut *mut lxd_error) -> lxd_result {
    guard(err_out, || unsafe {
        let source = || {
            let f = BorrowedFd::new(fd)?;
            let len = f.remaining_len();
            Ok((f, len))
        };
        volume_import(client, pool, name, source, progress, progress_user, op_out)
    })
}

unsafe fn bucket_export_req(pool: *const c_char, bucket: *const c_char, name: *const c_char) -> Result<Request> {
    unsafe { Ok(api::storage_buckets::backup_export(arg_str(pool, "pool")?, arg_str(bucket, "bucket")?, arg_str(name, "name")?)?) }
}

/// Download a storage bucket backup (`GET
/// /1.0/storage-pools/<pool>/buckets/<bucket>/backups/<name>/export`, a tarball; Incus 6.0 only)
/// into the file `path`, which appears only once the whole backup arrived. `progress` (may be
/// NULL) is called as bytes arrive; returning non-zero cancels (`LXD_RESULT_CANCELLED`). LXD 5.0
/// has no such endpoint: `LXD_RESULT_NOT_FOUND`. Arguments are borrowed.
#[no_mangle]
pub unsafe extern "C" fn lxd_storage_bucket_backup_export_path(client: *const lxd_client, pool: *const c_char, bucket: *const c_char, name: *const c_char, path: *const c_char, progress: lxd_progress_cb, progress_user: *mut c_void, err_out: *mut *mut lxd_error) -> lxd_result {
    guard(err_out, || unsafe {
        let c = client_ref(client)?;
        let req = bucket_export_req(pool, bucket, name)?;
        let path = arg_str(path, "path")?;
        with_progress(progress, progress_user, |cb| download_to_path(c, req, Path::new(path), cb)).map(|_| ())
    })
}

/// As `lxd_storage_bucket_backup_export_path`, writing to the open descriptor `fd` (it stays yours
/// and open). On failure part of the backup may have been written.
#[no_mangle]
pub unsafe extern "C" fn lxd_storage_bucket_backup_export_fd(client: *const lxd_client, pool: *const c_char, bucket: *const c_char, name: *const c_char, fd: c_int, progress: lxd_progress_cb, progress_user: *mut c_void, err_out: *mut *mut lxd_error) -> lxd_result {
    guard(err_out, || unsafe {
        let c = client_ref(client)?;
        let req = bucket_export_req(pool, bucket, name)?;
        let mut f = BorrowedFd::new(fd)?;
        with_progress(progress, progress_user, |cb| download(c, req, &mut f, cb)).map(|_| ())
    })
}

unsafe fn debug_memory_req(name: *const c_char, format: *const c_char) -> Result<Request> {
    unsafe { Ok(api::instances::debug_memory(arg_str(name, "name")?, arg_opt_str(format, "format")?.filter(|f| !f.is_empty()))?) }
}

/// Dump the memory of a running virtual machine (`GET /1.0/instances/<name>/debug/memory`; Incus
/// 6.0 only) into the file `path`, which appears only once the whole dump arrived. `format` (may
/// be NULL: `elf`) is QEMU's dump format (`elf`, `win-dmp`, `kdump-zlib`, `kdump-lzo`,
/// `kdump-snappy`). `progress` as in `lxd_storage_bucket_backup_export_path`. A container: Incus
/// refuses (`LXD_RESULT_API`). LXD 5.0 has no such endpoint: `LXD_RESULT_NOT_FOUND`. Arguments
/// are borrowed.
#[no_mangle]
pub unsafe extern "C" fn lxd_instance_debug_memory_path(client: *const lxd_client, name: *const c_char, format: *const c_char, path: *const c_char, progress: lxd_progress_cb, progress_user: *mut c_void, err_out: *mut *mut lxd_error) -> lxd_result {
    guard(err_out, || unsafe {
        let c = client_ref(client)?;
        let req = debug_memory_req(name, format)?;
        let path = arg_str(path, "path")?;
        with_progress(progress, progress_user, |cb| download_to_path(c, req, Path::new(path), cb)).map(|_| ())
    })
}

/// As `lxd_instance_debug_memory_path`, writing to the open descriptor `fd` (it stays yours and
/// open). On failure part of the dump may have been written.
#[no_mangle]
pub unsafe extern "C" fn lxd_instance_debug_memory_fd(client: *const lxd_client, name: *const c_char, format: *const c_char, fd: c_int, progress: lxd_progress_cb, progress_user: *mut c_void, err_out: *mut *mut lxd_error) -> lxd_result {
    guard(err_out, || unsafe {
        let c = client_ref(client)?;
        let req = debug_memory_req(name, format)?;
        let mut f = BorrowedFd::new(fd)?;
        with_progress(progress, progress_user, |cb| download(c, req, &mut f, cb)).map(|_| ())
    })
}
