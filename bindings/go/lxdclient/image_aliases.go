//go:build cgo

package lxdclient

/*
#include <lxdclient.h>
*/
import "C"

import "context"

// GetPublicImageAlias fetches an alias of a public image (GET /1.0/images/aliases/<name>?public).
// An alias of a private image: ErrNotFound.
func (c *Client) GetPublicImageAlias(ctx context.Context, name string) (*ImageAlias, error) {
	var a cArgs
	n := a.str(name)
	s, err := c.callString(ctx, &a, func(p *C.lxd_client, out **C.char, e **C.lxd_error) C.enum_lxd_result {
		return C.lxd_image_alias_get_public(p, n, out, e)
	})
	if err != nil {
		return nil, err
	}
	return loadObject[ImageAlias](c, []byte(s), "", keyImageAlias)
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

// ImageAlias is an image alias (GET /1.0/images/aliases/<name>).
type ImageAlias struct {
	// Name is the key; change it with Rename.
	Name        string `json:"name"`
	Description string `json:"description"`
	// Target is the fingerprint of the image the alias points to.
	Target string `json:"target"`
	// Type is "container" or "virtual-machine".
	Type string `json:"type"`
	// Extra holds members this version has no field for.
	Extra Extra `json:"-"`

	meta objectMeta
}
