//go:build cgo

package lxdclient

/*
#include <lxdclient.h>
*/
import "C"

import "context"

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

// Restore restores the instance to this snapshot and waits.
func (v *Snapshot) Restore(ctx context.Context, stateful bool) error {
	c, m, err := boundClient(v)
	if err != nil {
		return err
	}
	return c.opWait(ctx)(c.RestoreSnapshot(ctx, m.parents[0], m.name, stateful))
}
