//go:build cgo

package lxdclient

// Network integrations (/1.0/network-integrations; Incus 6.0 only, LXD 5.0 answers ErrNotFound).
// The CRUD methods and the object lifecycle are generated (zz_generated_network_integrations.go).

// NetworkIntegration is a network integration, e.g. an OVN interconnection (Type "ovn").
type NetworkIntegration struct {
	Name        string            `json:"name"`
	Description string            `json:"description"`
	Type        string            `json:"type"`
	Config      map[string]string `json:"config"`
	UsedBy      []string          `json:"used_by,omitempty"`
	Extra       Extra             `json:"-"`

	meta objectMeta
}
