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
	if err != nil {
		return nil, err
	}
	var st NetworkState
	if err := decodeReply(s, &st); err != nil {
		return nil, err
	}
	return &st, nil
}

// State fetches the network's runtime state.
func (v *Network) State(ctx context.Context) (*NetworkState, error) {
	c, m, err := boundClient(v)
	if err != nil {
		return nil, err
	}
	return c.GetNetworkState(ctx, m.name)
}
