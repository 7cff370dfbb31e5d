//! Network DNS zones (`/1.0/network-zones`) and their records.

pub use super::collections::network_zones as collection;

pub use super::collections::network_zone_records as records;

