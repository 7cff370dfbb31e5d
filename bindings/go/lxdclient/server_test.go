//go:build cgo

package lxdclient

import (
	"slices"
	"strings"
	"testing"
)

func TestServerFlavour(t *testing.T) {
	ctx := testCtx(t)
	c := unixClient(t)
	f, err := c.ServerFlavour(ctx)
	must(t, err)
	if f != daemonFlavour() {
		t.Fatalf("flavour %v, want %v", f, daemonFlavour())
	}
	// An untrusted client learns it too (from the API extensions), and derived clients share it.
	anon := anonClient(t)
	f, err = anon.ServerFlavour(ctx)
	must(t, err)
	if f != daemonFlavour() || f.String() != map[bool]string{true: "incus", false: "lxd"}[isIncus()] {
		t.Fatalf("untrusted client: flavour %v, want %v", f, daemonFlavour())
	}
	p, err := anon.WithProject("default")
	must(t, err)
	defer p.Close()
	if f, err = p.ServerFlavour(ctx); err != nil || f != daemonFlavour() {
		t.Fatalf("derived client: flavour %v, %v", f, err)
	}
	srv, err := c.GetServer(ctx)
	must(t, err)
	if want := f.String(); srv.Environment.Server != want {
		t.Fatalf("environment.server %q, want %q", srv.Environment.Server, want)
	}
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
	prefix := "lxd_" // the metric names' prefix: incus_ on Incus
	if isIncus() {
		prefix = "incus_"
	}
	if !strings.HasSuffix(strings.TrimSpace(m), "# EOF") || !strings.Contains(m, prefix) || !strings.Contains(m, inst.Name) {
		t.Fatalf("metrics (%d bytes) lack # EOF, %s or the instance: %.300q", len(m), prefix, m)
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
	// LXD 5.0.2 answers a PUT to a missing warning with success, and creates nothing; Incus
	// 6.0 with 404.
	missing := "00000000-0000-0000-0000-000000000000"
	if isIncus() {
		mustIs(t, c.UpdateWarning(ctx, missing, w, ""), ErrNotFound)
	} else {
		must(t, c.UpdateWarning(ctx, missing, w, ""))
	}
	_, err = c.GetWarning(ctx, missing)
	mustIs(t, err, ErrNotFound)
}
