//! `lxd_client_builder` and `lxd_client`: connecting to LXD.

use std::ffi::{c_char, c_void};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use super::{arg_opt_str, arg_ref, arg_str, check_out, guard, lxd_error, lxd_result};
use crate::error::Error;
use crate::log::{LogRecord, Logger};
use crate::proxy::ProxySetting;
use crate::tls::{parse_certs, ServerTrust};
use crate::{Client, ClientBuilder};

/// Collects connection settings; build any number of clients from it. Free with
/// `lxd_client_builder_free`.
pub struct lxd_client_builder {
    pub(crate) inner: ClientBuilder,
}

/// A connection to one LXD server: immutable, and safe to use from many threads at once. Free with
/// `lxd_client_free` once no call is using it.
pub struct lxd_client {
    pub(crate) inner: Client,
}

unsafe fn builder_mut<'a>(b: *mut lxd_client_builder) -> crate::Result<&'a mut lxd_client_builder> {
    // SAFETY: NULL or a live builder from this library, not used concurrently (contract).
    unsafe { b.as_mut() }.ok_or_else(|| Error::invalid("builder is NULL"))
}

pub(crate) unsafe fn client_ref<'a>(c: *const lxd_client) -> crate::Result<&'a Client> {
    unsafe { arg_ref(c, "client") }.map(|c| &c.inner)
}

fn read_file(path: &str, what: &str) -> crate::Result<Vec<u8>> {
    std::fs::read(path).map_err(|e| Error::Io(format!("cannot read {what} {path:?}: {e}")))
}

fn box_builder(out: *mut *mut lxd_client_builder, b: ClientBuilder) {
    // SAFETY: `out` checked non-NULL by the caller.
    unsafe { *out = Box::into_raw(Box::new(lxd_client_builder { inner: b })) };
}

/// A builder for the local unix socket. `socket_path` NULL: discover it (`LXD_SOCKET`,
/// `LXD_DIR/unix.socket`, the snap's socket, `/var/lib/lxd/unix.socket`). Nothing is opened yet.
/// On success `*builder_out` owns a new builder.
#[no_mangle]
pub unsafe extern "C" fn lxd_client_builder_new_unix(socket_path: *const c_char, builder_out: *mut *mut lxd_client_builder, err_out: *mut *mut lxd_error) -> lxd_result {
    guard(err_out, || {
        check_out(builder_out, "builder_out")?;
        let path = unsafe { arg_opt_str(socket_path, "socket_path") }?.map(PathBuf::from);
        box_builder(builder_out, ClientBuilder::unix(path));
        Ok(())
    })
}

/// A builder for LXD over HTTPS: `url` like `"https://127.0.0.1:8443"` (port defaults to 8443).
/// The server is verified against public CA roots unless you pin its certificate
/// (`lxd_client_builder_pin_server_cert_pem`) or give a CA (`lxd_client_builder_set_ca_pem`).
#[no_mangle]
pub unsafe extern "C" fn lxd_client_builder_new_https(url: *const c_char, builder_out: *mut *mut lxd_client_builder, err_out: *mut *mut lxd_error) -> lxd_result {
    guard(err_out, || {
        check_out(builder_out, "builder_out")?;
        let url = unsafe { arg_str(url, "url") }?;
        if !url.starts_with("https://") {
            return Err(Error::invalid(format!("URL {url:?} must start with https://")));
        }
        box_builder(builder_out, ClientBuilder::https(url));
        Ok(())
    })
}

/// Use this client certificate and private key (PEM text) for HTTPS. The key is never logged or
/// put in an error message. Checked when the client is built.
#[no_mangle]
pub unsafe extern "C" fn lxd_client_builder_set_client_cert_pem(builder: *mut lxd_client_builder, cert_pem: *const c_char, key_pem: *const c_char, err_out: *mut *mut lxd_error) -> lxd_result {
    guard(err_out, || {
        let b = unsafe { builder_mut(builder) }?;
        let cert = unsafe { arg_str(cert_pem, "cert_pem") }?;
        let key = unsafe { arg_str(key_pem, "key_pem") }?;
        parse_certs(cert.as_bytes(), "client certificate")?;
        crate::tls::parse_key(key.as_bytes())?;
        b.inner = b.inner.clone().client_cert_pem(cert.as_bytes(), key.as_bytes());
        Ok(())
    })
}

/// As `lxd_client_builder_set_client_cert_pem`, reading PEM files (e.g. `client.crt`, `client.key`).
#[no_mangle]
pub unsafe extern "C" fn lxd_client_builder_set_client_cert_files(builder: *mut lxd_client_builder, cert_path: *const c_char, key_path: *const c_char, err_out: *mut *mut lxd_error) -> lxd_result {
    guard(err_out, || {
        let b = unsafe { builder_mut(builder) }?;
        let cert = read_file(unsafe { arg_str(cert_path, "cert_path") }?, "client certificate")?;
        let key = read_file(unsafe { arg_str(key_path, "key_path") }?, "client key")?;
        parse_certs(&cert, "client certificate")?;
        crate::tls::parse_key(&key)?;
        b.inner = b.inner.clone().client_cert_pem(&cert, &key);
        Ok(())
    })
}

/// Pin the server's own certificate (PEM), as `lxc remote add` does: the server must present
/// exactly this certificate; host names are not checked. Replaces any CA setting.
#[no_mangle]
pub unsafe extern "C" fn lxd_client_builder_pin_server_cert_pem(builder: *mut lxd_client_builder, cert_pem: *const c_char, err_out: *mut *mut lxd_error) -> lxd_result {
    guard(err_out, || {
        let b = unsafe { builder_mut(builder) }?;
        let pem = unsafe { arg_str(cert_pem, "cert_pem") }?;
        let cert = parse_certs(pem.as_bytes(), "server certificate")?.remove(0);
        b.inner = b.inner.clone().server_trust(ServerTrust::Pinned(cert));
        Ok(())
    })
}

/// As `lxd_client_builder_pin_server_cert_pem`, reading a PEM file (e.g. LXD's `server.crt`).
#[no_mangle]
pub unsafe extern "C" fn lxd_client_builder_pin_server_cert_file(builder: *mut lxd_client_builder, cert_path: *const c_char, err_out: *mut *mut lxd_error) -> lxd_result {
    guard(err_out, || {
        let b = unsafe { builder_mut(builder) }?;
        let pem = read_file(unsafe { arg_str(cert_path, "cert_path") }?, "server certificate")?;
        let cert = parse_certs(&pem, "server certificate")?.remove(0);
        b.inner = b.inner.clone().server_trust(ServerTrust::Pinned(cert));
        Ok(())
    })
}

/// Verify the server against these CA certificates (PEM, one or more) instead of public roots;
/// the server's name must match its certificate. Replaces any pin.
#[no_mangle]
pub unsafe extern "C" fn lxd_client_builder_set_ca_pem(builder: *mut lxd_client_builder, ca_pem: *const c_char, err_out: *mut *mut lxd_error) -> lxd_result {
    guard(err_out, || {
        let b = unsafe { builder_mut(builder) }?;
        let pem = unsafe { arg_str(ca_pem, "ca_pem") }?;
        let certs = parse_certs(pem.as_bytes(), "CA certificate")?;
        b.inner = b.inner.clone().server_trust(ServerTrust::Roots(certs));
        Ok(())
    })
}

/// DANGER: accept any server certificate (no verification at all). Off by default; anyone on the
/// network path can then read and change your traffic. For throwaway test setups only.
#[no_mangle]
pub unsafe extern "C" fn lxd_client_builder_danger_accept_invalid_certs(builder: *mut lxd_client_builder, err_out: *mut *mut lxd_error) -> lxd_result {
    guard(err_out, || {
        let b = unsafe { builder_mut(builder) }?;
        b.inner = b.inner.clone().server_trust(ServerTrust::DangerAcceptAny);
        Ok(())
    })
}

/// Timeout for each request in milliseconds (default 30000; 0: none). Long calls (operation
/// waits, transfers, exec) take their own timeouts, or else the operation deadline
/// (`lxd_client_builder_set_operation_deadline_ms`).
#[no_mangle]
pub unsafe extern "C" fn lxd_client_builder_set_timeout_ms(builder: *mut lxd_client_builder, timeout_ms: u64, err_out: *mut *mut lxd_error) -> lxd_result {
    guard(err_out, || {
        let b = unsafe { builder_mut(builder) }?;
        b.inner = b.inner.clone().timeout(Some(Duration::from_millis(timeout_ms)));
        Ok(())
    })
}

/// Operation deadline in milliseconds (default 600000, 10 minutes; 0: no limit): the longest
/// any call waits on an operation or an exec stream when it has no timeout of its own. It
/// bounds:
/// - every call that starts an operation and waits for it because `op_out` is NULL
///   (`lxd_instance_start(client, name, NULL, err)`, create, delete, snapshots, images, ...),
///   and every other call that waits for an operation internally (copies, migrations, publish,
///   image downloads);
/// - `lxd_operation_wait` with `timeout_ms` < 0;
/// - `lxd_instance_exec`, `lxd_instance_exec_fds` and `lxd_exec_run` without a `"timeout_ms"`
///   option (or with 0).
///
/// Past it the call fails with `LXD_RESULT_TIMEOUT`: a waited-on operation keeps running on the
/// server; an exec's sockets are shut, so LXD kills the command. A timeout given to the call
/// itself wins over the deadline (it may be longer). Not bounded by it: interactive sessions
/// (`lxd_exec_read`, `lxd_exec_wait`), `lxd_console_read` and `lxd_event_listener_next`, whose
/// `timeout_ms` < 0 really means no limit, and file or image transfers, which fail when the
/// server stops sending for the per-request timeout (`lxd_client_builder_set_timeout_ms`).
#[no_mangle]
pub unsafe extern "C" fn lxd_client_builder_set_operation_deadline_ms(builder: *mut lxd_client_builder, deadline_ms: u64, err_out: *mut *mut lxd_error) -> lxd_result {
    guard(err_out, || {
        let b = unsafe { builder_mut(builder) }?;
        b.inner = b.inner.clone().operation_deadline(Duration::from_millis(deadline_ms));
        Ok(())
    })
}

/// Largest JSON reply the client buffers, in bytes (default 33554432, 32 MiB; 0: back to the
/// default). LXD's largest real replies (an instance list with recursion 2, `/1.0/resources` of a
/// big host) are a few MiB. A reply that declares a bigger length is refused before any of its
/// body is read; one without a declared length (chunked) is refused once this many bytes have
/// arrived; either way the call fails with `LXD_RESULT_PROTOCOL` ("... larger than the client's
/// limit ...") and the client never holds more than this. File, image and backup downloads
/// stream to the caller and are not limited by it.
#[no_mangle]
pub unsafe extern "C" fn lxd_client_builder_set_max_reply_bytes(builder: *mut lxd_client_builder, max_bytes: u64, err_out: *mut *mut lxd_error) -> lxd_result {
    guard(err_out, || {
        let b = unsafe { builder_mut(builder) }?;
        b.inner = b.inner.clone().max_reply_bytes(Some(max_bytes));
        Ok(())
    })
}

/// Default project for every call that takes `project=` (NULL or "": the server's default).
#[no_mangle]
pub unsafe extern "C" fn lxd_client_builder_set_project(builder: *mut lxd_client_builder, project: *const c_char, err_out: *mut *mut lxd_error) -> lxd_result {
    guard(err_out, || {
        let b = unsafe { builder_mut(builder) }?;
        let p = unsafe { arg_opt_str(project, "project") }?;
        b.inner = b.inner.clone().project(p.map(str::to_string));
        Ok(())
    })
}

/// Default cluster member for every call that takes `target=` (NULL or "": none).
#[no_mangle]
pub unsafe extern "C" fn lxd_client_builder_set_target(builder: *mut lxd_client_builder, target: *const c_char, err_out: *mut *mut lxd_error) -> lxd_result {
    guard(err_out, || {
        let b = unsafe { builder_mut(builder) }?;
        let t = unsafe { arg_opt_str(target, "target") }?;
        b.inner = b.inner.clone().target(t.map(str::to_string));
        Ok(())
    })
}

/// User-Agent header (NULL: `liblxdclient/<version>`).
#[no_mangle]
pub unsafe extern "C" fn lxd_client_builder_set_user_agent(builder: *mut lxd_client_builder, user_agent: *const c_char, err_out: *mut *mut lxd_error) -> lxd_result {
    guard(err_out, || {
        let b = unsafe { builder_mut(builder) }?;
        let ua = unsafe { arg_opt_str(user_agent, "user_agent") }?;
        if ua.is_some_and(|u| u.chars().any(|c| c.is_control())) {
            return Err(Error::invalid("user_agent contains control characters"));
        }
        b.inner = b.inner.clone().user_agent(ua.map(str::to_string));
        Ok(())
    })
}

/// How HTTPS connections of clients built from this builder reach the server. `proxy_url` NULL:
/// from the environment, read at `lxd_client_builder_build` (the default, as libcurl and Go do):
/// `HTTPS_PROXY` (or `https_proxy`) names an HTTP proxy unless `NO_PROXY` (or `no_proxy`: a
/// comma-separated list of `*`, host names with their subdomains, IP addresses, CIDR ranges,
/// optionally `:port`) matches the server's host. Loopback addresses are proxied too unless
/// `NO_PROXY` lists them (as curl, unlike Go). `""`: never use a proxy. Otherwise an
/// `http://[user:password@]host[:port]` proxy (port 80 by default) used for every HTTPS
/// connection, `NO_PROXY` not consulted; another scheme is `LXD_RESULT_INVALID_ARGUMENT`.
/// Requests and websockets (exec, console, events) alike are tunnelled with `CONNECT host:port`;
/// TLS to LXD runs inside the tunnel, so the proxy sees neither certificates nor data. The unix
/// socket never uses a proxy. A proxy that refuses the tunnel makes calls fail with
/// `LXD_RESULT_CONNECTION`.
#[no_mangle]
pub unsafe extern "C" fn lxd_client_builder_set_proxy(builder: *mut lxd_client_builder, proxy_url: *const c_char, err_out: *mut *mut lxd_error) -> lxd_result {
    guard(err_out, || {
        let b = unsafe { builder_mut(builder) }?;
        let setting = match unsafe { arg_opt_str(proxy_url, "proxy_url") }? {
            None => ProxySetting::FromEnv,
            Some("") => ProxySetting::Off,
            Some(u) => {
                crate::proxy::Proxy::parse(u)?;
                ProxySetting::Url(u.to_string())
            }
        };
        b.inner = b.inner.clone().proxy(setting);
        Ok(())
    })
}

/// Request log callback: called once per HTTP request and websocket upgrade, after the reply's
/// headers arrived (or the request failed), on the thread that made the request — with one client
/// used from several threads, from several threads at once, so it must be thread-safe. `method`
/// (`"GET"`...), `path` (path and query; secret query values such as a websocket's `secret=`
/// are `REDACTED`), `error` (NULL unless there was no reply or the upgrade failed) and `line`
/// (all of it as one line: `GET /1.0/instances -> 200 (1.234 ms)`) are valid only during the
/// call. `status` is the HTTP status (101: websocket accepted; 0: no reply); `duration_us` the
/// time from sending the request to the reply's headers, in microseconds. Bodies and headers are
/// never logged, so neither is a trust password or token. The callback must not call back into
/// the client that logs it. `user_data` is the pointer given with it.
pub type lxd_log_cb = Option<
    unsafe extern "C" fn(user_data: *mut c_void, method: *const c_char, path: *const c_char, status: u16, duration_us: u64, error: *const c_char, line: *const c_char),
>;

/// Releases a callback's `user_data` when nothing can call the callback any more.
pub type lxd_user_data_free_cb = Option<unsafe extern "C" fn(user_data: *mut c_void)>;

struct LogSink {
    cb: unsafe extern "C" fn(*mut c_void, *const c_char, *const c_char, u16, u64, *const c_char, *const c_char),
    user_data: *mut c_void,
    free: lxd_user_data_free_cb,
}

// SAFETY: the caller promises (documented) that the callback and `user_data` may be used from any
// thread, and that `free` may run on any thread.
unsafe impl Send for LogSink {}
unsafe impl Sync for LogSink {}

impl Drop for LogSink {
    fn drop(&mut self) {
        if let Some(f) = self.free {
            // SAFETY: the caller's destructor for its own `user_data`, called exactly once.
            unsafe { f(self.user_data) };
        }
    }
}

fn c_text(s: &str) -> std::ffi::CString {
    std::ffi::CString::new(s.replace('\0', "\\0")).unwrap_or_default()
}

/// Log every request of the clients built from this builder through `callback` (see
/// `lxd_log_cb`: method, redacted path, status, duration; never bodies, so never a password or
/// token). `callback` NULL: no logging (the default; `user_data_free`, if given, is then called
/// at once). `user_data_free` (may be NULL) is called with `user_data` once the builder and every
/// client built from it are freed (or the callback is replaced), on whichever thread frees the
/// last of them; it is not called when this function fails. Replaces an earlier callback.
#[no_mangle]
pub unsafe extern "C" fn lxd_client_builder_set_log_callback(builder: *mut lxd_client_builder, callback: lxd_log_cb, user_data: *mut c_void, user_data_free: lxd_user_data_free_cb, err_out: *mut *mut lxd_error) -> lxd_result {
    guard(err_out, || {
        let b = unsafe { builder_mut(builder) }?;
        let logger = callback.map(|cb| {
            let sink = Arc::new(LogSink { cb, user_data, free: user_data_free });
            Logger::new(move |r: &LogRecord<'_>| {
                let (method, path, line) = (c_text(r.method), c_text(r.path), c_text(&r.line()));
                let error = r.error.map(c_text);
                let us = u64::try_from(r.duration.as_micros()).unwrap_or(u64::MAX);
                // SAFETY: the caller's callback with its own user_data and strings valid for the call.
                unsafe { (sink.cb)(sink.user_data, method.as_ptr(), path.as_ptr(), r.status, us, error.as_ref().map_or(std::ptr::null(), |e| e.as_ptr()), line.as_ptr()) };
            })
        });
        if logger.is_none() {
            if let Some(f) = user_data_free {
                // Nothing will ever call back with it: release it now.
                unsafe { f(user_data) };
            }
        }
        b.inner = b.inner.clone().logger(logger);
        Ok(())
    })
}

/// A default progress handler for every operation the clients built from this builder wait
/// for: the waits inside calls that wait for their operation (`lxd_instance_create` with NULL
/// `op_out` — an image download and unpack —, `lxd_image_copy_to`, `lxd_instance_copy_to`, ...)
/// and `lxd_operation_wait` on handles without a handler of their own
/// (`lxd_operation_set_progress_handler`, which says how progress is followed and reported).
/// The callback runs on the thread that waits — with one client used from several threads, on
/// several at once, so it must be thread-safe; a non-zero return stops that wait
/// (`LXD_RESULT_CANCELLED`; the operation goes on). `callback` NULL: none (the default;
/// `user_data_free`, if given, is then called at once). `user_data_free` (may be NULL) is called
/// with `user_data` once the builder and every client built from it are freed (or the handler is
/// replaced), on whichever thread frees the last of them; it is not called when this function
/// fails. Replaces an earlier handler.
#[no_mangle]
pub unsafe extern "C" fn lxd_client_builder_set_progress_handler(builder: *mut lxd_client_builder, callback: super::operation::lxd_operation_progress_cb, user_data: *mut c_void, user_data_free: lxd_user_data_free_cb, err_out: *mut *mut lxd_error) -> lxd_result {
    guard(err_out, || {
        let b = unsafe { builder_mut(builder) }?;
        let hook = match callback {
            Some(cb) => {
                let sink = Arc::new(super::operation::ProgressSink::new(cb, user_data, user_data_free));
                Some(crate::progress::ProgressHook::new(move |op, p| {
                    let id = c_text(&op.id);
                    sink.report(&id, op, p)
                }))
            }
            None => {
                if let Some(f) = user_data_free {
                    // Nothing will ever call back with it: release it now.
                    unsafe { f(user_data) };
                }
                None
            }
        };
        b.inner = b.inner.clone().progress_hook(hook);
        Ok(())
    })
}

/// Build a client from the builder (which stays yours to reuse or free). Nothing is sent yet:
/// connection problems show on the first call. On success `*client_out` owns a new client.
#[no_mangle]
pub unsafe extern "C" fn lxd_client_builder_build(builder: *const lxd_client_builder, client_out: *mut *mut lxd_client, err_out: *mut *mut lxd_error) -> lxd_result {
    guard(err_out, || {
        check_out(client_out, "client_out")?;
        let b = unsafe { arg_ref(builder, "builder") }?;
        let c = b.inner.clone().build()?;
        // SAFETY: checked non-NULL.
        unsafe { *client_out = Box::into_raw(Box::new(lxd_client { inner: c })) };
        Ok(())
    })
}

/// Free a builder. NULL is fine.
#[no_mangle]
pub unsafe extern "C" fn lxd_client_builder_free(builder: *mut lxd_client_builder) {
    if !builder.is_null() {
        // SAFETY: allocated by this library.
        let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| drop(unsafe { Box::from_raw(builder) })));
    }
}

/// A new client on the same server and connections, with another default project (NULL: the
/// server's default). Free both independently.
#[no_mangle]
pub unsafe extern "C" fn lxd_client_with_project(client: *const lxd_client, project: *const c_char, client_out: *mut *mut lxd_client, err_out: *mut *mut lxd_error) -> lxd_result {
    guard(err_out, || {
        check_out(client_out, "client_out")?;
        let c = unsafe { client_ref(client) }?;
        let p = unsafe { arg_opt_str(project, "project") }?;
        // SAFETY: checked non-NULL.
        unsafe { *client_out = Box::into_raw(Box::new(lxd_client { inner: c.with_project(p) })) };
        Ok(())
    })
}

/// A new client on the same server and connections, with another default cluster member
/// (`target=`; NULL: none). Free both independently.
#[no_mangle]
pub unsafe extern "C" fn lxd_client_with_target(client: *const lxd_client, target: *const c_char, client_out: *mut *mut lxd_client, err_out: *mut *mut lxd_error) -> lxd_result {
    guard(err_out, || {
        check_out(client_out, "client_out")?;
        let c = unsafe { client_ref(client) }?;
        let t = unsafe { arg_opt_str(target, "target") }?;
        // SAFETY: checked non-NULL.
        unsafe { *client_out = Box::into_raw(Box::new(lxd_client { inner: c.with_target(t) })) };
        Ok(())
    })
}

/// Whether the server trusts this client (`GET /1.0`, `auth == "trusted"`). Local unix socket
/// clients are always trusted.
#[no_mangle]
pub unsafe extern "C" fn lxd_client_trusted(client: *const lxd_client, trusted_out: *mut bool, err_out: *mut *mut lxd_error) -> lxd_result {
    guard(err_out, || {
        check_out(trusted_out, "trusted_out")?;
        let t = unsafe { client_ref(client) }?.trusted()?;
        // SAFETY: checked non-NULL.
        unsafe { *trusted_out = t };
        Ok(())
    })
}

/// Which server a client talks to: LXD or Incus (the fork of LXD with the same REST API
/// lineage). The library speaks to both; the few wire differences (header names `X-LXD-*` /
/// `X-Incus-*`, the trust token field, how a timed-out operation wait is answered) follow the
/// flavour by themselves.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum lxd_server_flavour {
    /// Canonical's LXD (`environment.server` `"lxd"`; also any server that does not say it is
    /// Incus).
    LXD_SERVER_FLAVOUR_LXD = 1,
    /// Incus (`environment.server` `"incus"`; untrusted clients, which do not see the
    /// environment, recognise it by its `dev_incus_*` API extensions).
    LXD_SERVER_FLAVOUR_INCUS = 2,
}

/// The flavour of the server this client talks to (LXD or Incus), written to `*flavour_out`.
/// Learned once per client, from the first `GET /1.0` it sends (`lxd_client_trusted`,
/// `lxd_client_authenticate`, or this call, which sends one when none was answered yet), then
/// cached; clients made with `lxd_client_with_project` / `lxd_client_with_target` share it.
/// Works for untrusted HTTPS clients too. A NULL `flavour_out` is `LXD_RESULT_INVALID_ARGUMENT`.
#[no_mangle]
pub unsafe extern "C" fn lxd_client_server_flavour(client: *const lxd_client, flavour_out: *mut lxd_server_flavour, err_out: *mut *mut lxd_error) -> lxd_result {
    guard(err_out, || {
        check_out(flavour_out, "flavour_out")?;
        let f = match unsafe { client_ref(client) }?.flavour()? {
            lxd_core::Flavour::Lxd => lxd_server_flavour::LXD_SERVER_FLAVOUR_LXD,
            lxd_core::Flavour::Incus => lxd_server_flavour::LXD_SERVER_FLAVOUR_INCUS,
        };
        // SAFETY: checked non-NULL.
        unsafe { *flavour_out = f };
        Ok(())
    })
}

/// Ask the server to trust this client's certificate, with its trust password or a trust token
/// (`POST /1.0/certificates` with `password` on LXD, `trust_token` on Incus, whose 6.0 has no
/// trust password: a token made with `lxd_certificate_token_create` there). A client the server trusts already succeeds without
/// sending the password (only `GET /1.0` is sent), as pylxd's `authenticate` does; the raw call,
/// which LXD refuses with 400 then, is `lxd_certificate_add_untrusted`.
#[no_mangle]
pub unsafe extern "C" fn lxd_client_authenticate(client: *const lxd_client, password: *const c_char, err_out: *mut *mut lxd_error) -> lxd_result {
    guard(err_out, || {
        let c = unsafe { client_ref(client) }?;
        let pw = unsafe { arg_str(password, "password") }?;
        c.authenticate(pw)
    })
}

/// Free a client. NULL is fine. No call may be using it.
#[no_mangle]
pub unsafe extern "C" fn lxd_client_free(client: *mut lxd_client) {
    if !client.is_null() {
        // SAFETY: allocated by this library.
        let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| drop(unsafe { Box::from_raw(client) })));
    }
}
