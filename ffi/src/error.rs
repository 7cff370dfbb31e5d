//! The Rust error of the blocking client: the core's three kinds plus what the transport adds.

use std::time::Duration;

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
    /// A time limit passed. The message says what did not happen, within how long, and whose
    /// limit it was ("no reply from LXD within 3 s (client timeout)").
    #[error("{0}")]
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
            // A socket's read or write timeout (SO_RCVTIMEO / SO_SNDTIMEO): the OS's wording
            // ("Resource temporarily unavailable (os error 11)") means nothing to a user.
            std::io::ErrorKind::TimedOut | std::io::ErrorKind::WouldBlock => Error::Timeout("no data from LXD within the time limit".to_string()),
            _ => Error::Connect(e.to_string()),
        }
    }
    /// Classify a ureq error whose time limit is not known here (see [`Error::from_ureq_in`]).
    pub(crate) fn from_ureq(e: ureq::Error) -> Error {
        Error::from_ureq_in(e, Waiting::Reply, None)
    }
    /// Classify a ureq error of a request sent with time limit `limit` (the client's timeout)
    /// while `waiting` for the reply's head or its body: a timeout says what did not arrive and
    /// after how long, never ureq's own words ("timeout: global").
    pub(crate) fn from_ureq_in(e: ureq::Error, waiting: Waiting, limit: Option<Duration>) -> Error {
        match e {
            ureq::Error::Io(io) => Error::from_net_io(&io),
            ureq::Error::Timeout(t) => Error::Timeout(timeout_message(t, waiting, limit)),
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

/// What a request was waiting for when its time ran out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Waiting {
    /// The reply's status and headers.
    Reply,
    /// The rest of the reply's body.
    Body,
}

/// A duration as people write it: `3 s`, `1.5 s`, `250 ms`.
pub fn human_duration(d: Duration) -> String {
    let ms = d.as_millis();
    if ms < 1000 {
        format!("{ms} ms")
    } else if ms.is_multiple_of(1000) {
        format!("{} s", ms / 1000)
    } else {
        format!("{:.1} s", d.as_secs_f64())
    }
}

/// " within 3 s (client timeout)", or " within the client timeout" when the limit is not known.
fn within(limit: Option<Duration>) -> String {
    match limit {
        Some(d) => format!(" within {} (client timeout)", human_duration(d)),
        None => " within the client timeout".to_string(),
    }
}

fn timeout_message(t: ureq::Timeout, waiting: Waiting, limit: Option<Duration>) -> String {
    use ureq::Timeout as T;
    let w = within(limit);
    match t {
        T::Resolve | T::Connect => format!("could not connect to LXD{w}"),
        T::SendRequest | T::SendBody | T::PerWrite | T::Await100 => format!("LXD did not take the request{w}"),
        T::RecvResponse => format!("no reply from LXD{w}"),
        T::RecvBody => format!("the reply from LXD did not arrive whole{w}"),
        T::PerRead => match limit {
            Some(d) => format!("no data from LXD for {} (client timeout)", human_duration(d)),
            None => "no data from LXD within the client timeout".to_string(),
        },
        // The whole call's limit (Global, PerCall): what was missing depends on where it was.
        _ => match waiting {
            Waiting::Reply => format!("no reply from LXD{w}"),
            Waiting::Body => format!("the reply from LXD did not arrive whole{w}"),
        },
    }
}

/// Shorthand.
pub type Result<T, E = Error> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timeouts_say_what_and_how_long() {
        let three = Some(Duration::from_secs(3));
        let e = Error::from_ureq_in(ureq::Error::Timeout(ureq::Timeout::Global), Waiting::Reply, three);
        assert_eq!(e.to_string(), "no reply from LXD within 3 s (client timeout)");
        let e = Error::from_ureq_in(ureq::Error::Timeout(ureq::Timeout::Global), Waiting::Body, Some(Duration::from_millis(1500)));
        assert_eq!(e.to_string(), "the reply from LXD did not arrive whole within 1.5 s (client timeout)");
        let e = Error::from_ureq_in(ureq::Error::Timeout(ureq::Timeout::Connect), Waiting::Reply, Some(Duration::from_millis(250)));
        assert_eq!(e.to_string(), "could not connect to LXD within 250 ms (client timeout)");
        let e = Error::from_ureq_in(ureq::Error::Timeout(ureq::Timeout::PerRead), Waiting::Body, three);
        assert_eq!(e.to_string(), "no data from LXD for 3 s (client timeout)");
        for t in [ureq::Timeout::Global, ureq::Timeout::PerCall, ureq::Timeout::RecvBody, ureq::Timeout::SendBody] {
            let m = Error::from_ureq(ureq::Error::Timeout(t)).to_string();
            assert!(!m.contains("global") && !m.contains("timed out:") && !m.contains("Per"), "{m}");
        }
        let io = std::io::Error::from(std::io::ErrorKind::WouldBlock);
        assert!(!Error::from_net_io(&io).to_string().contains("os error"));
    }
}
