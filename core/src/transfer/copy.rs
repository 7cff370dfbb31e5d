//! Instances: copy within one server, and the requests of a migration between two.

use crate::spec::Op;
use crate::api::Call;
use crate::error::{Error, Result};
use crate::models::{Instance, Server};
use crate::operation::Operation;
use crate::request::{check_instance_name, check_snapshot_name, Request, Scope};
use crate::response::parse_async;
use serde_json::{json, Map, Value};
use super::options::*;

/// Options of an instance copy or migration, from the caller's JSON. Control keys:
/// `instance_only` (leave snapshots behind), `live` (CRIU live migration), `source_url` (the
/// source's `https://host:port` as the target should reach it; default: the source client's URL,
/// else the first of the source's `environment.addresses`). Every other key overrides the
/// target's instance: `config` and `devices` merge key by key (a `null` value removes the key),
/// the rest (`profiles`, `ephemeral`, `description`, ...) replace.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CopyOptions {
    /// Copy without snapshots.
    pub instance_only: bool,
    /// Live migration (needs CRIU on both servers).
    pub live: bool,
    /// URL of the source as the target reaches it.
    pub source_url: Option<String>,
    /// Overrides of the target instance.
    pub overrides: Map<String, Value>,
}

impl CopyOptions {
    /// Parse the caller's JSON (NULL / empty: defaults).
    pub fn from_json(json: Option<&str>) -> Result<CopyOptions> {
        let mut m = parse_options(json, "copy options")?;
        let instance_only = take_bool(&mut m, "instance_only")?;
        let live = take_bool(&mut m, "live")?;
        let source_url = take_string(&mut m, "source_url")?;
        if let Some(u) = &source_url {
            if !u.starts_with("https://") {
                return Err(Error::invalid(format!("source_url {u:?} must start with https://")));
            }
        }
        for reserved in ["name", "source", "type"] {
            if m.contains_key(reserved) {
                return Err(Error::invalid(format!("option {reserved:?} is set by this call and cannot be given")));
            }
        }
        for k in ["config", "devices"] {
            if m.get(k).is_some_and(|v| !v.is_object()) {
                return Err(Error::invalid(format!("option {k:?} must be an object")));
            }
        }
        Ok(CopyOptions { instance_only, live, source_url, overrides: m })
    }

    fn apply(&self, body: &mut Map<String, Value>) {
        for (k, v) in &self.overrides {
            if k == "config" || k == "devices" {
                let entry = body.entry(k.clone()).or_insert_with(|| Value::Object(Map::new()));
                if !entry.is_object() {
                    *entry = Value::Object(Map::new());
                }
                if let (Value::Object(dst), Value::Object(src)) = (entry, v) {
                    for (ik, iv) in src {
                        if iv.is_null() {
                            dst.remove(ik);
                        } else {
                            dst.insert(ik.clone(), iv.clone());
                        }
                    }
                }
            } else {
                body.insert(k.clone(), v.clone());
            }
        }
    }
}

/// Split `"instance"` or `"instance/snapshot"` and check both names.
pub(super) fn check_copy_source(source: &str) -> Result<()> {
    match source.split_once('/') {
        Some((inst, snap)) => {
            check_instance_name(inst)?;
            check_snapshot_name(snap)
        }
        None => check_instance_name(source),
    }
}

/// `GET` the source of a local copy: `/1.0/instances/<name>`, or
/// `/1.0/instances/<name>/snapshots/<snapshot>` for `"name/snapshot"`. Its reply (parsed as an
/// [`Instance`]: a snapshot has the same writable fields) feeds [`copy_local`].
pub fn copy_local_source(source: &str) -> Result<Request> {
    check_copy_source(source)?;
    Ok(match source.split_once('/') {
        Some((inst, snap)) => Request::get(&["instances", inst, "snapshots", snap]).scope(Op::InstanceSnapshotGet.scope()),
        None => Request::get(&["instances", source]).scope(Op::InstanceGet.scope()),
    })
}

/// `POST /1.0/instances` with `source: {type: copy, source: <name or name/snapshot>}`: copy within
/// one server, as LXD's own client does: the body carries the source's writable fields (LXD 5.0.2
/// needs at least the profiles, or the copy has no root disk) minus its `volatile.*` state, with
/// the options' overrides. LXD fills in source config keys the request does not set. Snapshots come
/// along unless `instance_only`.
pub fn copy_local(source: &str, target: &str, opts: &CopyOptions, source_instance: &Instance) -> Result<Call<Operation>> {
    check_copy_source(source)?;
    if opts.live {
        return Err(Error::invalid("live does not apply to a copy within one server"));
    }
    let mut body = writable_body(target, source_instance, false)?;
    opts.apply(&mut body);
    body.insert("source".into(), json!({ "type": "copy", "source": source, "instance_only": opts.instance_only, "container_only": opts.instance_only }));
    Ok(Call::new(Request::post(&["instances"]).scope(Scope::BOTH).json(&Value::Object(body))?, parse_async))
}

/// The writable fields of an instance as the body of a new one named `name`.
pub(super) fn writable_body(name: &str, inst: &Instance, keep_volatile: bool) -> Result<Map<String, Value>> {
    check_instance_name(name)?;
    let config: Map<String, Value> = inst
        .config
        .iter()
        .filter(|(k, _)| keep_volatile || !k.starts_with("volatile."))
        .map(|(k, v)| (k.clone(), Value::from(v.as_str())))
        .collect();
    let mut body = Map::new();
    body.insert("name".into(), Value::from(name));
    if !inst.architecture.is_empty() {
        body.insert("architecture".into(), Value::from(inst.architecture.as_str()));
    }
    body.insert("config".into(), Value::Object(config));
    body.insert("devices".into(), serde_json::to_value(&inst.devices).map_err(|e| Error::protocol(e.to_string()))?);
    body.insert("ephemeral".into(), Value::from(inst.ephemeral));
    body.insert("profiles".into(), serde_json::to_value(&inst.profiles).map_err(|e| Error::protocol(e.to_string()))?);
    body.insert("description".into(), Value::from(inst.description.as_str()));
    if !inst.kind.is_empty() {
        body.insert("type".into(), Value::from(inst.kind.as_str()));
    }
    Ok(body)
}

/// The source's request of a pull-mode migration: `POST /1.0/instances/<name>` with
/// `{migration: true, live, instance_only}`. The operation's metadata holds the websocket secrets
/// (`control`, `fs`, and `criu` when live) that the target uses ([`migration_secrets`]).
pub fn migration_source(instance: &str, live: bool, instance_only: bool) -> Result<Call<Operation>> {
    check_instance_name(instance)?;
    let body = json!({ "migration": true, "live": live, "instance_only": instance_only, "container_only": instance_only });
    Ok(Call::new(Request::post(&["instances", instance]).scope(Op::InstancePost.scope()).json(&body)?, parse_async))
}

/// The websocket secrets of a migration source operation (every string in its metadata; `control`
/// and `fs` must be there).
pub fn migration_secrets(op: &Operation) -> Result<Map<String, Value>> {
    let meta = op.metadata.as_object().ok_or_else(|| Error::protocol("migration operation without metadata"))?;
    let secrets: Map<String, Value> = meta.iter().filter(|(_, v)| v.is_string()).map(|(k, v)| (k.clone(), v.clone())).collect();
    for k in ["control", "fs"] {
        if !secrets.contains_key(k) {
            return Err(Error::protocol(format!("migration operation metadata lacks the {k:?} secret")));
        }
    }
    Ok(secrets)
}

/// How the target server reaches the source: its URLs and its own certificate (PEM).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceServer {
    /// `https://host:port` candidates, preferred first.
    pub urls: Vec<String>,
    /// The source server's certificate, PEM (the target pins it).
    pub certificate: String,
}

impl SourceServer {
    /// From the source's `GET /1.0` (trusted view: `environment.addresses`, `.certificate`),
    /// preferring `preferred_url` (an explicit override or the URL the client itself uses).
    pub fn from_server(server: &Server, preferred_url: Option<&str>) -> Result<SourceServer> {
        let certificate = server
            .environment
            .get("certificate")
            .and_then(Value::as_str)
            .filter(|c| c.contains("BEGIN CERTIFICATE"))
            .ok_or_else(|| Error::protocol("source server did not report its certificate (is this client trusted?)"))?
            .to_string();
        let mut urls: Vec<String> = preferred_url.map(|u| u.trim_end_matches('/').to_string()).into_iter().collect();
        if let Some(Value::Array(addrs)) = server.environment.get("addresses") {
            for a in addrs.iter().filter_map(Value::as_str).filter(|a| !a.is_empty()) {
                let u = format!("https://{a}");
                if !urls.contains(&u) {
                    urls.push(u);
                }
            }
        }
        if urls.is_empty() {
            return Err(Error::invalid("the source server does not listen on the network (core.https_address is unset) and no source_url was given"));
        }
        Ok(SourceServer { urls, certificate })
    }
}

/// The body of the target's `POST /1.0/instances` of a pull-mode migration, from the source
/// instance. A copy drops the source's `volatile.*` keys (new MAC addresses, ids), as `lxc copy`
/// does; a move keeps them.
pub fn migration_target_body(target_name: &str, inst: &Instance, operation_url: &str, certificate: &str, secrets: &Map<String, Value>, opts: &CopyOptions, keep_volatile: bool) -> Result<Value> {
    let base_image = inst.config.get("volatile.base_image").cloned().unwrap_or_default();
    let mut body = writable_body(target_name, inst, keep_volatile)?;
    body.insert("stateful".into(), Value::from(opts.live && inst.stateful));
    opts.apply(&mut body);
    let mut source = json!({
        "type": "migration",
        "mode": "pull",
        "operation": operation_url,
        "certificate": certificate,
        "secrets": secrets,
        "live": opts.live,
        "instance_only": opts.instance_only,
        "container_only": opts.instance_only,
    });
    if !base_image.is_empty() {
        source["base-image"] = Value::from(base_image);
    }
    body.insert("source".into(), source);
    Ok(Value::Object(body))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use crate::transfer::test_support::*;

    #[test]
    fn copy_options_and_local_copy() {
        let o = CopyOptions::from_json(Some(r#"{"instance_only":true,"config":{"limits.cpu":"1","user.x":null},"profiles":["default"]}"#)).unwrap();
        assert!(o.instance_only && !o.live);
        let src: Instance = serde_json::from_value(crate::models::full_instance(json!({"name":"c1","architecture":"x86_64","profiles":["default"],"devices":{"d":{"type":"none"}},
            "config":{"user.x":"1","user.keep":"k","volatile.eth0.hwaddr":"m"},"type":"container","description":"src"}))).unwrap();
        let c = copy_local("c1", "c2", &o, &src).unwrap();
        assert_eq!((c.request.method.as_str(), c.request.path.as_str()), ("POST", "/1.0/instances"));
        assert_eq!(
            body(&c.request),
            json!({"name":"c2","architecture":"x86_64","config":{"user.keep":"k","limits.cpu":"1"},"devices":{"d":{"type":"none"}},"ephemeral":false,
                "profiles":["default"],"description":"src","type":"container",
                "source":{"type":"copy","source":"c1","instance_only":true,"container_only":true}})
        );
        assert_eq!(copy_local_source("c1").unwrap().path, "/1.0/instances/c1");
        assert!(copy_local_source("c1/snap 0").is_err());
        assert_eq!(copy_local_source("c1/snap.0").unwrap().path, "/1.0/instances/c1/snapshots/snap.0");
        let snap = copy_local("c1/snap0", "c3", &CopyOptions::default(), &src).unwrap();
        assert_eq!(body(&snap.request)["source"]["source"], "c1/snap0");
        assert!(copy_local("c1/a b", "c3", &CopyOptions::default(), &src).is_err());
        assert!(copy_local("c1", "c_3", &CopyOptions::default(), &src).is_err());
        assert!(copy_local("c1", "c3", &CopyOptions { live: true, ..Default::default() }, &src).is_err());
        for bad in [r#"{"name":"x"}"#, r#"{"source":{}}"#, r#"{"live":"no"}"#, r#"{"source_url":"http://x"}"#, r#"{"config":[]}"#] {
            assert!(CopyOptions::from_json(Some(bad)).is_err(), "{bad}");
        }
        let m = migration_source("c1", false, false).unwrap();
        assert_eq!((m.request.method.as_str(), m.request.path.as_str()), ("POST", "/1.0/instances/c1"));
        assert_eq!(body(&m.request), json!({"migration":true,"live":false,"instance_only":false,"container_only":false}));
    }
}
