//go:build cgo

package lxdclient

import (
	"os"
	"slices"
	"strings"
	"testing"
)

func TestImages(t *testing.T) {
	c := unixClient(t)
	ctx := testCtx(t)
	env := lxdEnv(t)

	base, err := c.GetImageByAlias(ctx, env.imageAlias)
	must(t, err)
	roundTrips(t, base)
	if base.Fingerprint != env.imageFingerprint || base.ETag() == "" || base.Size <= 0 ||
		!slices.ContainsFunc(base.Aliases, func(a ImageAliasRef) bool { return a.Name == env.imageAlias }) {
		t.Fatalf("image %+v", base)
	}
	byPrefix, err := c.GetImage(ctx, env.imageFingerprint[:12])
	must(t, err)
	if byPrefix.Fingerprint != env.imageFingerprint {
		t.Fatal(byPrefix.Fingerprint)
	}
	_, err = c.GetImageByAlias(ctx, "no-such-alias")
	mustIs(t, err, ErrNotFound)
	missing := strings.Repeat("0", 64)
	_, err = c.GetImage(ctx, missing)
	mustIs(t, err, ErrNotFound)
	ok, err := c.ImageExists(ctx, env.imageFingerprint)
	must(t, err)
	no, err := c.ImageExists(ctx, missing)
	must(t, err)
	if !ok || no {
		t.Fatalf("exists %v %v", ok, no)
	}
	fps, err := c.ListImageFingerprints(ctx)
	must(t, err)
	if !slices.Contains(fps, env.imageFingerprint) {
		t.Fatalf("fingerprints %v", fps)
	}
	imgs, err := c.ListImages(ctx)
	must(t, err)
	for _, i := range imgs {
		roundTrips(t, i)
	}

	// Publish a stopped instance as a new image.
	inst := newInstance(t, c, nil)
	op, err := c.CreateImage(ctx, ImageCreate{
		Source:     &ImageCreateSource{Type: "instance", Name: inst.Name},
		Properties: map[string]string{"os": "busybox", "description": "published by the Go tests"},
	})
	must(t, err)
	must(t, op.Wait(ctx))
	info, err := op.Info()
	must(t, err)
	fp, _ := info.Metadata["fingerprint"].(string)
	if len(fp) != 64 {
		t.Fatalf("operation metadata %v", info.Metadata)
	}
	t.Cleanup(func() {
		if op, err := c.DeleteImage(testCtx(t), fp); err == nil {
			op.Wait(testCtx(t))
		}
	})
	img, err := c.GetImage(ctx, fp)
	must(t, err)
	roundTrips(t, img)
	if img.Properties["description"] != "published by the Go tests" || img.Public {
		t.Fatalf("published %+v", img)
	}

	// Lifecycle.
	stale, err := c.GetImage(ctx, fp)
	must(t, err)
	img.Properties["description"] = "changed"
	img.Public = true
	if !img.Dirty() {
		t.Fatal("not dirty")
	}
	must(t, img.Rollback())
	if img.Dirty() || img.Public {
		t.Fatal("rollback")
	}
	img.Properties["description"] = "saved"
	img.Public = true
	must(t, img.Save(ctx))
	if img.Dirty() || !img.Public || img.Properties["description"] != "saved" {
		t.Fatalf("after save %+v", img)
	}
	stale.Properties["description"] = "stale"
	mustIs(t, stale.Save(ctx), ErrPreconditionFailed)
	must(t, stale.Sync(ctx))
	if stale.Properties["description"] != "saved" {
		t.Fatal("sync")
	}
	_, err = c.PatchImage(ctx, fp, map[string]any{"public": false}, "\"stale\"")
	mustIs(t, err, ErrPreconditionFailed)
	op, err = c.PatchImage(ctx, fp, map[string]any{"public": false}, stale.ETag())
	must(t, err)
	must(t, op.Wait(ctx))
	must(t, stale.Sync(ctx))
	if stale.Public {
		t.Fatal("patch")
	}
	stale.Properties["description"] = "updated"
	op, err = c.UpdateImage(ctx, fp, stale, stale.ETag())
	must(t, err)
	must(t, op.Wait(ctx))
	must(t, img.Sync(ctx))
	if img.Properties["description"] != "updated" {
		t.Fatalf("update gave %v", img.Properties)
	}

	// Aliases, through the image and through the client.
	alias := uniq("ga")
	must(t, img.AddAlias(ctx, alias, "first"))
	if !slices.ContainsFunc(img.Aliases, func(a ImageAliasRef) bool { return a.Name == alias && a.Description == "first" }) {
		t.Fatalf("aliases %+v", img.Aliases)
	}
	mustIs(t, c.CreateImageAlias(ctx, alias, fp, ""), ErrConflict)
	a, err := c.GetImageAlias(ctx, alias)
	must(t, err)
	roundTrips(t, a)
	if a.Target != fp || a.Description != "first" || a.Type != "container" || a.ETag() == "" {
		t.Fatalf("alias %+v", a)
	}
	exists, err := c.ImageAliasExists(ctx, alias)
	must(t, err)
	if !exists {
		t.Fatal("alias does not exist")
	}
	names, err := c.ListImageAliasNames(ctx)
	must(t, err)
	if !slices.Contains(names, alias) || !slices.Contains(names, env.imageAlias) {
		t.Fatalf("alias names %v", names)
	}
	aliases, err := c.ListImageAliases(ctx)
	must(t, err)
	for _, x := range aliases {
		roundTrips(t, x)
	}
	staleAlias, err := c.GetImageAlias(ctx, alias)
	must(t, err)
	firstETag := staleAlias.ETag()
	a.Description = "second"
	if !a.Dirty() {
		t.Fatal("alias not dirty")
	}
	must(t, a.Rollback())
	a.Description = "second"
	must(t, a.Save(ctx))
	if a.Description != "second" || a.Dirty() {
		t.Fatalf("alias after save %+v", a)
	}
	staleAlias.Description = "stale"
	mustIs(t, staleAlias.Save(ctx), ErrPreconditionFailed)
	must(t, staleAlias.Sync(ctx))
	// LXD 5.0.2 (Debian's build, under test) hangs 20 s on any PATCH /1.0/images/aliases/<name>
	// that passes its ETag check, then answers 500 "context deadline exceeded" (curl shows the
	// same), so only the refused PATCH is checked here.
	mustIs(t, c.PatchImageAlias(ctx, alias, map[string]string{"description": "p"}, "\"stale\""), ErrPreconditionFailed)
	a.Description = "updated"
	mustIs(t, c.UpdateImageAlias(ctx, alias, a, firstETag), ErrPreconditionFailed)
	must(t, c.UpdateImageAlias(ctx, alias, a, a.ETag()))
	same, err := c.GetImageByAlias(ctx, alias)
	must(t, err)
	if same.Fingerprint != fp {
		t.Fatalf("alias points to %s", same.Fingerprint)
	}
	must(t, a.Sync(ctx))
	if a.Description != "updated" || a.Dirty() {
		t.Fatal(a.Description)
	}
	// Rename. LXD 5.0.2 takes 10 s over each alias rename (its database transaction times out
	// once and is retried).
	must(t, a.Rename(ctx, alias+"-r"))
	if a.Name != alias+"-r" || a.Dirty() {
		t.Fatal(a.Name)
	}
	_, err = c.GetImageAlias(ctx, alias)
	mustIs(t, err, ErrNotFound)
	must(t, c.RenameImageAlias(ctx, alias+"-r", alias))
	must(t, c.DeleteImageAlias(ctx, alias))
	mustIs(t, c.DeleteImageAlias(ctx, alias), ErrNotFound)
	_, err = c.GetImageAlias(ctx, alias)
	mustIs(t, err, ErrNotFound)
	must(t, c.CreateImageAlias(ctx, alias, fp, "again"))
	a, err = c.GetImageAlias(ctx, alias)
	must(t, err)
	must(t, a.Delete(ctx))
	must(t, img.AddAlias(ctx, alias, ""))
	must(t, img.DeleteAlias(ctx, alias))
	if len(img.Aliases) != 0 {
		t.Fatalf("aliases left %+v", img.Aliases)
	}

	// Delete.
	must(t, img.Delete(ctx))
	_, err = c.GetImage(ctx, fp)
	mustIs(t, err, ErrNotFound)
	_, err = c.DeleteImage(ctx, fp)
	mustIs(t, err, ErrNotFound)
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
	// LXD answers the running operation; Incus answers a wait whose timeout passed with HTTP
	// 500 "context deadline exceeded": ErrTimeout.
	info, err := anon.WaitOperationUntrusted(ctx, op.ID(), secret, 0)
	if isIncus() {
		mustIs(t, err, ErrTimeout)
	} else {
		must(t, err)
		if info.ID != op.ID() || info.Class != "token" || info.StatusCode != StatusRunning {
			t.Fatalf("untrusted wait %+v", info)
		}
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
