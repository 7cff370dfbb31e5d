//! Network peerings (`/1.0/networks/<network>/peers`, OVN networks).

pub use super::collections::network_peers as collection;

