//! `/1.0/instances`: the collection, state, and more.
//!
//! Instances beyond the collection: typed creation (container or virtual machine), lists filtered
//! by type, filter and project, the bulk state change, the full view (`?recursion=1`), moves
//! between cluster members, backup imports and the SFTP upgrade.

use super::*;

pub use super::collections::instances as collection;

use crate::operation::Operation;
use crate::request::{check_instance_name, check_name, Body, Request};
use crate::response::parse_async;
use serde::de::DeserializeOwned;
use serde_json::{json, Map, Value};

/// `PUT /1.0/instances/<name>/state`: start, stop, restart, freeze or unfreeze.
pub fn set_state(name: &str, action: &str, timeout_secs: i32, force: bool, stateful: bool) -> Result<Call<Operation>> {
    check_instance_name(name)?;
    if !matches!(action, "start" | "stop" | "restart" | "freeze" | "unfreeze") {
        return Err(Error::invalid(format!("unknown state action {action:?} (start, stop, restart, freeze, unfreeze)")));
    }
    let body = json!({ "action": action, "timeout": timeout_secs, "force": force, "stateful": stateful });
    Ok(Call::new(Request::put(&["instances", name, "state"]).scope(Op::InstanceStatePut.scope()).json(&body)?, parse_async))
}
/// `GET /1.0/instances/<name>/state`.
pub fn state(name: &str) -> Result<Call<InstanceState>> {
    check_instance_name(name)?;
    Ok(Call::new(Request::get(&["instances", name, "state"]).scope(Op::InstanceStateGet.scope()), parse_sync::<InstanceState>))
}

/// What kind of instance.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InstanceType {
    /// A system container.
    Container,
    /// A virtual machine (needs KVM on the server).
    VirtualMachine,
}

impl InstanceType {
    /// LXD's word: `container` or `virtual-machine`.
    pub fn as_str(self) -> &'static str {
        match self {
            InstanceType::Container => "container",
            InstanceType::VirtualMachine => "virtual-machine",
        }
    }
    /// From LXD's word (`vm` is accepted too).
    pub fn parse(s: &str) -> Result<InstanceType> {
        match s {
            "container" => Ok(InstanceType::Container),
            "virtual-machine" | "vm" => Ok(InstanceType::VirtualMachine),
            other => Err(Error::invalid(format!("unknown instance type {other:?} (container, virtual-machine)"))),
        }
    }
}

/// Options of an instance list.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ListOptions {
    /// Only this type (`instance-type=`, as LXD's own client sends it); `None`: both.
    pub instance_type: Option<InstanceType>,
    /// LXD's collection filter (`status eq Running`); `None`: no filter.
    pub filter: Option<String>,
    /// Every project (`all-projects=true`) instead of the client's project.
    pub all_projects: bool,
}

fn list_request(op: Op, opts: &ListOptions) -> Request {
    let mut r = super::endpoint::get(op, &["instances"]);
    if let Some(t) = opts.instance_type {
        r = r.query("instance-type", t.as_str());
    }
    r = r.query_opt("filter", opts.filter.as_deref());
    if opts.all_projects {
        r = r.query("all-projects", "true");
    }
    r
}

/// `GET /1.0/instances` with options (names). With `all_projects`, names from several projects
/// may repeat; use [`list`] to see each one's project.
pub fn list_names(opts: &ListOptions) -> Call<Vec<String>> {
    Call::new(list_request(Op::InstancesGet, opts), parse_names)
}

/// `GET /1.0/instances?recursion=1|2` with options (objects; 2 adds state, snapshots, backups).
pub fn list<T: DeserializeOwned>(recursion: u8, opts: &ListOptions) -> Call<Vec<T>> {
    let op = if recursion >= 2 { Op::InstancesGetRecursion2 } else { Op::InstancesGetRecursion1 };
    Call::new(list_request(op, opts).query("recursion", if recursion >= 2 { "2" } else { "1" }), parse_list::<T>)
}

/// Where a new instance's root filesystem comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// A local image by alias.
    ImageAlias(String),
    /// A local image by fingerprint (or a unique prefix).
    ImageFingerprint(String),
    /// Nothing (an empty instance; VMs install from an ISO, containers get an empty rootfs).
    None,
    /// A copy of a local instance or snapshot (`c1` or `c1/snap0`).
    Copy(String),
}

/// A typed `POST /1.0/instances` body (`InstancesPost`): the common fields, plus any others as
/// JSON in `extra` (they win over nothing: a key set here cannot be overridden there).
#[derive(Debug, Clone, PartialEq)]
pub struct InstanceCreate {
    /// Name (a hostname).
    pub name: String,
    /// Container or virtual machine (`type` in the body).
    pub instance_type: InstanceType,
    /// The root filesystem's source.
    pub source: Source,
    /// Profiles, in order (`None`: LXD's default profile).
    pub profiles: Option<Vec<String>>,
    /// Instance configuration.
    pub config: Map<String, Value>,
    /// Instance devices.
    pub devices: Map<String, Value>,
    /// Deleted when stopped.
    pub ephemeral: bool,
    /// More `InstancesPost` fields (`description`, `architecture`, `instance_type`, ...).
    pub extra: Map<String, Value>,
}

impl InstanceCreate {
    /// A container from a local image alias, with LXD's defaults.
    pub fn container(name: &str, image_alias: &str) -> InstanceCreate {
        InstanceCreate {
            name: name.to_string(),
            instance_type: InstanceType::Container,
            source: Source::ImageAlias(image_alias.to_string()),
            profiles: None,
            config: Map::new(),
            devices: Map::new(),
            ephemeral: false,
            extra: Map::new(),
        }
    }
    /// From the C ABI's words (and wasm's): `image` a local image alias or `"fingerprint:<hex>"`;
    /// `instance_type` `"container"`, `"virtual-machine"` or `None` (container); `options_json`
    /// more `InstancesPost` fields (`profiles`, `config`, `devices`, `ephemeral`, `description`,
    /// anything else kept as given). `name`, `type` and `source` in the options are refused: this
    /// call's arguments set them.
    pub fn from_image(name: &str, instance_type: Option<&str>, image: &str, options_json: Option<&str>) -> Result<InstanceCreate> {
        let mut spec = InstanceCreate::container(name, image);
        if let Some(fp) = image.strip_prefix("fingerprint:") {
            spec.source = Source::ImageFingerprint(fp.to_string());
        }
        if let Some(t) = instance_type {
            spec.instance_type = InstanceType::parse(t)?;
        }
        if let Some(opts) = options_json {
            let v: Map<String, Value> = serde_json::from_str(opts).map_err(|e| Error::invalid(format!("options_json is not a JSON object: {e}")))?;
            for (k, v) in v {
                match k.as_str() {
                    "profiles" => spec.profiles = Some(serde_json::from_value(v).map_err(|e| Error::invalid(format!("profiles: {e}")))?),
                    "config" => spec.config = serde_json::from_value(v).map_err(|e| Error::invalid(format!("config: {e}")))?,
                    "devices" => spec.devices = serde_json::from_value(v).map_err(|e| Error::invalid(format!("devices: {e}")))?,
                    "ephemeral" => spec.ephemeral = v.as_bool().ok_or_else(|| Error::invalid("ephemeral must be a boolean"))?,
                    "name" | "type" | "source" => return Err(Error::invalid(format!("option {k:?} is set by this call's arguments"))),
                    _ => {
                        spec.extra.insert(k, v);
                    }
                }
            }
        }
        Ok(spec)
    }
    /// The `InstancesPost` JSON.
    pub fn body(&self) -> Result<Value> {
        check_instance_name(&self.name)?;
        let source = match &self.source {
            Source::ImageAlias(a) => {
                check_name("image alias", a)?;
                json!({ "type": "image", "alias": a })
            }
            Source::ImageFingerprint(f) => {
                super::images::check_fingerprint(f)?;
                json!({ "type": "image", "fingerprint": f })
            }
            Source::None => json!({ "type": "none" }),
            Source::Copy(from) => {
                if from.is_empty() {
                    return Err(Error::invalid("copy source is empty"));
                }
                json!({ "type": "copy", "source": from })
            }
        };
        let mut body = Map::new();
        for (k, v) in &self.extra {
            body.insert(k.clone(), v.clone());
        }
        body.insert("name".into(), Value::from(self.name.as_str()));
        body.insert("type".into(), Value::from(self.instance_type.as_str()));
        body.insert("source".into(), source);
        if let Some(p) = &self.profiles {
            body.insert("profiles".into(), json!(p));
        }
        if !self.config.is_empty() {
            body.insert("config".into(), Value::Object(self.config.clone()));
        }
        if !self.devices.is_empty() {
            body.insert("devices".into(), Value::Object(self.devices.clone()));
        }
        body.insert("ephemeral".into(), Value::Bool(self.ephemeral));
        Ok(Value::Object(body))
    }
}

/// `POST /1.0/instances` from a typed [`InstanceCreate`] (an operation). The client's `target`
/// places it on a cluster member.
pub fn create(spec: &InstanceCreate) -> Result<Call<Operation>> {
    Ok(Call::new(super::endpoint::post(Op::InstancesPost, &["instances"]).json(&spec.body()?)?, parse_async))
}

/// `PUT /1.0/instances {"state": {...}}`: change the state of every instance of the project at
/// once (`action` start, stop, restart, freeze, unfreeze; an operation).
pub fn set_state_all(action: &str, timeout_secs: i32, force: bool, stateful: bool) -> Result<Call<Operation>> {
    if !matches!(action, "start" | "stop" | "restart" | "freeze" | "unfreeze") {
        return Err(Error::invalid(format!("unknown state action {action:?} (start, stop, restart, freeze, unfreeze)")));
    }
    let body = json!({ "state": { "action": action, "timeout": timeout_secs, "force": force, "stateful": stateful } });
    Ok(Call::new(super::endpoint::put(Op::InstancesPut, &["instances"]).json(&body)?, parse_async))
}

/// `GET /1.0/instances/<name>?recursion=1`: the instance with its `state`, `snapshots` and
/// `backups`, and its ETag.
pub fn get_full(name: &str) -> Result<Call<WithEtag<Value>>> {
    check_instance_name(name)?;
    Ok(Call::new(super::endpoint::get(Op::InstanceGetRecursion1, &["instances", name]).query("recursion", "1"), parse_with_etag::<Value>))
}

/// `POST /1.0/instances/<name>?target=<member> {"name", "migration": true}`: move a stopped
/// instance to another cluster member (an operation). `target` is explicit here: the spec does not
/// list it for `instance_post`, but LXD 5.0.2 reads it to pick the destination member.
pub fn move_to_member(name: &str, member: &str) -> Result<Call<Operation>> {
    check_instance_name(name)?;
    check_name("cluster member", member)?;
    let body = json!({ "name": name, "migration": true });
    let r = super::endpoint::post(Op::InstancePost, &["instances", name]).query("target", member).json(&body)?;
    Ok(Call::new(r, parse_async))
}

/// `POST /1.0/instances` with a backup tarball as the body (`Content-Type:
/// application/octet-stream`, streamed by the transport): create an instance from a backup
/// (an operation). `name` (`X-LXD-name`) renames it; `pool` (`X-LXD-pool`) picks its storage pool.
pub fn import_backup(name: Option<&str>, pool: Option<&str>) -> Result<Call<Operation>> {
    let mut r = super::endpoint::post(Op::InstancesPost, &["instances"]);
    if let Some(n) = name {
        check_instance_name(n)?;
        r = r.header("X-LXD-name", n);
    }
    if let Some(p) = pool {
        check_name("storage pool", p)?;
        r = r.header("X-LXD-pool", p);
    }
    r.body = Body::Stream { content_type: "application/octet-stream".into() };
    Ok(Call::new(r, parse_async))
}

/// `GET /1.0/instances/<name>/sftp` with `Connection: Upgrade`, `Upgrade: sftp`: LXD answers 101
/// and the connection then carries SFTP to the instance's filesystem (the transport hands the raw
/// connection to an SFTP client).
pub fn sftp(name: &str) -> Result<Request> {
    check_instance_name(name)?;
    Ok(super::endpoint::get(Op::InstanceSftp, &["instances", name, "sftp"]).header("Connection", "Upgrade").header("Upgrade", "sftp"))
}

/// `POST /1.0/instances/<name>/rebuild` (Incus 6.0 only; an operation): replace the instance's
/// root file system, keeping its configuration. `body` is Incus's `InstanceRebuildPost` (JSON
/// text): `{"source": {"type": "image", "alias": "..."}}` (or `"fingerprint"`, `"server"`,
/// `"protocol"` as for a creation) or `{"source": {"type": "none"}}` for an empty root. The
/// instance must be stopped.
pub fn rebuild(name: &str, body: &str) -> Result<Call<Operation>> {
    check_instance_name(name)?;
    Ok(Call::new(super::endpoint::post(Op::InstanceRebuildPost, &["instances", name, "rebuild"]).json_text(body)?, parse_async))
}

/// `GET /1.0/instances/<name>/access` (Incus 6.0 only): who may reach the instance, a JSON array
/// of `{"identifier", "role", "provider"}`.
pub fn access(name: &str) -> Result<Call<Value>> {
    check_instance_name(name)?;
    Ok(Call::new(super::endpoint::get(Op::InstanceAccess, &["instances", name, "access"]), parse_sync::<Value>))
}

/// `GET /1.0/instances/<name>/debug/memory?format=<format>` (Incus 6.0 only; virtual machines):
/// a dump of the running VM's memory (the reply body is the file: stream it). `format` is QEMU's
/// dump format (`elf`, the default when `None`, `win-dmp`, `kdump-zlib`, `kdump-lzo`,
/// `kdump-snappy`).
pub fn debug_memory(name: &str, format: Option<&str>) -> Result<Request> {
    check_instance_name(name)?;
    if let Some(f) = format {
        check_name("memory dump format", f)?;
    }
    Ok(super::endpoint::get(Op::InstanceDebugMemoryGet, &["instances", name, "debug", "memory"]).query_opt("format", format))
}

#[cfg(test)]
mod tests {
    #[test]
    fn create_from_image_options() {
        let s = InstanceCreate::from_image("c1", Some("virtual-machine"), "fingerprint:abcd", Some(r#"{"profiles":["default"],"config":{"limits.cpu":"1"},"ephemeral":true,"description":"d"}"#)).unwrap();
        let body = s.body().unwrap();
        assert_eq!(body["type"], "virtual-machine");
        assert_eq!(body["source"], json!({"type": "image", "fingerprint": "abcd"}));
        assert_eq!(body["profiles"], json!(["default"]));
        assert_eq!(body["config"]["limits.cpu"], "1");
        assert_eq!(body["ephemeral"], true);
        assert_eq!(body["description"], "d");
        let plain = InstanceCreate::from_image("c2", None, "busybox", None).unwrap().body().unwrap();
        assert_eq!((plain["type"].as_str(), plain["source"]["alias"].as_str()), (Some("container"), Some("busybox")));
        for bad in [r#"{"name":"x"}"#, r#"{"source":{}}"#, r#"{"ephemeral":"yes"}"#, "[1]", "{"] {
            assert!(InstanceCreate::from_image("c3", None, "busybox", Some(bad)).is_err(), "{bad}");
        }
        assert!(InstanceCreate::from_image("c3", Some("pod"), "busybox", None).is_err());
    }

    use super::*;

    #[test]
    fn typed_create_and_lists() {
        let mut spec = InstanceCreate::container("v1", "busybox");
        spec.instance_type = InstanceType::VirtualMachine;
        spec.config.insert("limits.cpu".into(), Value::from("1"));
        spec.extra.insert("description".into(), Value::from("d"));
        spec.extra.insert("type".into(), Value::from("container")); // overridden by the typed field
        let c = create(&spec).unwrap();
        let v: Value = serde_json::from_slice(c.request.body_bytes()).unwrap();
        assert_eq!(v, json!({"name":"v1","type":"virtual-machine","source":{"type":"image","alias":"busybox"},"config":{"limits.cpu":"1"},"ephemeral":false,"description":"d"}));
        assert_eq!(c.request.scope, crate::request::Scope::BOTH);
        spec.name = "bad_name".into();
        assert!(create(&spec).is_err());
        let opts = ListOptions { instance_type: Some(InstanceType::VirtualMachine), filter: Some("status eq Running".into()), all_projects: true };
        assert_eq!(list_names(&opts).request.path_and_query(), "/1.0/instances?instance-type=virtual-machine&filter=status%20eq%20Running&all-projects=true");
        assert_eq!(list::<Value>(2, &ListOptions::default()).request.path_and_query(), "/1.0/instances?recursion=2");
        assert_eq!(InstanceType::parse("vm").unwrap(), InstanceType::VirtualMachine);
        assert!(InstanceType::parse("jail").is_err());
    }

    #[test]
    fn bulk_move_import_sftp() {
        let b = set_state_all("stop", 5, true, false).unwrap();
        assert_eq!((b.request.method.as_str(), b.request.path.as_str()), ("PUT", "/1.0/instances"));
        assert!(set_state_all("nap", 0, false, false).is_err());
        let m = move_to_member("c1", "member3").unwrap();
        let mut req = m.request.clone();
        req.apply_scope(Some("p"), Some("other"));
        assert_eq!(req.path_and_query(), "/1.0/instances/c1?target=member3&project=p");
        let i = import_backup(Some("c2"), Some("default")).unwrap();
        assert_eq!(i.request.header_value("X-LXD-name"), Some("c2"));
        assert_eq!(i.request.body, Body::Stream { content_type: "application/octet-stream".into() });
        let s = sftp("c1").unwrap();
        assert_eq!(s.header_value("Upgrade"), Some("sftp"));
        assert_eq!(s.scope, crate::request::Scope::NONE);
    }
}
