//! Network peerings (`/1.0/networks/<network>/peers`, OVN networks).

use crate::spec::Op;
use super::{Collection, CollectionOps, Result};
use crate::request::{check_name, Scope};

/// The peers of one network (`NetworkPeersPost`: `name`, `description`, `config`,
/// `target_project`, `target_network`). Peers cannot be renamed.
pub fn collection(network: &str) -> Result<Collection> {
    check_name("network", network)?;
    Ok(Collection::new("network peer", &["networks", network, "peers"], Scope::PROJECT).with_ops(CollectionOps {
        list: Some(Op::NetworkPeersGet),
        create: Some(Op::NetworkPeersPost),
        get: Some(Op::NetworkPeerGet),
        put: Some(Op::NetworkPeerPut),
        patch: Some(Op::NetworkPeerPatch),
        rename: None,
        delete: Some(Op::NetworkPeerDelete),
    }))
}
