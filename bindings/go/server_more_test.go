//go:build cgo

package lxdclient

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

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

func TestServerPublicViews(t *testing.T) {
	c := unixClient(t)
	ctx := testCtx(t)
	anon := anonClient(t)
	for _, cl := range []*Client{c, anon} {
		v, err := cl.ServerAPIVersions(ctx)
		must(t, err)
		if !slices.Equal(v, []string{"/1.0"}) {
			t.Fatalf("API versions %v", v)
		}
	}
	pub, err := anon.GetPublicServer(ctx)
	must(t, err)
	if pub.Auth != "untrusted" || pub.APIVersion != "1.0" || len(pub.APIExtensions) == 0 || pub.ETag() != "" {
		t.Fatalf("public view %+v", pub)
	}
	full, err := c.GetPublicServer(ctx) // answered by the caller's trust
	must(t, err)
	if full.Auth != "trusted" || full.Environment.ServerVersion == "" {
		t.Fatalf("public view of a trusted client %+v", full)
	}
	_, err = anon.Metrics(ctx)
	mustIs(t, err, ErrForbidden)

	inst := runningInstance(t, c)
	m, err := c.Metrics(ctx)
	must(t, err)
	if !strings.HasSuffix(strings.TrimSpace(m), "# EOF") || !strings.Contains(m, "lxd_") || !strings.Contains(m, inst.Name) {
		t.Fatalf("metrics (%d bytes) lack # EOF, lxd_ or the instance: %.300q", len(m), m)
	}

	// Warnings: this machine kind has no KVM and no AppArmor, so LXD 5.0.2 records warnings.
	ws, err := c.ListWarnings(ctx)
	must(t, err)
	if len(ws) == 0 {
		t.Fatal("no warnings to work on")
	}
	w, err := c.GetWarning(ctx, ws[0].UUID)
	must(t, err)
	etag := w.ETag()
	w.Status = "acknowledged"
	must(t, c.UpdateWarning(ctx, w.UUID, w, etag))
	w, err = c.GetWarning(ctx, w.UUID)
	must(t, err)
	if w.Status != "acknowledged" {
		t.Fatalf("after update: %+v", w)
	}
	must(t, c.PatchWarning(ctx, w.UUID, map[string]string{"status": "new"}, ""))
	w, err = c.GetWarning(ctx, w.UUID)
	must(t, err)
	if w.Status != "new" {
		t.Fatalf("after patch: %+v", w)
	}
	mustAPI(t, c.PatchWarning(ctx, w.UUID, map[string]string{"status": "ignored"}, ""), 400, "")
	// LXD 5.0.2 answers a PUT to a missing warning with success, and creates nothing.
	missing := "00000000-0000-0000-0000-000000000000"
	must(t, c.UpdateWarning(ctx, missing, w, ""))
	_, err = c.GetWarning(ctx, missing)
	mustIs(t, err, ErrNotFound)
}

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

func TestImagesMore(t *testing.T) {
	env := lxdEnv(t)
	c := unixClient(t)
	ctx := testCtx(t)
	fp := env.imageFingerprint

	fps, err := c.ListImageFingerprintsFiltered(ctx, "properties.os eq busybox")
	must(t, err)
	if !slices.Contains(fps, fp) {
		t.Fatalf("filtered fingerprints %v", fps)
	}
	imgs, err := c.ListImagesFiltered(ctx, "properties.os eq nothing-like-this")
	must(t, err)
	if len(imgs) != 0 {
		t.Fatalf("%d images for a filter nothing matches", len(imgs))
	}
	imgs, err = c.ListImagesFiltered(ctx, "")
	must(t, err)
	if slices.IndexFunc(imgs, func(i *Image) bool { return i.Fingerprint == fp }) < 0 {
		t.Fatal("the harness image is not in the unfiltered list")
	}
	// The harness image was imported from a file: it has no source to refresh from.
	_, err = c.RefreshImage(ctx, fp)
	mustIs(t, err, ErrOperationFailed)
	if !strings.Contains(err.Error(), "Image source not found") {
		t.Fatalf("refresh: %v", err)
	}

	anon := anonClient(t)
	_, err = anon.GetPublicImage(ctx, fp, "")
	mustIs(t, err, ErrNotFound)
	pubs, err := anon.ListPublicImageFingerprints(ctx)
	must(t, err)
	pubImgs, err := anon.ListPublicImages(ctx)
	must(t, err)
	if slices.Contains(pubs, fp) || len(pubImgs) != len(pubs) {
		t.Fatalf("public fingerprints %v, %d public images", pubs, len(pubImgs))
	}
	_, err = anon.GetPublicImageAlias(ctx, env.imageAlias)
	mustIs(t, err, ErrNotFound)

	secret, op, err := c.CreateImageSecret(ctx, fp)
	must(t, err)
	defer op.Close()
	if len(secret) < 10 {
		t.Fatalf("secret %q", secret)
	}
	// The secret's operation, waited on (timeout 0: its state now) as an untrusted client
	// holding the secret.
	info, err := anon.WaitOperationUntrusted(ctx, op.ID(), secret, 0)
	must(t, err)
	if info.ID != op.ID() || info.Class != "token" || info.StatusCode != StatusRunning {
		t.Fatalf("untrusted wait %+v", info)
	}
	_, err = anon.WaitOperationUntrusted(ctx, op.ID(), "not-the-secret", 0)
	mustIs(t, err, ErrForbidden)
	ids, err := c.ListOperationIDs(ctx)
	must(t, err)
	if !slices.Contains(ids, op.ID()) {
		t.Fatalf("operation ids %v lack %s", ids, op.ID())
	}
	_, err = anon.GetPublicImage(ctx, fp, "not-the-secret")
	mustIs(t, err, ErrNotFound)
	img, err := anon.GetPublicImage(ctx, fp, secret)
	must(t, err)
	if img.Fingerprint != fp || img.Public {
		t.Fatalf("image through its secret %+v", img)
	}
	// Its use ends the token operation (waited on without a limit: it is final).
	info, err = anon.WaitOperationUntrusted(ctx, op.ID(), secret, -1)
	must(t, err)
	if info.StatusCode != StatusCancelled {
		t.Fatalf("the used secret's operation %+v", info)
	}
	// LXD 5.0.2 does not look at the token operation's status while the operation is still
	// listed: a used secret is sometimes accepted again (not asserted, it races LXD's cleanup),
	// and one whose operation was cancelled before use is accepted.
	secret, op2, err := c.CreateImageSecret(ctx, fp)
	must(t, err)
	must(t, op2.Cancel(ctx))
	must(t, op2.Refresh(ctx))
	if op2.StatusCode() != StatusCancelled {
		t.Fatalf("cancelled secret operation: %v", op2.StatusCode())
	}
	op2.Close()
	_, err = anon.GetPublicImage(ctx, fp, secret)
	must(t, err)

	// A public image and its alias are visible without trust.
	must(t, setImagePublic(ctx, c, fp, true))
	t.Cleanup(func() { setImagePublic(testCtx(t), c, fp, false) })
	img, err = anon.GetPublicImage(ctx, fp, "")
	must(t, err)
	alias, err := anon.GetPublicImageAlias(ctx, env.imageAlias)
	must(t, err)
	pubs, err = anon.ListPublicImageFingerprints(ctx)
	must(t, err)
	if !img.Public || alias.Target != fp || !slices.Contains(pubs, fp) {
		t.Fatalf("public image %+v, alias %+v, public list %v", img, alias, pubs)
	}

	// Downloads and pushes that LXD tries against a closed loopback port, and fails.
	_, err = c.CreateImageFromURL(ctx, "https://127.0.0.1:1/image", &ImageDownloadOptions{Public: false})
	mustIs(t, err, ErrOperationFailed)
	_, err = c.CreateImageFromSimplestreams(ctx, "https://127.0.0.1:1", "busybox/edge", &ImageDownloadOptions{Source: map[string]any{"image_type": "container"}})
	mustIs(t, err, ErrOperationFailed)
	if !strings.Contains(err.Error(), "streams/v1/index.json") {
		t.Fatalf("simplestreams: %v", err)
	}
	// (a push target is contacted before the operation starts: a 500)
	mustAPI(t, c.PushImageTo(ctx, fp, ImagePush{Target: "https://127.0.0.1:1", Secret: "s"}), 500, "Unable to connect")
	_, err = c.CreateImageFromURL(ctx, "ftp://127.0.0.1/x", nil)
	mustIs(t, err, ErrInvalidArgument)
}

// setImagePublic sets an image's public flag and waits.
func setImagePublic(ctx context.Context, c *Client, fp string, public bool) error {
	op, err := c.PatchImage(ctx, fp, map[string]any{"public": public}, "")
	if err != nil {
		return err
	}
	return op.wait(ctx)
}

func TestGetClusterStandalone(t *testing.T) {
	c := unixClient(t)
	ctx := testCtx(t)
	cl, err := c.GetCluster(ctx)
	must(t, err)
	if cl.Enabled || cl.ServerName != "" {
		t.Fatalf("standalone cluster view %+v", cl)
	}
	// LXD's own checks of PUT /1.0/cluster, before it changes anything.
	mustAPI(t, c.opWait(ctx)(c.UpdateCluster(ctx, ClusterPut{Enabled: true}, "")), 400, "ServerName is required")
	mustAPI(t, c.opWait(ctx)(c.UpdateCluster(ctx, ClusterPut{ServerName: "x", Enabled: false}, "")), 400, "ServerName must be empty")
	_, err = c.ListClusterGroupNames(ctx)
	mustAPI(t, err, 400, "not clustered")
}

func TestExecDetailed(t *testing.T) {
	c := unixClient(t)
	ctx := testCtx(t)
	inst := runningInstance(t, c)
	r, err := c.ExecDetailed(ctx, inst.Name, []string{"sh", "-c", "exit 3"}, ExecOptions{})
	must(t, err)
	if r.ExitCode != 3 || r.Failure != "" || r.Operation == nil || r.Operation.StatusCode != StatusSuccess || r.Output != nil {
		t.Fatalf("exit 3: %+v (operation %+v)", r, r.Operation)
	}
	r, err = c.ExecDetailed(ctx, inst.Name, []string{"no-such-command"}, ExecOptions{})
	must(t, err)
	if r.ExitCode != 127 {
		t.Fatalf("missing command: %+v", r)
	}
	r, err = c.ExecDetailed(ctx, inst.Name, []string{"echo", "recorded"}, ExecOptions{RecordOutput: true})
	must(t, err)
	if r.ExitCode != 0 || !strings.Contains(r.Output["1"], "/logs/") || !strings.Contains(r.Output["2"], "/logs/") {
		t.Fatalf("record-output: %+v", r)
	}
}

func TestCodeCName(t *testing.T) {
	for code, want := range map[Code]string{CodeOK: "LXD_RESULT_OK", CodeNotFound: "LXD_RESULT_NOT_FOUND",
		CodePreconditionFailed: "LXD_RESULT_PRECONDITION_FAILED", CodePanic: "LXD_RESULT_PANIC", 15: "LXD_RESULT_UNKNOWN", -1: "LXD_RESULT_UNKNOWN"} {
		if got := code.CName(); got != want {
			t.Errorf("Code(%d).CName() = %q, want %q", code, got, want)
		}
	}
}

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
	_, err = AddConfigRemote(dir, "wrong", env.httpsURL, env.trustPassword, "00ff00ff")
	mustIs(t, err, ErrTLS)
	_, err = AddConfigRemote(dir, "has:colon", env.httpsURL, env.trustPassword, serverFP)
	mustIs(t, err, ErrInvalidArgument)
	got, err := AddConfigRemote(dir, "harness", env.httpsURL, env.trustPassword, serverFP[:16])
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

// TestPushImageTo pushes a new image from daemon a to daemon b (--second): b waits for it with a
// push-mode image operation, whose secret a's push presents.
func TestPushImageTo(t *testing.T) {
	a, b := unixClient(t), secondClient(t)
	ctx := testCtx(t)
	urlB, certB := os.Getenv("LXD_TEST_HTTPS_URL2"), os.Getenv("LXD_TEST_SERVER_CERT2")
	if urlB == "" || certB == "" {
		t.Fatal("LXD_TEST_HTTPS_URL2 / LXD_TEST_SERVER_CERT2 not set: run inside the harness with --second")
	}
	pemB, err := os.ReadFile(certB)
	must(t, err)
	unified, _, _, ufp, _ := makeImage(t)
	fp, err := a.UploadImage(ctx, unified, ImageUploadOptions{})
	must(t, err)
	t.Cleanup(func() { deleteImage(a, ufp); deleteImage(b, ufp) })

	wait, err := b.CreateImage(ctx, ImageCreate{Source: &ImageCreateSource{Type: "image", Mode: "push", Fingerprint: ufp}})
	must(t, err)
	defer wait.Close()
	info, err := wait.Info()
	must(t, err)
	secret, _ := info.Metadata["secret"].(string)
	if secret == "" {
		t.Fatalf("the push-mode operation has no secret: %+v", info)
	}
	alias := uniq("gopush")
	must(t, a.PushImageTo(ctx, fp, ImagePush{Target: urlB, Secret: secret, Certificate: string(pemB),
		Aliases: []ImageAliasName{{Name: alias, Description: "pushed"}}}))
	// b's push-mode operation is a token: its use ends it as cancelled.
	mustIs(t, wait.Wait(ctx), ErrOperationFailed)
	if wait.StatusCode() != StatusCancelled {
		t.Fatalf("b's push operation ended %v", wait.StatusCode())
	}
	img, err := b.GetImage(ctx, ufp)
	must(t, err)
	// LXD 5.0.2 does not create the aliases of ImageExportPost on the receiving server.
	if len(img.Aliases) != 0 {
		t.Fatalf("pushed image's aliases %+v", img.Aliases)
	}
	// A used secret is refused: the push fails inside its operation.
	err = a.PushImageTo(ctx, fp, ImagePush{Target: urlB, Secret: secret, Certificate: string(pemB)})
	if err == nil {
		t.Fatal("a second push with a used secret succeeded")
	}
}
