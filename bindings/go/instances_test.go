//go:build cgo

package lxdclient

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"testing"
	"time"
)

func TestInstances(t *testing.T) {
	c := unixClient(t)
	ctx := testCtx(t)
	env := lxdEnv(t)
	name := uniq("gi")
	t.Cleanup(func() { removeInstance(c, name); removeInstance(c, name+"-r") })

	exists, err := c.InstanceExists(ctx, name)
	must(t, err)
	if exists {
		t.Fatal("exists before creation")
	}
	_, err = c.GetInstance(ctx, name)
	mustIs(t, err, ErrNotFound)
	_, err = c.GetInstanceState(ctx, name)
	mustIs(t, err, ErrNotFound)

	op, err := c.CreateInstance(ctx, InstanceCreate{
		Name:        name,
		Description: "go test",
		Source:      InstanceSource{Type: "image", Fingerprint: env.imageFingerprint},
		Config:      map[string]string{"user.k": "v"},
	})
	must(t, err)
	if op.ID() == "" {
		t.Fatal("no operation id")
	}
	must(t, op.Wait(ctx))
	must(t, op.Wait(ctx)) // the outcome is kept
	info, err := op.Info()
	must(t, err)
	if info.StatusCode != StatusSuccess || op.StatusCode() != StatusSuccess || info.ID != op.ID() ||
		!slices.Contains(info.Resources["instances"], "/1.0/instances/"+name) {
		t.Fatalf("operation %+v", info)
	}
	must(t, op.Close())
	must(t, op.Close())

	// A second instance of the same name: the operation fails.
	dup, err := c.CreateInstance(ctx, InstanceCreate{Name: name, Source: InstanceSource{Type: "image", Alias: env.imageAlias}})
	if err == nil {
		err = dup.Wait(ctx)
	}
	if err == nil {
		t.Fatal("a duplicate instance was created")
	}

	names, err := c.ListInstanceNames(ctx)
	must(t, err)
	if !slices.Contains(names, name) {
		t.Fatalf("names %v", names)
	}
	list, err := c.ListInstances(ctx)
	must(t, err)
	found := false
	for _, i := range list {
		roundTrips(t, i)
		found = found || (i.Name == name && i.Config["user.k"] == "v")
	}
	if !found {
		t.Fatal("not listed")
	}

	inst, err := c.GetInstance(ctx, name)
	must(t, err)
	roundTrips(t, inst)
	if inst.Status != "Stopped" || inst.StatusCode != StatusStopped || inst.Type != "container" ||
		inst.Description != "go test" || inst.ETag() == "" || inst.CreatedAt.IsZero() {
		t.Fatalf("instance %+v", inst)
	}

	// Lifecycle: Dirty, Rollback, Save, stale Save, Sync.
	inst.Config["user.k"] = "changed"
	inst.Profiles = append(inst.Profiles, "default")
	if !inst.Dirty() {
		t.Fatal("not dirty")
	}
	must(t, inst.Rollback())
	if inst.Dirty() || inst.Config["user.k"] != "v" || len(inst.Profiles) != 1 {
		t.Fatalf("rollback left %+v", inst)
	}
	stale, err := c.GetInstance(ctx, name)
	must(t, err)
	inst.Config["user.k"] = "saved"
	must(t, inst.Save(ctx))
	if inst.Dirty() || inst.Config["user.k"] != "saved" {
		t.Fatalf("after save %+v", inst.Config)
	}
	stale.Config["user.other"] = "lost update"
	mustIs(t, stale.Save(ctx), ErrPreconditionFailed)
	must(t, stale.Sync(ctx))
	if stale.Config["user.k"] != "saved" || stale.Config["user.other"] != "" {
		t.Fatalf("sync %+v", stale.Config)
	}

	// Client-level update and patch, with ETags.
	op, err = c.PatchInstance(ctx, name, map[string]any{"config": map[string]string{"user.p": "1"}}, inst.ETag())
	must(t, err)
	must(t, op.Wait(ctx))
	_, err = c.PatchInstance(ctx, name, map[string]any{"description": "x"}, inst.ETag())
	mustIs(t, err, ErrPreconditionFailed)
	cur, err := c.GetInstance(ctx, name)
	must(t, err)
	if cur.Config["user.p"] != "1" || cur.Config["user.k"] != "saved" {
		t.Fatalf("patch gave %v", cur.Config)
	}
	cur.Description = "updated"
	_, err = c.UpdateInstance(ctx, name, cur, inst.ETag())
	mustIs(t, err, ErrPreconditionFailed)
	op, err = c.UpdateInstance(ctx, name, cur, cur.ETag())
	must(t, err)
	must(t, op.Wait(ctx))
	must(t, inst.Sync(ctx))
	if inst.Description != "updated" {
		t.Fatalf("update gave %q", inst.Description)
	}

	// State changes through the object.
	must(t, inst.Start(ctx))
	must(t, inst.Sync(ctx))
	if inst.StatusCode != StatusRunning {
		t.Fatalf("after start %v", inst.Status)
	}
	st, err := inst.State(ctx)
	must(t, err)
	if st.Status != "Running" || st.PID <= 0 || st.Processes < 1 {
		t.Fatalf("state %+v", st)
	}
	err = inst.Start(ctx)
	mustIs(t, err, ErrOperationFailed) // already running: LXD's operation fails
	must(t, inst.Freeze(ctx))
	st, err = c.GetInstanceState(ctx, name)
	must(t, err)
	if st.StatusCode != StatusFrozen {
		t.Fatalf("after freeze %v", st.Status)
	}
	must(t, inst.Unfreeze(ctx))
	must(t, inst.Restart(ctx, -1, true))
	st, err = inst.State(ctx)
	must(t, err)
	if st.Status != "Running" {
		t.Fatalf("after restart %v", st.Status)
	}
	must(t, inst.Stop(ctx, -1, true))
	must(t, inst.Sync(ctx))
	if inst.StatusCode != StatusStopped {
		t.Fatalf("after stop %v", inst.Status)
	}

	// State changes through the client.
	for _, step := range []func() (*Operation, error){
		func() (*Operation, error) { return c.StartInstance(ctx, name) },
		func() (*Operation, error) { return c.FreezeInstance(ctx, name) },
		func() (*Operation, error) { return c.UnfreezeInstance(ctx, name) },
		func() (*Operation, error) { return c.RestartInstance(ctx, name, -1, true) },
		func() (*Operation, error) {
			return c.SetInstanceState(ctx, name, InstanceStatePut{Action: "freeze", Timeout: -1})
		},
		func() (*Operation, error) {
			return c.SetInstanceState(ctx, name, InstanceStatePut{Action: "unfreeze", Timeout: -1})
		},
		func() (*Operation, error) { return c.StopInstance(ctx, name, -1, true) },
	} {
		op, err := step()
		must(t, err)
		must(t, op.Wait(ctx))
		op.Close()
	}
	st, err = c.GetInstanceState(ctx, name)
	must(t, err)
	if st.Status != "Stopped" {
		t.Fatalf("ended %v", st.Status)
	}
	_, err = c.FreezeInstance(ctx, "gi-nonexistent")
	mustIs(t, err, ErrNotFound)

	// Rename and delete.
	must(t, inst.Rename(ctx, name+"-r"))
	if inst.Name != name+"-r" || inst.Dirty() {
		t.Fatalf("after rename %q dirty %v", inst.Name, inst.Dirty())
	}
	op, err = c.RenameInstance(ctx, name+"-r", name)
	must(t, err)
	must(t, op.Wait(ctx))
	// The object follows the name it was renamed to, which no longer exists.
	mustIs(t, inst.Sync(ctx), ErrNotFound)
	got, err := c.GetInstance(ctx, name)
	must(t, err)
	must(t, got.Delete(ctx))
	_, err = c.DeleteInstance(ctx, name)
	mustIs(t, err, ErrNotFound)
}

// An operation wait is interrupted as soon as its context ends; the operation keeps running on
// the server, and can be waited for again.
func TestOperationWaitCancel(t *testing.T) {
	c := unixClient(t)
	ctx := testCtx(t)
	// busybox init ignores SIGWINCH: with it as the halt signal a clean stop takes its full
	// timeout, a slow operation to interrupt.
	inst := newInstance(t, c, map[string]string{"raw.lxc": "lxc.signal.halt=SIGWINCH"})
	must(t, inst.Start(ctx))

	op, err := c.StopInstance(ctx, inst.Name, 30, false)
	must(t, err)
	defer op.Close()

	cctx, cancel := context.WithCancel(ctx)
	time.AfterFunc(50*time.Millisecond, cancel)
	start := time.Now()
	err = op.Wait(cctx)
	took := time.Since(start)
	mustIs(t, err, ErrCancelled)
	mustIs(t, err, context.Canceled)
	if took > time.Second {
		t.Fatalf("cancelled wait returned after %v", took)
	}
	t.Logf("wait cancelled 50 ms in, returned after %v", took)

	must(t, op.Refresh(ctx))
	if op.StatusCode() != StatusRunning {
		t.Fatalf("operation status after the interrupted wait: %v", op.StatusCode())
	}
	ops, err := c.ListOperations(ctx)
	must(t, err)
	if !slices.ContainsFunc(ops, func(o *OperationInfo) bool { return o.ID == op.ID() && o.StatusCode == StatusRunning }) {
		t.Fatal("the running operation is not listed")
	}
	same, err := c.GetOperation(ctx, op.ID())
	must(t, err)
	defer same.Close()
	if same.ID() != op.ID() || same.StatusCode() != StatusRunning {
		t.Fatalf("GetOperation: %s %v", same.ID(), same.StatusCode())
	}
	info, err := same.Info()
	must(t, err)
	if info.Class != "task" || info.MayCancel {
		t.Fatalf("info %+v", info)
	}
	mustIs(t, same.Cancel(ctx), ErrAPI) // a stop cannot be cancelled (may_cancel false)

	// Another Wait on the same operation, from another goroutine: it goes on when the waits
	// below are interrupted by their own contexts.
	background := make(chan error, 1)
	go func() { background <- op.Wait(ctx) }()
	time.Sleep(100 * time.Millisecond)

	// A deadline interrupts the wait too, and the handle waits again after an interrupt.
	dctx, dcancel := context.WithTimeout(ctx, 100*time.Millisecond)
	defer dcancel()
	start = time.Now()
	err = op.Wait(dctx)
	mustIs(t, err, ErrTimeout)
	mustIs(t, err, context.DeadlineExceeded)
	if d := time.Since(start); d > time.Second {
		t.Fatalf("deadline wait returned after %v", d)
	}

	// The convenience methods are interrupted the same way.
	sctx, scancel := context.WithTimeout(ctx, 50*time.Millisecond)
	defer scancel()
	start = time.Now()
	mustIs(t, inst.Stop(sctx, 30, false), context.DeadlineExceeded)
	if d := time.Since(start); d > time.Second {
		t.Fatalf("Stop returned after %v", d)
	}

	// Kill it: the slow stop ends well before its 30 s.
	must(t, inst.Stop(ctx, -1, true))
	start = time.Now()
	err = op.Wait(ctx)
	if err != nil && !errors.Is(err, ErrOperationFailed) {
		t.Fatalf("final wait: %v", err)
	}
	if d := time.Since(start); d > 15*time.Second {
		t.Fatalf("the stop ended after %v", d)
	}
	if !op.StatusCode().IsFinal() {
		t.Fatalf("final status %v", op.StatusCode())
	}
	select {
	case bgErr := <-background:
		if (bgErr == nil) != (err == nil) || (err != nil && !errors.Is(bgErr, ErrOperationFailed)) {
			t.Fatalf("the concurrent Wait ended with %v, the last one with %v", bgErr, err)
		}
		if kept := op.Wait(ctx); kept != op.Wait(ctx) || (kept == nil) != (err == nil) {
			t.Fatalf("the kept outcome %v", kept)
		}
	case <-time.After(15 * time.Second):
		t.Fatal("the concurrent Wait did not end with the operation")
	}
	must(t, same.Wait(ctx))
}

// Close on an operation interrupts a wait blocked on it.
func TestOperationCloseInterruptsWait(t *testing.T) {
	c := unixClient(t)
	ctx := testCtx(t)
	inst := newInstance(t, c, map[string]string{"raw.lxc": "lxc.signal.halt=SIGWINCH"})
	must(t, inst.Start(ctx))
	op, err := c.StopInstance(ctx, inst.Name, 30, false)
	must(t, err)
	done := make(chan error, 1)
	go func() { done <- op.Wait(ctx) }()
	time.Sleep(100 * time.Millisecond)
	start := time.Now()
	must(t, op.Close())
	select {
	case err := <-done:
		mustIs(t, err, ErrCancelled)
	case <-time.After(2 * time.Second):
		t.Fatal("Close did not interrupt the wait")
	}
	t.Logf("Close interrupted the wait in %v", time.Since(start))
	mustIs(t, op.Wait(ctx), ErrClosed)
	_, err = op.Info()
	mustIs(t, err, ErrClosed)
	mustIs(t, op.Refresh(ctx), ErrClosed)
	must(t, op.Close())
}

// Cancel on an operation LXD may cancel: a trust token (class "token", may_cancel true), made
// with a raw request since the typed API does not make tokens yet.
func TestOperationCancel(t *testing.T) {
	c := unixClient(t)
	ctx := testCtx(t)
	r, err := c.RawRequest(ctx, "POST", "/1.0/certificates", map[string]any{"name": uniq("gtok"), "type": "client", "token": true})
	must(t, err)
	var env struct {
		Type     string `json:"type"`
		Metadata struct {
			ID string `json:"id"`
		} `json:"metadata"`
	}
	must(t, json.Unmarshal(r.Body, &env))
	if r.StatusCode != 202 || env.Type != "async" || env.Metadata.ID == "" {
		t.Fatalf("token request: %d %s", r.StatusCode, r.Body)
	}
	op, err := c.GetOperation(ctx, env.Metadata.ID)
	must(t, err)
	defer op.Close()
	info, err := op.Info()
	must(t, err)
	if info.Class != "token" || !info.MayCancel || info.StatusCode != StatusRunning || info.Metadata["secret"] == "" {
		t.Fatalf("token operation %+v", info)
	}
	must(t, op.Cancel(ctx))
	err = op.Wait(ctx)
	if err == nil {
		t.Fatal("a cancelled operation waited as a success")
	}
	if !errors.Is(err, ErrOperationFailed) && !errors.Is(err, ErrNotFound) {
		t.Fatalf("waiting for the cancelled operation: %v", err)
	}
	ops, err := c.ListOperations(ctx)
	must(t, err)
	for _, o := range ops {
		if o.ID == env.Metadata.ID && o.StatusCode == StatusRunning {
			t.Fatal("the cancelled operation still runs")
		}
	}
	_, err = c.GetOperation(ctx, "00000000-0000-0000-0000-000000000000")
	mustIs(t, err, ErrNotFound)
}
