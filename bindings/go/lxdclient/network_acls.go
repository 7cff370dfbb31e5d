//go:build cgo

package lxdclient

/*
#include <lxdclient.h>
*/
import "C"

import "context"

// Network ACLs (/1.0/network-acls). The CRUD methods and the object lifecycle are generated
// (zz_generated_network_acls.go).

// NetworkACLLog is a network ACL's log (GET /1.0/network-acls/<name>/log) as text. Only OVN
// networks log; LXD refuses others (ErrAPI).
func (c *Client) NetworkACLLog(ctx context.Context, name string) (string, error) {
	var a cArgs
	n := a.str(name)
	return c.callString(ctx, &a, func(p *C.lxd_client, out **C.char, e **C.lxd_error) C.enum_lxd_result {
		return C.lxd_network_acl_log(p, n, out, e)
	})
}

// NetworkACL is a network ACL (GET /1.0/network-acls/<name>).
type NetworkACL struct {
	Name        string            `json:"name"`
	Description string            `json:"description"`
	Ingress     []NetworkACLRule  `json:"ingress"`
	Egress      []NetworkACLRule  `json:"egress"`
	Config      map[string]string `json:"config"`
	UsedBy      []string          `json:"used_by,omitempty"`
	Extra       Extra             `json:"-"`

	meta objectMeta
}

// NetworkACLRule is one ingress or egress rule of a network ACL.
type NetworkACLRule struct {
	// Action is "allow", "reject" or "drop".
	Action          string `json:"action"`
	Source          string `json:"source,omitempty"`
	Destination     string `json:"destination,omitempty"`
	Protocol        string `json:"protocol,omitempty"`
	SourcePort      string `json:"source_port,omitempty"`
	DestinationPort string `json:"destination_port,omitempty"`
	ICMPType        string `json:"icmp_type,omitempty"`
	ICMPCode        string `json:"icmp_code,omitempty"`
	Description     string `json:"description,omitempty"`
	// State is "enabled", "disabled" or "logged".
	State string `json:"state"`
	Extra Extra  `json:"-"`
}
