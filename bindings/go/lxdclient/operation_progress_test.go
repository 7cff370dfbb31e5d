//go:build cgo

package lxdclient

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// bigImage writes a unified image of mb MiB of random bytes (incompressible, so its download
// takes a moment; unique, so LXD has not seen it), as an uncompressed tarball.
func bigImage(t *testing.T, mb int) string {
	t.Helper()
	dir := t.TempDir()
	script := `set -e; mkdir -p "$1/img/rootfs"; cd "$1/img"
printf 'architecture: %s\ncreation_date: %s\nproperties:\n  description: progress test\n' "$(uname -m)" "$(date +%s)" > metadata.yaml
head -c "$2M" /dev/urandom > rootfs/blob; tar -cf ../img.tar metadata.yaml rootfs; rm -rf "$1/img"`
	out, err := exec.Command("sh", "-c", script, "sh", dir, strconv.Itoa(mb)).CombinedOutput()
	if err != nil {
		t.Fatalf("making the image: %v: %s", err, out)
	}
	return filepath.Join(dir, "img.tar")
}

// startPull has b pull image fp from a (a one-time secret from a, then POST /1.0/images on b
// with a pull source); secret "" asks a for a real one.
func startPull(t *testing.T, ctx context.Context, a, b *Client, fp, secret string) *Operation {
	t.Helper()
	env := lxdEnv(t)
	if secret == "" {
		s, sop, err := a.CreateImageSecret(ctx, fp)
		must(t, err)
		sop.Close()
		secret = s
	}
	pem, err := os.ReadFile(env.serverCert)
	must(t, err)
	op, err := b.CreateImage(ctx, ImageCreate{Source: &ImageCreateSource{
		Type: "image", Mode: "pull", Server: env.httpsURL, Protocol: "lxd",
		Certificate: string(pem), Secret: secret, Fingerprint: fp,
	}})
	must(t, err)
	return op
}

type progressLog struct {
	mu      sync.Mutex
	reports []OperationProgress
}

func (l *progressLog) add(p OperationProgress) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.reports = append(l.reports, p)
}

func (l *progressLog) all() []OperationProgress {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]OperationProgress(nil), l.reports...)
}

// TestOperationProgress: b pulls a 96 MiB image from a; LXD reports download_progress, which
// OnProgress sees rise to the end, then the final state. Also a context that stops the Wait
// mid-way (the operation goes on; a later Wait finishes it with the handler still set), a
// failing pull, and an operation without progress.
func TestOperationProgress(t *testing.T) {
	ctx := testCtx(t)
	a, b := unixClient(t), secondClient(t)
	fp, err := a.UploadImage(ctx, bigImage(t, 96), ImageUploadOptions{})
	must(t, err)
	defer func() {
		if op, err := a.DeleteImage(context.Background(), fp); err == nil {
			op.wait(context.Background())
		}
	}()

	t.Run("download", func(t *testing.T) {
		op := startPull(t, ctx, a, b, fp, "")
		defer op.Close()
		var log progressLog
		op.OnProgress(log.add)
		must(t, op.Wait(ctx))
		got := log.all()
		checkRising(t, got, op.ID(), 3)
		if last := got[len(got)-1]; last.StatusCode != StatusSuccess || last.Stage != "download" || last.Percent != 100 {
			t.Errorf("last report %+v, want the final state at 100%%", last)
		}
		delOp, err := b.DeleteImage(ctx, fp)
		must(t, err)
		must(t, delOp.wait(ctx))
	})

	t.Run("context stops the wait", func(t *testing.T) {
		op := startPull(t, ctx, a, b, fp, "")
		defer op.Close()
		var log progressLog
		wctx, cancel := context.WithCancel(ctx)
		var once sync.Once
		op.OnProgress(func(p OperationProgress) {
			log.add(p)
			once.Do(cancel) // the first report ends the first Wait
		})
		if err := op.Wait(wctx); !errors.Is(err, ErrCancelled) || !errors.Is(err, context.Canceled) {
			t.Fatalf("Wait with a cancelled context: %v", err)
		}
		// The operation went on; the handler is set on the reopened handle too.
		must(t, op.Wait(ctx))
		got := log.all()
		checkRising(t, got, op.ID(), 2)
		delOp, err := b.DeleteImage(ctx, fp)
		must(t, err)
		must(t, delOp.wait(ctx))
	})

	t.Run("client-wide handler", func(t *testing.T) {
		var log progressLog
		hooked, err := Connect(WithUnixSocket(os.Getenv("LXD_TEST_SOCKET2")), WithProgress(log.add))
		must(t, err)
		defer hooked.Close()
		// CopyImageTo waits inside; the target's client reports the download.
		got, err := a.CopyImageTo(ctx, fp, hooked, ImageCopyOptions{})
		must(t, err)
		if got != fp {
			t.Fatalf("copied %q, want %q", got, fp)
		}
		reports := log.all()
		if len(reports) > 0 {
			checkRising(t, reports, reports[0].OperationID, 3)
		} else {
			t.Fatal("the client-wide handler saw nothing")
		}
		// An operation with a handler of its own reports only there.
		before := len(log.all())
		op, err := hooked.DeleteImage(ctx, fp)
		must(t, err)
		defer op.Close()
		var own progressLog
		op.OnProgress(own.add)
		must(t, op.Wait(ctx))
		if len(own.all()) != 1 || len(log.all()) != before {
			t.Fatalf("own handler %d reports, client-wide %d more", len(own.all()), len(log.all())-before)
		}
	})

	t.Run("a panicking handler", func(t *testing.T) {
		op := startPull(t, ctx, a, b, fp, "")
		defer op.Close()
		calls := 0
		op.OnProgress(func(OperationProgress) {
			calls++
			panic("enough")
		})
		func() {
			defer func() {
				if v := recover(); v != "enough" {
					t.Fatalf("Wait recovered %v, want the handler's panic", v)
				}
			}()
			_ = op.Wait(ctx)
		}()
		if calls != 1 {
			t.Errorf("handler called %d times", calls)
		}
		// The operation went on: without the handler, a later Wait finishes it.
		op.OnProgress(nil)
		must(t, op.Wait(ctx))
		delOp, err := b.DeleteImage(ctx, fp)
		must(t, err)
		must(t, delOp.wait(ctx))
	})

	t.Run("failing pull", func(t *testing.T) {
		op := startPull(t, ctx, a, b, fp, "not-the-secret")
		defer op.Close()
		var log progressLog
		op.OnProgress(log.add)
		if err := op.Wait(ctx); !errors.Is(err, ErrOperationFailed) {
			t.Fatalf("Wait: %v, want ErrOperationFailed", err)
		}
		got := log.all()
		if len(got) == 0 || got[len(got)-1].StatusCode != StatusFailure {
			t.Fatalf("reports %+v, want a last one with StatusFailure", got)
		}
	})

	t.Run("no progress, and removing the handler", func(t *testing.T) {
		secret, sop, err := a.CreateImageSecret(ctx, fp)
		must(t, err)
		_ = secret
		var removed progressLog
		sop.OnProgress(removed.add)
		sop.OnProgress(nil)
		wctx, cancel := context.WithTimeout(ctx, 300*time.Millisecond)
		defer cancel()
		if err := sop.Wait(wctx); !errors.Is(err, ErrTimeout) {
			t.Fatalf("Wait on a token: %v, want ErrTimeout", err)
		}
		must(t, sop.Cancel(ctx))
		sop.Close()
		if n := len(removed.all()); n != 0 {
			t.Errorf("a removed handler was called %d times", n)
		}

		// An image deletion reports no progress: one call, the final state.
		tmp := bigImage(t, 1)
		fp2, err := a.UploadImage(ctx, tmp, ImageUploadOptions{})
		must(t, err)
		op, err := a.DeleteImage(ctx, fp2)
		must(t, err)
		defer op.Close()
		var log progressLog
		op.OnProgress(log.add)
		must(t, op.Wait(ctx))
		got := log.all()
		if len(got) != 1 || got[0].StatusCode != StatusSuccess || got[0].Stage != "" || got[0].Percent != -1 || got[0].Text != "" {
			t.Fatalf("reports %+v, want only the final one without progress", got)
		}
	})
}

// checkRising: at least min running reports with a percentage, never going down, for operation
// id, then exactly one final report, last.
func checkRising(t *testing.T, got []OperationProgress, id string, min int) {
	t.Helper()
	if len(got) == 0 {
		t.Fatal("no progress reported")
	}
	t.Logf("%d reports; first %q, last %q", len(got), got[0].Text, got[len(got)-1].Text)
	withPct, prev := 0, -1
	for i, p := range got {
		if p.OperationID != id {
			t.Errorf("report %d is for operation %q, want %q", i, p.OperationID, id)
		}
		if final := p.StatusCode >= 200; final != (i == len(got)-1) {
			t.Errorf("report %d of %d has status %d", i, len(got), p.StatusCode)
		}
		if p.Percent < -1 || p.Percent > 100 || p.Speed < -1 || p.Processed < -1 {
			t.Errorf("report %d out of range: %+v", i, p)
		}
		if p.StatusCode < 200 && p.Percent >= 0 {
			withPct++
			if p.Percent < prev {
				t.Errorf("report %d went down: %d after %d", i, p.Percent, prev)
			}
			prev = p.Percent
			if !strings.Contains(p.Text, "%") || p.Stage != "download" {
				t.Errorf("report %d: %+v", i, p)
			}
		}
	}
	if withPct < min {
		t.Errorf("%d running reports with a percentage, want at least %d", withPct, min)
	}
}
