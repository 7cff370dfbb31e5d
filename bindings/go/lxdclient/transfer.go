//go:build cgo

package lxdclient

/*
#include <stdlib.h>
#include <lxdclient.h>
*/
import "C"

import (
	"context"
	"io"
	"runtime"
)

// ImageUploadOptions are the properties of an uploaded image.
type ImageUploadOptions struct {
	Public     bool              `json:"public,omitempty"`
	Filename   string            `json:"filename,omitempty"`
	Properties map[string]string `json:"properties,omitempty"`
	// Aliases are created for the new image once LXD has it.
	Aliases []string `json:"aliases,omitempty"`
	// Progress, when set, counts uploaded bytes and may stop the upload.
	Progress ProgressFunc `json:"-"`
}

// UploadImage uploads a unified image tarball from the local file path (POST /1.0/images,
// streamed), waits until LXD has it, creates the aliases, and returns the image's fingerprint. An
// image LXD already has fails with ErrOperationFailed. Ending ctx stops the upload at the next
// chunk.
func (c *Client) UploadImage(ctx context.Context, path string, opts ImageUploadOptions) (string, error) {
	var a cArgs
	p1 := a.str(path)
	return c.upload(ctx, &a, opts, func(p *C.lxd_client, o *C.char, prog *progress, out **C.char, e **C.lxd_error) C.enum_lxd_result {
		return C.lxd_image_upload_path(p, p1, o, prog.cb(), prog.user(), out, e)
	})
}

// UploadSplitImage uploads a split image: the metadata tarball metaPath and the root filesystem
// rootfsPath, as UploadImage does.
func (c *Client) UploadSplitImage(ctx context.Context, metaPath, rootfsPath string, opts ImageUploadOptions) (string, error) {
	var a cArgs
	m, r := a.str(metaPath), a.str(rootfsPath)
	return c.upload(ctx, &a, opts, func(p *C.lxd_client, o *C.char, prog *progress, out **C.char, e **C.lxd_error) C.enum_lxd_result {
		return C.lxd_image_upload_split(p, m, r, o, prog.cb(), prog.user(), out, e)
	})
}

func (c *Client) upload(ctx context.Context, a *cArgs, opts ImageUploadOptions, f func(*C.lxd_client, *C.char, *progress, **C.char, **C.lxd_error) C.enum_lxd_result) (string, error) {
	o := a.json(opts)
	prog := newProgress(ctx, opts.Progress)
	defer prog.release()
	var fp string
	err := c.transfer(ctx, a, func(p *C.lxd_client) error {
		var out *C.char
		var cerr *C.lxd_error
		if err := takeError(f(p, o, prog, &out, &cerr), cerr); err != nil {
			return err
		}
		fp = takeString(out)
		return nil
	})
	if err := prog.explain(err); err != nil {
		return "", err
	}
	return fp, nil
}

// ExportImage downloads an image (GET /1.0/images/<fingerprint>/export; a unique prefix of the
// fingerprint is fine) to local files, streamed and atomically: a unified image becomes path; a
// split one becomes path (metadata) and rootfsPath (root filesystem, which must then be given).
// The files appear only once all data arrived and matches the fingerprint. It reports whether
// the image was split. progress may be nil.
func (c *Client) ExportImage(ctx context.Context, fingerprint, path, rootfsPath string, progress ProgressFunc) (split bool, err error) {
	var a cArgs
	fp, p1, p2 := a.str(fingerprint), a.str(path), a.opt(rootfsPath)
	var s C.bool
	err = c.download(ctx, &a, progress, func(p *C.lxd_client, prog *transferProgress, e **C.lxd_error) C.enum_lxd_result {
		return C.lxd_image_export_path(p, fp, p1, p2, prog.cb(), prog.user(), &s, e)
	})
	if err != nil {
		return false, err
	}
	return bool(s), nil
}

// ExportImageTo downloads an image into w, streamed: a unified image's tarball, or a split
// image's metadata tarball, with its root filesystem going to rootfs (nil: a split image is
// refused with ErrInvalidArgument). The data is checked against the fingerprint; on failure
// some of it may already have been written. It reports whether the image was split.
func (c *Client) ExportImageTo(ctx context.Context, fingerprint string, w, rootfs io.Writer, progress ProgressFunc) (split bool, err error) {
	if w == nil {
		return false, invalidArgument("nil writer")
	}
	var a cArgs
	fp := a.str(fingerprint)
	prog := newProgress(ctx, progress)
	defer prog.release()
	main, err := newSink(w, prog)
	if err != nil {
		a.free()
		return false, err
	}
	rootfsFD := C.int(-1)
	var rs *sink
	if rootfs != nil {
		if rs, err = newSink(rootfs, prog); err != nil {
			a.free()
			return false, main.finish(err)
		}
		rootfsFD = C.int(rs.fd)
	}
	var s C.bool
	err = c.transfer(ctx, &a, func(p *C.lxd_client) error {
		var cerr *C.lxd_error
		return takeError(C.lxd_image_export_fd(p, fp, C.int(main.fd), rootfsFD, prog.cb(), prog.user(), &s, &cerr), cerr)
	})
	err = main.finish(err)
	if rs != nil {
		err = rs.finish(err)
	}
	if err := prog.explain(err); err != nil {
		return false, err
	}
	return bool(s), nil
}

// ImageCopyOptions are the properties of an image copied to another server.
type ImageCopyOptions struct {
	Public     bool     `json:"public,omitempty"`
	AutoUpdate bool     `json:"auto_update,omitempty"`
	Aliases    []string `json:"aliases,omitempty"`
	// SourceURL is the source server's https://host:port as the target reaches it (default:
	// the source client's URL, else the first of the source's addresses).
	SourceURL string `json:"source_url,omitempty"`
}

// CopyImageTo copies an image from this client's server to target's, as LXD's own client does
// (the target downloads it from this server over HTTPS, with a one-time secret), and returns
// the fingerprint on the target. This server must listen on the network
// (core.https_address). When ctx ends the call returns, and the copy finishes in the background.
func (c *Client) CopyImageTo(ctx context.Context, fingerprint string, target *Client, opts ImageCopyOptions) (string, error) {
	var a cArgs
	fp, o := a.str(fingerprint), a.json(opts)
	var out string
	err := c.withTarget(ctx, target, &a, func(src, dst *C.lxd_client) error {
		var s *C.char
		var cerr *C.lxd_error
		if err := takeError(C.lxd_image_copy_to(src, fp, dst, o, &s, &cerr), cerr); err != nil {
			return err
		}
		out = takeString(s)
		return nil
	})
	return out, err
}

// ImagePublishOptions are the properties of an image made from an instance or a snapshot.
type ImagePublishOptions struct {
	Public               bool              `json:"public,omitempty"`
	Properties           map[string]string `json:"properties,omitempty"`
	Aliases              []ImageAliasName  `json:"aliases,omitempty"`
	CompressionAlgorithm string            `json:"compression_algorithm,omitempty"`
}

// ImageAliasName names an alias to create with a published image.
type ImageAliasName struct {
	Name        string `json:"name"`
	Description string `json:"description,omitempty"`
}

// PublishInstance makes an image of an instance (POST /1.0/images, source type instance; a
// container must be stopped), waits for it and returns the new image's fingerprint.
func (c *Client) PublishInstance(ctx context.Context, instance string, opts ImagePublishOptions) (string, error) {
	var a cArgs
	n, o := a.str(instance), a.json(opts)
	op, err := c.callOp(ctx, &a, func(p *C.lxd_client, op **C.lxd_operation, e **C.lxd_error) C.enum_lxd_result {
		return C.lxd_instance_publish(p, n, o, op, nil, e)
	})
	return imageFingerprint(ctx, op, err)
}

// PublishSnapshot makes an image of a snapshot, as PublishInstance does.
func (c *Client) PublishSnapshot(ctx context.Context, instance, snapshot string, opts ImagePublishOptions) (string, error) {
	var a cArgs
	n, s, o := a.str(instance), a.str(snapshot), a.json(opts)
	op, err := c.callOp(ctx, &a, func(p *C.lxd_client, op **C.lxd_operation, e **C.lxd_error) C.enum_lxd_result {
		return C.lxd_snapshot_publish(p, n, s, o, op, nil, e)
	})
	return imageFingerprint(ctx, op, err)
}

// InstanceCopyOptions shape a copied or moved instance. Extra keys (config, devices, profiles,
// ephemeral, description, ...) override the new instance's: config and devices merge key by key
// into the source's (a nil value removes a key), the others replace.
type InstanceCopyOptions struct {
	// InstanceOnly leaves the snapshots behind.
	InstanceOnly bool `json:"instance_only,omitempty"`
	// Live migrates a running instance (CRIU).
	Live bool `json:"live,omitempty"`
	// SourceURL is the source server's https://host:port as the target reaches it.
	SourceURL string `json:"source_url,omitempty"`
	// Override holds the other keys.
	Override map[string]any `json:"-"`
}

func (o InstanceCopyOptions) body() map[string]any {
	m := map[string]any{}
	for k, v := range o.Override {
		m[k] = v
	}
	if o.InstanceOnly {
		m["instance_only"] = true
	}
	if o.Live {
		m["live"] = true
	}
	if o.SourceURL != "" {
		m["source_url"] = o.SourceURL
	}
	return m
}

// CopyInstance copies an instance within this server (source is an instance name, or
// "instance/snapshot" to make a new instance from a snapshot). Wait on the operation.
func (c *Client) CopyInstance(ctx context.Context, source, targetName string, opts InstanceCopyOptions) (*Operation, error) {
	var a cArgs
	s, t, o := a.str(source), a.str(targetName), a.json(opts.body())
	return c.callOp(ctx, &a, func(p *C.lxd_client, op **C.lxd_operation, e **C.lxd_error) C.enum_lxd_result {
		return C.lxd_instance_copy_local(p, s, t, o, op, e)
	})
}

// CopyInstanceTo copies an instance from this client's server to target's, as targetName (""
// the same name), the way LXD's own client does (the target pulls it from this server, which
// must listen on the network). Blocks until done; when ctx ends the call returns and the copy
// finishes in the background.
func (c *Client) CopyInstanceTo(ctx context.Context, name string, target *Client, targetName string, opts InstanceCopyOptions) error {
	return c.copyTo(ctx, name, target, targetName, opts, false)
}

// MigrateInstanceTo moves an instance to target's server: CopyInstanceTo keeping its volatile
// state, then the source instance and its snapshots are deleted. A running instance is refused
// (ErrInvalidArgument) unless opts.Live.
func (c *Client) MigrateInstanceTo(ctx context.Context, name string, target *Client, targetName string, opts InstanceCopyOptions) error {
	return c.copyTo(ctx, name, target, targetName, opts, true)
}

func (c *Client) copyTo(ctx context.Context, name string, target *Client, targetName string, opts InstanceCopyOptions, move bool) error {
	var a cArgs
	n, t, o := a.str(name), a.opt(targetName), a.json(opts.body())
	return c.withTarget(ctx, target, &a, func(src, dst *C.lxd_client) error {
		var cerr *C.lxd_error
		if move {
			return takeError(C.lxd_instance_migrate_to(src, n, dst, t, o, &cerr), cerr)
		}
		return takeError(C.lxd_instance_copy_to(src, n, dst, t, o, &cerr), cerr)
	})
}

// withTarget runs fn with this client and target, both live.
func (c *Client) withTarget(ctx context.Context, target *Client, a *cArgs, fn func(src, dst *C.lxd_client) error) error {
	if target == nil {
		a.free()
		return invalidArgument("nil target *Client")
	}
	return c.use(ctx, a, func(p *C.lxd_client) error {
		if target == c {
			return fn(p, p)
		}
		target.mu.RLock()
		defer target.mu.RUnlock()
		if target.ptr == nil {
			return closedError("target client")
		}
		err := fn(p, target.ptr)
		runtime.KeepAlive(target)
		return err
	})
}
