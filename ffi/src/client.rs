//! The safe, blocking Rust client. The C ABI is a thin layer over it; Rust programs can use it directly.

use std::io::Read;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use lxd_core::api::{self, Call};
use lxd_core::{Body, Flavour, Operation, Request, Response, WaitFlow};
use rustls::pki_types::ServerName;

use crate::error::{human_duration, Error, Result, Waiting};
use crate::log::Logger;
use crate::proxy::ProxySetting;
use crate::tls::{self, ServerTrust};
use crate::transport::{Endpoint, LxdConnector, NoResolver};

/// Default largest JSON reply the client buffers: 32 MiB. LXD's largest real replies (an
/// instance list with `recursion=2`, `/1.0/resources` of a big host) are a few MiB; a bigger
/// reply is refused as malformed ([`lxd_core::Error::Protocol`]) as soon as it is known to be
/// bigger (its declared length, or once that many bytes have arrived), so a client never holds
/// more than this. [`ClientBuilder::max_reply_bytes`] changes it.
pub const MAX_JSON_BODY: u64 = 32 * 1024 * 1024;
/// Default timeout for one request.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);
/// Default operation deadline: the longest a wait without a timeout of its own may take.
pub const DEFAULT_OPERATION_DEADLINE: Duration = Duration::from_secs(600);

/// Find the local socket of LXD or Incus: the variables first, LXD's then Incus's (`LXD_SOCKET`,
/// `LXD_DIR/unix.socket`, `INCUS_SOCKET`, `INCUS_DIR/unix.socket`), then the first of these that
/// exists: the LXD snap's `/var/snap/lxd/common/lxd/unix.socket`, `/var/lib/lxd/unix.socket`,
/// `/var/lib/incus/unix.socket`, `/run/incus/unix.socket`; none: `/var/lib/lxd/unix.socket`.
pub fn default_socket_path() -> PathBuf {
    socket_path_from(|k| std::env::var_os(k), |p| p.exists())
}

/// [`default_socket_path`] over a given environment and file system (tested without either).
fn socket_path_from(env: impl Fn(&str) -> Option<std::ffi::OsString>, exists: impl Fn(&std::path::Path) -> bool) -> PathBuf {
    let var = |k: &str| env(k).filter(|s| !s.is_empty());
    if let Some(s) = var("LXD_SOCKET") {
        return PathBuf::from(s);
    }
    if let Some(d) = var("LXD_DIR") {
        return PathBuf::from(d).join("unix.socket");
    }
    if let Some(s) = var("INCUS_SOCKET") {
        return PathBuf::from(s);
    }
    if let Some(d) = var("INCUS_DIR") {
        return PathBuf::from(d).join("unix.socket");
    }
    for p in ["/var/snap/lxd/common/lxd/unix.socket", "/var/lib/lxd/unix.socket", "/var/lib/incus/unix.socket", "/run/incus/unix.socket"] {
        if exists(std::path::Path::new(p)) {
            return PathBuf::from(p);
        }
    }
    PathBuf::from("/var/lib/lxd/unix.socket")
}

/// Builds a [`Client`].
#[derive(Debug, Clone, Default)]
pub struct ClientBuilder {
    https_url: Option<String>,
    socket: Option<PathBuf>,
    client_cert_pem: Option<Vec<u8>>,
    client_key_pem: Option<Vec<u8>>,
    trust: ServerTrust,
    timeout: Option<Duration>,
    operation_deadline: Option<Duration>,
    project: Option<String>,
    target: Option<String>,
    user_agent: Option<String>,
    max_reply_bytes: Option<u64>,
    logger: Option<Logger>,
    proxy: ProxySetting,
    progress: Option<crate::progress::ProgressHook>,
}

impl ClientBuilder {
    /// A client for the local unix socket (`None`: discover it as [`default_socket_path`]).
    pub fn unix(socket: Option<PathBuf>) -> ClientBuilder {
        ClientBuilder { socket, ..Default::default() }
    }
    /// A client for `https://host:port` (a trailing `/` is fine; the port defaults to 8443).
    pub fn https(url: &str) -> ClientBuilder {
        ClientBuilder { https_url: Some(url.to_string()), ..Default::default() }
    }
    /// Client certificate and key, PEM.
    pub fn client_cert_pem(mut self, cert: &[u8], key: &[u8]) -> Self {
        self.client_cert_pem = Some(cert.to_vec());
        self.client_key_pem = Some(key.to_vec());
        self
    }
    /// How the server is verified.
    pub fn server_trust(mut self, trust: ServerTrust) -> Self {
        self.trust = trust;
        self
    }
    /// Per-request timeout (default 30 s; long calls such as operation waits take their own).
    pub fn timeout(mut self, t: Option<Duration>) -> Self {
        self.timeout = t;
        self
    }
    /// Operation deadline (default [`DEFAULT_OPERATION_DEADLINE`], 10 minutes; zero: no limit):
    /// the longest any call waits on an operation or an exec stream when it was given no
    /// timeout of its own — [`Client::wait_operation`] with `None` (every call that starts an
    /// operation and waits for it), and [`Client::exec`] with an [`crate::exec::ExecControl`]
    /// without timeout. Past it the call fails with [`Error::Timeout`]; the operation keeps running
    /// on the server (an exec's command is killed). Interactive sessions, consoles and event
    /// listeners take a timeout per read and are not bounded by it.
    pub fn operation_deadline(mut self, d: Duration) -> Self {
        self.operation_deadline = Some(d);
        self
    }
    /// Default project for every call that takes one.
    pub fn project(mut self, p: Option<String>) -> Self {
        self.project = p;
        self
    }
    /// Default cluster member for every call that takes `target`.
    pub fn target(mut self, t: Option<String>) -> Self {
        self.target = t;
        self
    }
    /// User-Agent header.
    pub fn user_agent(mut self, ua: Option<String>) -> Self {
        self.user_agent = ua;
        self
    }

    /// Largest JSON reply buffered, in bytes (`None` or 0: [`MAX_JSON_BODY`], 32 MiB). A reply
    /// that declares a bigger length is refused before any of its body is read; one without a
    /// declared length (chunked, or delimited by the connection's end) is refused once this many
    /// bytes have arrived. Either way the call fails with a protocol error and the client holds
    /// at most this much. Streams (file and image downloads, exports) are not limited by it.
    pub fn max_reply_bytes(mut self, n: Option<u64>) -> Self {
        self.max_reply_bytes = n.filter(|n| *n > 0);
        self
    }

    /// Call `logger` for every request (method, path with secrets redacted, status, time to the
    /// reply's headers) and websocket upgrade, on the thread that makes it. `None`: no logging.
    pub fn logger(mut self, logger: Option<Logger>) -> Self {
        self.logger = logger;
        self
    }
    /// Report the progress of every operation the clients wait for (see
    /// [`crate::progress::ProgressHook`]); `None`: no default handler.
    pub fn progress_hook(mut self, hook: Option<crate::progress::ProgressHook>) -> Self {
        self.progress = hook;
        self
    }

    /// How HTTPS connections reach the server: through the proxy of `HTTPS_PROXY`/`https_proxy`
    /// unless `NO_PROXY`/`no_proxy` matches the host, read when the client is built (the
    /// default); never through a proxy; or always through a given `http://` proxy.
    pub fn proxy(mut self, proxy: ProxySetting) -> Self {
        self.proxy = proxy;
        self
    }

    /// Build the client. Nothing is sent yet.
    pub fn build(self) -> Result<Client> {
        let endpoint = match &self.https_url {
            None => Endpoint::Unix(self.socket.clone().unwrap_or_else(default_socket_path)),
            Some(url) => {
                let rest = url.strip_prefix("https://").ok_or_else(|| Error::invalid(format!("URL {url:?} must start with https://")))?;
                let authority = rest.split('/').next().unwrap_or("");
                if authority.is_empty() || authority.contains('@') {
                    return Err(Error::invalid(format!("URL {url:?} has no usable host")));
                }
                let (host, authority) = split_host_port(authority)?;
                let server_name = ServerName::try_from(host.clone()).map_err(|_| Error::invalid(format!("{host:?} is not a valid host name")))?;
                let client_cert = match (&self.client_cert_pem, &self.client_key_pem) {
                    (Some(c), Some(k)) => Some((tls::parse_certs(c, "client certificate")?, tls::parse_key(k)?)),
                    _ => None,
                };
                let tls = tls::client_config(&self.trust, client_cert)?;
                let port = authority.rsplit_once(':').and_then(|(_, p)| p.parse::<u16>().ok()).unwrap_or(8443);
                let proxy = crate::proxy::resolve(&self.proxy, &host, port)?;
                Endpoint::Https { authority, server_name, tls, proxy }
            }
        };
        let endpoint = Arc::new(endpoint);
        let timeout = self.timeout.or(Some(DEFAULT_TIMEOUT)).filter(|t| !t.is_zero());
        let operation_deadline = self.operation_deadline.or(Some(DEFAULT_OPERATION_DEADLINE)).filter(|t| !t.is_zero());
        let user_agent = self.user_agent.clone().unwrap_or_else(|| format!("liblxdclient/{}", env!("CARGO_PKG_VERSION")));
        let logger = self.logger.clone();
        let config = |timeout: Option<Duration>| {
            let b = ureq::Agent::config_builder()
                .http_status_as_error(false)
                .timeout_global(timeout)
                .user_agent(user_agent.as_str())
                .max_redirects(0)
                .max_idle_connections_per_host(32)
                .max_idle_connections(32)
                .proxy(None);
            match logger.clone() {
                None => b.build(),
                Some(logger) => b
                    .middleware(move |req: ureq::http::Request<ureq::SendBody>, next: ureq::middleware::MiddlewareNext| {
                        let method = req.method().to_string();
                        let path = req.uri().path_and_query().map(|p| p.as_str().to_string()).unwrap_or_default();
                        let start = Instant::now();
                        let r = next.handle(req);
                        match &r {
                            Ok(resp) => logger.log(&method, &path, resp.status().as_u16(), start.elapsed(), None),
                            Err(e) => logger.log(&method, &path, 0, start.elapsed(), Some(&e.to_string())),
                        }
                        r
                    })
                    .build(),
            }
        };
        let connector = LxdConnector { endpoint: endpoint.clone() };
        let agent = ureq::Agent::with_parts(config(timeout), connector.clone(), NoResolver);
        Ok(Client {
            shared: Arc::new(Shared {
                endpoint,
                agent,
                connector,
                untimed_config: config(None),
                timeout,
                operation_deadline,
                user_agent,
                max_reply: self.max_reply_bytes.unwrap_or(MAX_JSON_BODY),
                logger,
                progress: self.progress,
                flavour: std::sync::OnceLock::new(),
            }),
            project: self.project.filter(|p| !p.is_empty()),
            target: self.target.filter(|t| !t.is_empty()),
        })
    }
}

fn split_host_port(authority: &str) -> Result<(String, String)> {
    if let Some(rest) = authority.strip_prefix('[') {
        let (host, after) = rest.split_once(']').ok_or_else(|| Error::invalid("unterminated [IPv6] address"))?;
        let port = after.strip_prefix(':').unwrap_or("8443");
        check_port(port)?;
        return Ok((host.to_string(), format!("[{host}]:{port}")));
    }
    match authority.rsplit_once(':') {
        Some((h, p)) => {
            check_port(p)?;
            Ok((h.to_string(), authority.to_string()))
        }
        None => Ok((authority.to_string(), format!("{authority}:8443"))),
    }
}

fn check_port(p: &str) -> Result<()> {
    p.parse::<u16>().map(|_| ()).map_err(|_| Error::invalid(format!("{p:?} is not a port")))
}

struct Shared {
    endpoint: Arc<Endpoint>,
    agent: ureq::Agent,
    connector: LxdConnector,
    untimed_config: ureq::config::Config,
    timeout: Option<Duration>,
    operation_deadline: Option<Duration>,
    user_agent: String,
    max_reply: u64,
    logger: Option<Logger>,
    progress: Option<crate::progress::ProgressHook>,
    /// The server's flavour (LXD or Incus), learned from the first `GET /1.0` this client (or a
    /// clone sharing it) sends or needs; never changes afterwards.
    flavour: std::sync::OnceLock<Flavour>,
}

/// A connection to one LXD server. Cheap to clone; safe to share between threads; immutable.
#[derive(Clone)]
pub struct Client {
    shared: Arc<Shared>,
    project: Option<String>,
    target: Option<String>,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client").field("endpoint", &self.shared.endpoint.host()).field("project", &self.project).field("target", &self.target).finish()
    }
}

/// Lets another thread cancel a long call (operation wait, transfer, exec): the blocked call
/// returns [`Error::Cancelled`] promptly.
#[derive(Debug, Clone, Default)]
pub struct Canceller {
    state: Arc<CancelState>,
}

#[derive(Default)]
struct CancelState {
    cancelled: AtomicBool,
    next_id: std::sync::atomic::AtomicU64,
    agents: Mutex<Vec<(u64, ureq::Agent)>>,
    sockets: Mutex<Vec<(u64, crate::transport::SocketShutdown)>>,
}

impl std::fmt::Debug for CancelState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CancelState").field("cancelled", &self.cancelled.load(Ordering::Relaxed)).finish()
    }
}

impl Canceller {
    /// A fresh, not cancelled token.
    pub fn new() -> Canceller {
        Canceller::default()
    }
    /// Cancel: every connection the call uses is shut down, which wakes its blocked reads.
    pub fn cancel(&self) {
        self.state.cancelled.store(true, Ordering::SeqCst);
        if let Ok(agents) = self.state.agents.lock() {
            for (_, a) in agents.iter() {
                a.clone().shutdown();
            }
        }
        if let Ok(socks) = self.state.sockets.lock() {
            for (_, s) in socks.iter() {
                s.shutdown_now();
            }
        }
    }
    /// Whether [`Canceller::cancel`] was called.
    pub fn is_cancelled(&self) -> bool {
        self.state.cancelled.load(Ordering::SeqCst)
    }
    /// Fail with `Cancelled` if cancelled.
    pub fn check(&self) -> Result<()> {
        if self.is_cancelled() {
            Err(Error::Cancelled)
        } else {
            Ok(())
        }
    }
    fn register_agent(&self, a: &ureq::Agent) -> u64 {
        let id = self.state.next_id.fetch_add(1, Ordering::Relaxed);
        if let Ok(mut v) = self.state.agents.lock() {
            v.push((id, a.clone()));
        }
        if self.is_cancelled() {
            a.clone().shutdown();
        }
        id
    }
    fn unregister_agent(&self, id: u64) {
        if let Ok(mut v) = self.state.agents.lock() {
            v.retain(|(i, _)| *i != id);
        }
    }
    /// Register a socket to shut down on cancel (websockets); shuts it at once if already cancelled.
    pub fn register_socket(&self, s: crate::transport::SocketShutdown) {
        self.register_socket_scoped(s);
    }
    /// [`Canceller::register_socket`] for a socket that goes away before the canceller: the id
    /// to give [`Canceller::unregister_socket`] when it does (which releases the watch's handle).
    pub(crate) fn register_socket_scoped(&self, s: crate::transport::SocketShutdown) -> u64 {
        if self.is_cancelled() {
            s.shutdown_now();
        }
        let id = self.state.next_id.fetch_add(1, Ordering::Relaxed);
        if let Ok(mut v) = self.state.sockets.lock() {
            v.push((id, s));
        }
        id
    }
    /// Stop watching a socket registered with [`Canceller::register_socket_scoped`].
    pub(crate) fn unregister_socket(&self, id: u64) {
        if let Ok(mut v) = self.state.sockets.lock() {
            v.retain(|(i, _)| *i != id);
        }
    }
}

/// An agent registered with a [`Canceller`] until dropped.
pub(crate) struct ScopedAgent {
    /// The agent.
    pub(crate) agent: ureq::Agent,
    id: u64,
    canceller: Canceller,
}

impl Drop for ScopedAgent {
    fn drop(&mut self) {
        self.canceller.unregister_agent(self.id);
    }
}

impl Client {
    /// Same server and connections, another default project (`None`: the server's default).
    pub fn with_project(&self, project: Option<&str>) -> Client {
        Client { shared: self.shared.clone(), project: project.filter(|p| !p.is_empty()).map(str::to_string), target: self.target.clone() }
    }
    /// Same server and connections, another default cluster member.
    pub fn with_target(&self, target: Option<&str>) -> Client {
        Client { shared: self.shared.clone(), project: self.project.clone(), target: target.filter(|t| !t.is_empty()).map(str::to_string) }
    }
    /// The default project, if set.
    pub fn project(&self) -> Option<&str> {
        self.project.as_deref()
    }
    /// The default target, if set.
    pub fn target(&self) -> Option<&str> {
        self.target.as_deref()
    }
    /// The endpoint (for websockets and streams).
    pub fn endpoint(&self) -> &Arc<Endpoint> {
        &self.shared.endpoint
    }
    /// The per-request timeout.
    pub fn timeout(&self) -> Option<Duration> {
        self.shared.timeout
    }
    /// The operation deadline (None: no limit); see [`ClientBuilder::operation_deadline`].
    pub fn operation_deadline(&self) -> Option<Duration> {
        self.shared.operation_deadline
    }
    /// The User-Agent.
    pub fn user_agent(&self) -> &str {
        &self.shared.user_agent
    }
    /// Largest JSON reply buffered, in bytes (see [`ClientBuilder::max_reply_bytes`]).
    pub fn max_reply_bytes(&self) -> u64 {
        self.shared.max_reply
    }

    /// The request logger, if one was set.
    pub fn logger(&self) -> Option<&Logger> {
        self.shared.logger.as_ref()
    }
    /// The default progress handler of waits, if one was set.
    pub fn progress_hook(&self) -> Option<&crate::progress::ProgressHook> {
        self.shared.progress.as_ref()
    }

    /// The client's shared agent (its connection pool). Long transfers run on it with their own
    /// per-request timeouts (see `stream::configure_transfer`).
    pub(crate) fn agent(&self) -> &ureq::Agent {
        &self.shared.agent
    }

    /// A separate agent with its own connections and no global timeout, for a long call that a
    /// [`Canceller`] may interrupt.
    pub(crate) fn cancellable_agent(&self, cancel: &Canceller) -> ureq::Agent {
        let a = ureq::Agent::with_parts(self.shared.untimed_config.clone(), self.shared.connector.clone(), NoResolver);
        cancel.register_agent(&a);
        a
    }

    /// As [`Client::cancellable_agent`], but the canceller forgets the agent (and its pooled
    /// connections are closed) when the guard drops: for handles waited on many times.
    pub(crate) fn scoped_cancellable_agent(&self, cancel: &Canceller) -> ScopedAgent {
        let agent = ureq::Agent::with_parts(self.shared.untimed_config.clone(), self.shared.connector.clone(), NoResolver);
        let id = cancel.register_agent(&agent);
        ScopedAgent { agent, id, canceller: cancel.clone() }
    }

    /// The server's flavour (LXD or Incus): known once any `GET /1.0` of this client was
    /// answered, else learned now with one `GET /1.0` (then cached for the client's lifetime).
    pub fn flavour(&self) -> Result<Flavour> {
        if let Some(f) = self.shared.flavour.get() {
            return Ok(*f);
        }
        let server = self.call(api::server::get())?.value;
        Ok(*self.shared.flavour.get_or_init(|| Flavour::of_server(&server)))
    }

    /// The flavour if already known (no request).
    pub fn known_flavour(&self) -> Option<Flavour> {
        self.shared.flavour.get().copied()
    }

    /// Remember the flavour a `GET /1.0` reply shows (any caller that read one).
    pub(crate) fn learn_flavour(&self, server: &lxd_core::models::Server) {
        let _ = self.shared.flavour.get_or_init(|| Flavour::of_server(server));
    }

    /// Prepare the http request (scope filled in, URL on the endpoint; a request whose wire form
    /// depends on the server's flavour adapted to it, see [`lxd_core::flavour`]).
    pub fn http_request(&self, mut req: Request) -> Result<(http::request::Builder, Request)> {
        self.prepare(&mut req)?;
        Ok((self.builder(&req), req))
    }

    /// Fill in the scope and adapt a request to the server's flavour: every request this client
    /// sends passes here once (the one place X-LXD-* headers and the trust field are renamed).
    fn prepare(&self, req: &mut Request) -> Result<()> {
        if Flavour::matters_for(req) {
            self.flavour()?.adapt(req);
        }
        req.apply_scope(self.project.as_deref(), self.target.as_deref());
        Ok(())
    }

    /// The http request head for a request whose scope is applied.
    fn builder(&self, req: &Request) -> http::request::Builder {
        let url = format!("{}{}", self.shared.endpoint.base_url(), req.path_and_query());
        let mut b = ureq::http::Request::builder().method(req.method.as_str()).uri(url);
        for (k, v) in &req.headers {
            b = b.header(k.as_str(), v.as_str());
        }
        match &req.body {
            Body::Json(_) => b = b.header("Content-Type", "application/json"),
            Body::Stream { content_type } => b = b.header("Content-Type", content_type.as_str()),
            Body::Empty => {}
        }
        b
    }

    /// Send a request and buffer the reply (JSON replies; at most [`Client::max_reply_bytes`]).
    pub fn send(&self, req: Request) -> Result<Response> {
        self.send_on(&self.shared.agent, req)
    }

    /// Send on a given agent (see [`Client::cancellable_agent`]).
    pub(crate) fn send_on(&self, agent: &ureq::Agent, req: Request) -> Result<Response> {
        self.send_on_timed(agent, req, None)
    }

    /// Send on a given agent with a whole-request time limit of its own (`None`: the agent's).
    /// An untimed agent needs one, or a server that never answers blocks the call forever.
    pub(crate) fn send_on_timed(&self, agent: &ureq::Agent, req: Request, timeout: Option<Duration>) -> Result<Response> {
        // A pooled connection the server closed just as it was reused fails before any reply
        // ("connection reset", "broken pipe"): a request that is safe to repeat (GET, HEAD, PUT,
        // DELETE) is sent once more, as Go's and browsers' HTTP clients do.
        let idempotent = matches!(req.method.as_str(), "GET" | "HEAD" | "PUT" | "DELETE");
        let mut req = req;
        self.prepare(&mut req)?;
        let body = req.body_bytes().to_vec();
        let build = |body: Vec<u8>| -> Result<ureq::http::Request<Vec<u8>>> {
            let mut hreq = self.builder(&req).body(body).map_err(|e| Error::invalid(format!("cannot build request: {e}")))?;
            if let Some(t) = timeout {
                hreq = agent.configure_request(hreq).timeout_global(Some(t)).build();
            }
            Ok(hreq)
        };
        // The time limit this request runs under, for the words of a timeout.
        let limit = timeout.or(if std::ptr::eq(agent, &self.shared.agent) { self.shared.timeout } else { None });
        let head_err = |e| Error::from_ureq_in(e, Waiting::Reply, limit);
        let resp = match agent.run(build(body.clone())?) {
            Err(ureq::Error::Io(e)) if idempotent && matches!(e.kind(), std::io::ErrorKind::ConnectionReset | std::io::ErrorKind::BrokenPipe | std::io::ErrorKind::UnexpectedEof) => {
                agent.run(build(body)?).map_err(head_err)?
            }
            other => other.map_err(head_err)?,
        };
        read_response_limited(resp, self.shared.max_reply, limit)
    }

    /// Buffer a reply under this client's size limit (a reply whose head came from
    /// [`Client::send_streaming`] or another agent of this client); `limit` is the time limit it
    /// ran under, for the words of a timeout.
    pub(crate) fn read_reply(&self, resp: ureq::http::Response<ureq::Body>, limit: Option<Duration>) -> Result<Response> {
        read_response_limited(resp, self.shared.max_reply, limit)
    }

    /// Send a request whose body streams from `body` (uploads).
    pub(crate) fn send_streaming(&self, agent: &ureq::Agent, req: Request, body: &mut dyn Read) -> Result<ureq::http::Response<ureq::Body>> {
        let (b, _req) = self.http_request(req)?;
        let hreq = b.body(ureq::SendBody::from_reader(body)).map_err(|e| Error::invalid(format!("cannot build request: {e}")))?;
        agent.run(hreq).map_err(Error::from_ureq)
    }

    /// Send a call and parse its reply.
    pub fn call<T>(&self, call: Call<T>) -> Result<T> {
        let resp = self.send(call.request.clone())?;
        Ok(call.parse(&resp)?)
    }

    /// Wait for an operation to finish. `timeout` `None` waits up to the client's operation
    /// deadline ([`ClientBuilder::operation_deadline`]; without one, as long as it takes). Past
    /// the limit: [`Error::Timeout`]. A failed operation is
    /// [`lxd_core::Error::OperationFailed`]; the `canceller` interrupts the wait (the operation
    /// itself keeps running on the server). With a default progress handler
    /// ([`ClientBuilder::progress_hook`]) it waits as [`Client::wait_operation_progress`].
    pub fn wait_operation(&self, id: &str, timeout: Option<Duration>, canceller: Option<&Canceller>) -> Result<Operation> {
        if let Some(hook) = self.progress_hook() {
            return self.wait_operation_progress(id, timeout, canceller, &mut |op, p| hook.report(op, p));
        }
        let (timeout, why) = match timeout {
            Some(t) => (Some(t), "wait timeout"),
            None => (self.operation_deadline(), "the client's operation deadline"),
        };
        let local;
        let canceller = match canceller {
            Some(c) => c,
            None => {
                local = Canceller::new();
                &local
            }
        };
        let deadline = timeout.map(|t| Instant::now() + t);
        let scoped = self.scoped_cancellable_agent(canceller);
        let agent = &scoped.agent;
        let op = Operation { id: id.to_string(), ..Default::default() };
        loop {
            canceller.check()?;
            // Each slice is one request with its own time limit: the slice plus the per-request
            // timeout, cut to the time left before the deadline. Without it a server that never
            // answers the wait would block past any deadline.
            let (slice, limit) = match deadline {
                None => (60, Duration::from_secs(60) + self.timeout().unwrap_or(DEFAULT_TIMEOUT)),
                Some(d) => {
                    let left = d.saturating_duration_since(Instant::now());
                    if left.is_zero() {
                        return Err(Error::Timeout(format!("operation {id} still running after {} ({why})", human_duration(timeout.unwrap_or_default()))));
                    }
                    let secs = left.as_millis().div_ceil(1000).clamp(1, 60);
                    (secs as i64, left.min(Duration::from_secs(secs as u64) + self.timeout().unwrap_or(DEFAULT_TIMEOUT)))
                }
            };
            let mut flow = WaitFlow::new(&op, slice);
            let send = |req| match self.send_wait_on(agent, id, req, Some(limit)) {
                Ok(r) => Ok(r),
                Err(_) if canceller.is_cancelled() => Err(Error::Cancelled),
                Err(Error::Timeout(_)) if deadline.is_some_and(|d| Instant::now() >= d) => {
                    Err(Error::Timeout(format!("operation {id} still running after {} ({why})", human_duration(timeout.unwrap_or_default()))))
                }
                Err(e) => Err(e),
            };
            if let Some(done) = crate::flow::poll_once(&mut flow, send)? {
                return Ok(done);
            }
        }
    }

    /// Send one `/wait` request for operation `id`; when its reply is an error that may hide the
    /// operation's outcome (Incus answers a failed operation's wait with its error, see
    /// [`lxd_core::operation::wait_follow_up`]), the operation itself is read instead.
    pub(crate) fn send_wait_on(&self, agent: &ureq::Agent, id: &str, req: Request, limit: Option<Duration>) -> Result<Response> {
        let resp = self.send_on_timed(agent, req, limit)?;
        match lxd_core::operation::wait_follow_up(id, &resp) {
            Some(get) => self.send_on_timed(agent, get, limit),
            None => Ok(resp),
        }
    }

    /// [`Client::send_wait_on`] on the client's own agent.
    pub(crate) fn send_wait(&self, id: &str, req: Request) -> Result<Response> {
        self.send_wait_on(&self.shared.agent, id, req, None)
    }

    /// Start work that answers with an operation, and wait for it when `wait` is true.
    pub fn call_op(&self, call: Call<Operation>, wait: bool) -> Result<Operation> {
        let op = self.call(call)?;
        if wait {
            self.wait_operation(&op.id, None, None)
        } else {
            Ok(op)
        }
    }

    /// Whether this client is trusted by the server (`GET /1.0` → `auth`).
    pub fn trusted(&self) -> Result<bool> {
        let server = self.call(api::server::get())?.value;
        self.learn_flavour(&server);
        Ok(server.is_trusted())
    }

    /// Trust this client's certificate with the server's trust password (or a join token). A
    /// client the server trusts already succeeds at once, as pylxd's `authenticate` does: only
    /// `GET /1.0` is sent, never the password.
    pub fn authenticate(&self, password: &str) -> Result<()> {
        if password.is_empty() {
            return Err(Error::invalid("trust password is empty"));
        }
        if self.trusted()? {
            return Ok(());
        }
        self.call(api::certificates::add(None, None, Some(password), "client")?)
    }
}

/// Buffer a ureq response of at most `max` bytes, refused as soon as it is known to be bigger:
/// at once when its declared length is (nothing of the body is read), else once `max + 1` bytes
/// have arrived (chunked or close-delimited bodies: ureq's limit counts the decoded bytes as they
/// stream in, so no more than `max` is ever held). `limit`: the time limit, for a timeout's words.
pub(crate) fn read_response_limited(resp: ureq::http::Response<ureq::Body>, max: u64, limit: Option<Duration>) -> Result<Response> {
    let status = resp.status().as_u16();
    let headers = resp
        .headers()
        .iter()
        .map(|(k, v)| (k.as_str().to_string(), String::from_utf8_lossy(v.as_bytes()).into_owned()))
        .collect();
    let too_big = |what: String| Error::protocol(format!("{what} is larger than the client's limit of {} bytes ({}) for a JSON reply", max, human_size(max)));
    let declared = resp.headers().get("content-length").and_then(|v| v.to_str().ok()).and_then(|v| v.trim().parse::<u64>().ok());
    if let Some(len) = declared {
        if len > max {
            return Err(too_big(format!("reply body of {len} bytes")));
        }
    }
    let mut body = resp.into_body();
    // ureq's read_to_vec, into a buffer of the declared size (no growing, copying and zeroing
    // as it fills; at most 1 MiB ahead of the bytes: the declared length is the server's word).
    // LXD sends most replies chunked, without a length: 16 KiB holds a GET /1.0 or an object.
    let mut bytes = Vec::with_capacity(declared.unwrap_or(16 << 10).min(1 << 20) as usize);
    let read = std::io::Read::read_to_end(&mut body.with_config().limit(max).reader(), &mut bytes).map_err(ureq::Error::from);
    match read {
        Ok(_) => {}
        Err(ureq::Error::BodyExceedsLimit(_)) => return Err(too_big("reply body".to_string())),
        Err(e) => return Err(Error::from_ureq_in(e, Waiting::Body, limit)),
    }
    Ok(Response { status, headers, body: bytes })
}

/// A byte count as people write it: `32 MiB`, `1.5 MiB`, `512 KiB`, `100 B`.
fn human_size(n: u64) -> String {
    const MIB: u64 = 1 << 20;
    if n >= MIB {
        if n.is_multiple_of(MIB) {
            format!("{} MiB", n / MIB)
        } else {
            format!("{:.1} MiB", n as f64 / MIB as f64)
        }
    } else if n >= 1024 {
        format!("{} KiB", n / 1024)
    } else {
        format!("{n} B")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn socket_discovery_order() {
        use std::ffi::OsString;
        let env = |pairs: &'static [(&'static str, &'static str)]| move |k: &str| pairs.iter().find(|(n, _)| *n == k).map(|(_, v)| OsString::from(v));
        let none = |_: &std::path::Path| false;
        assert_eq!(socket_path_from(env(&[("LXD_SOCKET", "/a"), ("INCUS_SOCKET", "/b")]), none), PathBuf::from("/a"));
        assert_eq!(socket_path_from(env(&[("LXD_DIR", "/d"), ("INCUS_SOCKET", "/b")]), none), PathBuf::from("/d/unix.socket"));
        assert_eq!(socket_path_from(env(&[("LXD_SOCKET", ""), ("INCUS_SOCKET", "/b"), ("INCUS_DIR", "/i")]), none), PathBuf::from("/b"));
        assert_eq!(socket_path_from(env(&[("INCUS_DIR", "/i")]), none), PathBuf::from("/i/unix.socket"));
        assert_eq!(socket_path_from(env(&[]), none), PathBuf::from("/var/lib/lxd/unix.socket"));
        let incus_only = |p: &std::path::Path| p == std::path::Path::new("/var/lib/incus/unix.socket");
        assert_eq!(socket_path_from(env(&[]), incus_only), PathBuf::from("/var/lib/incus/unix.socket"));
        let run_only = |p: &std::path::Path| p.starts_with("/run/incus");
        assert_eq!(socket_path_from(env(&[]), run_only), PathBuf::from("/run/incus/unix.socket"));
        let both = |p: &std::path::Path| p.starts_with("/var/lib");
        assert_eq!(socket_path_from(env(&[]), both), PathBuf::from("/var/lib/lxd/unix.socket"));
    }

    #[test]
    fn operation_deadline_defaults_to_ten_minutes_and_zero_is_none() {
        let c = ClientBuilder::unix(Some("/nonexistent.socket".into())).build().unwrap();
        assert_eq!(c.operation_deadline(), Some(Duration::from_secs(600)));
        // Clients derived for another project or target share it.
        assert_eq!(c.with_project(Some("p")).with_target(Some("m")).operation_deadline(), Some(Duration::from_secs(600)));
        let c = ClientBuilder::unix(None).operation_deadline(Duration::from_millis(1500)).build().unwrap();
        assert_eq!(c.operation_deadline(), Some(Duration::from_millis(1500)));
        let c = ClientBuilder::unix(None).operation_deadline(Duration::ZERO).build().unwrap();
        assert_eq!(c.operation_deadline(), None);
    }

    #[test]
    fn a_wait_without_timeout_ends_at_the_operation_deadline() {
        // A server that accepts and never answers: the wait ends at the deadline, not after the
        // 60 s slice plus the request timeout.
        let dir = std::env::temp_dir().join(format!("lxd-deadline-{}", std::process::id()));
        let _ = std::fs::create_dir_all(&dir);
        let sock = dir.join("s");
        let _ = std::fs::remove_file(&sock);
        let l = std::os::unix::net::UnixListener::bind(&sock).unwrap();
        let held = std::thread::spawn(move || {
            let mut conns = Vec::new();
            l.set_nonblocking(true).unwrap();
            let start = Instant::now();
            while start.elapsed() < Duration::from_secs(3) {
                if let Ok((c, _)) = l.accept() {
                    conns.push(c);
                }
                std::thread::sleep(Duration::from_millis(10));
            }
        });
        let c = ClientBuilder::unix(Some(sock.clone())).operation_deadline(Duration::from_millis(700)).build().unwrap();
        let t0 = Instant::now();
        let e = c.wait_operation("op1", None, None).unwrap_err();
        let took = t0.elapsed();
        assert!(matches!(&e, Error::Timeout(m) if m.contains("operation deadline")), "{e:?}");
        assert!(took >= Duration::from_millis(650) && took < Duration::from_secs(3), "{took:?}");
        // An explicit timeout wins.
        let t0 = Instant::now();
        let e = c.wait_operation("op1", Some(Duration::from_millis(1200)), None).unwrap_err();
        assert!(matches!(&e, Error::Timeout(m) if m.contains("wait timeout")), "{e:?}");
        assert!(t0.elapsed() >= Duration::from_millis(1150), "{:?}", t0.elapsed());
        held.join().unwrap();
        let _ = std::fs::remove_dir_all(&dir);
    }
}
