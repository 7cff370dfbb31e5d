//! Network peerings (`/1.0/networks/<network>/peers`, OVN networks).

use super::{Collection, CollectionOps, Result};
use crate::request::{check_name, Scope};

/// The peers of one network (`NetworkPeersPost`: `name`, `description`, `config`,
/// `target_project`, `target_network`). Peers cannot be renamed.
pub fn collection(network: &str) -> Result<Collection> {
    check_name("network", network)?;
    Ok(Collection::new("network peer", &["networks", network, "peers"], Scope::PROJECT).with_ops(CollectionOps {
        list: "network_peers_get",
        create: "network_peers_post",
        get: "network_peer_get",
        put: "network_peer_put",
        patch: "network_peer_patch",
        rename: "",
        delete: "network_peer_delete",
    }))
}
