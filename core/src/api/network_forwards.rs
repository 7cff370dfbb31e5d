//! Network forwards (`/1.0/networks/<network>/forwards`, keyed by listen address).

use crate::spec::Op;
use super::{Collection, CollectionOps, Result};
use crate::request::{check_name, Scope};

/// The forwards of one network (`NetworkForwardsPost`: `listen_address`, `description`, `config`
/// (`target_address`), `ports`). A forward is named by its listen address and cannot be renamed.
pub fn collection(network: &str) -> Result<Collection> {
    check_name("network", network)?;
    Ok(Collection::new("network forward", &["networks", network, "forwards"], Scope::PROJECT).with_ops(CollectionOps {
        list: Some(Op::NetworkForwardsGet),
        create: Some(Op::NetworkForwardsPost),
        get: Some(Op::NetworkForwardGet),
        put: Some(Op::NetworkForwardPut),
        patch: Some(Op::NetworkForwardPatch),
        rename: None,
        delete: Some(Op::NetworkForwardDelete),
    }))
}
