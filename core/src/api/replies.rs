//! Reply parsers shared by the API modules beyond LXD's usual JSON envelope: raw bytes (logs,
//! console log, templates), text (metrics, ACL log), grouped URL lists, and `type/name` volume
//! names.

use crate::error::{Error, Result};
use crate::operation::Operation;
use crate::response::{names_from_urls, parse_envelope, parse_sync, Response};

/// The error of a non-2xx reply that may or may not be LXD's JSON envelope.
pub(crate) fn reply_error(resp: &Response) -> Error {
    match parse_envelope(resp) {
        Err(e) => e,
        Ok(_) => Error::Api { status: resp.status, message: format!("HTTP {}", resp.status) },
    }
}

/// A raw body (a file LXD serves: logs, console log, templates, ACL log). Errors come as LXD's
/// error envelope with an error status.
pub fn parse_bytes(resp: &Response) -> Result<Vec<u8>> {
    if resp.status >= 300 {
        return Err(reply_error(resp));
    }
    Ok(resp.body.clone())
}

/// A text body (metrics in OpenMetrics text format, ACL logs). Not UTF-8: a protocol error.
pub fn parse_text(resp: &Response) -> Result<String> {
    let bytes = parse_bytes(resp)?;
    String::from_utf8(bytes).map_err(|_| Error::protocol("text reply is not UTF-8"))
}

/// A sync reply whose metadata is `{"<status>": [URL, ...], ...}` (operations): every name.
pub fn parse_grouped_names(resp: &Response) -> Result<Vec<String>> {
    let groups: Option<std::collections::BTreeMap<String, Vec<String>>> = parse_sync(resp)?;
    let urls: Vec<String> = groups.unwrap_or_default().into_values().flatten().collect();
    names_from_urls(&urls)
}

/// A sync reply listing storage volume URLs (`/1.0/storage-pools/p/volumes/custom/v1`) as
/// `type/name` (`custom/v1`); each part percent-decoded.
pub fn parse_volume_names(resp: &Response) -> Result<Vec<String>> {
    let urls: Option<Vec<String>> = parse_sync(resp)?;
    urls.unwrap_or_default()
        .iter()
        .map(|u| {
            let path = u.split('?').next().unwrap_or("");
            let rest = path.split_once("/volumes/").map(|(_, r)| r).ok_or_else(|| Error::protocol(format!("{u:?} is not a volume URL")))?;
            let parts = names_from_urls(&rest.split('/').map(str::to_string).collect::<Vec<_>>())?;
            Ok(parts.join("/"))
        })
        .collect()
}

/// An operation that must carry `metadata.<key>` as a string (secrets of token operations).
pub fn metadata_str<'a>(op: &'a Operation, key: &str) -> Result<&'a str> {
    op.metadata
        .get(key)
        .and_then(serde_json::Value::as_str)
        .filter(|s| !s.is_empty())
        .ok_or_else(|| Error::protocol(format!("operation {} has no metadata.{key}", op.id)))
}

/// Standard base64 (with padding), as LXD's tokens use.
pub fn base64_encode(data: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(data.len().div_ceil(3) * 4);
    for chunk in data.chunks(3) {
        let b = [chunk[0], chunk.get(1).copied().unwrap_or(0), chunk.get(2).copied().unwrap_or(0)];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64() {
        for (input, want) in [("", ""), ("f", "Zg=="), ("fo", "Zm8="), ("foo", "Zm9v"), ("foob", "Zm9vYg=="), ("fooba", "Zm9vYmE="), ("foobar", "Zm9vYmFy")] {
            assert_eq!(base64_encode(input.as_bytes()), want);
        }
    }

    #[test]
    fn bytes_and_errors() {
        let ok = Response::new(200, vec![], b"\x00\xffraw".to_vec());
        assert_eq!(parse_bytes(&ok).unwrap(), b"\x00\xffraw");
        assert!(parse_text(&ok).is_err());
        let err = Response::new(404, vec![], br#"{"type":"error","error":"not found","error_code":404}"#.to_vec());
        assert_eq!(parse_bytes(&err).unwrap_err().http_status(), Some(404));
        let html = Response::new(502, vec![], b"<html>".to_vec());
        assert_eq!(parse_text(&html).unwrap_err().http_status(), Some(502));
    }

    #[test]
    fn grouped_and_volume_names() {
        let r = Response::new(200, vec![], br#"{"type":"sync","metadata":{"running":["/1.0/operations/a"],"success":["/1.0/operations/b"]}}"#.to_vec());
        assert_eq!(parse_grouped_names(&r).unwrap(), vec!["a", "b"]);
        let r = Response::new(200, vec![], br#"{"type":"sync","metadata":{}}"#.to_vec());
        assert!(parse_grouped_names(&r).unwrap().is_empty());
        let r = Response::new(200, vec![], br#"{"type":"sync","metadata":["/1.0/storage-pools/p/volumes/custom/v%201","/1.0/storage-pools/p/volumes/container/c1?project=x"]}"#.to_vec());
        assert_eq!(parse_volume_names(&r).unwrap(), vec!["custom/v 1", "container/c1"]);
        let r = Response::new(200, vec![], br#"{"type":"sync","metadata":["/1.0/elsewhere"]}"#.to_vec());
        assert!(parse_volume_names(&r).is_err());
    }
}
