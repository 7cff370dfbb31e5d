//go:build cgo

package lxdclient

import (
	"os"
	"strings"
	"testing"
)

// TestCrossDaemon: transfers between one LXD 5.0 daemon (LXD_TEST_SOCKET) and one Incus 6.0 daemon
// (LXD_TEST_SOCKET2), as `tests/harness/with-lxd.sh --mixed` starts them (`make test-cross`;
// skipped elsewhere). Images copy both ways with the same fingerprint; stopped instances copy and
// move LXD -> Incus; Incus -> LXD an instance-only copy works, while LXD 5.0.2 refuses a copy with
// snapshots and a move: Incus's volatile.uuid.generation is an unknown key to it.
func TestCrossDaemon(t *testing.T) {
	if os.Getenv("LXD_TEST_DAEMON2") != "incus" || isIncus() {
		t.Skip("needs LXD as daemon a and Incus as daemon b (tests/harness/with-lxd.sh --mixed)")
	}
	lx, in := unixClient(t), secondClient(t)
	ctx := testCtx(t)
	if f, err := lx.ServerFlavour(ctx); err != nil || f != FlavourLXD {
		t.Fatalf("daemon a: %v %v", f, err)
	}
	if f, err := in.ServerFlavour(ctx); err != nil || f != FlavourIncus {
		t.Fatalf("daemon b: %v %v", f, err)
	}
	wait := func(op *Operation, err error) {
		t.Helper()
		must(t, err)
		defer op.Close()
		must(t, op.Wait(ctx))
	}
	// The instance starts on c and `cat /root/marker` prints want.
	startsWith := func(c *Client, name, want string) {
		t.Helper()
		wait(c.StartInstance(ctx, name))
		code, out, _, err := c.ExecOutput(ctx, name, []string{"cat", "/root/marker"}, ExecOptions{})
		must(t, err)
		if code != 0 || string(out) != want {
			t.Fatalf("exec in %s: exit %d, %q (want %q)", name, code, out, want)
		}
	}
	withMarker := func(c *Client, text string) string {
		t.Helper()
		name := newInstance(t, c, nil).Name
		must(t, c.WriteFile(ctx, name, "/root/marker", []byte(text), nil))
		return name
	}

	for _, dir := range []struct {
		name     string
		from, to *Client
	}{{"LXD->Incus", lx, in}, {"Incus->LXD", in, lx}} {
		t.Run("image copy "+dir.name, func(t *testing.T) {
			fp, err := dir.from.PublishInstance(ctx, withMarker(dir.from, "img"), ImagePublishOptions{})
			must(t, err)
			t.Cleanup(func() { deleteImage(dir.from, fp) })
			got, err := dir.from.CopyImageTo(ctx, fp, dir.to, ImageCopyOptions{})
			must(t, err)
			t.Cleanup(func() { deleteImage(dir.to, fp) })
			img, err := dir.to.GetImage(ctx, fp)
			must(t, err)
			if got != fp || img.Fingerprint != fp {
				t.Fatalf("fingerprint %s / %s, want %s", got, img.Fingerprint, fp)
			}
		})
	}

	t.Run("instance copy and move LXD->Incus", func(t *testing.T) {
		src := withMarker(lx, "from lxd")
		wait(lx.CreateSnapshot(ctx, src, "snap0", false))
		cp := uniq("gocross")
		must(t, lx.CopyInstanceTo(ctx, src, in, cp, InstanceCopyOptions{}))
		t.Cleanup(func() { removeInstance(in, cp) })
		startsWith(in, cp, "from lxd")
		mv := withMarker(lx, "moved")
		must(t, lx.MigrateInstanceTo(ctx, mv, in, "", InstanceCopyOptions{}))
		t.Cleanup(func() { removeInstance(in, mv) })
		if there, err := lx.InstanceExists(ctx, mv); err != nil || there {
			t.Fatalf("moved instance still on LXD: %v %v", there, err)
		}
		startsWith(in, mv, "moved")
	})

	t.Run("instance copy and move Incus->LXD", func(t *testing.T) {
		src := withMarker(in, "from incus")
		wait(in.CreateSnapshot(ctx, src, "snap0", false))
		cp := uniq("gocross")
		t.Cleanup(func() { removeInstance(lx, cp) })
		err := in.CopyInstanceTo(ctx, src, lx, cp, InstanceCopyOptions{})
		mustIs(t, err, ErrOperationFailed)
		if !strings.Contains(err.Error(), "Unknown configuration key: volatile.uuid.generation") {
			t.Fatalf("copy with a snapshot: %v", err)
		}
		must(t, in.CopyInstanceTo(ctx, src, lx, cp, InstanceCopyOptions{InstanceOnly: true}))
		startsWith(lx, cp, "from incus")
		err = in.MigrateInstanceTo(ctx, src, lx, uniq("gocross"), InstanceCopyOptions{})
		mustAPI(t, err, 500, "Failed creating instance record: Unknown configuration key: volatile.uuid.generation")
		if there, err := in.InstanceExists(ctx, src); err != nil || !there {
			t.Fatalf("refused move: source gone from Incus: %v %v", there, err)
		}
	})
}
