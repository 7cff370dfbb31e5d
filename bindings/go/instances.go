//go:build cgo

package lxdclient

/*
#include <lxdclient.h>
*/
import "C"

import "context"

// ListInstanceNames lists the instances' names (GET /1.0/instances).
func (c *Client) ListInstanceNames(ctx context.Context) ([]string, error) {
	s, err := c.callString(ctx, nil, func(p *C.lxd_client, out **C.char, e **C.lxd_error) C.enum_lxd_result {
		return C.lxd_instance_list(p, 0, out, e)
	})
	if err != nil {
		return nil, err
	}
	return decodeNames(s)
}

// ListInstances lists the instances (GET /1.0/instances?recursion=1). Listed objects carry no
// ETag: their Save sends no If-Match unless you Sync them first.
func (c *Client) ListInstances(ctx context.Context) ([]*Instance, error) {
	s, err := c.callString(ctx, nil, func(p *C.lxd_client, out **C.char, e **C.lxd_error) C.enum_lxd_result {
		return C.lxd_instance_list(p, 1, out, e)
	})
	if err != nil {
		return nil, err
	}
	return loadList[Instance](c, s, instanceKey, "")
}

func instanceKey(v *Instance) string { return v.Name }

// GetInstance fetches one instance (GET /1.0/instances/<name>) with its ETag.
// Missing: ErrNotFound.
func (c *Client) GetInstance(ctx context.Context, name string) (*Instance, error) {
	var a cArgs
	n := a.str(name)
	s, etag, err := c.callStringETag(ctx, &a, func(p *C.lxd_client, out, et **C.char, e **C.lxd_error) C.enum_lxd_result {
		return C.lxd_instance_get(p, n, out, et, e)
	})
	if err != nil {
		return nil, err
	}
	return loadObject[Instance](c, []byte(s), etag, instanceKey, "")
}

// InstanceExists reports whether an instance exists (GET /1.0/instances/<name>, 404 → false).
func (c *Client) InstanceExists(ctx context.Context, name string) (bool, error) {
	var a cArgs
	n := a.str(name)
	return c.callBool(ctx, &a, func(p *C.lxd_client, out *C.bool, e **C.lxd_error) C.enum_lxd_result {
		return C.lxd_instance_exists(p, n, out, e)
	})
}

// CreateInstance starts creating an instance (POST /1.0/instances); Wait on the operation, then
// GetInstance. Name taken: ErrConflict (from the request or from the operation).
func (c *Client) CreateInstance(ctx context.Context, req InstanceCreate) (*Operation, error) {
	var a cArgs
	j := a.json(req)
	return c.callOp(ctx, &a, func(p *C.lxd_client, op **C.lxd_operation, e **C.lxd_error) C.enum_lxd_result {
		return C.lxd_instance_create(p, j, op, e)
	})
}

// UpdateInstance replaces an instance's configuration, devices, profiles, description and
// ephemeral flag with inst's (PUT /1.0/instances/<name>). A non-empty etag is sent as If-Match:
// if the instance changed since it was read, ErrPreconditionFailed.
func (c *Client) UpdateInstance(ctx context.Context, name string, inst *Instance, etag string) (*Operation, error) {
	var a cArgs
	n, j, t := a.str(name), a.json(inst), a.opt(etag)
	return c.callOp(ctx, &a, func(p *C.lxd_client, op **C.lxd_operation, e **C.lxd_error) C.enum_lxd_result {
		return C.lxd_instance_update(p, n, j, t, op, e)
	})
}

// PatchInstance merges patch (any value encoding/json turns into a JSON object, e.g.
// map[string]any{"config": map[string]string{"limits.cpu": "1"}}) into an instance
// (PATCH /1.0/instances/<name>); etag as in UpdateInstance.
func (c *Client) PatchInstance(ctx context.Context, name string, patch any, etag string) (*Operation, error) {
	var a cArgs
	n, j, t := a.str(name), a.json(patch), a.opt(etag)
	return c.callOp(ctx, &a, func(p *C.lxd_client, op **C.lxd_operation, e **C.lxd_error) C.enum_lxd_result {
		return C.lxd_instance_patch(p, n, j, t, op, e)
	})
}

// RenameInstance starts renaming a stopped instance (POST /1.0/instances/<name>).
func (c *Client) RenameInstance(ctx context.Context, name, newName string) (*Operation, error) {
	var a cArgs
	n, nn := a.str(name), a.str(newName)
	return c.callOp(ctx, &a, func(p *C.lxd_client, op **C.lxd_operation, e **C.lxd_error) C.enum_lxd_result {
		return C.lxd_instance_rename(p, n, nn, op, e)
	})
}

// DeleteInstance starts deleting a stopped instance (DELETE /1.0/instances/<name>).
func (c *Client) DeleteInstance(ctx context.Context, name string) (*Operation, error) {
	var a cArgs
	n := a.str(name)
	return c.callOp(ctx, &a, func(p *C.lxd_client, op **C.lxd_operation, e **C.lxd_error) C.enum_lxd_result {
		return C.lxd_instance_delete(p, n, op, e)
	})
}

// GetInstanceState fetches an instance's runtime state: status, PID, processes, memory, network,
// disk (GET /1.0/instances/<name>/state).
func (c *Client) GetInstanceState(ctx context.Context, name string) (*InstanceState, error) {
	var a cArgs
	n := a.str(name)
	s, err := c.callString(ctx, &a, func(p *C.lxd_client, out **C.char, e **C.lxd_error) C.enum_lxd_result {
		return C.lxd_instance_state(p, n, out, e)
	})
	if err != nil {
		return nil, err
	}
	var st InstanceState
	if err := decodeReply(s, &st); err != nil {
		return nil, err
	}
	return &st, nil
}

// SetInstanceState starts a state change (PUT /1.0/instances/<name>/state): start, stop,
// restart, freeze or unfreeze, with a timeout in seconds for a clean stop (-1: no limit), force
// and stateful.
func (c *Client) SetInstanceState(ctx context.Context, name string, req InstanceStatePut) (*Operation, error) {
	var a cArgs
	n, act := a.str(name), a.str(req.Action)
	return c.callOp(ctx, &a, func(p *C.lxd_client, op **C.lxd_operation, e **C.lxd_error) C.enum_lxd_result {
		return C.lxd_instance_set_state(p, n, act, C.int32_t(req.Timeout), C.bool(req.Force), C.bool(req.Stateful), op, e)
	})
}

// StartInstance starts starting an instance. Already running: the operation fails (ErrAPI from
// LXD's refusal).
func (c *Client) StartInstance(ctx context.Context, name string) (*Operation, error) {
	var a cArgs
	n := a.str(name)
	return c.callOp(ctx, &a, func(p *C.lxd_client, op **C.lxd_operation, e **C.lxd_error) C.enum_lxd_result {
		return C.lxd_instance_start(p, n, op, e)
	})
}

// StopInstance starts stopping an instance: timeout is the seconds a clean shutdown may take
// (-1: no limit), force kills it at once.
func (c *Client) StopInstance(ctx context.Context, name string, timeout int, force bool) (*Operation, error) {
	var a cArgs
	n := a.str(name)
	return c.callOp(ctx, &a, func(p *C.lxd_client, op **C.lxd_operation, e **C.lxd_error) C.enum_lxd_result {
		return C.lxd_instance_stop(p, n, C.int32_t(timeout), C.bool(force), op, e)
	})
}

// RestartInstance starts restarting an instance; timeout and force as in StopInstance.
func (c *Client) RestartInstance(ctx context.Context, name string, timeout int, force bool) (*Operation, error) {
	var a cArgs
	n := a.str(name)
	return c.callOp(ctx, &a, func(p *C.lxd_client, op **C.lxd_operation, e **C.lxd_error) C.enum_lxd_result {
		return C.lxd_instance_restart(p, n, C.int32_t(timeout), C.bool(force), op, e)
	})
}

// FreezeInstance starts freezing (suspending) a running instance.
func (c *Client) FreezeInstance(ctx context.Context, name string) (*Operation, error) {
	var a cArgs
	n := a.str(name)
	return c.callOp(ctx, &a, func(p *C.lxd_client, op **C.lxd_operation, e **C.lxd_error) C.enum_lxd_result {
		return C.lxd_instance_freeze(p, n, op, e)
	})
}

// UnfreezeInstance starts unfreezing (resuming) a frozen instance.
func (c *Client) UnfreezeInstance(ctx context.Context, name string) (*Operation, error) {
	var a cArgs
	n := a.str(name)
	return c.callOp(ctx, &a, func(p *C.lxd_client, op **C.lxd_operation, e **C.lxd_error) C.enum_lxd_result {
		return C.lxd_instance_unfreeze(p, n, op, e)
	})
}

// ETag is the ETag the instance was read with ("" for listed instances).
func (v *Instance) ETag() string { return v.meta.etag }

// Dirty reports whether the instance was changed since it was read (or last synced or saved).
func (v *Instance) Dirty() bool { return isDirty(v) }

// Rollback discards local changes: the instance is again what the server sent.
func (v *Instance) Rollback() error { return rollback(v) }

// Sync fetches the instance again, discarding local changes.
func (v *Instance) Sync(ctx context.Context) error {
	c, m, err := boundClient(v)
	if err != nil {
		return err
	}
	fresh, err := c.GetInstance(ctx, m.name)
	if err != nil {
		return err
	}
	replace(v, fresh)
	return nil
}

// Save writes the instance back (PUT with the ETag it was read with: if it changed on the server
// meanwhile, ErrPreconditionFailed and nothing is overwritten), waits for the update, then
// syncs it.
func (v *Instance) Save(ctx context.Context) error {
	c, m, err := boundClient(v)
	if err != nil {
		return err
	}
	op, err := c.UpdateInstance(ctx, m.name, v, m.etag)
	if err != nil {
		return err
	}
	if err := op.wait(ctx); err != nil {
		return err
	}
	return v.Sync(ctx)
}

// Rename renames the (stopped) instance, waits, then syncs it.
func (v *Instance) Rename(ctx context.Context, newName string) error {
	c, m, err := boundClient(v)
	if err != nil {
		return err
	}
	if err := c.opWait(ctx)(c.RenameInstance(ctx, m.name, newName)); err != nil {
		return err
	}
	m.name = newName
	return v.Sync(ctx)
}

// Delete deletes the (stopped) instance and waits.
func (v *Instance) Delete(ctx context.Context) error {
	c, m, err := boundClient(v)
	if err != nil {
		return err
	}
	return c.opWait(ctx)(c.DeleteInstance(ctx, m.name))
}

// Start starts the instance and waits. The object is not synced: call Sync to see the new status.
func (v *Instance) Start(ctx context.Context) error {
	c, m, err := boundClient(v)
	if err != nil {
		return err
	}
	return c.opWait(ctx)(c.StartInstance(ctx, m.name))
}

// Stop stops the instance and waits: timeout is the seconds a clean shutdown may take (-1: no
// limit), force kills it at once.
func (v *Instance) Stop(ctx context.Context, timeout int, force bool) error {
	c, m, err := boundClient(v)
	if err != nil {
		return err
	}
	return c.opWait(ctx)(c.StopInstance(ctx, m.name, timeout, force))
}

// Restart restarts the instance and waits; timeout and force as in Stop.
func (v *Instance) Restart(ctx context.Context, timeout int, force bool) error {
	c, m, err := boundClient(v)
	if err != nil {
		return err
	}
	return c.opWait(ctx)(c.RestartInstance(ctx, m.name, timeout, force))
}

// Freeze freezes (suspends) the instance and waits.
func (v *Instance) Freeze(ctx context.Context) error {
	c, m, err := boundClient(v)
	if err != nil {
		return err
	}
	return c.opWait(ctx)(c.FreezeInstance(ctx, m.name))
}

// Unfreeze unfreezes (resumes) the instance and waits.
func (v *Instance) Unfreeze(ctx context.Context) error {
	c, m, err := boundClient(v)
	if err != nil {
		return err
	}
	return c.opWait(ctx)(c.UnfreezeInstance(ctx, m.name))
}

// State fetches the instance's runtime state.
func (v *Instance) State(ctx context.Context) (*InstanceState, error) {
	c, m, err := boundClient(v)
	if err != nil {
		return nil, err
	}
	return c.GetInstanceState(ctx, m.name)
}

// Snapshots is the instance's snapshot manager.
func (v *Instance) Snapshots() *InstanceSnapshots {
	return &InstanceSnapshots{client: v.meta.client, instance: v.meta.name}
}

// opWait returns a function that waits for (and closes) the operation a call returned.
func (c *Client) opWait(ctx context.Context) func(*Operation, error) error {
	return func(op *Operation, err error) error {
		if err != nil {
			return err
		}
		return op.wait(ctx)
	}
}
