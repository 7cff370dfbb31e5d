//go:build cgo

package lxdclient

/*
#include <lxdclient.h>
*/
import "C"

import "context"

// GetStoragePoolResources fetches a storage pool's space and inode usage
// (GET /1.0/storage-pools/<name>/resources).
func (c *Client) GetStoragePoolResources(ctx context.Context, name string) (*StoragePoolResources, error) {
	var a cArgs
	n := a.str(name)
	s, err := c.callString(ctx, &a, func(p *C.lxd_client, out **C.char, e **C.lxd_error) C.enum_lxd_result {
		return C.lxd_storage_pool_resources(p, n, out, e)
	})
	return decodeAs[*StoragePoolResources](s, err)
}

// Resources fetches the pool's space and inode usage.
func (v *StoragePool) Resources(ctx context.Context) (*StoragePoolResources, error) {
	c, m, err := boundClient(v)
	if err != nil {
		return nil, err
	}
	return c.GetStoragePoolResources(ctx, m.name)
}

// StoragePool is a storage pool (GET /1.0/storage-pools/<name>).
type StoragePool struct {
	// Name is the key (pools cannot be renamed).
	Name        string `json:"name"`
	Description string `json:"description"`
	// Driver is "dir", "zfs", "btrfs", "lvm", "ceph", ...
	Driver string            `json:"driver"`
	Status string            `json:"status"`
	Config map[string]string `json:"config"`
	UsedBy []string          `json:"used_by"`
	// Locations are the cluster members it is defined on.
	Locations []string `json:"locations"`
	// Extra holds members this version has no field for.
	Extra Extra `json:"-"`

	meta objectMeta
}

// StoragePoolCreate is the request to create a storage pool (POST /1.0/storage-pools).
type StoragePoolCreate struct {
	Name        string            `json:"name"`
	Driver      string            `json:"driver"`
	Description string            `json:"description,omitempty"`
	Config      map[string]string `json:"config,omitempty"`
	// Extra holds members to send that this version has no field for.
	Extra Extra `json:"-"`
}

// StoragePoolResources is a storage pool's usage (GET /1.0/storage-pools/<name>/resources).
type StoragePoolResources struct {
	Space  StoragePoolSpace  `json:"space"`
	Inodes StoragePoolInodes `json:"inodes"`
	// Extra holds members this version has no field for.
	Extra Extra `json:"-"`
}

// StoragePoolSpace is space usage in bytes.
type StoragePoolSpace struct {
	Used  uint64 `json:"used"`
	Total uint64 `json:"total"`
	// Extra holds members this version has no field for.
	Extra Extra `json:"-"`
}

// StoragePoolInodes is inode usage.
type StoragePoolInodes struct {
	Used  uint64 `json:"used"`
	Total uint64 `json:"total"`
	// Extra holds members this version has no field for.
	Extra Extra `json:"-"`
}
