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
