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
	prog := newProgress(ctx, progress)
	defer prog.release()
	err := c.transfer(ctx, &a, func(p *C.lxd_client) error {
		var cerr *C.lxd_error
		return takeError(C.lxd_storage_bucket_backup_export_path(p, pl, b, n, p1, prog.cb(), prog.user(), &cerr), cerr)
	})
	return prog.explain(err)
}

// ExportStorageBucketBackupTo downloads a bucket backup into w, streamed. On failure part of the
// backup may already have been written.
func (c *Client) ExportStorageBucketBackupTo(ctx context.Context, pool, bucket, name string, w io.Writer, progress ProgressFunc) error {
	if w == nil {
		return invalidArgument("nil writer")
	}
	var a cArgs
	pl, b, n := a.str(pool), a.str(bucket), a.str(name)
	prog := newProgress(ctx, progress)
	defer prog.release()
	s, err := newSink(w, prog)
	if err != nil {
		a.free()
		return err
	}
	err = c.transfer(ctx, &a, func(p *C.lxd_client) error {
		var cerr *C.lxd_error
		return takeError(C.lxd_storage_bucket_backup_export_fd(p, pl, b, n, C.int(s.fd), prog.cb(), prog.user(), &cerr), cerr)
	})
	return prog.explain(s.finish(err))
}
