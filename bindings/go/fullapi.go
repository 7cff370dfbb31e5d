//go:build cgo

package lxdclient

/*
#include <lxdclient.h>
*/
import "C"

import (
	"context"
	"encoding/json"
	"time"
)

// Typed wrappers of the rest of LXD's API: projects, storage volumes, cluster members and
// warnings. Objects are plain structs (members this version does not know are kept in Extra);
// Get returns the ETag to pass to Update / Patch. Everything else is reachable through Call.

// Project is an LXD project (GET /1.0/projects/<name>).
type Project struct {
	Name        string            `json:"name"`
	Description string            `json:"description"`
	Config      map[string]string `json:"config"`
	UsedBy      []string          `json:"used_by,omitempty"`
	Extra       Extra             `json:"-"`

	meta objectMeta
}

// ProjectState is a project's resource usage (GET /1.0/projects/<name>/state), as LXD sends it.
func (c *Client) ProjectState(ctx context.Context, name string) (json.RawMessage, error) {
	var a cArgs
	n := a.str(name)
	s, err := c.callString(ctx, &a, func(cl *C.lxd_client, out **C.char, e **C.lxd_error) C.enum_lxd_result {
		return C.lxd_project_state(cl, n, out, e)
	})
	if err != nil {
		return nil, err
	}
	return json.RawMessage(s), nil
}

// StorageVolume is a storage volume (GET /1.0/storage-pools/<pool>/volumes/<type>/<name>).
type StorageVolume struct {
	Name        string            `json:"name"`
	Type        string            `json:"type"`
	Description string            `json:"description"`
	Config      map[string]string `json:"config"`
	ContentType string            `json:"content_type,omitempty"`
	Location    string            `json:"location,omitempty"`
	UsedBy      []string          `json:"used_by,omitempty"`
	Extra       Extra             `json:"-"`

	meta objectMeta
}

// CreateStorageVolume creates a volume (POST /1.0/storage-pools/<pool>/volumes/<type>) from v
// (Name, Config, Description, ContentType) and waits for it.
func (c *Client) CreateStorageVolume(ctx context.Context, pool, volumeType string, v StorageVolume) (*Operation, error) {
	var a cArgs
	pl, ty, j := a.str(pool), a.str(volumeType), a.json(v)
	return c.callOp(ctx, &a, func(cl *C.lxd_client, op **C.lxd_operation, e **C.lxd_error) C.enum_lxd_result {
		return C.lxd_storage_volume_create(cl, pl, ty, j, op, e)
	})
}

// CreateStorageVolumeSnapshot snapshots a volume as name ("": LXD picks snap0,
// snap1 ...); expiresAt "": never, else RFC 3339. LXD answers with an operation: wait on it.
func (c *Client) CreateStorageVolumeSnapshot(ctx context.Context, pool, volumeType, volume, name, expiresAt string) (*Operation, error) {
	var a cArgs
	pl, ty, v, n, ex := a.str(pool), a.str(volumeType), a.str(volume), a.opt(name), a.opt(expiresAt)
	return c.callOp(ctx, &a, func(cl *C.lxd_client, op **C.lxd_operation, e **C.lxd_error) C.enum_lxd_result {
		return C.lxd_storage_volume_snapshot_create(cl, pl, ty, v, n, ex, op, e)
	})
}

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

// Warning is one of LXD's warnings (GET /1.0/warnings/<uuid>).
type Warning struct {
	UUID        string    `json:"uuid"`
	Status      string    `json:"status"`
	Severity    string    `json:"severity"`
	Type        string    `json:"type"`
	Count       int       `json:"count"`
	Project     string    `json:"project"`
	Location    string    `json:"location"`
	FirstSeenAt time.Time `json:"first_seen_at"`
	LastSeenAt  time.Time `json:"last_seen_at"`
	LastMessage string    `json:"last_message"`
	EntityURL   string    `json:"entity_url"`
	Extra       Extra     `json:"-"`

	meta objectMeta
}

// SetWarningStatus sets a warning's status ("new", "acknowledged").
func (c *Client) SetWarningStatus(ctx context.Context, uuid, status string) error {
	var a cArgs
	u, st := a.str(uuid), a.str(status)
	return c.callErr(ctx, &a, func(cl *C.lxd_client, e **C.lxd_error) C.enum_lxd_result {
		return C.lxd_warning_set_status(cl, u, st, e)
	})
}

// decodeAs decodes a call's JSON result, passing its error through.
func decodeAs[T any](s string, err error) (T, error) {
	var v T
	if err != nil {
		return v, err
	}
	if err := decodeReply(s, &v); err != nil {
		return v, err
	}
	return v, nil
}
