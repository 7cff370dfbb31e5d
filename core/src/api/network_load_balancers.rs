//! Network load balancers (Incus 6.0 only; OVN networks): `/1.0/networks/<network>/load-balancers`,
//! keyed by listen address. LXD 5.0 has none of these paths (404).

use super::{Call, Result};
use crate::request::check_name;
use crate::response::parse_sync;
use crate::spec::Op;
use serde_json::Value;

pub use super::collections::network_load_balancers as collection;

/// `GET /1.0/networks/<network>/load-balancers/<listen_address>/state`: the backends' health
/// (`backend_health`).
pub fn state(network: &str, listen_address: &str) -> Result<Call<Value>> {
    check_name("network", network)?;
    check_name("network load balancer", listen_address)?;
    Ok(Call::new(super::endpoint::get(Op::NetworkLoadBalancerStateGet, &["networks", network, "load-balancers", listen_address, "state"]), parse_sync::<Value>))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn load_balancer_requests() {
        let c = collection("ovn0").unwrap();
        assert_eq!(c.list_names().request.path, "/1.0/networks/ovn0/load-balancers");
        assert_eq!(state("ovn0", "10.0.0.1").unwrap().request.path, "/1.0/networks/ovn0/load-balancers/10.0.0.1/state");
        assert!(state("ovn0", "").is_err());
    }
}
