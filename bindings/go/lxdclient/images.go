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

// ImageMetadata is an instance's image metadata (GET /1.0/instances/<name>/metadata): what the
// image's metadata.yaml said, as changed since.
type ImageMetadata struct {
	Architecture string                            `json:"architecture"`
	CreationDate int64                             `json:"creation_date"`
	ExpiryDate   int64                             `json:"expiry_date"`
	Properties   map[string]string                 `json:"properties"`
	Templates    map[string]*ImageMetadataTemplate `json:"templates"`
	Extra        Extra                             `json:"-"`
}

// ImageMetadataTemplate says when LXD renders a template file to a path of the instance.
type ImageMetadataTemplate struct {
	// When lists the triggers: "create", "copy", "start", "rename".
	When       []string          `json:"when"`
	CreateOnly bool              `json:"create_only"`
	Template   string            `json:"template"`
	Properties map[string]string `json:"properties"`
	Extra      Extra             `json:"-"`
}

// ImageDownloadOptions are the properties of an image LXD downloads from a URL or a
// simplestreams server.
type ImageDownloadOptions struct {
	Public     bool              `json:"public,omitempty"`
	AutoUpdate bool              `json:"auto_update,omitempty"`
	Aliases    []ImageAliasName  `json:"aliases,omitempty"`
	Properties map[string]string `json:"properties,omitempty"`
	// Source adds members to the request's source object (e.g. "image_type":
	// "virtual-machine", "certificate").
	Source map[string]any `json:"source,omitempty"`
}

// ImagePush is the request that makes this server push an image to another LXD (LXD's
// ImageExportPost).
type ImagePush struct {
	// Target is the receiving server's URL ("https://host:8443").
	Target string `json:"target"`
	// Secret is the receiving server's secret for the push (the metadata "secret" of its
	// operation that waits for the image).
	Secret string `json:"secret"`
	// Certificate is the receiving server's certificate (PEM), "" to use the system CAs.
	Certificate string `json:"certificate"`
	// Aliases to create on the receiving server; LXD 5.0.2 does not create them.
	Aliases []ImageAliasName `json:"aliases,omitempty"`
	Project string           `json:"project,omitempty"`
	Extra   Extra            `json:"-"`
}

// Image is an image (GET /1.0/images/<fingerprint>).
type Image struct {
	// Fingerprint is the SHA-256 of the image: its key.
	Fingerprint  string          `json:"fingerprint"`
	Aliases      []ImageAliasRef `json:"aliases"`
	Architecture string          `json:"architecture"`
	AutoUpdate   bool            `json:"auto_update"`
	// Cached is true for images downloaded on demand (removed when unused).
	Cached     bool              `json:"cached"`
	CreatedAt  time.Time         `json:"created_at"`
	ExpiresAt  time.Time         `json:"expires_at"`
	Filename   string            `json:"filename"`
	LastUsedAt time.Time         `json:"last_used_at"`
	Properties map[string]string `json:"properties"`
	Public     bool              `json:"public"`
	// Size in bytes.
	Size       int64     `json:"size"`
	UploadedAt time.Time `json:"uploaded_at"`
	// UpdateSource is where the image updates from (nil when it does not).
	UpdateSource *ImageSource `json:"update_source,omitempty"`
	// Type is "container" or "virtual-machine".
	Type string `json:"type"`
	// Profiles are applied to instances created from the image.
	Profiles []string `json:"profiles"`
	// Extra holds members this version has no field for.
	Extra Extra `json:"-"`

	meta objectMeta
}

// ImageAliasRef is an alias as listed inside an image.
type ImageAliasRef struct {
	Name        string `json:"name"`
	Description string `json:"description"`
	// Extra holds members this version has no field for.
	Extra Extra `json:"-"`
}

// ImageSource is where an image updates from.
type ImageSource struct {
	Alias       string `json:"alias"`
	Certificate string `json:"certificate"`
	ImageType   string `json:"image_type"`
	Protocol    string `json:"protocol"`
	Server      string `json:"server"`
	// Extra holds members this version has no field for.
	Extra Extra `json:"-"`
}

// ImageCreate is the request to create an image (POST /1.0/images) from a source that LXD
// fetches itself: an instance or snapshot to publish, another server, a URL.
type ImageCreate struct {
	Source     *ImageCreateSource `json:"source,omitempty"`
	Public     bool               `json:"public,omitempty"`
	AutoUpdate bool               `json:"auto_update,omitempty"`
	// Aliases to create for the new image.
	Aliases    []ImageAliasRef   `json:"aliases,omitempty"`
	Properties map[string]string `json:"properties,omitempty"`
	Filename   string            `json:"filename,omitempty"`
	Profiles   []string          `json:"profiles,omitempty"`
	// CompressionAlgorithm for publishing ("gzip", "none", ...).
	CompressionAlgorithm string     `json:"compression_algorithm,omitempty"`
	ExpiresAt            *time.Time `json:"expires_at,omitempty"`
	// Extra holds members to send that this version has no field for.
	Extra Extra `json:"-"`
}

// ImageCreateSource is the source of a new image: {Type: "instance", Name: "c1"} publishes an
// instance, {Type: "snapshot", Name: "c1/snap0"} a snapshot, {Type: "image", Server: ...,
// Alias: ...} copies from another server.
type ImageCreateSource struct {
	Type        string `json:"type"`
	Name        string `json:"name,omitempty"`
	Alias       string `json:"alias,omitempty"`
	Fingerprint string `json:"fingerprint,omitempty"`
	Server      string `json:"server,omitempty"`
	Protocol    string `json:"protocol,omitempty"`
	Certificate string `json:"certificate,omitempty"`
	Secret      string `json:"secret,omitempty"`
	Mode        string `json:"mode,omitempty"`
	URL         string `json:"url,omitempty"`
	ImageType   string `json:"image_type,omitempty"`
	Project     string `json:"project,omitempty"`
	// Extra holds members to send that this version has no field for.
	Extra Extra `json:"-"`
}
