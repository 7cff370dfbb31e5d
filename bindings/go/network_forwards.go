//go:build cgo

package lxdclient

/*
#include <lxdclient.h>
*/
import "C"

import "context"

// Network forwards and peers (/1.0/networks/<network>/forwards, /peers) and DHCP leases.
// Forwards need a bridge or OVN network; peers need OVN (a bridge refuses them with ErrAPI).

// ListNetworkForwardAddresses lists the listen addresses of a network's forwards.
func (c *Client) ListNetworkForwardAddresses(ctx context.Context, network string) ([]string, error) {
	var a cArgs
	nw := a.str(network)
	s, err := c.callString(ctx, &a, func(p *C.lxd_client, out **C.char, e **C.lxd_error) C.enum_lxd_result {
		return C.lxd_network_forward_list(p, nw, 0, out, e)
	})
	if err != nil {
		return nil, err
	}
	return decodeNames(s)
}

// ListNetworkForwards lists a network's forwards (GET .../forwards?recursion=1).
func (c *Client) ListNetworkForwards(ctx context.Context, network string) ([]*NetworkForward, error) {
	var a cArgs
	nw := a.str(network)
	s, err := c.callString(ctx, &a, func(p *C.lxd_client, out **C.char, e **C.lxd_error) C.enum_lxd_result {
		return C.lxd_network_forward_list(p, nw, 1, out, e)
	})
	return decodeAs[[]*NetworkForward](s, err)
}

// GetNetworkForward fetches the forward of listenAddress and its ETag. Missing: ErrNotFound.
func (c *Client) GetNetworkForward(ctx context.Context, network, listenAddress string) (*NetworkForward, string, error) {
	var a cArgs
	nw, l := a.str(network), a.str(listenAddress)
	s, etag, err := c.callStringETag(ctx, &a, func(p *C.lxd_client, out, et **C.char, e **C.lxd_error) C.enum_lxd_result {
		return C.lxd_network_forward_get(p, nw, l, out, et, e)
	})
	v, err := decodeAs[*NetworkForward](s, err)
	return v, etag, err
}

// CreateNetworkForward creates a forward (POST .../forwards) from fwd (ListenAddress,
// Description, Config, Ports). Taken: ErrConflict.
func (c *Client) CreateNetworkForward(ctx context.Context, network string, fwd NetworkForward) error {
	var a cArgs
	nw, j := a.str(network), a.json(fwd)
	return c.callErr(ctx, &a, func(p *C.lxd_client, e **C.lxd_error) C.enum_lxd_result {
		return C.lxd_network_forward_create(p, nw, j, e)
	})
}

// UpdateNetworkForward replaces a forward's description, config and ports (PUT); etag ("": none)
// is sent as If-Match, though LXD 5.0.2 does not check it for forwards.
func (c *Client) UpdateNetworkForward(ctx context.Context, network, listenAddress string, fwd NetworkForward, etag string) error {
	var a cArgs
	nw, l, j, et := a.str(network), a.str(listenAddress), a.json(fwd), a.opt(etag)
	return c.callErr(ctx, &a, func(p *C.lxd_client, e **C.lxd_error) C.enum_lxd_result {
		return C.lxd_network_forward_update(p, nw, l, j, et, e)
	})
}

// PatchNetworkForward merges patch into a forward (PATCH); etag as in UpdateNetworkForward.
// LXD 5.0.2 drops the connection on a patch without "config" (a handler panic): include it.
func (c *Client) PatchNetworkForward(ctx context.Context, network, listenAddress string, patch any, etag string) error {
	var a cArgs
	nw, l, j, et := a.str(network), a.str(listenAddress), a.json(patch), a.opt(etag)
	return c.callErr(ctx, &a, func(p *C.lxd_client, e **C.lxd_error) C.enum_lxd_result {
		return C.lxd_network_forward_patch(p, nw, l, j, et, e)
	})
}

// DeleteNetworkForward deletes the forward of listenAddress.
func (c *Client) DeleteNetworkForward(ctx context.Context, network, listenAddress string) error {
	var a cArgs
	nw, l := a.str(network), a.str(listenAddress)
	return c.callErr(ctx, &a, func(p *C.lxd_client, e **C.lxd_error) C.enum_lxd_result {
		return C.lxd_network_forward_delete(p, nw, l, e)
	})
}

// ListNetworkPeerNames lists the names of a network's peers.
func (c *Client) ListNetworkPeerNames(ctx context.Context, network string) ([]string, error) {
	var a cArgs
	nw := a.str(network)
	s, err := c.callString(ctx, &a, func(p *C.lxd_client, out **C.char, e **C.lxd_error) C.enum_lxd_result {
		return C.lxd_network_peer_list(p, nw, 0, out, e)
	})
	if err != nil {
		return nil, err
	}
	return decodeNames(s)
}

// ListNetworkPeers lists a network's peers (GET .../peers?recursion=1).
func (c *Client) ListNetworkPeers(ctx context.Context, network string) ([]*NetworkPeer, error) {
	var a cArgs
	nw := a.str(network)
	s, err := c.callString(ctx, &a, func(p *C.lxd_client, out **C.char, e **C.lxd_error) C.enum_lxd_result {
		return C.lxd_network_peer_list(p, nw, 1, out, e)
	})
	return decodeAs[[]*NetworkPeer](s, err)
}

// GetNetworkPeer fetches a peer and its ETag. Missing: ErrNotFound.
func (c *Client) GetNetworkPeer(ctx context.Context, network, name string) (*NetworkPeer, string, error) {
	var a cArgs
	nw, n := a.str(network), a.str(name)
	s, etag, err := c.callStringETag(ctx, &a, func(p *C.lxd_client, out, et **C.char, e **C.lxd_error) C.enum_lxd_result {
		return C.lxd_network_peer_get(p, nw, n, out, et, e)
	})
	v, err := decodeAs[*NetworkPeer](s, err)
	return v, etag, err
}

// CreateNetworkPeer creates a peer (POST .../peers) from peer (Name, Description, Config,
// TargetProject, TargetNetwork). Taken: ErrConflict.
func (c *Client) CreateNetworkPeer(ctx context.Context, network string, peer NetworkPeer) error {
	var a cArgs
	nw, j := a.str(network), a.json(peer)
	return c.callErr(ctx, &a, func(p *C.lxd_client, e **C.lxd_error) C.enum_lxd_result {
		return C.lxd_network_peer_create(p, nw, j, e)
	})
}

// UpdateNetworkPeer replaces a peer's description and config (PUT); etag as in
// UpdateNetworkForward.
func (c *Client) UpdateNetworkPeer(ctx context.Context, network, name string, peer NetworkPeer, etag string) error {
	var a cArgs
	nw, n, j, et := a.str(network), a.str(name), a.json(peer), a.opt(etag)
	return c.callErr(ctx, &a, func(p *C.lxd_client, e **C.lxd_error) C.enum_lxd_result {
		return C.lxd_network_peer_update(p, nw, n, j, et, e)
	})
}

// PatchNetworkPeer merges patch into a peer (PATCH); etag as in UpdateNetworkForward.
func (c *Client) PatchNetworkPeer(ctx context.Context, network, name string, patch any, etag string) error {
	var a cArgs
	nw, n, j, et := a.str(network), a.str(name), a.json(patch), a.opt(etag)
	return c.callErr(ctx, &a, func(p *C.lxd_client, e **C.lxd_error) C.enum_lxd_result {
		return C.lxd_network_peer_patch(p, nw, n, j, et, e)
	})
}

// DeleteNetworkPeer deletes a peer.
func (c *Client) DeleteNetworkPeer(ctx context.Context, network, name string) error {
	var a cArgs
	nw, n := a.str(network), a.str(name)
	return c.callErr(ctx, &a, func(p *C.lxd_client, e **C.lxd_error) C.enum_lxd_result {
		return C.lxd_network_peer_delete(p, nw, n, e)
	})
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
