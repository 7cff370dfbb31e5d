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
