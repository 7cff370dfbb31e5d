//go:build cgo

package lxdclient

// Network zones (/1.0/network-zones). The CRUD methods and the object lifecycle are generated
// (zz_generated_network_zones.go).

// NetworkZone is a DNS zone LXD serves (GET /1.0/network-zones/<name>).
type NetworkZone struct {
	Name        string            `json:"name"`
	Description string            `json:"description"`
	Config      map[string]string `json:"config"`
	UsedBy      []string          `json:"used_by,omitempty"`
	Extra       Extra             `json:"-"`

	meta objectMeta
}
