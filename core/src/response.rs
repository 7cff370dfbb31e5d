//! Responses as data, and LXD's envelope parsed in one place.

use crate::error::{Error, Result};
use crate::operation::Operation;
use serde::de::DeserializeOwned;
use serde_json::Value;

/// One HTTP response: status, headers and body bytes.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Response {
    /// HTTP status code.
    pub status: u16,
    /// Headers (names as received).
    pub headers: Vec<(String, String)>,
    /// Body bytes (empty for streamed downloads, whose body went to the caller's sink).
    pub body: Vec<u8>,
}

impl Response {
    /// A response from parts.
    pub fn new(status: u16, headers: Vec<(String, String)>, body: Vec<u8>) -> Response {
        Response { status, headers, body }
    }
    /// A header's value (case-insensitive name).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }
    /// The ETag header, quotes included as LXD sent them.
    pub fn etag(&self) -> Option<&str> {
        self.header("ETag")
    }
}

/// The LXD envelope, decoded.
// An envelope is short-lived (parsed, then matched at once); boxing the operation would only add
// an allocation and churn for every caller.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq)]
pub enum Envelope {
    /// `type: sync`: the metadata is the result.
    Sync {
        /// Envelope `status_code` (200 on success, whatever the HTTP status said, e.g. 201).
        status_code: u16,
        /// The result.
        metadata: Value,
    },
    /// `type: async`: a background operation was started.
    Async(Operation),
}

/// The envelope as it is on the wire; `metadata` stays unparsed text until its type is known, so
/// a typed result is parsed once, straight from the bytes (no `Value` tree in between).
#[derive(serde::Deserialize)]
struct Raw<'a> {
    #[serde(rename = "type")]
    kind: Option<String>,
    #[serde(default)]
    status_code: Option<u64>,
    #[serde(default)]
    error_code: Option<u64>,
    #[serde(default)]
    error: Option<String>,
    // Present (`null` included) is `Some`, absent `None`: serde's own `Option` would fold the two.
    #[serde(default, borrow, deserialize_with = "present")]
    metadata: Option<&'a serde_json::value::RawValue>,
    #[serde(default)]
    operation: Option<String>,
}

fn present<'de, D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Option<&'de serde_json::value::RawValue>, D::Error> {
    <&serde_json::value::RawValue as serde::Deserialize>::deserialize(d).map(Some)
}

/// A checked envelope whose metadata is still raw JSON text (`None` when the key is absent: LXD
/// always sends it, `null` at least). Short-lived, as [`Envelope`]: not boxed.
#[allow(clippy::large_enum_variant)]
enum RawEnvelope<'a> {
    Sync { status_code: u16, metadata: Option<&'a str> },
    Async(Operation),
}

fn code(n: Option<u64>) -> u16 {
    n.and_then(|n| u16::try_from(n).ok()).unwrap_or(0)
}

/// Decode LXD's envelope. An `error` envelope or an HTTP error status becomes [`Error::Api`]; a body
/// that is not an envelope becomes [`Error::Protocol`].
pub fn parse_envelope(resp: &Response) -> Result<Envelope> {
    match parse_raw(resp)? {
        RawEnvelope::Sync { status_code, metadata } => {
            // No result is expected here (the callers drop it or return it raw): absent is null.
            let metadata = serde_json::from_str(metadata.unwrap_or("null")).map_err(|e| Error::protocol(format!("unexpected metadata: {e}")))?;
            Ok(Envelope::Sync { status_code, metadata })
        }
        RawEnvelope::Async(op) => Ok(Envelope::Async(op)),
    }
}

fn parse_raw(resp: &Response) -> Result<RawEnvelope<'_>> {
    if (300..400).contains(&resp.status) {
        // LXD never redirects; a 3xx is someone else (a proxy, a hostile server). Redirects are
        // not followed, and whatever body came with it is not LXD's answer.
        let to = resp.header("Location").unwrap_or("nowhere");
        return Err(Error::protocol(format!("unexpected redirect (HTTP {} to {to}); redirects are not followed", resp.status)));
    }
    let raw: Raw<'_> = match serde_json::from_slice(&resp.body) {
        Ok(r) => r,
        Err(e) => {
            if resp.status >= 400 {
                // An error page that is not LXD's JSON (a proxy, a truncated body): keep the status.
                let text = String::from_utf8_lossy(&resp.body[..resp.body.len().min(200)]).trim().to_string();
                return Err(Error::Api { status: resp.status, message: if text.is_empty() { format!("HTTP {}", resp.status) } else { text } });
            }
            return Err(Error::protocol(format!("reply is not a JSON envelope (HTTP {}): {e}", resp.status)));
        }
    };
    let kind = raw.kind.as_deref().unwrap_or("");
    if kind == "error" || resp.status >= 400 {
        let status = match code(raw.error_code) {
            c if c >= 400 => c,
            _ if resp.status >= 400 => resp.status,
            _ => 500,
        };
        let message = raw.error.filter(|m| !m.is_empty()).unwrap_or_else(|| format!("HTTP {status}"));
        return Err(Error::Api { status, message });
    }
    let metadata = raw.metadata.map(|m| m.get());
    match kind {
        "sync" => Ok(RawEnvelope::Sync { status_code: code(raw.status_code), metadata }),
        "async" => {
            let mut op: Operation = serde_json::from_str(metadata.unwrap_or("null"))
                .map_err(|e| Error::protocol(format!("async reply without a valid operation: {e}")))?;
            if op.id.is_empty() {
                // Fall back to the `operation` URL.
                if let Some(url) = raw.operation.as_deref() {
                    op.id = url.rsplit('/').next().unwrap_or("").to_string();
                }
            }
            if op.id.is_empty() {
                return Err(Error::protocol("async reply without an operation id"));
            }
            crate::operation::check_server_id(&op.id)?;
            Ok(RawEnvelope::Async(op))
        }
        other => Err(Error::protocol(format!("unknown envelope type {other:?}"))),
    }
}

/// Parse a sync reply's metadata into `T`. The result is the metadata: an envelope without a
/// `metadata` key is a protocol error, never a default (an explicit `null` is LXD's empty
/// collection, and parses as `T` says: `Option<Vec<_>>` takes it as empty, a struct refuses it).
pub fn parse_sync<T: DeserializeOwned>(resp: &Response) -> Result<T> {
    match parse_raw(resp)? {
        RawEnvelope::Sync { metadata: None, .. } => Err(Error::protocol("sync reply without metadata, where a result was expected")),
        RawEnvelope::Sync { metadata: Some(metadata), .. } => {
            serde_json::from_str(metadata).map_err(|e| Error::protocol(format!("unexpected metadata: {e}")))
        }
        RawEnvelope::Async(_) => Err(Error::protocol("expected a sync reply, got an operation")),
    }
}

/// The metadata of a sync reply as LXD sent it, checked as a `T` first (required fields present,
/// every field of its type: what [`parse_sync`] would refuse is refused here too, with the same
/// words) but never built: the text is a copy of the reply's bytes, not `T` serialized again.
/// `null_as` stands for an explicit `null` (`"[]"` for a collection); `None` keeps `null`.
pub fn parse_sync_json<T: crate::check::CheckJson>(resp: &Response, null_as: Option<&str>) -> Result<String> {
    match parse_raw(resp)? {
        RawEnvelope::Sync { metadata: None, .. } => Err(Error::protocol("sync reply without metadata, where a result was expected")),
        RawEnvelope::Sync { metadata: Some(metadata), .. } => {
            crate::check::check_str::<T>(metadata).map_err(|e| Error::protocol(format!("unexpected metadata: {e}")))?;
            let text = match null_as {
                Some(n) if metadata == "null" => n,
                _ => metadata,
            };
            // One byte more, so the C side's terminating NUL fits without moving the text.
            let mut out = String::with_capacity(text.len() + 1);
            out.push_str(text);
            Ok(out)
        }
        RawEnvelope::Async(_) => Err(Error::protocol("expected a sync reply, got an operation")),
    }
}

/// Parse a reply that must be a success with no useful value (sync), or return its operation if async.
pub fn parse_sync_or_async(resp: &Response) -> Result<Option<Operation>> {
    match parse_raw(resp)? {
        RawEnvelope::Sync { .. } => Ok(None),
        RawEnvelope::Async(op) => Ok(Some(op)),
    }
}

/// Parse a reply that must start an operation.
pub fn parse_async(resp: &Response) -> Result<Operation> {
    match parse_envelope(resp)? {
        Envelope::Async(op) => Ok(op),
        Envelope::Sync { .. } => Err(Error::protocol("expected an operation, got a sync reply")),
    }
}

/// Parse a sync success and drop the metadata.
pub fn parse_empty(resp: &Response) -> Result<()> {
    match parse_envelope(resp)? {
        Envelope::Sync { .. } => Ok(()),
        Envelope::Async(_) => Err(Error::protocol("expected a sync reply, got an operation")),
    }
}

/// The last path segment of each URL in a list (`/1.0/instances/c1` → `c1`), percent-decoded and
/// with any query (`?project=x`) removed.
pub fn names_from_urls(urls: &[String]) -> Result<Vec<String>> {
    urls.iter()
        .map(|u| {
            let path = u.split('?').next().unwrap_or("");
            let last = path.rsplit('/').next().unwrap_or("");
            percent_encoding::percent_decode_str(last)
                .decode_utf8()
                .map(|s| s.into_owned())
                .map_err(|_| Error::protocol(format!("URL {u:?} is not UTF-8 once decoded")))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn resp(status: u16, body: &str) -> Response {
        Response::new(status, vec![("ETag".into(), "\"abc\"".into())], body.as_bytes().to_vec())
    }

    #[test]
    fn sync_201_is_success() {
        let r = resp(201, r#"{"type":"sync","status":"Success","status_code":200,"operation":"","error_code":0,"error":"","metadata":{}}"#);
        assert!(matches!(parse_envelope(&r).unwrap(), Envelope::Sync { status_code: 200, .. }));
        assert_eq!(r.etag(), Some("\"abc\""));
    }

    #[test]
    fn error_envelope() {
        let r = resp(404, r#"{"type":"error","error":"Instance not found","error_code":404,"metadata":null}"#);
        assert_eq!(parse_envelope(&r).unwrap_err(), Error::Api { status: 404, message: "Instance not found".into() });
        let r = resp(500, "<html>oops</html>");
        assert!(matches!(parse_envelope(&r).unwrap_err(), Error::Api { status: 500, .. }));
    }

    #[test]
    fn garbage_is_protocol_error() {
        for body in ["", "{", "[]", "null", "{\"type\":\"weird\"}", "{\"type\":\"async\",\"metadata\":{}}", "{\"type\":\"async\",\"metadata\":5}"] {
            assert!(matches!(parse_envelope(&resp(200, body)), Err(Error::Protocol(_))), "{body}");
        }
    }

    #[test]
    fn absent_metadata_is_no_result() {
        // LXD 5.0.2 always sends `metadata` (null at least): without it, a result is missing.
        let r = resp(200, r#"{"type":"sync","status":"Success","status_code":200}"#);
        match parse_sync::<Option<Vec<String>>>(&r) {
            Err(Error::Protocol(m)) => assert!(m.contains("without metadata"), "{m}"),
            other => panic!("{other:?}"),
        }
        assert!(matches!(parse_sync::<serde_json::Value>(&r), Err(Error::Protocol(_))));
        // An explicit null is LXD's empty collection.
        let r = resp(200, r#"{"type":"sync","status_code":200,"metadata":null}"#);
        assert_eq!(parse_sync::<Option<Vec<String>>>(&r).unwrap(), None);
        // Where no result is expected, its absence is fine.
        assert!(parse_empty(&resp(200, r#"{"type":"sync","status_code":200}"#)).is_ok());
    }

    #[test]
    fn redirects_are_errors_even_with_a_valid_body() {
        let body = r#"{"type":"sync","status_code":200,"metadata":{}}"#;
        for status in [301, 302, 307, 308] {
            let r = Response::new(status, vec![("Location".into(), "http://elsewhere/1.0".into())], body.as_bytes().to_vec());
            match parse_envelope(&r) {
                Err(Error::Protocol(m)) => assert!(m.contains("redirect") && m.contains("elsewhere"), "{m}"),
                other => panic!("{status}: {other:?}"),
            }
        }
    }

    #[test]
    fn unusable_operation_ids_are_protocol_errors() {
        // A NUL would be cut from the id handed to C; '/' or ".." would address another path.
        for body in [
            r#"{"type":"async","metadata":{"id":"a\u0000b"}}"#,
            r#"{"type":"async","metadata":{"id":"../instances/c1"}}"#,
            r#"{"type":"async","metadata":{"id":".."}}"#,
            r#"{"type":"async","operation":"/1.0/operations/..","metadata":{}}"#,
        ] {
            assert!(matches!(parse_envelope(&resp(202, body)), Err(Error::Protocol(_))), "{body}");
        }
    }

    #[test]
    fn names() {
        let v = vec!["/1.0/instances/c1".to_string(), "/1.0/instances/a%20b?project=p".to_string()];
        assert_eq!(names_from_urls(&v).unwrap(), vec!["c1", "a b"]);
        assert!(names_from_urls(&["/1.0/x/%ff".to_string()]).is_err());
    }
}
