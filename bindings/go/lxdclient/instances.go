//go:build cgo

package lxdclient

/*
#include <lxdclient.h>
*/
import "C"

import (
	"context"
	"encoding/json"
	"time"
)

// GetInstanceState fetches an instance's runtime state: status, PID, processes, memory, network,
// disk (GET /1.0/instances/<name>/state).
func (c *Client) GetInstanceState(ctx context.Context, name string) (*InstanceState, error) {
	var a cArgs
	n := a.str(name)
	s, err := c.callString(ctx, &a, func(p *C.lxd_client, out **C.char, e **C.lxd_error) C.enum_lxd_result {
		return C.lxd_instance_state(p, n, out, e)
	})
	return decodeAs[*InstanceState](s, err)
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

// InstanceImageOptions are the optional fields of CreateInstanceFromImage.
type InstanceImageOptions struct {
	Profiles    []string                     `json:"profiles,omitempty"`
	Config      map[string]string            `json:"config,omitempty"`
	Devices     map[string]map[string]string `json:"devices,omitempty"`
	Ephemeral   bool                         `json:"ephemeral,omitempty"`
	Description string                       `json:"description,omitempty"`
}

// CreateInstanceFromImage starts creating an instance from a local image (POST /1.0/instances):
// instanceType is "container", "virtual-machine" or "" (container); image is a local alias, or
// "fingerprint:<hex>" (a unique prefix will do). opts may be nil. The client's target picks the
// cluster member. Wait on the operation.
func (c *Client) CreateInstanceFromImage(ctx context.Context, name, instanceType, image string, opts *InstanceImageOptions) (*Operation, error) {
	var a cArgs
	n, ty, im := a.str(name), a.opt(instanceType), a.str(image)
	var o *C.char
	if opts != nil {
		o = a.json(opts)
	}
	return c.callOp(ctx, &a, func(p *C.lxd_client, op **C.lxd_operation, e **C.lxd_error) C.enum_lxd_result {
		return C.lxd_instance_create_from_image(p, n, ty, im, o, op, e)
	})
}

// InstanceFull is an instance with its state, snapshots and backups (recursion=1 on one
// instance, recursion=2 on the list).
type InstanceFull struct {
	// Instance is the instance itself, a lifecycle object (bound to the client; from
	// GetInstanceFull it carries the ETag).
	Instance  *Instance
	State     *InstanceState
	Snapshots []*Snapshot
	Backups   []*InstanceBackup
}

// loadInstanceFull splits LXD's full instance object into its parts.
func loadInstanceFull(c *Client, text []byte, etag string) (*InstanceFull, error) {
	var m map[string]json.RawMessage
	if err := decodeReply(string(text), &m); err != nil {
		return nil, err
	}
	f := &InstanceFull{}
	if raw, ok := m["state"]; ok {
		if err := decodeReply(string(raw), &f.State); err != nil {
			return nil, err
		}
	}
	var name string
	_ = json.Unmarshal(m["name"], &name)
	if raw, ok := m["snapshots"]; ok && string(raw) != "null" {
		snaps, err := loadList[Snapshot](c, string(raw), keySnapshot, name)
		if err != nil {
			return nil, err
		}
		f.Snapshots = snaps
	}
	if raw, ok := m["backups"]; ok {
		if err := decodeReply(string(raw), &f.Backups); err != nil {
			return nil, err
		}
	}
	delete(m, "state")
	delete(m, "snapshots")
	delete(m, "backups")
	rest, err := json.Marshal(m)
	if err != nil {
		return nil, &Error{Code: CodeProtocol, Message: err.Error()}
	}
	if f.Instance, err = loadObject[Instance](c, rest, etag, keyInstance); err != nil {
		return nil, err
	}
	return f, nil
}

// GetInstanceFull fetches an instance with its state, snapshots and backups
// (GET /1.0/instances/<name>?recursion=1). Missing: ErrNotFound.
func (c *Client) GetInstanceFull(ctx context.Context, name string) (*InstanceFull, error) {
	var a cArgs
	n := a.str(name)
	s, etag, err := c.callStringETag(ctx, &a, func(p *C.lxd_client, out, et **C.char, e **C.lxd_error) C.enum_lxd_result {
		return C.lxd_instance_get_full(p, n, out, et, e)
	})
	if err != nil {
		return nil, err
	}
	return loadInstanceFull(c, []byte(s), etag)
}

// InstanceFilter selects instances in the filtered listings.
type InstanceFilter struct {
	// Type is "container", "virtual-machine" or "" (both).
	Type string
	// Filter is LXD's collection filter ("status eq Running"), "" for none.
	Filter string
	// AllProjects lists every project's instances instead of the client's project's.
	AllProjects bool
}

func (c *Client) listInstancesFiltered(ctx context.Context, recursion int32, f InstanceFilter) (string, error) {
	var a cArgs
	ty, fl := a.opt(f.Type), a.opt(f.Filter)
	return c.callString(ctx, &a, func(p *C.lxd_client, out **C.char, e **C.lxd_error) C.enum_lxd_result {
		return C.lxd_instance_list_filtered(p, C.int32_t(recursion), ty, fl, C.bool(f.AllProjects), out, e)
	})
}

// ListInstanceNamesFiltered lists the names of the instances f selects.
func (c *Client) ListInstanceNamesFiltered(ctx context.Context, f InstanceFilter) ([]string, error) {
	s, err := c.listInstancesFiltered(ctx, 0, f)
	if err != nil {
		return nil, err
	}
	return decodeNames(s)
}

// ListInstancesFiltered lists the instances f selects (recursion=1).
func (c *Client) ListInstancesFiltered(ctx context.Context, f InstanceFilter) ([]*Instance, error) {
	s, err := c.listInstancesFiltered(ctx, 1, f)
	if err != nil {
		return nil, err
	}
	return loadList[Instance](c, s, keyInstance)
}

// ListInstancesFull lists the instances f selects with their state, snapshots and backups
// (recursion=2).
func (c *Client) ListInstancesFull(ctx context.Context, f InstanceFilter) ([]*InstanceFull, error) {
	s, err := c.listInstancesFiltered(ctx, 2, f)
	if err != nil {
		return nil, err
	}
	var raws []json.RawMessage
	if err := decodeReply(s, &raws); err != nil {
		return nil, err
	}
	out := make([]*InstanceFull, 0, len(raws))
	for _, raw := range raws {
		v, err := loadInstanceFull(c, raw, "")
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, nil
}

// SetAllInstancesState changes the state of every instance of the client's project at once
// (PUT /1.0/instances): action is "start", "stop", "restart", "freeze" or "unfreeze"; timeout
// in seconds (-1: LXD's default). It waits until done.
func (c *Client) SetAllInstancesState(ctx context.Context, action string, timeout int, force, stateful bool) (*Operation, error) {
	var a cArgs
	ac := a.str(action)
	return c.callOp(ctx, &a, func(p *C.lxd_client, op **C.lxd_operation, e **C.lxd_error) C.enum_lxd_result {
		return C.lxd_instance_set_state_all(p, ac, C.int32_t(timeout), C.bool(force), C.bool(stateful), op, e)
	})
}

// InstanceConsoleLog is a container's console log as text (invalid UTF-8 becomes U+FFFD); an
// empty buffer gives "". VMs: ErrAPI.
func (c *Client) InstanceConsoleLog(ctx context.Context, name string) (string, error) {
	var a cArgs
	n := a.str(name)
	return c.callString(ctx, &a, func(p *C.lxd_client, out **C.char, e **C.lxd_error) C.enum_lxd_result {
		return C.lxd_instance_console_log(p, n, out, e)
	})
}

// ClearInstanceConsoleLog empties a container's console log (DELETE .../console).
func (c *Client) ClearInstanceConsoleLog(ctx context.Context, name string) error {
	var a cArgs
	n := a.str(name)
	return c.callErr(ctx, &a, func(p *C.lxd_client, e **C.lxd_error) C.enum_lxd_result {
		return C.lxd_instance_console_log_clear(p, n, e)
	})
}

// CreateInstanceConsole opens a console session (POST /1.0/instances/<name>/console): kind is
// "console" (text) or "vga" (VMs); width and height 0 are LXD's defaults. The returned
// websocket operation's metadata "fds" holds the secrets of the data ("0") and control
// websockets, which LXD waits for. LXD 5.0.2 cannot cancel it: an operation nobody connects to
// stays until the daemon is killed (and holds up its shutdown). To use a text console, call
// AttachConsole, which makes this request and connects.
func (c *Client) CreateInstanceConsole(ctx context.Context, name string, width, height uint32, kind string) (*Operation, error) {
	var a cArgs
	n, k := a.str(name), a.str(kind)
	return c.callOp(ctx, &a, func(p *C.lxd_client, op **C.lxd_operation, e **C.lxd_error) C.enum_lxd_result {
		return C.lxd_instance_console_create(p, n, C.uint32_t(width), C.uint32_t(height), k, op, e)
	})
}

// ListInstanceLogs lists an instance's log files ("lxc.log", "lxc.conf", ...).
func (c *Client) ListInstanceLogs(ctx context.Context, name string) ([]string, error) {
	var a cArgs
	n := a.str(name)
	s, err := c.callString(ctx, &a, func(p *C.lxd_client, out **C.char, e **C.lxd_error) C.enum_lxd_result {
		return C.lxd_instance_log_list(p, n, out, e)
	})
	if err != nil {
		return nil, err
	}
	return decodeNames(s)
}

// GetInstanceLog returns one log file of an instance as text. A file name with a path
// ("../x") is ErrInvalidArgument.
func (c *Client) GetInstanceLog(ctx context.Context, name, file string) (string, error) {
	var a cArgs
	n, f := a.str(name), a.str(file)
	return c.callString(ctx, &a, func(p *C.lxd_client, out **C.char, e **C.lxd_error) C.enum_lxd_result {
		return C.lxd_instance_log_get(p, n, f, out, e)
	})
}

// DeleteInstanceLog deletes a log file of an instance; LXD refuses those it writes itself
// (ErrAPI).
func (c *Client) DeleteInstanceLog(ctx context.Context, name, file string) error {
	var a cArgs
	n, f := a.str(name), a.str(file)
	return c.callErr(ctx, &a, func(p *C.lxd_client, e **C.lxd_error) C.enum_lxd_result {
		return C.lxd_instance_log_delete(p, n, f, e)
	})
}

// GetInstanceMetadata fetches an instance's image metadata and its ETag.
func (c *Client) GetInstanceMetadata(ctx context.Context, name string) (*ImageMetadata, string, error) {
	var a cArgs
	n := a.str(name)
	s, etag, err := c.callStringETag(ctx, &a, func(p *C.lxd_client, out, et **C.char, e **C.lxd_error) C.enum_lxd_result {
		return C.lxd_instance_metadata_get(p, n, out, et, e)
	})
	v, err := decodeAs[*ImageMetadata](s, err)
	return v, etag, err
}

// UpdateInstanceMetadata replaces an instance's image metadata (PUT); etag ("": none) is sent as
// If-Match, which LXD 5.0.2 checks on PATCH (ErrPreconditionFailed) but not on PUT.
func (c *Client) UpdateInstanceMetadata(ctx context.Context, name string, md ImageMetadata, etag string) error {
	var a cArgs
	n, j, et := a.str(name), a.json(md), a.opt(etag)
	return c.callErr(ctx, &a, func(p *C.lxd_client, e **C.lxd_error) C.enum_lxd_result {
		return C.lxd_instance_metadata_update(p, n, j, et, e)
	})
}

// PatchInstanceMetadata merges patch into an instance's image metadata (PATCH); etag as in
// UpdateInstanceMetadata.
func (c *Client) PatchInstanceMetadata(ctx context.Context, name string, patch any, etag string) error {
	var a cArgs
	n, j, et := a.str(name), a.json(patch), a.opt(etag)
	return c.callErr(ctx, &a, func(p *C.lxd_client, e **C.lxd_error) C.enum_lxd_result {
		return C.lxd_instance_metadata_patch(p, n, j, et, e)
	})
}

// ListInstanceTemplates lists an instance's template files.
func (c *Client) ListInstanceTemplates(ctx context.Context, name string) ([]string, error) {
	var a cArgs
	n := a.str(name)
	s, err := c.callString(ctx, &a, func(p *C.lxd_client, out **C.char, e **C.lxd_error) C.enum_lxd_result {
		return C.lxd_instance_template_list(p, n, out, e)
	})
	if err != nil {
		return nil, err
	}
	return decodeNames(s)
}

// GetInstanceTemplate returns a template file's content. Missing: ErrNotFound.
func (c *Client) GetInstanceTemplate(ctx context.Context, name, template string) (string, error) {
	var a cArgs
	n, t := a.str(name), a.str(template)
	return c.callString(ctx, &a, func(p *C.lxd_client, out **C.char, e **C.lxd_error) C.enum_lxd_result {
		return C.lxd_instance_template_get(p, n, t, out, e)
	})
}

// PutInstanceTemplate creates or replaces a template file (a plain file name, "hostname.tpl");
// reference it from the metadata's Templates for LXD to render it.
func (c *Client) PutInstanceTemplate(ctx context.Context, name, template, content string) error {
	var a cArgs
	n, t, ct := a.str(name), a.str(template), a.str(content)
	return c.callErr(ctx, &a, func(p *C.lxd_client, e **C.lxd_error) C.enum_lxd_result {
		return C.lxd_instance_template_put(p, n, t, ct, e)
	})
}

// DeleteInstanceTemplate deletes a template file.
func (c *Client) DeleteInstanceTemplate(ctx context.Context, name, template string) error {
	var a cArgs
	n, t := a.str(name), a.str(template)
	return c.callErr(ctx, &a, func(p *C.lxd_client, e **C.lxd_error) C.enum_lxd_result {
		return C.lxd_instance_template_delete(p, n, t, e)
	})
}

// Instance is a container or virtual machine (GET /1.0/instances/<name>). Change its fields and
// Save it; see the package documentation for the object lifecycle.
type Instance struct {
	// Name is the key; change it with Rename, not Save.
	Name         string `json:"name"`
	Description  string `json:"description"`
	Architecture string `json:"architecture"`
	// Config is the instance's own configuration (without its profiles').
	Config map[string]string `json:"config"`
	// Devices are the instance's own devices: name → settings.
	Devices   map[string]map[string]string `json:"devices"`
	Ephemeral bool                         `json:"ephemeral"`
	// Profiles are applied in this order.
	Profiles []string `json:"profiles"`
	// Stateful is true when the instance's last snapshot holds runtime state.
	Stateful   bool       `json:"stateful"`
	Status     string     `json:"status"`
	StatusCode StatusCode `json:"status_code"`
	CreatedAt  time.Time  `json:"created_at"`
	LastUsedAt time.Time  `json:"last_used_at"`
	// Location is the cluster member it is on.
	Location string `json:"location"`
	// Type is "container" or "virtual-machine".
	Type    string `json:"type"`
	Project string `json:"project"`
	// ExpandedConfig is the configuration with the profiles applied (read-only).
	ExpandedConfig map[string]string `json:"expanded_config"`
	// ExpandedDevices are the devices with the profiles applied (read-only).
	ExpandedDevices map[string]map[string]string `json:"expanded_devices"`
	// Extra holds members this version has no field for.
	Extra Extra `json:"-"`

	meta objectMeta
}

// InstanceCreate is the request to create an instance (POST /1.0/instances).
type InstanceCreate struct {
	Name string `json:"name"`
	// Type is "container" (the default) or "virtual-machine".
	Type string `json:"type,omitempty"`
	// Source says where the root filesystem comes from (an image, a copy, nothing).
	Source       InstanceSource               `json:"source"`
	Description  string                       `json:"description,omitempty"`
	Architecture string                       `json:"architecture,omitempty"`
	Config       map[string]string            `json:"config,omitempty"`
	Devices      map[string]map[string]string `json:"devices,omitempty"`
	Ephemeral    bool                         `json:"ephemeral,omitempty"`
	// Profiles: nil means the default profile; an empty non-nil list means none.
	Profiles     []string `json:"profiles"`
	InstanceType string   `json:"instance_type,omitempty"`
	Stateful     bool     `json:"stateful,omitempty"`
	// Extra holds members to send that this version has no field for.
	Extra Extra `json:"-"`
}

// InstanceSource is the source of a new instance: {Type: "image", Alias: "busybox"},
// {Type: "image", Fingerprint: ...}, {Type: "copy", Source: "other"}, {Type: "none"}, ...
type InstanceSource struct {
	Type              string            `json:"type"`
	Alias             string            `json:"alias,omitempty"`
	Fingerprint       string            `json:"fingerprint,omitempty"`
	Properties        map[string]string `json:"properties,omitempty"`
	Server            string            `json:"server,omitempty"`
	Protocol          string            `json:"protocol,omitempty"`
	Certificate       string            `json:"certificate,omitempty"`
	Secret            string            `json:"secret,omitempty"`
	Secrets           map[string]string `json:"secrets,omitempty"`
	Mode              string            `json:"mode,omitempty"`
	Operation         string            `json:"operation,omitempty"`
	Project           string            `json:"project,omitempty"`
	Source            string            `json:"source,omitempty"`
	BaseImage         string            `json:"base-image,omitempty"`
	Live              bool              `json:"live,omitempty"`
	InstanceOnly      bool              `json:"instance_only,omitempty"`
	ContainerOnly     bool              `json:"container_only,omitempty"`
	Refresh           bool              `json:"refresh,omitempty"`
	AllowInconsistent bool              `json:"allow_inconsistent,omitempty"`
	// Extra holds members to send that this version has no field for.
	Extra Extra `json:"-"`
}

// InstanceStatePut is a state change (PUT /1.0/instances/<name>/state).
type InstanceStatePut struct {
	// Action is "start", "stop", "restart", "freeze" or "unfreeze".
	Action string `json:"action"`
	// Timeout is the seconds a clean stop may take (-1: no limit).
	Timeout int `json:"timeout"`
	// Force kills the instance instead of asking it to stop.
	Force bool `json:"force"`
	// Stateful saves (stop) or restores (start) the runtime state.
	Stateful bool `json:"stateful"`
}

// InstanceState is an instance's runtime state (GET /1.0/instances/<name>/state).
type InstanceState struct {
	Status     string     `json:"status"`
	StatusCode StatusCode `json:"status_code"`
	// Disk is the usage per disk device.
	Disk map[string]InstanceStateDisk `json:"disk"`
	// Memory is the memory usage.
	Memory InstanceStateMemory `json:"memory"`
	// Network holds the interfaces, by name.
	Network map[string]InstanceStateNetwork `json:"network"`
	// PID is the instance's init process on the host (0 when stopped).
	PID int64 `json:"pid"`
	// Processes is the number of processes (-1 when unknown).
	Processes int64            `json:"processes"`
	CPU       InstanceStateCPU `json:"cpu"`
	// Extra holds members this version has no field for.
	Extra Extra `json:"-"`
}

// InstanceStateDisk is one disk's usage.
type InstanceStateDisk struct {
	Usage int64 `json:"usage"`
	// Extra holds members this version has no field for.
	Extra Extra `json:"-"`
}

// InstanceStateCPU is the CPU usage in nanoseconds.
type InstanceStateCPU struct {
	Usage int64 `json:"usage"`
	// Extra holds members this version has no field for.
	Extra Extra `json:"-"`
}

// InstanceStateMemory is the memory usage in bytes.
type InstanceStateMemory struct {
	Usage         int64 `json:"usage"`
	UsagePeak     int64 `json:"usage_peak"`
	SwapUsage     int64 `json:"swap_usage"`
	SwapUsagePeak int64 `json:"swap_usage_peak"`
	// Extra holds members this version has no field for.
	Extra Extra `json:"-"`
}

// InstanceStateNetwork is one network interface of an instance.
type InstanceStateNetwork struct {
	Addresses []InstanceStateNetworkAddress `json:"addresses"`
	Counters  InstanceStateNetworkCounters  `json:"counters"`
	HostName  string                        `json:"host_name"`
	Hwaddr    string                        `json:"hwaddr"`
	MTU       int64                         `json:"mtu"`
	State     string                        `json:"state"`
	Type      string                        `json:"type"`
	// Extra holds members this version has no field for.
	Extra Extra `json:"-"`
}

// InstanceStateNetworkAddress is one address of an interface.
type InstanceStateNetworkAddress struct {
	Family  string `json:"family"`
	Address string `json:"address"`
	Netmask string `json:"netmask"`
	Scope   string `json:"scope"`
	// Extra holds members this version has no field for.
	Extra Extra `json:"-"`
}

// InstanceStateNetworkCounters are an interface's traffic counters.
type InstanceStateNetworkCounters struct {
	BytesReceived          int64 `json:"bytes_received"`
	BytesSent              int64 `json:"bytes_sent"`
	PacketsReceived        int64 `json:"packets_received"`
	PacketsSent            int64 `json:"packets_sent"`
	ErrorsReceived         int64 `json:"errors_received"`
	ErrorsSent             int64 `json:"errors_sent"`
	PacketsDroppedOutbound int64 `json:"packets_dropped_outbound"`
	PacketsDroppedInbound  int64 `json:"packets_dropped_inbound"`
	// Extra holds members this version has no field for.
	Extra Extra `json:"-"`
}
