//go:build cgo

package lxdclient

/*
#include <lxdclient.h>
*/
import "C"

import "context"

// ListSnapshotNames lists an instance's snapshots' names
// (GET /1.0/instances/<instance>/snapshots).
func (c *Client) ListSnapshotNames(ctx context.Context, instance string) ([]string, error) {
	var a cArgs
	i := a.str(instance)
	s, err := c.callString(ctx, &a, func(p *C.lxd_client, out **C.char, e **C.lxd_error) C.enum_lxd_result {
		return C.lxd_snapshot_list(p, i, 0, out, e)
	})
	if err != nil {
		return nil, err
	}
	return decodeNames(s)
}

// ListSnapshots lists an instance's snapshots
// (GET /1.0/instances/<instance>/snapshots?recursion=1). Listed objects carry no ETag.
func (c *Client) ListSnapshots(ctx context.Context, instance string) ([]*Snapshot, error) {
	var a cArgs
	i := a.str(instance)
	s, err := c.callString(ctx, &a, func(p *C.lxd_client, out **C.char, e **C.lxd_error) C.enum_lxd_result {
		return C.lxd_snapshot_list(p, i, 1, out, e)
	})
	if err != nil {
		return nil, err
	}
	return loadList[Snapshot](c, s, snapshotKey, instance)
}

func snapshotKey(v *Snapshot) string { return v.Name }

// GetSnapshot fetches one snapshot (GET /1.0/instances/<instance>/snapshots/<name>) with its
// ETag. Missing: ErrNotFound.
func (c *Client) GetSnapshot(ctx context.Context, instance, name string) (*Snapshot, error) {
	var a cArgs
	i, n := a.str(instance), a.str(name)
	s, etag, err := c.callStringETag(ctx, &a, func(p *C.lxd_client, out, et **C.char, e **C.lxd_error) C.enum_lxd_result {
		return C.lxd_snapshot_get(p, i, n, out, et, e)
	})
	if err != nil {
		return nil, err
	}
	return loadObject[Snapshot](c, []byte(s), etag, func(*Snapshot) string { return name }, instance)
}

// CreateSnapshot starts snapshotting an instance as name
// (POST /1.0/instances/<instance>/snapshots); stateful also saves its running state (needs
// CRIU).
func (c *Client) CreateSnapshot(ctx context.Context, instance, name string, stateful bool) (*Operation, error) {
	var a cArgs
	i, n := a.str(instance), a.str(name)
	return c.callOp(ctx, &a, func(p *C.lxd_client, op **C.lxd_operation, e **C.lxd_error) C.enum_lxd_result {
		return C.lxd_snapshot_create(p, i, n, C.bool(stateful), op, e)
	})
}

// UpdateSnapshot replaces a snapshot's expiry with snap's
// (PUT /1.0/instances/<instance>/snapshots/<name>). A non-empty etag is sent as If-Match: if the
// snapshot changed since it was read, ErrPreconditionFailed.
func (c *Client) UpdateSnapshot(ctx context.Context, instance, name string, snap *Snapshot, etag string) (*Operation, error) {
	var a cArgs
	i, n, j, t := a.str(instance), a.str(name), a.json(snap), a.opt(etag)
	return c.callOp(ctx, &a, func(p *C.lxd_client, op **C.lxd_operation, e **C.lxd_error) C.enum_lxd_result {
		return C.lxd_snapshot_update(p, i, n, j, t, op, e)
	})
}

// RenameSnapshot starts renaming a snapshot (POST /1.0/instances/<instance>/snapshots/<name>).
func (c *Client) RenameSnapshot(ctx context.Context, instance, name, newName string) (*Operation, error) {
	var a cArgs
	i, n, nn := a.str(instance), a.str(name), a.str(newName)
	return c.callOp(ctx, &a, func(p *C.lxd_client, op **C.lxd_operation, e **C.lxd_error) C.enum_lxd_result {
		return C.lxd_snapshot_rename(p, i, n, nn, op, e)
	})
}

// DeleteSnapshot starts deleting a snapshot (DELETE /1.0/instances/<instance>/snapshots/<name>).
func (c *Client) DeleteSnapshot(ctx context.Context, instance, name string) (*Operation, error) {
	var a cArgs
	i, n := a.str(instance), a.str(name)
	return c.callOp(ctx, &a, func(p *C.lxd_client, op **C.lxd_operation, e **C.lxd_error) C.enum_lxd_result {
		return C.lxd_snapshot_delete(p, i, n, op, e)
	})
}

// RestoreSnapshot starts restoring an instance to one of its snapshots
// (PUT /1.0/instances/<instance> with {"restore": name}).
func (c *Client) RestoreSnapshot(ctx context.Context, instance, name string, stateful bool) (*Operation, error) {
	var a cArgs
	i, n := a.str(instance), a.str(name)
	return c.callOp(ctx, &a, func(p *C.lxd_client, op **C.lxd_operation, e **C.lxd_error) C.enum_lxd_result {
		return C.lxd_snapshot_restore(p, i, n, C.bool(stateful), op, e)
	})
}

// InstanceSnapshots manages one instance's snapshots (Instance.Snapshots).
type InstanceSnapshots struct {
	client   *Client
	instance string
}

func (s *InstanceSnapshots) check() error {
	if s == nil || s.client == nil {
		return invalidArgument("the instance was not read from a server (use Client.GetInstance)")
	}
	return nil
}

// Instance is the name of the instance whose snapshots these are.
func (s *InstanceSnapshots) Instance() string { return s.instance }

// ListNames lists the snapshots' names.
func (s *InstanceSnapshots) ListNames(ctx context.Context) ([]string, error) {
	if err := s.check(); err != nil {
		return nil, err
	}
	return s.client.ListSnapshotNames(ctx, s.instance)
}

// List lists the snapshots.
func (s *InstanceSnapshots) List(ctx context.Context) ([]*Snapshot, error) {
	if err := s.check(); err != nil {
		return nil, err
	}
	return s.client.ListSnapshots(ctx, s.instance)
}

// Get fetches one snapshot by its name. Missing: ErrNotFound.
func (s *InstanceSnapshots) Get(ctx context.Context, name string) (*Snapshot, error) {
	if err := s.check(); err != nil {
		return nil, err
	}
	return s.client.GetSnapshot(ctx, s.instance, name)
}

// Create snapshots the instance as name, waits, and returns the new snapshot; stateful also
// saves its running state (needs CRIU).
func (s *InstanceSnapshots) Create(ctx context.Context, name string, stateful bool) (*Snapshot, error) {
	if err := s.check(); err != nil {
		return nil, err
	}
	if err := s.client.opWait(ctx)(s.client.CreateSnapshot(ctx, s.instance, name, stateful)); err != nil {
		return nil, err
	}
	return s.client.GetSnapshot(ctx, s.instance, name)
}

// Instance is the name of the instance the snapshot belongs to.
func (v *Snapshot) Instance() string { return v.meta.parent }

// ETag is the ETag the snapshot was read with ("" for listed snapshots).
func (v *Snapshot) ETag() string { return v.meta.etag }

// Dirty reports whether the snapshot was changed since it was read (or last synced or saved).
func (v *Snapshot) Dirty() bool { return isDirty(v) }

// Rollback discards local changes: the snapshot is again what the server sent.
func (v *Snapshot) Rollback() error { return rollback(v) }

// Sync fetches the snapshot again, discarding local changes.
func (v *Snapshot) Sync(ctx context.Context) error {
	c, m, err := boundClient(v)
	if err != nil {
		return err
	}
	fresh, err := c.GetSnapshot(ctx, m.parent, m.name)
	if err != nil {
		return err
	}
	replace(v, fresh)
	return nil
}

// Save writes the snapshot's expiry back (PUT with the ETag it was read with: if it changed on
// the server meanwhile, ErrPreconditionFailed), waits, then syncs it.
func (v *Snapshot) Save(ctx context.Context) error {
	c, m, err := boundClient(v)
	if err != nil {
		return err
	}
	if err := c.opWait(ctx)(c.UpdateSnapshot(ctx, m.parent, m.name, v, m.etag)); err != nil {
		return err
	}
	return v.Sync(ctx)
}

// Rename renames the snapshot, waits, then syncs it.
func (v *Snapshot) Rename(ctx context.Context, newName string) error {
	c, m, err := boundClient(v)
	if err != nil {
		return err
	}
	if err := c.opWait(ctx)(c.RenameSnapshot(ctx, m.parent, m.name, newName)); err != nil {
		return err
	}
	m.name = newName
	return v.Sync(ctx)
}

// Delete deletes the snapshot and waits.
func (v *Snapshot) Delete(ctx context.Context) error {
	c, m, err := boundClient(v)
	if err != nil {
		return err
	}
	return c.opWait(ctx)(c.DeleteSnapshot(ctx, m.parent, m.name))
}

// Restore restores the instance to this snapshot and waits.
func (v *Snapshot) Restore(ctx context.Context, stateful bool) error {
	c, m, err := boundClient(v)
	if err != nil {
		return err
	}
	return c.opWait(ctx)(c.RestoreSnapshot(ctx, m.parent, m.name, stateful))
}
