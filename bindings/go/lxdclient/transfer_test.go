//go:build cgo

package lxdclient

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// makeImage has the harness build a uniquely-fingerprinted image (LXD refuses the same bytes
// twice): the unified tarball, the split pair, and both fingerprints.
func makeImage(t *testing.T) (unified, meta, rootfs, unifiedFP, splitFP string) {
	t.Helper()
	dir := t.TempDir()
	harness, state := os.Getenv("LXD_TEST_HARNESS"), os.Getenv("LXD_TEST_STATEDIR")
	if harness == "" || state == "" {
		t.Fatal("LXD_TEST_HARNESS / LXD_TEST_STATEDIR not set: run inside the harness")
	}
	out, err := exec.Command(harness, "make-image", state, dir).Output()
	must(t, err)
	for _, line := range strings.Split(string(out), "\n") {
		if f := strings.Fields(line); len(f) == 2 {
			switch f[0] {
			case "unified":
				unifiedFP = f[1]
			case "split":
				splitFP = f[1]
			}
		}
	}
	if unifiedFP == "" || splitFP == "" {
		t.Fatalf("make-image printed %q", out)
	}
	return filepath.Join(dir, "unified.tar.gz"), filepath.Join(dir, "meta.tar.xz"), filepath.Join(dir, "rootfs.tar.gz"), unifiedFP, splitFP
}

func secondClient(t *testing.T) *Client {
	t.Helper()
	s := os.Getenv("LXD_TEST_SOCKET2")
	if s == "" {
		t.Fatal("LXD_TEST_SOCKET2 not set: run inside the harness with --second")
	}
	c, err := Connect(WithUnixSocket(s))
	must(t, err)
	t.Cleanup(func() { c.Close() })
	return c
}

func fileSHA(t *testing.T, paths ...string) string {
	h := sha256.New()
	for _, p := range paths {
		f, err := os.Open(p)
		must(t, err)
		io.Copy(h, f)
		f.Close()
	}
	return hex.EncodeToString(h.Sum(nil))
}

func deleteImage(c *Client, fp string) {
	ctx, cancel := testCtxBG()
	defer cancel()
	if op, err := c.DeleteImage(ctx, fp); err == nil {
		op.Wait(ctx)
		op.Close()
	}
}

func TestImageTransfer(t *testing.T) {
	a, b := unixClient(t), secondClient(t)
	ctx := testCtx(t)
	unified, meta, rootfs, ufp, sfp := makeImage(t)
	dir := t.TempDir()

	var last, total atomic.Uint64
	alias := uniq("goimg")
	fp, err := a.UploadImage(ctx, unified, ImageUploadOptions{Aliases: []string{alias}, Properties: map[string]string{"os": "gotest"},
		Progress: func(d, tot uint64) bool { last.Store(d); total.Store(tot); return true }})
	must(t, err)
	t.Cleanup(func() { deleteImage(a, ufp) })
	st, _ := os.Stat(unified)
	if fp != ufp || last.Load() != uint64(st.Size()) || total.Load() != uint64(st.Size()) {
		t.Fatalf("fingerprint %s (want %s), progress %d/%d of %d", fp, ufp, last.Load(), total.Load(), st.Size())
	}
	img, err := a.GetImageByAlias(ctx, alias)
	must(t, err)
	if img.Fingerprint != ufp || img.Properties["os"] != "gotest" {
		t.Fatalf("image %s %v", img.Fingerprint, img.Properties)
	}
	_, err = a.UploadImage(ctx, unified, ImageUploadOptions{})
	mustIs(t, err, ErrOperationFailed)

	out := filepath.Join(dir, "export.tar.gz")
	split, err := a.ExportImage(ctx, ufp[:16], out, "", nil)
	must(t, err)
	if split || fileSHA(t, out) != ufp {
		t.Fatalf("export: split %v, sha %s", split, fileSHA(t, out))
	}

	// to writers: the unified tarball through a pipe, checked against the fingerprint
	h := sha256.New()
	split, err = a.ExportImageTo(ctx, ufp, h, nil, nil)
	must(t, err)
	if split || hex.EncodeToString(h.Sum(nil)) != ufp {
		t.Fatalf("export to a writer: split %v", split)
	}

	fp, err = a.UploadSplitImage(ctx, meta, rootfs, ImageUploadOptions{})
	must(t, err)
	t.Cleanup(func() { deleteImage(a, sfp) })
	if fp != sfp {
		t.Fatalf("split fingerprint %s, want %s", fp, sfp)
	}
	m, r := filepath.Join(dir, "m"), filepath.Join(dir, "r")
	split, err = a.ExportImage(ctx, sfp, m, r, nil)
	must(t, err)
	if !split || fileSHA(t, m, r) != sfp {
		t.Fatalf("split export: split %v", split)
	}
	var mw, rw countingWriter
	mw.w, rw.w = io.Discard, io.Discard
	split, err = a.ExportImageTo(ctx, sfp, &mw, &rw, nil)
	must(t, err)
	ms, _ := os.Stat(m)
	rs, _ := os.Stat(r)
	if !split || int64(mw.get()) != ms.Size() || int64(rw.get()) != rs.Size() {
		t.Fatalf("split export to writers: %v %d %d", split, mw.get(), rw.get())
	}
	_, err = a.ExportImageTo(ctx, sfp, io.Discard, nil, nil)
	mustIs(t, err, ErrInvalidArgument)

	// copy to the second daemon (it pulls from the first over HTTPS)
	fp, err = a.CopyImageTo(ctx, ufp, b, ImageCopyOptions{Aliases: []string{alias}})
	must(t, err)
	t.Cleanup(func() { deleteImage(b, ufp) })
	if fp != ufp {
		t.Fatalf("copied fingerprint %s", fp)
	}
	img, err = b.GetImageByAlias(ctx, alias)
	must(t, err)
	if img.Fingerprint != ufp {
		t.Fatalf("on the second daemon: %s", img.Fingerprint)
	}
}

func TestPublishCopyMigrate(t *testing.T) {
	a, b := unixClient(t), secondClient(t)
	ctx := testCtx(t)
	inst := newInstance(t, a, map[string]string{"user.origin": "go"})
	must(t, a.WriteFile(ctx, inst.Name, "/root/marker", []byte("from a"), nil))

	fp, err := a.PublishInstance(ctx, inst.Name, ImagePublishOptions{Properties: map[string]string{"os": "published"}})
	must(t, err)
	deleteImage(a, fp)
	if len(fp) != 64 {
		t.Fatalf("publish fingerprint %q", fp)
	}

	local := uniq("gocopy")
	op, err := a.CopyInstance(ctx, inst.Name, local, InstanceCopyOptions{InstanceOnly: true})
	must(t, err)
	t.Cleanup(func() { removeInstance(a, local) })
	must(t, op.Wait(ctx))
	op.Close()
	data, _, err := a.ReadFile(ctx, local, "/root/marker", 0)
	must(t, err)
	if string(data) != "from a" {
		t.Fatalf("local copy marker %q", data)
	}

	remote := uniq("goremote")
	must(t, a.CopyInstanceTo(ctx, inst.Name, b, remote, InstanceCopyOptions{Override: map[string]any{"config": map[string]any{"user.copied": "yes"}}}))
	t.Cleanup(func() { removeInstance(b, remote) })
	got, err := b.GetInstance(ctx, remote)
	must(t, err)
	if got.Config["user.origin"] != "go" || got.Config["user.copied"] != "yes" {
		t.Fatalf("remote copy config %v", got.Config)
	}
	data, _, err = b.ReadFile(ctx, remote, "/root/marker", 0)
	must(t, err)
	if string(data) != "from a" {
		t.Fatalf("remote copy marker %q", data)
	}

	moved := uniq("gomoved")
	must(t, a.MigrateInstanceTo(ctx, local, b, moved, InstanceCopyOptions{}))
	t.Cleanup(func() { removeInstance(b, moved) })
	exists, err := a.InstanceExists(ctx, local)
	must(t, err)
	if exists {
		t.Fatal("migrated instance still on the source")
	}
	data, _, err = b.ReadFile(ctx, moved, "/root/marker", 0)
	must(t, err)
	if string(data) != "from a" {
		t.Fatalf("moved marker %q", data)
	}

	// a running instance is refused without Live
	must(t, inst.Start(ctx))
	err = a.MigrateInstanceTo(ctx, inst.Name, b, "", InstanceCopyOptions{})
	mustIs(t, err, ErrInvalidArgument)
}

func testCtxBG() (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.Background(), time.Minute)
}
