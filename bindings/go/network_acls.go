//go:build cgo

package lxdclient

/*
#include <lxdclient.h>
*/
import "C"

import "context"

// Network ACLs (/1.0/network-acls): plain structs; Get returns the ETag for Update / Patch.

// ListNetworkACLNames lists the network ACLs' names (GET /1.0/network-acls).
func (c *Client) ListNetworkACLNames(ctx context.Context) ([]string, error) {
	s, err := c.callString(ctx, nil, func(p *C.lxd_client, out **C.char, e **C.lxd_error) C.enum_lxd_result {
		return C.lxd_network_acl_list(p, 0, out, e)
	})
	if err != nil {
		return nil, err
	}
	return decodeNames(s)
}

// ListNetworkACLs lists the network ACLs (GET /1.0/network-acls?recursion=1).
func (c *Client) ListNetworkACLs(ctx context.Context) ([]*NetworkACL, error) {
	s, err := c.callString(ctx, nil, func(p *C.lxd_client, out **C.char, e **C.lxd_error) C.enum_lxd_result {
		return C.lxd_network_acl_list(p, 1, out, e)
	})
	return decodeAs[[]*NetworkACL](s, err)
}

// GetNetworkACL fetches a network ACL and its ETag. Missing: ErrNotFound.
func (c *Client) GetNetworkACL(ctx context.Context, name string) (*NetworkACL, string, error) {
	var a cArgs
	n := a.str(name)
	s, etag, err := c.callStringETag(ctx, &a, func(p *C.lxd_client, out, et **C.char, e **C.lxd_error) C.enum_lxd_result {
		return C.lxd_network_acl_get(p, n, out, et, e)
	})
	v, err := decodeAs[*NetworkACL](s, err)
	return v, etag, err
}

// NetworkACLExists reports whether a network ACL exists.
func (c *Client) NetworkACLExists(ctx context.Context, name string) (bool, error) {
	var a cArgs
	n := a.str(name)
	return c.callBool(ctx, &a, func(p *C.lxd_client, out *C.bool, e **C.lxd_error) C.enum_lxd_result {
		return C.lxd_network_acl_exists(p, n, out, e)
	})
}

// CreateNetworkACL creates a network ACL (POST /1.0/network-acls) from acl (Name, Description,
// Ingress, Egress, Config). LXD 5.0.2 refuses a taken name with ErrAPI (400), not ErrConflict.
func (c *Client) CreateNetworkACL(ctx context.Context, acl NetworkACL) error {
	var a cArgs
	j := a.json(acl)
	return c.callErr(ctx, &a, func(p *C.lxd_client, e **C.lxd_error) C.enum_lxd_result {
		return C.lxd_network_acl_create(p, j, e)
	})
}

// UpdateNetworkACL replaces a network ACL's description, rules and config (PUT); etag ("": none)
// guards against a concurrent change (ErrPreconditionFailed).
func (c *Client) UpdateNetworkACL(ctx context.Context, name string, acl NetworkACL, etag string) error {
	var a cArgs
	n, j, et := a.str(name), a.json(acl), a.opt(etag)
	return c.callErr(ctx, &a, func(p *C.lxd_client, e **C.lxd_error) C.enum_lxd_result {
		return C.lxd_network_acl_update(p, n, j, et, e)
	})
}

// PatchNetworkACL merges patch (any JSON object) into a network ACL (PATCH); etag as in
// UpdateNetworkACL. LXD 5.0.2 merges "config" but takes "ingress" and "egress" as sent: left
// out, the rules are cleared.
func (c *Client) PatchNetworkACL(ctx context.Context, name string, patch any, etag string) error {
	var a cArgs
	n, j, et := a.str(name), a.json(patch), a.opt(etag)
	return c.callErr(ctx, &a, func(p *C.lxd_client, e **C.lxd_error) C.enum_lxd_result {
		return C.lxd_network_acl_patch(p, n, j, et, e)
	})
}

// RenameNetworkACL renames a network ACL; LXD refuses a taken name.
func (c *Client) RenameNetworkACL(ctx context.Context, name, newName string) error {
	var a cArgs
	n, nn := a.str(name), a.str(newName)
	return c.callErr(ctx, &a, func(p *C.lxd_client, e **C.lxd_error) C.enum_lxd_result {
		return C.lxd_network_acl_rename(p, n, nn, e)
	})
}

// DeleteNetworkACL deletes a network ACL.
func (c *Client) DeleteNetworkACL(ctx context.Context, name string) error {
	var a cArgs
	n := a.str(name)
	return c.callErr(ctx, &a, func(p *C.lxd_client, e **C.lxd_error) C.enum_lxd_result {
		return C.lxd_network_acl_delete(p, n, e)
	})
}

// NetworkACLLog is a network ACL's log (GET /1.0/network-acls/<name>/log) as text. Only OVN
// networks log; LXD refuses others (ErrAPI).
func (c *Client) NetworkACLLog(ctx context.Context, name string) (string, error) {
	var a cArgs
	n := a.str(name)
	return c.callString(ctx, &a, func(p *C.lxd_client, out **C.char, e **C.lxd_error) C.enum_lxd_result {
		return C.lxd_network_acl_log(p, n, out, e)
	})
}
