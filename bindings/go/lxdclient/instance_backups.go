//go:build cgo

package lxdclient

/*
#include <lxdclient.h>
*/
import "C"

import (
	"context"
	"errors"
	"io"
	"os"
	"runtime"
	"time"
)

// InstanceBackup is a backup of an instance (GET /1.0/instances/<instance>/backups/<name>).
type InstanceBackup struct {
	Name             string    `json:"name"`
	CreatedAt        time.Time `json:"created_at"`
	ExpiresAt        time.Time `json:"expires_at"`
	InstanceOnly     bool      `json:"instance_only"`
	OptimizedStorage bool      `json:"optimized_storage"`
	Extra            Extra     `json:"-"`

	meta objectMeta
}

// InstanceBackupCreate is the request to back up an instance; the zero value is LXD's defaults
// (the next free "backupN" name, with snapshots, never expiring).
type InstanceBackupCreate struct {
	Name string `json:"name,omitempty"`
	// ExpiresAt, when set, is when LXD deletes the backup.
	ExpiresAt            *time.Time `json:"expires_at,omitempty"`
	InstanceOnly         bool       `json:"instance_only,omitempty"`
	OptimizedStorage     bool       `json:"optimized_storage,omitempty"`
	CompressionAlgorithm string     `json:"compression_algorithm,omitempty"`
	Extra                Extra      `json:"-"`
}

// CreateInstanceBackup backs an instance up (POST /1.0/instances/<instance>/backups) and waits
// for it; the zero req is LXD's defaults (name "backup0", "backup1", ...).
func (c *Client) CreateInstanceBackup(ctx context.Context, instance string, req InstanceBackupCreate) (*Operation, error) {
	var a cArgs
	i, j := a.str(instance), a.json(req)
	return c.callOp(ctx, &a, func(p *C.lxd_client, op **C.lxd_operation, e **C.lxd_error) C.enum_lxd_result {
		return C.lxd_instance_backup_create(p, i, j, op, e)
	})
}

// ExportInstanceBackup downloads an instance backup (a tarball) to the local file path,
// atomically: path is replaced only once the whole backup arrived, and nothing is left behind on
// failure (a cancel included). progress may be nil.
func (c *Client) ExportInstanceBackup(ctx context.Context, instance, name, path string, progress ProgressFunc) error {
	var a cArgs
	i, n, p1 := a.str(instance), a.str(name), a.str(path)
	return c.download(ctx, &a, progress, func(p *C.lxd_client, prog *transferProgress, e **C.lxd_error) C.enum_lxd_result {
		return C.lxd_instance_backup_export_path(p, i, n, p1, prog.cb(), prog.user(), e)
	})
}

// ExportInstanceBackupTo downloads an instance backup into w, streamed. On failure part of the
// backup may already have been written.
func (c *Client) ExportInstanceBackupTo(ctx context.Context, instance, name string, w io.Writer, progress ProgressFunc) error {
	var a cArgs
	i, n := a.str(instance), a.str(name)
	return c.downloadTo(ctx, &a, w, progress, func(p *C.lxd_client, fd C.int, prog *transferProgress, e **C.lxd_error) C.enum_lxd_result {
		return C.lxd_instance_backup_export_fd(p, i, n, fd, prog.cb(), prog.user(), e)
	})
}

// ImportInstanceBackup creates an instance from the backup tarball in the local file path
// (POST /1.0/instances, streamed) and waits until it exists. name ("": the backup's) names the
// new instance; pool ("": the backup's) is its storage pool. progress reports the upload.
func (c *Client) ImportInstanceBackup(ctx context.Context, path, name, pool string, progressFn ProgressFunc) error {
	var a cArgs
	p1, n, pl := a.str(path), a.opt(name), a.opt(pool)
	return c.importBackup(ctx, &a, progressFn, func(p *C.lxd_client, prog *progress, out **C.lxd_operation, e **C.lxd_error) C.enum_lxd_result {
		return C.lxd_instance_backup_import_path(p, p1, n, pl, prog.cb(), prog.user(), out, e)
	})
}

// ImportInstanceBackupFrom is ImportInstanceBackup reading the tarball from r (to its end),
// streamed.
func (c *Client) ImportInstanceBackupFrom(ctx context.Context, r io.Reader, name, pool string, progressFn ProgressFunc) error {
	if r == nil {
		return invalidArgument("nil reader")
	}
	var a cArgs
	n, pl := a.opt(name), a.opt(pool)
	return c.importBackupFrom(ctx, &a, r, progressFn, func(p *C.lxd_client, fd C.int, prog *progress, out **C.lxd_operation, e **C.lxd_error) C.enum_lxd_result {
		return C.lxd_instance_backup_import_fd(p, fd, n, pl, prog.cb(), prog.user(), out, e)
	})
}

// importBackup runs an upload that starts an operation, then waits for the operation (ctx
// interrupts that wait).
func (c *Client) importBackup(ctx context.Context, a *cArgs, progressFn ProgressFunc, f func(*C.lxd_client, *progress, **C.lxd_operation, **C.lxd_error) C.enum_lxd_result) error {
	prog := newProgress(ctx, progressFn)
	defer prog.release()
	var op *Operation
	err := c.transfer(ctx, a, func(p *C.lxd_client) error {
		var out *C.lxd_operation
		var cerr *C.lxd_error
		if err := takeError(f(p, prog, &out, &cerr), cerr); err != nil {
			return err
		}
		op = newOperation(c, out)
		return nil
	})
	if err := prog.explain(err); err != nil {
		return err
	}
	return op.wait(ctx)
}

// importBackupFrom is importBackup with the upload read from r: a regular *os.File through its
// own descriptor, anything else through a pipe fed by a goroutine.
func (c *Client) importBackupFrom(ctx context.Context, a *cArgs, r io.Reader, progressFn ProgressFunc, f func(*C.lxd_client, C.int, *progress, **C.lxd_operation, **C.lxd_error) C.enum_lxd_result) error {
	var fd uintptr
	var keep any
	var pr, pw *os.File
	var pumpDone chan error
	prog := newProgress(ctx, progressFn)
	defer prog.release()
	if file, ok := r.(*os.File); ok && isRegular(file) {
		fd, keep = file.Fd(), file
	} else {
		var err error
		if pr, pw, err = os.Pipe(); err != nil {
			a.free()
			return &Error{Code: CodeIO, Message: "pipe: " + err.Error(), cause: err}
		}
		fd = pr.Fd()
		pumpDone = make(chan error, 1)
		go func() {
			_, err := io.Copy(pw, r)
			if err != nil && !isBrokenPipe(err) {
				prog.stop(err) // stop at the next chunk rather than upload a truncated backup
			}
			pw.Close()
			pumpDone <- err
		}()
	}
	var op *Operation
	err := c.transfer(ctx, a, func(p *C.lxd_client) error {
		var out *C.lxd_operation
		var cerr *C.lxd_error
		if err := takeError(f(p, C.int(fd), prog, &out, &cerr), cerr); err != nil {
			return err
		}
		op = newOperation(c, out)
		return nil
	})
	runtime.KeepAlive(keep)
	if pr != nil {
		pr.Close() // a pump still writing fails with EPIPE
		pumpErr := <-pumpDone
		if pumpErr != nil && !errors.Is(pumpErr, os.ErrClosed) && !isBrokenPipe(pumpErr) {
			if op != nil {
				op.Close()
			}
			return &Error{Code: CodeIO, Message: "reading the backup to import: " + pumpErr.Error(), cause: pumpErr}
		}
	}
	if err := prog.explain(err); err != nil {
		return err
	}
	return op.wait(ctx)
}
