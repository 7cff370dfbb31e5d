//go:build cgo

package lxdclient

/*
#include <lxdclient.h>
*/
import "C"

import "context"

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

// Start starts the instance, waits, then syncs it (Status is "Running").
func (v *Instance) Start(ctx context.Context) error {
	c, m, err := boundClient(v)
	if err != nil {
		return err
	}
	if err := c.opWait(ctx)(c.StartInstance(ctx, m.name)); err != nil {
		return err
	}
	return v.Sync(ctx)
}

// Stop stops the instance and waits: timeout is the seconds a clean shutdown may take (-1: no
// limit), force kills it at once; then it syncs the instance.
func (v *Instance) Stop(ctx context.Context, timeout int, force bool) error {
	c, m, err := boundClient(v)
	if err != nil {
		return err
	}
	if err := c.opWait(ctx)(c.StopInstance(ctx, m.name, timeout, force)); err != nil {
		return err
	}
	return v.Sync(ctx)
}

// Restart restarts the instance, waits and syncs; timeout and force as in Stop.
func (v *Instance) Restart(ctx context.Context, timeout int, force bool) error {
	c, m, err := boundClient(v)
	if err != nil {
		return err
	}
	if err := c.opWait(ctx)(c.RestartInstance(ctx, m.name, timeout, force)); err != nil {
		return err
	}
	return v.Sync(ctx)
}

// Freeze freezes (suspends) the instance, waits, then syncs it (Status is "Frozen").
func (v *Instance) Freeze(ctx context.Context) error {
	c, m, err := boundClient(v)
	if err != nil {
		return err
	}
	if err := c.opWait(ctx)(c.FreezeInstance(ctx, m.name)); err != nil {
		return err
	}
	return v.Sync(ctx)
}

// Unfreeze unfreezes (resumes) the instance, waits, then syncs it.
func (v *Instance) Unfreeze(ctx context.Context) error {
	c, m, err := boundClient(v)
	if err != nil {
		return err
	}
	if err := c.opWait(ctx)(c.UnfreezeInstance(ctx, m.name)); err != nil {
		return err
	}
	return v.Sync(ctx)
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
