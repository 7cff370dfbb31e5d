//go:build cgo

package lxdclient

/*
#include <lxdclient.h>
*/
import "C"

import (
	"context"
	"io"
	"time"
)

// StorageVolumeBackup is a backup of a custom storage volume (GET
// /1.0/storage-pools/<pool>/volumes/<type>/<volume>/backups/<name>).
type StorageVolumeBackup struct {
	Name             string    `json:"name"`
	CreatedAt        time.Time `json:"created_at"`
	ExpiresAt        time.Time `json:"expires_at"`
	VolumeOnly       bool      `json:"volume_only"`
	OptimizedStorage bool      `json:"optimized_storage"`
	Extra            Extra     `json:"-"`

	meta objectMeta
}

// StorageVolumeBackupCreate is the request to back up a custom volume; the zero value is LXD's
// defaults.
type StorageVolumeBackupCreate struct {
	Name                 string     `json:"name,omitempty"`
	ExpiresAt            *time.Time `json:"expires_at,omitempty"`
	VolumeOnly           bool       `json:"volume_only,omitempty"`
	OptimizedStorage     bool       `json:"optimized_storage,omitempty"`
	CompressionAlgorithm string     `json:"compression_algorithm,omitempty"`
	Extra                Extra      `json:"-"`
}

// CreateStorageVolumeBackup backs a custom volume up and waits; the zero req is LXD's defaults.
func (c *Client) CreateStorageVolumeBackup(ctx context.Context, pool, volumeType, volume string, req StorageVolumeBackupCreate) (*Operation, error) {
	var a cArgs
	pl, ty, v, j := a.str(pool), a.str(volumeType), a.str(volume), a.json(req)
	return c.callOp(ctx, &a, func(p *C.lxd_client, op **C.lxd_operation, e **C.lxd_error) C.enum_lxd_result {
		return C.lxd_storage_volume_backup_create(p, pl, ty, v, j, op, e)
	})
}

// ExportStorageVolumeBackup downloads a volume backup to the local file path, atomically (as
// ExportInstanceBackup).
func (c *Client) ExportStorageVolumeBackup(ctx context.Context, pool, volumeType, volume, name, path string, progress ProgressFunc) error {
	var a cArgs
	pl, ty, v, n, p1 := a.str(pool), a.str(volumeType), a.str(volume), a.str(name), a.str(path)
	return c.download(ctx, &a, progress, func(p *C.lxd_client, prog *transferProgress, e **C.lxd_error) C.enum_lxd_result {
		return C.lxd_storage_volume_backup_export_path(p, pl, ty, v, n, p1, prog.cb(), prog.user(), e)
	})
}

// ExportStorageVolumeBackupTo downloads a volume backup into w, streamed.
func (c *Client) ExportStorageVolumeBackupTo(ctx context.Context, pool, volumeType, volume, name string, w io.Writer, progress ProgressFunc) error {
	var a cArgs
	pl, ty, v, n := a.str(pool), a.str(volumeType), a.str(volume), a.str(name)
	return c.downloadTo(ctx, &a, w, progress, func(p *C.lxd_client, fd C.int, prog *transferProgress, e **C.lxd_error) C.enum_lxd_result {
		return C.lxd_storage_volume_backup_export_fd(p, pl, ty, v, n, fd, prog.cb(), prog.user(), e)
	})
}

// ImportStorageVolumeBackup creates a custom volume in pool from the backup tarball in the local
// file path and waits; name ("": the backup's) names it.
func (c *Client) ImportStorageVolumeBackup(ctx context.Context, pool, path, name string, progressFn ProgressFunc) error {
	var a cArgs
	pl, p1, n := a.str(pool), a.str(path), a.opt(name)
	return c.importBackup(ctx, &a, progressFn, func(p *C.lxd_client, prog *progress, out **C.lxd_operation, e **C.lxd_error) C.enum_lxd_result {
		return C.lxd_storage_volume_backup_import_path(p, pl, p1, n, prog.cb(), prog.user(), out, e)
	})
}

// ImportStorageVolumeBackupFrom is ImportStorageVolumeBackup reading the tarball from r.
func (c *Client) ImportStorageVolumeBackupFrom(ctx context.Context, pool string, r io.Reader, name string, progressFn ProgressFunc) error {
	if r == nil {
		return invalidArgument("nil reader")
	}
	var a cArgs
	pl, n := a.str(pool), a.opt(name)
	return c.importBackupFrom(ctx, &a, r, progressFn, func(p *C.lxd_client, fd C.int, prog *progress, out **C.lxd_operation, e **C.lxd_error) C.enum_lxd_result {
		return C.lxd_storage_volume_backup_import_fd(p, pl, fd, n, prog.cb(), prog.user(), out, e)
	})
}
