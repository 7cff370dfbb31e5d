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
	if err != nil {
		return nil, err
	}
	var r StoragePoolResources
	if err := decodeReply(s, &r); err != nil {
		return nil, err
	}
	return &r, nil
}

// Resources fetches the pool's space and inode usage.
func (v *StoragePool) Resources(ctx context.Context) (*StoragePoolResources, error) {
	c, m, err := boundClient(v)
	if err != nil {
		return nil, err
	}
	return c.GetStoragePoolResources(ctx, m.name)
}
