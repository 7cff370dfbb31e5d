//go:build cgo

package lxdclient

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"
)

// An operation that never finishes, as LXD shows one: its wait answers "running" after the
// timeout the client asked for.
const neverOp = `{"id":"op-never","class":"task","description":"never","status":"Running","status_code":103,` +
	`"resources":{},"metadata":{},"may_cancel":false,"err":"","location":"none"}`

func neverEndingLXD(t *testing.T) string {
	return fakeLXD(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		switch {
		case r.Method == "PUT" && strings.HasSuffix(r.URL.Path, "/state"):
			w.Header().Set("Location", "/1.0/operations/op-never")
			w.WriteHeader(http.StatusAccepted)
			w.Write([]byte(`{"type":"async","status":"Operation created","status_code":100,"operation":"/1.0/operations/op-never","metadata":` + neverOp + `}`))
		case r.URL.Path == "/1.0/operations/op-never/wait":
			secs, err := strconv.Atoi(r.URL.Query().Get("timeout"))
			if err != nil || secs < 0 || secs > 60 {
				secs = 60
			}
			select {
			case <-time.After(time.Duration(secs) * time.Second):
			case <-r.Context().Done():
				return
			}
			w.Write([]byte(`{"type":"sync","status":"Success","status_code":200,"metadata":` + neverOp + `}`))
		default:
			w.WriteHeader(http.StatusNotFound)
			w.Write([]byte(`{"type":"error","error":"not found","error_code":404}`))
		}
	})
}

// WithOperationDeadline bounds Wait with a context that has no deadline.
func TestOperationDeadline(t *testing.T) {
	sock := neverEndingLXD(t)
	c, err := Connect(WithUnixSocket(sock), WithTimeout(5*time.Second), WithOperationDeadline(1500*time.Millisecond))
	must(t, err)
	defer c.Close()
	op, err := c.StartInstance(context.Background(), "c1")
	must(t, err)
	start := time.Now()
	err = op.Wait(context.Background())
	took := time.Since(start)
	mustIs(t, err, ErrTimeout)
	if errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("the client's deadline is not a context deadline: %v", err)
	}
	if !strings.Contains(err.Error(), "operation deadline") {
		t.Fatalf("error %q does not name the operation deadline", err)
	}
	if took < 1400*time.Millisecond || took > 4*time.Second {
		t.Fatalf("Wait under a 1.5 s deadline took %v", took)
	}
	// A context deadline still wins (here: longer than the client's).
	ctx, cancel := context.WithTimeout(context.Background(), 2500*time.Millisecond)
	defer cancel()
	start = time.Now()
	err = op.Wait(ctx)
	took = time.Since(start)
	mustIs(t, err, ErrTimeout)
	if took < 2400*time.Millisecond || took > 5*time.Second {
		t.Fatalf("Wait with a 2.5 s context under a 1.5 s deadline took %v", took)
	}

	if _, err := Connect(WithUnixSocket(sock), WithOperationDeadline(-time.Second)); !errors.Is(err, ErrInvalidArgument) {
		t.Fatalf("a negative deadline: %v", err)
	}
}

// Against the real daemon: a normal start and exec work under a deadline, and an exec without a
// timeout of its own ends at the deadline.
func TestOperationDeadlineExec(t *testing.T) {
	env := lxdEnv(t)
	c, err := Connect(WithUnixSocket(env.socket), WithOperationDeadline(2*time.Minute))
	must(t, err)
	defer c.Close()
	inst := newInstance(t, c, nil)
	op, err := c.StartInstance(context.Background(), inst.Name)
	must(t, err)
	must(t, op.Wait(context.Background()))
	var out strings.Builder
	code, err := c.Exec(context.Background(), inst.Name, []string{"sh", "-c", "sleep 1; echo done"}, ExecOptions{Stdout: &out})
	must(t, err)
	if code != 0 || out.String() != "done\n" {
		t.Fatalf("exit %d, stdout %q", code, out.String())
	}

	short, err := Connect(WithUnixSocket(env.socket), WithOperationDeadline(1500*time.Millisecond))
	must(t, err)
	defer short.Close()
	start := time.Now()
	_, err = short.Exec(context.Background(), inst.Name, []string{"sleep", "60"}, ExecOptions{})
	took := time.Since(start)
	mustIs(t, err, ErrTimeout)
	if took < 1400*time.Millisecond || took > 5*time.Second {
		t.Fatalf("exec under a 1.5 s deadline took %v", took)
	}
	// Its own Timeout wins over the deadline.
	code, err = short.Exec(context.Background(), inst.Name, []string{"sh", "-c", "sleep 2"}, ExecOptions{Timeout: time.Minute})
	must(t, err)
	if code != 0 {
		t.Fatalf("exit %d", code)
	}
}
