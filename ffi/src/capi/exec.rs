//! `lxd_exec` and `lxd_instance_exec*`: run commands in instances.
//!
//! Three ways, from simple to flexible:
//! - `lxd_instance_exec`: buffered. stdin from memory, stdout and stderr back as byte buffers
//!   (free them with `lxd_bytes_free`).
//! - `lxd_instance_exec_fds`: streaming between file descriptors.
//! - `lxd_exec`: a handle. Set stdin/stdout/stderr to descriptors or callbacks, then
//!   `lxd_exec_run`; or, for an interactive command (a pty), `lxd_exec_start` then
//!   `lxd_exec_write` / `lxd_exec_read` / `lxd_exec_resize` / `lxd_exec_signal` /
//!   `lxd_exec_wait`. Another thread may `lxd_exec_cancel` it at any time.
//!
//! Options (`options_json`, NULL for none) use LXD's own names: `{"environment": {"K": "V"},
//! "cwd": "/tmp", "user": 1000, "group": 1000, "record-output": false, "interactive": false,
//! "width": 80, "height": 24}`, plus the library's `"timeout_ms"` (whole exec; 0 or absent: the
//! client's operation deadline). Unknown keys are `LXD_RESULT_INVALID_ARGUMENT`. The full list
//! is in `lxd_instance_exec`'s documentation (the generated header carries it).
//!
//! The exit code is the command's: 0 success, 126 not executable, 127 not found (LXD marks
//! those operations failed, the library still reports the code), 128+N killed by signal N.

use std::ffi::{c_char, c_int, c_void};
use std::io::{self, Read, Write};
use std::os::fd::{BorrowedFd, RawFd};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use lxd_core::exec::{ExecRequest, ExecResult};
use serde_json::{json, Value};

use super::client::{client_ref, lxd_client};
use super::{arg_opt_str, arg_ref, arg_str, check_out, guard, lxd_error, lxd_result, write_json};
use crate::error::{Error, Result};
use crate::exec::{ExecControl, ExecIo, ExecSession, ExecStdin, FdSink};
use crate::Client;

/// Supplies stdin: fill `buf` with up to `len` bytes and return how many (1..len), 0 at the end
/// of input, or a negative number to fail the exec (`LXD_RESULT_IO`). Called on a library
/// thread, never concurrently with itself.
pub type lxd_read_cb = Option<unsafe extern "C" fn(user: *mut c_void, buf: *mut u8, len: usize) -> i64>;

/// Receives output: consume up to `len` bytes of `buf` and return how many (1..len; the rest is
/// offered again), or 0 or a negative number to fail the exec (`LXD_RESULT_IO`). Called on a
/// library thread; the stdout and stderr callbacks may run at the same time as each other, each
/// never concurrently with itself.
pub type lxd_write_cb = Option<unsafe extern "C" fn(user: *mut c_void, buf: *const u8, len: usize) -> i64>;

struct CbReader {
    cb: unsafe extern "C" fn(*mut c_void, *mut u8, usize) -> i64,
    user: *mut c_void,
}
// SAFETY: the caller promises (documented) that its callback and user data may be used from a
// library thread.
unsafe impl Send for CbReader {}

impl Read for CbReader {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        // SAFETY: the caller's callback, with a writable buffer of buf.len() bytes.
        let n = unsafe { (self.cb)(self.user, buf.as_mut_ptr(), buf.len()) };
        if n < 0 {
            return Err(io::Error::other(format!("stdin callback returned {n}")));
        }
        if n as u64 > buf.len() as u64 {
            return Err(io::Error::other(format!("stdin callback returned {n}, more than the {} bytes asked", buf.len())));
        }
        Ok(n as usize)
    }
}

struct CbWriter {
    cb: unsafe extern "C" fn(*mut c_void, *const u8, usize) -> i64,
    user: *mut c_void,
}
// SAFETY: as for CbReader.
unsafe impl Send for CbWriter {}

impl Write for CbWriter {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        // SAFETY: the caller's callback, with a readable buffer of buf.len() bytes.
        let n = unsafe { (self.cb)(self.user, buf.as_ptr(), buf.len()) };
        if n <= 0 || n as u64 > buf.len() as u64 {
            return Err(io::Error::other(format!("output callback returned {n}")));
        }
        Ok(n as usize)
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

enum Input {
    Null,
    Fd(RawFd),
    Cb(CbReader),
}

enum Output {
    Discard,
    Fd(RawFd),
    Cb(CbWriter),
}

enum State {
    Ready,
    Running,
    Session(Arc<ExecSession>),
    Finished(Box<ExecResult>),
    Failed,
}

/// A command to run in an instance, and then the running command. Configure it (stdin, stdout,
/// stderr), then either `lxd_exec_run` (to completion) or `lxd_exec_start` (interactive
/// session); each handle runs once. `lxd_exec_cancel`, `lxd_exec_signal` and `lxd_exec_resize`
/// may be called from any thread while another is blocked in `lxd_exec_run`, `lxd_exec_read` or
/// `lxd_exec_wait`; a session may be read by one thread while others write. Free with
/// `lxd_exec_free` once no call is using it.
pub struct lxd_exec {
    client: Client,
    instance: String,
    req: ExecRequest,
    ctl: Arc<ExecControl>,
    io: Mutex<(Input, Output, Output)>,
    state: Mutex<State>,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// argv as Rust strings: non-NULL, `argc` ≥ 1, every element non-NULL UTF-8.
unsafe fn args(argv: *const *const c_char, argc: usize) -> Result<Vec<String>> {
    if argv.is_null() {
        return Err(Error::invalid("argv is NULL"));
    }
    if argc == 0 {
        return Err(Error::invalid("argc is 0: the command is empty"));
    }
    (0..argc)
        .map(|i| {
            // SAFETY: argv has argc readable elements (contract).
            let p = unsafe { *argv.add(i) };
            unsafe { arg_str(p, &format!("argv[{i}]")) }.map(str::to_string)
        })
        .collect()
}

/// The request and the timeout from argv and the options JSON.
unsafe fn request(argv: *const *const c_char, argc: usize, options_json: *const c_char) -> Result<(ExecRequest, Option<Duration>)> {
    let argv = unsafe { args(argv, argc) }?;
    let opts = match unsafe { arg_opt_str(options_json, "options_json") }? {
        None => Value::Null,
        Some(t) => serde_json::from_str(t).map_err(|e| Error::invalid(format!("options_json is not valid JSON: {e}")))?,
    };
    let timeout = match opts.get("timeout_ms") {
        None => None,
        Some(v) => {
            let ms = v.as_u64().ok_or_else(|| Error::invalid("exec option \"timeout_ms\" must be a number of milliseconds (0: none)"))?;
            (ms > 0).then(|| Duration::from_millis(ms))
        }
    };
    let req = ExecRequest::from_options(argv, &opts, &["timeout_ms"])?;
    req.validate()?;
    Ok((req, timeout))
}

fn check_fd(fd: c_int, what: &str) -> Result<()> {
    if fd < -1 {
        return Err(Error::invalid(format!("{what} {fd} is not a descriptor (-1: none)")));
    }
    // SAFETY: F_GETFD only inspects the descriptor table.
    if fd >= 0 && unsafe { libc::fcntl(fd, libc::F_GETFD) } < 0 {
        return Err(Error::invalid(format!("{what} {fd} is not an open descriptor")));
    }
    Ok(())
}

fn result_json(r: &ExecResult) -> Value {
    json!({
        "exit_code": r.exit_code,
        "failure": r.failure,
        "output": r.output.as_ref().map(|o| json!({"1": o.stdout, "2": o.stderr})),
        "operation": r.operation,
    })
}

/// Run with the configured streams (descriptors borrowed for the call).
fn run_with(client: &Client, instance: &str, req: &ExecRequest, ctl: &ExecControl, io: &mut (Input, Output, Output)) -> Result<ExecResult> {
    let (input, out, err) = io;
    let mut out_fd;
    let mut err_fd;
    let stdin = match input {
        Input::Null => ExecStdin::Null,
        // SAFETY: the caller keeps the descriptor open during the call (contract).
        Input::Fd(fd) => ExecStdin::Fd(unsafe { BorrowedFd::borrow_raw(*fd) }),
        Input::Cb(r) => ExecStdin::Reader(r),
    };
    let stdout: Option<&mut (dyn Write + Send)> = match out {
        Output::Discard => None,
        Output::Fd(fd) => {
            // SAFETY: as above.
            out_fd = FdSink::new(unsafe { BorrowedFd::borrow_raw(*fd) });
            Some(&mut out_fd)
        }
        Output::Cb(w) => Some(w),
    };
    let stderr: Option<&mut (dyn Write + Send)> = match err {
        Output::Discard => None,
        Output::Fd(fd) => {
            // SAFETY: as above.
            err_fd = FdSink::new(unsafe { BorrowedFd::borrow_raw(*fd) });
            Some(&mut err_fd)
        }
        Output::Cb(w) => Some(w),
    };
    client.exec(instance, req, ExecIo { stdin, stdout, stderr }, ctl)
}

/// Hand a buffer to C: NULL for an empty one.
fn into_c_bytes(v: Vec<u8>) -> (*mut u8, usize) {
    if v.is_empty() {
        return (std::ptr::null_mut(), 0);
    }
    let b = v.into_boxed_slice();
    let len = b.len();
    (Box::into_raw(b).cast::<u8>(), len)
}

/// Run a command and collect its output (`POST /1.0/instances/<instance>/exec`, its websockets,
/// then the operation's result).
///
/// `argv` holds `argc` (≥ 1) UTF-8 strings, `argv[0]` looked up in the instance's `PATH`.
/// `stdin_data` holds `stdin_len` bytes fed to the command's stdin, then end-of-file (NULL with
/// 0: no input).
///
/// `options_json` is NULL (all defaults) or a JSON object with any of these keys, LXD's own
/// names (`InstanceExecPost`) plus the library's `timeout_ms`. The same options are taken by
/// `lxd_instance_exec_fds` and `lxd_exec_new`.
/// - `"environment"`: object of strings, e.g. `{"HOME": "/root", "LANG": "C"}`; names non-empty,
///   without `=`. Default `{}` (LXD adds `PATH`, `HOME`, `USER` and `LANG` when not given).
/// - `"cwd"`: string, the working directory in the instance (non-empty). Default: absent (LXD
///   chooses).
/// - `"user"`: number 0..4294967295, the uid to run as. Default 0 (root).
/// - `"group"`: number 0..4294967295, the gid to run as. Default 0.
/// - `"record-output"`: bool. `true`: LXD writes stdout and stderr to log files instead of
///   streaming them (no stdin; not with `interactive`); the library reads them back into the
///   outputs. Default `false`.
/// - `"interactive"`: bool. `true`: the command runs on a pty that carries stdin, stdout and
///   stderr (all output arrives as stdout). Default `false`.
/// - `"width"`, `"height"`: numbers 0..4294967295, the pty's size in characters (0: LXD's
///   default); only with `"interactive": true`. Default 0.
/// - `"timeout_ms"`: number ≥ 0, milliseconds the whole exec (connect, run, drain the outputs)
///   may take; past it the command is killed and the call fails with `LXD_RESULT_TIMEOUT`.
///   Absent or 0: the client's operation deadline (`lxd_client_builder_set_operation_deadline_ms`,
///   10 minutes unless set).
///
/// Any other key (and `"command"` or `"wait-for-websocket"`, which the library sets), a value of
/// the wrong type, or options that are not a JSON object: `LXD_RESULT_INVALID_ARGUMENT`.
///
/// A server that breaks the output streams' protocol (a text frame other than LXD's empty
/// end-of-output marker, text that is not UTF-8, reserved bits or opcodes, a frame larger than
/// 16 MiB) fails the exec at once with `LXD_RESULT_PROTOCOL`.
///
/// On success `*exit_code_out` is the command's exit code (also when it is not 0: that is not an
/// error); `*stdout_out` / `*stdout_len_out` get everything the command wrote to stdout, as a
/// buffer you free with `lxd_bytes_free(*stdout_out, *stdout_len_out)` (NULL when it wrote
/// nothing), and likewise stderr. Pass NULL for both of an output's pointers to drop it. With
/// `"record-output": true` the outputs are read back from LXD's log files (which stay on the
/// server). Bytes are returned as they came: not assumed to be text.
#[no_mangle]
pub unsafe extern "C" fn lxd_instance_exec(
    client: *const lxd_client,
    instance: *const c_char,
    argv: *const *const c_char,
    argc: usize,
    options_json: *const c_char,
    stdin_data: *const u8,
    stdin_len: usize,
    exit_code_out: *mut i32,
    stdout_out: *mut *mut u8,
    stdout_len_out: *mut usize,
    stderr_out: *mut *mut u8,
    stderr_len_out: *mut usize,
    err_out: *mut *mut lxd_error,
) -> lxd_result {
    guard(err_out, || {
        check_out(exit_code_out, "exit_code_out")?;
        if stdout_out.is_null() != stdout_len_out.is_null() {
            return Err(Error::invalid("stdout_out and stdout_len_out must both be NULL or both be set"));
        }
        if stderr_out.is_null() != stderr_len_out.is_null() {
            return Err(Error::invalid("stderr_out and stderr_len_out must both be NULL or both be set"));
        }
        if stdin_data.is_null() && stdin_len > 0 {
            return Err(Error::invalid("stdin_data is NULL but stdin_len is not 0"));
        }
        let c = unsafe { client_ref(client) }?;
        let instance = unsafe { arg_str(instance, "instance") }?;
        let (req, timeout) = unsafe { request(argv, argc, options_json) }?;
        let input: &[u8] = if stdin_len == 0 {
            &[]
        } else {
            // SAFETY: stdin_len readable bytes (contract).
            unsafe { std::slice::from_raw_parts(stdin_data, stdin_len) }
        };
        let out = c.exec_output(instance, &req, input, timeout)?;
        let (so, sl) = if stdout_out.is_null() { (std::ptr::null_mut(), 0) } else { into_c_bytes(out.stdout) };
        let (eo, el) = if stderr_out.is_null() { (std::ptr::null_mut(), 0) } else { into_c_bytes(out.stderr) };
        // SAFETY: checked non-NULL above.
        unsafe {
            *exit_code_out = out.exit_code;
            if !stdout_out.is_null() {
                *stdout_out = so;
                *stdout_len_out = sl;
            }
            if !stderr_out.is_null() {
                *stderr_out = eo;
                *stderr_len_out = el;
            }
        }
        Ok(())
    })
}

/// Run a command, streaming between file descriptors: stdin read from `stdin_fd` until
/// end-of-file, stdout written to `stdout_fd`, stderr to `stderr_fd` (-1 for any: no input /
/// output dropped). The descriptors stay yours (not closed) and must stay open during the call.
/// `argv`, `argc`, `options_json` (all its keys are listed at `lxd_instance_exec`) and
/// `*exit_code_out` as for `lxd_instance_exec`. When the
/// command ends before `stdin_fd` does, the read is abandoned at once.
#[no_mangle]
pub unsafe extern "C" fn lxd_instance_exec_fds(
    client: *const lxd_client,
    instance: *const c_char,
    argv: *const *const c_char,
    argc: usize,
    options_json: *const c_char,
    stdin_fd: c_int,
    stdout_fd: c_int,
    stderr_fd: c_int,
    exit_code_out: *mut i32,
    err_out: *mut *mut lxd_error,
) -> lxd_result {
    guard(err_out, || {
        check_out(exit_code_out, "exit_code_out")?;
        let c = unsafe { client_ref(client) }?;
        let instance = unsafe { arg_str(instance, "instance") }?;
        let (req, timeout) = unsafe { request(argv, argc, options_json) }?;
        check_fd(stdin_fd, "stdin_fd")?;
        check_fd(stdout_fd, "stdout_fd")?;
        check_fd(stderr_fd, "stderr_fd")?;
        let out = |fd: c_int| if fd < 0 { Output::Discard } else { Output::Fd(fd) };
        let mut io = (if stdin_fd < 0 { Input::Null } else { Input::Fd(stdin_fd) }, out(stdout_fd), out(stderr_fd));
        let ctl = ExecControl::with_timeout(timeout);
        let r = run_with(c, instance, &req, &ctl, &mut io)?;
        // SAFETY: checked non-NULL.
        unsafe { *exit_code_out = r.exit_code };
        Ok(())
    })
}

/// Prepare a command to run in `instance` (nothing is sent yet): `argv`, `argc` and
/// `options_json` as for `lxd_instance_exec` (which lists every option key). stdin starts as no input and both outputs as
/// dropped; change them with the `lxd_exec_set_*` functions. On success `*exec_out` owns a new
/// handle.
#[no_mangle]
pub unsafe extern "C" fn lxd_exec_new(
    client: *const lxd_client,
    instance: *const c_char,
    argv: *const *const c_char,
    argc: usize,
    options_json: *const c_char,
    exec_out: *mut *mut lxd_exec,
    err_out: *mut *mut lxd_error,
) -> lxd_result {
    guard(err_out, || {
        check_out(exec_out, "exec_out")?;
        let c = unsafe { client_ref(client) }?;
        let instance = unsafe { arg_str(instance, "instance") }?;
        lxd_core::request::check_instance_name(instance)?;
        let (req, timeout) = unsafe { request(argv, argc, options_json) }?;
        let h = lxd_exec {
            client: c.clone(),
            instance: instance.to_string(),
            req,
            ctl: Arc::new(ExecControl::with_timeout(timeout)),
            io: Mutex::new((Input::Null, Output::Discard, Output::Discard)),
            state: Mutex::new(State::Ready),
        };
        // SAFETY: checked non-NULL.
        unsafe { *exec_out = Box::into_raw(Box::new(h)) };
        Ok(())
    })
}

unsafe fn ready<'a>(exec: *const lxd_exec) -> Result<&'a lxd_exec> {
    let e = unsafe { arg_ref(exec, "exec") }?;
    if !matches!(*lock(&e.state), State::Ready) {
        return Err(Error::invalid("the exec was already started; streams can only be set before"));
    }
    Ok(e)
}

/// Read the command's stdin from descriptor `fd` until end-of-file (-1: no input). The
/// descriptor stays yours and must stay open until `lxd_exec_run` returns. Before the run only.
#[no_mangle]
pub unsafe extern "C" fn lxd_exec_set_stdin_fd(exec: *mut lxd_exec, fd: c_int, err_out: *mut *mut lxd_error) -> lxd_result {
    guard(err_out, || {
        let e = unsafe { ready(exec) }?;
        check_fd(fd, "fd")?;
        lock(&e.io).0 = if fd < 0 { Input::Null } else { Input::Fd(fd) };
        Ok(())
    })
}

unsafe fn set_out(exec: *mut lxd_exec, which: usize, o: Output) -> Result<()> {
    let e = unsafe { ready(exec) }?;
    let mut io = lock(&e.io);
    if which == 1 {
        io.1 = o;
    } else {
        io.2 = o;
    }
    Ok(())
}

/// Write the command's stdout to descriptor `fd` (-1: drop it). Interactive: the pty's output.
/// The descriptor stays yours. Before the run only.
#[no_mangle]
pub unsafe extern "C" fn lxd_exec_set_stdout_fd(exec: *mut lxd_exec, fd: c_int, err_out: *mut *mut lxd_error) -> lxd_result {
    guard(err_out, || {
        check_fd(fd, "fd")?;
        unsafe { set_out(exec, 1, if fd < 0 { Output::Discard } else { Output::Fd(fd) }) }
    })
}

/// Write the command's stderr to descriptor `fd` (-1: drop it). The descriptor stays yours.
/// Before the run only.
#[no_mangle]
pub unsafe extern "C" fn lxd_exec_set_stderr_fd(exec: *mut lxd_exec, fd: c_int, err_out: *mut *mut lxd_error) -> lxd_result {
    guard(err_out, || {
        check_fd(fd, "fd")?;
        unsafe { set_out(exec, 2, if fd < 0 { Output::Discard } else { Output::Fd(fd) }) }
    })
}

/// Read the command's stdin from `cb` (see `lxd_read_cb`), passing it `user`. `lxd_exec_run`
/// returns only after a call in progress returned, so a callback that blocks forever blocks the
/// run; prefer a descriptor for a terminal. Before the run only.
#[no_mangle]
pub unsafe extern "C" fn lxd_exec_set_stdin_cb(exec: *mut lxd_exec, cb: lxd_read_cb, user: *mut c_void, err_out: *mut *mut lxd_error) -> lxd_result {
    guard(err_out, || {
        let cb = cb.ok_or_else(|| Error::invalid("cb is NULL"))?;
        let e = unsafe { ready(exec) }?;
        lock(&e.io).0 = Input::Cb(CbReader { cb, user });
        Ok(())
    })
}

/// Send the command's stdout to `cb` (see `lxd_write_cb`), passing it `user`. Before the run only.
#[no_mangle]
pub unsafe extern "C" fn lxd_exec_set_stdout_cb(exec: *mut lxd_exec, cb: lxd_write_cb, user: *mut c_void, err_out: *mut *mut lxd_error) -> lxd_result {
    guard(err_out, || {
        let cb = cb.ok_or_else(|| Error::invalid("cb is NULL"))?;
        unsafe { set_out(exec, 1, Output::Cb(CbWriter { cb, user })) }
    })
}

/// Send the command's stderr to `cb` (see `lxd_write_cb`), passing it `user`. Before the run only.
#[no_mangle]
pub unsafe extern "C" fn lxd_exec_set_stderr_cb(exec: *mut lxd_exec, cb: lxd_write_cb, user: *mut c_void, err_out: *mut *mut lxd_error) -> lxd_result {
    guard(err_out, || {
        let cb = cb.ok_or_else(|| Error::invalid("cb is NULL"))?;
        unsafe { set_out(exec, 2, Output::Cb(CbWriter { cb, user })) }
    })
}

/// Run the command to completion (`POST /1.0/instances/<instance>/exec`, its websockets, the
/// operation's result): stdin fed from its source, stdout and stderr drained to their end, then
/// `*exit_code_out` set. Interactive commands work too (the pty's output goes to stdout).
/// `lxd_exec_cancel` from another thread makes it return `LXD_RESULT_CANCELLED` promptly (the
/// command is killed); past `"timeout_ms"` (or, without it, the client's operation deadline),
/// `LXD_RESULT_TIMEOUT`. A failing callback or
/// descriptor is `LXD_RESULT_IO`. Once per handle.
#[no_mangle]
pub unsafe extern "C" fn lxd_exec_run(exec: *mut lxd_exec, exit_code_out: *mut i32, err_out: *mut *mut lxd_error) -> lxd_result {
    guard(err_out, || {
        check_out(exit_code_out, "exit_code_out")?;
        let e = unsafe { arg_ref(exec, "exec") }?;
        {
            let mut st = lock(&e.state);
            if !matches!(*st, State::Ready) {
                return Err(Error::invalid("the exec was already started (a handle runs once)"));
            }
            *st = State::Running;
        }
        let mut io = lock(&e.io);
        let r = run_with(&e.client, &e.instance, &e.req, &e.ctl, &mut io);
        drop(io);
        match r {
            Ok(res) => {
                // SAFETY: checked non-NULL.
                unsafe { *exit_code_out = res.exit_code };
                *lock(&e.state) = State::Finished(Box::new(res));
                Ok(())
            }
            Err(err) => {
                *lock(&e.state) = State::Failed;
                Err(err)
            }
        }
    })
}

/// Start an interactive command (options `"interactive": true`) and return once it runs: then
/// `lxd_exec_write`, `lxd_exec_read`, `lxd_exec_resize`, `lxd_exec_signal`, `lxd_exec_wait`.
/// Freeing the handle while the command runs kills it. Once per handle.
#[no_mangle]
pub unsafe extern "C" fn lxd_exec_start(exec: *mut lxd_exec, err_out: *mut *mut lxd_error) -> lxd_result {
    guard(err_out, || {
        let e = unsafe { arg_ref(exec, "exec") }?;
        if !e.req.is_interactive() {
            return Err(Error::invalid("lxd_exec_start is for interactive commands (options \"interactive\": true); use lxd_exec_run"));
        }
        {
            let mut st = lock(&e.state);
            if !matches!(*st, State::Ready) {
                return Err(Error::invalid("the exec was already started (a handle runs once)"));
            }
            *st = State::Running;
        }
        match e.client.exec_interactive_with(&e.instance, &e.req, e.ctl.clone()) {
            Ok(s) => {
                *lock(&e.state) = State::Session(Arc::new(s));
                Ok(())
            }
            Err(err) => {
                *lock(&e.state) = State::Failed;
                Err(err)
            }
        }
    })
}

unsafe fn session(exec: *const lxd_exec) -> Result<Arc<ExecSession>> {
    let e = unsafe { arg_ref(exec, "exec") }?;
    match &*lock(&e.state) {
        State::Session(s) => Ok(s.clone()),
        _ => Err(Error::invalid("no interactive session: call lxd_exec_start first")),
    }
}

/// Send `len` bytes to the interactive command's pty (keystrokes: `"\x03"` is Ctrl-C, `"\x04"`
/// Ctrl-D). `data` may be NULL only when `len` is 0.
#[no_mangle]
pub unsafe extern "C" fn lxd_exec_write(exec: *const lxd_exec, data: *const u8, len: usize, err_out: *mut *mut lxd_error) -> lxd_result {
    guard(err_out, || {
        if data.is_null() && len > 0 {
            return Err(Error::invalid("data is NULL"));
        }
        let s = unsafe { session(exec) }?;
        if len == 0 {
            return Ok(());
        }
        // SAFETY: len readable bytes (contract).
        s.write(unsafe { std::slice::from_raw_parts(data, len) })
    })
}

/// Read the interactive command's output: up to `cap` bytes into `buf`, the count in `*n_out`;
/// 0 once the output ended (the command exited). `timeout_ms` < 0 waits without limit; past it
/// `LXD_RESULT_TIMEOUT` and nothing is lost. One reader at a time.
#[no_mangle]
pub unsafe extern "C" fn lxd_exec_read(exec: *const lxd_exec, buf: *mut u8, cap: usize, timeout_ms: i64, n_out: *mut usize, err_out: *mut *mut lxd_error) -> lxd_result {
    guard(err_out, || {
        check_out(n_out, "n_out")?;
        check_out(buf, "buf")?;
        if cap == 0 {
            return Err(Error::invalid("cap is 0"));
        }
        let s = unsafe { session(exec) }?;
        let timeout = (timeout_ms >= 0).then(|| Duration::from_millis(timeout_ms as u64));
        // SAFETY: cap writable bytes (contract).
        let n = s.read(unsafe { std::slice::from_raw_parts_mut(buf, cap) }, timeout)?;
        // SAFETY: checked non-NULL.
        unsafe { *n_out = n };
        Ok(())
    })
}

fn control(exec: &lxd_exec) -> &ExecControl {
    &exec.ctl
}

/// Resize the interactive command's pty to `width` x `height` characters (control channel).
/// While it runs (session, or from another thread during `lxd_exec_run`).
#[no_mangle]
pub unsafe extern "C" fn lxd_exec_resize(exec: *const lxd_exec, width: u32, height: u32, err_out: *mut *mut lxd_error) -> lxd_result {
    guard(err_out, || control(unsafe { arg_ref(exec, "exec") }?).resize(width, height))
}

/// Send signal `signal` (1..64, e.g. 15 for SIGTERM) to the running command (control channel).
/// While it runs (session, or from another thread during `lxd_exec_run`).
#[no_mangle]
pub unsafe extern "C" fn lxd_exec_signal(exec: *const lxd_exec, signal: i32, err_out: *mut *mut lxd_error) -> lxd_result {
    guard(err_out, || control(unsafe { arg_ref(exec, "exec") }?).signal(signal))
}

/// Wait for the interactive command to exit and set `*exit_code_out`. `timeout_ms` < 0 waits
/// without limit; past it `LXD_RESULT_TIMEOUT` (the command keeps running; wait again). Output
/// not read yet stays readable with `lxd_exec_read`. Any number of times.
#[no_mangle]
pub unsafe extern "C" fn lxd_exec_wait(exec: *const lxd_exec, timeout_ms: i64, exit_code_out: *mut i32, err_out: *mut *mut lxd_error) -> lxd_result {
    guard(err_out, || {
        check_out(exit_code_out, "exit_code_out")?;
        let s = unsafe { session(exec) }?;
        let timeout = (timeout_ms >= 0).then(|| Duration::from_millis(timeout_ms as u64));
        let r = s.wait(timeout)?;
        // SAFETY: checked non-NULL.
        unsafe { *exit_code_out = r.exit_code };
        Ok(())
    })
}

/// Cancel: every socket of the exec is shut, LXD kills the command, and a `lxd_exec_run`,
/// `lxd_exec_read` or `lxd_exec_wait` blocked in another thread returns `LXD_RESULT_CANCELLED`
/// promptly (and so do later calls). Any thread, any time, any number of times; NULL is ignored.
#[no_mangle]
pub unsafe extern "C" fn lxd_exec_cancel(exec: *const lxd_exec) {
    let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        // SAFETY: NULL or a live handle.
        if let Some(e) = unsafe { exec.as_ref() } {
            e.ctl.cancel();
        }
    }));
}

/// After the command ended (`lxd_exec_run` or `lxd_exec_wait` succeeded): its result as JSON,
/// `{"exit_code": 0, "failure": null or LXD's text (e.g. "Command not found"), "output": null or
/// {"1": stdout log path, "2": stderr log path} (record-output), "operation": the final operation}`.
/// `*json_out` is freed with `lxd_string_free`.
#[no_mangle]
pub unsafe extern "C" fn lxd_exec_result_json(exec: *const lxd_exec, json_out: *mut *mut c_char, err_out: *mut *mut lxd_error) -> lxd_result {
    guard(err_out, || {
        check_out(json_out, "json_out")?;
        let e = unsafe { arg_ref(exec, "exec") }?;
        let r = match &*lock(&e.state) {
            State::Finished(r) => (**r).clone(),
            State::Session(s) => s.result().ok_or_else(|| Error::invalid("the command has not ended yet: lxd_exec_wait first"))?,
            _ => return Err(Error::invalid("no result: the exec has not finished successfully")),
        };
        unsafe { write_json(json_out, &result_json(&r)) }
    })
}

/// Free the handle. NULL is fine. No call may be using it; a command still running in an
/// interactive session is killed.
#[no_mangle]
pub unsafe extern "C" fn lxd_exec_free(exec: *mut lxd_exec) {
    if !exec.is_null() {
        // SAFETY: allocated by this library.
        let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| drop(unsafe { Box::from_raw(exec) })));
    }
}
