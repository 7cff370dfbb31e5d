//! Streaming plumbing shared by file and image transfers: uploads whose body is read from the
//! caller's source as ureq sends it, downloads whose body is copied to the caller's sink as it
//! arrives, progress reporting with cancel, and files that appear atomically (a temporary file in
//! the same directory, renamed into place on success, removed on failure).
//!
//! Memory stays bounded by a few buffers (ureq's, and one [`CHUNK`]) whatever the size of the data.

use std::fs::{File, OpenOptions};
use std::io::{self, Read, Write};
use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use lxd_core::{Request, Response};

use crate::error::{Error, Result, Waiting};
use crate::Client;

/// Size of the copy buffer of downloads.
pub const CHUNK: usize = 256 * 1024;
/// Uploads of a known size larger than this ask for `100 Continue` first: Go's server drops
/// unread bodies up to 256 KiB itself.
const EXPECT_CONTINUE_ABOVE: u64 = 256 * 1024;
/// Largest error or JSON reply read from a streaming call (and never more than the client's
/// [`Client::max_reply_bytes`]).
pub const MAX_SMALL_BODY: u64 = 64 * 1024 * 1024;

/// A progress callback: `(bytes done, bytes total)` (total 0 when unknown); return `false` to
/// cancel the transfer (it then fails with [`Error::Cancelled`]).
pub type ProgressFn<'a> = dyn FnMut(u64, u64) -> bool + 'a;

/// Progress of one transfer: counts bytes and calls the caller's callback.
pub struct Progress<'a> {
    callback: Option<&'a mut ProgressFn<'a>>,
    done: u64,
    total: u64,
    cancelled: bool,
}

impl<'a> Progress<'a> {
    /// Track a transfer of `total` bytes (0: unknown), reporting to `callback` if any.
    pub fn new(callback: Option<&'a mut ProgressFn<'a>>, total: u64) -> Progress<'a> {
        Progress { callback, done: 0, total, cancelled: false }
    }
    /// No callback.
    pub fn none() -> Progress<'static> {
        Progress { callback: None, done: 0, total: 0, cancelled: false }
    }
    /// Bytes done so far.
    pub fn done(&self) -> u64 {
        self.done
    }
    /// The total (0: unknown).
    pub fn total(&self) -> u64 {
        self.total
    }
    /// Change the total (e.g. once a reply's `Content-Length` is known).
    pub fn set_total(&mut self, total: u64) {
        self.total = total;
    }
    /// Whether the callback asked to stop.
    pub fn is_cancelled(&self) -> bool {
        self.cancelled
    }
    /// Count `n` more bytes and report; `Err(Cancelled)` if the callback says stop.
    pub fn advance(&mut self, n: u64) -> Result<()> {
        self.done += n;
        self.report()
    }
    /// Report the current state (also used for the first `0 / total` call).
    pub fn report(&mut self) -> Result<()> {
        if self.cancelled {
            return Err(Error::Cancelled);
        }
        if let Some(cb) = self.callback.as_mut() {
            if !cb(self.done, self.total) {
                self.cancelled = true;
                return Err(Error::Cancelled);
            }
        }
        Ok(())
    }
}

/// Marker inside an `io::Error` that a read stopped on purpose (progress said cancel, or the
/// local source failed): the real cause is kept in [`UploadSource`].
#[derive(Debug)]
struct StopMarker;

impl std::fmt::Display for StopMarker {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("upload stopped by the client")
    }
}

impl std::error::Error for StopMarker {}

/// The body of an upload: reads the caller's source, counts progress, enforces the announced
/// length, and remembers why it stopped (so a cancel is reported as a cancel, and a local read
/// error as a local I/O error, not as a network failure).
pub struct UploadSource<'s, 'p> {
    inner: &'s mut dyn Read,
    remaining: Option<u64>,
    progress: &'s mut Progress<'p>,
    failure: Option<Error>,
}

impl<'s, 'p> UploadSource<'s, 'p> {
    /// Read `inner`; if `len` is given, exactly that many bytes must come.
    pub fn new(inner: &'s mut dyn Read, len: Option<u64>, progress: &'s mut Progress<'p>) -> UploadSource<'s, 'p> {
        UploadSource { inner, remaining: len, progress, failure: None }
    }
    fn stop(&mut self, e: Error) -> io::Error {
        self.failure = Some(e);
        io::Error::other(StopMarker)
    }
    /// Why the upload stopped early, if it did.
    pub fn take_failure(&mut self) -> Option<Error> {
        self.failure.take()
    }
}

impl Read for UploadSource<'_, '_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.failure.is_some() {
            return Err(io::Error::other(StopMarker));
        }
        if self.progress.is_cancelled() {
            return Err(self.stop(Error::Cancelled));
        }
        let want = match self.remaining {
            Some(0) => {
                // Check the source really ended where it said it would (a file that grew is cut
                // at its announced size by `take`; a shrunk one is caught below).
                return Ok(0);
            }
            Some(r) => buf.len().min(usize::try_from(r).unwrap_or(usize::MAX)),
            None => buf.len(),
        };
        let n = loop {
            match self.inner.read(&mut buf[..want]) {
                Ok(n) => break n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(self.stop(Error::Io(format!("cannot read the data to upload: {e}")))),
            }
        };
        if n == 0 {
            if let Some(r) = self.remaining {
                if r > 0 {
                    return Err(self.stop(Error::Io(format!("the data to upload ended {r} bytes early (file shrank while sending?)"))));
                }
            }
            return Ok(0);
        }
        if let Some(r) = self.remaining.as_mut() {
            *r -= n as u64;
        }
        if let Err(e) = self.progress.advance(n as u64) {
            return Err(self.stop(e));
        }
        Ok(n)
    }
}

/// Request-level settings of a long transfer on the client's shared agent: no global deadline (a
/// 1 GiB upload may take minutes), but each read and write, and connecting, must progress within
/// the client's timeout, so a stalled server cannot block forever.
pub(crate) fn configure_transfer<B: ureq::AsSendBody>(client: &Client, req: ureq::http::Request<B>) -> ureq::http::Request<B> {
    let t = client.timeout();
    client
        .agent()
        .configure_request(req)
        .timeout_global(None)
        .timeout_per_call(None)
        .timeout_connect(t)
        .timeout_send_request(t)
        .timeout_recv_response(t)
        .timeout_per_read(t)
        .timeout_per_write(t)
        .build()
}

fn head_of(resp: &ureq::http::Response<ureq::Body>) -> Response {
    let headers = resp
        .headers()
        .iter()
        .map(|(k, v)| (k.as_str().to_string(), String::from_utf8_lossy(v.as_bytes()).into_owned()))
        .collect();
    Response { status: resp.status().as_u16(), headers, body: Vec::new() }
}

/// Read a small reply body (JSON or an error) into `head.body`, under the client's size limit.
fn buffer_small(head: &mut Response, body: ureq::Body, max: u64, limit: Option<Duration>) -> Result<()> {
    let max = max.min(MAX_SMALL_BODY);
    let mut body = body;
    head.body = match body.with_config().limit(max).read_to_vec() {
        Ok(b) => b,
        Err(ureq::Error::BodyExceedsLimit(_)) => return Err(Error::protocol(format!("reply body is larger than the client's limit of {max} bytes for a JSON reply"))),
        Err(e) => return Err(Error::from_ureq_in(e, Waiting::Body, limit)),
    };
    Ok(())
}

/// Send `req` (a `Body::Stream` request) with its body read from `source` (`len`: its exact size
/// when known, sent as `Content-Length`; else chunked). Progress counts the bytes read. The reply
/// (small, JSON) is returned buffered.
pub fn upload(client: &Client, req: Request, source: &mut dyn Read, len: Option<u64>, progress: &mut Progress<'_>) -> Result<Response> {
    let (mut b, _req) = client.http_request(req)?;
    if let Some(n) = len {
        b = b.header("Content-Length", n.to_string());
    }
    // LXD answers some errors (no such instance, no such directory) without reading the body.
    // Go's server then reads and drops an unread body of up to 256 KiB and answers normally, but
    // closes the connection on a larger one: sending it would turn LXD's 404 into a broken pipe.
    // With `Expect: 100-continue` Go says "100 Continue" once the handler starts reading, and the
    // final error otherwise, before any of the body is sent. Only for large bodies of known size:
    // for small or chunked ones Go waits for the body even after its error reply, and ureq 3.5
    // waits for more of a reply it already has; a chunked upload refused early may therefore end
    // as a broken pipe (LXD_RESULT_CONNECTION) instead of LXD's error.
    if len.is_some_and(|n| n > EXPECT_CONTINUE_ABOVE) {
        b = b.header("Expect", "100-continue");
    }
    progress.report()?;
    let mut body = UploadSource::new(source, len, progress);
    let result = {
        let hreq = b.body(ureq::SendBody::from_reader(&mut body)).map_err(|e| Error::invalid(format!("cannot build request: {e}")))?;
        let hreq = configure_transfer(client, hreq);
        client.agent().run(hreq)
    };
    if let Some(why) = body.take_failure() {
        return Err(why);
    }
    let resp = result.map_err(|e| Error::from_ureq_in(e, Waiting::Reply, client.timeout()))?;
    let mut head = head_of(&resp);
    buffer_small(&mut head, resp.into_body(), client.max_reply_bytes(), client.timeout())?;
    Ok(head)
}

/// A download whose headers arrived: `head` has status and headers (and, for an error status, the
/// buffered error body); `body` streams the rest.
pub(crate) struct Download {
    /// Status and headers (body empty unless the status is an error).
    pub head: Response,
    /// The body, not yet read.
    pub(crate) body: ureq::Body,
    max_reply: u64,
    timeout: Option<Duration>,
}

impl Download {
    /// Read the (small, JSON) body into `head.body` and return the head.
    pub fn buffered(self) -> Result<Response> {
        let mut head = self.head;
        buffer_small(&mut head, self.body, self.max_reply, self.timeout)?;
        Ok(head)
    }
    /// The reply's `Content-Length`, if any.
    pub fn content_length(&self) -> Option<u64> {
        self.head.header("Content-Length").and_then(|v| v.trim().parse().ok())
    }
}

/// Send a GET (or any body-less request) and return once the headers are in. An error status
/// comes back with its body buffered, for the core to turn into LXD's error.
pub(crate) fn download(client: &Client, req: Request) -> Result<Download> {
    let (b, _req) = client.http_request(req)?;
    let hreq = b.body(()).map_err(|e| Error::invalid(format!("cannot build request: {e}")))?;
    let hreq = configure_transfer(client, hreq);
    let resp = client.agent().run(hreq).map_err(|e| Error::from_ureq_in(e, Waiting::Reply, client.timeout()))?;
    let mut head = head_of(&resp);
    let body = resp.into_body();
    if head.status >= 300 {
        buffer_small(&mut head, body, client.max_reply_bytes(), client.timeout())?;
        return Err(lxd_core::files::error_from_reply(&head).into());
    }
    Ok(Download { head, body, max_reply: client.max_reply_bytes(), timeout: client.timeout() })
}

/// Map an error reading a reply body.
pub fn net_read_error(e: io::Error) -> Error {
    match e.get_ref().and_then(|i| i.downcast_ref::<ureq::Error>()) {
        Some(_) => {
            let kind = e.kind();
            match e.into_inner().and_then(|i| i.downcast::<ureq::Error>().ok()) {
                Some(u) => Error::from_ureq(*u),
                None => Error::Connect(format!("reading the reply failed ({kind:?})")),
            }
        }
        None => Error::from_net_io(&e),
    }
}

/// Copy a body reader to `sink` with progress; returns the bytes copied. `max` limits the size
/// (exceeding it is an I/O error). Read errors are network errors, write errors local I/O errors.
pub fn copy_body(body: &mut dyn Read, sink: &mut dyn Write, progress: &mut Progress<'_>, max: Option<u64>) -> Result<u64> {
    let mut buf = vec![0u8; CHUNK];
    let mut total = 0u64;
    loop {
        let n = match body.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(net_read_error(e)),
        };
        total += n as u64;
        if let Some(m) = max {
            if total > m {
                return Err(Error::Io(format!("the data is larger than the limit of {m} bytes")));
            }
        }
        sink.write_all(&buf[..n]).map_err(|e| Error::Io(format!("cannot write the downloaded data: {e}")))?;
        progress.advance(n as u64)?;
    }
    Ok(total)
}

static TEMP_COUNTER: AtomicU64 = AtomicU64::new(0);

/// A file that appears at its final path only when complete: written as a hidden temporary file
/// in the same directory (so the rename is atomic), renamed on [`AtomicFile::commit`], and removed
/// if dropped before that (any error, a cancel, a panic).
pub struct AtomicFile {
    final_path: PathBuf,
    temp_path: PathBuf,
    file: File,
    committed: bool,
}

impl AtomicFile {
    /// Create the temporary file for `path` (mode 0600 until committed).
    pub fn create(path: &Path) -> Result<AtomicFile> {
        let name = path.file_name().ok_or_else(|| Error::invalid(format!("{} names no file", path.display())))?;
        let dir = match path.parent() {
            Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
            _ => PathBuf::from("."),
        };
        let pid = std::process::id();
        for _ in 0..100 {
            let nanos = SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.subsec_nanos()).unwrap_or(0);
            let n = TEMP_COUNTER.fetch_add(1, Ordering::Relaxed);
            let mut temp_name = std::ffi::OsString::from(".");
            temp_name.push(name);
            temp_name.push(format!(".lxdpart-{pid}-{n}-{nanos:08x}"));
            let temp_path = dir.join(temp_name);
            match OpenOptions::new().write(true).create_new(true).mode(0o600).custom_flags(libc::O_CLOEXEC).open(&temp_path) {
                Ok(file) => return Ok(AtomicFile { final_path: path.to_path_buf(), temp_path, file, committed: false }),
                Err(e) if e.kind() == io::ErrorKind::AlreadyExists => continue,
                Err(e) => return Err(Error::Io(format!("cannot create a temporary file in {}: {e}", dir.display()))),
            }
        }
        Err(Error::Io(format!("cannot find a free temporary name in {}", dir.display())))
    }
    /// The temporary file, to write to.
    pub fn file(&mut self) -> &mut File {
        &mut self.file
    }
    /// The temporary path (for tests and messages).
    pub fn temp_path(&self) -> &Path {
        &self.temp_path
    }
    /// Set the permissions (`mode & 0o7777`) and rename into place.
    pub fn commit(mut self, mode: Option<u32>) -> Result<()> {
        let file = &self.file;
        if let Some(m) = mode {
            file.set_permissions(std::fs::Permissions::from_mode(m & 0o7777)).map_err(|e| Error::Io(format!("cannot set the mode of {}: {e}", self.temp_path.display())))?;
        }
        // No fsync: the rename makes the file appear complete or not at all to other processes
        // (what callers rely on); crash durability is the caller's choice, as with `lxc file pull`.
        std::fs::rename(&self.temp_path, &self.final_path).map_err(|e| Error::Io(format!("cannot move the downloaded file to {}: {e}", self.final_path.display())))?;
        self.committed = true;
        Ok(())
    }
    /// Replace the temporary file by a symlink to `target` and rename it into place.
    pub fn commit_symlink(mut self, target: &Path) -> Result<()> {
        std::fs::remove_file(&self.temp_path).map_err(|e| Error::Io(format!("cannot replace {}: {e}", self.temp_path.display())))?;
        std::os::unix::fs::symlink(target, &self.temp_path).map_err(|e| Error::Io(format!("cannot create symlink {}: {e}", self.temp_path.display())))?;
        std::fs::rename(&self.temp_path, &self.final_path).map_err(|e| Error::Io(format!("cannot move the symlink to {}: {e}", self.final_path.display())))?;
        self.committed = true;
        Ok(())
    }
}

impl Drop for AtomicFile {
    fn drop(&mut self) {
        if !self.committed {
            let _ = std::fs::remove_file(&self.temp_path);
        }
    }
}

/// A borrowed file descriptor as `Read`/`Write` that never closes it.
pub struct BorrowedFd(std::mem::ManuallyDrop<File>);

impl BorrowedFd {
    /// Borrow `fd` (must stay open for the borrow's life; it is not closed).
    ///
    /// # Safety
    /// `fd` must be an open descriptor for the whole time the value is used.
    pub unsafe fn new(fd: std::os::fd::RawFd) -> Result<BorrowedFd> {
        if fd < 0 {
            return Err(Error::invalid("file descriptor is negative"));
        }
        // SAFETY: the caller guarantees `fd` is open; ManuallyDrop keeps it from being closed.
        Ok(BorrowedFd(std::mem::ManuallyDrop::new(unsafe { <File as std::os::fd::FromRawFd>::from_raw_fd(fd) })))
    }
    /// The bytes left to read from the current offset, for a regular file (`None` otherwise).
    pub fn remaining_len(&self) -> Option<u64> {
        let meta = self.0.metadata().ok()?;
        if !meta.file_type().is_file() {
            return None;
        }
        // SAFETY: lseek on a valid fd with SEEK_CUR does not move it.
        let pos = unsafe { libc::lseek(std::os::fd::AsRawFd::as_raw_fd(&*self.0), 0, libc::SEEK_CUR) };
        if pos < 0 {
            return None;
        }
        Some(meta.len().saturating_sub(pos as u64))
    }
}

impl Read for BorrowedFd {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        (&*self.0).read(buf)
    }
}

impl Write for BorrowedFd {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        (&*self.0).write(buf)
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn atomic_file_leaves_nothing_unless_committed() {
        let dir = std::env::temp_dir().join(format!("lxd-atomic-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let target = dir.join("out file");
        {
            let mut f = AtomicFile::create(&target).unwrap();
            f.file().write_all(b"partial").unwrap();
            assert!(f.temp_path().exists());
        }
        assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 0, "dropped temp file removed");
        let mut f = AtomicFile::create(&target).unwrap();
        f.file().write_all(b"whole").unwrap();
        f.commit(Some(0o640)).unwrap();
        assert_eq!(std::fs::read(&target).unwrap(), b"whole");
        assert_eq!(std::fs::metadata(&target).unwrap().permissions().mode() & 0o777, 0o640);
        let l = AtomicFile::create(&dir.join("link")).unwrap();
        l.commit_symlink(Path::new("/etc/hostname")).unwrap();
        assert_eq!(std::fs::read_link(dir.join("link")).unwrap(), Path::new("/etc/hostname"));
        assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 2);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn upload_source_counts_cancels_and_checks_length() {
        let data = vec![7u8; 100];
        let mut calls = Vec::new();
        let mut cb = |d: u64, t: u64| {
            calls.push((d, t));
            d < 60
        };
        let mut p = Progress::new(Some(&mut cb), 100);
        let mut src: &[u8] = &data;
        let mut up = UploadSource::new(&mut src, Some(100), &mut p);
        let mut buf = [0u8; 40];
        assert_eq!(up.read(&mut buf).unwrap(), 40);
        assert!(up.read(&mut buf).is_err(), "second chunk reaches 80 > 60: cancelled");
        assert_eq!(up.take_failure(), Some(Error::Cancelled));
        drop(up);
        assert_eq!(calls, vec![(40, 100), (80, 100)]);
        let mut p = Progress::none();
        let mut short: &[u8] = &data[..10];
        let mut up = UploadSource::new(&mut short, Some(20), &mut p);
        let mut sink = Vec::new();
        assert!(io::copy(&mut up, &mut sink).is_err());
        assert!(matches!(up.take_failure(), Some(Error::Io(_))));
    }

    #[test]
    fn copy_body_limit_and_progress() {
        let data = vec![1u8; 1000];
        let mut seen = 0;
        let mut cb = |d: u64, _t: u64| {
            seen = d;
            true
        };
        {
            let mut p = Progress::new(Some(&mut cb), 0);
            let mut out = Vec::new();
            assert_eq!(copy_body(&mut &data[..], &mut out, &mut p, None).unwrap(), 1000);
        }
        assert_eq!(seen, 1000);
        let mut p = Progress::none();
        assert!(matches!(copy_body(&mut &data[..], &mut Vec::new(), &mut p, Some(999)), Err(Error::Io(_))));
    }
}
