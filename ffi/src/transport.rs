//! The blocking transport: one dialer for the unix socket and HTTPS (rustls), used both by ureq (as a
//! replaceable connector, so one HTTP stack serves both) and by tungstenite for websockets.

use std::io::{self, Read, Write};
use std::net::{Shutdown, TcpStream};
use std::os::unix::net::UnixStream;
use std::path::PathBuf;
use std::sync::{Arc, Weak};
use std::time::Duration;

use rustls::pki_types::ServerName;
use ureq::unversioned::resolver::{ResolvedSocketAddrs, Resolver};
use ureq::unversioned::transport::{Buffers, ConnectionDetails, Connector, LazyBuffers, NextTimeout, ShutdownHandle, Transport};

/// Where the client connects.
#[derive(Debug, Clone)]
pub enum Endpoint {
    /// LXD's local unix socket.
    Unix(PathBuf),
    /// LXD over HTTPS.
    Https {
        /// `host:port` to dial.
        authority: String,
        /// Name sent in SNI.
        server_name: ServerName<'static>,
        /// rustls configuration (client certificate, verifier).
        tls: Arc<rustls::ClientConfig>,
        /// The HTTP proxy every connection is tunnelled through (`CONNECT`), if any.
        proxy: Option<crate::proxy::Proxy>,
    },
}

impl Endpoint {
    /// Base URL for ureq; the unix socket uses a placeholder host, as LXD's Go client does.
    pub fn base_url(&self) -> String {
        match self {
            Endpoint::Unix(_) => "http://unix.socket".to_string(),
            Endpoint::Https { authority, .. } => format!("https://{authority}"),
        }
    }
    /// Host header / websocket host.
    pub fn host(&self) -> String {
        match self {
            Endpoint::Unix(_) => "unix.socket".to_string(),
            Endpoint::Https { authority, .. } => authority.clone(),
        }
    }
    /// Open a connection (TLS handshake completed), within `timeout`.
    pub fn dial(&self, timeout: Option<Duration>) -> io::Result<Stream> {
        match self {
            Endpoint::Unix(path) => {
                let s = UnixStream::connect(path).map_err(|e| io::Error::new(e.kind(), format!("cannot connect to LXD socket {}: {e}", path.display())))?;
                Ok(Stream::Unix(s))
            }
            Endpoint::Https { authority, server_name, tls, proxy } => {
                // Requests and websockets both come here: one place for the proxy tunnel.
                let tcp = match proxy {
                    Some(p) => p.connect(authority, timeout)?,
                    None => crate::proxy::connect_any(authority, timeout)?,
                };
                tcp.set_nodelay(true)?;
                tcp.set_read_timeout(timeout)?;
                tcp.set_write_timeout(timeout)?;
                let mut conn = rustls::ClientConnection::new(tls.clone(), server_name.clone()).map_err(io::Error::other)?;
                let mut tcp = NoSigPipeTcp(tcp);
                while conn.is_handshaking() {
                    conn.complete_io(&mut tcp)?;
                }
                let tcp = tcp.0;
                Ok(Stream::Tls(Box::new(rustls::StreamOwned::new(conn, NoSigPipeTcp(tcp)))))
            }
        }
    }
}

/// One connection to LXD.
#[derive(Debug)]
pub enum Stream {
    /// Unix socket.
    Unix(UnixStream),
    /// TLS over TCP.
    Tls(Box<rustls::StreamOwned<rustls::ClientConnection, NoSigPipeTcp>>),
}

/// Send on a socket with `MSG_NOSIGNAL`: a peer that went away is an `EPIPE` error, never a
/// SIGPIPE that would kill the C program the library is loaded into.
pub(crate) fn send_nosignal(fd: std::os::fd::RawFd, buf: &[u8]) -> io::Result<usize> {
    loop {
        // SAFETY: a valid socket fd and a readable buffer of buf.len() bytes.
        let n = unsafe { libc::send(fd, buf.as_ptr().cast(), buf.len(), libc::MSG_NOSIGNAL) };
        if n >= 0 {
            return Ok(n as usize);
        }
        let e = io::Error::last_os_error();
        if e.kind() != io::ErrorKind::Interrupted {
            return Err(e);
        }
    }
}

/// A TCP stream whose writes never raise SIGPIPE (rustls writes its records through it).
#[derive(Debug)]
pub struct NoSigPipeTcp(pub TcpStream);

impl Read for NoSigPipeTcp {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.0.read(buf)
    }
}

impl Write for NoSigPipeTcp {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        send_nosignal(std::os::fd::AsRawFd::as_raw_fd(&self.0), buf)
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl Stream {
    /// A handle that can shut the socket down from another thread (wakes a blocked read).
    pub fn shutdown_handle(&self) -> io::Result<SocketShutdown> {
        Ok(match self {
            Stream::Unix(s) => SocketShutdown::Unix(s.try_clone()?),
            Stream::Tls(s) => SocketShutdown::Tcp(s.sock.0.try_clone()?),
        })
    }
    /// Set read and write timeouts on the underlying socket.
    pub fn set_timeouts(&self, read: Option<Duration>, write: Option<Duration>) -> io::Result<()> {
        match self {
            Stream::Unix(s) => {
                s.set_read_timeout(read)?;
                s.set_write_timeout(write)
            }
            Stream::Tls(s) => {
                s.sock.0.set_read_timeout(read)?;
                s.sock.0.set_write_timeout(write)
            }
        }
    }
    /// True for a TLS stream.
    pub fn is_tls(&self) -> bool {
        matches!(self, Stream::Tls(_))
    }
}

impl Read for Stream {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        match self {
            Stream::Unix(s) => s.read(buf),
            Stream::Tls(s) => match s.read(buf) {
                // LXD closes websockets and bodies without close_notify; treat it as EOF.
                Err(e) if e.kind() == io::ErrorKind::UnexpectedEof => Ok(0),
                r => r,
            },
        }
    }
}

impl Write for Stream {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match self {
            Stream::Unix(s) => send_nosignal(std::os::fd::AsRawFd::as_raw_fd(s), buf),
            Stream::Tls(s) => s.write(buf),
        }
    }
    fn flush(&mut self) -> io::Result<()> {
        match self {
            Stream::Unix(s) => s.flush(),
            Stream::Tls(s) => s.flush(),
        }
    }
}

/// Shuts a socket down from any thread.
#[derive(Debug)]
pub enum SocketShutdown {
    /// A unix socket.
    Unix(UnixStream),
    /// A TCP socket.
    Tcp(TcpStream),
}

impl ShutdownHandle for SocketShutdown {
    fn shutdown(&self) {
        let _ = match self {
            SocketShutdown::Unix(s) => s.shutdown(Shutdown::Both),
            SocketShutdown::Tcp(s) => s.shutdown(Shutdown::Both),
        };
    }
}

impl SocketShutdown {
    /// Shut the socket down now.
    pub fn shutdown_now(&self) {
        ShutdownHandle::shutdown(self)
    }
}

/// ureq connector over [`Endpoint::dial`].
#[derive(Debug, Clone)]
pub(crate) struct LxdConnector {
    pub(crate) endpoint: Arc<Endpoint>,
}

impl Connector<()> for LxdConnector {
    type Out = LxdTransport;

    fn connect(&self, details: &ConnectionDetails, _chained: Option<()>) -> Result<Option<Self::Out>, ureq::Error> {
        let timeout = details.timeout.not_zero().map(|d| *d);
        // A dial (TCP connect and TLS handshake) that ran out of time is a connect timeout, which
        // the error's words report as such (not as the socket's "os error 11").
        let stream = self.endpoint.dial(timeout).map_err(|e| match e.kind() {
            io::ErrorKind::TimedOut | io::ErrorKind::WouldBlock => ureq::Error::Timeout(ureq::Timeout::Connect),
            _ => ureq::Error::Io(e),
        })?;
        let shutdown = Arc::new(stream.shutdown_handle().map_err(ureq::Error::Io)?);
        (details.register_shutdown)(Arc::downgrade(&shutdown) as Weak<dyn ShutdownHandle>)?;
        let buffers = LazyBuffers::new(details.config.input_buffer_size(), details.config.output_buffer_size());
        Ok(Some(LxdTransport { stream, buffers, _shutdown: shutdown, read_timeout: None, write_timeout: None }))
    }
}

/// ureq transport over a [`Stream`].
#[derive(Debug)]
pub(crate) struct LxdTransport {
    stream: Stream,
    buffers: LazyBuffers,
    _shutdown: Arc<SocketShutdown>,
    read_timeout: Option<Duration>,
    write_timeout: Option<Duration>,
}

fn map_io(e: io::Error, timeout: &NextTimeout) -> ureq::Error {
    if matches!(e.kind(), io::ErrorKind::TimedOut | io::ErrorKind::WouldBlock) {
        ureq::Error::Timeout(timeout.reason)
    } else {
        ureq::Error::Io(e)
    }
}

impl Transport for LxdTransport {
    fn buffers(&mut self) -> &mut dyn Buffers {
        &mut self.buffers
    }

    fn transmit_output(&mut self, amount: usize, timeout: NextTimeout) -> Result<(), ureq::Error> {
        let t = timeout.for_write();
        if t.after.is_zero() {
            return Err(ureq::Error::Timeout(t.reason));
        }
        let want = t.not_zero().map(|d| *d);
        if want != self.write_timeout {
            self.stream.set_timeouts(self.read_timeout, want).map_err(ureq::Error::Io)?;
            self.write_timeout = want;
        }
        let output = &self.buffers.output()[..amount];
        self.stream.write_all(output).map_err(|e| map_io(e, &t))?;
        self.stream.flush().map_err(|e| map_io(e, &t))
    }

    fn await_input(&mut self, timeout: NextTimeout) -> Result<bool, ureq::Error> {
        let t = timeout.for_read();
        if t.after.is_zero() {
            return Err(ureq::Error::Timeout(t.reason));
        }
        let want = t.not_zero().map(|d| *d);
        if want != self.read_timeout {
            self.stream.set_timeouts(want, self.write_timeout).map_err(ureq::Error::Io)?;
            self.read_timeout = want;
        }
        let input = self.buffers.input_append_buf();
        let n = loop {
            match self.stream.read(input) {
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                r => break r.map_err(|e| map_io(e, &t))?,
            }
        };
        self.buffers.input_appended(n);
        Ok(n > 0)
    }

    fn is_open(&mut self) -> bool {
        // Probe without blocking: a closed or chatty connection is not reused.
        let fd_probe = |nonblocking: &dyn Fn(bool) -> io::Result<()>, peek: &dyn Fn() -> io::Result<usize>| -> bool {
            if nonblocking(true).is_err() {
                return false;
            }
            let open = matches!(peek(), Err(ref e) if e.kind() == io::ErrorKind::WouldBlock);
            nonblocking(false).is_ok() && open
        };
        match &self.stream {
            Stream::Unix(s) => fd_probe(&|b| s.set_nonblocking(b), &|| {
                let mut b = [0u8; 1];
                // SAFETY: recv with MSG_PEEK on a valid fd into a 1-byte buffer.
                let r = unsafe { libc::recv(std::os::fd::AsRawFd::as_raw_fd(s), b.as_mut_ptr().cast(), 1, libc::MSG_PEEK) };
                if r < 0 { Err(io::Error::last_os_error()) } else { Ok(r as usize) }
            }),
            Stream::Tls(s) => fd_probe(&|b| s.sock.0.set_nonblocking(b), &|| {
                let mut b = [0u8; 1];
                s.sock.0.peek(&mut b)
            }),
        }
    }

    fn is_tls(&self) -> bool {
        self.stream.is_tls()
    }
}

/// Resolver that resolves nothing: the connector dials the endpoint itself.
#[derive(Debug)]
pub(crate) struct NoResolver;

impl Resolver for NoResolver {
    fn resolve(&self, _uri: &http::Uri, _config: &ureq::config::Config, _timeout: NextTimeout) -> Result<ResolvedSocketAddrs, ureq::Error> {
        let mut v = self.empty();
        v.push(std::net::SocketAddr::from(([127, 0, 0, 1], 0)));
        Ok(v)
    }
}
