//go:build cgo

package lxdclient

/*
#include <lxdclient.h>
*/
import "C"

import (
	"context"
	"encoding/json"
	"reflect"
	"slices"
	"time"
)

// GetServer fetches the server's information and configuration (GET /1.0) with its ETag.
func (c *Client) GetServer(ctx context.Context) (*Server, error) {
	s, etag, err := c.callBytesETag(ctx, nil, func(p *C.lxd_client, out, et **C.char, e **C.lxd_error) C.enum_lxd_result {
		return C.lxd_server_get(p, out, et, e)
	})
	if err != nil {
		return nil, err
	}
	return loadObject[Server](c, s, etag, func(*Server) string { return "" })
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
	// The usual case in one decode: config's members as raw JSON (the strings go to Config, the
	// rest aside), the other members listed by a scan of the bytes (see unmarshalWithExtra).
	if others, ok := scanMembers(data, keysOf(reflect.TypeOf(plain{}))); ok {
		var p struct {
			plain
			Config map[string]json.RawMessage `json:"config"`
		}
		if err := json.Unmarshal(data, &p); err != nil {
			return err
		}
		p.plain.Extra, p.plain.meta, p.plain.configOther = others, v.meta, nil
		if p.Config != nil {
			p.plain.Config = make(map[string]string, len(p.Config))
		}
		for k, raw := range p.Config {
			var s string
			if json.Unmarshal(raw, &s) == nil {
				p.plain.Config[k] = s
			} else {
				if p.plain.configOther == nil {
					p.plain.configOther = map[string]json.RawMessage{}
				}
				p.plain.configOther[k] = raw
			}
		}
		*v = Server(p.plain)
		return nil
	}
	return v.unmarshalSlow(data)
}

// unmarshalSlow is UnmarshalJSON through a map of every member.
func (v *Server) unmarshalSlow(data []byte) error {
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

// ServerAPIVersions lists the API versions the server offers (GET /: ["/1.0"]). Untrusted
// clients may call it.
func (c *Client) ServerAPIVersions(ctx context.Context) ([]string, error) {
	s, err := c.callString(ctx, nil, func(p *C.lxd_client, out **C.char, e **C.lxd_error) C.enum_lxd_result {
		return C.lxd_server_api_versions(p, out, e)
	})
	if err != nil {
		return nil, err
	}
	return decodeNames(s)
}

// GetPublicServer fetches the server as an untrusted client sees it (GET /1.0?public); LXD
// answers by the caller's trust, so a trusted client gets the full view. It carries no ETag.
func (c *Client) GetPublicServer(ctx context.Context) (*Server, error) {
	s, err := c.callString(ctx, nil, func(p *C.lxd_client, out **C.char, e **C.lxd_error) C.enum_lxd_result {
		return C.lxd_server_get_public(p, out, e)
	})
	if err != nil {
		return nil, err
	}
	return loadObject[Server](c, []byte(s), "", func(*Server) string { return "" })
}

// Metrics returns the server's metrics (GET /1.0/metrics) in OpenMetrics text format, ending
// with "# EOF". The client's project selects the instances reported. Over HTTPS only trusted
// clients and "metrics" certificates may read them (else ErrForbidden).
func (c *Client) Metrics(ctx context.Context) (string, error) {
	return c.callString(ctx, nil, func(p *C.lxd_client, out **C.char, e **C.lxd_error) C.enum_lxd_result {
		return C.lxd_metrics_get(p, out, e)
	})
}

// ListOperationIDs lists the ids of every operation the server knows, of any status
// (GET /1.0/operations).
func (c *Client) ListOperationIDs(ctx context.Context) ([]string, error) {
	s, err := c.callString(ctx, nil, func(p *C.lxd_client, out **C.char, e **C.lxd_error) C.enum_lxd_result {
		return C.lxd_operation_list_ids(p, out, e)
	})
	if err != nil {
		return nil, err
	}
	return decodeNames(s)
}

// WaitOperationUntrusted waits on an operation as an untrusted client holding its secret
// (GET /1.0/operations/<id>/wait?public&secret=…) and returns its state when it is final or
// timeout passed (timeout < 0: no limit but the client's own timeout; it is rounded to whole
// seconds). A wrong secret: ErrForbidden.
func (c *Client) WaitOperationUntrusted(ctx context.Context, id, secret string, timeout time.Duration) (*OperationInfo, error) {
	var a cArgs
	i, sc := a.str(id), a.str(secret)
	secs := int64(-1)
	if timeout >= 0 {
		secs = int64(timeout / time.Second)
	}
	s, err := c.callString(ctx, &a, func(p *C.lxd_client, out **C.char, e **C.lxd_error) C.enum_lxd_result {
		return C.lxd_operation_wait_untrusted(p, i, sc, C.int64_t(secs), out, e)
	})
	return decodeAs[*OperationInfo](s, err)
}

// Server is the server's information and configuration (GET /1.0).
type Server struct {
	// Config is the server configuration (core.https_address, images.*, ...). A member LXD sends
	// as something else than a string (core.trust_password: true, "a password is set") is not
	// here: it is kept aside and sent back as it came, unless Config sets that key.
	Config map[string]string `json:"config"`
	// APIExtensions lists the API extensions the server supports.
	APIExtensions []string `json:"api_extensions"`
	// APIStatus is "stable" or "development".
	APIStatus string `json:"api_status"`
	// APIVersion is the API version ("1.0").
	APIVersion string `json:"api_version"`
	// Auth is "trusted" or "untrusted" (this client).
	Auth string `json:"auth"`
	// AuthMethods lists the supported authentication methods ("tls", ...).
	AuthMethods []string `json:"auth_methods"`
	// Public is true for the view an untrusted client gets.
	Public bool `json:"public"`
	// Environment describes the host and the daemon.
	Environment ServerEnvironment `json:"environment"`
	// Extra holds members this version has no field for.
	Extra Extra `json:"-"`

	meta        objectMeta
	configOther map[string]json.RawMessage // the members of config that are not strings
}

// ServerEnvironment describes the host and the daemon (part of GET /1.0).
type ServerEnvironment struct {
	Addresses               []string                  `json:"addresses"`
	Architectures           []string                  `json:"architectures"`
	Certificate             string                    `json:"certificate"`
	CertificateFingerprint  string                    `json:"certificate_fingerprint"`
	Driver                  string                    `json:"driver"`
	DriverVersion           string                    `json:"driver_version"`
	Firewall                string                    `json:"firewall"`
	Kernel                  string                    `json:"kernel"`
	KernelArchitecture      string                    `json:"kernel_architecture"`
	KernelFeatures          map[string]string         `json:"kernel_features"`
	KernelVersion           string                    `json:"kernel_version"`
	LXCFeatures             map[string]string         `json:"lxc_features"`
	OSName                  string                    `json:"os_name"`
	OSVersion               string                    `json:"os_version"`
	Project                 string                    `json:"project"`
	Server                  string                    `json:"server"`
	ServerClustered         bool                      `json:"server_clustered"`
	ServerEventMode         string                    `json:"server_event_mode"`
	ServerName              string                    `json:"server_name"`
	ServerPID               int64                     `json:"server_pid"`
	ServerVersion           string                    `json:"server_version"`
	Storage                 string                    `json:"storage"`
	StorageSupportedDrivers []ServerStorageDriverInfo `json:"storage_supported_drivers"`
	StorageVersion          string                    `json:"storage_version"`
	// Extra holds members this version has no field for.
	Extra Extra `json:"-"`
}

// ServerStorageDriverInfo describes one storage driver the server supports.
type ServerStorageDriverInfo struct {
	Name    string `json:"Name"`
	Remote  bool   `json:"Remote"`
	Version string `json:"Version"`
	// Extra holds members this version has no field for.
	Extra Extra `json:"-"`
}

// MetadataConfiguration is the documentation of every configuration key the server knows (GET
// /1.0/metadata/configuration; Incus 6.0 only, LXD 5.0 answers ErrNotFound), as Incus sends it:
// {"configs": {"<entity>": {"<group>": {"keys": [...]}}}}.
func (c *Client) MetadataConfiguration(ctx context.Context) (json.RawMessage, error) {
	s, err := c.callString(ctx, nil, func(p *C.lxd_client, out **C.char, e **C.lxd_error) C.enum_lxd_result {
		return C.lxd_server_metadata_configuration(p, out, e)
	})
	if err != nil {
		return nil, err
	}
	return json.RawMessage(s), nil
}
