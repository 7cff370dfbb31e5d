//go:build cgo

package lxdclient

/*
#include <lxdclient.h>
*/
import "C"

import (
	"context"
	"encoding/json"
)

// Network load balancers (/1.0/networks/<network>/load-balancers; Incus 6.0 only, on OVN
// networks: Incus refuses a bridge with ErrAPI, LXD 5.0 answers ErrNotFound). The CRUD methods and
// the object lifecycle are generated (zz_generated_network_load_balancers.go).

// NetworkLoadBalancer is a load balancer of a network, named by its listen address.
type NetworkLoadBalancer struct {
	ListenAddress string                       `json:"listen_address"`
	Description   string                       `json:"description"`
	Config        map[string]string            `json:"config"`
	Backends      []NetworkLoadBalancerBackend `json:"backends"`
	Ports         []NetworkLoadBalancerPort    `json:"ports"`
	Location      string                       `json:"location,omitempty"`
	Extra         Extra                        `json:"-"`

	meta objectMeta
}

// NetworkLoadBalancerBackend is one target of a load balancer.
type NetworkLoadBalancerBackend struct {
	Name          string `json:"name"`
	Description   string `json:"description,omitempty"`
	TargetPort    string `json:"target_port,omitempty"`
	TargetAddress string `json:"target_address"`
	Extra         Extra  `json:"-"`
}

// NetworkLoadBalancerPort is a port rule of a load balancer: its listen port(s) go to the named
// backends.
type NetworkLoadBalancerPort struct {
	Description   string   `json:"description,omitempty"`
	Protocol      string   `json:"protocol"`
	ListenPort    string   `json:"listen_port"`
	TargetBackend []string `json:"target_backend"`
	Extra         Extra    `json:"-"`
}

// NetworkLoadBalancerState is a load balancer's backend health (GET
// /1.0/networks/<network>/load-balancers/<listen_address>/state), as Incus sends it.
func (c *Client) NetworkLoadBalancerState(ctx context.Context, network, listenAddress string) (json.RawMessage, error) {
	var a cArgs
	n, l := a.str(network), a.str(listenAddress)
	s, err := c.callString(ctx, &a, func(p *C.lxd_client, out **C.char, e **C.lxd_error) C.enum_lxd_result {
		return C.lxd_network_load_balancer_state(p, n, l, out, e)
	})
	if err != nil {
		return nil, err
	}
	return json.RawMessage(s), nil
}
