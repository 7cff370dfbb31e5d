//! `lxd_file_*`: files in an instance (`/1.0/instances/<name>/files?path=...`), streamed in both
//! directions, with progress callbacks that can cancel.
//!
//! Paths inside the instance are UTF-8; spaces, unicode and `#?&%` are fine (the library
//! percent-encodes them). File access works on stopped containers too.

use std::ffi::{c_char, c_int, c_void};
use std::path::Path;

use lxd_core::files::{FileInfo, FileOptions, FileType, WriteMode};

use super::client::{client_ref, lxd_client};
use super::{arg_str, check_out, guard, lxd_error, lxd_result, write_json};
use crate::error::{Error, Result};
use crate::stream::BorrowedFd;

/// Progress callback of a transfer: `done` bytes so far out of `total` (0 when the total is not
/// known). Called on the thread that runs the transfer, after each chunk and once at the start.
/// Return 0 to continue, anything else to cancel: the transfer stops and its function returns
/// `LXD_RESULT_CANCELLED`. `user` is the pointer given next to the callback.
pub type lxd_progress_cb = Option<unsafe extern "C" fn(user: *mut c_void, done: u64, total: u64) -> c_int>;

/// Owner and permissions of a created file, directory or symlink, and the write mode. A
/// zero-initialized struct (or passing NULL) means LXD's defaults: owner root, LXD's default mode,
/// overwrite. LXD applies owner and mode only when it creates the path; overwriting an existing
/// file keeps its owner and mode.
#[repr(C)]
#[derive(Debug, Clone, Copy, Default)]
pub struct lxd_file_options {
    /// Owner uid inside the instance (0: root, LXD's default).
    pub uid: u32,
    /// Owner gid inside the instance (0: root, LXD's default).
    pub gid: u32,
    /// Permission bits, e.g. `0644` (0: LXD's default). Sent to LXD in octal with a leading 0.
    pub mode: u32,
    /// Append to an existing file instead of replacing its content (files only).
    pub append: bool,
}

/// What a path in the instance is.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum lxd_file_type {
    /// A regular file.
    LXD_FILE_TYPE_FILE = 0,
    /// A directory.
    LXD_FILE_TYPE_DIRECTORY = 1,
    /// A symbolic link (pulling it gives its target).
    LXD_FILE_TYPE_SYMLINK = 2,
}

/// What LXD reports about a path (its `X-LXD-*` headers).
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct lxd_file_info {
    /// File, directory or symlink.
    pub kind: lxd_file_type,
    /// Owner uid inside the instance.
    pub uid: u32,
    /// Owner gid inside the instance.
    pub gid: u32,
    /// Permission bits (e.g. `0644`).
    pub mode: u32,
    /// Size in bytes as LXD announced it, or -1 when unknown (directories, `lxd_file_stat`).
    pub size: i64,
}

impl From<&FileInfo> for lxd_file_info {
    fn from(i: &FileInfo) -> lxd_file_info {
        lxd_file_info {
            kind: match i.kind {
                FileType::File => lxd_file_type::LXD_FILE_TYPE_FILE,
                FileType::Directory => lxd_file_type::LXD_FILE_TYPE_DIRECTORY,
                FileType::Symlink => lxd_file_type::LXD_FILE_TYPE_SYMLINK,
            },
            uid: i.uid,
            gid: i.gid,
            mode: i.mode,
            size: i.size.and_then(|s| i64::try_from(s).ok()).unwrap_or(-1),
        }
    }
}

pub(crate) unsafe fn file_options(opts: *const lxd_file_options) -> FileOptions {
    // SAFETY: NULL or a readable struct (contract).
    let o = unsafe { opts.as_ref() }.copied().unwrap_or_default();
    FileOptions {
        uid: (o.uid != 0).then_some(o.uid),
        gid: (o.gid != 0).then_some(o.gid),
        mode: (o.mode != 0).then_some(o.mode),
        write: if o.append { WriteMode::Append } else { WriteMode::Overwrite },
    }
}

/// Run `f` with the C callback adapted to the Rust progress closure (or none).
pub(crate) fn with_progress<R>(cb: lxd_progress_cb, user: *mut c_void, f: impl FnOnce(Option<&mut dyn FnMut(u64, u64) -> bool>) -> R) -> R {
    match cb {
        None => f(None),
        Some(cb) => {
            // SAFETY: the caller's callback, called with the caller's pointer (contract).
            let mut adapter = |done: u64, total: u64| unsafe { cb(user, done, total) } == 0;
            f(Some(&mut adapter))
        }
    }
}

/// What a tree transfer did.
#[repr(C)]
#[derive(Debug, Clone, Copy, Default)]
pub struct lxd_tree_stats {
    /// Regular files transferred.
    pub files: u64,
    /// Directories created (the top one included).
    pub directories: u64,
    /// Symlinks created.
    pub symlinks: u64,
    /// Entries skipped: unsafe names listed by the instance (pull), sockets/fifos/devices (push).
    pub skipped: u64,
    /// Bytes of file content transferred.
    pub bytes: u64,
}

fn write_stats(out: *mut lxd_tree_stats, s: &crate::files::TreeStats) {
    if !out.is_null() {
        // SAFETY: non-NULL, writable by contract.
        unsafe { *out = lxd_tree_stats { files: s.files, directories: s.directories, symlinks: s.symlinks, skipped: s.skipped, bytes: s.bytes } };
    }
}

fn write_info(out: *mut lxd_file_info, info: &FileInfo) {
    if !out.is_null() {
        // SAFETY: non-NULL, writable by contract.
        unsafe { *out = lxd_file_info::from(info) };
    }
}

unsafe fn args<'a>(client: *const lxd_client, instance: *const c_char, path: *const c_char, path_what: &str) -> Result<(&'a crate::Client, &'a str, &'a str)> {
    let c = unsafe { client_ref(client) }?;
    let i = unsafe { arg_str(instance, "instance") }?;
    let p = unsafe { arg_str(path, path_what) }?;
    Ok((c, i, p))
}

/// Upload the local file `local_path` to `remote_path` in `instance` (`POST
/// /1.0/instances/<instance>/files?path=<remote_path>`), streamed: the file is never held in memory,
/// its size is sent as `Content-Length`. `opts` may be NULL (LXD's defaults). `progress` may be
/// NULL; it is called with `progress_user`. Returns `LXD_RESULT_CANCELLED` if the callback
/// cancelled (LXD may keep the part it received), `LXD_RESULT_IO` if the local file cannot be read,
/// `LXD_RESULT_NOT_FOUND` if the instance or the remote directory does not exist.
#[no_mangle]
pub unsafe extern "C" fn lxd_file_push_path(client: *const lxd_client, instance: *const c_char, remote_path: *const c_char, local_path: *const c_char, opts: *const lxd_file_options, progress: lxd_progress_cb, progress_user: *mut c_void, err_out: *mut *mut lxd_error) -> lxd_result {
    guard(err_out, || {
        let (c, inst, remote) = unsafe { args(client, instance, remote_path, "remote_path") }?;
        let local = unsafe { arg_str(local_path, "local_path") }?;
        let o = unsafe { file_options(opts) };
        with_progress(progress, progress_user, |p| c.file_push_path(inst, remote, Path::new(local), &o, p))
    })
}

/// As `lxd_file_push_path`, reading from the open descriptor `fd` from its current offset to its
/// end (a regular file's remaining size is sent as `Content-Length`; pipes and sockets are sent
/// chunked, progress total 0). `fd` is not closed. Negative `fd`: `LXD_RESULT_INVALID_ARGUMENT`.
/// From a pipe, an upload LXD refuses before reading it (missing instance or directory) may end
/// as `LXD_RESULT_CONNECTION` (broken pipe) instead of LXD's error once more than 256 KiB are
/// sent: Go's server closes the connection on large unread bodies of unknown length.
#[no_mangle]
pub unsafe extern "C" fn lxd_file_push_fd(client: *const lxd_client, instance: *const c_char, remote_path: *const c_char, fd: c_int, opts: *const lxd_file_options, progress: lxd_progress_cb, progress_user: *mut c_void, err_out: *mut *mut lxd_error) -> lxd_result {
    guard(err_out, || {
        let (c, inst, remote) = unsafe { args(client, instance, remote_path, "remote_path") }?;
        let o = unsafe { file_options(opts) };
        // SAFETY: the caller keeps `fd` open for the call (contract); it is not closed.
        let mut src = unsafe { BorrowedFd::new(fd) }?;
        let len = src.remaining_len();
        with_progress(progress, progress_user, |p| c.file_push_reader(inst, remote, &mut src, len, &o, p))
    })
}

/// Upload `len` bytes at `data` to `remote_path` (small content from memory). `data` may be NULL
/// only when `len` is 0 (an empty file). `opts` may be NULL.
#[no_mangle]
pub unsafe extern "C" fn lxd_file_push_bytes(client: *const lxd_client, instance: *const c_char, remote_path: *const c_char, data: *const u8, len: usize, opts: *const lxd_file_options, err_out: *mut *mut lxd_error) -> lxd_result {
    guard(err_out, || {
        let (c, inst, remote) = unsafe { args(client, instance, remote_path, "remote_path") }?;
        let bytes: &[u8] = if len == 0 {
            &[]
        } else if data.is_null() {
            return Err(Error::invalid("data is NULL"));
        } else {
            // SAFETY: `len` readable bytes at `data` (contract).
            unsafe { std::slice::from_raw_parts(data, len) }
        };
        let o = unsafe { file_options(opts) };
        c.file_push_bytes(inst, remote, bytes, &o)
    })
}

/// Download `remote_path` from `instance` (`GET …/files?path=`) to the local path `local_path`,
/// ATOMICALLY: the data streams into a hidden temporary file in the same directory, which is
/// renamed over `local_path` (with the remote file's permission bits) only when complete. On any
/// failure — missing file (`LXD_RESULT_NOT_FOUND`), a directory (`LXD_RESULT_INVALID_ARGUMENT`),
/// network error, cancel (`LXD_RESULT_CANCELLED`) — nothing is left behind and an existing
/// `local_path` is untouched. A remote symlink becomes a local symlink to the same target.
/// `progress` may be NULL. `info_out` may be NULL; else it receives the remote file's type, owner,
/// mode and size.
#[no_mangle]
pub unsafe extern "C" fn lxd_file_pull_path(client: *const lxd_client, instance: *const c_char, remote_path: *const c_char, local_path: *const c_char, progress: lxd_progress_cb, progress_user: *mut c_void, info_out: *mut lxd_file_info, err_out: *mut *mut lxd_error) -> lxd_result {
    guard(err_out, || {
        let (c, inst, remote) = unsafe { args(client, instance, remote_path, "remote_path") }?;
        let local = unsafe { arg_str(local_path, "local_path") }?;
        let info = with_progress(progress, progress_user, |p| c.file_pull_path(inst, remote, Path::new(local), p))?;
        write_info(info_out, &info);
        Ok(())
    })
}

/// Download `remote_path` into the open descriptor `fd` (written from its current offset; not
/// closed, not truncated). A symlink gives its target path as the content. On failure some data
/// may already have been written to `fd`. `progress` and `info_out` may be NULL.
#[no_mangle]
pub unsafe extern "C" fn lxd_file_pull_fd(client: *const lxd_client, instance: *const c_char, remote_path: *const c_char, fd: c_int, progress: lxd_progress_cb, progress_user: *mut c_void, info_out: *mut lxd_file_info, err_out: *mut *mut lxd_error) -> lxd_result {
    guard(err_out, || {
        let (c, inst, remote) = unsafe { args(client, instance, remote_path, "remote_path") }?;
        // SAFETY: the caller keeps `fd` open for the call (contract); it is not closed.
        let mut sink = unsafe { BorrowedFd::new(fd) }?;
        let info = with_progress(progress, progress_user, |p| c.file_pull_writer(inst, remote, &mut sink, p))?;
        write_info(info_out, &info);
        Ok(())
    })
}

/// Download `remote_path` into memory: `*data_out` receives a buffer of `*len_out` bytes, freed
/// with `lxd_bytes_free(data, len)` (`*data_out` is NULL when the file is empty). A file larger
/// than `max_len` bytes fails with `LXD_RESULT_IO` (`max_len` 0: no limit). `info_out` may be NULL.
#[no_mangle]
pub unsafe extern "C" fn lxd_file_pull_bytes(client: *const lxd_client, instance: *const c_char, remote_path: *const c_char, max_len: u64, data_out: *mut *mut u8, len_out: *mut usize, info_out: *mut lxd_file_info, err_out: *mut *mut lxd_error) -> lxd_result {
    guard(err_out, || {
        check_out(data_out, "data_out")?;
        check_out(len_out, "len_out")?;
        let (c, inst, remote) = unsafe { args(client, instance, remote_path, "remote_path") }?;
        let (data, info) = c.file_pull_bytes(inst, remote, (max_len > 0).then_some(max_len))?;
        let len = data.len();
        let ptr = if len == 0 { std::ptr::null_mut() } else { Box::into_raw(data.into_boxed_slice()).cast::<u8>() };
        // SAFETY: both checked non-NULL.
        unsafe {
            *data_out = ptr;
            *len_out = len;
        }
        write_info(info_out, &info);
        Ok(())
    })
}

/// Type, owner, permissions of `path` without its content (`HEAD …/files?path=`, API extension
/// `instance_file_head`); `info_out->size` is -1. Missing: `LXD_RESULT_NOT_FOUND`.
#[no_mangle]
pub unsafe extern "C" fn lxd_file_stat(client: *const lxd_client, instance: *const c_char, path: *const c_char, info_out: *mut lxd_file_info, err_out: *mut *mut lxd_error) -> lxd_result {
    guard(err_out, || {
        check_out(info_out, "info_out")?;
        let (c, inst, p) = unsafe { args(client, instance, path, "path") }?;
        let info = c.file_stat(inst, p)?;
        write_info(info_out, &info);
        Ok(())
    })
}

/// List the directory `path` (`GET …/files?path=`): `*json_out` is a JSON array of entry names
/// exactly as LXD returns them (freed with `lxd_string_free`). A file that is not a directory:
/// `LXD_RESULT_INVALID_ARGUMENT`.
#[no_mangle]
pub unsafe extern "C" fn lxd_file_list(client: *const lxd_client, instance: *const c_char, path: *const c_char, json_out: *mut *mut c_char, err_out: *mut *mut lxd_error) -> lxd_result {
    guard(err_out, || {
        check_out(json_out, "json_out")?;
        let (c, inst, p) = unsafe { args(client, instance, path, "path") }?;
        let names = c.file_list(inst, p)?;
        unsafe { write_json(json_out, &names) }
    })
}

/// Create the directory `path` (`POST …/files?path=` with `X-LXD-type: directory`); its parent must
/// exist. An existing directory is fine (left as is). `opts` may be NULL; `append` must be false.
#[no_mangle]
pub unsafe extern "C" fn lxd_file_mkdir(client: *const lxd_client, instance: *const c_char, path: *const c_char, opts: *const lxd_file_options, err_out: *mut *mut lxd_error) -> lxd_result {
    guard(err_out, || {
        let (c, inst, p) = unsafe { args(client, instance, path, "path") }?;
        let o = unsafe { file_options(opts) };
        c.file_mkdir(inst, p, &o)
    })
}

/// Create a symlink at `path` pointing to `target` (`POST …/files?path=` with `X-LXD-type:
/// symlink`, API extension `file_symlinks`). `opts` may be NULL.
#[no_mangle]
pub unsafe extern "C" fn lxd_file_symlink(client: *const lxd_client, instance: *const c_char, path: *const c_char, target: *const c_char, opts: *const lxd_file_options, err_out: *mut *mut lxd_error) -> lxd_result {
    guard(err_out, || {
        let (c, inst, p) = unsafe { args(client, instance, path, "path") }?;
        let t = unsafe { arg_str(target, "target") }?;
        let o = unsafe { file_options(opts) };
        c.file_symlink(inst, p, t, &o)
    })
}

/// Delete a file, symlink or empty directory (`DELETE …/files?path=`, API extension `file_delete`).
/// Missing: `LXD_RESULT_NOT_FOUND`; a non-empty directory: `LXD_RESULT_API`.
#[no_mangle]
pub unsafe extern "C" fn lxd_file_delete(client: *const lxd_client, instance: *const c_char, path: *const c_char, err_out: *mut *mut lxd_error) -> lxd_result {
    guard(err_out, || {
        let (c, inst, p) = unsafe { args(client, instance, path, "path") }?;
        c.file_delete(inst, p)
    })
}

/// Upload the local directory tree `local_dir` so that `remote_dir` in the instance (created if
/// missing, its parent must exist) holds the same entries: directories and files keep their
/// permission bits, symlinks are recreated as symlinks, sockets/fifos/devices are skipped. Every
/// file streams. `progress` (may be NULL) counts file bytes against the total of all files.
/// `stats_out` may be NULL; else it receives the counts.
#[no_mangle]
pub unsafe extern "C" fn lxd_file_push_tree(client: *const lxd_client, instance: *const c_char, local_dir: *const c_char, remote_dir: *const c_char, progress: lxd_progress_cb, progress_user: *mut c_void, stats_out: *mut lxd_tree_stats, err_out: *mut *mut lxd_error) -> lxd_result {
    guard(err_out, || {
        let (c, inst, remote) = unsafe { args(client, instance, remote_dir, "remote_dir") }?;
        let local = unsafe { arg_str(local_dir, "local_dir") }?;
        let stats = with_progress(progress, progress_user, |p| c.file_push_tree(inst, Path::new(local), remote, p))?;
        write_stats(stats_out, &stats);
        Ok(())
    })
}

/// Download the directory tree `remote_dir` into the NEW local directory `local_dir` (it must not
/// exist; its parent must). Directories and files keep their permission bits; symlinks are
/// recreated, never followed. Entry names that are not one safe path component — `.`, `..`,
/// absolute names, names containing `/` — are dropped, so a hostile instance cannot write outside
/// `local_dir`; nothing is ever written through an existing path. On failure `local_dir` is removed
/// again. `progress` (may be NULL) reports bytes done with total 0 (unknown). `stats_out` may be
/// NULL; else it receives the counts (`skipped`: the unsafe names dropped).
#[no_mangle]
pub unsafe extern "C" fn lxd_file_pull_tree(client: *const lxd_client, instance: *const c_char, remote_dir: *const c_char, local_dir: *const c_char, progress: lxd_progress_cb, progress_user: *mut c_void, stats_out: *mut lxd_tree_stats, err_out: *mut *mut lxd_error) -> lxd_result {
    guard(err_out, || {
        let (c, inst, remote) = unsafe { args(client, instance, remote_dir, "remote_dir") }?;
        let local = unsafe { arg_str(local_dir, "local_dir") }?;
        let stats = with_progress(progress, progress_user, |p| c.file_pull_tree(inst, remote, Path::new(local), p))?;
        write_stats(stats_out, &stats);
        Ok(())
    })
}
