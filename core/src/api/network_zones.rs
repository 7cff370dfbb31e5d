//! Network DNS zones (`/1.0/network-zones`) and their records.

use super::{Collection, CollectionOps, Result};
use crate::request::{check_name, Scope};

/// The zones of the client's project (`NetworkZonesPost`: `name` (a DNS name), `description`,
/// `config`). Zones cannot be renamed.
pub fn collection() -> Collection {
    Collection::new("network zone", &["network-zones"], Scope::PROJECT).with_ops(CollectionOps {
        list: "network_zones_get",
        create: "network_zones_post",
        get: "network_zone_get",
        put: "network_zone_put",
        patch: "network_zone_patch",
        rename: "",
        delete: "network_zone_delete",
    })
}

/// The records of one zone (`NetworkZoneRecordsPost`: `name`, `description`, `entries` of
/// `{type, value, ttl}`, `config`). Records cannot be renamed.
pub fn records(zone: &str) -> Result<Collection> {
    check_name("network zone", zone)?;
    Ok(Collection::new("network zone record", &["network-zones", zone, "records"], Scope::PROJECT).with_ops(CollectionOps {
        list: "network_zone_records_get",
        create: "network_zone_records_post",
        get: "network_zone_record_get",
        put: "network_zone_record_put",
        patch: "network_zone_record_patch",
        rename: "",
        delete: "network_zone_record_delete",
    }))
}
