//go:build cgo

package lxdclient

import (
	"encoding/base64"
	"encoding/pem"
	"errors"
	"os"
	"slices"
	"testing"
)

// The HTTPS flow pylxd documents: an untrusted certificate, Authenticate with the trust
// password, then trusted.
func TestHTTPSAuthenticate(t *testing.T) {
	env := lxdEnv(t)
	ctx := testCtx(t)
	u := unixClient(t)
	fp, _ := certFingerprint(t, env.clientCert)
	if _, err := u.GetCertificate(ctx, fp); err == nil { // left over by an earlier run
		must(t, u.DeleteCertificate(ctx, fp))
	}
	t.Cleanup(func() { u.DeleteCertificate(testCtx(t), fp) })

	c, err := Connect(WithHTTPS(env.httpsURL), WithClientCertFiles(env.clientCert, env.clientKey),
		WithServerCertFile(env.serverCert), WithUserAgent("lxdclient-go-test"))
	must(t, err)
	defer c.Close()

	trusted, err := c.Trusted(ctx)
	must(t, err)
	if trusted {
		t.Fatal("trusted before authenticating")
	}
	_, err = c.ListInstanceNames(ctx)
	mustIs(t, err, ErrForbidden)
	s, err := c.GetServer(ctx)
	must(t, err)
	if s.Auth != "untrusted" || s.Environment.ServerVersion != "" {
		t.Fatalf("untrusted view: auth %q environment %+v", s.Auth, s.Environment)
	}

	err = c.Authenticate(ctx, "not the password")
	if err == nil {
		t.Fatal("a wrong password was accepted")
	}
	var e *Error
	if !errors.As(err, &e) || e.HTTPStatus != 403 {
		t.Fatalf("wrong password: %#v", err)
	}
	mustIs(t, c.Authenticate(ctx, ""), ErrInvalidArgument)

	must(t, c.Authenticate(ctx, trustSecret(t, "")))
	trusted, err = c.Trusted(ctx)
	must(t, err)
	if !trusted {
		t.Fatal("not trusted after authenticating")
	}
	_, err = c.ListInstanceNames(ctx)
	must(t, err)
	// Trusted now: Authenticate succeeds without sending the password (as pylxd's does); the raw
	// trust call is refused by LXD.
	must(t, c.Authenticate(ctx, "not the password"))
	err = c.AuthenticateAs(ctx, trustSecret(t, ""), "")
	mustIs(t, err, ErrAPI)
	if errors.As(err, &e); e.HTTPStatus != 400 {
		t.Fatalf("trusting twice: %#v", err)
	}
	cert, err := u.GetCertificate(ctx, fp)
	must(t, err)
	if cert.Type != "client" {
		t.Fatalf("certificate %+v", cert)
	}
}

func TestHTTPSServerVerification(t *testing.T) {
	env := lxdEnv(t)
	ctx := testCtx(t)
	serverPEM, err := os.ReadFile(env.serverCert)
	must(t, err)
	otherPEM, err := os.ReadFile(env.client2Cert)
	must(t, err)
	keyPEM, err := os.ReadFile(env.client2Key)
	must(t, err)

	connect := func(opts ...Option) *Client {
		c, err := Connect(append([]Option{WithHTTPS(env.httpsURL), WithClientCert(otherPEM, keyPEM)}, opts...)...)
		must(t, err)
		t.Cleanup(func() { c.Close() })
		return c
	}
	// The pinned certificate, as PEM: the server is accepted.
	_, err = connect(WithServerCert(serverPEM)).GetServer(ctx)
	must(t, err)
	// The server's self-signed certificate as the CA: accepted (its names include 127.0.0.1).
	_, err = connect(WithCA(serverPEM)).GetServer(ctx)
	must(t, err)
	// Another certificate pinned, or taken as the CA: refused.
	_, err = connect(WithServerCert(otherPEM)).GetServer(ctx)
	mustIs(t, err, ErrTLS)
	_, err = connect(WithCA(otherPEM)).GetServer(ctx)
	mustIs(t, err, ErrTLS)
	// No pin and no CA: LXD's self-signed certificate is not trusted by the public roots.
	_, err = connect().GetServer(ctx)
	mustIs(t, err, ErrTLS)
	// Verification off.
	s, err := connect(WithInsecureSkipVerify()).GetServer(ctx)
	must(t, err)
	if s.Auth != "untrusted" {
		t.Fatalf("server %+v", s)
	}
}

func TestCertificates(t *testing.T) {
	env := lxdEnv(t)
	ctx := testCtx(t)
	c := unixClient(t)
	fp, pemText := certFingerprint(t, env.client2Cert)
	if _, err := c.GetCertificate(ctx, fp); err == nil {
		must(t, c.DeleteCertificate(ctx, fp))
	}
	t.Cleanup(func() { c.DeleteCertificate(testCtx(t), fp) })

	_, err := c.GetCertificate(ctx, fp)
	mustIs(t, err, ErrNotFound)
	must(t, c.AddCertificate(ctx, pemText, "go-test-2", ""))
	err = c.AddCertificate(ctx, pemText, "go-test-2", "")
	if err == nil {
		t.Fatal("added the same certificate twice")
	}
	mustIs(t, c.AddCertificate(ctx, "not a certificate", "", ""), ErrInvalidArgument)

	fps, err := c.ListCertificateFingerprints(ctx)
	must(t, err)
	if !slices.Contains(fps, fp) {
		t.Fatalf("fingerprints %v", fps)
	}
	all, err := c.ListCertificates(ctx)
	must(t, err)
	for _, x := range all {
		roundTrips(t, x)
	}
	cert, err := c.GetCertificate(ctx, fp)
	must(t, err)
	roundTrips(t, cert)
	if cert.Name != "go-test-2" || cert.Type != "client" || cert.Restricted || cert.ETag() == "" || cert.Fingerprint != fp {
		t.Fatalf("certificate %+v", cert)
	}

	// The newly trusted certificate works over HTTPS.
	h, err := Connect(WithHTTPS(env.httpsURL), WithClientCertFiles(env.client2Cert, env.client2Key), WithServerCertFile(env.serverCert))
	must(t, err)
	defer h.Close()
	trusted, err := h.Trusted(ctx)
	must(t, err)
	if !trusted {
		t.Fatal("added certificate not trusted")
	}

	stale, err := c.GetCertificate(ctx, fp)
	must(t, err)
	cert.Name = "renamed"
	if !cert.Dirty() {
		t.Fatal("not dirty")
	}
	must(t, cert.Rollback())
	if cert.Dirty() || cert.Name != "go-test-2" {
		t.Fatal("rollback")
	}
	cert.Name = "saved"
	cert.Restricted = true
	cert.Projects = []string{"default"}
	must(t, cert.Save(ctx))
	if cert.Name != "saved" || !cert.Restricted || !slices.Equal(cert.Projects, []string{"default"}) || cert.Dirty() {
		t.Fatalf("after save %+v", cert)
	}
	stale.Name = "stale"
	mustIs(t, stale.Save(ctx), ErrPreconditionFailed)
	must(t, stale.Sync(ctx))
	mustIs(t, c.PatchCertificate(ctx, fp, map[string]any{"restricted": false}, `"stale"`), ErrPreconditionFailed)
	must(t, c.PatchCertificate(ctx, fp, map[string]any{"restricted": false}, stale.ETag()))
	must(t, cert.Sync(ctx))
	if cert.Restricted {
		t.Fatal("patch")
	}
	cert.Name = "updated"
	mustIs(t, c.UpdateCertificate(ctx, fp, cert, stale.ETag()), ErrPreconditionFailed)
	must(t, c.UpdateCertificate(ctx, fp, cert, cert.ETag()))
	must(t, stale.Sync(ctx))
	if stale.Name != "updated" {
		t.Fatal(stale.Name)
	}
	must(t, cert.Delete(ctx))
	mustIs(t, c.DeleteCertificate(ctx, fp), ErrNotFound)
	trusted, err = h.Trusted(ctx)
	must(t, err)
	if trusted {
		t.Fatal("still trusted after delete")
	}

	// CreateCertificate takes LXD's own request: the certificate as base64 DER.
	block, _ := pem.Decode([]byte(pemText))
	must(t, c.CreateCertificate(ctx, CertificateCreate{Name: "created", Type: "client",
		Certificate: base64.StdEncoding.EncodeToString(block.Bytes), Restricted: true, Projects: []string{"default"}}))
	cert, err = c.GetCertificate(ctx, fp)
	must(t, err)
	if cert.Name != "created" || !cert.Restricted {
		t.Fatalf("created %+v", cert)
	}
	must(t, c.DeleteCertificate(ctx, fp))
}
