//go:build cgo

package lxdclient

/*
#include <lxdclient.h>
*/
import "C"

import (
	"context"
	"slices"
	"time"
)

// CreateSnapshot starts snapshotting an instance as name ("": LXD picks snap0, snap1 ...)
// (POST /1.0/instances/<instance>/snapshots); stateful also saves its running state (needs
// CRIU).
func (c *Client) CreateSnapshot(ctx context.Context, instance, name string, stateful bool) (*Operation, error) {
	var a cArgs
	i, n := a.str(instance), a.opt(name)
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

// Create snapshots the instance as name ("": LXD picks snap0, snap1 ...), waits, and returns
// the new snapshot; stateful also saves its running state (needs CRIU).
func (s *InstanceSnapshots) Create(ctx context.Context, name string, stateful bool) (*Snapshot, error) {
	if err := s.check(); err != nil {
		return nil, err
	}
	var before []string
	if name == "" {
		// LXD 5.0.2's operation does not name the snapshot it made: compare before and after.
		var err error
		if before, err = s.client.ListSnapshotNames(ctx, s.instance); err != nil {
			return nil, err
		}
	}
	if err := s.client.opWait(ctx)(s.client.CreateSnapshot(ctx, s.instance, name, stateful)); err != nil {
		return nil, err
	}
	if name != "" {
		return s.client.GetSnapshot(ctx, s.instance, name)
	}
	all, err := s.client.ListSnapshots(ctx, s.instance)
	if err != nil {
		return nil, err
	}
	var made *Snapshot // the newest of those that were not there before
	for _, snap := range all {
		if !slices.Contains(before, snap.Name) && (made == nil || snap.CreatedAt.After(made.CreatedAt)) {
			made = snap
		}
	}
	if made == nil {
		return nil, &Error{Code: CodeProtocol, Message: "LXD made no new snapshot of " + s.instance}
	}
	return made, made.Sync(ctx) // listed objects carry no ETag
}

// Restore restores the instance to this snapshot and waits.
func (v *Snapshot) Restore(ctx context.Context, stateful bool) error {
	c, m, err := boundClient(v)
	if err != nil {
		return err
	}
	return c.opWait(ctx)(c.RestoreSnapshot(ctx, m.parents[0], m.name, stateful))
}

// Snapshot is an instance snapshot (GET /1.0/instances/<instance>/snapshots/<name>).
type Snapshot struct {
	// Name is the snapshot's own name (without the instance's); change it with Rename.
	Name         string                       `json:"name"`
	Architecture string                       `json:"architecture"`
	Config       map[string]string            `json:"config"`
	Devices      map[string]map[string]string `json:"devices"`
	Ephemeral    bool                         `json:"ephemeral"`
	Profiles     []string                     `json:"profiles"`
	// Stateful is true when the snapshot holds runtime state.
	Stateful   bool      `json:"stateful"`
	CreatedAt  time.Time `json:"created_at"`
	LastUsedAt time.Time `json:"last_used_at"`
	// ExpiresAt is when LXD deletes the snapshot (zero: never). The only field Save changes.
	ExpiresAt time.Time `json:"expires_at"`
	// Size in bytes (-1 when unknown).
	Size            int64                        `json:"size"`
	ExpandedConfig  map[string]string            `json:"expanded_config"`
	ExpandedDevices map[string]map[string]string `json:"expanded_devices"`
	// Extra holds members this version has no field for.
	Extra Extra `json:"-"`

	meta objectMeta
}
