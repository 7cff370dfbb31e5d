//go:build cgo

package lxdclient

/*
#include <lxdclient.h>
*/
import "C"

import "context"

// GetNetworkState fetches a network's runtime state: addresses, counters, MTU
// (GET /1.0/networks/<name>/state).
func (c *Client) GetNetworkState(ctx context.Context, name string) (*NetworkState, error) {
	var a cArgs
	n := a.str(name)
	s, err := c.callString(ctx, &a, func(p *C.lxd_client, out **C.char, e **C.lxd_error) C.enum_lxd_result {
		return C.lxd_network_state(p, n, out, e)
	})
	return decodeAs[*NetworkState](s, err)
}

// State fetches the network's runtime state.
func (v *Network) State(ctx context.Context) (*NetworkState, error) {
	c, m, err := boundClient(v)
	if err != nil {
		return nil, err
	}
	return c.GetNetworkState(ctx, m.name)
}

// NetworkLease is a DHCP lease (or a static allocation, or the gateway) of a managed network.
type NetworkLease struct {
	Hostname string `json:"hostname"`
	Hwaddr   string `json:"hw_address"`
	Address  string `json:"address"`
	// Type is "static", "dynamic" or "gateway".
	Type     string `json:"type"`
	Location string `json:"location"`
	Project  string `json:"project"`
	Extra    Extra  `json:"-"`
}

// NetworkLeases lists a managed network's DHCP leases (GET /1.0/networks/<name>/leases),
// including its gateway's address. Unmanaged networks: ErrAPI.
func (c *Client) NetworkLeases(ctx context.Context, network string) ([]*NetworkLease, error) {
	var a cArgs
	nw := a.str(network)
	s, err := c.callString(ctx, &a, func(p *C.lxd_client, out **C.char, e **C.lxd_error) C.enum_lxd_result {
		return C.lxd_network_leases(p, nw, out, e)
	})
	return decodeAs[[]*NetworkLease](s, err)
}

// Network is a network (GET /1.0/networks/<name>): a managed one LXD created, or a host
// interface it lists.
type Network struct {
	// Name is the key (an interface name: at most 15 characters); change it with Rename.
	Name        string `json:"name"`
	Description string `json:"description"`
	// Type is "bridge", "macvlan", "physical", "loopback", ...
	Type string `json:"type"`
	// Managed is true for networks LXD created.
	Managed bool              `json:"managed"`
	Status  string            `json:"status"`
	Config  map[string]string `json:"config"`
	UsedBy  []string          `json:"used_by"`
	// Locations are the cluster members it is defined on.
	Locations []string `json:"locations"`
	// Extra holds members this version has no field for.
	Extra Extra `json:"-"`

	meta objectMeta
}

// NetworkCreate is the request to create a network (POST /1.0/networks).
type NetworkCreate struct {
	Name        string `json:"name"`
	Description string `json:"description,omitempty"`
	// Type is "bridge" (the default), "macvlan", "sriov", "ovn" or "physical".
	Type   string            `json:"type,omitempty"`
	Config map[string]string `json:"config,omitempty"`
	// Extra holds members to send that this version has no field for.
	Extra Extra `json:"-"`
}

// NetworkState is a network's runtime state (GET /1.0/networks/<name>/state).
type NetworkState struct {
	Addresses []NetworkStateAddress `json:"addresses"`
	Counters  NetworkStateCounters  `json:"counters"`
	Hwaddr    string                `json:"hwaddr"`
	MTU       int64                 `json:"mtu"`
	// State is "up" or "down".
	State string `json:"state"`
	Type  string `json:"type"`
	// Bond, Bridge, VLAN and OVN are set for interfaces of that kind.
	Bond   *NetworkStateBond   `json:"bond"`
	Bridge *NetworkStateBridge `json:"bridge"`
	VLAN   *NetworkStateVLAN   `json:"vlan"`
	OVN    *NetworkStateOVN    `json:"ovn"`
	// Extra holds members this version has no field for.
	Extra Extra `json:"-"`
}

// NetworkStateAddress is one address of a network interface.
type NetworkStateAddress struct {
	Family  string `json:"family"`
	Address string `json:"address"`
	Netmask string `json:"netmask"`
	Scope   string `json:"scope"`
	// Extra holds members this version has no field for.
	Extra Extra `json:"-"`
}

// NetworkStateCounters are a network interface's traffic counters.
type NetworkStateCounters struct {
	BytesReceived   int64 `json:"bytes_received"`
	BytesSent       int64 `json:"bytes_sent"`
	PacketsReceived int64 `json:"packets_received"`
	PacketsSent     int64 `json:"packets_sent"`
	// Extra holds members this version has no field for.
	Extra Extra `json:"-"`
}

// NetworkStateBond is the state of a bond interface.
type NetworkStateBond struct {
	Mode           string   `json:"mode"`
	TransmitPolicy string   `json:"transmit_policy"`
	UpDelay        uint64   `json:"up_delay"`
	DownDelay      uint64   `json:"down_delay"`
	MIIFrequency   uint64   `json:"mii_frequency"`
	MIIState       string   `json:"mii_state"`
	LowerDevices   []string `json:"lower_devices"`
	// Extra holds members this version has no field for.
	Extra Extra `json:"-"`
}

// NetworkStateBridge is the state of a bridge.
type NetworkStateBridge struct {
	ID            string   `json:"id"`
	STP           bool     `json:"stp"`
	ForwardDelay  uint64   `json:"forward_delay"`
	VLANDefault   uint64   `json:"vlan_default"`
	VLANFiltering bool     `json:"vlan_filtering"`
	UpperDevices  []string `json:"upper_devices"`
	// Extra holds members this version has no field for.
	Extra Extra `json:"-"`
}

// NetworkStateVLAN is the state of a VLAN interface.
type NetworkStateVLAN struct {
	LowerDevice string `json:"lower_device"`
	VID         uint64 `json:"vid"`
	// Extra holds members this version has no field for.
	Extra Extra `json:"-"`
}

// NetworkStateOVN is the state of an OVN network.
type NetworkStateOVN struct {
	Chassis string `json:"chassis"`
	// Extra holds members this version has no field for.
	Extra Extra `json:"-"`
}

// NetworkAllocation is one address in use on a managed network (GET /1.0/network-allocations).
type NetworkAllocation struct {
	Addresses string `json:"addresses"`
	UsedBy    string `json:"used_by"`
	Type      string `json:"type"`
	NAT       bool   `json:"nat"`
	Hwaddr    string `json:"hwaddr"`
	Extra     Extra  `json:"-"`
}

// NetworkAllocations lists the addresses in use on the managed networks of the client's project,
// or with allProjects of every project (GET /1.0/network-allocations; Incus 6.0 only, LXD 5.0
// answers ErrNotFound).
func (c *Client) NetworkAllocations(ctx context.Context, allProjects bool) ([]NetworkAllocation, error) {
	s, err := c.callString(ctx, nil, func(p *C.lxd_client, out **C.char, e **C.lxd_error) C.enum_lxd_result {
		return C.lxd_network_allocations(p, C.bool(allProjects), out, e)
	})
	return decodeAs[[]NetworkAllocation](s, err)
}
