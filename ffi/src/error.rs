//! The Rust error of the blocking client: the core's three kinds plus what the transport adds.

use lxd_core::Error as CoreError;

/// Errors of the blocking client.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Error {
    /// From the core: invalid input, LXD said no, operation failed, or a malformed reply.
    #[error(transparent)]
    Core(#[from] CoreError),
    /// No connection could be made (no socket, refused, reset before a reply).
    #[error("connection failed: {0}")]
    Connect(String),
    /// TLS failed (certificate not verified or not the pinned one, handshake refused).
    #[error("TLS error: {0}")]
    Tls(String),
    /// The client's timeout passed.
    #[error("timed out: {0}")]
    Timeout(String),
    /// Another thread cancelled or closed the call.
    #[error("cancelled")]
    Cancelled,
    /// A local I/O error (reading the file to push, writing the pulled one).
    #[error("I/O error: {0}")]
    Io(String),
}

impl Error {
    /// Caller input error.
    pub fn invalid(msg: impl Into<String>) -> Error {
        Error::Core(CoreError::invalid(msg))
    }
    /// Malformed reply.
    pub fn protocol(msg: impl Into<String>) -> Error {
        Error::Core(CoreError::protocol(msg))
    }
    /// The HTTP status LXD gave, if any.
    pub fn http_status(&self) -> Option<u16> {
        match self {
            Error::Core(e) => e.http_status(),
            _ => None,
        }
    }
    /// Classify an I/O error from the network.
    pub fn from_net_io(e: &std::io::Error) -> Error {
        if let Some(inner) = e.get_ref() {
            if let Some(tls) = inner.downcast_ref::<rustls::Error>() {
                return Error::Tls(tls.to_string());
            }
        }
        match e.kind() {
            std::io::ErrorKind::TimedOut | std::io::ErrorKind::WouldBlock => Error::Timeout(e.to_string()),
            _ => Error::Connect(e.to_string()),
        }
    }
    /// Classify a ureq error.
    pub(crate) fn from_ureq(e: ureq::Error) -> Error {
        match e {
            ureq::Error::Io(io) => Error::from_net_io(&io),
            ureq::Error::Timeout(t) => Error::Timeout(t.to_string()),
            ureq::Error::Rustls(t) => Error::Tls(t.to_string()),
            ureq::Error::Tls(t) => Error::Tls(t.to_string()),
            ureq::Error::BodyExceedsLimit(n) => Error::protocol(format!("reply body larger than {n} bytes")),
            ureq::Error::Protocol(p) => Error::protocol(format!("HTTP protocol error: {p}")),
            ureq::Error::LargeResponseHeader(..) => Error::protocol("reply headers too large"),
            ureq::Error::Http(h) => Error::invalid(format!("cannot build request: {h}")),
            ureq::Error::BadUri(u) => Error::invalid(format!("bad URI: {u}")),
            other => Error::Connect(other.to_string()),
        }
    }
}

/// Shorthand.
pub type Result<T, E = Error> = std::result::Result<T, E>;
