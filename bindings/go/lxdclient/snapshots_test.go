//go:build cgo

package lxdclient

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestSnapshots(t *testing.T) {
	c := unixClient(t)
	ctx := testCtx(t)
	inst := newInstance(t, c, map[string]string{"user.v": "1"})
	snaps := inst.Snapshots()
	if snaps.Instance() != inst.Name {
		t.Fatal(snaps.Instance())
	}

	_, err := snaps.Get(ctx, "none")
	mustIs(t, err, ErrNotFound)
	s0, err := snaps.Create(ctx, "s0", false)
	must(t, err)
	roundTrips(t, s0)
	if s0.Name != "s0" || s0.Instance() != inst.Name || s0.ETag() == "" || s0.Config["user.v"] != "1" || s0.Stateful {
		t.Fatalf("snapshot %+v", s0)
	}
	_, err = snaps.Create(ctx, "s0", false)
	mustIs(t, err, ErrOperationFailed) // LXD fails the operation: the name is taken
	// No name: LXD picks one (snap0: the first free snap<N>), and Create returns that snapshot.
	auto, err := snaps.Create(ctx, "", false)
	must(t, err)
	if auto.Name != "snap0" || auto.Instance() != inst.Name || auto.ETag() == "" {
		t.Fatalf("auto-named snapshot %+v", auto)
	}
	must(t, auto.Delete(ctx))

	op, err := c.CreateSnapshot(ctx, inst.Name, "s.1-ü", false)
	must(t, err)
	must(t, op.Wait(ctx))
	names, err := snaps.ListNames(ctx)
	must(t, err)
	if !slices.Equal(names, []string{"s0", "s.1-ü"}) {
		t.Fatalf("names %q", names)
	}
	names, err = c.ListSnapshotNames(ctx, inst.Name)
	must(t, err)
	if len(names) != 2 {
		t.Fatalf("names %q", names)
	}
	list, err := snaps.List(ctx)
	must(t, err)
	if len(list) != 2 {
		t.Fatalf("%d listed", len(list))
	}
	for _, s := range list {
		roundTrips(t, s)
		if s.Instance() != inst.Name {
			t.Fatal(s.Instance())
		}
	}
	list, err = c.ListSnapshots(ctx, inst.Name)
	must(t, err)
	uni, err := c.GetSnapshot(ctx, inst.Name, "s.1-ü")
	must(t, err)
	if uni.Name != "s.1-ü" {
		t.Fatal(uni.Name)
	}

	// Save changes the expiry; a stale copy gets 412.
	stale, err := snaps.Get(ctx, "s0")
	must(t, err)
	expiry := time.Now().Add(48 * time.Hour).UTC().Truncate(time.Second)
	s0.ExpiresAt = expiry
	if !s0.Dirty() {
		t.Fatal("not dirty")
	}
	must(t, s0.Rollback())
	if !s0.ExpiresAt.IsZero() || s0.Dirty() {
		t.Fatalf("rollback: %v", s0.ExpiresAt)
	}
	s0.ExpiresAt = expiry
	must(t, s0.Save(ctx))
	if !s0.ExpiresAt.Equal(expiry) || s0.Dirty() {
		t.Fatalf("saved expiry %v, want %v", s0.ExpiresAt, expiry)
	}
	stale.ExpiresAt = expiry.Add(time.Hour)
	mustIs(t, stale.Save(ctx), ErrPreconditionFailed)
	must(t, stale.Sync(ctx))
	if !stale.ExpiresAt.Equal(expiry) {
		t.Fatalf("synced expiry %v", stale.ExpiresAt)
	}
	stale.ExpiresAt = time.Time{}
	_, err = c.UpdateSnapshot(ctx, inst.Name, "s0", stale, "\"stale-etag\"")
	mustIs(t, err, ErrPreconditionFailed)
	op, err = c.UpdateSnapshot(ctx, inst.Name, "s0", stale, stale.ETag())
	must(t, err)
	must(t, op.Wait(ctx))
	must(t, s0.Sync(ctx))
	if !s0.ExpiresAt.IsZero() {
		t.Fatalf("expiry after update %v", s0.ExpiresAt)
	}

	// Restore: the object's and the client's.
	inst.Config["user.v"] = "2"
	must(t, inst.Save(ctx))
	must(t, s0.Restore(ctx, false))
	must(t, inst.Sync(ctx))
	if inst.Config["user.v"] != "1" {
		t.Fatalf("restore left user.v=%q", inst.Config["user.v"])
	}
	op, err = c.RestoreSnapshot(ctx, inst.Name, "s.1-ü", false)
	must(t, err)
	must(t, op.Wait(ctx))
	op, err = c.RestoreSnapshot(ctx, inst.Name, "none", false)
	if err == nil {
		err = op.Wait(ctx)
	}
	mustIs(t, err, ErrOperationFailed) // LXD 5.0.2 accepts the PUT, then fails the operation
	var e *Error
	if errors.As(err, &e); e.OperationMetadata != nil || !strings.Contains(e.Message, "does not exist") {
		t.Fatalf("%#v", e)
	}

	// Rename and delete.
	must(t, s0.Rename(ctx, "s0-renamed"))
	if s0.Name != "s0-renamed" || s0.Dirty() {
		t.Fatalf("after rename %+v", s0)
	}
	op, err = c.RenameSnapshot(ctx, inst.Name, "s0-renamed", "s0")
	must(t, err)
	must(t, op.Wait(ctx))
	op, err = c.DeleteSnapshot(ctx, inst.Name, "s0")
	must(t, err)
	must(t, op.Wait(ctx))
	must(t, uni.Delete(ctx))
	names, err = snaps.ListNames(ctx)
	must(t, err)
	if len(names) != 0 {
		t.Fatalf("left %q", names)
	}
	_, err = c.DeleteSnapshot(ctx, inst.Name, "s0")
	mustIs(t, err, ErrNotFound)
	_, err = c.GetSnapshot(ctx, inst.Name, "bad name")
	mustIs(t, err, ErrInvalidArgument)
}
