//go:build cgo

package lxdclient

/*
#include <lxdclient.h>
*/
import "C"

import "context"

// More of images: filtered and public listings, the untrusted views and secrets, downloads from
// a URL or a simplestreams server, refresh, and pushing to another server.

// ListImageFingerprintsFiltered lists the fingerprints of the images LXD's collection filter
// selects ("properties.os eq busybox"; "" for all).
func (c *Client) ListImageFingerprintsFiltered(ctx context.Context, filter string) ([]string, error) {
	var a cArgs
	f := a.opt(filter)
	s, err := c.callString(ctx, &a, func(p *C.lxd_client, out **C.char, e **C.lxd_error) C.enum_lxd_result {
		return C.lxd_image_list_filtered(p, 0, f, out, e)
	})
	if err != nil {
		return nil, err
	}
	return decodeNames(s)
}

// ListImagesFiltered lists the images filter selects (recursion=1).
func (c *Client) ListImagesFiltered(ctx context.Context, filter string) ([]*Image, error) {
	var a cArgs
	f := a.opt(filter)
	s, err := c.callString(ctx, &a, func(p *C.lxd_client, out **C.char, e **C.lxd_error) C.enum_lxd_result {
		return C.lxd_image_list_filtered(p, 1, f, out, e)
	})
	if err != nil {
		return nil, err
	}
	return loadList[Image](c, s, keyImage)
}

// ListPublicImageFingerprints lists the public images' fingerprints (GET /1.0/images?public),
// as an untrusted client sees them.
func (c *Client) ListPublicImageFingerprints(ctx context.Context) ([]string, error) {
	s, err := c.callString(ctx, nil, func(p *C.lxd_client, out **C.char, e **C.lxd_error) C.enum_lxd_result {
		return C.lxd_image_list_public(p, 0, out, e)
	})
	if err != nil {
		return nil, err
	}
	return decodeNames(s)
}

// ListPublicImages lists the public images (recursion=1).
func (c *Client) ListPublicImages(ctx context.Context) ([]*Image, error) {
	s, err := c.callString(ctx, nil, func(p *C.lxd_client, out **C.char, e **C.lxd_error) C.enum_lxd_result {
		return C.lxd_image_list_public(p, 1, out, e)
	})
	if err != nil {
		return nil, err
	}
	return loadList[Image](c, s, keyImage)
}

// GetPublicImage fetches an image as an untrusted client may see it: a public image, or a
// private one with a secret from CreateImageSecret ("": none). Private without a valid secret:
// ErrNotFound.
func (c *Client) GetPublicImage(ctx context.Context, fingerprint, secret string) (*Image, error) {
	var a cArgs
	fp, sc := a.str(fingerprint), a.opt(secret)
	s, err := c.callString(ctx, &a, func(p *C.lxd_client, out **C.char, e **C.lxd_error) C.enum_lxd_result {
		return C.lxd_image_get_public(p, fp, sc, out, e)
	})
	if err != nil {
		return nil, err
	}
	return loadObject[Image](c, []byte(s), "", keyImage)
}

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

// CreateImageSecret makes a one-time secret that lets an untrusted client fetch this private
// image (GetPublicImage), and returns it with its token operation (Close it when done). Its use
// ends the operation. Cancelling the operation is meant to revoke it, but LXD 5.0.2 accepts the
// secret of a finished (used or cancelled) operation while the operation is still listed.
func (c *Client) CreateImageSecret(ctx context.Context, fingerprint string) (string, *Operation, error) {
	var a cArgs
	fp := a.str(fingerprint)
	return c.callToken(ctx, &a, func(p *C.lxd_client, sec **C.char, op **C.lxd_operation, e **C.lxd_error) C.enum_lxd_result {
		return C.lxd_image_secret(p, fp, sec, op, e)
	})
}

// RefreshImage refreshes an image from its source now (POST /1.0/images/<fingerprint>/refresh),
// waits, and reports whether a newer image arrived. Only images with a source can be refreshed.
func (c *Client) RefreshImage(ctx context.Context, fingerprint string) (bool, error) {
	var a cArgs
	fp := a.str(fingerprint)
	op, err := c.callOp(ctx, &a, func(p *C.lxd_client, op **C.lxd_operation, e **C.lxd_error) C.enum_lxd_result {
		return C.lxd_image_refresh(p, fp, op, e)
	})
	if err != nil {
		return false, err
	}
	defer op.Close()
	if err := op.Wait(ctx); err != nil {
		return false, err
	}
	info, err := op.Info()
	if err != nil {
		return false, err
	}
	refreshed, _ := info.Metadata["refreshed"].(bool)
	return refreshed, nil
}

// CreateImageFromURL has LXD download an image from url (which must answer with LXD's
// LXD-Image-Hash / LXD-Image-URL headers), waits, and returns its fingerprint. opts may be nil.
func (c *Client) CreateImageFromURL(ctx context.Context, url string, opts *ImageDownloadOptions) (string, error) {
	var a cArgs
	u := a.str(url)
	var o *C.char
	if opts != nil {
		o = a.json(opts)
	}
	op, err := c.callOp(ctx, &a, func(p *C.lxd_client, op **C.lxd_operation, e **C.lxd_error) C.enum_lxd_result {
		return C.lxd_image_create_from_url(p, u, o, op, nil, e)
	})
	return imageFingerprint(ctx, op, err)
}

// CreateImageFromSimplestreams has LXD download alias (or a fingerprint) from the simplestreams
// server at server ("https://images.example.org"), waits, and returns its fingerprint. opts may
// be nil (Source{"image_type": "virtual-machine"} picks a VM image).
func (c *Client) CreateImageFromSimplestreams(ctx context.Context, server, alias string, opts *ImageDownloadOptions) (string, error) {
	var a cArgs
	s, al := a.str(server), a.str(alias)
	var o *C.char
	if opts != nil {
		o = a.json(opts)
	}
	op, err := c.callOp(ctx, &a, func(p *C.lxd_client, op **C.lxd_operation, e **C.lxd_error) C.enum_lxd_result {
		return C.lxd_image_create_from_simplestreams(p, s, al, o, op, nil, e)
	})
	return imageFingerprint(ctx, op, err)
}

// imageFingerprint waits for an image-creating operation and returns the fingerprint from its
// metadata.
func imageFingerprint(ctx context.Context, op *Operation, err error) (string, error) {
	if err != nil {
		return "", err
	}
	defer op.Close()
	if err := op.Wait(ctx); err != nil {
		return "", err
	}
	info, err := op.Info()
	if err != nil {
		return "", err
	}
	fp, _ := info.Metadata["fingerprint"].(string)
	if fp == "" {
		return "", &Error{Code: CodeProtocol, Message: "the image operation's metadata holds no fingerprint"}
	}
	return fp, nil
}

// PushImageTo makes this server push an image to another LXD (POST
// /1.0/images/<fingerprint>/export) and waits. The receiving server must be waiting for it: an
// image operation with source {"type": "image", "mode": "push", "fingerprint": ...} there gives
// the secret (its metadata "secret"); the push uses it up. An unreachable target: ErrAPI (500).
func (c *Client) PushImageTo(ctx context.Context, fingerprint string, req ImagePush) error {
	var a cArgs
	fp, j := a.str(fingerprint), a.json(req)
	return c.callWait(ctx, &a, func(p *C.lxd_client, op **C.lxd_operation, e **C.lxd_error) C.enum_lxd_result {
		return C.lxd_image_push_to(p, fp, j, op, e)
	})
}
