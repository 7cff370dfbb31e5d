//! Streamed backups: export an instance or volume backup to a file or descriptor, and import one as
//! a new instance or volume, with a progress callback that can cancel. Nothing is held in memory
//! whole.
//!
//! Kept apart from `backup.rs` so the streaming plumbing can be swapped for the shared one of the
//! file/image transfers at merge time; `lxd_progress_cb` has the same definition as theirs.

use std::ffi::{c_char, c_int, c_void};
use std::fs::File;
use std::io::{self, Read, Write};
use std::mem::ManuallyDrop;
use std::os::fd::FromRawFd;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use lxd_core::api::{self, Call};
use lxd_core::{Operation, Request};

use super::client::{client_ref, lxd_client};
use super::operation::{finish_op, lxd_operation};
use super::{arg_opt_str, arg_str, guard, lxd_error, lxd_result};
use crate::client::read_response;
use crate::error::{Error, Result};
use crate::{Canceller, Client};

/// Progress callback of a transfer: `done` bytes so far out of `total` (0 when the total is not
/// known). Called on the thread that runs the transfer, once at the start and after each chunk.
/// Return 0 to continue, anything else to cancel: the transfer stops and its function returns
/// `LXD_RESULT_CANCELLED`. `user` is the pointer given next to the callback.
pub type lxd_progress_cb = Option<unsafe extern "C" fn(user: *mut c_void, done: u64, total: u64) -> c_int>;

const CHUNK: usize = 256 * 1024;

struct Progress {
    cb: lxd_progress_cb,
    user: *mut c_void,
    done: u64,
    total: u64,
}

impl Progress {
    fn new(cb: lxd_progress_cb, user: *mut c_void) -> Progress {
        Progress { cb, user, done: 0, total: 0 }
    }
    /// Report; false when the caller asked to cancel.
    fn report(&mut self) -> bool {
        match self.cb {
            // SAFETY: the caller's callback with the caller's pointer (contract).
            Some(cb) => (unsafe { cb(self.user, self.done, self.total) }) == 0,
            None => true,
        }
    }
}

/// Stream the body of a GET to `sink`. A non-2xx reply is LXD's error.
fn download(c: &Client, req: Request, sink: &mut dyn Write, progress: &mut Progress) -> Result<u64> {
    let canceller = Canceller::new();
    let agent = c.cancellable_agent(&canceller);
    let (b, _) = c.http_request(req)?;
    let hreq = b.body(()).map_err(|e| Error::invalid(format!("cannot build request: {e}")))?;
    let resp = agent.run(hreq).map_err(Error::from_ureq)?;
    if resp.status().as_u16() >= 300 {
        let r = read_response(resp)?;
        return Err(Error::Core(api::replies::parse_bytes(&r).err().unwrap_or_else(|| lxd_core::Error::protocol("error status without error"))));
    }
    progress.total = resp.headers().get("content-length").and_then(|v| v.to_str().ok()).and_then(|v| v.parse().ok()).unwrap_or(0);
    if !progress.report() {
        return Err(Error::Cancelled);
    }
    let mut body = resp.into_body().into_reader();
    let mut buf = vec![0u8; CHUNK];
    loop {
        let n = match body.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(Error::from_net_io(&e)),
        };
        sink.write_all(&buf[..n]).map_err(|e| Error::Io(format!("cannot write the backup: {e}")))?;
        progress.done += n as u64;
        if !progress.report() {
            canceller.cancel();
            return Err(Error::Cancelled);
        }
    }
    sink.flush().map_err(|e| Error::Io(format!("cannot write the backup: {e}")))?;
    if progress.total != 0 && progress.done != progress.total {
        return Err(Error::protocol(format!("backup download ended after {} of {} bytes", progress.done, progress.total)));
    }
    Ok(progress.done)
}

/// A reader that reports progress and stops when the callback cancels.
struct ProgressReader<'a> {
    inner: &'a mut dyn Read,
    progress: &'a mut Progress,
    cancelled: bool,
    io_error: Option<String>,
}

impl Read for ProgressReader<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.cancelled {
            return Err(io::Error::other("cancelled by the progress callback"));
        }
        let n = self.inner.read(buf).inspect_err(|e| self.io_error = Some(e.to_string()))?;
        self.progress.done += n as u64;
        if !self.progress.report() {
            self.cancelled = true;
            return Err(io::Error::other("cancelled by the progress callback"));
        }
        Ok(n)
    }
}

/// Stream `source` as the body of an import call (`Body::Stream`) and parse the operation.
fn upload(c: &Client, call: Call<Operation>, source: &mut dyn Read, len: Option<u64>, progress: &mut Progress) -> Result<Operation> {
    progress.total = len.unwrap_or(0);
    if !progress.report() {
        return Err(Error::Cancelled);
    }
    let mut req = call.request.clone();
    if let Some(l) = len {
        req = req.header("Content-Length", l.to_string());
    }
    let canceller = Canceller::new();
    let agent = c.cancellable_agent(&canceller);
    let mut reader = ProgressReader { inner: source, progress, cancelled: false, io_error: None };
    let sent = c.send_streaming(&agent, req, &mut reader);
    if reader.cancelled {
        return Err(Error::Cancelled);
    }
    if let Some(e) = reader.io_error.take() {
        return Err(Error::Io(format!("cannot read the backup: {e}")));
    }
    let resp = read_response(sent?)?;
    Ok(call.parse(&resp)?)
}

static TEMP_COUNTER: AtomicU64 = AtomicU64::new(0);

/// Download into `path` through a temporary file next to it, renamed into place on success.
fn download_to_path(c: &Client, req: Request, path: &Path, progress: &mut Progress) -> Result<u64> {
    let name = path.file_name().ok_or_else(|| Error::invalid(format!("{} is not a file path", path.display())))?;
    let mut tmp_name = name.to_os_string();
    tmp_name.push(format!(".part-{}-{}", std::process::id(), TEMP_COUNTER.fetch_add(1, Ordering::Relaxed)));
    let tmp: PathBuf = path.with_file_name(tmp_name);
    let mut file = File::create(&tmp).map_err(|e| Error::Io(format!("cannot create {}: {e}", tmp.display())))?;
    let result = download(c, req, &mut file, progress).and_then(|n| {
        file.sync_all().map_err(|e| Error::Io(format!("cannot write {}: {e}", tmp.display())))?;
        std::fs::rename(&tmp, path).map_err(|e| Error::Io(format!("cannot move the download to {}: {e}", path.display())))?;
        Ok(n)
    });
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

/// Borrow a caller's descriptor as a `File` that is never closed here.
fn borrow_fd(fd: c_int) -> Result<ManuallyDrop<File>> {
    if fd < 0 {
        return Err(Error::invalid("fd is negative"));
    }
    // SAFETY: a descriptor the caller owns and keeps open during the call (contract); ManuallyDrop
    // keeps it from being closed.
    Ok(ManuallyDrop::new(unsafe { File::from_raw_fd(fd) }))
}

fn open_source(path: &str) -> Result<(File, u64)> {
    let f = File::open(path).map_err(|e| Error::Io(format!("cannot open {path:?}: {e}")))?;
    let len = f.metadata().map_err(|e| Error::Io(format!("cannot stat {path:?}: {e}")))?.len();
    Ok((f, len))
}

fn fd_len(f: &File) -> Option<u64> {
    f.metadata().ok().filter(|m| m.is_file()).map(|m| m.len())
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
        download_to_path(c, req, Path::new(path), &mut Progress::new(progress, progress_user)).map(|_| ())
    })
}

/// As `lxd_instance_backup_export_path`, writing to the open descriptor `fd` (a file, pipe or
/// socket; it stays yours and open). On failure part of the backup may have been written.
#[no_mangle]
pub unsafe extern "C" fn lxd_instance_backup_export_fd(client: *const lxd_client, instance: *const c_char, name: *const c_char, fd: c_int, progress: lxd_progress_cb, progress_user: *mut c_void, err_out: *mut *mut lxd_error) -> lxd_result {
    guard(err_out, || unsafe {
        let c = client_ref(client)?;
        let req = instance_export_req(instance, name)?;
        let mut f = borrow_fd(fd)?;
        download(c, req, &mut *f, &mut Progress::new(progress, progress_user)).map(|_| ())
    })
}

unsafe fn instance_import(client: *const lxd_client, source: &mut dyn Read, len: Option<u64>, name: *const c_char, pool: *const c_char, progress: &mut Progress, op_out: *mut *mut lxd_operation) -> Result<()> {
    let c = unsafe { client_ref(client) }?;
    let name = unsafe { arg_opt_str(name, "name") }?;
    let pool = unsafe { arg_opt_str(pool, "pool") }?;
    let op = upload(c, api::instances_extra::import_backup(name, pool)?, source, len, progress)?;
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
        let (mut f, len) = open_source(arg_str(path, "path")?)?;
        instance_import(client, &mut f, Some(len), name, pool, &mut Progress::new(progress, progress_user), op_out)
    })
}

/// As `lxd_instance_backup_import_path`, reading the backup from the open descriptor `fd` to its
/// end (it stays yours and open).
#[no_mangle]
pub unsafe extern "C" fn lxd_instance_backup_import_fd(client: *const lxd_client, fd: c_int, name: *const c_char, pool: *const c_char, progress: lxd_progress_cb, progress_user: *mut c_void, op_out: *mut *mut lxd_operation, err_out: *mut *mut lxd_error) -> lxd_result {
    guard(err_out, || unsafe {
        let mut f = borrow_fd(fd)?;
        let len = fd_len(&f);
        instance_import(client, &mut *f, len, name, pool, &mut Progress::new(progress, progress_user), op_out)
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
        download_to_path(c, req, Path::new(path), &mut Progress::new(progress, progress_user)).map(|_| ())
    })
}

/// As `lxd_storage_volume_backup_export_path`, writing to the open descriptor `fd` (it stays yours).
#[no_mangle]
pub unsafe extern "C" fn lxd_storage_volume_backup_export_fd(client: *const lxd_client, pool: *const c_char, volume_type: *const c_char, volume: *const c_char, name: *const c_char, fd: c_int, progress: lxd_progress_cb, progress_user: *mut c_void, err_out: *mut *mut lxd_error) -> lxd_result {
    guard(err_out, || unsafe {
        let c = client_ref(client)?;
        let req = volume_export_req(pool, volume_type, volume, name)?;
        let mut f = borrow_fd(fd)?;
        download(c, req, &mut *f, &mut Progress::new(progress, progress_user)).map(|_| ())
    })
}

unsafe fn volume_import(client: *const lxd_client, pool: *const c_char, name: *const c_char, source: &mut dyn Read, len: Option<u64>, progress: &mut Progress, op_out: *mut *mut lxd_operation) -> Result<()> {
    let c = unsafe { client_ref(client) }?;
    let pool = unsafe { arg_str(pool, "pool") }?;
    let name = unsafe { arg_opt_str(name, "name") }?;
    let op = upload(c, api::storage_volumes::import_backup(pool, name)?, source, len, progress)?;
    finish_op(c, Some(op), op_out)
}

/// Create a custom volume in `pool` from a volume backup tarball in the file `path` (`POST
/// /1.0/storage-pools/<pool>/volumes/custom` with the file as the body, streamed). `name` (may be
/// NULL: the backup's) names it. `progress` may be NULL. `op_out` as in
/// `lxd_instance_backup_import_path`.
#[no_mangle]
pub unsafe extern "C" fn lxd_storage_volume_backup_import_path(client: *const lxd_client, pool: *const c_char, path: *const c_char, name: *const c_char, progress: lxd_progress_cb, progress_user: *mut c_void, op_out: *mut *mut lxd_operation, err_out: *mut *mut lxd_error) -> lxd_result {
    guard(err_out, || unsafe {
        let (mut f, len) = open_source(arg_str(path, "path")?)?;
        volume_import(client, pool, name, &mut f, Some(len), &mut Progress::new(progress, progress_user), op_out)
    })
}

/// As `lxd_storage_volume_backup_import_path`, reading from the open descriptor `fd` to its end.
#[no_mangle]
pub unsafe extern "C" fn lxd_storage_volume_backup_import_fd(client: *const lxd_client, pool: *const c_char, fd: c_int, name: *const c_char, progress: lxd_progress_cb, progress_user: *mut c_void, op_out: *mut *mut lxd_operation, err_out: *mut *mut lxd_error) -> lxd_result {
    guard(err_out, || unsafe {
        let mut f = borrow_fd(fd)?;
        let len = fd_len(&f);
        volume_import(client, pool, name, &mut *f, len, &mut Progress::new(progress, progress_user), op_out)
    })
}
