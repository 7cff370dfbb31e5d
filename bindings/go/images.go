//go:build cgo

package lxdclient

/*
#include <lxdclient.h>
*/
import "C"

import "context"

// ListImageFingerprints lists the images' fingerprints (GET /1.0/images).
func (c *Client) ListImageFingerprints(ctx context.Context) ([]string, error) {
	s, err := c.callString(ctx, nil, func(p *C.lxd_client, out **C.char, e **C.lxd_error) C.enum_lxd_result {
		return C.lxd_image_list(p, 0, out, e)
	})
	if err != nil {
		return nil, err
	}
	return decodeNames(s)
}

// ListImages lists the images (GET /1.0/images?recursion=1). Listed objects carry no ETag:
// their Save sends no If-Match unless you Sync them first.
func (c *Client) ListImages(ctx context.Context) ([]*Image, error) {
	s, err := c.callString(ctx, nil, func(p *C.lxd_client, out **C.char, e **C.lxd_error) C.enum_lxd_result {
		return C.lxd_image_list(p, 1, out, e)
	})
	if err != nil {
		return nil, err
	}
	return loadList[Image](c, s, imageKey, "")
}

func imageKey(v *Image) string { return v.Fingerprint }

// GetImage fetches one image by its fingerprint or a unique prefix of it
// (GET /1.0/images/<fingerprint>) with its ETag. Missing: ErrNotFound.
func (c *Client) GetImage(ctx context.Context, fingerprint string) (*Image, error) {
	var a cArgs
	f := a.str(fingerprint)
	s, etag, err := c.callStringETag(ctx, &a, func(p *C.lxd_client, out, et **C.char, e **C.lxd_error) C.enum_lxd_result {
		return C.lxd_image_get(p, f, out, et, e)
	})
	if err != nil {
		return nil, err
	}
	return loadObject[Image](c, []byte(s), etag, imageKey, "")
}

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
	return loadObject[Image](c, []byte(s), etag, imageKey, "")
}

// ImageExists reports whether an image exists (GET /1.0/images/<fingerprint>, 404 → false).
func (c *Client) ImageExists(ctx context.Context, fingerprint string) (bool, error) {
	var a cArgs
	f := a.str(fingerprint)
	return c.callBool(ctx, &a, func(p *C.lxd_client, out *C.bool, e **C.lxd_error) C.enum_lxd_result {
		return C.lxd_image_exists(p, f, out, e)
	})
}

// CreateImage starts creating an image from a source LXD fetches itself (POST /1.0/images):
// publishing an instance or snapshot, or copying from another server. The new fingerprint is in
// the finished operation's metadata ("fingerprint").
func (c *Client) CreateImage(ctx context.Context, req ImageCreate) (*Operation, error) {
	var a cArgs
	j := a.json(req)
	return c.callOp(ctx, &a, func(p *C.lxd_client, op **C.lxd_operation, e **C.lxd_error) C.enum_lxd_result {
		return C.lxd_image_create(p, j, op, e)
	})
}

// UpdateImage replaces an image's properties, public and auto-update flags, expiry and profiles
// with img's (PUT /1.0/images/<fingerprint>). A non-empty etag is sent as If-Match: if the image
// changed since it was read, ErrPreconditionFailed.
func (c *Client) UpdateImage(ctx context.Context, fingerprint string, img *Image, etag string) (*Operation, error) {
	var a cArgs
	f, j, t := a.str(fingerprint), a.json(img), a.opt(etag)
	return c.callOp(ctx, &a, func(p *C.lxd_client, op **C.lxd_operation, e **C.lxd_error) C.enum_lxd_result {
		return C.lxd_image_update(p, f, j, t, op, e)
	})
}

// PatchImage merges patch (any value encoding/json turns into a JSON object) into an image
// (PATCH /1.0/images/<fingerprint>); etag as in UpdateImage.
func (c *Client) PatchImage(ctx context.Context, fingerprint string, patch any, etag string) (*Operation, error) {
	var a cArgs
	f, j, t := a.str(fingerprint), a.json(patch), a.opt(etag)
	return c.callOp(ctx, &a, func(p *C.lxd_client, op **C.lxd_operation, e **C.lxd_error) C.enum_lxd_result {
		return C.lxd_image_patch(p, f, j, t, op, e)
	})
}

// DeleteImage starts deleting an image (DELETE /1.0/images/<fingerprint>).
func (c *Client) DeleteImage(ctx context.Context, fingerprint string) (*Operation, error) {
	var a cArgs
	f := a.str(fingerprint)
	return c.callOp(ctx, &a, func(p *C.lxd_client, op **C.lxd_operation, e **C.lxd_error) C.enum_lxd_result {
		return C.lxd_image_delete(p, f, op, e)
	})
}

// ListImageAliasNames lists the image aliases' names (GET /1.0/images/aliases).
func (c *Client) ListImageAliasNames(ctx context.Context) ([]string, error) {
	s, err := c.callString(ctx, nil, func(p *C.lxd_client, out **C.char, e **C.lxd_error) C.enum_lxd_result {
		return C.lxd_image_alias_list(p, 0, out, e)
	})
	if err != nil {
		return nil, err
	}
	return decodeNames(s)
}

// ListImageAliases lists the image aliases (GET /1.0/images/aliases?recursion=1). Listed
// objects carry no ETag.
func (c *Client) ListImageAliases(ctx context.Context) ([]*ImageAlias, error) {
	s, err := c.callString(ctx, nil, func(p *C.lxd_client, out **C.char, e **C.lxd_error) C.enum_lxd_result {
		return C.lxd_image_alias_list(p, 1, out, e)
	})
	if err != nil {
		return nil, err
	}
	return loadList[ImageAlias](c, s, imageAliasKey, "")
}

func imageAliasKey(v *ImageAlias) string { return v.Name }

// GetImageAlias fetches one image alias (GET /1.0/images/aliases/<name>) with its ETag.
// Missing: ErrNotFound.
func (c *Client) GetImageAlias(ctx context.Context, name string) (*ImageAlias, error) {
	var a cArgs
	n := a.str(name)
	s, etag, err := c.callStringETag(ctx, &a, func(p *C.lxd_client, out, et **C.char, e **C.lxd_error) C.enum_lxd_result {
		return C.lxd_image_alias_get(p, n, out, et, e)
	})
	if err != nil {
		return nil, err
	}
	return loadObject[ImageAlias](c, []byte(s), etag, imageAliasKey, "")
}

// ImageAliasExists reports whether an image alias exists (GET /1.0/images/aliases/<name>,
// 404 → false).
func (c *Client) ImageAliasExists(ctx context.Context, name string) (bool, error) {
	var a cArgs
	n := a.str(name)
	return c.callBool(ctx, &a, func(p *C.lxd_client, out *C.bool, e **C.lxd_error) C.enum_lxd_result {
		return C.lxd_image_alias_exists(p, n, out, e)
	})
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

// UpdateImageAlias replaces an alias's target and description with alias's
// (PUT /1.0/images/aliases/<name>). A non-empty etag is sent as If-Match: if the alias changed
// since it was read, ErrPreconditionFailed.
func (c *Client) UpdateImageAlias(ctx context.Context, name string, alias *ImageAlias, etag string) error {
	var a cArgs
	n, j, t := a.str(name), a.json(alias), a.opt(etag)
	return c.callErr(ctx, &a, func(p *C.lxd_client, e **C.lxd_error) C.enum_lxd_result {
		return C.lxd_image_alias_update(p, n, j, t, e)
	})
}

// PatchImageAlias merges patch (any value encoding/json turns into a JSON object) into an alias
// (PATCH /1.0/images/aliases/<name>); etag as in UpdateImageAlias.
func (c *Client) PatchImageAlias(ctx context.Context, name string, patch any, etag string) error {
	var a cArgs
	n, j, t := a.str(name), a.json(patch), a.opt(etag)
	return c.callErr(ctx, &a, func(p *C.lxd_client, e **C.lxd_error) C.enum_lxd_result {
		return C.lxd_image_alias_patch(p, n, j, t, e)
	})
}

// RenameImageAlias renames an alias (POST /1.0/images/aliases/<name>). Taken: ErrConflict.
func (c *Client) RenameImageAlias(ctx context.Context, name, newName string) error {
	var a cArgs
	n, nn := a.str(name), a.str(newName)
	return c.callErr(ctx, &a, func(p *C.lxd_client, e **C.lxd_error) C.enum_lxd_result {
		return C.lxd_image_alias_rename(p, n, nn, e)
	})
}

// DeleteImageAlias deletes an alias (DELETE /1.0/images/aliases/<name>); the image stays.
func (c *Client) DeleteImageAlias(ctx context.Context, name string) error {
	var a cArgs
	n := a.str(name)
	return c.callErr(ctx, &a, func(p *C.lxd_client, e **C.lxd_error) C.enum_lxd_result {
		return C.lxd_image_alias_delete(p, n, e)
	})
}

// ETag is the ETag the image was read with ("" for listed images).
func (v *Image) ETag() string { return v.meta.etag }

// Dirty reports whether the image was changed since it was read (or last synced or saved).
func (v *Image) Dirty() bool { return isDirty(v) }

// Rollback discards local changes: the image is again what the server sent.
func (v *Image) Rollback() error { return rollback(v) }

// Sync fetches the image again, discarding local changes.
func (v *Image) Sync(ctx context.Context) error {
	c, m, err := boundClient(v)
	if err != nil {
		return err
	}
	fresh, err := c.GetImage(ctx, m.name)
	if err != nil {
		return err
	}
	replace(v, fresh)
	return nil
}

// Save writes the image back (PUT with the ETag it was read with: if it changed on the server
// meanwhile, ErrPreconditionFailed and nothing is overwritten), waits, then syncs it.
func (v *Image) Save(ctx context.Context) error {
	c, m, err := boundClient(v)
	if err != nil {
		return err
	}
	if err := c.opWait(ctx)(c.UpdateImage(ctx, m.name, v, m.etag)); err != nil {
		return err
	}
	return v.Sync(ctx)
}

// Delete deletes the image and waits.
func (v *Image) Delete(ctx context.Context) error {
	c, m, err := boundClient(v)
	if err != nil {
		return err
	}
	return c.opWait(ctx)(c.DeleteImage(ctx, m.name))
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

// ETag is the ETag the alias was read with ("" for listed aliases).
func (v *ImageAlias) ETag() string { return v.meta.etag }

// Dirty reports whether the alias was changed since it was read (or last synced or saved).
func (v *ImageAlias) Dirty() bool { return isDirty(v) }

// Rollback discards local changes: the alias is again what the server sent.
func (v *ImageAlias) Rollback() error { return rollback(v) }

// Sync fetches the alias again, discarding local changes.
func (v *ImageAlias) Sync(ctx context.Context) error {
	c, m, err := boundClient(v)
	if err != nil {
		return err
	}
	fresh, err := c.GetImageAlias(ctx, m.name)
	if err != nil {
		return err
	}
	replace(v, fresh)
	return nil
}

// Save writes the alias's target and description back (PUT with the ETag it was read with: if
// it changed on the server meanwhile, ErrPreconditionFailed), then syncs it.
func (v *ImageAlias) Save(ctx context.Context) error {
	c, m, err := boundClient(v)
	if err != nil {
		return err
	}
	if err := c.UpdateImageAlias(ctx, m.name, v, m.etag); err != nil {
		return err
	}
	return v.Sync(ctx)
}

// Rename renames the alias, then syncs it.
func (v *ImageAlias) Rename(ctx context.Context, newName string) error {
	c, m, err := boundClient(v)
	if err != nil {
		return err
	}
	if err := c.RenameImageAlias(ctx, m.name, newName); err != nil {
		return err
	}
	m.name = newName
	return v.Sync(ctx)
}

// Delete deletes the alias (the image stays).
func (v *ImageAlias) Delete(ctx context.Context) error {
	c, m, err := boundClient(v)
	if err != nil {
		return err
	}
	return c.DeleteImageAlias(ctx, m.name)
}
