//go:build cgo

package lxdclient

/*
#include <lxdclient.h>
*/
import "C"

import "context"

// GetImageByAlias fetches the image an alias points to (GET /1.0/images/aliases/<alias>, then
// the image) with its ETag. Missing alias: ErrNotFound.
func (c *Client) GetImageByAlias(ctx context.Context, alias string) (*Image, error) {
	var a cArgs
	n := a.str(alias)
	s, etag, err := c.callStringETag(ctx, &a, func(p *C.lxd_client, out, et **C.char, e **C.lxd_error) C.enum_lxd_result {
		return C.lxd_image_get_by_alias(p, n, out, et, e)
	})
	if err != nil {
		return nil, err
	}
	return loadObject[Image](c, []byte(s), etag, keyImage)
}

// CreateImageAlias creates the alias name pointing at the image target (a fingerprint)
// (POST /1.0/images/aliases); description may be "". Taken: ErrConflict.
func (c *Client) CreateImageAlias(ctx context.Context, name, target, description string) error {
	var a cArgs
	n, t, d := a.str(name), a.str(target), a.opt(description)
	return c.callErr(ctx, &a, func(p *C.lxd_client, e **C.lxd_error) C.enum_lxd_result {
		return C.lxd_image_alias_create(p, n, t, d, e)
	})
}

// AddAlias creates an alias pointing at this image, then syncs the image.
func (v *Image) AddAlias(ctx context.Context, name, description string) error {
	c, m, err := boundClient(v)
	if err != nil {
		return err
	}
	if err := c.CreateImageAlias(ctx, name, m.name, description); err != nil {
		return err
	}
	return v.Sync(ctx)
}

// DeleteAlias deletes one of this image's aliases, then syncs the image.
func (v *Image) DeleteAlias(ctx context.Context, name string) error {
	c, _, err := boundClient(v)
	if err != nil {
		return err
	}
	if err := c.DeleteImageAlias(ctx, name); err != nil {
		return err
	}
	return v.Sync(ctx)
}
