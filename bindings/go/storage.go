//go:build cgo

package lxdclient

/*
#include <lxdclient.h>
*/
import "C"

import "context"

// ListStoragePoolNames lists the storage pools' names (GET /1.0/storage-pools).
func (c *Client) ListStoragePoolNames(ctx context.Context) ([]string, error) {
	s, err := c.callString(ctx, nil, func(p *C.lxd_client, out **C.char, e **C.lxd_error) C.enum_lxd_result {
		return C.lxd_storage_pool_list(p, 0, out, e)
	})
	if err != nil {
		return nil, err
	}
	return decodeNames(s)
}

// ListStoragePools lists the storage pools (GET /1.0/storage-pools?recursion=1). Listed objects
// carry no ETag: their Save sends no If-Match unless you Sync them first.
func (c *Client) ListStoragePools(ctx context.Context) ([]*StoragePool, error) {
	s, err := c.callString(ctx, nil, func(p *C.lxd_client, out **C.char, e **C.lxd_error) C.enum_lxd_result {
		return C.lxd_storage_pool_list(p, 1, out, e)
	})
	if err != nil {
		return nil, err
	}
	return loadList[StoragePool](c, s, storagePoolKey, "")
}

func storagePoolKey(p *StoragePool) string { return p.Name }

// GetStoragePool fetches one storage pool (GET /1.0/storage-pools/<name>) with its ETag.
// Missing: ErrNotFound.
func (c *Client) GetStoragePool(ctx context.Context, name string) (*StoragePool, error) {
	var a cArgs
	n := a.str(name)
	s, etag, err := c.callStringETag(ctx, &a, func(p *C.lxd_client, out, et **C.char, e **C.lxd_error) C.enum_lxd_result {
		return C.lxd_storage_pool_get(p, n, out, et, e)
	})
	if err != nil {
		return nil, err
	}
	return loadObject[StoragePool](c, []byte(s), etag, storagePoolKey, "")
}

// StoragePoolExists reports whether a storage pool exists (GET /1.0/storage-pools/<name>,
// 404 → false).
func (c *Client) StoragePoolExists(ctx context.Context, name string) (bool, error) {
	var a cArgs
	n := a.str(name)
	return c.callBool(ctx, &a, func(p *C.lxd_client, out *C.bool, e **C.lxd_error) C.enum_lxd_result {
		return C.lxd_storage_pool_exists(p, n, out, e)
	})
}

// CreateStoragePool creates a storage pool (POST /1.0/storage-pools). Name taken: ErrConflict.
func (c *Client) CreateStoragePool(ctx context.Context, req StoragePoolCreate) error {
	var a cArgs
	j := a.json(req)
	return c.callErr(ctx, &a, func(p *C.lxd_client, e **C.lxd_error) C.enum_lxd_result {
		return C.lxd_storage_pool_create(p, j, e)
	})
}

// UpdateStoragePool replaces a storage pool's configuration and description with pool's
// (PUT /1.0/storage-pools/<name>). A non-empty etag is sent as If-Match: if the pool changed
// since it was read, ErrPreconditionFailed.
func (c *Client) UpdateStoragePool(ctx context.Context, name string, pool *StoragePool, etag string) error {
	var a cArgs
	n, j, t := a.str(name), a.json(pool), a.opt(etag)
	return c.callErr(ctx, &a, func(p *C.lxd_client, e **C.lxd_error) C.enum_lxd_result {
		return C.lxd_storage_pool_update(p, n, j, t, e)
	})
}

// PatchStoragePool merges patch (any value encoding/json turns into a JSON object) into a
// storage pool (PATCH /1.0/storage-pools/<name>); etag as in UpdateStoragePool.
func (c *Client) PatchStoragePool(ctx context.Context, name string, patch any, etag string) error {
	var a cArgs
	n, j, t := a.str(name), a.json(patch), a.opt(etag)
	return c.callErr(ctx, &a, func(p *C.lxd_client, e **C.lxd_error) C.enum_lxd_result {
		return C.lxd_storage_pool_patch(p, n, j, t, e)
	})
}

// DeleteStoragePool deletes a storage pool (DELETE /1.0/storage-pools/<name>). In use: ErrAPI.
func (c *Client) DeleteStoragePool(ctx context.Context, name string) error {
	var a cArgs
	n := a.str(name)
	return c.callErr(ctx, &a, func(p *C.lxd_client, e **C.lxd_error) C.enum_lxd_result {
		return C.lxd_storage_pool_delete(p, n, e)
	})
}

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

// ETag is the ETag the pool was read with ("" for listed pools).
func (v *StoragePool) ETag() string { return v.meta.etag }

// Dirty reports whether the pool was changed since it was read (or last synced or saved).
func (v *StoragePool) Dirty() bool { return isDirty(v) }

// Rollback discards local changes: the pool is again what the server sent.
func (v *StoragePool) Rollback() error { return rollback(v) }

// Sync fetches the pool again, discarding local changes.
func (v *StoragePool) Sync(ctx context.Context) error {
	c, m, err := boundClient(v)
	if err != nil {
		return err
	}
	fresh, err := c.GetStoragePool(ctx, m.name)
	if err != nil {
		return err
	}
	replace(v, fresh)
	return nil
}

// Save writes the pool back, then syncs it. The PUT carries the ETag the pool was read with, but
// LXD 5.0.2 sends none with a pool (it checks If-Match, yet its GET has no ETag header), so on
// such a server Save cannot detect a concurrent change: the last writer wins.
func (v *StoragePool) Save(ctx context.Context) error {
	c, m, err := boundClient(v)
	if err != nil {
		return err
	}
	if err := c.UpdateStoragePool(ctx, m.name, v, m.etag); err != nil {
		return err
	}
	return v.Sync(ctx)
}

// Delete deletes the pool on the server.
func (v *StoragePool) Delete(ctx context.Context) error {
	c, m, err := boundClient(v)
	if err != nil {
		return err
	}
	return c.DeleteStoragePool(ctx, m.name)
}

// Resources fetches the pool's space and inode usage.
func (v *StoragePool) Resources(ctx context.Context) (*StoragePoolResources, error) {
	c, m, err := boundClient(v)
	if err != nil {
		return nil, err
	}
	return c.GetStoragePoolResources(ctx, m.name)
}
