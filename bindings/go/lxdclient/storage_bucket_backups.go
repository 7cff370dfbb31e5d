//go:build cgo

package lxdclient

/*
#include <lxdclient.h>
*/
import "C"

import (
	"context"
	"io"
)

// Storage bucket backups (/1.0/storage-pools/<pool>/buckets/<bucket>/backups; Incus 6.0 only).
// The CRUD methods and the object lifecycle are generated (zz_generated_storage_bucket_backups.go);
// the downloads are here.

// StorageBucketBackup is a backup of a bucket; on creation Name, ExpiresAt and
// CompressionAlgorithm are read.
type StorageBucketBackup struct {
	Name                 string `json:"name"`
	ExpiresAt            string `json:"expires_at,omitempty"`
	CompressionAlgorithm string `json:"compression_algorithm,omitempty"`
	Extra                Extra  `json:"-"`

	meta objectMeta
}

// ExportStorageBucketBackup downloads a bucket backup (a tarball) to the local file path,
// atomically: path is replaced only once the whole backup arrived. progress may be nil. LXD 5.0:
// ErrNotFound.
func (c *Client) ExportStorageBucketBackup(ctx context.Context, pool, bucket, name, path string, progress ProgressFunc) error {
	var a cArgs
	pl, b, n, p1 := a.str(pool), a.str(bucket), a.str(name), a.str(path)
	return c.download(ctx, &a, progress, func(p *C.lxd_client, prog *transferProgress, e **C.lxd_error) C.enum_lxd_result {
		return C.lxd_storage_bucket_backup_export_path(p, pl, b, n, p1, prog.cb(), prog.user(), e)
	})
}

// ExportStorageBucketBackupTo downloads a bucket backup into w, streamed. On failure part of the
// backup may already have been written.
func (c *Client) ExportStorageBucketBackupTo(ctx context.Context, pool, bucket, name string, w io.Writer, progress ProgressFunc) error {
	var a cArgs
	pl, b, n := a.str(pool), a.str(bucket), a.str(name)
	return c.downloadTo(ctx, &a, w, progress, func(p *C.lxd_client, fd C.int, prog *transferProgress, e **C.lxd_error) C.enum_lxd_result {
		return C.lxd_storage_bucket_backup_export_fd(p, pl, b, n, fd, prog.cb(), prog.user(), e)
	})
}
