//! Instance files over the blocking client: push from a reader, a path or memory; pull to a
//! writer, a path (atomically) or memory; stat, list, mkdir, symlink, delete; and whole trees in
//! both directions. Data streams: nothing holds a whole file in memory (except the explicit
//! in-memory calls).

use std::fs::{File, OpenOptions};
use std::io::{Read, Write};
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};

use lxd_core::files::{self, FileInfo, FileOptions, FileType};

use crate::error::{Error, Result};
use crate::stream::{self, AtomicFile, Progress};
use crate::Client;

/// Longest symlink target read from a pull (PATH_MAX).
const MAX_LINK_TARGET: u64 = 4096;
/// Deepest directory nesting a tree transfer follows.
const MAX_TREE_DEPTH: usize = 256;

/// What a tree transfer did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TreeStats {
    /// Regular files transferred.
    pub files: u64,
    /// Directories created.
    pub directories: u64,
    /// Symlinks created.
    pub symlinks: u64,
    /// Entries skipped (unsafe names from the instance; sockets, fifos and devices locally).
    pub skipped: u64,
    /// Bytes of file content transferred.
    pub bytes: u64,
}

fn io_err(what: &str, path: &Path, e: std::io::Error) -> Error {
    Error::Io(format!("{what} {}: {e}", path.display()))
}

impl Client {
    /// Upload `len` bytes (or until EOF when `None`) from `source` to `path` in the instance.
    pub fn file_push_reader(&self, instance: &str, path: &str, source: &mut dyn Read, len: Option<u64>, opts: &FileOptions, progress: Option<&mut dyn FnMut(u64, u64) -> bool>) -> Result<()> {
        let call = files::push(instance, path, opts)?;
        let mut p = Progress::new(progress, len.unwrap_or(0));
        let resp = stream::upload(self, call.request.clone(), source, len, &mut p)?;
        Ok(call.parse(&resp)?)
    }

    /// Upload the local file `local` to `path` in the instance (streamed; its size is sent as
    /// `Content-Length`).
    pub fn file_push_path(&self, instance: &str, path: &str, local: &Path, opts: &FileOptions, progress: Option<&mut dyn FnMut(u64, u64) -> bool>) -> Result<()> {
        let call = files::push(instance, path, opts)?; // validate before touching the file
        drop(call);
        let mut f = File::open(local).map_err(|e| io_err("cannot open", local, e))?;
        let meta = f.metadata().map_err(|e| io_err("cannot stat", local, e))?;
        if meta.is_dir() {
            return Err(Error::invalid(format!("{} is a directory (use a tree push)", local.display())));
        }
        let len = meta.file_type().is_file().then_some(meta.len());
        self.file_push_reader(instance, path, &mut f, len, opts, progress)
    }

    /// Upload bytes from memory.
    pub fn file_push_bytes(&self, instance: &str, path: &str, data: &[u8], opts: &FileOptions) -> Result<()> {
        let mut src = data;
        self.file_push_reader(instance, path, &mut src, Some(data.len() as u64), opts, None)
    }

    /// Open a file download; directories are refused (use [`Client::file_list`]).
    fn open_file(&self, instance: &str, path: &str) -> Result<(stream::Download, FileInfo)> {
        let d = stream::download(self, files::pull(instance, path)?)?;
        let info = files::parse_download(&d.head)?;
        if info.kind == FileType::Directory {
            return Err(Error::invalid(format!("{path:?} is a directory (list it, or pull the tree)")));
        }
        Ok((d, info))
    }

    /// Download `path` into `sink` (a symlink gives its target). Returns what LXD said about it.
    pub fn file_pull_writer(&self, instance: &str, path: &str, sink: &mut dyn Write, progress: Option<&mut dyn FnMut(u64, u64) -> bool>) -> Result<FileInfo> {
        let (d, info) = self.open_file(instance, path)?;
        let mut p = Progress::new(progress, info.size.unwrap_or(0));
        p.report()?;
        let mut reader = d.body.into_reader();
        let max = (info.kind == FileType::Symlink).then_some(MAX_LINK_TARGET);
        stream::copy_body(&mut reader, sink, &mut p, max)?;
        Ok(info)
    }

    /// Download `path` to the local path `local`, atomically: the data goes to a temporary file in
    /// the same directory, renamed over `local` only when complete (with the file's mode); on any
    /// failure (missing file, network error, cancel) nothing is left behind and an existing
    /// `local` is untouched. A symlink becomes a local symlink to the same target.
    pub fn file_pull_path(&self, instance: &str, path: &str, local: &Path, progress: Option<&mut dyn FnMut(u64, u64) -> bool>) -> Result<FileInfo> {
        let (d, info) = self.open_file(instance, path)?;
        let mut out = AtomicFile::create(local)?;
        let mut reader = d.body.into_reader();
        if info.kind == FileType::Symlink {
            let mut target = Vec::new();
            stream::copy_body(&mut reader, &mut target, &mut Progress::none(), Some(MAX_LINK_TARGET))?;
            out.commit_symlink(Path::new(std::ffi::OsStr::from_bytes(&target)))?;
            return Ok(info);
        }
        let mut p = Progress::new(progress, info.size.unwrap_or(0));
        p.report()?;
        stream::copy_body(&mut reader, out.file(), &mut p, None)?;
        out.commit(Some(info.mode & 0o777))?;
        Ok(info)
    }

    /// Download `path` into memory; more than `max` bytes (when given) is an error.
    pub fn file_pull_bytes(&self, instance: &str, path: &str, max: Option<u64>) -> Result<(Vec<u8>, FileInfo)> {
        let (d, info) = self.open_file(instance, path)?;
        if let (Some(m), Some(size)) = (max, info.size) {
            if size > m {
                return Err(Error::Io(format!("{path:?} is {size} bytes, more than the limit of {m}")));
            }
        }
        let mut data = Vec::with_capacity(info.size.unwrap_or(0).min(max.unwrap_or(u64::MAX)).min(16 << 20) as usize);
        let mut reader = d.body.into_reader();
        stream::copy_body(&mut reader, &mut data, &mut Progress::none(), max)?;
        Ok((data, info))
    }

    /// Type, owner and mode of `path` (`HEAD`, API extension `instance_file_head`).
    pub fn file_stat(&self, instance: &str, path: &str) -> Result<FileInfo> {
        self.call(files::stat(instance, path)?)
    }

    /// The names in the directory `path`, as LXD lists them (unfiltered: see
    /// [`lxd_core::files::safe_entry_names`] before using them as local paths).
    pub fn file_list(&self, instance: &str, path: &str) -> Result<Vec<String>> {
        let d = stream::download(self, files::pull(instance, path)?)?;
        let info = files::parse_download(&d.head)?;
        if info.kind != FileType::Directory {
            return Err(Error::invalid(format!("{path:?} is not a directory (it is a {})", info.kind.as_str())));
        }
        Ok(files::parse_listing(&d.buffered()?)?)
    }

    /// Create the directory `path` (fine if it exists).
    pub fn file_mkdir(&self, instance: &str, path: &str, opts: &FileOptions) -> Result<()> {
        self.call(files::mkdir(instance, path, opts)?)
    }

    /// Create a symlink at `path` pointing to `target`.
    pub fn file_symlink(&self, instance: &str, path: &str, target: &str, opts: &FileOptions) -> Result<()> {
        let call = files::symlink(instance, path, target, opts)?;
        let mut body = files::symlink_body(target);
        let len = body.len() as u64;
        let resp = stream::upload(self, call.request.clone(), &mut body, Some(len), &mut Progress::none())?;
        Ok(call.parse(&resp)?)
    }

    /// Delete a file, a symlink or an empty directory (API extension `file_delete`).
    pub fn file_delete(&self, instance: &str, path: &str) -> Result<()> {
        self.call(files::delete(instance, path)?)
    }

    /// Upload the local directory `local_dir` so that `remote_dir` (created if missing) holds the
    /// same tree: directories and files keep their permission bits, symlinks are recreated as
    /// symlinks; sockets, fifos and devices are skipped. Progress counts file bytes against the
    /// total size of all files.
    pub fn file_push_tree(&self, instance: &str, local_dir: &Path, remote_dir: &str, progress: Option<&mut dyn FnMut(u64, u64) -> bool>) -> Result<TreeStats> {
        lxd_core::request::check_instance_name(instance)?;
        files::check_path(remote_dir)?;
        let meta = std::fs::metadata(local_dir).map_err(|e| io_err("cannot stat", local_dir, e))?;
        if !meta.is_dir() {
            return Err(Error::invalid(format!("{} is not a directory", local_dir.display())));
        }
        let total = tree_size(local_dir, 0)?;
        let mut p = Progress::new(progress, total);
        p.report()?;
        let mut stats = TreeStats::default();
        self.file_mkdir(instance, remote_dir, &FileOptions { mode: Some(meta.permissions().mode() & 0o7777), ..Default::default() })?;
        stats.directories += 1;
        self.push_dir(instance, local_dir, remote_dir, &mut p, &mut stats, 0)?;
        Ok(stats)
    }

    fn push_dir(&self, instance: &str, local: &Path, remote: &str, p: &mut Progress<'_>, stats: &mut TreeStats, depth: usize) -> Result<()> {
        if depth > MAX_TREE_DEPTH {
            return Err(Error::invalid(format!("{} is nested more than {MAX_TREE_DEPTH} levels deep", local.display())));
        }
        let mut entries: Vec<_> = std::fs::read_dir(local).map_err(|e| io_err("cannot list", local, e))?.collect::<std::io::Result<_>>().map_err(|e| io_err("cannot list", local, e))?;
        entries.sort_by_key(|e| e.file_name());
        for entry in entries {
            let name = entry.file_name();
            let name = name.to_str().ok_or_else(|| Error::invalid(format!("{} has a name that is not UTF-8", entry.path().display())))?;
            let local_path = entry.path();
            let remote_path = files::join_path(remote, name);
            let meta = std::fs::symlink_metadata(&local_path).map_err(|e| io_err("cannot stat", &local_path, e))?;
            let mode = meta.permissions().mode() & 0o7777;
            let ft = meta.file_type();
            if ft.is_dir() {
                self.file_mkdir(instance, &remote_path, &FileOptions { mode: Some(mode), ..Default::default() })?;
                stats.directories += 1;
                self.push_dir(instance, &local_path, &remote_path, p, stats, depth + 1)?;
            } else if ft.is_symlink() {
                let target = std::fs::read_link(&local_path).map_err(|e| io_err("cannot read link", &local_path, e))?;
                let target = target.to_str().ok_or_else(|| Error::invalid(format!("{} points to a path that is not UTF-8", local_path.display())))?;
                self.file_symlink(instance, &remote_path, target, &FileOptions::default())?;
                stats.symlinks += 1;
            } else if ft.is_file() {
                let mut f = File::open(&local_path).map_err(|e| io_err("cannot open", &local_path, e))?;
                let call = files::push(instance, &remote_path, &FileOptions { mode: Some(mode), ..Default::default() })?;
                let resp = stream::upload(self, call.request.clone(), &mut f, Some(meta.len()), p)?;
                call.parse(&resp)?;
                stats.files += 1;
                stats.bytes += meta.len();
            } else {
                stats.skipped += 1;
            }
        }
        Ok(())
    }

    /// Download the directory `remote_dir` into the new local directory `local_dir` (it must not
    /// exist; its parent must). Directories and files keep their permission bits, symlinks are
    /// recreated as symlinks (never followed). Names from the instance that are not a single safe
    /// path component (`.`, `..`, absolute names, names with `/`) are dropped and counted in
    /// `skipped`: a hostile instance cannot write outside `local_dir`. Nothing is ever written
    /// through an existing path (files are created with `O_EXCL`). On failure `local_dir` is
    /// removed again. Progress reports bytes done with a total of 0 (unknown).
    pub fn file_pull_tree(&self, instance: &str, remote_dir: &str, local_dir: &Path, progress: Option<&mut dyn FnMut(u64, u64) -> bool>) -> Result<TreeStats> {
        lxd_core::request::check_instance_name(instance)?;
        files::check_path(remote_dir)?;
        let d = stream::download(self, files::pull(instance, remote_dir)?)?;
        let info = files::parse_download(&d.head)?;
        if info.kind != FileType::Directory {
            return Err(Error::invalid(format!("{remote_dir:?} is not a directory")));
        }
        let names = files::parse_listing(&d.buffered()?)?;
        std::fs::create_dir(local_dir).map_err(|e| io_err("cannot create directory", local_dir, e))?;
        let mut p = Progress::new(progress, 0);
        let mut stats = TreeStats { directories: 1, ..Default::default() };
        let result = p.report().and_then(|_| self.pull_entries(instance, remote_dir, names, local_dir, &mut p, &mut stats, 0)).and_then(|_| {
            std::fs::set_permissions(local_dir, std::fs::Permissions::from_mode(info.mode & 0o777)).map_err(|e| io_err("cannot set the mode of", local_dir, e))
        });
        match result {
            Ok(()) => Ok(stats),
            Err(e) => {
                let _ = std::fs::remove_dir_all(local_dir);
                Err(e)
            }
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn pull_entries(&self, instance: &str, remote: &str, names: Vec<String>, local: &Path, p: &mut Progress<'_>, stats: &mut TreeStats, depth: usize) -> Result<()> {
        if depth > MAX_TREE_DEPTH {
            return Err(Error::protocol(format!("{remote:?} is nested more than {MAX_TREE_DEPTH} levels deep")));
        }
        for name in names {
            if !files::is_safe_entry_name(&name) {
                stats.skipped += 1;
                continue;
            }
            let remote_path = files::join_path(remote, &name);
            let local_path: PathBuf = local.join(&name);
            let d = stream::download(self, files::pull(instance, &remote_path)?)?;
            let info = files::parse_download(&d.head)?;
            match info.kind {
                FileType::Directory => {
                    let children = files::parse_listing(&d.buffered()?)?;
                    std::fs::create_dir(&local_path).map_err(|e| io_err("cannot create directory", &local_path, e))?;
                    stats.directories += 1;
                    self.pull_entries(instance, &remote_path, children, &local_path, p, stats, depth + 1)?;
                    std::fs::set_permissions(&local_path, std::fs::Permissions::from_mode(info.mode & 0o777)).map_err(|e| io_err("cannot set the mode of", &local_path, e))?;
                }
                FileType::Symlink => {
                    let mut target = Vec::new();
                    stream::copy_body(&mut d.body.into_reader(), &mut target, &mut Progress::none(), Some(MAX_LINK_TARGET))?;
                    std::os::unix::fs::symlink(std::ffi::OsStr::from_bytes(&target), &local_path).map_err(|e| io_err("cannot create symlink", &local_path, e))?;
                    stats.symlinks += 1;
                }
                FileType::File => {
                    let mut f = OpenOptions::new()
                        .write(true)
                        .create_new(true)
                        .mode(0o600)
                        .custom_flags(libc::O_NOFOLLOW | libc::O_CLOEXEC)
                        .open(&local_path)
                        .map_err(|e| io_err("cannot create", &local_path, e))?;
                    let n = stream::copy_body(&mut d.body.into_reader(), &mut f, p, None)?;
                    f.set_permissions(std::fs::Permissions::from_mode(info.mode & 0o777)).map_err(|e| io_err("cannot set the mode of", &local_path, e))?;
                    stats.files += 1;
                    stats.bytes += n;
                }
            }
        }
        Ok(())
    }
}

fn tree_size(dir: &Path, depth: usize) -> Result<u64> {
    if depth > MAX_TREE_DEPTH {
        return Err(Error::invalid(format!("{} is nested more than {MAX_TREE_DEPTH} levels deep", dir.display())));
    }
    let mut total = 0;
    for entry in std::fs::read_dir(dir).map_err(|e| io_err("cannot list", dir, e))? {
        let entry = entry.map_err(|e| io_err("cannot list", dir, e))?;
        let meta = std::fs::symlink_metadata(entry.path()).map_err(|e| io_err("cannot stat", &entry.path(), e))?;
        if meta.is_dir() {
            total += tree_size(&entry.path(), depth + 1)?;
        } else if meta.file_type().is_file() {
            total += meta.len();
        }
    }
    Ok(total)
}
