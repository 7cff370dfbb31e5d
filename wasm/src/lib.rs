//! The sans-IO core for WebAssembly hosts (Node.js, browsers, any runtime) that bring their own
//! transport. No wasm-bindgen: a handful of plain exports over linear memory, JSON both ways.
//!
//! 1. `lxd_alloc(len)` → write a UTF-8 JSON command there.
//! 2. `lxd_request(ptr, len)` → packed `(ptr << 32) | len` of the request JSON
//!    `{"method","path","headers":[[k,v]...],"body":<string|null>}` (or `{"error":...}`).
//! 3. Send it with any HTTP stack; then `lxd_parse` with the same command plus
//!    `"response": {"status", "headers": [[k,v]...], "body": "<text>"}` → `{"ok": value}` or
//!    `{"error": {"kind", "status", "message"}}`.
//! 4. Free every returned buffer with `lxd_free(ptr, len)`.
//!
//! Commands: `{"call": "<resource>.<verb>", ...args}` with every resource of the registry
//! (`registry/resources.toml`: `instances`, `profiles`, `networks`, `storage_pools`, `images`,
//! `image_aliases`, `certificates`, `projects`, `network_acls`, `storage_volumes` (`pool`,
//! `volume_type`), ... see [`collections::RESOURCES`]; parents are string arguments named as in C)
//! and verbs `list` (`recursion`), `get`, `exists`, `create`, `update`, `patch`, `rename`, `delete`
//! (`name`, `new_name`, `body`, `etag`); plus `server.get`, `instances.state` (`name`), `instances.set_state`
//! (`name`, `action`, `timeout`, `force`), `instances.create_from_image` (`name`, `image` an alias or
//! `fingerprint:<hex>`, `type`, `options` as in C), `operations.get`, `operations.wait` (`id`, `timeout`),
//! `operations.list`.

pub mod collections;

use lxd_core::api::{self, Call, Collection};
use lxd_core::{operation, Error, Operation, Request, Response};
use serde_json::{json, Value};

type Parser = Box<dyn Fn(&Response) -> Result<Value, Error>>;

fn to_value<T: serde::Serialize>(v: T) -> Result<Value, Error> {
    serde_json::to_value(v).map_err(|e| Error::protocol(e.to_string()))
}

fn erase<T: serde::Serialize + 'static>(call: Call<T>) -> (Request, Parser) {
    let req = call.request.clone();
    (req, Box::new(move |r| call.parse(r).and_then(to_value)))
}

fn arg<'a>(cmd: &'a Value, key: &str) -> Result<&'a str, Error> {
    cmd.get(key).and_then(Value::as_str).ok_or_else(|| Error::invalid(format!("missing string argument {key:?}")))
}

fn body(cmd: &Value) -> Result<String, Error> {
    match cmd.get("body") {
        Some(Value::String(s)) => Ok(s.clone()),
        Some(v @ Value::Object(_)) => Ok(v.to_string()),
        _ => Err(Error::invalid("missing object argument \"body\"")),
    }
}

fn collection_call<T>(coll: Collection, verb: &str, cmd: &Value) -> Result<(Request, Parser), Error>
where
    T: serde::de::DeserializeOwned + serde::Serialize + 'static,
{
    let etag = cmd.get("etag").and_then(Value::as_str);
    Ok(match verb {
        "list" => match cmd.get("recursion").and_then(Value::as_u64).unwrap_or(0) {
            0 => erase(coll.list_names()),
            r => erase(coll.list::<T>(r.min(2) as u8)),
        },
        "get" => erase(coll.get::<T>(arg(cmd, "name")?)?),
        "exists" => erase(coll.exists(arg(cmd, "name")?)?),
        // Instances and images answer with an operation (`"async": true`); the others are sync (HTTP 201).
        "create" if cmd.get("async").and_then(Value::as_bool).unwrap_or(false) => erase(coll.create_async(&body(cmd)?)?),
        "create" => erase(coll.create_sync(&body(cmd)?)?),
        "update" => erase(coll.put(arg(cmd, "name")?, &body(cmd)?, etag)?),
        "patch" => erase(coll.patch(arg(cmd, "name")?, &body(cmd)?, etag)?),
        "rename" => erase(coll.rename(arg(cmd, "name")?, arg(cmd, "new_name")?)?),
        "delete" => erase(coll.delete(arg(cmd, "name")?)?),
        other => return Err(Error::invalid(format!("unknown verb {other:?}"))),
    })
}

/// Build the call a command names.
fn build(cmd: &Value) -> Result<(Request, Parser), Error> {
    let call = arg(cmd, "call")?;
    let (resource, verb) = call.split_once('.').ok_or_else(|| Error::invalid(format!("call {call:?} is not <resource>.<verb>")))?;
    match (resource, verb) {
        ("server", "get") => Ok(erase(api::server::get())),
        ("instances", "state") => Ok(erase(api::instances::state(arg(cmd, "name")?)?)),
        ("instances", "set_state") => {
            let timeout = cmd.get("timeout").and_then(Value::as_i64).unwrap_or(-1) as i32;
            let force = cmd.get("force").and_then(Value::as_bool).unwrap_or(false);
            Ok(erase(api::instances::set_state(arg(cmd, "name")?, arg(cmd, "action")?, timeout, force, false)?))
        }
        ("instances", "create_from_image") => {
            let opts = match cmd.get("options") {
                None | Some(Value::Null) => None,
                Some(v) => Some(v.to_string()),
            };
            let spec = api::instances::InstanceCreate::from_image(arg(cmd, "name")?, cmd.get("type").and_then(Value::as_str), arg(cmd, "image")?, opts.as_deref())?;
            Ok(erase(api::instances::create(&spec)?))
        }
        ("operations", "get") => Ok(erase(Call::new(operation::get(arg(cmd, "id")?)?, Operation::parse))),
        ("operations", "wait") => {
            let t = cmd.get("timeout").and_then(Value::as_i64).unwrap_or(-1);
            let req = operation::wait(arg(cmd, "id")?, t)?;
            // A finished operation that failed is an error, as everywhere else.
            Ok((req, Box::new(|r| Operation::parse(r).and_then(|op| if op.is_final() { op.into_result() } else { Ok(op) }).and_then(to_value))))
        }
        ("operations", "list") => Ok(erase(Call::new(operation::list(), operation::parse_list))),
        (id, v) => collections::build(id, v, cmd).unwrap_or_else(|| Err(Error::invalid(format!("unknown call {call:?}")))),
    }
}

fn error_json(e: &Error) -> Value {
    let (kind, status) = match e {
        Error::InvalidArgument(_) => ("invalid_argument", 0),
        Error::Api { status, .. } => ("api", *status),
        Error::OperationFailed { status_code, .. } => ("operation_failed", *status_code),
        Error::Protocol(_) => ("protocol", 0),
    };
    json!({ "error": { "kind": kind, "status": status, "message": e.to_string() } })
}

/// Command JSON → request JSON (or an error object).
pub fn request_json(cmd: &str) -> String {
    let result = serde_json::from_str::<Value>(cmd).map_err(|e| Error::invalid(format!("command is not JSON: {e}"))).and_then(|cmd| {
        let (mut req, _) = build(&cmd)?;
        if let Some(p) = cmd.get("project").and_then(Value::as_str) {
            req.apply_scope(Some(p), None);
        }
        let body = if req.body_bytes().is_empty() { Value::Null } else { Value::String(String::from_utf8_lossy(req.body_bytes()).into_owned()) };
        let mut headers: Vec<(String, String)> = req.headers.clone();
        if !req.body_bytes().is_empty() {
            headers.push(("Content-Type".into(), "application/json".into()));
        }
        Ok(json!({ "method": req.method.as_str(), "path": req.path_and_query(), "headers": headers, "body": body }))
    });
    match result {
        Ok(v) => v.to_string(),
        Err(e) => error_json(&e).to_string(),
    }
}

/// Command JSON with `"response"` → `{"ok": value}` or an error object.
pub fn parse_json(cmd: &str) -> String {
    let result = serde_json::from_str::<Value>(cmd).map_err(|e| Error::invalid(format!("command is not JSON: {e}"))).and_then(|cmd| {
        let (_, parser) = build(&cmd)?;
        let r = cmd.get("response").ok_or_else(|| Error::invalid("missing \"response\""))?;
        let status = r.get("status").and_then(Value::as_u64).ok_or_else(|| Error::invalid("response.status missing"))? as u16;
        let headers = r
            .get("headers")
            .and_then(Value::as_array)
            .map(|hs| hs.iter().filter_map(|h| Some((h.get(0)?.as_str()?.to_string(), h.get(1)?.as_str()?.to_string()))).collect())
            .unwrap_or_default();
        let body = r.get("body").and_then(Value::as_str).unwrap_or("").as_bytes().to_vec();
        parser(&Response::new(status, headers, body))
    });
    match result {
        Ok(v) => json!({ "ok": v }).to_string(),
        Err(e) => error_json(&e).to_string(),
    }
}

fn out(s: String) -> u64 {
    let mut b = s.into_bytes().into_boxed_slice();
    let len = b.len() as u64;
    let ptr = b.as_mut_ptr() as usize as u64;
    std::mem::forget(b);
    (ptr << 32) | len
}

fn input<'a>(ptr: *const u8, len: usize) -> &'a str {
    if ptr.is_null() {
        return "";
    }
    // SAFETY: the host wrote `len` bytes at `ptr`, memory it got from `lxd_alloc`.
    let bytes = unsafe { std::slice::from_raw_parts(ptr, len) };
    std::str::from_utf8(bytes).unwrap_or("")
}

/// Allocate `len` bytes for the host to write a command into.
#[no_mangle]
pub extern "C" fn lxd_alloc(len: usize) -> *mut u8 {
    let mut b = vec![0u8; len].into_boxed_slice();
    let p = b.as_mut_ptr();
    std::mem::forget(b);
    p
}

/// Free a buffer from `lxd_alloc` or a result.
///
/// # Safety
/// `ptr`/`len` must come from this module.
#[no_mangle]
pub unsafe extern "C" fn lxd_free(ptr: *mut u8, len: usize) {
    if !ptr.is_null() {
        // SAFETY: allocated above as a boxed slice of `len` bytes.
        drop(unsafe { Box::from_raw(std::ptr::slice_from_raw_parts_mut(ptr, len)) });
    }
}

/// Build the request for a command; returns `(ptr << 32) | len` of the JSON.
#[no_mangle]
pub extern "C" fn lxd_request(ptr: *const u8, len: usize) -> u64 {
    out(request_json(input(ptr, len)))
}

/// Parse a reply for a command; returns `(ptr << 32) | len` of the JSON.
#[no_mangle]
pub extern "C" fn lxd_parse(ptr: *const u8, len: usize) -> u64 {
    out(parse_json(input(ptr, len)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_and_parse() {
        let r: Value = serde_json::from_str(&request_json(r#"{"call":"instances.list","recursion":1,"project":"p"}"#)).unwrap();
        assert_eq!(r["path"], "/1.0/instances?recursion=1&project=p");
        // An instance as LXD 5.0.2 sends it (a listing of instances without their fields is refused).
        let inst = r#"{"architecture":"x86_64","config":{},"devices":{},"ephemeral":false,"profiles":[],"stateful":false,"description":"","created_at":"","expanded_config":{},"expanded_devices":{},"name":"c1","status":"Running","status_code":103,"last_used_at":"","location":"none","type":"container","project":"p"}"#;
        let body = format!(r#"{{"type":"sync","metadata":[{inst}]}}"#);
        let input = serde_json::json!({"call":"instances.list","recursion":1,"response":{"status":200,"headers":[],"body":body}}).to_string();
        let p: Value = serde_json::from_str(&parse_json(&input)).unwrap();
        assert_eq!(p["ok"][0]["name"], "c1");
        let input = serde_json::json!({"call":"instances.list","recursion":1,"response":{"status":200,"headers":[],"body":r#"{"type":"sync","metadata":[{"name":"c1"}]}"#}}).to_string();
        let p: Value = serde_json::from_str(&parse_json(&input)).unwrap();
        assert_eq!(p["error"]["kind"], "protocol", "{p}");
        let e: Value = serde_json::from_str(&request_json(r#"{"call":"instances.get","name":"bad_name"}"#)).unwrap();
        assert_eq!(e["error"]["kind"], "invalid_argument");
        let e: Value = serde_json::from_str(&request_json("not json")).unwrap();
        assert_eq!(e["error"]["kind"], "invalid_argument");
    }

    #[test]
    fn every_registry_resource_dispatches() {
        // Each resource of the registry answers a list with its path, parents taken from the command.
        for id in collections::RESOURCES {
            let cmd = json!({"call": format!("{id}.list"), "pool": "default", "volume_type": "custom", "volume": "v1",
                             "instance": "c1", "network": "br0", "zone": "z.example", "bucket": "b1"});
            let r: Value = serde_json::from_str(&request_json(&cmd.to_string())).unwrap();
            assert!(r["path"].as_str().is_some_and(|p| p.starts_with("/1.0/")), "{id}: {r}");
        }
        let r: Value = serde_json::from_str(&request_json(r#"{"call":"storage_volume_snapshots.get","pool":"default","volume_type":"custom","volume":"v1","name":"s1"}"#)).unwrap();
        assert_eq!(r["path"], "/1.0/storage-pools/default/volumes/custom/v1/snapshots/s1");
        let e: Value = serde_json::from_str(&request_json(r#"{"call":"storage_volumes.list","pool":"default"}"#)).unwrap();
        assert_eq!(e["error"]["kind"], "invalid_argument", "a missing parent is refused");
        let r: Value = serde_json::from_str(&request_json(r#"{"call":"instances.create_from_image","name":"c1","image":"busybox","options":{"ephemeral":true}}"#)).unwrap();
        let body: Value = serde_json::from_str(r["body"].as_str().unwrap()).unwrap();
        assert_eq!((body["source"]["alias"].as_str(), body["ephemeral"].as_bool()), (Some("busybox"), Some(true)));
        let e: Value = serde_json::from_str(&request_json(r#"{"call":"nothing.list"}"#)).unwrap();
        assert_eq!(e["error"]["kind"], "invalid_argument");
    }
}
