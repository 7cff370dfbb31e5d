//go:build cgo

package lxdclient

/*
#include <lxdclient.h>
*/
import "C"

import "context"

// ListCertificateFingerprints lists the trusted certificates' fingerprints
// (GET /1.0/certificates).
func (c *Client) ListCertificateFingerprints(ctx context.Context) ([]string, error) {
	s, err := c.callString(ctx, nil, func(p *C.lxd_client, out **C.char, e **C.lxd_error) C.enum_lxd_result {
		return C.lxd_certificate_list(p, 0, out, e)
	})
	if err != nil {
		return nil, err
	}
	return decodeNames(s)
}

// ListCertificates lists the trusted certificates (GET /1.0/certificates?recursion=1). Listed
// objects carry no ETag: their Save sends no If-Match unless you Sync them first.
func (c *Client) ListCertificates(ctx context.Context) ([]*Certificate, error) {
	s, err := c.callString(ctx, nil, func(p *C.lxd_client, out **C.char, e **C.lxd_error) C.enum_lxd_result {
		return C.lxd_certificate_list(p, 1, out, e)
	})
	if err != nil {
		return nil, err
	}
	return loadList[Certificate](c, s, certificateKey, "")
}

func certificateKey(v *Certificate) string { return v.Fingerprint }

// GetCertificate fetches one trusted certificate (GET /1.0/certificates/<fingerprint>) with its
// ETag. Missing: ErrNotFound.
func (c *Client) GetCertificate(ctx context.Context, fingerprint string) (*Certificate, error) {
	var a cArgs
	f := a.str(fingerprint)
	s, etag, err := c.callStringETag(ctx, &a, func(p *C.lxd_client, out, et **C.char, e **C.lxd_error) C.enum_lxd_result {
		return C.lxd_certificate_get(p, f, out, et, e)
	})
	if err != nil {
		return nil, err
	}
	return loadObject[Certificate](c, []byte(s), etag, certificateKey, "")
}

// CreateCertificate adds a trusted certificate from LXD's create request
// (POST /1.0/certificates). Known already: ErrConflict. AddCertificate takes a PEM certificate.
func (c *Client) CreateCertificate(ctx context.Context, req CertificateCreate) error {
	var a cArgs
	j := a.json(req)
	return c.callErr(ctx, &a, func(p *C.lxd_client, e **C.lxd_error) C.enum_lxd_result {
		return C.lxd_certificate_create(p, j, e)
	})
}

// AddCertificate trusts a certificate (POST /1.0/certificates): certPEM is the PEM certificate
// ("" for the one this client connects with, which then needs password); name may be "";
// password is the trust password or a trust token ("" when this client is already trusted).
// Known already: ErrConflict.
func (c *Client) AddCertificate(ctx context.Context, certPEM, name, password string) error {
	var a cArgs
	pem, n, pw := a.opt(certPEM), a.opt(name), a.opt(password)
	return c.callErr(ctx, &a, func(p *C.lxd_client, e **C.lxd_error) C.enum_lxd_result {
		return C.lxd_certificate_add(p, pem, n, pw, e)
	})
}

// UpdateCertificate replaces a trusted certificate's name, type, restriction and projects with
// cert's (PUT /1.0/certificates/<fingerprint>). A non-empty etag is sent as If-Match: if the
// certificate changed since it was read, ErrPreconditionFailed.
func (c *Client) UpdateCertificate(ctx context.Context, fingerprint string, cert *Certificate, etag string) error {
	var a cArgs
	f, j, t := a.str(fingerprint), a.json(cert), a.opt(etag)
	return c.callErr(ctx, &a, func(p *C.lxd_client, e **C.lxd_error) C.enum_lxd_result {
		return C.lxd_certificate_update(p, f, j, t, e)
	})
}

// PatchCertificate merges patch (any value encoding/json turns into a JSON object) into a
// trusted certificate (PATCH /1.0/certificates/<fingerprint>); etag as in UpdateCertificate.
func (c *Client) PatchCertificate(ctx context.Context, fingerprint string, patch any, etag string) error {
	var a cArgs
	f, j, t := a.str(fingerprint), a.json(patch), a.opt(etag)
	return c.callErr(ctx, &a, func(p *C.lxd_client, e **C.lxd_error) C.enum_lxd_result {
		return C.lxd_certificate_patch(p, f, j, t, e)
	})
}

// DeleteCertificate removes a certificate from the trust store
// (DELETE /1.0/certificates/<fingerprint>).
func (c *Client) DeleteCertificate(ctx context.Context, fingerprint string) error {
	var a cArgs
	f := a.str(fingerprint)
	return c.callErr(ctx, &a, func(p *C.lxd_client, e **C.lxd_error) C.enum_lxd_result {
		return C.lxd_certificate_delete(p, f, e)
	})
}

// ETag is the ETag the certificate was read with ("" for listed certificates).
func (v *Certificate) ETag() string { return v.meta.etag }

// Dirty reports whether the certificate was changed since it was read (or last synced or saved).
func (v *Certificate) Dirty() bool { return isDirty(v) }

// Rollback discards local changes: the certificate is again what the server sent.
func (v *Certificate) Rollback() error { return rollback(v) }

// Sync fetches the certificate again, discarding local changes.
func (v *Certificate) Sync(ctx context.Context) error {
	c, m, err := boundClient(v)
	if err != nil {
		return err
	}
	fresh, err := c.GetCertificate(ctx, m.name)
	if err != nil {
		return err
	}
	replace(v, fresh)
	return nil
}

// Save writes the certificate back (PUT with the ETag it was read with: if it changed on the
// server meanwhile, ErrPreconditionFailed and nothing is overwritten), then syncs it.
func (v *Certificate) Save(ctx context.Context) error {
	c, m, err := boundClient(v)
	if err != nil {
		return err
	}
	if err := c.UpdateCertificate(ctx, m.name, v, m.etag); err != nil {
		return err
	}
	return v.Sync(ctx)
}

// Delete removes the certificate from the server's trust store.
func (v *Certificate) Delete(ctx context.Context) error {
	c, m, err := boundClient(v)
	if err != nil {
		return err
	}
	return c.DeleteCertificate(ctx, m.name)
}
