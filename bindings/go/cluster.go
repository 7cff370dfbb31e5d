//go:build cgo

package lxdclient

/*
#include <lxdclient.h>
*/
import "C"

import "context"

// Clusters: the cluster itself, its certificate, cluster groups, join tokens, member patches,
// renames and state changes, and moving instances between members.

// GetCluster fetches the cluster settings (GET /1.0/cluster) and the ETag for UpdateCluster.
// A standalone server answers with Enabled false.
func (c *Client) GetCluster(ctx context.Context) (*Cluster, string, error) {
	s, etag, err := c.callStringETag(ctx, nil, func(p *C.lxd_client, out, et **C.char, e **C.lxd_error) C.enum_lxd_result {
		return C.lxd_cluster_get(p, out, et, e)
	})
	v, err := decodeAs[*Cluster](s, err)
	return v, etag, err
}

// UpdateCluster enables clustering on a standalone server, joins a cluster or leaves one
// (PUT /1.0/cluster) and waits; etag ("": none) is sent as If-Match.
func (c *Client) UpdateCluster(ctx context.Context, req ClusterPut, etag string) error {
	var a cArgs
	j, et := a.json(req), a.opt(etag)
	return c.callWait(ctx, &a, func(p *C.lxd_client, op **C.lxd_operation, e **C.lxd_error) C.enum_lxd_result {
		return C.lxd_cluster_update(p, j, et, op, e)
	})
}

// UpdateClusterCertificate replaces the certificate every member serves
// (PUT /1.0/cluster/certificate) with certPEM and keyPEM; etag ("": none) as in UpdateCluster.
// The key never appears in an error message.
func (c *Client) UpdateClusterCertificate(ctx context.Context, certPEM, keyPEM, etag string) error {
	var a cArgs
	cp, kp, et := a.str(certPEM), a.str(keyPEM), a.opt(etag)
	return c.callErr(ctx, &a, func(p *C.lxd_client, e **C.lxd_error) C.enum_lxd_result {
		return C.lxd_cluster_update_certificate(p, cp, kp, et, e)
	})
}

// CreateClusterJoinToken makes a join token for a new member called serverName
// (POST /1.0/cluster/members): the token `lxc cluster add` prints, and its token operation,
// whose Cancel revokes the token (Close the operation when done with it).
func (c *Client) CreateClusterJoinToken(ctx context.Context, serverName string) (string, *Operation, error) {
	var a cArgs
	n := a.str(serverName)
	return c.callToken(ctx, &a, func(p *C.lxd_client, tok **C.char, op **C.lxd_operation, e **C.lxd_error) C.enum_lxd_result {
		return C.lxd_cluster_member_join_token(p, n, tok, op, e)
	})
}

// callToken makes a call that returns a string and a token operation.
func (c *Client) callToken(ctx context.Context, a *cArgs, f func(*C.lxd_client, **C.char, **C.lxd_operation, **C.lxd_error) C.enum_lxd_result) (string, *Operation, error) {
	var token string
	var op *Operation
	err := c.use(ctx, a, func(p *C.lxd_client) error {
		var out *C.char
		var cop *C.lxd_operation
		var e *C.lxd_error
		if err := takeError(f(p, &out, &cop, &e), e); err != nil {
			return err
		}
		token = takeString(out)
		op = newOperation(c, cop)
		return nil
	})
	if err != nil {
		return "", nil, err
	}
	return token, op, nil
}

// SetClusterMemberState evacuates or restores a member (POST .../members/<name>/state) and
// waits: action is "evacuate" or "restore"; mode ("": LXD's default) is how evacuation treats
// instances ("auto", "stop", "migrate", "live-migrate").
func (c *Client) SetClusterMemberState(ctx context.Context, name, action, mode string) error {
	var a cArgs
	n, ac, m := a.str(name), a.str(action), a.opt(mode)
	return c.callWait(ctx, &a, func(p *C.lxd_client, op **C.lxd_operation, e **C.lxd_error) C.enum_lxd_result {
		return C.lxd_cluster_member_set_state(p, n, ac, m, op, e)
	})
}

// MoveInstanceToMember moves a stopped instance to another cluster member
// (POST /1.0/instances/<name>?target=<member>) and waits.
func (c *Client) MoveInstanceToMember(ctx context.Context, name, member string) error {
	var a cArgs
	n, m := a.str(name), a.str(member)
	return c.callWait(ctx, &a, func(p *C.lxd_client, op **C.lxd_operation, e **C.lxd_error) C.enum_lxd_result {
		return C.lxd_instance_move_to_member(p, n, m, op, e)
	})
}
