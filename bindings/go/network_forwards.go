//go:build cgo

package lxdclient

/*
#include <lxdclient.h>
*/
import "C"

import "context"

// Network forwards and peers (/1.0/networks/<network>/forwards, /peers) and DHCP leases.
// Forwards need a bridge or OVN network; peers need OVN (a bridge refuses them with ErrAPI).

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
