//! Events: `GET /1.0/events` (a websocket of JSON text messages), sans-IO.
//!
//! LXD answers an unknown type with 400 before the upgrade; the types are checked here first, so
//! a typo is an [`Error::InvalidArgument`] and nothing is sent. Logging events need an admin
//! client. Lifecycle events carry `metadata.action` (`instance-started`, ...) and
//! `metadata.source` (the object's URL).
//!
//! ```
//! use lxd_core::events;
//! let mut r = events::listen(&["lifecycle", "operation"], false).unwrap();
//! r.apply_scope(Some("p1"), None);
//! assert_eq!(r.path_and_query(), "/1.0/events?type=lifecycle%2Coperation&project=p1");
//! ```

use serde_json::Value;

use crate::error::{Error, Result};
use crate::models::Event;
use crate::request::{Request, Scope};

/// The event types LXD 5.0 knows.
pub const TYPES: [&str; 3] = ["lifecycle", "operation", "logging"];

/// Largest event message accepted (a bigger one is a malformed reply).
pub const MAX_EVENT_BYTES: usize = 16 * 1024 * 1024;

/// Check event type names: each one of [`TYPES`], no duplicates.
pub fn check_types(types: &[&str]) -> Result<()> {
    for (i, t) in types.iter().enumerate() {
        if !TYPES.contains(t) {
            return Err(Error::invalid(format!("unknown event type {t:?} (known: lifecycle, operation, logging)")));
        }
        if types[..i].contains(t) {
            return Err(Error::invalid(format!("event type {t:?} given twice")));
        }
    }
    Ok(())
}

/// Split a comma-separated type list (`"lifecycle,operation"`; empty or blank: all types) and check it.
pub fn parse_type_list(list: &str) -> Result<Vec<&str>> {
    let list = list.trim();
    if list.is_empty() {
        return Ok(Vec::new());
    }
    let types: Vec<&str> = list.split(',').map(str::trim).collect();
    check_types(&types)?;
    Ok(types)
}

/// `GET /1.0/events?type=<types>` (no `type=` when `types` is empty: every type), for the
/// client's project, or with `all-projects=true` for every project.
pub fn listen(types: &[&str], all_projects: bool) -> Result<Request> {
    check_types(types)?;
    let mut r = Request::get(&["events"]).scope(Scope::PROJECT);
    if !types.is_empty() {
        r = r.query("type", types.join(","));
    }
    if all_projects {
        // `apply_scope` adds no `project=` when `all-projects` is present.
        r = r.query("all-projects", "true");
    }
    Ok(r)
}

/// Parse one event message (the text of one websocket message).
pub fn parse_event(bytes: &[u8]) -> Result<Event> {
    if bytes.len() > MAX_EVENT_BYTES {
        return Err(Error::protocol(format!("event message of {} bytes is larger than {MAX_EVENT_BYTES}", bytes.len())));
    }
    let v: Value = serde_json::from_slice(bytes).map_err(|e| Error::protocol(format!("event is not JSON: {e}")))?;
    if !v.is_object() {
        return Err(Error::protocol("event is not a JSON object"));
    }
    let ev: Event = serde_json::from_value(v).map_err(|e| Error::protocol(format!("event does not match LXD's schema: {e}")))?;
    if ev.kind.is_empty() {
        return Err(Error::protocol("event without a type"));
    }
    Ok(ev)
}

/// A lifecycle event's action and source (`("instance-started", "/1.0/instances/c1")`); None
/// for other types.
pub fn lifecycle(ev: &Event) -> Option<(&str, &str)> {
    if ev.kind != "lifecycle" {
        return None;
    }
    let action = ev.metadata.get("action")?.as_str()?;
    let source = ev.metadata.get("source").and_then(Value::as_str).unwrap_or("");
    Some((action, source))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requests() {
        let mut r = listen(&["lifecycle"], false).unwrap();
        r.apply_scope(Some("default"), Some("m1"));
        assert_eq!((r.method.as_str(), r.path_and_query().as_str()), ("GET", "/1.0/events?type=lifecycle&project=default"));
        let mut all = listen(&["lifecycle", "operation", "logging"], true).unwrap();
        all.apply_scope(Some("p1"), None);
        assert_eq!(all.path_and_query(), "/1.0/events?type=lifecycle%2Coperation%2Clogging&all-projects=true");
        let mut any = listen(&[], false).unwrap();
        any.apply_scope(None, None);
        assert_eq!(any.path_and_query(), "/1.0/events");
    }

    #[test]
    fn bad_types() {
        for bad in [&["Lifecycle"][..], &["lifecycle", "lifecycle"], &[""], &["lifecycle,operation"], &["bogus"]] {
            assert!(matches!(listen(bad, false), Err(Error::InvalidArgument(_))), "{bad:?}");
        }
        assert_eq!(parse_type_list(" lifecycle , logging ").unwrap(), vec!["lifecycle", "logging"]);
        assert!(parse_type_list("").unwrap().is_empty());
        assert!(parse_type_list("lifecycle,").is_err());
        assert!(parse_type_list("nope").is_err());
    }

    #[test]
    fn parse() {
        let text = br#"{"type":"lifecycle","timestamp":"2024-01-01T00:00:00Z","location":"none","project":"default",
            "metadata":{"action":"instance-started","source":"/1.0/instances/c1","context":{},"requestor":{"username":"root","protocol":"unix"}},"new":1}"#;
        let ev = parse_event(text).unwrap();
        assert_eq!((ev.kind.as_str(), ev.project.as_str()), ("lifecycle", "default"));
        assert_eq!(lifecycle(&ev), Some(("instance-started", "/1.0/instances/c1")));
        assert_eq!(ev.extra.get("new"), Some(&Value::from(1)));
        let op = parse_event(br#"{"type":"operation","metadata":{"id":"x","status_code":103}}"#).unwrap();
        assert_eq!(lifecycle(&op), None);
        for bad in [&b""[..], b"{", b"[]", b"null", b"{}", br#"{"type":5}"#, br#"{"type":""}"#] {
            assert!(matches!(parse_event(bad), Err(Error::Protocol(_))), "{:?}", String::from_utf8_lossy(bad));
        }
    }
}
