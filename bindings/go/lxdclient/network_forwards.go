//go:build cgo

package lxdclient

// Network forwards (/1.0/networks/<network>/forwards): they need a bridge or OVN network. The
// CRUD methods and the object lifecycle are generated (zz_generated_network_forwards.go).

// NetworkForward is an address forward of a network (GET
// /1.0/networks/<network>/forwards/<listen_address>).
type NetworkForward struct {
	ListenAddress string               `json:"listen_address"`
	Description   string               `json:"description"`
	Config        map[string]string    `json:"config"`
	Ports         []NetworkForwardPort `json:"ports"`
	Location      string               `json:"location,omitempty"`
	Extra         Extra                `json:"-"`

	meta objectMeta
}

// NetworkForwardPort is a port rule of a network forward.
type NetworkForwardPort struct {
	Description   string `json:"description,omitempty"`
	Protocol      string `json:"protocol"`
	ListenPort    string `json:"listen_port"`
	TargetPort    string `json:"target_port,omitempty"`
	TargetAddress string `json:"target_address"`
	Extra         Extra  `json:"-"`
}
