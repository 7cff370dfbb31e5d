//! Network integrations (Incus 6.0 only): `/1.0/network-integrations`, e.g. an OVN
//! interconnection. LXD 5.0 has none of these paths (404).

pub use super::collections::network_integrations as collection;
