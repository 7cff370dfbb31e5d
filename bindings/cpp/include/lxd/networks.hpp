// lxd/networks.hpp: networks and network ACLs: what the registry does not say (leases, state,
// ACL logs). Forwards, peers, zones and records are wholly generated (lxd/resources.hpp).
// Part of the C++ binding; include <lxdclient.hpp>, which includes every part in order.
#ifndef LXDCLIENT_LXD_NETWORKS_HPP
#define LXDCLIENT_LXD_NETWORKS_HPP

#include <lxd/resources.hpp>

namespace lxd {

/// A network (`/1.0/networks/<name>`).
class Network : public gen::NetworkBase {
public:
    using NetworkBase::NetworkBase;

    /// DHCP leases of a managed network: `[{"hostname", "hw_address", "address", "type",
    /// "location", "project"}, ...]`. Unmanaged: `Error` (Api).
    std::vector<nlohmann::json> leases() const { return read_json(lxd_network_leases).get<std::vector<nlohmann::json>>(); }
    /// Runtime state (`GET /1.0/networks/<name>/state`).
    nlohmann::json state() const { return read_json(lxd_network_state); }
};

/// A network load balancer (`/1.0/networks/<network>/load-balancers/<listen_address>`; Incus
/// only). Only OVN networks have them: Incus refuses every call on a bridge (`Error` Api, 400);
/// LXD 5.0.2 has no such endpoint (`Error` NotFound).
class NetworkLoadBalancer : public gen::NetworkLoadBalancerBase {
public:
    using NetworkLoadBalancerBase::NetworkLoadBalancerBase;

    /// The health of its backends (`GET .../state`).
    nlohmann::json state() const { return read_json(lxd_network_load_balancer_state); }
};

/// A network ACL (`/1.0/network-acls/<name>`). LXD 5.0.2 merges only `config` on PATCH; other
/// fields sent are replaced, and omitted rule lists become empty.
class NetworkAcl : public gen::NetworkAclBase {
public:
    using NetworkAclBase::NetworkAclBase;

    /// The ACL's log (only OVN networks log; others: `Error` Api).
    std::string log() const { return read_text(lxd_network_acl_log); }
};

} // namespace lxd

#endif // LXDCLIENT_LXD_NETWORKS_HPP
