//go:build cgo

package lxdclient

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestLXCConfig(t *testing.T) {
	env := lxdEnv(t)
	ctx := testCtx(t)
	dir := t.TempDir()
	r, err := ConfigRemotes(dir)
	must(t, err)
	if r.Default == "" || slices.IndexFunc(r.Remotes, func(x Remote) bool { return x.Name == "local" }) < 0 {
		t.Fatalf("remotes of an empty configuration %+v", r)
	}
	gen, err := EnsureClientCert(dir)
	must(t, err)
	again, err := EnsureClientCert(dir)
	must(t, err)
	if !gen || again {
		t.Fatalf("generated %v, then %v", gen, again)
	}
	crt, err := os.ReadFile(filepath.Join(dir, "client.crt"))
	must(t, err)
	clientFP, err := CertificateFingerprint(crt)
	must(t, err)
	u := unixClient(t)
	t.Cleanup(func() { u.DeleteCertificate(testCtx(t), clientFP) })

	serverFP, _ := certFingerprint(t, env.serverCert)
	_, err = AddConfigRemote(dir, "wrong", env.httpsURL, trustSecret(t, ""), strings.Repeat("00", 32))
	mustIs(t, err, ErrTLS)
	_, err = AddConfigRemote(dir, "has:colon", env.httpsURL, trustSecret(t, ""), serverFP)
	mustIs(t, err, ErrInvalidArgument)
	// Only the whole SHA-256 is accepted: a prefix (even one that matches) is refused up front.
	for _, short := range []string{serverFP[:1], serverFP[:16], serverFP[:63], serverFP + "0", serverFP[:63] + "g"} {
		_, err = AddConfigRemote(dir, "short", env.httpsURL, trustSecret(t, ""), short)
		mustIs(t, err, ErrInvalidArgument)
		if !strings.Contains(err.Error(), "64 hex digits") {
			t.Fatalf("prefix %q: unclear message %q", short, err)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "servercerts", "short.crt")); err == nil {
		t.Fatal("a refused fingerprint wrote servercerts/short.crt")
	}
	got, err := AddConfigRemote(dir, "harness", env.httpsURL, trustSecret(t, ""), strings.ToUpper(serverFP))
	must(t, err)
	if got != serverFP {
		t.Fatalf("fingerprint %s, want %s", got, serverFP)
	}
	r, err = ConfigRemotes(dir)
	must(t, err)
	if i := slices.IndexFunc(r.Remotes, func(x Remote) bool { return x.Name == "harness" }); i < 0 || r.Remotes[i].Addr != env.httpsURL {
		t.Fatalf("remotes after add %+v", r)
	}
	c, err := Connect(WithRemote(dir, "harness"), WithTimeout(30*time.Second))
	must(t, err)
	defer c.Close()
	trusted, err := c.Trusted(ctx)
	must(t, err)
	if !trusted {
		t.Fatal("the added remote is not trusted")
	}
	_, err = Connect(WithRemote(dir, "no-such-remote"))
	mustIs(t, err, ErrInvalidArgument)
	_, err = Connect(WithRemote(dir, "images")) // simplestreams
	mustIs(t, err, ErrInvalidArgument)
	_, err = Connect(WithRemote(dir, "harness"), WithHTTPS(env.httpsURL))
	mustIs(t, err, ErrInvalidArgument)
	must(t, u.DeleteCertificate(ctx, clientFP))
}
