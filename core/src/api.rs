//! Every LXD call as a value: the request it sends and how its reply is parsed.
//!
//! A [`Call<T>`] is built by a function in this module (`instances::get("c1")`), sent by any
//! transport, and finished with [`Call::parse`]. Calls that start background work parse to an
//! [`Operation`]; wait on it with [`crate::operation::WaitFlow`].

use crate::error::{Error, Result};
use crate::models::*;
use crate::operation::Operation;
use crate::request::{check_instance_name, check_name, check_snapshot_name, Request, Scope};
use crate::spec::Op;
use crate::response::{names_from_urls, parse_async, parse_empty, parse_sync, parse_sync_or_async, Response};
use serde::de::DeserializeOwned;
use serde_json::{json, Value};

// LXD's API, one module per REST resource (core/src/api/*.rs).
pub mod certificates;
pub mod cluster;
pub mod collections;

pub mod endpoint;
pub mod images;
pub mod instance_backups;
pub mod instance_console;
pub mod instance_logs;
pub mod instance_metadata;
pub mod instances;
pub mod metrics;
pub mod network_acls;
pub mod network_forwards;
pub mod network_integrations;
pub mod network_leases;
pub mod network_load_balancers;
pub mod network_peers;
pub mod network_zones;
pub mod networks;
pub mod operations;
pub mod profiles;
pub mod projects;
pub mod raw;
pub mod replies;
pub mod root;
pub mod server;
pub mod snapshots;
pub mod storage_buckets;
pub mod storage_pools;
pub mod storage_volumes;
pub mod trust;
pub mod warnings;

/// One LXD call: its request, and the parser for its reply.
pub struct Call<T> {
    /// The request to send.
    pub request: Request,
    parser: fn(&Response) -> Result<T>,
}

impl<T> std::fmt::Debug for Call<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Call").field("request", &self.request).finish()
    }
}

impl<T> Call<T> {
    /// A call from a request and a parser.
    pub fn new(request: Request, parser: fn(&Response) -> Result<T>) -> Call<T> {
        Call { request, parser }
    }
    /// Parse the reply to this call.
    pub fn parse(&self, resp: &Response) -> Result<T> {
        (self.parser)(resp)
    }
    /// The same call with another request tweak (headers, query).
    pub fn map_request(mut self, f: impl FnOnce(Request) -> Request) -> Call<T> {
        self.request = f(self.request);
        self
    }
}

/// What a call gives back when the server may answer with an object and its ETag.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct WithEtag<T> {
    /// The object.
    pub value: T,
    /// Its ETag, for a later `If-Match`.
    pub etag: Option<String>,
}

fn parse_with_etag<T: DeserializeOwned>(resp: &Response) -> Result<WithEtag<T>> {
    Ok(WithEtag { value: parse_sync(resp)?, etag: resp.etag().map(str::to_string) })
}

/// A reply's metadata as JSON text, as LXD sent it (checked against its model first, see
/// [`crate::check`]), and the reply's ETag: for callers that hand JSON on as text (the C ABI)
/// and would otherwise parse the model only to serialize it again.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JsonText {
    /// The metadata, LXD's bytes.
    pub json: String,
    /// The ETag, for a later `If-Match`.
    pub etag: Option<String>,
}

fn parse_json_with_etag<T: crate::check::CheckJson>(resp: &Response) -> Result<JsonText> {
    Ok(JsonText { json: crate::response::parse_sync_json::<T>(resp, None)?, etag: resp.etag().map(str::to_string) })
}

fn parse_list_json<T: crate::check::CheckJson>(resp: &Response) -> Result<JsonText> {
    // `null` is LXD's empty collection, as `parse_list` reads it.
    Ok(JsonText { json: crate::response::parse_sync_json::<Option<Vec<T>>>(resp, Some("[]"))?, etag: resp.etag().map(str::to_string) })
}

fn parse_names(resp: &Response) -> Result<Vec<String>> {
    let urls: Option<Vec<String>> = parse_sync(resp)?;
    names_from_urls(&urls.unwrap_or_default())
}

fn parse_list<T: DeserializeOwned>(resp: &Response) -> Result<Vec<T>> {
    let v: Option<Vec<T>> = parse_sync(resp)?;
    Ok(v.unwrap_or_default())
}

fn parse_exists(resp: &Response) -> Result<bool> {
    match parse_envelope_ok(resp) {
        Ok(()) => Ok(true),
        Err(Error::Api { status: 404, .. }) => Ok(false),
        Err(e) => Err(e),
    }
}

fn parse_envelope_ok(resp: &Response) -> Result<()> {
    crate::response::parse_sync_or_async(resp).map(|_| ())
}

fn parse_value(resp: &Response) -> Result<Value> {
    parse_sync(resp)
}

/// The spec's `operationId` of each verb of a [`Collection`] (see [`crate::spec`]): each request
/// takes its [`Scope`] from its own operation, so `project=` / `target=` go only where LXD's spec
/// lists them (`target` is a parameter of `POST /1.0/instances`, not of `GET /1.0/instances/{name}`).
/// `None` means LXD has no such call (network zones cannot be renamed): the verb is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CollectionOps {
    /// `GET` the collection (names; `recursion=1` and `=2` have the same parameters).
    pub list: Option<Op>,
    /// `POST` the collection.
    pub create: Option<Op>,
    /// `GET` one member.
    pub get: Option<Op>,
    /// `PUT` one member.
    pub put: Option<Op>,
    /// `PATCH` one member.
    pub patch: Option<Op>,
    /// `POST` one member (rename).
    pub rename: Option<Op>,
    /// `DELETE` one member.
    pub delete: Option<Op>,
}

/// A standard LXD collection (`/1.0/<segments>`) with list / get / create / put / patch / rename /
/// delete. The typed modules below are thin wrappers over it.
#[derive(Debug, Clone)]
pub struct Collection {
    kind: &'static str,
    segments: Vec<String>,
    scope: Scope,
    check: fn(&str) -> Result<()>,
    ops: Option<CollectionOps>,
    rename_field: &'static str,
}

fn check_any(_: &str) -> Result<()> {
    Ok(())
}

impl Collection {
    /// A collection at `/1.0/<segments>`; `kind` names it in errors.
    pub fn new(kind: &'static str, segments: &[&str], scope: Scope) -> Collection {
        Collection { kind, segments: segments.iter().map(|s| s.to_string()).collect(), scope, check: check_any, ops: None, rename_field: "name" }
    }
    /// Check member names with `check` too (on top of the generic segment checks).
    pub fn with_check(mut self, check: fn(&str) -> Result<()>) -> Collection {
        self.check = check;
        self
    }
    /// Take each verb's scope from its operation in [`crate::spec`] instead of one scope for all.
    pub fn with_ops(mut self, ops: CollectionOps) -> Collection {
        self.ops = Some(ops);
        self
    }
    /// The body field that carries the new name of a rename (`name`; cluster members: `server_name`).
    pub fn with_rename_field(mut self, field: &'static str) -> Collection {
        self.rename_field = field;
        self
    }
    /// The operations of this collection's verbs, when known.
    pub fn ops(&self) -> Option<&CollectionOps> {
        self.ops.as_ref()
    }
    /// The scope of one verb: from the spec when the operations are known, else the collection's.
    fn verb_scope(&self, op: fn(&CollectionOps) -> Option<Op>) -> Result<Scope> {
        match &self.ops {
            None => Ok(self.scope),
            Some(ops) => match op(ops) {
                None => Err(Error::invalid(format!("LXD has no such call for a {}", self.kind))),
                Some(op) => Ok(op.scope()),
            },
        }
    }
    fn verb_req(&self, method: crate::request::Method, extra: &[&str], op: fn(&CollectionOps) -> Option<Op>) -> Result<Request> {
        let scope = self.verb_scope(op)?;
        Ok(self.req(method, extra).scope(scope))
    }
    fn check(&self, name: &str) -> Result<()> {
        check_name(self.kind, name)?;
        (self.check)(name)
    }
    fn req(&self, method: crate::request::Method, extra: &[&str]) -> Request {
        let mut segs: Vec<&str> = self.segments.iter().map(String::as_str).collect();
        segs.extend_from_slice(extra);
        Request::new(method, &segs).scope(self.scope)
    }
    /// `GET` the collection with `recursion=0` (names).
    pub fn list_names(&self) -> Call<Vec<String>> {
        let scope = self.verb_scope(|o| o.list).unwrap_or(self.scope);
        Call::new(self.req(crate::request::Method::GET, &[]).scope(scope), parse_names)
    }
    /// `GET` the collection with `recursion=1` (or 2 where LXD supports it).
    pub fn list<T: DeserializeOwned>(&self, recursion: u8) -> Call<Vec<T>> {
        let scope = self.verb_scope(|o| o.list).unwrap_or(self.scope);
        Call::new(self.req(crate::request::Method::GET, &[]).scope(scope).query("recursion", recursion.clamp(1, 2).to_string()), parse_list::<T>)
    }
    /// As [`Collection::list`], the reply's JSON array as LXD sent it (each member checked as a
    /// `T`; `null` becomes `[]`).
    pub fn list_json<T: crate::check::CheckJson>(&self, recursion: u8) -> Call<JsonText> {
        let scope = self.verb_scope(|o| o.list).unwrap_or(self.scope);
        Call::new(self.req(crate::request::Method::GET, &[]).scope(scope).query("recursion", recursion.clamp(1, 2).to_string()), parse_list_json::<T>)
    }
    /// As [`Collection::get`], the member's JSON as LXD sent it (checked as a `T`), with its ETag.
    pub fn get_json<T: crate::check::CheckJson>(&self, name: &str) -> Result<Call<JsonText>> {
        self.check(name)?;
        Ok(Call::new(self.verb_req(crate::request::Method::GET, &[name], |o| o.get)?, parse_json_with_etag::<T>))
    }
    /// `GET` one member, with its ETag.
    pub fn get<T: DeserializeOwned>(&self, name: &str) -> Result<Call<WithEtag<T>>> {
        self.check(name)?;
        Ok(Call::new(self.verb_req(crate::request::Method::GET, &[name], |o| o.get)?, parse_with_etag::<T>))
    }
    /// `GET` one member and answer whether it exists (404 → false).
    pub fn exists(&self, name: &str) -> Result<Call<bool>> {
        self.check(name)?;
        Ok(Call::new(self.verb_req(crate::request::Method::GET, &[name], |o| o.get)?, parse_exists))
    }
    /// `POST` a new member from JSON text (sync create; LXD answers 201).
    pub fn create_sync(&self, body: &str) -> Result<Call<()>> {
        Ok(Call::new(self.verb_req(crate::request::Method::POST, &[], |o| o.create)?.json_text(body)?, parse_empty))
    }
    /// `POST` a new member from JSON text, starting an operation.
    pub fn create_async(&self, body: &str) -> Result<Call<Operation>> {
        Ok(Call::new(self.verb_req(crate::request::Method::POST, &[], |o| o.create)?.json_text(body)?, parse_async))
    }
    /// `PUT` (replace) a member; `etag` becomes `If-Match`. Some resources answer with an operation.
    pub fn put(&self, name: &str, body: &str, etag: Option<&str>) -> Result<Call<Option<Operation>>> {
        self.check(name)?;
        Ok(Call::new(self.verb_req(crate::request::Method::PUT, &[name], |o| o.put)?.json_text(body)?.if_match(etag), parse_sync_or_async))
    }
    /// `PATCH` (merge) a member; `etag` becomes `If-Match`.
    pub fn patch(&self, name: &str, body: &str, etag: Option<&str>) -> Result<Call<Option<Operation>>> {
        self.check(name)?;
        Ok(Call::new(self.verb_req(crate::request::Method::PATCH, &[name], |o| o.patch)?.json_text(body)?.if_match(etag), parse_sync_or_async))
    }
    /// `POST {"name": new}` to a member: rename (sync for most, an operation for instances).
    pub fn rename(&self, name: &str, new_name: &str) -> Result<Call<Option<Operation>>> {
        self.check(name)?;
        self.check(new_name)?;
        let mut body = serde_json::Map::new();
        body.insert(self.rename_field.to_string(), Value::from(new_name));
        Ok(Call::new(self.verb_req(crate::request::Method::POST, &[name], |o| o.rename)?.json(&body)?, parse_sync_or_async))
    }
    /// `DELETE` a member (sync for most, an operation for instances, snapshots and images).
    pub fn delete(&self, name: &str) -> Result<Call<Option<Operation>>> {
        self.check(name)?;
        Ok(Call::new(self.verb_req(crate::request::Method::DELETE, &[name], |o| o.delete)?, parse_sync_or_async))
    }
    /// `GET /…/<name>/<sub>` as raw JSON (state, resources).
    pub fn get_sub(&self, name: &str, sub: &str) -> Result<Call<Value>> {
        self.check(name)?;
        Ok(Call::new(self.req(crate::request::Method::GET, &[name, sub]), parse_value))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sync(meta: &str) -> Response {
        Response::new(200, vec![("ETag".into(), "\"e1\"".into())], format!(r#"{{"type":"sync","status_code":200,"metadata":{meta}}}"#).into_bytes())
    }
    fn async_op() -> Response {
        Response::new(202, vec![], br#"{"type":"async","status_code":100,"operation":"/1.0/operations/op1","metadata":{"id":"op1","status_code":103}}"#.to_vec())
    }
    fn err(status: u16) -> Response {
        Response::new(status, vec![], format!(r#"{{"type":"error","error":"nope","error_code":{status}}}"#).into_bytes())
    }

    #[test]
    fn instances_without_expanded_maps_are_read() {
        // Incus 6.0 omits expanded_config/expanded_devices when empty (`omitempty`), as in the
        // recursion=2 entry of an instance another client is creating or deleting; found by the
        // fresh-clone CI run against Incus. Both the typed and the pass-through read accept it.
        let mut bare = crate::models::full_instance(json!({"name":"c2"}));
        bare.as_object_mut().unwrap().retain(|k, _| k != "expanded_config" && k != "expanded_devices");
        let list = json!([crate::models::full_instance(json!({"name":"c1"})), bare.clone()]).to_string();
        let c = instances::collection();
        let typed = c.list::<Instance>(2).parse(&sync(&list)).unwrap();
        assert_eq!((typed[1].name.as_str(), typed[1].expanded_config.len()), ("c2", 0));
        let text = c.list_json::<Instance>(2).parse(&sync(&list)).unwrap();
        assert!(text.json.contains("\"c2\""), "{}", text.json);
        // A field both daemons always send stays required on either path.
        bare.as_object_mut().unwrap().remove("config");
        let broken = json!([bare]).to_string();
        assert!(c.list::<Instance>(2).parse(&sync(&broken)).is_err());
        assert!(c.list_json::<Instance>(2).parse(&sync(&broken)).is_err());
    }

    #[test]
    fn instance_requests() {
        let c = instances::collection();
        let l = c.list_names();
        assert_eq!((l.request.method.as_str(), l.request.path_and_query().as_str()), ("GET", "/1.0/instances"));
        assert_eq!(l.parse(&sync(r#"["/1.0/instances/a","/1.0/instances/b"]"#)).unwrap(), vec!["a", "b"]);
        let l2 = c.list::<Instance>(2);
        assert_eq!(l2.request.path_and_query(), "/1.0/instances?recursion=2");
        let g = c.get::<Instance>("c1").unwrap();
        let got = g.parse(&sync(&crate::models::full_instance(json!({"name":"c1","status":"Running"})).to_string())).unwrap();
        assert_eq!((got.value.name.as_str(), got.etag.as_deref()), ("c1", Some("\"e1\"")));
        assert!(c.get::<Instance>("bad_name").is_err());
        let e = c.exists("c1").unwrap();
        assert!(!e.parse(&err(404)).unwrap());
        assert!(e.parse(&sync("{}")).unwrap());
        assert!(e.parse(&err(500)).is_err());
        let cr = c.create_async(r#"{"name":"c1","source":{"type":"image","alias":"busybox"}}"#).unwrap();
        assert_eq!((cr.request.method.as_str(), cr.request.path.as_str()), ("POST", "/1.0/instances"));
        assert_eq!(cr.parse(&async_op()).unwrap().id, "op1");
        let put = c.put("c1", r#"{"config":{}}"#, Some("\"e1\"")).unwrap();
        assert_eq!(put.request.header_value("If-Match"), Some("\"e1\""));
        assert_eq!(put.request.method.as_str(), "PUT");
        assert!(put.parse(&err(412)).unwrap_err().http_status() == Some(412));
        let rn = c.rename("c1", "c2").unwrap();
        assert_eq!(rn.request.body_bytes(), br#"{"name":"c2"}"#);
        let st = instances::set_state("c1", "stop", 30, true, false).unwrap();
        assert_eq!(st.request.path, "/1.0/instances/c1/state");
        let body: Value = serde_json::from_slice(st.request.body_bytes()).unwrap();
        assert_eq!(body, json!({"action":"stop","timeout":30,"force":true,"stateful":false}));
        assert!(instances::set_state("c1", "explode", 0, false, false).is_err());
    }

    #[test]
    fn snapshot_and_image_requests() {
        let s = snapshots::collection("c1").unwrap();
        let g = s.get::<Snapshot>("snap.1 x");
        assert!(g.is_err(), "spaces refused");
        let g = s.get::<Snapshot>("snap.ü").unwrap();
        assert_eq!(g.request.path, "/1.0/instances/c1/snapshots/snap.%C3%BC");
        let r = snapshots::restore("c1", "s1", false).unwrap();
        assert_eq!(r.request.body_bytes(), br#"{"restore":"s1","stateful":false}"#);
        assert!(images::collection().get::<Image>("xyz").is_err());
        assert_eq!(images::aliases().get::<ImageAlias>("my alias").unwrap().request.path, "/1.0/images/aliases/my%20alias");
    }

    #[test]
    fn certificates_pem() {
        let pem = "-----BEGIN CERTIFICATE-----\nQUJD\nREVG\n-----END CERTIFICATE-----\n";
        assert_eq!(certificates::pem_to_base64_der(pem).unwrap(), "QUJDREVG");
        assert!(certificates::pem_to_base64_der("junk").is_err());
        let c = certificates::add(Some(pem), Some("n"), Some("pw"), "client").unwrap();
        let v: Value = serde_json::from_slice(c.request.body_bytes()).unwrap();
        assert_eq!(v, json!({"type":"client","certificate":"QUJDREVG","name":"n","password":"pw"}));
    }

    #[test]
    fn scopes_follow_the_spec() {
        // `target` only where LXD's spec lists it: creating an instance, not reading one.
        let c = instances::collection();
        assert_eq!(c.get::<Instance>("c1").unwrap().request.scope, Scope::PROJECT);
        assert_eq!(c.create_async("{}").unwrap().request.scope, Scope::BOTH);
        assert_eq!(c.delete("c1").unwrap().request.scope, Scope::PROJECT);
        let mut get = c.get::<Instance>("c1").unwrap().request;
        get.apply_scope(Some("p"), Some("m2"));
        assert_eq!(get.path_and_query(), "/1.0/instances/c1?project=p");
        let mut create = c.create_async("{}").unwrap().request;
        create.apply_scope(Some("p"), Some("m2"));
        assert_eq!(create.path_and_query(), "/1.0/instances?project=p&target=m2");
        assert_eq!(instances::state("c1").unwrap().request.scope, Scope::PROJECT);
        assert_eq!(instances::set_state("c1", "start", -1, false, false).unwrap().request.scope, Scope::PROJECT);
        assert_eq!(snapshots::create("c1", Some("s"), false).unwrap().request.scope, Scope::PROJECT);
        // The server: GET takes both, PUT/PATCH only target; certificates take neither.
        assert_eq!(server::get().request.scope, Scope::BOTH);
        assert_eq!(server::put("{}", None).unwrap().request.scope, Scope { project: false, target: true });
        assert_eq!(certificates::collection().list_names().request.scope, Scope::NONE);
        // Networks and pools: target on get/put/patch, not on delete or rename.
        let n = networks::collection();
        assert_eq!(n.get::<Network>("br0").unwrap().request.scope, Scope::BOTH);
        assert_eq!(n.delete("br0").unwrap().request.scope, Scope::PROJECT);
        assert_eq!(n.rename("br0", "br1").unwrap().request.scope, Scope::PROJECT);
        assert_eq!(storage_pools::collection().delete("p").unwrap().request.scope, Scope::PROJECT);
        assert!(storage_pools::collection().rename("p", "q").is_err(), "LXD cannot rename pools");
        assert_eq!(storage_pools::resources("p").unwrap().request.scope, Scope { project: false, target: true });
    }

    #[test]
    fn raw_replies() {
        let c = raw::request(crate::request::Method::GET, "/1.0/instances?recursion=1", None).unwrap();
        assert_eq!(c.request.path_and_query(), "/1.0/instances?recursion=1");
        assert_eq!(c.parse(&sync(r#"{"a":1}"#)).unwrap(), raw::Reply::Sync(json!({"a":1})));
        match c.parse(&async_op()).unwrap() {
            raw::Reply::Async(op) => assert_eq!(op.id, "op1"),
            other => panic!("{other:?}"),
        }
        assert_eq!(c.parse(&err(404)).unwrap_err().http_status(), Some(404));
        let bad = Response::new(200, vec![], b"{\"type\":\"sync\"".to_vec());
        assert!(matches!(c.parse(&bad), Err(Error::Protocol(_))));
        assert!(raw::request(crate::request::Method::POST, "/1.0/x", Some("{nope")).is_err());
    }

    #[test]
    fn networks_names() {
        assert!(networks::collection().get::<Network>("abcdefghijklmnop").is_err());
        assert!(networks::collection().get::<Network>("lxdbr0").is_ok());
    }
}
