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

// ListClusterGroupNames lists the cluster groups' names (GET /1.0/cluster/groups).
func (c *Client) ListClusterGroupNames(ctx context.Context) ([]string, error) {
	s, err := c.callString(ctx, nil, func(p *C.lxd_client, out **C.char, e **C.lxd_error) C.enum_lxd_result {
		return C.lxd_cluster_group_list(p, 0, out, e)
	})
	if err != nil {
		return nil, err
	}
	return decodeNames(s)
}

// ListClusterGroups lists the cluster groups (recursion=1).
func (c *Client) ListClusterGroups(ctx context.Context) ([]*ClusterGroup, error) {
	s, err := c.callString(ctx, nil, func(p *C.lxd_client, out **C.char, e **C.lxd_error) C.enum_lxd_result {
		return C.lxd_cluster_group_list(p, 1, out, e)
	})
	return decodeAs[[]*ClusterGroup](s, err)
}

// GetClusterGroup fetches a cluster group and its ETag. Missing: ErrNotFound.
func (c *Client) GetClusterGroup(ctx context.Context, name string) (*ClusterGroup, string, error) {
	var a cArgs
	n := a.str(name)
	s, etag, err := c.callStringETag(ctx, &a, func(p *C.lxd_client, out, et **C.char, e **C.lxd_error) C.enum_lxd_result {
		return C.lxd_cluster_group_get(p, n, out, et, e)
	})
	v, err := decodeAs[*ClusterGroup](s, err)
	return v, etag, err
}

// CreateClusterGroup creates a cluster group (POST /1.0/cluster/groups) with g's Name,
// Description and Members. LXD 5.0.2 refuses a taken name with ErrAPI (500), not ErrConflict.
func (c *Client) CreateClusterGroup(ctx context.Context, g ClusterGroup) error {
	var a cArgs
	j := a.json(g)
	return c.callErr(ctx, &a, func(p *C.lxd_client, e **C.lxd_error) C.enum_lxd_result {
		return C.lxd_cluster_group_create(p, j, e)
	})
}

// UpdateClusterGroup replaces a group's description and members (PUT); etag ("": none) is sent as
// If-Match, which LXD 5.0.2 checks on a group's PATCH (ErrPreconditionFailed) but not on its PUT.
func (c *Client) UpdateClusterGroup(ctx context.Context, name string, g ClusterGroup, etag string) error {
	var a cArgs
	n, j, et := a.str(name), a.json(g), a.opt(etag)
	return c.callErr(ctx, &a, func(p *C.lxd_client, e **C.lxd_error) C.enum_lxd_result {
		return C.lxd_cluster_group_update(p, n, j, et, e)
	})
}

// PatchClusterGroup merges patch into a cluster group (PATCH); etag as in UpdateClusterGroup.
func (c *Client) PatchClusterGroup(ctx context.Context, name string, patch any, etag string) error {
	var a cArgs
	n, j, et := a.str(name), a.json(patch), a.opt(etag)
	return c.callErr(ctx, &a, func(p *C.lxd_client, e **C.lxd_error) C.enum_lxd_result {
		return C.lxd_cluster_group_patch(p, n, j, et, e)
	})
}

// RenameClusterGroup renames a cluster group.
func (c *Client) RenameClusterGroup(ctx context.Context, name, newName string) error {
	var a cArgs
	n, nn := a.str(name), a.str(newName)
	return c.callErr(ctx, &a, func(p *C.lxd_client, e **C.lxd_error) C.enum_lxd_result {
		return C.lxd_cluster_group_rename(p, n, nn, e)
	})
}

// DeleteClusterGroup deletes a cluster group; LXD refuses one that still has members.
func (c *Client) DeleteClusterGroup(ctx context.Context, name string) error {
	var a cArgs
	n := a.str(name)
	return c.callErr(ctx, &a, func(p *C.lxd_client, e **C.lxd_error) C.enum_lxd_result {
		return C.lxd_cluster_group_delete(p, n, e)
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

// PatchClusterMember merges patch into a cluster member (PATCH); etag ("": none) as in
// UpdateClusterMember. LXD 5.0.2 fills what the patch leaves out with defaults and may then
// refuse them: include "roles", "groups" and "failure_domain".
func (c *Client) PatchClusterMember(ctx context.Context, name string, patch any, etag string) error {
	var a cArgs
	n, j, et := a.str(name), a.json(patch), a.opt(etag)
	return c.callErr(ctx, &a, func(p *C.lxd_client, e **C.lxd_error) C.enum_lxd_result {
		return C.lxd_cluster_member_patch(p, n, j, et, e)
	})
}

// RenameClusterMember renames a cluster member; LXD refuses a taken name. LXD 5.0.2 answers
// for a missing member with ErrAPI (500 "expected to update one row"), not ErrNotFound.
func (c *Client) RenameClusterMember(ctx context.Context, name, newName string) error {
	var a cArgs
	n, nn := a.str(name), a.str(newName)
	return c.callErr(ctx, &a, func(p *C.lxd_client, e **C.lxd_error) C.enum_lxd_result {
		return C.lxd_cluster_member_rename(p, n, nn, e)
	})
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
