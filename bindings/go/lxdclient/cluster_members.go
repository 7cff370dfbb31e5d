//go:build cgo

package lxdclient

/*
#include <lxdclient.h>
*/
import "C"

import "context"

// ClusterMember is a member of an LXD cluster (GET /1.0/cluster/members/<name>).
type ClusterMember struct {
	ServerName    string            `json:"server_name"`
	URL           string            `json:"url"`
	Database      bool              `json:"database"`
	Status        string            `json:"status"`
	Message       string            `json:"message"`
	Architecture  string            `json:"architecture"`
	FailureDomain string            `json:"failure_domain"`
	Description   string            `json:"description"`
	Config        map[string]string `json:"config"`
	Roles         []string          `json:"roles"`
	Groups        []string          `json:"groups"`
	Extra         Extra             `json:"-"`

	meta objectMeta
}

// EvacuateClusterMember moves a member's instances away and waits.
func (c *Client) EvacuateClusterMember(ctx context.Context, name string) (*Operation, error) {
	var a cArgs
	n := a.str(name)
	return c.callOp(ctx, &a, func(cl *C.lxd_client, op **C.lxd_operation, e **C.lxd_error) C.enum_lxd_result {
		return C.lxd_cluster_member_evacuate(cl, n, op, e)
	})
}

// RestoreClusterMember brings an evacuated member's instances back and waits.
func (c *Client) RestoreClusterMember(ctx context.Context, name string) (*Operation, error) {
	var a cArgs
	n := a.str(name)
	return c.callOp(ctx, &a, func(cl *C.lxd_client, op **C.lxd_operation, e **C.lxd_error) C.enum_lxd_result {
		return C.lxd_cluster_member_restore(cl, n, op, e)
	})
}
