//! DHCP leases of a managed network (`GET /1.0/networks/<name>/leases`).

use crate::spec::Op;
use super::{parse_list, Call, Result};
use crate::request::check_name;
use serde_json::Value;

/// `GET /1.0/networks/<name>/leases`: `{hostname, hw_address, address, type, location, project}`
/// per lease (on the client's `target` member in a cluster).
pub fn leases(network: &str) -> Result<Call<Vec<Value>>> {
    check_name("network", network)?;
    Ok(Call::new(super::endpoint::get(Op::NetworksLeasesGet, &["networks", network, "leases"]), parse_list::<Value>))
}
