//go:build cgo

package lxdclient

import "testing"

func TestTrustTokensAndUntrusted(t *testing.T) {
	env := lxdEnv(t)
	c := unixClient(t)
	ctx := testCtx(t)
	fp, pemText := certFingerprint(t, env.client2Cert)
	got, err := CertificateFingerprint([]byte(pemText))
	must(t, err)
	if got != fp {
		t.Fatalf("CertificateFingerprint %s, want %s", got, fp)
	}
	_, err = CertificateFingerprint([]byte("not a certificate"))
	mustIs(t, err, ErrInvalidArgument)
	if _, err := c.GetCertificate(ctx, fp); err == nil { // left over by an earlier run
		must(t, c.DeleteCertificate(ctx, fp))
	}
	t.Cleanup(func() { c.DeleteCertificate(testCtx(t), fp) })

	h, err := Connect(WithHTTPS(env.httpsURL), WithClientCertFiles(env.client2Cert, env.client2Key), WithServerCertFile(env.serverCert))
	must(t, err)
	defer h.Close()
	mustIs(t, h.AuthenticateAs(ctx, "wrong-password", ""), ErrForbidden)

	name := uniq("gotok")
	token, op, err := c.CreateCertificateToken(ctx, name)
	must(t, err)
	info, err := op.Info()
	must(t, err)
	if len(token) < 40 || info.Class != "token" || op.ID() == "" {
		t.Fatalf("token %q, operation %+v", token, info)
	}
	op.Close()
	must(t, h.AuthenticateAs(ctx, token, "ignored-name"))
	trusted, err := h.Trusted(ctx)
	must(t, err)
	cert, err := c.GetCertificate(ctx, fp)
	must(t, err)
	if !trusted || cert.Name != name { // a token names the certificate itself
		t.Fatalf("trusted %v, certificate %+v", trusted, cert)
	}
	mustAPI(t, h.AuthenticateAs(ctx, token, ""), 400, "already trusted")
	must(t, c.DeleteCertificate(ctx, fp))
	mustIs(t, h.AuthenticateAs(ctx, token, ""), ErrForbidden) // a used token does not work twice

	// A revoked token is refused.
	token, op, err = c.CreateCertificateToken(ctx, uniq("gotok"))
	must(t, err)
	must(t, op.Cancel(ctx))
	op.Close()
	h2, err := Connect(WithHTTPS(env.httpsURL), WithClientCertFiles(env.client2Cert, env.client2Key), WithServerCertFile(env.serverCert))
	must(t, err)
	defer h2.Close()
	mustIs(t, h2.AuthenticateAs(ctx, token, "revoked"), ErrForbidden)
	trusted, err = h2.Trusted(ctx)
	must(t, err)
	if trusted {
		t.Fatal("trusted through a revoked token")
	}
	_, _, err = c.CreateCertificateToken(ctx, "")
	if err == nil {
		t.Fatal("a token without a name was made")
	}
}
