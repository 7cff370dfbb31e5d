//go:build cgo

package lxdclient

import (
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// recordHandler keeps every slog record it is given (safe for concurrent use).
type recordHandler struct {
	mu      *sync.Mutex
	records *[]slog.Record
	panics  bool
}

func newRecordHandler() *recordHandler {
	return &recordHandler{mu: &sync.Mutex{}, records: &[]slog.Record{}}
}

func (h *recordHandler) Enabled(context.Context, slog.Level) bool { return true }
func (h *recordHandler) Handle(_ context.Context, r slog.Record) error {
	if h.panics {
		panic("handler panics on purpose")
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	*h.records = append(*h.records, r.Clone())
	return nil
}
func (h *recordHandler) WithAttrs([]slog.Attr) slog.Handler { return h }
func (h *recordHandler) WithGroup(string) slog.Handler      { return h }

// lines renders the records as "LEVEL msg method=.. path=.. status=.. duration=.. [error=..]".
func (h *recordHandler) lines() []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	var out []string
	for _, r := range *h.records {
		var b strings.Builder
		b.WriteString(r.Level.String() + " " + r.Message)
		r.Attrs(func(a slog.Attr) bool {
			b.WriteString(" " + a.Key + "=" + a.Value.String())
			return true
		})
		out = append(out, b.String())
	}
	return out
}

func TestLoggerRecordsRequests(t *testing.T) {
	env := lxdEnv(t)
	h := newRecordHandler()
	c, err := Connect(WithUnixSocket(env.socket), WithLogger(slog.New(h)))
	must(t, err)
	defer c.Close()
	ctx := testCtx(t)
	_, err = c.ListInstanceNames(ctx)
	must(t, err)
	_, err = c.GetInstance(ctx, "no-such-instance-go-log")
	mustIs(t, err, ErrNotFound)
	l, err := c.ListenEvents(ctx, EventOptions{})
	must(t, err)
	l.Close()
	// Derived clients share the logger; many goroutines log at once (-race).
	p, err := c.WithProject("default")
	must(t, err)
	var wg sync.WaitGroup
	for i := 0; i < 4; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := p.ListInstanceNames(ctx); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	p.Close()
	all := strings.Join(h.lines(), "\n")
	for _, want := range []string{
		"DEBUG lxd request method=GET path=/1.0/instances status=200 duration=",
		"method=GET path=/1.0/instances/no-such-instance-go-log status=404",
		"method=GET path=/1.0/events status=101",
		"path=/1.0/instances?project=default status=200",
	} {
		if !strings.Contains(all, want) {
			t.Errorf("no %q in the log:\n%s", want, all)
		}
	}
	for _, r := range *h.records {
		var d time.Duration
		r.Attrs(func(a slog.Attr) bool {
			if a.Key == "duration" {
				d = a.Value.Duration()
			}
			return true
		})
		if d <= 0 || d > time.Minute {
			t.Errorf("record %q: duration %v", r.Message, d)
		}
	}
}

func TestLoggerNeverSeesThePassword(t *testing.T) {
	env := lxdEnv(t)
	dir := t.TempDir()
	_, err := EnsureClientCert(dir)
	must(t, err)
	h := newRecordHandler()
	c, err := Connect(WithHTTPS(env.httpsURL), WithServerCertFile(env.serverCert),
		WithClientCertFiles(filepath.Join(dir, "client.crt"), filepath.Join(dir, "client.key")), WithLogger(slog.New(h)))
	must(t, err)
	defer c.Close()
	ctx := testCtx(t)
	mustIs(t, c.Authenticate(ctx, "wrong-Go-passw0rd-never-logged"), ErrForbidden)
	secret := trustSecret(t, "")
	must(t, c.Authenticate(ctx, secret))
	crt, err := os.ReadFile(filepath.Join(dir, "client.crt"))
	must(t, err)
	fp, err := CertificateFingerprint(crt)
	must(t, err)
	u := unixClient(t)
	defer u.DeleteCertificate(testCtx(t), fp)
	all := strings.Join(h.lines(), "\n")
	if !strings.Contains(all, "method=POST path=/1.0/certificates status=403") || !strings.Contains(all, "method=POST path=/1.0/certificates status=201") {
		t.Errorf("authenticate calls not logged:\n%s", all)
	}
	if strings.Contains(all, "wrong-Go-passw0rd-never-logged") || strings.Contains(all, secret) {
		t.Fatalf("a password reached the log:\n%s", all)
	}
}

func TestLoggerFailuresAndPanickingHandler(t *testing.T) {
	// No daemon on this socket: a Warn record with the error, and no status.
	h := newRecordHandler()
	c, err := Connect(WithUnixSocket(filepath.Join(t.TempDir(), "none.socket")), WithLogger(slog.New(h)))
	must(t, err)
	_, err = c.ListInstanceNames(testCtx(t))
	mustIs(t, err, ErrConnection)
	c.Close()
	if all := strings.Join(h.lines(), "\n"); !strings.Contains(all, "WARN lxd request method=GET path=/1.0/instances status=0") || !strings.Contains(all, "error=") {
		t.Errorf("failure not logged as a warning:\n%s", all)
	}
	// A handler that panics: the request still succeeds and the process lives on.
	env := lxdEnv(t)
	ph := newRecordHandler()
	ph.panics = true
	c, err = Connect(WithUnixSocket(env.socket), WithLogger(slog.New(ph)))
	must(t, err)
	defer c.Close()
	_, err = c.ListInstanceNames(testCtx(t))
	must(t, err)
}
