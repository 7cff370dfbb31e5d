//go:build cgo

package lxdclient

/*
#include <lxdclient.h>
*/
import "C"

import (
	"context"
	"encoding/json"
)

// Project is an LXD project (GET /1.0/projects/<name>).
type Project struct {
	Name        string            `json:"name"`
	Description string            `json:"description"`
	Config      map[string]string `json:"config"`
	UsedBy      []string          `json:"used_by,omitempty"`
	Extra       Extra             `json:"-"`

	meta objectMeta
}

// ProjectState is a project's resource usage (GET /1.0/projects/<name>/state), as LXD sends it.
func (c *Client) ProjectState(ctx context.Context, name string) (json.RawMessage, error) {
	var a cArgs
	n := a.str(name)
	s, err := c.callString(ctx, &a, func(cl *C.lxd_client, out **C.char, e **C.lxd_error) C.enum_lxd_result {
		return C.lxd_project_state(cl, n, out, e)
	})
	if err != nil {
		return nil, err
	}
	return json.RawMessage(s), nil
}

// ProjectAccess lists who may use a project (GET /1.0/projects/<name>/access; Incus 6.0 only,
// LXD 5.0 answers ErrNotFound), as Incus sends it: a JSON array of {"identifier", "role",
// "provider"}, or null when no identity is listed (as over the unix socket).
func (c *Client) ProjectAccess(ctx context.Context, name string) (json.RawMessage, error) {
	var a cArgs
	n := a.str(name)
	s, err := c.callString(ctx, &a, func(cl *C.lxd_client, out **C.char, e **C.lxd_error) C.enum_lxd_result {
		return C.lxd_project_access(cl, n, out, e)
	})
	if err != nil {
		return nil, err
	}
	return json.RawMessage(s), nil
}
