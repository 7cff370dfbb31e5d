//go:build cgo

package lxdclient

import (
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
