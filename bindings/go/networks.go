//go:build cgo

package lxdclient

/*
#include <lxdclient.h>
*/
import "C"

import "context"

// ListNetworkNames lists the networks' names, managed or not (GET /1.0/networks).
func (c *Client) ListNetworkNames(ctx context.Context) ([]string, error) {
	s, err := c.callString(ctx, nil, func(p *C.lxd_client, out **C.char, e **C.lxd_error) C.enum_lxd_result {
		return C.lxd_network_list(p, 0, out, e)
	})
	if err != nil {
		return nil, err
	}
	return decodeNames(s)
}

// ListNetworks lists the networks (GET /1.0/networks?recursion=1). Listed objects carry no
// ETag: their Save sends no If-Match unless you Sync them first.
func (c *Client) ListNetworks(ctx context.Context) ([]*Network, error) {
	s, err := c.callString(ctx, nil, func(p *C.lxd_client, out **C.char, e **C.lxd_error) C.enum_lxd_result {
		return C.lxd_network_list(p, 1, out, e)
	})
	if err != nil {
		return nil, err
	}
	return loadList[Network](c, s, networkKey, "")
}

func networkKey(n *Network) string { return n.Name }

// GetNetwork fetches one network (GET /1.0/networks/<name>) with its ETag. Missing: ErrNotFound.
func (c *Client) GetNetwork(ctx context.Context, name string) (*Network, error) {
	var a cArgs
	n := a.str(name)
	s, etag, err := c.callStringETag(ctx, &a, func(p *C.lxd_client, out, et **C.char, e **C.lxd_error) C.enum_lxd_result {
		return C.lxd_network_get(p, n, out, et, e)
	})
	if err != nil {
		return nil, err
	}
	return loadObject[Network](c, []byte(s), etag, networkKey, "")
}

// NetworkExists reports whether a network exists (GET /1.0/networks/<name>, 404 → false).
func (c *Client) NetworkExists(ctx context.Context, name string) (bool, error) {
	var a cArgs
	n := a.str(name)
	return c.callBool(ctx, &a, func(p *C.lxd_client, out *C.bool, e **C.lxd_error) C.enum_lxd_result {
		return C.lxd_network_exists(p, n, out, e)
	})
}

// CreateNetwork creates a managed network (POST /1.0/networks). Name taken: ErrConflict.
func (c *Client) CreateNetwork(ctx context.Context, req NetworkCreate) error {
	var a cArgs
	j := a.json(req)
	return c.callErr(ctx, &a, func(p *C.lxd_client, e **C.lxd_error) C.enum_lxd_result {
		return C.lxd_network_create(p, j, e)
	})
}

// UpdateNetwork replaces a network's configuration and description with network's
// (PUT /1.0/networks/<name>). A non-empty etag is sent as If-Match: if the network changed since
// it was read, ErrPreconditionFailed.
func (c *Client) UpdateNetwork(ctx context.Context, name string, network *Network, etag string) error {
	var a cArgs
	n, j, t := a.str(name), a.json(network), a.opt(etag)
	return c.callErr(ctx, &a, func(p *C.lxd_client, e **C.lxd_error) C.enum_lxd_result {
		return C.lxd_network_update(p, n, j, t, e)
	})
}

// PatchNetwork merges patch (any value encoding/json turns into a JSON object) into a network
// (PATCH /1.0/networks/<name>); etag as in UpdateNetwork.
func (c *Client) PatchNetwork(ctx context.Context, name string, patch any, etag string) error {
	var a cArgs
	n, j, t := a.str(name), a.json(patch), a.opt(etag)
	return c.callErr(ctx, &a, func(p *C.lxd_client, e **C.lxd_error) C.enum_lxd_result {
		return C.lxd_network_patch(p, n, j, t, e)
	})
}

// RenameNetwork renames a managed network (POST /1.0/networks/<name>). Name taken: ErrConflict.
func (c *Client) RenameNetwork(ctx context.Context, name, newName string) error {
	var a cArgs
	n, nn := a.str(name), a.str(newName)
	return c.callErr(ctx, &a, func(p *C.lxd_client, e **C.lxd_error) C.enum_lxd_result {
		return C.lxd_network_rename(p, n, nn, e)
	})
}

// DeleteNetwork deletes a managed network (DELETE /1.0/networks/<name>). In use: ErrAPI.
func (c *Client) DeleteNetwork(ctx context.Context, name string) error {
	var a cArgs
	n := a.str(name)
	return c.callErr(ctx, &a, func(p *C.lxd_client, e **C.lxd_error) C.enum_lxd_result {
		return C.lxd_network_delete(p, n, e)
	})
}

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

// ETag is the ETag the network was read with ("" for listed networks).
func (v *Network) ETag() string { return v.meta.etag }

// Dirty reports whether the network was changed since it was read (or last synced or saved).
func (v *Network) Dirty() bool { return isDirty(v) }

// Rollback discards local changes: the network is again what the server sent.
func (v *Network) Rollback() error { return rollback(v) }

// Sync fetches the network again, discarding local changes.
func (v *Network) Sync(ctx context.Context) error {
	c, m, err := boundClient(v)
	if err != nil {
		return err
	}
	fresh, err := c.GetNetwork(ctx, m.name)
	if err != nil {
		return err
	}
	replace(v, fresh)
	return nil
}

// Save writes the network back (PUT with the ETag it was read with: if it changed on the server
// meanwhile, ErrPreconditionFailed and nothing is overwritten), then syncs it.
func (v *Network) Save(ctx context.Context) error {
	c, m, err := boundClient(v)
	if err != nil {
		return err
	}
	if err := c.UpdateNetwork(ctx, m.name, v, m.etag); err != nil {
		return err
	}
	return v.Sync(ctx)
}

// Rename renames the network on the server, then syncs it.
func (v *Network) Rename(ctx context.Context, newName string) error {
	c, m, err := boundClient(v)
	if err != nil {
		return err
	}
	if err := c.RenameNetwork(ctx, m.name, newName); err != nil {
		return err
	}
	m.name = newName
	return v.Sync(ctx)
}

// Delete deletes the network on the server.
func (v *Network) Delete(ctx context.Context) error {
	c, m, err := boundClient(v)
	if err != nil {
		return err
	}
	return c.DeleteNetwork(ctx, m.name)
}

// State fetches the network's runtime state.
func (v *Network) State(ctx context.Context) (*NetworkState, error) {
	c, m, err := boundClient(v)
	if err != nil {
		return nil, err
	}
	return c.GetNetworkState(ctx, m.name)
}
