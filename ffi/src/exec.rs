//! Exec: run a command in an instance, streaming stdin, stdout and stderr over LXD's websockets.
//!
//! What it gets right (see PROTOCOL-NOTES "Exec"):
//! - the control socket is connected first, then the data sockets in parallel, right after the
//!   POST (LXD starts the command once they are all connected and gives up after 5 s);
//! - stdin is fed on its own thread and ended with an empty text frame, so `cat` ends, and
//!   stdin never blocks stdout (no back-pressure deadlock);
//! - stdout and stderr are drained to their end-of-stream barrier before the exit code is read,
//!   even when the operation already reported success;
//! - the exit code is `metadata.return`, also when LXD marks the operation a failure (126, 127);
//! - pings are answered on every socket; bytes stay bytes;
//! - cancel (from any thread) or a timeout shuts every socket: LXD then kills the command.
//!
//! [`Client::exec`] streams; [`Client::exec_output`] buffers; [`Client::exec_interactive`]
//! opens a pty session ([`ExecSession`]). An [`ExecControl`] cancels, signals or resizes an exec
//! from another thread.

use std::io::{self, Read, Write};
use std::os::fd::{AsRawFd, BorrowedFd};
use std::os::unix::net::UnixStream;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::sync::{Arc, Condvar, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use crate::flow::{poll_once, run};
use lxd_core::exec::{Control, ExecFlow, ExecRequest, ExecResult, ExecSockets, ExecStep, RecordedOutput};
use lxd_core::Request;

use crate::client::{Canceller, Client};
use crate::error::{Error, Result};
use crate::transport::SocketShutdown;
use crate::ws::{self, lock, timeout_err, Chunk, Kind, WebSocket, WsReader, WsWriter};

/// Size of one stdin read, hence of one stdin frame.
const STDIN_CHUNK: usize = 64 * 1024;
/// LXD waits this long for the data sockets.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
/// Longest single `operations/<id>/wait` request: cancellation is checked in between.
const WAIT_SLICE_SECS: u64 = 1;
/// Output an interactive session buffers while `wait` drains a pty nobody reads.
const MAX_PENDING: usize = 64 * 1024 * 1024;

/// Where stdin comes from.
pub enum ExecStdin<'a> {
    /// Nothing: the command sees end-of-file at once.
    Null,
    /// A reader, read on a library thread until it returns 0 (end) or an error (which fails the
    /// exec). When the command ends first, the exec still waits for a read in progress to return.
    Reader(&'a mut (dyn Read + Send)),
    /// A file descriptor (pipe, file, terminal, socket), read until end-of-file. Unlike a
    /// reader, a read in progress is abandoned as soon as the command ends or is cancelled.
    Fd(BorrowedFd<'a>),
}

/// The streams of one exec. A `None` output is read and dropped.
pub struct ExecIo<'a> {
    /// stdin (ignored in record-output mode, where LXD gives the command no stdin).
    pub stdin: ExecStdin<'a>,
    /// stdout (interactive: the pty's output).
    pub stdout: Option<&'a mut (dyn Write + Send)>,
    /// stderr (unused when interactive: the pty carries both).
    pub stderr: Option<&'a mut (dyn Write + Send)>,
}

impl<'a> ExecIo<'a> {
    /// No stdin, outputs dropped.
    pub fn null() -> ExecIo<'a> {
        ExecIo { stdin: ExecStdin::Null, stdout: None, stderr: None }
    }
}

/// Controls one exec from other threads: cancel, signal, resize, timeout. One exec per control
/// (a second [`Client::exec`] with the same control is refused).
#[derive(Debug, Default)]
pub struct ExecControl {
    canceller: Canceller,
    timeout: Option<Duration>,
    control: Mutex<Option<WsWriter>>,
    used: AtomicBool,
    operation_id: Mutex<Option<String>>,
}

impl ExecControl {
    /// No timeout of its own: the client's operation deadline bounds the exec.
    pub fn new() -> ExecControl {
        ExecControl::default()
    }
    /// The whole exec (connect, run, drain) must end within `timeout` (None or zero: the client's
    /// operation deadline, see [`crate::ClientBuilder::operation_deadline`]); past it the sockets
    /// are shut (LXD kills the command) and the exec fails with [`Error::Timeout`].
    pub fn with_timeout(timeout: Option<Duration>) -> ExecControl {
        ExecControl { timeout: timeout.filter(|t| !t.is_zero()), ..ExecControl::default() }
    }
    /// Cancel: every socket is shut down at once, LXD kills the command, and the blocked call
    /// returns [`Error::Cancelled`]. Any thread, any number of times.
    pub fn cancel(&self) {
        self.canceller.cancel();
    }
    /// The canceller (clone it to cancel from elsewhere).
    pub fn canceller(&self) -> &Canceller {
        &self.canceller
    }
    /// The operation id, once the exec started.
    pub fn operation_id(&self) -> Option<String> {
        lock(&self.operation_id).clone()
    }
    /// Send a signal to the running command (control channel). Fails when the command has not
    /// started yet or already ended.
    pub fn signal(&self, signal: i32) -> Result<()> {
        self.send(Control::Signal(signal))
    }
    /// Resize the pty of an interactive command.
    pub fn resize(&self, width: u32, height: u32) -> Result<()> {
        self.send(Control::WindowResize { width, height })
    }
    fn send(&self, msg: Control) -> Result<()> {
        msg.validate()?;
        let w = lock(&self.control).clone().ok_or_else(|| Error::invalid("the command is not running (not started, or ended)"))?;
        w.send_text(msg.to_json().as_bytes()).map_err(|e| Error::Connect(format!("exec control channel: {e}")))
    }
}

/// Buffered result of [`Client::exec_output`].
#[derive(Debug, Clone, PartialEq)]
pub struct ExecOutput {
    /// Exit code (see [`ExecResult::exit_code`]).
    pub exit_code: i32,
    /// Everything the command wrote to stdout.
    pub stdout: Vec<u8>,
    /// Everything the command wrote to stderr.
    pub stderr: Vec<u8>,
    /// The full result (final operation, failure text, record-output paths).
    pub result: ExecResult,
}

/// The sockets of one exec, to shut down together (abort, end). A socket added after the abort
/// is shut at once.
#[derive(Default)]
struct Sockets {
    inner: Mutex<(bool, Vec<SocketShutdown>)>,
}

impl Sockets {
    fn add(&self, s: SocketShutdown) {
        let mut g = lock(&self.inner);
        if g.0 {
            s.shutdown_now();
        }
        g.1.push(s);
    }
    fn shutdown_all(&self) {
        let mut g = lock(&self.inner);
        g.0 = true;
        for s in g.1.iter() {
            s.shutdown_now();
        }
    }
}

/// Why a stream thread stopped early.
enum Fail {
    /// The caller's reader or writer failed.
    Local(String),
    /// The connection failed (or was shut: cancel, timeout, abort).
    Net(Error),
}

type StreamResult = std::result::Result<(), Fail>;

fn net_err(what: &str, e: io::Error) -> Fail {
    if ws::is_protocol(&e) {
        // A frame no LXD sends: fail now, rather than wait for an end that will not come.
        return Fail::Net(Error::protocol(format!("exec {what}: {e}")));
    }
    Fail::Net(match Error::from_net_io(&e) {
        Error::Connect(m) => Error::Connect(format!("exec {what}: {m}")),
        other => other,
    })
}

/// Block SIGPIPE on this (library) thread: writing to a closed pipe the caller gave us is then an
/// EPIPE error, not the death of the caller's process.
fn block_sigpipe() {
    // SAFETY: sigset manipulation on a local set; pthread_sigmask on the current thread only.
    unsafe {
        let mut set: libc::sigset_t = std::mem::zeroed();
        libc::sigemptyset(&mut set);
        libc::sigaddset(&mut set, libc::SIGPIPE);
        libc::pthread_sigmask(libc::SIG_BLOCK, &set, std::ptr::null_mut());
    }
}

/// Copy one output channel to its sink until LXD's end-of-stream barrier (an empty text
/// message), a close frame or the end of the connection.
fn pump_output(what: &str, r: &mut WsReader, mut sink: Option<&mut (dyn Write + Send)>) -> StreamResult {
    block_sigpipe();
    loop {
        match r.next_chunk(usize::MAX).map_err(|e| net_err(what, e))? {
            Chunk::Data { kind: Kind::Binary, bytes, .. } => {
                if let Some(w) = sink.as_deref_mut() {
                    if !bytes.is_empty() {
                        w.write_all(bytes).map_err(|e| Fail::Local(format!("writing {what}: {e}")))?;
                    }
                }
            }
            Chunk::Data { kind: Kind::Text, bytes, end_of_message } => {
                // LXD ends an output with one empty text message and sends nothing else as text.
                if !bytes.is_empty() {
                    return Err(Fail::Net(Error::protocol(format!("exec {what}: a text message that is not LXD's empty end-of-stream marker"))));
                }
                if end_of_message {
                    break;
                }
            }
            Chunk::Close(_) | Chunk::Eof => break,
        }
    }
    if let Some(w) = sink {
        w.flush().map_err(|e| Fail::Local(format!("flushing {what}: {e}")))?;
    }
    Ok(())
}

/// Read pings and the end from a socket nobody else reads (control; stdin once fed).
fn drain(r: &mut WsReader) {
    while let Ok(c) = r.next_chunk(usize::MAX) {
        if matches!(c, Chunk::Close(_) | Chunk::Eof) {
            break;
        }
    }
}

/// Reads a caller's descriptor, but gives up as soon as `wake` becomes readable.
struct FdSource<'a> {
    fd: BorrowedFd<'a>,
    wake: &'a UnixStream,
}

impl Read for FdSource<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        loop {
            let mut fds = [
                libc::pollfd { fd: self.fd.as_raw_fd(), events: libc::POLLIN, revents: 0 },
                libc::pollfd { fd: self.wake.as_raw_fd(), events: libc::POLLIN, revents: 0 },
            ];
            // SAFETY: two valid pollfd entries.
            let n = unsafe { libc::poll(fds.as_mut_ptr(), 2, -1) };
            if n < 0 {
                let e = io::Error::last_os_error();
                if e.kind() == io::ErrorKind::Interrupted {
                    continue;
                }
                return Err(e);
            }
            if fds[1].revents != 0 {
                return Err(io::Error::new(io::ErrorKind::Interrupted, "stopped"));
            }
            if fds[0].revents & libc::POLLNVAL != 0 {
                return Err(io::Error::new(io::ErrorKind::InvalidInput, "stdin descriptor is not open"));
            }
            // SAFETY: reading into a valid buffer of buf.len() bytes.
            let r = unsafe { libc::read(self.fd.as_raw_fd(), buf.as_mut_ptr().cast(), buf.len()) };
            if r >= 0 {
                return Ok(r as usize);
            }
            let e = io::Error::last_os_error();
            if !matches!(e.kind(), io::ErrorKind::Interrupted | io::ErrorKind::WouldBlock) {
                return Err(e);
            }
        }
    }
}

/// Feed stdin to LXD, then (non-interactive) the end-of-stdin barrier.
fn feed_stdin(src: &mut dyn Read, w: &WsWriter, send_barrier: bool, stop: &AtomicBool) -> StreamResult {
    let mut buf = vec![0u8; STDIN_CHUNK];
    loop {
        if stop.load(Ordering::SeqCst) {
            return Ok(());
        }
        let n = match src.read(&mut buf) {
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted && stop.load(Ordering::SeqCst) => return Ok(()),
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(Fail::Local(format!("reading stdin: {e}"))),
        };
        if n == 0 {
            break;
        }
        if w.send_binary(&buf[..n]).is_err() {
            // LXD stopped reading stdin: the command ended or closed it. Not an error.
            return Ok(());
        }
    }
    if send_barrier {
        let _ = w.send_text(b"");
    }
    Ok(())
}

/// Write an fd as a [`Write`] (stdout/stderr to descriptors), waiting on a non-blocking one.
pub struct FdSink<'a> {
    fd: BorrowedFd<'a>,
}

impl<'a> FdSink<'a> {
    /// Write to `fd` (not closed by this).
    pub fn new(fd: BorrowedFd<'a>) -> FdSink<'a> {
        FdSink { fd }
    }
}

impl Write for FdSink<'_> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        loop {
            // SAFETY: writing from a valid buffer.
            let r = unsafe { libc::write(self.fd.as_raw_fd(), buf.as_ptr().cast(), buf.len()) };
            if r >= 0 {
                return Ok(r as usize);
            }
            let e = io::Error::last_os_error();
            match e.kind() {
                io::ErrorKind::Interrupted => continue,
                io::ErrorKind::WouldBlock => {
                    let mut p = libc::pollfd { fd: self.fd.as_raw_fd(), events: libc::POLLOUT, revents: 0 };
                    // SAFETY: one valid pollfd.
                    unsafe { libc::poll(&mut p, 1, -1) };
                }
                _ => return Err(e),
            }
        }
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// Shared state of a running exec's sockets.
struct Live<'c> {
    client: &'c Client,
    ctl: &'c ExecControl,
    sockets: Sockets,
    timed_out: AtomicBool,
    /// What the deadline is, for the timeout's message.
    limit: &'static str,
}

impl Live<'_> {
    fn open(&self, req: Request, deadline: Option<Instant>) -> Result<WebSocket> {
        let mut t = CONNECT_TIMEOUT;
        if let Some(d) = deadline {
            t = t.min(d.saturating_duration_since(Instant::now()).max(Duration::from_millis(1)));
        }
        let ws = ws::connect(self.client, req, Some(t), Some(&self.ctl.canceller))?;
        self.sockets.add(ws.shutdown_handle().map_err(|e| Error::Io(format!("cannot watch the websocket: {e}")))?);
        Ok(ws)
    }

    fn timeout_error(&self) -> Error {
        Error::Timeout(format!("exec did not finish within {}", self.limit))
    }

    /// The error to report for a stream failure: a cancel or timeout wins over what it caused.
    fn classify(&self, f: Fail) -> Error {
        if self.ctl.canceller.is_cancelled() {
            return Error::Cancelled;
        }
        if self.timed_out.load(Ordering::SeqCst) {
            return self.timeout_error();
        }
        match f {
            Fail::Local(m) => Error::Io(m),
            Fail::Net(e) => e,
        }
    }

    /// Wait for the final operation in short slices (cancel and deadline checked in between).
    fn wait_final(&self, flow: &ExecFlow, deadline: Option<Instant>) -> Result<ExecResult> {
        loop {
            self.ctl.canceller.check()?;
            let slice = match deadline {
                None => WAIT_SLICE_SECS,
                Some(d) => {
                    let left = d.saturating_duration_since(Instant::now());
                    if left.is_zero() {
                        self.timed_out.store(true, Ordering::SeqCst);
                        return Err(self.timeout_error());
                    }
                    left.as_secs().clamp(0, WAIT_SLICE_SECS)
                }
            };
            let id = flow.operation_id().unwrap_or_default().to_string();
            if let Some(r) = poll_once(&mut flow.waiter(slice as i64)?, |req| self.client.send_wait(&id, req))? {
                return Ok(r);
            }
            if slice == 0 {
                thread::sleep(Duration::from_millis(20));
            }
        }
    }
}

impl Client {
    /// Run a command in `instance` (`POST /1.0/instances/<name>/exec`) and stream its I/O: stdin
    /// from `io.stdin`, stdout and stderr into `io.stdout` / `io.stderr` (interactive: the pty's
    /// output into `io.stdout`). Returns when the command ended and both outputs were drained to
    /// their end, with its exit code — also 126/127 when LXD marks the operation failed. In
    /// record-output mode the logs are fetched into the outputs afterwards and their paths are in
    /// the result. `ctl` cancels, signals or bounds it from other threads.
    pub fn exec(&self, instance: &str, req: &ExecRequest, io: ExecIo<'_>, ctl: &ExecControl) -> Result<ExecResult> {
        if ctl.used.swap(true, Ordering::SeqCst) {
            return Err(Error::invalid("this ExecControl was already used for an exec; make one per exec"));
        }
        ctl.canceller.check()?;
        // The exec's own timeout, or else the client's operation deadline (None: no limit).
        let (limit, why) = match ctl.timeout {
            Some(t) => (Some(t), "its timeout"),
            None => (self.operation_deadline(), "the client's operation deadline"),
        };
        let deadline = limit.map(|t| Instant::now() + t);
        let mut flow = ExecFlow::new(instance, req)?;
        if req.is_record_output() && !matches!(io.stdin, ExecStdin::Null) {
            return Err(Error::invalid("record-output gives the command no stdin; pass ExecStdin::Null"));
        }
        let step = run(&mut flow, |post| self.send(post))?;
        *lock(&ctl.operation_id) = flow.operation_id().map(str::to_string);
        let live = Live { client: self, ctl, sockets: Sockets::default(), timed_out: AtomicBool::new(false), limit: why };
        let out = match step {
            ExecStep::Wait => self.exec_recorded(&live, &flow, io, deadline),
            ExecStep::Connect(socks) => self.exec_streams(&live, &flow, *socks, req.is_interactive(), io, deadline),
        };
        *lock(&ctl.control) = None;
        live.sockets.shutdown_all();
        out
    }

    fn exec_recorded(&self, live: &Live<'_>, flow: &ExecFlow, io: ExecIo<'_>, deadline: Option<Instant>) -> Result<ExecResult> {
        let r = live.wait_final(flow, deadline)?;
        if let Some(out) = &r.output {
            for (path, sink) in [(&out.stdout, io.stdout), (&out.stderr, io.stderr)] {
                if let (Some(p), Some(w)) = (path, sink) {
                    let resp = self.send(RecordedOutput::fetch(p)?)?;
                    if resp.status >= 400 {
                        lxd_core::response::parse_envelope(&resp)?;
                    }
                    w.write_all(&resp.body).map_err(|e| Error::Io(format!("writing recorded output: {e}")))?;
                }
            }
        }
        Ok(r)
    }

    fn exec_streams(&self, live: &Live<'_>, flow: &ExecFlow, socks: ExecSockets, interactive: bool, io: ExecIo<'_>, deadline: Option<Instant>) -> Result<ExecResult> {
        let ExecIo { stdin, stdout, stderr } = io;
        // Wait for the operation from the start, on its own thread: LXD forgets a finished
        // operation ~5 s after it ends, and draining a large output can take longer than that.
        let (stop_waiting, waited) = self.spawn_exec_waiter(flow, &live.ctl.canceller);
        // Control first: registered before the command can start, so closing it (cancel, abort)
        // always makes LXD kill the command.
        let control = live.open(socks.control, deadline)?;
        let (mut control_r, control_w) = control.split();
        *lock(&live.ctl.control) = Some(control_w);

        // Wakes a stdin descriptor poll when the exec ends or is cancelled.
        let (wake_tx, wake_rx) = UnixStream::pair().map_err(|e| Error::Io(format!("socketpair: {e}")))?;
        if let Ok(h) = wake_tx.try_clone() {
            live.ctl.canceller.register_socket(SocketShutdown::Unix(h));
        }
        live.sockets.add(SocketShutdown::Unix(wake_tx));
        let stop_stdin = AtomicBool::new(false);

        let (tx, rx) = mpsc::channel::<(&'static str, StreamResult)>();
        let pty_writer: Mutex<Option<WsWriter>> = Mutex::new(None);
        let outcome = thread::scope(|s| -> Result<ExecResult> {
            s.spawn(move || drain(&mut control_r));
            let mut outputs = 0;
            if interactive {
                // One socket: output read here, stdin written by the stdin thread.
                let (tx_out, tx_in) = (tx.clone(), tx.clone());
                let (pty_tx, pty_rx) = mpsc::channel::<WsWriter>();
                let pw = &pty_writer;
                outputs += 1;
                s.spawn(move || {
                    let r = (|| {
                        let ws = live.open(socks.stdin, deadline).map_err(Fail::Net)?;
                        let (mut r, w) = ws.split();
                        *lock(pw) = Some(w.clone());
                        let _ = pty_tx.send(w);
                        pump_output("pty output", &mut r, stdout)
                    })();
                    let _ = tx_out.send(("pty", r));
                });
                let stop = &stop_stdin;
                let wake = &wake_rx;
                s.spawn(move || {
                    let Ok(w) = pty_rx.recv() else { return };
                    let r = run_stdin(stdin, &w, false, stop, wake);
                    let _ = tx_in.send(("stdin", r));
                });
            } else {
                let stdout_req = socks.stdout.clone();
                let stderr_req = socks.stderr.clone();
                for (name, req, sink) in [("stdout", stdout_req, stdout), ("stderr", stderr_req, stderr)] {
                    let Some(req) = req else { continue };
                    let tx = tx.clone();
                    outputs += 1;
                    s.spawn(move || {
                        let r = live.open(req, deadline).map_err(Fail::Net).and_then(|ws| {
                            let (mut r, _w) = ws.split();
                            // LXD never reads these sockets: pongs would sit unread there.
                            r.set_answer_pings(false);
                            pump_output(name, &mut r, sink)
                        });
                        let _ = tx.send((name, r));
                    });
                }
                let tx = tx.clone();
                let stop = &stop_stdin;
                let wake = &wake_rx;
                s.spawn(move || {
                    let r = live.open(socks.stdin, deadline).map_err(Fail::Net).and_then(|ws| {
                        let (mut r, w) = ws.split();
                        let res = run_stdin(stdin, &w, true, stop, wake);
                        if res.is_ok() {
                            // Answer pings until LXD closes the socket at the end.
                            drain(&mut r);
                        }
                        res
                    });
                    let _ = tx.send(("stdin", r));
                });
            }
            drop(tx);

            // Wait for both outputs to reach their end (stdin may still be open).
            let mut failure: Option<Fail> = None;
            let mut done = 0;
            while done < outputs {
                let got = match deadline {
                    None => rx.recv().map_err(|_| mpsc::RecvTimeoutError::Disconnected),
                    Some(d) => rx.recv_timeout(d.saturating_duration_since(Instant::now())),
                };
                match got {
                    Ok((name, r)) => {
                        if name != "stdin" {
                            done += 1;
                        }
                        if let Err(f) = r {
                            failure.get_or_insert(f);
                            break;
                        }
                    }
                    Err(mpsc::RecvTimeoutError::Timeout) => {
                        live.timed_out.store(true, Ordering::SeqCst);
                        break;
                    }
                    Err(mpsc::RecvTimeoutError::Disconnected) => break,
                }
            }
            let result = if failure.is_some() || live.timed_out.load(Ordering::SeqCst) {
                Err(live.classify(failure.unwrap_or(Fail::Net(Error::Cancelled))))
            } else {
                if interactive {
                    // The pty's output ended; LXD finishes the operation once our side ends too.
                    if let Some(w) = lock(&pty_writer).as_ref() {
                        let _ = w.send_text(b"");
                    }
                }
                match deadline {
                    // Cancelled: the command was killed, so its operation may well have "ended".
                    _ if live.ctl.canceller.is_cancelled() => Err(Error::Cancelled),
                    None => waited.recv().unwrap_or(Err(Error::Cancelled)),
                    Some(d) => match waited.recv_timeout(d.saturating_duration_since(Instant::now())) {
                        Ok(r) => r,
                        Err(mpsc::RecvTimeoutError::Timeout) => {
                            live.timed_out.store(true, Ordering::SeqCst);
                            Err(live.timeout_error())
                        }
                        Err(mpsc::RecvTimeoutError::Disconnected) => Err(Error::Cancelled),
                    },
                }
            };
            stop_waiting.store(true, Ordering::SeqCst);
            // Stop whatever still runs: stdin, control, the stdin descriptor poll.
            stop_stdin.store(true, Ordering::SeqCst);
            live.sockets.shutdown_all();
            // A failure of the caller's stdin reader is reported (it was asked to fail).
            let stdin_failure = rx.iter().find_map(|(name, r)| match r {
                Err(Fail::Local(m)) if name == "stdin" => Some(m),
                _ => None,
            });
            match (result, stdin_failure) {
                (Ok(_), Some(m)) if !live.ctl.canceller.is_cancelled() => Err(Error::Io(m)),
                (r, _) => r,
            }
        });
        outcome
    }

    /// Poll the exec operation to its end on a detached thread (1 s slices; it stops within a
    /// slice once `stop` is set or the exec is cancelled) and hand back its result.
    fn spawn_exec_waiter(&self, flow: &ExecFlow, canceller: &crate::Canceller) -> (Arc<AtomicBool>, mpsc::Receiver<Result<ExecResult>>) {
        let (client, flow, canceller) = (self.clone(), flow.clone(), canceller.clone());
        let stop = Arc::new(AtomicBool::new(false));
        let stop_seen = stop.clone();
        let (tx, rx) = mpsc::channel();
        let spawned = thread::Builder::new().name("lxd-exec-wait".into()).spawn(move || {
            let r = (|| loop {
                if stop_seen.load(Ordering::SeqCst) {
                    return Err(Error::Cancelled);
                }
                canceller.check()?;
                let id = flow.operation_id().unwrap_or_default().to_string();
                if let Some(r) = poll_once(&mut flow.waiter(WAIT_SLICE_SECS as i64)?, |req| client.send_wait(&id, req))? {
                    return Ok(r);
                }
            })();
            let _ = tx.send(r);
        });
        if let Err(e) = spawned {
            let (tx, rx2) = mpsc::channel();
            let _ = tx.send(Err(Error::Io(format!("cannot start the exec waiter thread: {e}"))));
            return (stop, rx2);
        }
        (stop, rx)
    }

    /// Run a command and collect its output in memory: stdin from `stdin` (empty: none), stdout
    /// and stderr as bytes. `timeout` bounds the whole exec (None: the client's operation
    /// deadline). With
    /// `record_output`, the outputs are read back from LXD's log files.
    pub fn exec_output(&self, instance: &str, req: &ExecRequest, stdin: &[u8], timeout: Option<Duration>) -> Result<ExecOutput> {
        let ctl = ExecControl::with_timeout(timeout);
        let (mut out, mut err) = (Vec::new(), Vec::new());
        let mut input = stdin;
        let io = ExecIo {
            stdin: if stdin.is_empty() { ExecStdin::Null } else { ExecStdin::Reader(&mut input) },
            stdout: Some(&mut out),
            stderr: Some(&mut err),
        };
        let result = self.exec(instance, req, io, &ctl)?;
        Ok(ExecOutput { exit_code: result.exit_code, stdout: out, stderr: err, result })
    }

    /// Start an interactive command (a pty) and return its session: write its input, read its
    /// output, resize, signal, wait. The command starts before this returns.
    pub fn exec_interactive(&self, instance: &str, req: &ExecRequest) -> Result<ExecSession> {
        self.exec_interactive_with(instance, req, Arc::new(ExecControl::new()))
    }

    /// As [`Client::exec_interactive`], with a control made beforehand (so another thread can
    /// cancel even the start). The control's timeout is not used: each call takes its own.
    pub fn exec_interactive_with(&self, instance: &str, req: &ExecRequest, ctl: Arc<ExecControl>) -> Result<ExecSession> {
        if !req.is_interactive() {
            return Err(Error::invalid("exec_interactive needs an interactive request (ExecRequest::interactive)"));
        }
        if ctl.used.swap(true, Ordering::SeqCst) {
            return Err(Error::invalid("this ExecControl was already used for an exec; make one per exec"));
        }
        ctl.canceller.check()?;
        let mut flow = ExecFlow::new(instance, req)?;
        let ExecStep::Connect(socks) = run(&mut flow, |post| self.send(post))? else {
            return Err(Error::protocol("interactive exec answered without websockets"));
        };
        let socks = *socks;
        *lock(&ctl.operation_id) = flow.operation_id().map(str::to_string);
        let sockets = Arc::new(Sockets::default());
        let open = |req: Request| -> Result<WebSocket> {
            let ws = ws::connect(self, req, Some(CONNECT_TIMEOUT), Some(&ctl.canceller))?;
            sockets.add(ws.shutdown_handle().map_err(|e| Error::Io(format!("cannot watch the websocket: {e}")))?);
            Ok(ws)
        };
        let started = (|| {
            let control = open(socks.control)?;
            let pty = open(socks.stdin)?;
            Ok::<_, Error>((control, pty))
        })();
        let (control, pty) = match started {
            Ok(v) => v,
            Err(e) => {
                sockets.shutdown_all();
                return Err(e);
            }
        };
        let (mut control_r, control_w) = control.split();
        *lock(&ctl.control) = Some(control_w);
        let ended = Arc::new((Mutex::new(false), Condvar::new()));
        let ended2 = ended.clone();
        let control_thread = thread::Builder::new()
            .name("lxd-exec-control".into())
            .spawn(move || {
                drain(&mut control_r);
                let (m, cv) = &*ended2;
                *lock(m) = true;
                cv.notify_all();
            })
            .map_err(|e| {
                sockets.shutdown_all();
                Error::Io(format!("cannot start a thread: {e}"))
            })?;
        let (r, w) = pty.split();
        Ok(ExecSession {
            client: self.clone(),
            flow,
            ctl,
            sockets,
            pty: Mutex::new(PtyReader { r, pending: Vec::new(), pos: 0, ended: false }),
            writer: w,
            barrier_sent: AtomicBool::new(false),
            control_thread: Mutex::new(Some(control_thread)),
            ended,
            result: Mutex::new(None),
        })
    }
}

fn run_stdin(stdin: ExecStdin<'_>, w: &WsWriter, barrier: bool, stop: &AtomicBool, wake: &UnixStream) -> StreamResult {
    match stdin {
        ExecStdin::Null => {
            if barrier {
                let _ = w.send_text(b"");
            }
            Ok(())
        }
        ExecStdin::Reader(r) => feed_stdin(r, w, barrier, stop),
        ExecStdin::Fd(fd) => feed_stdin(&mut FdSource { fd, wake }, w, barrier, stop),
    }
}

struct PtyReader {
    r: WsReader,
    /// Output read by `wait` that `read` has not handed out yet.
    pending: Vec<u8>,
    pos: usize,
    /// The pty's output ended.
    ended: bool,
}

/// A running interactive command: one pty for input and output, plus the control channel. Safe
/// to share between threads: one thread may read while others write, resize or signal. Dropping
/// it while the command runs shuts its sockets, and LXD kills the command.
pub struct ExecSession {
    client: Client,
    flow: ExecFlow,
    ctl: Arc<ExecControl>,
    sockets: Arc<Sockets>,
    pty: Mutex<PtyReader>,
    writer: WsWriter,
    barrier_sent: AtomicBool,
    control_thread: Mutex<Option<thread::JoinHandle<()>>>,
    /// Set by the control thread when LXD closes the control socket: the command exited.
    ended: Arc<(Mutex<bool>, Condvar)>,
    result: Mutex<Option<ExecResult>>,
}

impl std::fmt::Debug for ExecSession {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ExecSession").field("operation", &self.flow.operation_id()).finish()
    }
}

impl ExecSession {
    /// The control (cancel, signal, resize) of this session.
    pub fn control(&self) -> &ExecControl {
        &self.ctl
    }

    fn net(&self, what: &str, e: io::Error) -> Error {
        if self.ctl.canceller.is_cancelled() {
            Error::Cancelled
        } else if ws::is_protocol(&e) {
            Error::protocol(format!("exec {what}: {e}"))
        } else {
            match Error::from_net_io(&e) {
                Error::Connect(m) => Error::Connect(format!("exec {what}: {m}")),
                other => other,
            }
        }
    }

    /// Send bytes to the pty (keystrokes; `\x03` is Ctrl-C, `\x04` Ctrl-D).
    pub fn write(&self, data: &[u8]) -> Result<()> {
        self.ctl.canceller.check()?;
        if data.is_empty() {
            return Ok(());
        }
        self.writer.send_binary(data).map_err(|e| self.net("pty input", e))
    }

    /// Read pty output into `buf`: the number of bytes, 0 once the output ended (the command
    /// exited). `timeout` None blocks; past it [`Error::Timeout`] (nothing is lost).
    pub fn read(&self, buf: &mut [u8], timeout: Option<Duration>) -> Result<usize> {
        self.ctl.canceller.check()?;
        if buf.is_empty() {
            return Ok(0);
        }
        let mut p = lock(&self.pty);
        if p.pos < p.pending.len() {
            let n = buf.len().min(p.pending.len() - p.pos);
            buf[..n].copy_from_slice(&p.pending[p.pos..p.pos + n]);
            p.pos += n;
            if p.pos == p.pending.len() {
                p.pending.clear();
                p.pos = 0;
            }
            return Ok(n);
        }
        if p.ended {
            return Ok(0);
        }
        let deadline = timeout.map(|t| Instant::now() + t);
        loop {
            let t = deadline.map(|d| d.saturating_duration_since(Instant::now()));
            p.r.set_read_timeout(t).map_err(|e| Error::Io(format!("socket timeout: {e}")))?;
            let chunk = match p.r.next_chunk(buf.len()) {
                Ok(c) => c,
                Err(e) if timeout_err(&e) && !self.ctl.canceller.is_cancelled() => {
                    return Err(Error::Timeout("no pty output within the timeout".into()))
                }
                Err(e) => return Err(self.net("pty output", e)),
            };
            match chunk {
                Chunk::Data { kind: Kind::Binary, bytes, .. } => {
                    if bytes.is_empty() {
                        continue;
                    }
                    let n = bytes.len();
                    buf[..n].copy_from_slice(bytes);
                    return Ok(n);
                }
                Chunk::Data { kind: Kind::Text, end_of_message, .. } => {
                    if end_of_message {
                        p.ended = true;
                        drop(p);
                        self.send_barrier();
                        return Ok(0);
                    }
                }
                Chunk::Close(_) | Chunk::Eof => {
                    p.ended = true;
                    return Ok(0);
                }
            }
        }
    }

    /// Our end of the pty stream: LXD finishes the operation only after it.
    fn send_barrier(&self) {
        if !self.barrier_sent.swap(true, Ordering::SeqCst) {
            let _ = self.writer.send_text(b"");
        }
    }

    /// The result, once [`ExecSession::wait`] succeeded.
    pub fn result(&self) -> Option<ExecResult> {
        lock(&self.result).clone()
    }

    /// Resize the pty.
    pub fn resize(&self, width: u32, height: u32) -> Result<()> {
        self.ctl.resize(width, height)
    }

    /// Send a signal to the command.
    pub fn signal(&self, signal: i32) -> Result<()> {
        self.ctl.signal(signal)
    }

    /// Wait until the command exits (None: no limit) and return its exit code. Output not read
    /// yet stays readable with [`ExecSession::read`]. Past the timeout: [`Error::Timeout`], and
    /// the command keeps running.
    pub fn wait(&self, timeout: Option<Duration>) -> Result<ExecResult> {
        if let Some(r) = lock(&self.result).clone() {
            return Ok(r);
        }
        let deadline = timeout.map(|t| Instant::now() + t);
        let left = || deadline.map(|d| d.saturating_duration_since(Instant::now()));
        // 1. The command exits: LXD closes the control socket.
        {
            let (m, cv) = &*self.ended;
            let mut ended = lock(m);
            while !*ended {
                self.ctl.canceller.check()?;
                let slice = left().map(|l| l.min(Duration::from_millis(200))).unwrap_or(Duration::from_millis(200));
                if left().is_some_and(|l| l.is_zero()) {
                    return Err(Error::Timeout("the command is still running".into()));
                }
                ended = cv.wait_timeout(ended, slice).map(|(g, _)| g).unwrap_or_else(|e| e.into_inner().0);
            }
        }
        // 2. Drain the pty's remaining output into the buffer `read` serves.
        {
            let mut p = lock(&self.pty);
            while !p.ended {
                self.ctl.canceller.check()?;
                let t = left();
                if t.is_some_and(|l| l.is_zero()) {
                    return Err(Error::Timeout("the pty output did not end in time".into()));
                }
                p.r.set_read_timeout(t).map_err(|e| Error::Io(format!("socket timeout: {e}")))?;
                let PtyReader { r, pending, ended, .. } = &mut *p;
                match r.next_chunk(usize::MAX) {
                    Ok(Chunk::Data { kind: Kind::Binary, bytes, .. }) => {
                        if pending.len() + bytes.len() > MAX_PENDING {
                            return Err(Error::Io(format!("more than {MAX_PENDING} bytes of unread pty output; read it before waiting")));
                        }
                        pending.extend_from_slice(bytes);
                    }
                    Ok(Chunk::Data { kind: Kind::Text, end_of_message, .. }) => *ended = end_of_message,
                    Ok(Chunk::Close(_)) | Ok(Chunk::Eof) => *ended = true,
                    Err(e) if timeout_err(&e) && !self.ctl.canceller.is_cancelled() => {
                        return Err(Error::Timeout("the pty output did not end in time".into()))
                    }
                    Err(e) => return Err(self.net("pty output", e)),
                }
            }
        }
        self.send_barrier();
        // 3. The final operation.
        let live = Live { client: &self.client, ctl: &self.ctl, sockets: Sockets::default(), timed_out: AtomicBool::new(false), limit: "its timeout" };
        let r = live.wait_final(&self.flow, deadline)?;
        *lock(&self.ctl.control) = None;
        self.sockets.shutdown_all();
        if let Some(h) = lock(&self.control_thread).take() {
            let _ = h.join();
        }
        *lock(&self.result) = Some(r.clone());
        Ok(r)
    }
}

impl Drop for ExecSession {
    fn drop(&mut self) {
        *lock(&self.ctl.control) = None;
        self.sockets.shutdown_all();
        if let Some(h) = lock(&self.control_thread).take() {
            let _ = h.join();
        }
    }
}
