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

macro_rules! model {
    ($(#[$m:meta])* $name:ident { $($(#[$fm:meta])* $field:ident : $ty:ty),* $(,)? }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
        pub struct $name {
            $($(#[$fm])* #[serde(default, deserialize_with = "null_default")] pub $field: $ty,)*
            /// Fields this version does not know, kept as received.
            #[serde(flatten)]
            pub extra: Map<String, Value>,
        }
    };
}

model!(
    /// `GET /1.0`: the server, its configuration and environment.
    Server {
        /// Server configuration.
        config: Map<String, Value>,
        /// API extensions the server supports.
        api_extensions: Vec<String>,
        /// `stable` or `development`.
        api_status: String,
        /// API version (`1.0`).
        api_version: String,
        /// `trusted` or `untrusted`.
        auth: String,
        /// Supported authentication methods.
        auth_methods: Vec<String>,
        /// Whether this is the public (unauthenticated) view.
        public: bool,
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
    /// An instance (container or virtual machine).
    Instance {
        /// Name (the key; rename it with a rename call).
        name: String,
        /// Description.
        description: String,
        /// Architecture.
        architecture: String,
        /// Local configuration.
        config: StringMap,
        /// Local devices.
        devices: Devices,
        /// Whether it is ephemeral.
        ephemeral: bool,
        /// Profiles applied, in order.
        profiles: Vec<String>,
        /// Whether its last snapshot is stateful.
        stateful: bool,
        /// Status text.
        status: String,
        /// Status code.
        status_code: u16,
        /// Creation time.
        created_at: String,
        /// Last use.
        last_used_at: String,
        /// Cluster member.
        location: String,
        /// `container` or `virtual-machine`.
        #[serde(rename = "type")]
        kind: String,
        /// Project.
        project: String,
        /// Configuration with profiles applied.
        expanded_config: StringMap,
        /// Devices with profiles applied.
        expanded_devices: Devices,
    }
);

model!(
    /// `GET /1.0/instances/<name>/state`.
    InstanceState {
        /// Status text.
        status: String,
        /// Status code.
        status_code: u16,
        /// Disk usage per device.
        disk: Value,
        /// Memory usage.
        memory: Value,
        /// Network interfaces.
        network: Value,
        /// Init PID.
        pid: i64,
        /// Number of processes.
        processes: i64,
        /// CPU usage.
        cpu: Value,
    }
);

model!(
    /// An instance snapshot.
    Snapshot {
        /// Snapshot name (without the instance part).
        name: String,
        /// Architecture.
        architecture: String,
        /// Configuration.
        config: StringMap,
        /// Devices.
        devices: Devices,
        /// Ephemeral flag.
        ephemeral: bool,
        /// Profiles.
        profiles: Vec<String>,
        /// Whether it holds runtime state.
        stateful: bool,
        /// Creation time.
        created_at: String,
        /// Last use.
        last_used_at: String,
        /// Expiry time.
        expires_at: String,
        /// Size in bytes (-1 when unknown).
        size: i64,
        /// Expanded configuration.
        expanded_config: StringMap,
        /// Expanded devices.
        expanded_devices: Devices,
    }
);

model!(
    /// An alias as embedded in an image.
    ImageAliasRef {
        /// Alias name.
        name: String,
        /// Description.
        description: String,
    }
);

model!(
    /// An image.
    Image {
        /// SHA-256 fingerprint.
        fingerprint: String,
        /// Aliases.
        aliases: Vec<ImageAliasRef>,
        /// Architecture.
        architecture: String,
        /// Auto-update.
        auto_update: bool,
        /// Cached (downloaded on demand).
        cached: bool,
        /// Creation time.
        created_at: String,
        /// Expiry time.
        expires_at: String,
        /// File name.
        filename: String,
        /// Last use.
        last_used_at: String,
        /// Properties.
        properties: StringMap,
        /// Public.
        public: bool,
        /// Size in bytes.
        size: i64,
        /// Upload time.
        uploaded_at: String,
        /// Where it updates from.
        update_source: Value,
        /// `container` or `virtual-machine`.
        #[serde(rename = "type")]
        kind: String,
        /// Profiles applied to instances made from it.
        profiles: Vec<String>,
    }
);

model!(
    /// An image alias.
    ImageAlias {
        /// Name.
        name: String,
        /// Description.
        description: String,
        /// Fingerprint it points to.
        target: String,
        /// `container` or `virtual-machine`.
        #[serde(rename = "type")]
        kind: String,
    }
);

model!(
    /// A profile.
    Profile {
        /// Name.
        name: String,
        /// Description.
        description: String,
        /// Configuration.
        config: StringMap,
        /// Devices.
        devices: Devices,
        /// URLs of the instances using it.
        used_by: Vec<String>,
    }
);

model!(
    /// A network.
    Network {
        /// Name.
        name: String,
        /// Description.
        description: String,
        /// `bridge`, `physical`, `loopback`, ...
        #[serde(rename = "type")]
        kind: String,
        /// Whether LXD manages it.
        managed: bool,
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
        addresses: Value,
        /// Counters.
        counters: Value,
        /// MAC address.
        hwaddr: String,
        /// MTU.
        mtu: i64,
        /// `up` or `down`.
        state: String,
        /// Interface type.
        #[serde(rename = "type")]
        kind: String,
    }
);

model!(
    /// A storage pool.
    StoragePool {
        /// Name.
        name: String,
        /// Description.
        description: String,
        /// Driver (`dir`, `zfs`, ...).
        driver: String,
        /// Status.
        status: String,
        /// Configuration.
        config: StringMap,
        /// URLs of users.
        used_by: Vec<String>,
        /// Cluster members.
        locations: Vec<String>,
    }
);

model!(
    /// `GET /1.0/storage-pools/<name>/resources`.
    StoragePoolResources {
        /// Space usage.
        space: Value,
        /// Inode usage.
        inodes: Value,
    }
);

model!(
    /// A trusted certificate.
    Certificate {
        /// Fingerprint.
        fingerprint: String,
        /// PEM text.
        certificate: String,
        /// Name.
        name: String,
        /// `client` or `metrics`.
        #[serde(rename = "type")]
        kind: String,
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_fields_survive_roundtrip() {
        let text = r#"{"name":"c1","config":{"a":"b"},"future_field":{"x":[1,2]},"type":"container"}"#;
        let i: Instance = serde_json::from_str(text).unwrap();
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
        let i: Image = serde_json::from_str(r#"{"aliases":null,"properties":null,"fingerprint":"f"}"#).unwrap();
        assert!(i.aliases.is_empty());
    }

    #[test]
    fn wrong_types_are_errors_not_panics() {
        assert!(serde_json::from_str::<Instance>(r#"{"name":5}"#).is_err());
        assert!(serde_json::from_str::<Server>(r#"{"api_extensions":"x"}"#).is_err());
    }
}
