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
    let text = |metadata: &str| {
        let text = match null_as {
            Some(n) if metadata == "null" => n,
            _ => metadata,
        };
        // One byte more, so the C side's terminating NUL fits without moving the text.
        let mut out = String::with_capacity(text.len() + 1);
        out.push_str(text);
        out
    };
    if let Some(metadata) = sync_metadata_one_pass::<T>(resp) {
        return Ok(text(metadata));
    }
    parse_sync_json_general::<T>(resp).map(text)
}

/// [`parse_sync_json`] in two passes: the envelope (metadata skipped over as raw text), then the
/// metadata checked. Every reply the one-pass walk does not take comes here, and every error's
/// words come from here.
fn parse_sync_json_general<T: crate::check::CheckJson>(resp: &Response) -> Result<&str> {
    match parse_raw(resp)? {
        RawEnvelope::Sync { metadata: None, .. } => Err(Error::protocol("sync reply without metadata, where a result was expected")),
        RawEnvelope::Sync { metadata: Some(metadata), .. } => {
            crate::check::check_str::<T>(metadata).map_err(|e| Error::protocol(format!("unexpected metadata: {e}")))?;
            Ok(metadata)
        }
        RawEnvelope::Async(_) => Err(Error::protocol("expected a sync reply, got an operation")),
    }
}

/// One JSON value of `body` parsed where it starts (`at`, leading whitespace allowed), and the
/// offset just past it; `None` if it is not a `V` or not followed by a delimiter.
fn value_at<'a, V: serde::Deserialize<'a>>(body: &'a str, at: usize) -> Option<(V, usize)> {
    let mut it = serde_json::Deserializer::from_str(body.get(at..)?).into_iter::<V>();
    match it.next() {
        Some(Ok(v)) => Some((v, at + it.byte_offset())),
        _ => None,
    }
}

/// The common case of [`parse_sync_json`] in one pass: a 2xx reply whose body is a plain
/// `type: sync` envelope. Its members are walked by hand and each value parsed by serde_json
/// where it stands (the metadata checked as a `T`, its end known from the parser's offset), so the
/// metadata is read once instead of being skipped over and then read again. The value types are
/// those of the general path's envelope; `None` (the general path decides, with its words) for
/// anything else: another status or type, a duplicate or escaped key, a value that does not
/// parse, bytes after the envelope.
fn sync_metadata_one_pass<T: crate::check::CheckJson>(resp: &Response) -> Option<&str> {
    if !(200..300).contains(&resp.status) {
        return None;
    }
    // UTF-8 checked once for the whole body (not string by string as the parser meets them).
    let text = std::str::from_utf8(&resp.body).ok()?;
    let b = text.as_bytes();
    let ws = |mut i: usize| {
        while i < b.len() && matches!(b[i], b' ' | b'\t' | b'\n' | b'\r') {
            i += 1;
        }
        i
    };
    let mut i = ws(0);
    if b.get(i) != Some(&b'{') {
        return None;
    }
    i = ws(i + 1);
    let (mut kind, mut metadata) = (None::<String>, None);
    // type, status_code, error_code, error, operation, metadata: each at most once.
    let mut seen = [false; 6];
    let mut once = |n: usize| if std::mem::replace(&mut seen[n], true) { None } else { Some(()) };
    loop {
        if b.get(i) != Some(&b'"') {
            return None;
        }
        let k0 = i + 1;
        let k1 = k0 + b.get(k0..)?.iter().position(|&c| c == b'"' || c == b'\\' || c < 0x20)?;
        if b[k1] != b'"' {
            return None;
        }
        i = ws(k1 + 1);
        if b.get(i) != Some(&b':') {
            return None;
        }
        let at = i + 1;
        let end = match &b[k0..k1] {
            b"metadata" => {
                once(5)?;
                let (_, end) = value_at::<crate::check::Check<T>>(text, at)?;
                metadata = Some(&text[ws(at)..end]);
                end
            }
            b"type" => {
                once(0)?;
                let (v, end) = value_at::<Option<String>>(text, at)?;
                kind = v;
                end
            }
            b"status_code" => {
                once(1)?;
                value_at::<Option<u64>>(text, at)?.1
            }
            b"error_code" => {
                once(2)?;
                value_at::<Option<u64>>(text, at)?.1
            }
            b"error" => {
                once(3)?;
                value_at::<Option<String>>(text, at)?.1
            }
            b"operation" => {
                once(4)?;
                value_at::<Option<String>>(text, at)?.1
            }
            _ => value_at::<serde::de::IgnoredAny>(text, at)?.1,
        };
        i = ws(end);
        match b.get(i) {
            Some(b',') => i = ws(i + 1),
            Some(b'}') => break,
            _ => return None,
        }
    }
    if ws(i + 1) != b.len() || kind.as_deref() != Some("sync") {
        return None;
    }
    metadata
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
    fn one_pass_agrees_with_the_general_path() {
        use crate::models::Server;
        let md = r#"{"config":{},"api_extensions":["a","b\u00e9"],"api_status":"stable","api_version":"1.0","auth":"trusted","public":false,"environment":{"k":[1,{"x":"}"}]}}"#;
        let bodies = [
            format!(r#"{{"type":"sync","status":"Success","status_code":200,"operation":"","error_code":0,"error":"","metadata":{md}}}"#),
            format!(" \n{{ \"metadata\" : {md} , \"type\" : \"sync\" , \"later\": [1, {{\"a\": null}}] }} \n"),
            format!(r#"{{"type":"sync","metadata":{md}}} x"#),
            format!(r#"{{"type":"sync","metadata":{md},}}"#),
            format!(r#"{{"type":"sync","metadata":{md},"metadata":{md}}}"#),
            format!(r#"{{"type":"sync","type":"sync","metadata":{md}}}"#),
            format!(r#"{{"type":"sync","metad\u0061ta":{md}}}"#),
            format!(r#"{{"type":"async","metadata":{md}}}"#),
            format!(r#"{{"type":"error","error":"no","error_code":404,"metadata":{md}}}"#),
            format!(r#"{{"type":null,"metadata":{md}}}"#),
            format!(r#"{{"type":"sync","status_code":-1,"metadata":{md}}}"#),
            format!(r#"{{"type":"sync","status_code":1.5,"metadata":{md}}}"#),
            format!(r#"{{"type":"sync","error":5,"metadata":{md}}}"#),
            format!(r#"{{"type":"sync","operation":[],"metadata":{md}}}"#),
            format!(r#"{{"type":"sync","unknown":{{"a":[}},"metadata":{md}}}"#),
            r#"{"type":"sync","metadata":{"api_status":5}}"#.to_string(),
            format!(r#"{{"type":"sync","metadata":{}}}"#, &md[..md.len() - 1]),
            r#"{"type":"sync","metadata":null}"#.to_string(),
            r#"{"type":"sync"}"#.to_string(),
            r#"{"type":"sync","metadata":{"config":{},"api_extensions":[],"api_status":"s","api_version":"1","auth":"t","public":false,"environment":{"bad":"\xff"}}}"#.to_string(),
            "{}".to_string(), "[]".to_string(), "".to_string(), "{".to_string(), r#"{"type":"sync","metadata":5"#.to_string(),
        ];
        for body in &bodies {
            for status in [200, 201, 202, 302, 404, 500] {
                let mut bytes = body.clone().into_bytes();
                if body.contains("\\xff") {
                    let at = body.find("\\xff").unwrap();
                    bytes.splice(at..at + 4, [0xff]);
                }
                let r = Response::new(status, vec![], bytes);
                let one = parse_sync_json::<Server>(&r, None);
                let general = parse_sync_json_general::<Server>(&r).map(str::to_string);
                assert_eq!(one, general, "HTTP {status}: {body}");
            }
        }
        // The recorded shapes take the one-pass path.
        let r = Response::new(200, vec![], bodies[0].clone().into_bytes());
        assert!(sync_metadata_one_pass::<Server>(&r).is_some());
        let r = Response::new(200, vec![], bodies[1].clone().into_bytes());
        assert_eq!(sync_metadata_one_pass::<Server>(&r), Some(md));
    }

    #[test]
    fn names() {
        let v = vec!["/1.0/instances/c1".to_string(), "/1.0/instances/a%20b?project=p".to_string()];
        assert_eq!(names_from_urls(&v).unwrap(), vec!["c1", "a b"]);
        assert!(names_from_urls(&["/1.0/x/%ff".to_string()]).is_err());
    }
}
