//! Serde models in LXD's own JSON schema (LXD 5.0.2). Every struct keeps the fields it does not
//! know in `extra`, so a newer server's data survives a read-modify-write.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use std::collections::BTreeMap;

/// String map (`config`, `properties`, ...).
pub type StringMap = BTreeMap<String, String>;
/// Device map: device name → its settings.
pub type Devices = BTreeMap<String, StringMap>;

/// LXD sends `null` for empty lists and maps in places; treat it as empty.
fn null_default<'de, D, T>(d: D) -> Result<T, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Default + Deserialize<'de>,
{
    Ok(Option::<T>::deserialize(d)?.unwrap_or_default())
}

/// A field LXD always sends: absent is an error (a protocol error once parsed from a reply);
/// present, `null` is the empty value as for the other fields (Go sends a nil list or map as null).
fn required<'de, D, T>(d: D) -> Result<T, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Default + Deserialize<'de>,
{
    null_default(d)
}

/// A model struct. A field marked `required` is one LXD 5.0.2 and Incus 6.0 always send in this
/// object (the field has no `omitempty` in either daemon's Go struct, and the replies recorded from
/// LXD 5.0.2 in core/tests/fixtures carry it): without it the object is refused, never filled
/// with a default.
/// Every other field may be absent or `null` (LXD omits some, and sends `null` for empty lists
/// and maps in places) and then takes its default.
macro_rules! model {
    ($(#[$m:meta])* $name:ident { $($body:tt)* }) => {
        model!(@fields [$(#[$m])*] $name [] [] $($body)*);
    };
    (@fields $metas:tt $name:ident [$($done:tt)*] [$($chk:tt)*] $(#[$fm:meta])* required $field:ident : $ty:ty, $($rest:tt)*) => {
        model!(@fields $metas $name [$($done)* $(#[$fm])* #[serde(deserialize_with = "required")] pub $field: $ty,]
            [$($chk)* $(#[$fm])* #[serde(deserialize_with = "crate::check::present")] $field: Option<crate::check::Check<$ty>>,] $($rest)*);
    };
    (@fields $metas:tt $name:ident [$($done:tt)*] [$($chk:tt)*] $(#[$fm:meta])* $field:ident : $ty:ty, $($rest:tt)*) => {
        model!(@fields $metas $name [$($done)* $(#[$fm])* #[serde(default, deserialize_with = "null_default")] pub $field: $ty,]
            [$($chk)* $(#[$fm])* #[serde(default)] $field: Option<crate::check::Check<$ty>>,] $($rest)*);
    };
    (@fields [$($m:tt)*] $name:ident [$($done:tt)*] [$($chk:tt)*]) => {
        $($m)*
        #[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
        pub struct $name {
            $($done)*
            /// Fields this version does not know, kept as received.
            #[serde(flatten)]
            pub extra: Map<String, Value>,
        }

        // The same rules without building the value (see `crate::check`): the fields as `Check`s,
        // unknown ones ignored (the model keeps them in `extra`, so any is accepted).
        impl crate::check::CheckJson for $name {
            fn check<'de, D: serde::Deserializer<'de>>(d: D) -> Result<(), D::Error> {
                #[derive(Deserialize)]
                #[allow(dead_code)]
                struct Fields {
                    $($chk)*
                }
                crate::check::check_object::<D, Fields>(d)
            }
        }
    };
}

model!(
    /// `GET /1.0`: the server, its configuration and environment.
    Server {
        /// Server configuration.
        config: Map<String, Value>,
        /// API extensions the server supports.
        required api_extensions: Vec<String>,
        /// `stable` or `development`.
        required api_status: String,
        /// API version (`1.0`).
        required api_version: String,
        /// `trusted` or `untrusted`.
        required auth: String,
        /// Supported authentication methods.
        auth_methods: Vec<String>,
        /// Whether this is the public (unauthenticated) view.
        required public: bool,
        /// Environment (server name, version, certificate, ...).
        environment: Map<String, Value>,
    }
);

impl Server {
    /// Whether the server supports an API extension.
    pub fn has_extension(&self, name: &str) -> bool {
        self.api_extensions.iter().any(|e| e == name)
    }
    /// True when this client is trusted.
    pub fn is_trusted(&self) -> bool {
        self.auth == "trusted"
    }
}

model!(
    /// An instance (container or virtual machine). Also what a copy reads from its source, which
    /// may be a snapshot (`GET /1.0/instances/<name>/snapshots/<snap>`): so only the fields
    /// LXD 5.0.2 sends for both are required (a snapshot has no description, status, location,
    /// type or project).
    Instance {
        /// Name (the key; rename it with a rename call).
        required name: String,
        /// Description.
        description: String,
        /// Architecture.
        required architecture: String,
        /// Local configuration.
        required config: StringMap,
        /// Local devices.
        required devices: Devices,
        /// Whether it is ephemeral.
        required ephemeral: bool,
        /// Profiles applied, in order.
        required profiles: Vec<String>,
        /// Whether its last snapshot is stateful.
        required stateful: bool,
        /// Status text.
        status: String,
        /// Status code.
        status_code: u16,
        /// Creation time.
        required created_at: String,
        /// Last use.
        required last_used_at: String,
        /// Cluster member.
        location: String,
        /// `container` or `virtual-machine`.
        #[serde(rename = "type")]
        kind: String,
        /// Project.
        project: String,
        /// Configuration with profiles applied. Not required: Incus's Go struct omits it when
        /// empty (`omitempty`); one recursion=2 list entry came without it while other clients
        /// were creating and deleting instances.
        expanded_config: StringMap,
        /// Devices with profiles applied (may be absent, as `expanded_config`).
        expanded_devices: Devices,
    }
);

model!(
    /// `GET /1.0/instances/<name>/state`.
    InstanceState {
        /// Status text.
        required status: String,
        /// Status code.
        required status_code: u16,
        /// Disk usage per device.
        required disk: Value,
        /// Memory usage.
        required memory: Value,
        /// Network interfaces.
        required network: Value,
        /// Init PID.
        required pid: i64,
        /// Number of processes.
        required processes: i64,
        /// CPU usage.
        required cpu: Value,
    }
);

model!(
    /// An instance snapshot.
    Snapshot {
        /// Snapshot name (without the instance part).
        required name: String,
        /// Architecture.
        required architecture: String,
        /// Configuration.
        required config: StringMap,
        /// Devices.
        required devices: Devices,
        /// Ephemeral flag.
        required ephemeral: bool,
        /// Profiles.
        required profiles: Vec<String>,
        /// Whether it holds runtime state.
        required stateful: bool,
        /// Creation time.
        required created_at: String,
        /// Last use.
        required last_used_at: String,
        /// Expiry time.
        required expires_at: String,
        /// Size in bytes (-1 when unknown).
        required size: i64,
        /// Expanded configuration (may be absent: `omitempty` in Incus's Go struct).
        expanded_config: StringMap,
        /// Expanded devices (may be absent, as `expanded_config`).
        expanded_devices: Devices,
    }
);

model!(
    /// An alias as embedded in an image.
    ImageAliasRef {
        /// Alias name.
        required name: String,
        /// Description.
        required description: String,
    }
);

model!(
    /// An image.
    Image {
        /// SHA-256 fingerprint.
        required fingerprint: String,
        /// Aliases.
        required aliases: Vec<ImageAliasRef>,
        /// Architecture.
        required architecture: String,
        /// Auto-update.
        required auto_update: bool,
        /// Cached (downloaded on demand).
        required cached: bool,
        /// Creation time.
        required created_at: String,
        /// Expiry time.
        required expires_at: String,
        /// File name.
        required filename: String,
        /// Last use.
        required last_used_at: String,
        /// Properties.
        required properties: StringMap,
        /// Public.
        required public: bool,
        /// Size in bytes.
        required size: i64,
        /// Upload time.
        required uploaded_at: String,
        /// Where it updates from.
        update_source: Value,
        /// `container` or `virtual-machine`.
        #[serde(rename = "type")]
        required kind: String,
        /// Profiles applied to instances made from it.
        required profiles: Vec<String>,
    }
);

model!(
    /// An image alias.
    ImageAlias {
        /// Name.
        required name: String,
        /// Description.
        required description: String,
        /// Fingerprint it points to.
        required target: String,
        /// `container` or `virtual-machine`.
        #[serde(rename = "type")]
        required kind: String,
    }
);

model!(
    /// A profile.
    Profile {
        /// Name.
        required name: String,
        /// Description.
        required description: String,
        /// Configuration.
        required config: StringMap,
        /// Devices.
        required devices: Devices,
        /// URLs of the instances using it.
        required used_by: Vec<String>,
    }
);

model!(
    /// A network.
    Network {
        /// Name.
        required name: String,
        /// Description.
        description: String,
        /// `bridge`, `physical`, `loopback`, ...
        #[serde(rename = "type")]
        required kind: String,
        /// Whether LXD manages it.
        required managed: bool,
        /// Status (`Created`, `Pending`, ...).
        status: String,
        /// Configuration.
        config: StringMap,
        /// URLs of users.
        used_by: Vec<String>,
        /// Cluster members it is defined on.
        locations: Vec<String>,
    }
);

model!(
    /// `GET /1.0/networks/<name>/state`.
    NetworkState {
        /// Addresses.
        required addresses: Value,
        /// Counters.
        required counters: Value,
        /// MAC address.
        required hwaddr: String,
        /// MTU.
        required mtu: i64,
        /// `up` or `down`.
        required state: String,
        /// Interface type.
        #[serde(rename = "type")]
        required kind: String,
    }
);

model!(
    /// A storage pool.
    StoragePool {
        /// Name.
        required name: String,
        /// Description.
        required description: String,
        /// Driver (`dir`, `zfs`, ...).
        required driver: String,
        /// Status.
        required status: String,
        /// Configuration.
        required config: StringMap,
        /// URLs of users.
        required used_by: Vec<String>,
        /// Cluster members.
        required locations: Vec<String>,
    }
);

model!(
    /// `GET /1.0/storage-pools/<name>/resources`.
    StoragePoolResources {
        /// Space usage.
        required space: Value,
        /// Inode usage.
        required inodes: Value,
    }
);

model!(
    /// A trusted certificate.
    Certificate {
        /// Fingerprint.
        required fingerprint: String,
        /// PEM text.
        certificate: String,
        /// Name.
        name: String,
        /// `client` or `metrics`.
        #[serde(rename = "type")]
        required kind: String,
        /// Restricted to `projects`.
        restricted: bool,
        /// Projects it may use.
        projects: Vec<String>,
    }
);

model!(
    /// One message from `/1.0/events`.
    Event {
        /// `lifecycle`, `operation` or `logging`.
        #[serde(rename = "type")]
        kind: String,
        /// Time.
        timestamp: String,
        /// Cluster member.
        location: String,
        /// Project.
        project: String,
        /// Payload (an operation, a lifecycle action, a log record).
        metadata: Value,
    }
);

/// An instance as LXD 5.0.2 sends it (every field it always sends), with `overrides` on top: for
/// tests that parse instances.
#[cfg(test)]
pub(crate) fn full_instance(overrides: Value) -> Value {
    let mut v = serde_json::json!({"architecture":"x86_64","config":{},"devices":{},"ephemeral":false,"profiles":["default"],"stateful":false,
        "description":"","created_at":"2024-01-01T00:00:00Z","expanded_config":{},"expanded_devices":{},"name":"c1","status":"Stopped",
        "status_code":102,"last_used_at":"1970-01-01T00:00:00Z","location":"none","type":"container","project":"default"});
    if let (Some(m), Value::Object(o)) = (v.as_object_mut(), overrides) {
        m.extend(o);
    }
    v
}

/// `GET /1.0` as LXD 5.0.2 sends it to a trusted client, with `overrides` on top.
#[cfg(test)]
pub(crate) fn full_server(overrides: Value) -> Value {
    let mut v = serde_json::json!({"config":{},"api_extensions":[],"api_status":"stable","api_version":"1.0","auth":"trusted","public":false,
        "auth_methods":["tls"],"environment":{}});
    if let (Some(m), Value::Object(o)) = (v.as_object_mut(), overrides) {
        m.extend(o);
    }
    v
}

/// An image as LXD 5.0.2 sends it, with `overrides` on top.
#[cfg(test)]
pub(crate) fn full_image(overrides: Value) -> Value {
    let mut v = serde_json::json!({"aliases":[],"architecture":"x86_64","auto_update":false,"cached":false,"created_at":"2024-01-01T00:00:00Z",
        "expires_at":"1970-01-01T00:00:00Z","filename":"busybox.tar.gz","fingerprint":"","last_used_at":"1970-01-01T00:00:00Z","profiles":["default"],
        "properties":{},"public":false,"size":1,"type":"container","uploaded_at":"2024-01-01T00:00:00Z"});
    if let (Some(m), Value::Object(o)) = (v.as_object_mut(), overrides) {
        m.extend(o);
    }
    v
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn unknown_fields_survive_roundtrip() {
        let text = full_instance(json!({"name":"c1","config":{"a":"b"},"future_field":{"x":[1,2]},"type":"container"})).to_string();
        let i: Instance = serde_json::from_str(&text).unwrap();
        assert_eq!(i.kind, "container");
        let back = serde_json::to_value(&i).unwrap();
        assert_eq!(back["future_field"]["x"][1], 2);
        assert_eq!(back["type"], "container");
    }

    #[test]
    fn numbers_survive_read_modify_write_exactly() {
        // Found by fuzzing (fuzz/ target `events`): without serde_json's float_roundtrip, an
        // integer too big for u64 was parsed to a float one step off, so each parse/serialize
        // cycle of an unknown field changed it.
        let text = r#"{"type":"lifecycle","future":{"n":33333399999999999999799999930,"f":0.30000000000000004,"e":1e-300}}"#;
        let once: Event = serde_json::from_str(text).unwrap();
        let twice: Event = serde_json::from_str(&serde_json::to_string(&once).unwrap()).unwrap();
        assert_eq!(once, twice);
        // Rust's own parser rounds correctly: the value must be exactly that.
        assert_eq!(once.extra["future"]["n"].as_f64(), "33333399999999999999799999930".parse::<f64>().ok());
    }

    #[test]
    fn nulls_are_empty() {
        let i: Image = serde_json::from_str(
            r#"{"aliases":null,"architecture":"x86_64","auto_update":false,"cached":false,"created_at":"","expires_at":"","filename":"f.tar.gz",
               "fingerprint":"f","last_used_at":"","profiles":null,"properties":null,"public":false,"size":1,"type":"container","uploaded_at":""}"#,
        )
        .unwrap();
        assert!(i.aliases.is_empty() && i.profiles.is_empty());
    }

    #[test]
    fn fields_lxd_always_sends_are_required() {
        // Absent is refused (never a default), present-but-null is the empty value.
        for (field, text) in [("name", full_instance(json!({}))), ("api_version", full_server(json!({})))] {
            let mut v = text.clone();
            v.as_object_mut().unwrap().remove(field);
            let e = if field == "name" { serde_json::from_value::<Instance>(v).unwrap_err() } else { serde_json::from_value::<Server>(v).unwrap_err() };
            assert!(e.to_string().contains(&format!("missing field `{field}`")), "{e}");
        }
        // A copy's source may be a snapshot, read as an instance: what LXD 5.0.2 sends for one
        // (core/tests/fixtures: no description, status, location, type or project) is enough.
        let mut snap = full_instance(json!({"name":"snap0","size":4096,"expires_at":"0001-01-01T00:00:00Z"}));
        snap.as_object_mut().unwrap().retain(|k, _| !matches!(k.as_str(), "description" | "status" | "status_code" | "location" | "type" | "project"));
        assert_eq!(serde_json::from_value::<Instance>(snap).unwrap().name, "snap0");
        let i: Instance = serde_json::from_value(full_instance(json!({"profiles":null,"devices":null}))).unwrap();
        assert!(i.profiles.is_empty() && i.devices.is_empty());
        // Fields LXD may leave out stay optional: the untrusted view of GET /1.0 has no config
        // or environment; an image has no update_source unless it came from a remote.
        let mut v = full_server(json!({"auth":"untrusted","public":true}));
        v.as_object_mut().unwrap().retain(|k, _| !matches!(k.as_str(), "config" | "environment" | "auth_methods"));
        assert!(!serde_json::from_value::<Server>(v).unwrap().is_trusted());
    }

    #[test]
    fn wrong_types_are_errors_not_panics() {
        assert!(serde_json::from_str::<Instance>(r#"{"name":5}"#).is_err());
        assert!(serde_json::from_str::<Server>(r#"{"api_extensions":"x"}"#).is_err());
    }
}
