//! Requests as data: method, path and query (every segment percent-encoded here), headers, body.

use crate::error::{Error, Result};
use percent_encoding::{utf8_percent_encode, AsciiSet, CONTROLS};

pub use http::Method;

/// Characters escaped in a path segment: everything but RFC 3986 unreserved characters.
const SEGMENT: &AsciiSet = &CONTROLS
    .add(b' ').add(b'"').add(b'#').add(b'%').add(b'/').add(b'<').add(b'>').add(b'?')
    .add(b'`').add(b'{').add(b'}').add(b'&').add(b'+').add(b'=').add(b';').add(b':')
    .add(b'@').add(b'[').add(b']').add(b'\\').add(b'^').add(b'|').add(b'\'').add(b',')
    .add(b'!').add(b'$').add(b'(').add(b')').add(b'*');

/// Characters escaped in a query key or value.
const QUERY: &AsciiSet = SEGMENT;

/// Percent-encode one path segment or query component.
pub fn encode_component(s: &str) -> String {
    utf8_percent_encode(s, SEGMENT).to_string()
}

/// What the request carries as its body.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Body {
    /// No body.
    #[default]
    Empty,
    /// A JSON document (already serialized).
    Json(Vec<u8>),
    /// The caller streams the body (file push, image upload); `content_type` is sent as given.
    Stream {
        /// Content-Type header of the streamed body.
        content_type: String,
    },
}

/// Which standard LXD query parameters a request accepts. The transport's client fills them in
/// from its own settings (`project`, `target`), so a builder never forgets them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Scope {
    /// The endpoint takes `project=`.
    pub project: bool,
    /// The endpoint takes `target=` (cluster member).
    pub target: bool,
}

impl Scope {
    /// Neither project nor target.
    pub const NONE: Scope = Scope { project: false, target: false };
    /// Project only.
    pub const PROJECT: Scope = Scope { project: true, target: false };
    /// Project and target.
    pub const BOTH: Scope = Scope { project: true, target: true };
}

/// One HTTP request to LXD, as plain data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    /// HTTP method.
    pub method: Method,
    /// Encoded path, starting with `/1.0`.
    pub path: String,
    /// Query pairs, not yet encoded (see [`Request::path_and_query`]).
    pub query: Vec<(String, String)>,
    /// Extra headers.
    pub headers: Vec<(String, String)>,
    /// Body.
    pub body: Body,
    /// Which standard parameters the endpoint accepts.
    pub scope: Scope,
}

impl Request {
    /// A request to `/1.0/<segments...>`; each segment is percent-encoded.
    pub fn new(method: Method, segments: &[&str]) -> Request {
        let mut path = String::from("/1.0");
        for s in segments {
            path.push('/');
            path.push_str(&encode_component(s));
        }
        Request { method, path, query: Vec::new(), headers: Vec::new(), body: Body::Empty, scope: Scope::PROJECT }
    }

    /// A request to an already encoded path as given (raw requests; must start with `/`).
    pub fn raw(method: Method, path_and_query: &str) -> Result<Request> {
        if !path_and_query.starts_with('/') {
            return Err(Error::invalid("path must start with '/'"));
        }
        if path_and_query.bytes().any(|b| b.is_ascii_control() || b == b' ') {
            return Err(Error::invalid("path contains spaces or control characters; encode it"));
        }
        let (path, query) = match path_and_query.split_once('?') {
            Some((p, q)) => (p, Some(q)),
            None => (path_and_query, None),
        };
        let mut r = Request { method, path: path.to_string(), query: Vec::new(), headers: Vec::new(), body: Body::Empty, scope: Scope::NONE };
        if let Some(q) = query {
            for pair in q.split('&').filter(|p| !p.is_empty()) {
                let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
                let k = percent_encoding::percent_decode_str(k).decode_utf8().map_err(|_| Error::invalid("query is not UTF-8"))?;
                let v = percent_encoding::percent_decode_str(v).decode_utf8().map_err(|_| Error::invalid("query is not UTF-8"))?;
                r.query.push((k.into_owned(), v.into_owned()));
            }
        }
        Ok(r)
    }

    /// GET `/1.0/<segments>`.
    pub fn get(segments: &[&str]) -> Request { Request::new(Method::GET, segments) }
    /// POST `/1.0/<segments>`.
    pub fn post(segments: &[&str]) -> Request { Request::new(Method::POST, segments) }
    /// PUT `/1.0/<segments>`.
    pub fn put(segments: &[&str]) -> Request { Request::new(Method::PUT, segments) }
    /// PATCH `/1.0/<segments>`.
    pub fn patch(segments: &[&str]) -> Request { Request::new(Method::PATCH, segments) }
    /// DELETE `/1.0/<segments>`.
    pub fn delete(segments: &[&str]) -> Request { Request::new(Method::DELETE, segments) }

    /// Add a query pair.
    pub fn query(mut self, key: &str, value: impl Into<String>) -> Request {
        self.query.push((key.to_string(), value.into()));
        self
    }
    /// Add a query pair when `value` is `Some`.
    pub fn query_opt(self, key: &str, value: Option<&str>) -> Request {
        match value {
            Some(v) => self.query(key, v),
            None => self,
        }
    }
    /// Add a header.
    pub fn header(mut self, name: &str, value: impl Into<String>) -> Request {
        self.headers.push((name.to_string(), value.into()));
        self
    }
    /// Set `If-Match` when an ETag is given (safe updates: a stale one gets 412).
    pub fn if_match(self, etag: Option<&str>) -> Request {
        match etag {
            Some(e) if !e.is_empty() => self.header("If-Match", e),
            _ => self,
        }
    }
    /// Set the scope.
    pub fn scope(mut self, scope: Scope) -> Request {
        self.scope = scope;
        self
    }
    /// A JSON body from a serializable value.
    pub fn json<T: serde::Serialize + ?Sized>(mut self, value: &T) -> Result<Request> {
        let bytes = serde_json::to_vec(value).map_err(|e| Error::invalid(format!("cannot serialize body: {e}")))?;
        self.body = Body::Json(bytes);
        Ok(self)
    }
    /// A JSON body from caller-supplied JSON text; it must parse as a JSON object.
    pub fn json_text(mut self, text: &str) -> Result<Request> {
        let v: serde_json::Value = serde_json::from_str(text).map_err(|e| Error::invalid(format!("body is not valid JSON: {e}")))?;
        if !v.is_object() {
            return Err(Error::invalid("body must be a JSON object"));
        }
        self.body = Body::Json(text.as_bytes().to_vec());
        Ok(self)
    }

    /// Fill in `project=` / `target=` when the endpoint accepts them and the caller has not set them.
    pub fn apply_scope(&mut self, project: Option<&str>, target: Option<&str>) {
        if self.scope.project {
            if let Some(p) = project {
                if !self.query.iter().any(|(k, _)| k == "project" || k == "all-projects") {
                    self.query.push(("project".into(), p.into()));
                }
            }
        }
        if self.scope.target {
            if let Some(t) = target {
                if !self.query.iter().any(|(k, _)| k == "target") {
                    self.query.push(("target".into(), t.into()));
                }
            }
        }
    }

    /// The path with its encoded query string, as sent on the wire.
    pub fn path_and_query(&self) -> String {
        let mut s = self.path.clone();
        for (i, (k, v)) in self.query.iter().enumerate() {
            s.push(if i == 0 { '?' } else { '&' });
            s.push_str(&utf8_percent_encode(k, QUERY).to_string());
            s.push('=');
            s.push_str(&utf8_percent_encode(v, QUERY).to_string());
        }
        s
    }

    /// The JSON body bytes, if any.
    pub fn body_bytes(&self) -> &[u8] {
        match &self.body {
            Body::Json(b) => b,
            _ => &[],
        }
    }

    /// The value of a header set on this request (case-insensitive).
    pub fn header_value(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }
}

/// Check a name that becomes one path segment (profiles, pools, networks, aliases, ...): not empty,
/// not `.` or `..`, no `/`, no control characters. Everything else is percent-encoded.
pub fn check_name(kind: &str, name: &str) -> Result<()> {
    if name.is_empty() {
        return Err(Error::invalid(format!("{kind} name is empty")));
    }
    if name == "." || name == ".." {
        return Err(Error::invalid(format!("{kind} name {name:?} is not allowed")));
    }
    if name.contains('/') {
        return Err(Error::invalid(format!("{kind} name {name:?} contains '/'")));
    }
    if name.chars().any(|c| c.is_control()) {
        return Err(Error::invalid(format!("{kind} name {name:?} contains control characters")));
    }
    Ok(())
}

/// Check an instance name: LXD instance names are hostnames (letters, digits, hyphens; at most 63
/// characters; not starting with a digit or hyphen, not ending with a hyphen).
pub fn check_instance_name(name: &str) -> Result<()> {
    check_name("instance", name)?;
    let ok = name.len() <= 63
        && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
        && !name.starts_with('-')
        && !name.ends_with('-')
        && !name.as_bytes()[0].is_ascii_digit();
    if ok {
        Ok(())
    } else {
        Err(Error::invalid(format!(
            "instance name {name:?} is not a valid hostname (letters, digits and '-', at most 63, not starting with a digit or '-')"
        )))
    }
}

/// Check a snapshot name: no spaces and no `/` (LXD refuses both), otherwise as [`check_name`].
pub fn check_snapshot_name(name: &str) -> Result<()> {
    check_name("snapshot", name)?;
    if name.contains(' ') {
        return Err(Error::invalid(format!("snapshot name {name:?} contains a space")));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn segments_are_encoded() {
        let r = Request::get(&["instances", "a b#c?d&e%f/ü"]);
        assert_eq!(r.path, "/1.0/instances/a%20b%23c%3Fd%26e%25f%2F%C3%BC");
    }

    #[test]
    fn query_is_encoded_and_scope_applied() {
        let mut r = Request::get(&["instances"]).query("recursion", "1").scope(Scope::BOTH);
        r.apply_scope(Some("my proj"), Some("m1"));
        assert_eq!(r.path_and_query(), "/1.0/instances?recursion=1&project=my%20proj&target=m1");
        let mut r2 = Request::get(&[]).scope(Scope::NONE);
        r2.apply_scope(Some("p"), Some("t"));
        assert_eq!(r2.path_and_query(), "/1.0");
    }

    #[test]
    fn raw_paths() {
        let r = Request::raw(Method::GET, "/1.0/instances?recursion=1&x=a%20b").unwrap();
        assert_eq!(r.path, "/1.0/instances");
        assert_eq!(r.query, vec![("recursion".into(), "1".into()), ("x".into(), "a b".into())]);
        assert!(Request::raw(Method::GET, "1.0").is_err());
        assert!(Request::raw(Method::GET, "/1.0/a b").is_err());
    }

    #[test]
    fn names() {
        assert!(check_instance_name("c1-abc").is_ok());
        for bad in ["", "a_b", "a.b", "-a", "a-", "1a", "a/b", "..", "a\u{1}"] {
            assert!(check_instance_name(bad).is_err(), "{bad:?}");
        }
        assert!(check_snapshot_name("snap.1-ü").is_ok());
        assert!(check_snapshot_name("a b").is_err());
        assert!(check_name("profile", "a/b").is_err());
        assert!(check_name("profile", "..").is_err());
    }

    #[test]
    fn json_text_must_be_object() {
        assert!(Request::post(&["x"]).json_text("[1]").is_err());
        assert!(Request::post(&["x"]).json_text("{").is_err());
        assert_eq!(Request::post(&["x"]).json_text("{\"a\":1}").unwrap().body_bytes(), b"{\"a\":1}");
    }
}
