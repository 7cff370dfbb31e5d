//go:build cgo

package lxdclient

/*
#include <lxdclient.h>
*/
import "C"

import "context"

// Network ACLs (/1.0/network-acls): plain structs; Get returns the ETag for Update / Patch.

// NetworkACLLog is a network ACL's log (GET /1.0/network-acls/<name>/log) as text. Only OVN
// networks log; LXD refuses others (ErrAPI).
func (c *Client) NetworkACLLog(ctx context.Context, name string) (string, error) {
	var a cArgs
	n := a.str(name)
	return c.callString(ctx, &a, func(p *C.lxd_client, out **C.char, e **C.lxd_error) C.enum_lxd_result {
		return C.lxd_network_acl_log(p, n, out, e)
	})
}
