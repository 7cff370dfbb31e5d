//go:build cgo

package lxdclient

/*
#include <lxdclient.h>
*/
import "C"

import (
	"context"
	"encoding/json"
)

// The cluster itself (/1.0/cluster): its settings (a live object), its certificate, join tokens,
// and moving instances between members. Members and groups have their own files.

// GetCluster fetches the cluster settings (GET /1.0/cluster) with their ETag: a live object
// (Sync, Save). A standalone server answers with Enabled false.
func (c *Client) GetCluster(ctx context.Context) (*Cluster, error) {
	s, etag, err := c.callStringETag(ctx, nil, func(p *C.lxd_client, out, et **C.char, e **C.lxd_error) C.enum_lxd_result {
		return C.lxd_cluster_get(p, out, et, e)
	})
	if err != nil {
		return nil, err
	}
	return loadObject[Cluster](c, []byte(s), etag, func(*Cluster) string { return "" })
}

func (v *Cluster) lifecycle() *objectMeta { return &v.meta }

// ETag is the ETag the cluster settings were read with.
func (v *Cluster) ETag() string { return v.meta.etag }

// Dirty reports whether the settings were changed since they were read (or last synced or saved).
func (v *Cluster) Dirty() bool { return isDirty(v) }

// Rollback discards local changes: the settings are again what the server sent.
func (v *Cluster) Rollback() error { return rollback(v) }

// Sync fetches the cluster settings again, discarding local changes.
func (v *Cluster) Sync(ctx context.Context) error {
	c, _, err := boundClient(v)
	if err != nil {
		return err
	}
	fresh, err := c.GetCluster(ctx)
	if err != nil {
		return err
	}
	replace(v, fresh)
	return nil
}

// Save writes ServerName, Enabled and MemberConfig back (PUT /1.0/cluster with the ETag they were
// read with), waits, then syncs. Enabling clustering needs more (a cluster address, a join token):
// use UpdateCluster with a ClusterPut.
func (v *Cluster) Save(ctx context.Context) error {
	c, m, err := boundClient(v)
	if err != nil {
		return err
	}
	req := ClusterPut{ServerName: v.ServerName, Enabled: v.Enabled, MemberConfig: v.MemberConfig, Extra: v.Extra}
	if err := c.opWait(ctx)(c.UpdateCluster(ctx, req, m.etag)); err != nil {
		return err
	}
	return v.Sync(ctx)
}

// UpdateCluster enables clustering on a standalone server, joins a cluster or leaves one
// (PUT /1.0/cluster); etag ("": none) is sent as If-Match. LXD answers with an operation: wait
// on it.
func (c *Client) UpdateCluster(ctx context.Context, req ClusterPut, etag string) (*Operation, error) {
	var a cArgs
	j, et := a.json(req), a.opt(etag)
	return c.callOp(ctx, &a, func(p *C.lxd_client, op **C.lxd_operation, e **C.lxd_error) C.enum_lxd_result {
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
func (c *Client) SetClusterMemberState(ctx context.Context, name, action, mode string) (*Operation, error) {
	var a cArgs
	n, ac, m := a.str(name), a.str(action), a.opt(mode)
	return c.callOp(ctx, &a, func(p *C.lxd_client, op **C.lxd_operation, e **C.lxd_error) C.enum_lxd_result {
		return C.lxd_cluster_member_set_state(p, n, ac, m, op, e)
	})
}

// MoveInstanceToMember moves a stopped instance to another cluster member
// (POST /1.0/instances/<name>?target=<member>) and waits.
func (c *Client) MoveInstanceToMember(ctx context.Context, name, member string) (*Operation, error) {
	var a cArgs
	n, m := a.str(name), a.str(member)
	return c.callOp(ctx, &a, func(p *C.lxd_client, op **C.lxd_operation, e **C.lxd_error) C.enum_lxd_result {
		return C.lxd_instance_move_to_member(p, n, m, op, e)
	})
}

// Cluster is the server's cluster settings (GET /1.0/cluster).
type Cluster struct {
	ServerName string `json:"server_name"`
	Enabled    bool   `json:"enabled"`
	// MemberConfig lists the member-specific keys a joining server must be given.
	MemberConfig []ClusterMemberConfigKey `json:"member_config"`
	Extra        Extra                    `json:"-"`

	meta objectMeta
}

// ClusterMemberConfigKey is a member-specific configuration key of a cluster.
type ClusterMemberConfigKey struct {
	Entity      string `json:"entity"`
	Name        string `json:"name"`
	Key         string `json:"key"`
	Value       string `json:"value"`
	Description string `json:"description"`
	Extra       Extra  `json:"-"`
}

// ClusterPut is the request that enables clustering on a standalone server, joins a cluster
// or leaves one (PUT /1.0/cluster).
type ClusterPut struct {
	ServerName         string                   `json:"server_name"`
	Enabled            bool                     `json:"enabled"`
	MemberConfig       []ClusterMemberConfigKey `json:"member_config,omitempty"`
	ClusterAddress     string                   `json:"cluster_address,omitempty"`
	ClusterCertificate string                   `json:"cluster_certificate,omitempty"`
	ServerAddress      string                   `json:"server_address,omitempty"`
	ClusterPassword    string                   `json:"cluster_password,omitempty"`
	ClusterToken       string                   `json:"cluster_token,omitempty"`
	Extra              Extra                    `json:"-"`
}

// ClusterMemberState is a member's state (GET /1.0/cluster/members/<name>/state; Incus 6.0 only)
// as Incus sends it: "sysinfo" (uptime, load, memory, processes) and "storage_pools" (the space of
// each pool). A server that is not clustered answers for the name "none". LXD 5.0.2 has only the
// POST of this path (SetClusterMemberState) and answers 501: ErrAPI.
func (c *Client) ClusterMemberState(ctx context.Context, name string) (json.RawMessage, error) {
	var a cArgs
	n := a.str(name)
	s, err := c.callString(ctx, &a, func(p *C.lxd_client, out **C.char, e **C.lxd_error) C.enum_lxd_result {
		return C.lxd_cluster_member_state(p, n, out, e)
	})
	if err != nil {
		return nil, err
	}
	return json.RawMessage(s), nil
}
