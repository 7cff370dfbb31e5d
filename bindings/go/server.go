//go:build cgo

package lxdclient

/*
#include <lxdclient.h>
*/
import "C"

import (
	"context"
	"encoding/json"
	"slices"
)

// GetServer fetches the server's information and configuration (GET /1.0) with its ETag.
func (c *Client) GetServer(ctx context.Context) (*Server, error) {
	s, etag, err := c.callStringETag(ctx, nil, func(p *C.lxd_client, out, et **C.char, e **C.lxd_error) C.enum_lxd_result {
		return C.lxd_server_get(p, out, et, e)
	})
	if err != nil {
		return nil, err
	}
	return loadObject[Server](c, []byte(s), etag, func(*Server) string { return "" })
}

// UpdateServer replaces the server configuration with server.Config (PUT /1.0). A non-empty etag
// is sent as If-Match: if the configuration changed since it was read, ErrPreconditionFailed.
func (c *Client) UpdateServer(ctx context.Context, server *Server, etag string) error {
	var a cArgs
	j, t := a.json(server), a.opt(etag)
	return c.callErr(ctx, &a, func(p *C.lxd_client, e **C.lxd_error) C.enum_lxd_result {
		return C.lxd_server_update(p, j, t, e)
	})
}

// PatchServer merges patch (e.g. map[string]any{"config": map[string]any{"key": "value"}}) into
// the server configuration (PATCH /1.0); etag as in UpdateServer.
func (c *Client) PatchServer(ctx context.Context, patch any, etag string) error {
	var a cArgs
	j, t := a.json(patch), a.opt(etag)
	return c.callErr(ctx, &a, func(p *C.lxd_client, e **C.lxd_error) C.enum_lxd_result {
		return C.lxd_server_patch(p, j, t, e)
	})
}

// HasExtension reports whether the server supports the API extension name (GET /1.0's
// api_extensions), e.g. "instances".
func (c *Client) HasExtension(ctx context.Context, name string) (bool, error) {
	var a cArgs
	n := a.str(name)
	return c.callBool(ctx, &a, func(p *C.lxd_client, out *C.bool, e **C.lxd_error) C.enum_lxd_result {
		return C.lxd_server_has_extension(p, n, out, e)
	})
}

// Resources fetches the host's hardware (GET /1.0/resources: CPU, memory, GPUs, network cards,
// storage, USB, PCI, system) as LXD's JSON, to decode into your own structs.
func (c *Client) Resources(ctx context.Context) (json.RawMessage, error) {
	s, err := c.callString(ctx, nil, func(p *C.lxd_client, out **C.char, e **C.lxd_error) C.enum_lxd_result {
		return C.lxd_server_resources(p, out, e)
	})
	if err != nil {
		return nil, err
	}
	if !json.Valid([]byte(s)) {
		return nil, &Error{Code: CodeProtocol, Message: "resources reply is not JSON"}
	}
	return json.RawMessage(s), nil
}

// HasExtension reports whether api_extensions lists name (no request is made).
func (v *Server) HasExtension(name string) bool { return slices.Contains(v.APIExtensions, name) }

// ETag is the ETag the server information was read with.
func (v *Server) ETag() string { return v.meta.etag }

// Dirty reports whether the server information was changed since it was read.
func (v *Server) Dirty() bool { return isDirty(v) }

// Rollback discards local changes: the information is again what the server sent.
func (v *Server) Rollback() error { return rollback(v) }

// Sync fetches the server information again, discarding local changes.
func (v *Server) Sync(ctx context.Context) error {
	c, _, err := boundClient(v)
	if err != nil {
		return err
	}
	fresh, err := c.GetServer(ctx)
	if err != nil {
		return err
	}
	replace(v, fresh)
	return nil
}

// Save writes Config back (PUT /1.0 with the ETag it was read with: if the configuration changed
// on the server meanwhile, ErrPreconditionFailed and nothing is overwritten), then syncs.
func (v *Server) Save(ctx context.Context) error {
	c, m, err := boundClient(v)
	if err != nil {
		return err
	}
	if err := c.UpdateServer(ctx, v, m.etag); err != nil {
		return err
	}
	return v.Sync(ctx)
}

// MarshalJSON encodes the fields, the members kept in Extra and the config members that were not
// strings (see Config).
func (v Server) MarshalJSON() ([]byte, error) {
	type plain Server
	b, err := marshalWithExtra(plain(v), v.Extra)
	if err != nil || len(v.configOther) == 0 {
		return b, err
	}
	var all map[string]json.RawMessage
	if err := json.Unmarshal(b, &all); err != nil {
		return nil, err
	}
	config := map[string]json.RawMessage{}
	for k, raw := range v.configOther {
		config[k] = raw
	}
	for k, s := range v.Config {
		if config[k], err = json.Marshal(s); err != nil {
			return nil, err
		}
	}
	if all["config"], err = json.Marshal(config); err != nil {
		return nil, err
	}
	return json.Marshal(all)
}

// UnmarshalJSON decodes the fields, keeps every other member in Extra and the config members that
// are not strings aside (see Config).
func (v *Server) UnmarshalJSON(data []byte) error {
	type plain Server
	var all map[string]json.RawMessage
	if err := json.Unmarshal(data, &all); err != nil {
		return err
	}
	var config map[string]json.RawMessage
	if raw, ok := all["config"]; ok {
		if err := json.Unmarshal(raw, &config); err != nil {
			return err
		}
		delete(all, "config")
	}
	rest, err := json.Marshal(all)
	if err != nil {
		return err
	}
	var p plain
	if err := unmarshalWithExtra(rest, &p, &p.Extra); err != nil {
		return err
	}
	p.meta = v.meta
	p.configOther = nil
	if config != nil {
		p.Config = make(map[string]string, len(config))
	}
	for k, raw := range config {
		var s string
		if json.Unmarshal(raw, &s) == nil {
			p.Config[k] = s
		} else {
			if p.configOther == nil {
				p.configOther = map[string]json.RawMessage{}
			}
			p.configOther[k] = raw
		}
	}
	*v = Server(p)
	return nil
}
