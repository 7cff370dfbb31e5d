//go:build cgo

package lxdclient

/*
#include <lxdclient.h>
*/
import "C"

import "context"

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

// CreateCertificateToken makes a trust token for a new client called name (POST
// /1.0/certificates with "token": true): the token `lxc config trust add` prints, which the new
// client passes to Authenticate once. Cancel the returned token operation to revoke it (Close
// the operation when done with it).
func (c *Client) CreateCertificateToken(ctx context.Context, name string) (string, *Operation, error) {
	var a cArgs
	n := a.str(name)
	return c.callToken(ctx, &a, func(p *C.lxd_client, tok **C.char, op **C.lxd_operation, e **C.lxd_error) C.enum_lxd_result {
		return C.lxd_certificate_token_create(p, n, tok, op, e)
	})
}

// AuthenticateAs is Authenticate with a name for this client's certificate in the server's
// trust store ("": LXD's default). password is the trust password or a token. It is the raw
// trust call: already trusted is ErrAPI (400) here (Authenticate succeeds then); wrong password:
// ErrForbidden.
func (c *Client) AuthenticateAs(ctx context.Context, password, name string) error {
	var a cArgs
	pw, n := a.str(password), a.opt(name)
	return c.callErr(ctx, &a, func(p *C.lxd_client, e **C.lxd_error) C.enum_lxd_result {
		return C.lxd_certificate_add_untrusted(p, pw, n, e)
	})
}

// CertificateFingerprint is the SHA-256 fingerprint (lower-case hex, as lxc and LXD show it) of
// the first certificate in certPEM. Not a PEM certificate: ErrInvalidArgument.
func CertificateFingerprint(certPEM []byte) (string, error) {
	var a cArgs
	defer a.free()
	p := a.str(string(certPEM))
	if a.err != nil {
		return "", a.err
	}
	var out *C.char
	var e *C.lxd_error
	if err := takeError(C.lxd_certificate_fingerprint(p, &out, &e), e); err != nil {
		return "", err
	}
	return takeString(out), nil
}

// Certificate is a trusted certificate (GET /1.0/certificates/<fingerprint>).
type Certificate struct {
	// Fingerprint is the SHA-256 of the certificate: its key.
	Fingerprint string `json:"fingerprint"`
	// Certificate is the certificate, PEM.
	Certificate string `json:"certificate"`
	Name        string `json:"name"`
	// Type is "client" or "metrics".
	Type string `json:"type"`
	// Restricted limits the certificate to Projects.
	Restricted bool     `json:"restricted"`
	Projects   []string `json:"projects"`
	// Extra holds members this version has no field for.
	Extra Extra `json:"-"`

	meta objectMeta
}

// CertificateCreate is the request to add a trusted certificate (POST /1.0/certificates).
// AddCertificate is simpler when you have a PEM certificate.
type CertificateCreate struct {
	Name string `json:"name,omitempty"`
	// Type is "client" or "metrics".
	Type string `json:"type"`
	// Certificate is the certificate as base64 DER (a PEM body without its armour and
	// newlines); empty: the certificate this client connects with.
	Certificate string `json:"certificate,omitempty"`
	// Password is the trust password or a trust token (needed by untrusted clients).
	Password   string   `json:"password,omitempty"`
	Restricted bool     `json:"restricted,omitempty"`
	Projects   []string `json:"projects,omitempty"`
	// (LXD's "token": true, which asks for a trust token, answers with an operation that
	// lxd_certificate_create does not take: it is left out on purpose.)

	// Extra holds members to send that this version has no field for.
	Extra Extra `json:"-"`
}
