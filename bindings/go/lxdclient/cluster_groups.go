//go:build cgo

package lxdclient

// ClusterGroup is a group of cluster members (GET /1.0/cluster/groups/<name>).
type ClusterGroup struct {
	Name        string   `json:"name"`
	Description string   `json:"description"`
	Members     []string `json:"members"`
	Extra       Extra    `json:"-"`

	meta objectMeta
}
