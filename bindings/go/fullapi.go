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
}

// MarshalJSON encodes the fields and the members kept in Extra.
func (v Project) MarshalJSON() ([]byte, error) {
	type plain Project
	return marshalWithExtra(plain(v), v.Extra)
}

// UnmarshalJSON decodes the fields and keeps every other member in Extra.
func (v *Project) UnmarshalJSON(data []byte) error {
	type plain Project
	var p plain
	if err := unmarshalWithExtra(data, &p, &p.Extra); err != nil {
		return err
	}
	*v = Project(p)
	return nil
}

// ListProjectNames lists the projects' names (GET /1.0/projects).
func (c *Client) ListProjectNames(ctx context.Context) ([]string, error) {
	s, err := c.callString(ctx, nil, func(p *C.lxd_client, out **C.char, e **C.lxd_error) C.enum_lxd_result {
		return C.lxd_project_list(p, 0, out, e)
	})
	if err != nil {
		return nil, err
	}
	return decodeNames(s)
}

// ListProjects lists the projects (GET /1.0/projects?recursion=1).
func (c *Client) ListProjects(ctx context.Context) ([]*Project, error) {
	s, err := c.callString(ctx, nil, func(p *C.lxd_client, out **C.char, e **C.lxd_error) C.enum_lxd_result {
		return C.lxd_project_list(p, 1, out, e)
	})
	return decodeAs[[]*Project](s, err)
}

// GetProject fetches a project and its ETag. Missing: ErrNotFound.
func (c *Client) GetProject(ctx context.Context, name string) (*Project, string, error) {
	var a cArgs
	n := a.str(name)
	s, etag, err := c.callStringETag(ctx, &a, func(p *C.lxd_client, out, et **C.char, e **C.lxd_error) C.enum_lxd_result {
		return C.lxd_project_get(p, n, out, et, e)
	})
	v, err := decodeAs[*Project](s, err)
	return v, etag, err
}

// ProjectExists reports whether a project exists.
func (c *Client) ProjectExists(ctx context.Context, name string) (bool, error) {
	var a cArgs
	n := a.str(name)
	return c.callBool(ctx, &a, func(p *C.lxd_client, out *C.bool, e **C.lxd_error) C.enum_lxd_result {
		return C.lxd_project_exists(p, n, out, e)
	})
}

// CreateProject creates a project (POST /1.0/projects). Taken: ErrConflict.
func (c *Client) CreateProject(ctx context.Context, p Project) error {
	var a cArgs
	j := a.json(p)
	return c.callErr(ctx, &a, func(cl *C.lxd_client, e **C.lxd_error) C.enum_lxd_result {
		return C.lxd_project_create(cl, j, e)
	})
}

// UpdateProject replaces a project (PUT); etag ("": none) guards against a concurrent change
// (ErrPreconditionFailed).
func (c *Client) UpdateProject(ctx context.Context, name string, p Project, etag string) error {
	var a cArgs
	n, j, et := a.str(name), a.json(p), a.opt(etag)
	return c.callErr(ctx, &a, func(cl *C.lxd_client, e **C.lxd_error) C.enum_lxd_result {
		return C.lxd_project_update(cl, n, j, et, e)
	})
}

// PatchProject merges patch (any JSON object) into a project (PATCH).
func (c *Client) PatchProject(ctx context.Context, name string, patch any, etag string) error {
	var a cArgs
	n, j, et := a.str(name), a.json(patch), a.opt(etag)
	return c.callErr(ctx, &a, func(cl *C.lxd_client, e **C.lxd_error) C.enum_lxd_result {
		return C.lxd_project_patch(cl, n, j, et, e)
	})
}

// RenameProject renames a project and waits for it.
func (c *Client) RenameProject(ctx context.Context, name, newName string) error {
	var a cArgs
	n, nn := a.str(name), a.str(newName)
	return c.callWait(ctx, &a, func(cl *C.lxd_client, op **C.lxd_operation, e **C.lxd_error) C.enum_lxd_result {
		return C.lxd_project_rename(cl, n, nn, op, e)
	})
}

// DeleteProject deletes an empty project.
func (c *Client) DeleteProject(ctx context.Context, name string) error {
	var a cArgs
	n := a.str(name)
	return c.callErr(ctx, &a, func(cl *C.lxd_client, e **C.lxd_error) C.enum_lxd_result {
		return C.lxd_project_delete(cl, n, e)
	})
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
}

// MarshalJSON encodes the fields and the members kept in Extra.
func (v StorageVolume) MarshalJSON() ([]byte, error) {
	type plain StorageVolume
	return marshalWithExtra(plain(v), v.Extra)
}

// UnmarshalJSON decodes the fields and keeps every other member in Extra.
func (v *StorageVolume) UnmarshalJSON(data []byte) error {
	type plain StorageVolume
	var p plain
	if err := unmarshalWithExtra(data, &p, &p.Extra); err != nil {
		return err
	}
	*v = StorageVolume(p)
	return nil
}

// ListStorageVolumes lists a pool's volumes of one type ("custom", "container",
// "virtual-machine", "image").
func (c *Client) ListStorageVolumes(ctx context.Context, pool, volumeType string) ([]*StorageVolume, error) {
	var a cArgs
	pl, ty := a.str(pool), a.str(volumeType)
	s, err := c.callString(ctx, &a, func(cl *C.lxd_client, out **C.char, e **C.lxd_error) C.enum_lxd_result {
		return C.lxd_storage_volume_list(cl, pl, ty, 1, out, e)
	})
	return decodeAs[[]*StorageVolume](s, err)
}

// GetStorageVolume fetches a volume and its ETag. Missing: ErrNotFound.
func (c *Client) GetStorageVolume(ctx context.Context, pool, volumeType, name string) (*StorageVolume, string, error) {
	var a cArgs
	pl, ty, n := a.str(pool), a.str(volumeType), a.str(name)
	s, etag, err := c.callStringETag(ctx, &a, func(cl *C.lxd_client, out, et **C.char, e **C.lxd_error) C.enum_lxd_result {
		return C.lxd_storage_volume_get(cl, pl, ty, n, out, et, e)
	})
	v, err := decodeAs[*StorageVolume](s, err)
	return v, etag, err
}

// StorageVolumeExists reports whether a volume exists.
func (c *Client) StorageVolumeExists(ctx context.Context, pool, volumeType, name string) (bool, error) {
	var a cArgs
	pl, ty, n := a.str(pool), a.str(volumeType), a.str(name)
	return c.callBool(ctx, &a, func(cl *C.lxd_client, out *C.bool, e **C.lxd_error) C.enum_lxd_result {
		return C.lxd_storage_volume_exists(cl, pl, ty, n, out, e)
	})
}

// CreateStorageVolume creates a volume (POST /1.0/storage-pools/<pool>/volumes/<type>) from v
// (Name, Config, Description, ContentType) and waits for it.
func (c *Client) CreateStorageVolume(ctx context.Context, pool, volumeType string, v StorageVolume) error {
	var a cArgs
	pl, ty, j := a.str(pool), a.str(volumeType), a.json(v)
	return c.callWait(ctx, &a, func(cl *C.lxd_client, op **C.lxd_operation, e **C.lxd_error) C.enum_lxd_result {
		return C.lxd_storage_volume_create(cl, pl, ty, j, op, e)
	})
}

// UpdateStorageVolume replaces a volume (PUT) and waits; etag ("": none) as in UpdateProject.
func (c *Client) UpdateStorageVolume(ctx context.Context, pool, volumeType, name string, v StorageVolume, etag string) error {
	var a cArgs
	pl, ty, n, j, et := a.str(pool), a.str(volumeType), a.str(name), a.json(v), a.opt(etag)
	return c.callWait(ctx, &a, func(cl *C.lxd_client, op **C.lxd_operation, e **C.lxd_error) C.enum_lxd_result {
		return C.lxd_storage_volume_update(cl, pl, ty, n, j, et, op, e)
	})
}

// PatchStorageVolume merges patch into a volume (PATCH) and waits.
func (c *Client) PatchStorageVolume(ctx context.Context, pool, volumeType, name string, patch any, etag string) error {
	var a cArgs
	pl, ty, n, j, et := a.str(pool), a.str(volumeType), a.str(name), a.json(patch), a.opt(etag)
	return c.callWait(ctx, &a, func(cl *C.lxd_client, op **C.lxd_operation, e **C.lxd_error) C.enum_lxd_result {
		return C.lxd_storage_volume_patch(cl, pl, ty, n, j, et, op, e)
	})
}

// RenameStorageVolume renames a volume and waits.
func (c *Client) RenameStorageVolume(ctx context.Context, pool, volumeType, name, newName string) error {
	var a cArgs
	pl, ty, n, nn := a.str(pool), a.str(volumeType), a.str(name), a.str(newName)
	return c.callWait(ctx, &a, func(cl *C.lxd_client, op **C.lxd_operation, e **C.lxd_error) C.enum_lxd_result {
		return C.lxd_storage_volume_rename(cl, pl, ty, n, nn, op, e)
	})
}

// DeleteStorageVolume deletes a volume and waits.
func (c *Client) DeleteStorageVolume(ctx context.Context, pool, volumeType, name string) error {
	var a cArgs
	pl, ty, n := a.str(pool), a.str(volumeType), a.str(name)
	return c.callWait(ctx, &a, func(cl *C.lxd_client, op **C.lxd_operation, e **C.lxd_error) C.enum_lxd_result {
		return C.lxd_storage_volume_delete(cl, pl, ty, n, op, e)
	})
}

// CreateStorageVolumeSnapshot snapshots a volume (expiresAt "": never; else RFC 3339) and waits.
func (c *Client) CreateStorageVolumeSnapshot(ctx context.Context, pool, volumeType, volume, name, expiresAt string) error {
	var a cArgs
	pl, ty, v, n, ex := a.str(pool), a.str(volumeType), a.str(volume), a.str(name), a.opt(expiresAt)
	return c.callWait(ctx, &a, func(cl *C.lxd_client, op **C.lxd_operation, e **C.lxd_error) C.enum_lxd_result {
		return C.lxd_storage_volume_snapshot_create(cl, pl, ty, v, n, ex, op, e)
	})
}

// ListStorageVolumeSnapshotNames lists a volume's snapshots' names.
func (c *Client) ListStorageVolumeSnapshotNames(ctx context.Context, pool, volumeType, volume string) ([]string, error) {
	var a cArgs
	pl, ty, v := a.str(pool), a.str(volumeType), a.str(volume)
	s, err := c.callString(ctx, &a, func(cl *C.lxd_client, out **C.char, e **C.lxd_error) C.enum_lxd_result {
		return C.lxd_storage_volume_snapshot_list(cl, pl, ty, v, 0, out, e)
	})
	if err != nil {
		return nil, err
	}
	return decodeNames(s)
}

// DeleteStorageVolumeSnapshot deletes a volume snapshot and waits.
func (c *Client) DeleteStorageVolumeSnapshot(ctx context.Context, pool, volumeType, volume, name string) error {
	var a cArgs
	pl, ty, v, n := a.str(pool), a.str(volumeType), a.str(volume), a.str(name)
	return c.callWait(ctx, &a, func(cl *C.lxd_client, op **C.lxd_operation, e **C.lxd_error) C.enum_lxd_result {
		return C.lxd_storage_volume_snapshot_delete(cl, pl, ty, v, n, op, e)
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
}

// MarshalJSON encodes the fields and the members kept in Extra.
func (v ClusterMember) MarshalJSON() ([]byte, error) {
	type plain ClusterMember
	return marshalWithExtra(plain(v), v.Extra)
}

// UnmarshalJSON decodes the fields and keeps every other member in Extra.
func (v *ClusterMember) UnmarshalJSON(data []byte) error {
	type plain ClusterMember
	var p plain
	if err := unmarshalWithExtra(data, &p, &p.Extra); err != nil {
		return err
	}
	*v = ClusterMember(p)
	return nil
}

// ListClusterMembers lists the cluster's members (GET /1.0/cluster/members?recursion=1). A
// server that is not clustered answers with an empty list.
func (c *Client) ListClusterMembers(ctx context.Context) ([]*ClusterMember, error) {
	s, err := c.callString(ctx, nil, func(cl *C.lxd_client, out **C.char, e **C.lxd_error) C.enum_lxd_result {
		return C.lxd_cluster_member_list(cl, 1, out, e)
	})
	return decodeAs[[]*ClusterMember](s, err)
}

// GetClusterMember fetches a member and its ETag.
func (c *Client) GetClusterMember(ctx context.Context, name string) (*ClusterMember, string, error) {
	var a cArgs
	n := a.str(name)
	s, etag, err := c.callStringETag(ctx, &a, func(cl *C.lxd_client, out, et **C.char, e **C.lxd_error) C.enum_lxd_result {
		return C.lxd_cluster_member_get(cl, n, out, et, e)
	})
	v, err := decodeAs[*ClusterMember](s, err)
	return v, etag, err
}

// UpdateClusterMember replaces a member's editable fields (PUT); etag as in UpdateProject.
func (c *Client) UpdateClusterMember(ctx context.Context, name string, m ClusterMember, etag string) error {
	var a cArgs
	n, j, et := a.str(name), a.json(m), a.opt(etag)
	return c.callErr(ctx, &a, func(cl *C.lxd_client, e **C.lxd_error) C.enum_lxd_result {
		return C.lxd_cluster_member_update(cl, n, j, et, e)
	})
}

// EvacuateClusterMember moves a member's instances away and waits.
func (c *Client) EvacuateClusterMember(ctx context.Context, name string) error {
	var a cArgs
	n := a.str(name)
	return c.callWait(ctx, &a, func(cl *C.lxd_client, op **C.lxd_operation, e **C.lxd_error) C.enum_lxd_result {
		return C.lxd_cluster_member_evacuate(cl, n, op, e)
	})
}

// RestoreClusterMember brings an evacuated member's instances back and waits.
func (c *Client) RestoreClusterMember(ctx context.Context, name string) error {
	var a cArgs
	n := a.str(name)
	return c.callWait(ctx, &a, func(cl *C.lxd_client, op **C.lxd_operation, e **C.lxd_error) C.enum_lxd_result {
		return C.lxd_cluster_member_restore(cl, n, op, e)
	})
}

// DeleteClusterMember removes a member from the cluster.
func (c *Client) DeleteClusterMember(ctx context.Context, name string) error {
	var a cArgs
	n := a.str(name)
	return c.callErr(ctx, &a, func(cl *C.lxd_client, e **C.lxd_error) C.enum_lxd_result {
		return C.lxd_cluster_member_delete(cl, n, e)
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
}

// MarshalJSON encodes the fields and the members kept in Extra.
func (v Warning) MarshalJSON() ([]byte, error) {
	type plain Warning
	return marshalWithExtra(plain(v), v.Extra)
}

// UnmarshalJSON decodes the fields and keeps every other member in Extra.
func (v *Warning) UnmarshalJSON(data []byte) error {
	type plain Warning
	var p plain
	if err := unmarshalWithExtra(data, &p, &p.Extra); err != nil {
		return err
	}
	*v = Warning(p)
	return nil
}

// ListWarnings lists the warnings (GET /1.0/warnings?recursion=1).
func (c *Client) ListWarnings(ctx context.Context) ([]*Warning, error) {
	s, err := c.callString(ctx, nil, func(cl *C.lxd_client, out **C.char, e **C.lxd_error) C.enum_lxd_result {
		return C.lxd_warning_list(cl, 1, out, e)
	})
	return decodeAs[[]*Warning](s, err)
}

// GetWarning fetches a warning and its ETag. Missing: ErrNotFound.
func (c *Client) GetWarning(ctx context.Context, uuid string) (*Warning, string, error) {
	var a cArgs
	u := a.str(uuid)
	s, etag, err := c.callStringETag(ctx, &a, func(cl *C.lxd_client, out, et **C.char, e **C.lxd_error) C.enum_lxd_result {
		return C.lxd_warning_get(cl, u, out, et, e)
	})
	v, err := decodeAs[*Warning](s, err)
	return v, etag, err
}

// SetWarningStatus sets a warning's status ("new", "acknowledged").
func (c *Client) SetWarningStatus(ctx context.Context, uuid, status string) error {
	var a cArgs
	u, st := a.str(uuid), a.str(status)
	return c.callErr(ctx, &a, func(cl *C.lxd_client, e **C.lxd_error) C.enum_lxd_result {
		return C.lxd_warning_set_status(cl, u, st, e)
	})
}

// DeleteWarning deletes a warning.
func (c *Client) DeleteWarning(ctx context.Context, uuid string) error {
	var a cArgs
	u := a.str(uuid)
	return c.callErr(ctx, &a, func(cl *C.lxd_client, e **C.lxd_error) C.enum_lxd_result {
		return C.lxd_warning_delete(cl, u, e)
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
