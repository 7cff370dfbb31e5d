//! `/1.0/networks`.

use super::*;

pub use super::collections::networks as collection;

/// Network names become interface names: at most 15 characters.
pub fn check_network_name(name: &str) -> Result<()> {
    if name.len() > 15 {
        Err(Error::invalid(format!("network name {name:?} is longer than 15 characters")))
    } else {
        Ok(())
    }
}
/// `GET /1.0/networks/<name>/state`.
pub fn state(name: &str) -> Result<Call<NetworkState>> {
    check_name("network", name)?;
    Ok(Call::new(Request::get(&["networks", name, "state"]).scope(Op::NetworksStateGet.scope()), parse_sync::<NetworkState>))
}

/// `GET /1.0/network-allocations` (Incus 6.0 only): the addresses in use on the managed networks
/// (`{"address", "used_by", "type", "nat", "hwaddr"}` each), of the client's project or, with
/// `all_projects`, of every project.
pub fn allocations(all_projects: bool) -> Call<Value> {
    let req = super::endpoint::get(Op::NetworkAllocationsGet, &["network-allocations"]);
    let req = if all_projects { req.query("all-projects", "true") } else { req };
    Call::new(req, parse_sync::<Value>)
}
