//go:build cgo

package lxdclient

// NetworkPeer is a peering of an OVN network with another (GET
// /1.0/networks/<network>/peers/<name>).
type NetworkPeer struct {
	Name          string            `json:"name"`
	Description   string            `json:"description"`
	Config        map[string]string `json:"config"`
	TargetProject string            `json:"target_project,omitempty"`
	TargetNetwork string            `json:"target_network,omitempty"`
	Status        string            `json:"status,omitempty"`
	UsedBy        []string          `json:"used_by,omitempty"`
	Extra         Extra             `json:"-"`

	meta objectMeta
}
