//! Network forwards (`/1.0/networks/<network>/forwards`, keyed by listen address).

use super::{Collection, CollectionOps, Result};
use crate::request::{check_name, Scope};

/// The forwards of one network (`NetworkForwardsPost`: `listen_address`, `description`, `config`
/// (`target_address`), `ports`). A forward is named by its listen address and cannot be renamed.
pub fn collection(network: &str) -> Result<Collection> {
    check_name("network", network)?;
    Ok(Collection::new("network forward", &["networks", network, "forwards"], Scope::PROJECT).with_ops(CollectionOps {
        list: "network_forwards_get",
        create: "network_forwards_post",
        get: "network_forward_get",
        put: "network_forward_put",
        patch: "network_forward_patch",
        rename: "",
        delete: "network_forward_delete",
    }))
}
