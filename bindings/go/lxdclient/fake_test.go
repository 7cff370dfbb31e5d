//go:build cgo

package lxdclient

import (
	"context"
	"errors"
	"io"
	"mime"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// A stand-in LXD on a unix socket, for what a real daemon cannot show: the exact request the
// client sends, a stalled or garbled reply.
func fakeLXD(t *testing.T, h http.HandlerFunc) string {
	t.Helper()
	sock := filepath.Join(t.TempDir(), "fake.socket")
	l, err := net.Listen("unix", sock)
	must(t, err)
	srv := &http.Server{Handler: h}
	go srv.Serve(l)
	t.Cleanup(func() { srv.Close() })
	return sock
}

const syncNames = `{"type":"sync","status":"Success","status_code":200,"metadata":["/1.0/instances/a","/1.0/instances/b"]}`

func TestOptionsReachTheWire(t *testing.T) {
	var mu sync.Mutex
	var seen []*http.Request
	sock := fakeLXD(t, func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		seen = append(seen, r)
		mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(syncNames))
	})
	c, err := Connect(WithUnixSocket(sock), WithUserAgent("go-binding-test/1"), WithProject("p1"), WithTarget("m1"),
		WithTimeout(5*time.Second))
	must(t, err)
	defer c.Close()
	ctx := testCtx(t)
	names, err := c.ListInstanceNames(ctx)
	must(t, err)
	if len(names) != 2 || names[0] != "a" || names[1] != "b" {
		t.Fatalf("names %v", names)
	}
	p2, err := c.WithProject("p2")
	must(t, err)
	defer p2.Close()
	_, err = p2.ListInstanceNames(ctx)
	must(t, err)
	noTarget, err := c.WithTarget("")
	must(t, err)
	defer noTarget.Close()
	_, err = noTarget.ListInstanceNames(ctx)
	must(t, err)
	// project= and target= go only where LXD's spec lists them: GET /1.0/instances takes
	// project, GET /1.0/resources target.
	_, err = c.Resources(ctx)
	must(t, err)
	_, err = noTarget.Resources(ctx)
	must(t, err)

	mu.Lock()
	defer mu.Unlock()
	if len(seen) != 5 {
		t.Fatalf("%d requests", len(seen))
	}
	r := seen[0]
	if r.Method != "GET" || r.URL.Path != "/1.0/instances" || r.UserAgent() != "go-binding-test/1" ||
		r.URL.Query().Get("project") != "p1" || r.URL.Query().Has("target") {
		t.Fatalf("first request %s %s UA %q", r.Method, r.URL, r.UserAgent())
	}
	if q := seen[1].URL.Query(); q.Get("project") != "p2" || q.Has("target") {
		t.Fatalf("WithProject request %s", seen[1].URL)
	}
	if q := seen[2].URL.Query(); q.Get("project") != "p1" || q.Has("target") {
		t.Fatalf("WithTarget(\"\") request %s", seen[2].URL)
	}
	if u := seen[3].URL; u.Path != "/1.0/resources" || u.Query().Get("target") != "m1" || u.Query().Has("project") {
		t.Fatalf("resources request %s", u)
	}
	if q := seen[4].URL.Query(); q.Has("target") {
		t.Fatalf("WithTarget(\"\") resources request %s", seen[4].URL)
	}
}

// stallingLXD answers nothing until the test ends.
func stallingLXD(t *testing.T) (sock string, requests chan struct{}) {
	release := make(chan struct{})
	requests = make(chan struct{}, 16)
	sock = fakeLXD(t, func(w http.ResponseWriter, r *http.Request) {
		requests <- struct{}{}
		select {
		case <-release:
		case <-r.Context().Done():
		}
	})
	t.Cleanup(func() { close(release) })
	return sock, requests
}

func TestClientTimeout(t *testing.T) {
	sock, _ := stallingLXD(t)
	c, err := Connect(WithUnixSocket(sock), WithTimeout(300*time.Millisecond))
	must(t, err)
	defer c.Close()
	start := time.Now()
	_, err = c.GetServer(context.Background())
	mustIs(t, err, ErrTimeout)
	if d := time.Since(start); d > 3*time.Second {
		t.Fatalf("timed out after %v", d)
	}
}

// A plain request cannot be interrupted in the C library, but the method returns as soon as the
// context ends; the abandoned call finishes (here: times out) in the background, and Close
// waits for it.
func TestPlainRequestContext(t *testing.T) {
	sock, requests := stallingLXD(t)
	c, err := Connect(WithUnixSocket(sock), WithTimeout(2*time.Second))
	must(t, err)

	ctx, cancel := context.WithCancel(context.Background())
	go func() { <-requests; time.Sleep(50 * time.Millisecond); cancel() }()
	start := time.Now()
	_, err = c.GetProfile(ctx, "default")
	if d := time.Since(start); d > time.Second {
		t.Fatalf("returned %v after the request, want promptly after the cancel", d)
	}
	mustIs(t, err, ErrCancelled)
	mustIs(t, err, context.Canceled)

	dctx, dcancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer dcancel()
	_, err = c.ListProfiles(dctx)
	mustIs(t, err, ErrTimeout)
	mustIs(t, err, context.DeadlineExceeded)

	// A context that has ended already sends nothing.
	_, err = c.GetServer(ctx)
	mustIs(t, err, context.Canceled)

	start = time.Now()
	must(t, c.Close()) // waits for the two abandoned calls (each bounded by the 2 s timeout)
	if d := time.Since(start); d > 5*time.Second {
		t.Fatalf("Close took %v", d)
	}
	_, err = c.GetServer(context.Background())
	mustIs(t, err, ErrClosed)
}

func TestGarbledReply(t *testing.T) {
	sock := fakeLXD(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(`{"type":"sync","metadata":`))
	})
	c, err := Connect(WithUnixSocket(sock))
	must(t, err)
	defer c.Close()
	_, err = c.GetServer(context.Background())
	mustIs(t, err, ErrProtocol)
	var e *Error
	if !errors.As(err, &e) || e.HTTPStatus != 0 || e.Message == "" {
		t.Fatalf("%#v", err)
	}
}

func TestBadArgumentsSendNothing(t *testing.T) {
	var calls int
	var mu sync.Mutex
	sock := fakeLXD(t, func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		calls++
		mu.Unlock()
		w.WriteHeader(500)
	})
	c, err := Connect(WithUnixSocket(sock))
	must(t, err)
	defer c.Close()
	ctx := context.Background()
	_, err = c.GetProfile(ctx, "a\x00b")
	mustIs(t, err, ErrInvalidArgument)
	_, err = c.GetInstance(ctx, "not_a_hostname")
	mustIs(t, err, ErrInvalidArgument)
	_, err = c.GetImage(ctx, "not-hex")
	mustIs(t, err, ErrInvalidArgument)
	_, err = c.SetInstanceState(ctx, "c1", InstanceStatePut{Action: "explode"})
	mustIs(t, err, ErrInvalidArgument)
	mustIs(t, c.PatchProfile(ctx, "p", nil, ""), ErrInvalidArgument)
	mustIs(t, c.PatchProfile(ctx, "p", unencodable{}, ""), ErrInvalidArgument)
	_, err = c.RawRequest(ctx, "GET", "/1.0", "{not json")
	mustIs(t, err, ErrInvalidArgument)
	_, err = c.RawRequest(ctx, "NOT A METHOD", "/1.0", nil)
	mustIs(t, err, ErrInvalidArgument)
	mu.Lock()
	defer mu.Unlock()
	if calls != 0 {
		t.Fatalf("%d requests were sent", calls)
	}
}

type unencodable struct{}

func (unencodable) MarshalJSON() ([]byte, error) { return nil, errors.New("cannot") }

func TestConnectErrors(t *testing.T) {
	c, err := Connect(WithUnixSocket(filepath.Join(t.TempDir(), "none.socket")))
	must(t, err) // nothing is opened yet
	defer c.Close()
	_, err = c.GetServer(context.Background())
	mustIs(t, err, ErrConnection)

	_, err = Connect(WithHTTPS("http://127.0.0.1:1"))
	mustIs(t, err, ErrInvalidArgument)
	_, err = Connect(WithHTTPS("https://127.0.0.1:8443"), WithUnixSocket("/x"))
	mustIs(t, err, ErrInvalidArgument)
	_, err = Connect(WithHTTPS("https://127.0.0.1:8443"), WithClientCertFiles("/nonexistent.crt", "/nonexistent.key"))
	mustIs(t, err, ErrIO)
	_, err = Connect(WithHTTPS("https://127.0.0.1:8443"), WithClientCert([]byte("junk"), []byte("junk")))
	mustIs(t, err, ErrInvalidArgument)
	_, err = Connect(WithHTTPS("https://127.0.0.1:8443"), WithServerCert([]byte("junk")))
	mustIs(t, err, ErrInvalidArgument)
	_, err = Connect(WithTimeout(-time.Second))
	mustIs(t, err, ErrInvalidArgument)
	_, err = Connect(WithUserAgent("bad\nagent"))
	mustIs(t, err, ErrInvalidArgument)
}

// The reply size limit (WithMaxReplyBytes) refuses a reply bigger than it, chunked or declared,
// and a raised limit lets it through; a sync reply without metadata is no list; a timeout says
// what timed out and after how long (issue 13).
func TestReplyLimitsAndMissingMetadata(t *testing.T) {
	const server = `{"config":{},"api_extensions":[],"api_status":"stable","api_version":"1.0","auth":"trusted","public":false,"auth_methods":["tls"],"environment":{"server_name":"fake"}}`
	big := `{"type":"sync","status":"Success","status_code":200,"metadata":` + server + strings.Repeat(" ", 2<<20) + `}`
	sock := fakeLXD(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		switch r.URL.Path {
		case "/1.0/instances":
			w.Write([]byte(`{"type":"sync","status":"Success","status_code":200}`))
		default:
			if r.URL.Query().Get("project") == "declared" {
				w.Header().Set("Content-Length", strconv.Itoa(len(big)))
			}
			w.Write([]byte(big)) // > 4 KiB without a length: chunked
		}
	})
	ctx := testCtx(t)
	for _, project := range []string{"chunked", "declared"} {
		small, err := Connect(WithUnixSocket(sock), WithProject(project), WithMaxReplyBytes(1<<20))
		must(t, err)
		_, err = small.GetServer(ctx)
		mustIs(t, err, ErrProtocol)
		if !strings.Contains(err.Error(), "larger than") {
			t.Fatalf("%s: %v", project, err)
		}
		small.Close()
		roomy, err := Connect(WithUnixSocket(sock), WithProject(project), WithMaxReplyBytes(4<<20))
		must(t, err)
		s, err := roomy.GetServer(ctx)
		must(t, err)
		if s.APIVersion != "1.0" {
			t.Fatalf("%s: server %+v", project, s)
		}
		_, err = roomy.ListInstanceNames(ctx)
		mustIs(t, err, ErrProtocol)
		_, err = roomy.ListInstances(ctx)
		mustIs(t, err, ErrProtocol)
		roomy.Close()
	}
	if _, err := Connect(WithUnixSocket(sock), WithMaxReplyBytes(-1)); !errors.Is(err, ErrInvalidArgument) {
		t.Fatalf("negative limit: %v", err)
	}

	stall, _ := stallingLXD(t)
	c, err := Connect(WithUnixSocket(stall), WithTimeout(time.Second))
	must(t, err)
	defer c.Close()
	_, err = c.GetServer(context.Background())
	mustIs(t, err, ErrTimeout)
	if !strings.Contains(err.Error(), "no reply from LXD within 1 s (client timeout)") {
		t.Fatalf("timeout message: %v", err)
	}
}

// Each split upload has its own multipart boundary, drawn from the system RNG by the library.
func TestSplitUploadBoundariesDiffer(t *testing.T) {
	var mu sync.Mutex
	var boundaries []string
	sock := fakeLXD(t, func(w http.ResponseWriter, r *http.Request) {
		if r.Method == "POST" && r.URL.Path == "/1.0/images" {
			if _, params, err := mime.ParseMediaType(r.Header.Get("Content-Type")); err == nil {
				mu.Lock()
				boundaries = append(boundaries, params["boundary"])
				mu.Unlock()
			}
			io.Copy(io.Discard, r.Body)
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusBadRequest)
		w.Write([]byte(`{"type":"error","error":"recorded","error_code":400,"metadata":null}`))
	})
	c, err := Connect(WithUnixSocket(sock), WithTimeout(5*time.Second))
	must(t, err)
	defer c.Close()
	dir := t.TempDir()
	meta, rootfs := filepath.Join(dir, "meta.tar"), filepath.Join(dir, "rootfs.tar")
	must(t, os.WriteFile(meta, []byte("metadata"), 0o644))
	must(t, os.WriteFile(rootfs, []byte("rootfs"), 0o644))
	for i := 0; i < 2; i++ {
		if _, err := c.UploadSplitImage(testCtx(t), meta, rootfs, ImageUploadOptions{}); !errors.Is(err, ErrAPI) {
			t.Fatalf("upload %d: %v, want the fake server's 400", i, err)
		}
	}
	mu.Lock()
	defer mu.Unlock()
	if len(boundaries) != 2 || boundaries[0] == boundaries[1] || len(boundaries[0]) < 32 || len(boundaries[1]) < 32 {
		t.Fatalf("boundaries %q: want two different ones of at least 32 characters", boundaries)
	}
}
