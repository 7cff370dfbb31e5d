//go:build cgo

package lxdclient

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"strings"
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

	// State changes through the object: each waits, then refreshes the object (no Sync needed).
	must(t, inst.Start(ctx))
	if inst.StatusCode != StatusRunning || inst.Dirty() {
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
	if st.StatusCode != StatusFrozen || inst.StatusCode != StatusFrozen {
		t.Fatalf("after freeze %v (object: %v)", st.Status, inst.Status)
	}
	must(t, inst.Unfreeze(ctx))
	if inst.StatusCode != StatusRunning {
		t.Fatalf("after unfreeze %v", inst.Status)
	}
	must(t, inst.Restart(ctx, -1, true))
	st, err = inst.State(ctx)
	must(t, err)
	if st.Status != "Running" {
		t.Fatalf("after restart %v", st.Status)
	}
	must(t, inst.Stop(ctx, -1, true))
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

func TestInstanceExtras(t *testing.T) {
	c := unixClient(t)
	ctx := testCtx(t)
	name := uniq("goext")
	marker := uniq("go-console-marker")
	op, err := c.CreateInstanceFromImage(ctx, name, "container", lxdEnv(t).imageAlias, &InstanceImageOptions{
		Description: "typed",
		Config:      map[string]string{"raw.lxc": "lxc.init.cmd = /bin/sh -c echo${IFS}" + marker + ">/dev/console;exec${IFS}/sbin/init", "user.k": "v"},
	})
	must(t, err)
	t.Cleanup(func() { removeInstance(c, name) })
	must(t, op.Wait(ctx))
	op, err = c.CreateInstanceFromImage(ctx, name, "", lxdEnv(t).imageAlias, nil)
	if err == nil {
		err = op.Wait(ctx)
	}
	// LXD 5.0.2 accepts the request and fails the operation (so does Incus 6.0, in its database).
	mustIs(t, err, ErrOperationFailed)
	taken := "already exists"
	if isIncus() {
		taken = "UNIQUE constraint failed"
	}
	if !strings.Contains(err.Error(), taken) {
		t.Fatalf("duplicate instance: %v", err)
	}
	byFP := uniq("goext")
	t.Cleanup(func() { removeInstance(c, byFP) })
	op, err = c.CreateInstanceFromImage(ctx, byFP, "container", "fingerprint:"+lxdEnv(t).imageFingerprint[:12], nil)
	must(t, err)
	must(t, op.Wait(ctx))
	removeInstance(c, byFP)

	inst, err := c.GetInstance(ctx, name)
	must(t, err)
	if inst.Description != "typed" || inst.Config["user.k"] != "v" || inst.Type != "container" {
		t.Fatalf("instance %+v", inst)
	}
	must(t, inst.Start(ctx))

	// Filtered and full listings.
	names, err := c.ListInstanceNamesFiltered(ctx, InstanceFilter{Type: "container"})
	must(t, err)
	vms, err := c.ListInstanceNamesFiltered(ctx, InstanceFilter{Type: "virtual-machine"})
	must(t, err)
	if !slices.Contains(names, name) || slices.Contains(vms, name) {
		t.Fatalf("containers %v, VMs %v", names, vms)
	}
	running, err := c.ListInstancesFiltered(ctx, InstanceFilter{Filter: "status eq Running", AllProjects: true})
	must(t, err)
	if i := slices.IndexFunc(running, func(v *Instance) bool { return v.Name == name }); i < 0 || running[i].Project != "default" {
		t.Fatalf("running instances %+v", running)
	}
	stopped, err := c.ListInstancesFull(ctx, InstanceFilter{Filter: "status eq Stopped"})
	must(t, err)
	if slices.IndexFunc(stopped, func(v *InstanceFull) bool { return v.Instance.Name == name }) >= 0 {
		t.Fatal("a running instance listed as stopped")
	}
	fulls, err := c.ListInstancesFull(ctx, InstanceFilter{Filter: "status eq Running"})
	must(t, err)
	if i := slices.IndexFunc(fulls, func(v *InstanceFull) bool { return v.Instance.Name == name }); i < 0 || fulls[i].State == nil || fulls[i].State.Status != "Running" {
		t.Fatalf("full listing %+v", fulls)
	}
	_, err = c.ListInstanceNamesFiltered(ctx, InstanceFilter{Type: "jail"})
	mustIs(t, err, ErrInvalidArgument)
	op, err = c.CreateSnapshot(ctx, name, "s1", false)
	must(t, err)
	must(t, op.Wait(ctx))
	full, err := c.GetInstanceFull(ctx, name)
	must(t, err)
	if full.Instance.Name != name || full.Instance.ETag() == "" || full.State == nil || full.State.PID <= 0 ||
		len(full.Snapshots) != 1 || full.Snapshots[0].Name != "s1" || full.Instance.Extra["state"] != nil {
		t.Fatalf("full instance %+v / %+v", full, full.Instance)
	}
	// The full view's instance is a live object: it saves with its ETag.
	full.Instance.Config["user.full"] = "1"
	must(t, full.Instance.Save(ctx))

	// Snapshot patch.
	op, err = c.PatchSnapshot(ctx, name, "s1", map[string]any{"expires_at": "2099-01-01T00:00:00Z"}, "")
	must(t, err)
	must(t, op.Wait(ctx))
	snap, err := c.GetSnapshot(ctx, name, "s1")
	must(t, err)
	if snap.ExpiresAt.Year() != 2099 {
		t.Fatalf("snapshot expires %v", snap.ExpiresAt)
	}
	_, err = c.PatchSnapshot(ctx, name, "s1", map[string]any{"expires_at": "2098-01-01T00:00:00Z"}, "\"stale\"")
	mustIs(t, err, ErrPreconditionFailed)

	// Console log: the marker init wrote; then cleared.
	waitUntil(t, 10*time.Second, "the console marker", func() bool {
		text, err := c.InstanceConsoleLog(ctx, name)
		return err == nil && strings.Contains(text, marker)
	})
	must(t, c.ClearInstanceConsoleLog(ctx, name))
	text, err := c.InstanceConsoleLog(ctx, name)
	must(t, err)
	if text != "" {
		t.Fatalf("console log after clear: %q", text)
	}
	// The attached console, both ways. (A bare CreateInstanceConsole that nobody connects to stays
	// forever in LXD 5.0.2 — it cannot be cancelled and holds up the daemon's shutdown — so the
	// success path is tested through AttachConsole, which makes the same request and connects.)
	con, err := c.AttachConsole(ctx, name, 80, 24)
	must(t, err)
	consoleSeen := func(want string) bool {
		var acc strings.Builder
		for try := 0; try < 10; try++ {
			// LXD hooks the console up just after the sockets connect: write until it shows.
			_, _, _, err := c.ExecOutput(ctx, name, []string{"sh", "-c", "echo " + want + " > /dev/console"}, ExecOptions{})
			must(t, err)
			deadline := time.Now().Add(1500 * time.Millisecond)
			buf := make([]byte, 4096)
			for time.Now().Before(deadline) {
				n, err := con.ReadTimeout(buf, 200*time.Millisecond)
				if errors.Is(err, ErrTimeout) {
					continue
				}
				must(t, err)
				acc.Write(buf[:n])
				if strings.Contains(acc.String(), want) {
					return true
				}
			}
		}
		return false
	}
	if !consoleSeen(uniq("go-console-live")) {
		t.Fatal("a line written to /dev/console did not come out of the attached console")
	}
	must(t, con.Resize(100, 30))
	mustIs(t, con.Resize(0, 30), ErrInvalidArgument)
	if _, err := con.Write([]byte("\r")); err != nil {
		t.Fatal(err)
	}
	// Close from another goroutine wakes a blocked Read.
	readDone := make(chan error, 1)
	go func() {
		buf := make([]byte, 64)
		for {
			if _, err := con.Read(buf); err != nil {
				readDone <- err
				return
			}
		}
	}()
	time.Sleep(300 * time.Millisecond)
	must(t, con.Close())
	select {
	case err := <-readDone:
		if !errors.Is(err, ErrCancelled) && !errors.Is(err, ErrClosed) {
			t.Fatalf("blocked console read after Close: %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Close did not wake the blocked console Read")
	}
	must(t, con.Close())
	if _, err := con.Write([]byte("x")); err == nil {
		t.Fatal("write after Close succeeded")
	}
	_, err = c.AttachConsole(ctx, "no-such-instance-go", 80, 24)
	mustIs(t, err, ErrNotFound)
	_, err = c.AttachConsole(ctx, "bad\x00name", 80, 24)
	mustIs(t, err, ErrInvalidArgument)
	_, err = c.CreateInstanceConsole(ctx, name, 80, 24, "tty")
	mustIs(t, err, ErrInvalidArgument)

	// Log files.
	logs, err := c.ListInstanceLogs(ctx, name)
	must(t, err)
	// LXD 5.0 lists lxc.conf (readable, not deletable); Incus 6.0 only lxc.log, and refuses the name.
	if !slices.Contains(logs, "lxc.log") || slices.Contains(logs, "lxc.conf") == isIncus() {
		t.Fatalf("logs %v", logs)
	}
	if isIncus() {
		_, err = c.GetInstanceLog(ctx, name, "lxc.conf")
		mustAPI(t, err, 400, "not valid")
		mustAPI(t, c.DeleteInstanceLog(ctx, name, "lxc.conf"), 400, "not valid")
	} else {
		conf, err := c.GetInstanceLog(ctx, name, "lxc.conf")
		must(t, err)
		if !strings.Contains(conf, "lxc.init.cmd") {
			t.Fatalf("lxc.conf: %.200q", conf)
		}
		mustAPI(t, c.DeleteInstanceLog(ctx, name, "lxc.conf"), 400, "may not be deleted")
	}
	_, err = c.GetInstanceLog(ctx, name, "../secrets")
	mustIs(t, err, ErrInvalidArgument)

	// Metadata and templates.
	md, etag, err := c.GetInstanceMetadata(ctx, name)
	must(t, err)
	if md.Properties["os"] != "busybox" || etag == "" || md.Architecture == "" {
		t.Fatalf("metadata %+v etag %q", md, etag)
	}
	must(t, c.PutInstanceTemplate(ctx, name, "go.tpl", "hello {{ container.name }}\n"))
	tpls, err := c.ListInstanceTemplates(ctx, name)
	must(t, err)
	if !slices.Contains(tpls, "go.tpl") {
		t.Fatalf("templates %v", tpls)
	}
	tpl, err := c.GetInstanceTemplate(ctx, name, "go.tpl")
	must(t, err)
	if tpl != "hello {{ container.name }}\n" {
		t.Fatalf("template %q", tpl)
	}
	must(t, c.PatchInstanceMetadata(ctx, name, map[string]any{"templates": map[string]any{
		"/etc/go.txt": ImageMetadataTemplate{When: []string{"start"}, Template: "go.tpl"}}}, etag))
	mustIs(t, c.PatchInstanceMetadata(ctx, name, map[string]any{"properties": map[string]string{"x": "y"}}, etag), ErrPreconditionFailed)
	md, etag, err = c.GetInstanceMetadata(ctx, name)
	must(t, err)
	if tm := md.Templates["/etc/go.txt"]; tm == nil || tm.Template != "go.tpl" || !slices.Equal(tm.When, []string{"start"}) {
		t.Fatalf("templates after patch: %+v", md.Templates)
	}
	md.Properties["go"] = "1"
	md.Templates = map[string]*ImageMetadataTemplate{}
	must(t, c.UpdateInstanceMetadata(ctx, name, *md, etag))
	// The ETag read before the update is stale now: PATCH checks it; LXD 5.0.2's PUT does not.
	mustIs(t, c.PatchInstanceMetadata(ctx, name, map[string]any{"properties": map[string]string{"x": "y"}}, etag), ErrPreconditionFailed)
	must(t, c.UpdateInstanceMetadata(ctx, name, *md, etag))
	md, _, err = c.GetInstanceMetadata(ctx, name)
	must(t, err)
	if md.Properties["go"] != "1" || len(md.Templates) != 0 {
		t.Fatalf("metadata after update: %+v", md)
	}
	must(t, c.DeleteInstanceTemplate(ctx, name, "go.tpl"))
	_, err = c.GetInstanceTemplate(ctx, name, "go.tpl")
	mustIs(t, err, ErrNotFound)
}

// TestSetAllInstancesState changes every instance of a project of its own (scope: the client's
// project).
func TestSetAllInstancesState(t *testing.T) {
	c := unixClient(t)
	ctx := testCtx(t)
	proj := uniq("gobulk")
	must(t, c.CreateProject(ctx, Project{Name: proj, Config: map[string]string{"features.images": "false", "features.profiles": "false"}}))
	t.Cleanup(func() { c.DeleteProject(testCtx(t), proj) })
	pc, err := c.WithProject(proj)
	must(t, err)
	t.Cleanup(func() { pc.Close() })
	a, b := uniq("gok"), uniq("gok")
	t.Cleanup(func() { removeInstance(pc, a); removeInstance(pc, b) })
	for _, n := range []string{a, b} {
		op, err := pc.CreateInstanceFromImage(ctx, n, "container", lxdEnv(t).imageAlias, nil)
		must(t, err)
		must(t, op.Wait(ctx))
	}
	count := func(status string) int {
		list, err := pc.ListInstances(ctx)
		must(t, err)
		n := 0
		for _, i := range list {
			if i.Status == status {
				n++
			}
		}
		return n
	}
	must(t, pc.opWait(ctx)(pc.SetAllInstancesState(ctx, "start", -1, false, false)))
	if n := count("Running"); n != 2 {
		t.Fatalf("%d running after a bulk start", n)
	}
	must(t, pc.opWait(ctx)(pc.SetAllInstancesState(ctx, "stop", 0, true, false)))
	if n := count("Stopped"); n != 2 {
		t.Fatalf("%d stopped after a bulk stop", n)
	}
	mustIs(t, pc.opWait(ctx)(pc.SetAllInstancesState(ctx, "nap", 0, false, false)), ErrInvalidArgument)
}
