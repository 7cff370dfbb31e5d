//go:build cgo

package lxdclient

import "testing"

func TestWarnings(t *testing.T) {
	c := unixClient(t)
	ctx := testCtx(t)
	// a fresh LXD 5.0.2 on this host records warnings at startup (no vhost_vsock, ...)
	ws, err := c.ListWarnings(ctx)
	must(t, err)
	if len(ws) == 0 {
		t.Fatal("no warnings listed; the harness daemons always have startup warnings")
	}
	w, err := c.GetWarning(ctx, ws[0].UUID)
	must(t, err)
	etag := w.ETag()
	if w.UUID != ws[0].UUID || w.LastMessage == "" || w.Severity == "" || w.FirstSeenAt.IsZero() {
		t.Fatalf("warning %+v etag %q", w, etag)
	}
	must(t, c.SetWarningStatus(ctx, w.UUID, "acknowledged"))
	w, err = c.GetWarning(ctx, w.UUID)
	must(t, err)
	if w.Status != "acknowledged" {
		t.Fatalf("status %q", w.Status)
	}
	must(t, c.SetWarningStatus(ctx, w.UUID, "new"))
	_, err = c.GetWarning(ctx, "00000000-0000-0000-0000-000000000000")
	mustIs(t, err, ErrNotFound)
}
