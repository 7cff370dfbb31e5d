//go:build cgo

package lxdclient

/*
#include <lxdclient.h>
*/
import "C"

import "context"

// Storage volumes: creating one, every volume of a pool, copy and move, usage. The CRUD methods
// and the object lifecycle are generated (zz_generated_storage_volumes.go).

// ListAllStorageVolumeNames lists every volume of a pool as "type/name" ("custom/vol1",
// "container/c1"); filter ("": none) is LXD's collection filter ("type eq custom").
func (c *Client) ListAllStorageVolumeNames(ctx context.Context, pool, filter string) ([]string, error) {
	var a cArgs
	pl, f := a.str(pool), a.opt(filter)
	s, err := c.callString(ctx, &a, func(p *C.lxd_client, out **C.char, e **C.lxd_error) C.enum_lxd_result {
		return C.lxd_storage_volume_list_all(p, pl, 0, f, out, e)
	})
	if err != nil {
		return nil, err
	}
	return decodeNames(s)
}

// ListAllStorageVolumes lists every volume of a pool, of every type (recursion=1); filter as in
// ListAllStorageVolumeNames.
func (c *Client) ListAllStorageVolumes(ctx context.Context, pool, filter string) ([]*StorageVolume, error) {
	var a cArgs
	pl, f := a.str(pool), a.opt(filter)
	s, err := c.callString(ctx, &a, func(p *C.lxd_client, out **C.char, e **C.lxd_error) C.enum_lxd_result {
		return C.lxd_storage_volume_list_all(p, pl, 1, f, out, e)
	})
	return decodeAs[[]*StorageVolume](s, err)
}

// CopyStorageVolume copies a custom volume (or a snapshot of one, "vol/snap") to newName in
// targetPool and waits; volumeOnly leaves its snapshots behind.
func (c *Client) CopyStorageVolume(ctx context.Context, sourcePool, sourceName, targetPool, newName string, volumeOnly bool) (*Operation, error) {
	var a cArgs
	sp, sn, tp, nn := a.str(sourcePool), a.str(sourceName), a.str(targetPool), a.str(newName)
	return c.callOp(ctx, &a, func(p *C.lxd_client, op **C.lxd_operation, e **C.lxd_error) C.enum_lxd_result {
		return C.lxd_storage_volume_copy(p, sp, sn, tp, nn, C.bool(volumeOnly), op, e)
	})
}

// MoveStorageVolume moves a volume to newPool as newName and waits (renaming within a pool is
// RenameStorageVolume). The volume must not be in use.
func (c *Client) MoveStorageVolume(ctx context.Context, pool, volumeType, name, newPool, newName string) (*Operation, error) {
	var a cArgs
	pl, ty, n, np, nn := a.str(pool), a.str(volumeType), a.str(name), a.str(newPool), a.str(newName)
	return c.callOp(ctx, &a, func(p *C.lxd_client, op **C.lxd_operation, e **C.lxd_error) C.enum_lxd_result {
		return C.lxd_storage_volume_move(p, pl, ty, n, np, nn, op, e)
	})
}

// StorageVolumeState is a volume's usage (GET .../state). Not every driver reports it (dir
// without quotas: ErrAPI "Not supported").
func (c *Client) StorageVolumeState(ctx context.Context, pool, volumeType, name string) (*StorageVolumeState, error) {
	var a cArgs
	pl, ty, n := a.str(pool), a.str(volumeType), a.str(name)
	s, err := c.callString(ctx, &a, func(p *C.lxd_client, out **C.char, e **C.lxd_error) C.enum_lxd_result {
		return C.lxd_storage_volume_state(p, pl, ty, n, out, e)
	})
	return decodeAs[*StorageVolumeState](s, err)
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

// StorageVolumeState is a volume's usage (GET .../volumes/<type>/<name>/state).
type StorageVolumeState struct {
	// Usage is nil when the driver does not report it.
	Usage *StorageVolumeUsage `json:"usage"`
	Extra Extra               `json:"-"`
}

// StorageVolumeUsage is the space a volume uses, in bytes (Total 0: no quota).
type StorageVolumeUsage struct {
	Used  uint64 `json:"used"`
	Total int64  `json:"total"`
	Extra Extra  `json:"-"`
}
