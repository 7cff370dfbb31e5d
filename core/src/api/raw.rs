//! Raw requests for anything else: the reply's envelope is decoded as for every typed call (an
//! error envelope or status is the same [`Error`]), its metadata handed back as JSON.

use super::*;

/// What a raw call gives back.
#[derive(Debug, Clone, PartialEq)]
pub enum Reply {
    /// A sync reply's metadata (`null` when it had none).
    Sync(Value),
    /// An async reply: the operation to wait for.
    Async(Box<Operation>),
}

/// A raw call: `method` and `path_and_query` as given (already percent-encoded; the client's
/// project and target are not added), `body` JSON text or `None`.
pub fn request(method: crate::request::Method, path_and_query: &str, body: Option<&str>) -> Result<Call<Reply>> {
    let mut r = Request::raw(method, path_and_query)?;
    if let Some(b) = body {
        let v: Value = serde_json::from_str(b).map_err(|e| Error::invalid(format!("body is not valid JSON: {e}")))?;
        r = r.json(&v)?;
    }
    Ok(Call::new(r, |resp| match crate::response::parse_envelope(resp)? {
        crate::response::Envelope::Sync { metadata, .. } => Ok(Reply::Sync(metadata)),
        crate::response::Envelope::Async(op) => Ok(Reply::Async(Box::new(op))),
    }))
}

/// A raw call whose parse gives the metadata (sync) or the operation (async) as JSON.
pub fn call(method: crate::request::Method, path_and_query: &str, body: Option<&str>) -> Result<Call<Value>> {
    let r = request(method, path_and_query, body)?;
    Ok(Call::new(r.request, |resp| match crate::response::parse_envelope(resp)? {
        crate::response::Envelope::Sync { metadata, .. } => Ok(metadata),
        crate::response::Envelope::Async(op) => serde_json::to_value(op).map_err(|e| Error::protocol(e.to_string())),
    }))
}
