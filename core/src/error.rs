//! The one error type of the core. Three kinds stay apart, as h11 keeps "you misused the API" apart
//! from "the peer sent nonsense": the caller asked for something invalid, LXD said no, or LXD's reply
//! could not be understood.

/// What went wrong, in a form every binding can map to a stable code.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Error {
    /// The caller asked for something invalid (a bad name, malformed JSON input, ...). Nothing was sent.
    #[error("invalid argument: {0}")]
    InvalidArgument(String),
    /// LXD answered with an error: its HTTP status and its own message.
    #[error("LXD error {status}: {message}")]
    Api {
        /// HTTP status (or the envelope's `error_code` when the HTTP status was not an error).
        status: u16,
        /// LXD's error text.
        message: String,
    },
    /// A background operation finished with a failure status.
    #[error("operation failed: {message}")]
    OperationFailed {
        /// The operation's final status code (e.g. 400 Failure, 401 Cancelled).
        status_code: u16,
        /// LXD's `err` text of the operation.
        message: String,
        /// The operation's metadata as JSON text (exec keeps its exit code in `return` here).
        metadata: String,
    },
    /// The server's reply could not be understood (bad JSON, wrong envelope, missing fields).
    #[error("malformed reply from server: {0}")]
    Protocol(String),
}

impl Error {
    /// A caller-input error.
    pub fn invalid(msg: impl Into<String>) -> Self {
        Error::InvalidArgument(msg.into())
    }
    /// A protocol (reply not understood) error.
    pub fn protocol(msg: impl Into<String>) -> Self {
        Error::Protocol(msg.into())
    }
    /// The HTTP status LXD gave, if this is an LXD error.
    pub fn http_status(&self) -> Option<u16> {
        match self {
            Error::Api { status, .. } => Some(*status),
            _ => None,
        }
    }
    /// True for LXD's 404.
    pub fn is_not_found(&self) -> bool {
        self.http_status() == Some(404)
    }
}

/// Shorthand.
pub type Result<T, E = Error> = std::result::Result<T, E>;
