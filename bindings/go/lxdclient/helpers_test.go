//go:build cgo

package lxdclient

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"errors"
	"os"
	"reflect"
	"strings"
	"testing"
	"time"
)

// testEnv is what the real-LXD harness (tests/harness/with-lxd.sh) exports.
type testEnv struct {
	socket, httpsURL, serverCert                   string
	clientCert, clientKey, client2Cert, client2Key string
	imageAlias, imageFingerprint, pool             string
}

// lxdEnv reads the harness's LXD_TEST_* variables; a missing one fails the test (it is not a
// reason to skip: these tests exist to run against a real daemon).
func lxdEnv(t testing.TB) testEnv {
	t.Helper()
	get := func(name string) string {
		v := os.Getenv(name)
		if v == "" {
			t.Fatalf("%s is not set: run the Go tests inside the real-LXD harness "+
				"(tests/harness/with-lxd.sh -- make test-go, or `source STATEDIR/env`)", name)
		}
		return v
	}
	return testEnv{
		socket:           get("LXD_TEST_SOCKET"),
		httpsURL:         get("LXD_TEST_HTTPS_URL"),
		serverCert:       get("LXD_TEST_SERVER_CERT"),
		clientCert:       get("LXD_TEST_CLIENT_CERT"),
		clientKey:        get("LXD_TEST_CLIENT_KEY"),
		client2Cert:      get("LXD_TEST_CLIENT2_CERT"),
		client2Key:       get("LXD_TEST_CLIENT2_KEY"),
		imageAlias:       get("LXD_TEST_IMAGE_ALIAS"),
		imageFingerprint: get("LXD_TEST_IMAGE_FINGERPRINT"),
		pool:             get("LXD_TEST_POOL"),
	}
}

// isIncus: the harness runs Incus (LXD_TEST_DAEMON=incus), not LXD. Tests assert each daemon's
// own behaviour where they differ.
func isIncus() bool { return os.Getenv("LXD_TEST_DAEMON") == "incus" }

// daemonFlavour is what ServerFlavour must report for the harness's daemons.
func daemonFlavour() ServerFlavour {
	if isIncus() {
		return FlavourIncus
	}
	return FlavourLXD
}

// trustSecret makes a daemon trust a new client: LXD's trust password (LXD_TEST_TRUST_PASSWORD,
// or LXD_TEST_<which>TRUST_PASSWORD), or on Incus 6.0, which has no trust password, a fresh
// single-use trust token made over the daemon's unix socket. which: "" (daemon a), "2" (b) or
// "CLUSTER".
func trustSecret(t testing.TB, which string) string {
	t.Helper()
	if !isIncus() {
		name := "LXD_TEST_TRUST_PASSWORD" + which
		if which == "CLUSTER" {
			name = "LXD_TEST_CLUSTER_TRUST_PASSWORD"
		}
		v := os.Getenv(name)
		if v == "" {
			t.Fatalf("%s is not set: run the Go tests inside the real-LXD harness", name)
		}
		return v
	}
	sock := map[string]string{"": "LXD_TEST_SOCKET", "2": "LXD_TEST_SOCKET2", "CLUSTER": "LXD_TEST_CLUSTER_SOCKET1"}[which]
	c, err := Connect(WithUnixSocket(os.Getenv(sock)))
	if err != nil {
		t.Fatalf("Connect %s: %v", sock, err)
	}
	defer c.Close()
	token, op, err := c.CreateCertificateToken(context.Background(), uniq("gotoken"))
	if err != nil {
		t.Fatalf("CreateCertificateToken: %v", err)
	}
	if op != nil {
		op.Close()
	}
	return token
}

// unixClient connects to the harness's daemon over its unix socket; closed at the end of the test.
func unixClient(t testing.TB) *Client {
	t.Helper()
	c, err := Connect(WithUnixSocket(lxdEnv(t).socket))
	if err != nil {
		t.Fatalf("Connect: %v", err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// testCtx bounds a test's calls.
func testCtx(t testing.TB) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	t.Cleanup(cancel)
	return ctx
}

// uniq makes a name unique to this run (instance cgroups are shared by every daemon on the host).
func uniq(prefix string) string {
	b := make([]byte, 4)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	return prefix + "-" + hex.EncodeToString(b)
}

func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// mustIs fails unless errors.Is(err, target).
func mustIs(t testing.TB, err, target error) {
	t.Helper()
	if !errors.Is(err, target) {
		t.Fatalf("got error %v (%#v), want one matching %v", err, err, target)
	}
}

// newInstance creates a container from the harness's busybox image and deletes it (forcefully)
// when the test ends.
func newInstance(t testing.TB, c *Client, config map[string]string) *Instance {
	t.Helper()
	ctx := testCtx(t)
	name := uniq("gotest")
	op, err := c.CreateInstance(ctx, InstanceCreate{
		Name:   name,
		Source: InstanceSource{Type: "image", Alias: lxdEnv(t).imageAlias},
		Config: config,
	})
	must(t, err)
	must(t, op.Wait(ctx))
	t.Cleanup(func() { removeInstance(c, name) })
	inst, err := c.GetInstance(ctx, name)
	must(t, err)
	return inst
}

// removeInstance force-stops and deletes an instance, ignoring errors (cleanup).
func removeInstance(c *Client, name string) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if op, err := c.StopInstance(ctx, name, -1, true); err == nil {
		_ = op.Wait(ctx)
		op.Close()
	}
	if op, err := c.DeleteInstance(ctx, name); err == nil {
		_ = op.Wait(ctx)
		op.Close()
	}
}

// sameJSON compares two JSON texts as values.
func sameJSON(t testing.TB, a, b []byte) bool {
	t.Helper()
	var x, y any
	if err := json.Unmarshal(a, &x); err != nil {
		t.Fatalf("not JSON: %v: %s", err, a)
	}
	if err := json.Unmarshal(b, &y); err != nil {
		t.Fatalf("not JSON: %v: %s", err, b)
	}
	return reflect.DeepEqual(x, y)
}

// roundTrips checks that an object read from the server encodes back to exactly the JSON the
// library returned: no member lost, none invented.
func roundTrips[T any, P object[T]](t testing.TB, p P) {
	t.Helper()
	b, err := json.Marshal(p)
	must(t, err)
	if !sameJSON(t, p.lifecycle().orig, b) {
		t.Fatalf("%T does not round-trip:\nserver: %s\ngo:     %s", p, p.lifecycle().orig, b)
	}
}

// certFingerprint is the SHA-256 of a PEM certificate file's DER, as LXD names certificates.
func certFingerprint(t testing.TB, path string) (string, string) {
	t.Helper()
	data, err := os.ReadFile(path)
	must(t, err)
	block, _ := pem.Decode(data)
	if block == nil {
		t.Fatalf("%s is not PEM", path)
	}
	if _, err := x509.ParseCertificate(block.Bytes); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	sum := sha256.Sum256(block.Bytes)
	return hex.EncodeToString(sum[:]), string(data)
}

// waitUntil polls cond until it holds or the timeout passes.
func waitUntil(t testing.TB, timeout time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// anonClient is an HTTPS client without a client certificate (untrusted), pinned to the
// harness daemon's certificate.
func anonClient(t testing.TB) *Client {
	t.Helper()
	env := lxdEnv(t)
	c, err := Connect(WithHTTPS(env.httpsURL), WithServerCertFile(env.serverCert))
	must(t, err)
	t.Cleanup(func() { c.Close() })
	return c
}

// setImagePublic sets an image's public flag and waits.
func setImagePublic(ctx context.Context, c *Client, fp string, public bool) error {
	op, err := c.PatchImage(ctx, fp, map[string]any{"public": public}, "")
	if err != nil {
		return err
	}
	return op.wait(ctx)
}

// mustAPI fails unless err is an *Error with code ErrAPI, HTTP status status (0: any) and a
// message containing want.
func mustAPI(t testing.TB, err error, status int, want string) {
	t.Helper()
	mustIs(t, err, ErrAPI)
	e := err.(*Error)
	if (status != 0 && e.HTTPStatus != status) || !strings.Contains(e.Message, want) {
		t.Fatalf("got %d %q, want %d and a message containing %q", e.HTTPStatus, e.Message, status, want)
	}
}

func errorIs(err, target error) bool {
	e, ok := err.(*Error)
	return ok && e.Is(target)
}
