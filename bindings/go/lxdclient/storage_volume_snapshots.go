//go:build cgo

package lxdclient

/*
#include <lxdclient.h>
*/
import "C"

import (
	"context"
	"time"
)

// CreateStorageVolumeSnapshot snapshots a volume as name ("": LXD picks snap0,
// snap1 ...); expiresAt "": never, else RFC 3339. LXD answers with an operation: wait on it.
func (c *Client) CreateStorageVolumeSnapshot(ctx context.Context, pool, volumeType, volume, name, expiresAt string) (*Operation, error) {
	var a cArgs
	pl, ty, v, n, ex := a.str(pool), a.str(volumeType), a.str(volume), a.opt(name), a.opt(expiresAt)
	return c.callOp(ctx, &a, func(cl *C.lxd_client, op **C.lxd_operation, e **C.lxd_error) C.enum_lxd_result {
		return C.lxd_storage_volume_snapshot_create(cl, pl, ty, v, n, ex, op, e)
	})
}

// StorageVolumeSnapshot is a snapshot of a storage volume (GET
// /1.0/storage-pools/<pool>/volumes/<type>/<volume>/snapshots/<name>).
type StorageVolumeSnapshot struct {
	Name        string            `json:"name"`
	Description string            `json:"description"`
	Config      map[string]string `json:"config"`
	ContentType string            `json:"content_type,omitempty"`
	CreatedAt   time.Time         `json:"created_at,omitempty"`
	// ExpiresAt is nil when the snapshot never expires.
	ExpiresAt *time.Time `json:"expires_at,omitempty"`
	Extra     Extra      `json:"-"`

	meta objectMeta
}
