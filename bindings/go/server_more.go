//go:build cgo

package lxdclient

/*
#include <stdlib.h>
#include <lxdclient.h>
*/
import "C"

import (
	"context"
	"time"
)

// The server's untrusted views, metrics, operation ids, trust tokens and the self-trust of an
// untrusted client, warning updates, and the C names of result codes.

// ServerAPIVersions lists the API versions the server offers (GET /: ["/1.0"]). Untrusted
// clients may call it.
func (c *Client) ServerAPIVersions(ctx context.Context) ([]string, error) {
	s, err := c.callString(ctx, nil, func(p *C.lxd_client, out **C.char, e **C.lxd_error) C.enum_lxd_result {
		return C.lxd_server_api_versions(p, out, e)
	})
	if err != nil {
		return nil, err
	}
	return decodeNames(s)
}

// GetPublicServer fetches the server as an untrusted client sees it (GET /1.0?public); LXD
// answers by the caller's trust, so a trusted client gets the full view. It carries no ETag.
func (c *Client) GetPublicServer(ctx context.Context) (*Server, error) {
	s, err := c.callString(ctx, nil, func(p *C.lxd_client, out **C.char, e **C.lxd_error) C.enum_lxd_result {
		return C.lxd_server_get_public(p, out, e)
	})
	if err != nil {
		return nil, err
	}
	return loadObject[Server](c, []byte(s), "", func(*Server) string { return "" })
}

// Metrics returns the server's metrics (GET /1.0/metrics) in OpenMetrics text format, ending
// with "# EOF". The client's project selects the instances reported. Over HTTPS only trusted
// clients and "metrics" certificates may read them (else ErrForbidden).
func (c *Client) Metrics(ctx context.Context) (string, error) {
	return c.callString(ctx, nil, func(p *C.lxd_client, out **C.char, e **C.lxd_error) C.enum_lxd_result {
		return C.lxd_metrics_get(p, out, e)
	})
}

// ListOperationIDs lists the ids of every operation the server knows, of any status
// (GET /1.0/operations).
func (c *Client) ListOperationIDs(ctx context.Context) ([]string, error) {
	s, err := c.callString(ctx, nil, func(p *C.lxd_client, out **C.char, e **C.lxd_error) C.enum_lxd_result {
		return C.lxd_operation_list_ids(p, out, e)
	})
	if err != nil {
		return nil, err
	}
	return decodeNames(s)
}

// WaitOperationUntrusted waits on an operation as an untrusted client holding its secret
// (GET /1.0/operations/<id>/wait?public&secret=…) and returns its state when it is final or
// timeout passed (timeout < 0: no limit but the client's own timeout; it is rounded to whole
// seconds). A wrong secret: ErrForbidden.
func (c *Client) WaitOperationUntrusted(ctx context.Context, id, secret string, timeout time.Duration) (*OperationInfo, error) {
	var a cArgs
	i, sc := a.str(id), a.str(secret)
	secs := int64(-1)
	if timeout >= 0 {
		secs = int64(timeout / time.Second)
	}
	s, err := c.callString(ctx, &a, func(p *C.lxd_client, out **C.char, e **C.lxd_error) C.enum_lxd_result {
		return C.lxd_operation_wait_untrusted(p, i, sc, C.int64_t(secs), out, e)
	})
	return decodeAs[*OperationInfo](s, err)
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

// CName is the code's name in the C ABI ("LXD_RESULT_NOT_FOUND"), as C and C++ programs and
// their logs spell it; "LXD_RESULT_UNKNOWN" for a number that is no code.
func (c Code) CName() string { return C.GoString(C.lxd_result_name(C.int32_t(c))) }
