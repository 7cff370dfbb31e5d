//! Network DNS zones (`/1.0/network-zones`) and their records.

use crate::spec::Op;
use super::{Collection, CollectionOps, Result};
use crate::request::{check_name, Scope};

/// The zones of the client's project (`NetworkZonesPost`: `name` (a DNS name), `description`,
/// `config`). Zones cannot be renamed.
pub fn collection() -> Collection {
    Collection::new("network zone", &["network-zones"], Scope::PROJECT).with_ops(CollectionOps {
        list: Some(Op::NetworkZonesGet),
        create: Some(Op::NetworkZonesPost),
        get: Some(Op::NetworkZoneGet),
        put: Some(Op::NetworkZonePut),
        patch: Some(Op::NetworkZonePatch),
        rename: None,
        delete: Some(Op::NetworkZoneDelete),
    })
}

/// The records of one zone (`NetworkZoneRecordsPost`: `name`, `description`, `entries` of
/// `{type, value, ttl}`, `config`). Records cannot be renamed.
pub fn records(zone: &str) -> Result<Collection> {
    check_name("network zone", zone)?;
    Ok(Collection::new("network zone record", &["network-zones", zone, "records"], Scope::PROJECT).with_ops(CollectionOps {
        list: Some(Op::NetworkZoneRecordsGet),
        create: Some(Op::NetworkZoneRecordsPost),
        get: Some(Op::NetworkZoneRecordGet),
        put: Some(Op::NetworkZoneRecordPut),
        patch: Some(Op::NetworkZoneRecordPatch),
        rename: None,
        delete: Some(Op::NetworkZoneRecordDelete),
    }))
}
