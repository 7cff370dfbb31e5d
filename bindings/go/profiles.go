//go:build cgo

package lxdclient

/*
#include <lxdclient.h>
*/
import "C"

import "context"

// ListProfileNames lists the profiles' names (GET /1.0/profiles).
func (c *Client) ListProfileNames(ctx context.Context) ([]string, error) {
	s, err := c.callString(ctx, nil, func(p *C.lxd_client, out **C.char, e **C.lxd_error) C.enum_lxd_result {
		return C.lxd_profile_list(p, 0, out, e)
	})
	if err != nil {
		return nil, err
	}
	return decodeNames(s)
}

// ListProfiles lists the profiles (GET /1.0/profiles?recursion=1). Listed objects carry no
// ETag: their Save sends no If-Match unless you Sync them first.
func (c *Client) ListProfiles(ctx context.Context) ([]*Profile, error) {
	s, err := c.callString(ctx, nil, func(p *C.lxd_client, out **C.char, e **C.lxd_error) C.enum_lxd_result {
		return C.lxd_profile_list(p, 1, out, e)
	})
	if err != nil {
		return nil, err
	}
	return loadList[Profile](c, s, profileKey, "")
}

func profileKey(p *Profile) string { return p.Name }

// GetProfile fetches one profile (GET /1.0/profiles/<name>) with its ETag. Missing: ErrNotFound.
func (c *Client) GetProfile(ctx context.Context, name string) (*Profile, error) {
	var a cArgs
	n := a.str(name)
	s, etag, err := c.callStringETag(ctx, &a, func(p *C.lxd_client, out, et **C.char, e **C.lxd_error) C.enum_lxd_result {
		return C.lxd_profile_get(p, n, out, et, e)
	})
	if err != nil {
		return nil, err
	}
	return loadObject[Profile](c, []byte(s), etag, profileKey, "")
}

// ProfileExists reports whether a profile exists (GET /1.0/profiles/<name>, 404 → false).
func (c *Client) ProfileExists(ctx context.Context, name string) (bool, error) {
	var a cArgs
	n := a.str(name)
	return c.callBool(ctx, &a, func(p *C.lxd_client, out *C.bool, e **C.lxd_error) C.enum_lxd_result {
		return C.lxd_profile_exists(p, n, out, e)
	})
}

// CreateProfile creates a profile (POST /1.0/profiles). Name taken: ErrConflict.
func (c *Client) CreateProfile(ctx context.Context, req ProfileCreate) error {
	var a cArgs
	j := a.json(req)
	return c.callErr(ctx, &a, func(p *C.lxd_client, e **C.lxd_error) C.enum_lxd_result {
		return C.lxd_profile_create(p, j, e)
	})
}

// UpdateProfile replaces a profile's configuration, description and devices with profile's
// (PUT /1.0/profiles/<name>). A non-empty etag is sent as If-Match: if the profile changed since
// it was read, ErrPreconditionFailed.
func (c *Client) UpdateProfile(ctx context.Context, name string, profile *Profile, etag string) error {
	var a cArgs
	n, j, t := a.str(name), a.json(profile), a.opt(etag)
	return c.callErr(ctx, &a, func(p *C.lxd_client, e **C.lxd_error) C.enum_lxd_result {
		return C.lxd_profile_update(p, n, j, t, e)
	})
}

// PatchProfile merges patch (any value encoding/json turns into a JSON object, e.g. a
// map[string]any) into a profile (PATCH /1.0/profiles/<name>); etag as in UpdateProfile.
func (c *Client) PatchProfile(ctx context.Context, name string, patch any, etag string) error {
	var a cArgs
	n, j, t := a.str(name), a.json(patch), a.opt(etag)
	return c.callErr(ctx, &a, func(p *C.lxd_client, e **C.lxd_error) C.enum_lxd_result {
		return C.lxd_profile_patch(p, n, j, t, e)
	})
}

// RenameProfile renames a profile (POST /1.0/profiles/<name>). Name taken: ErrConflict.
func (c *Client) RenameProfile(ctx context.Context, name, newName string) error {
	var a cArgs
	n, nn := a.str(name), a.str(newName)
	return c.callErr(ctx, &a, func(p *C.lxd_client, e **C.lxd_error) C.enum_lxd_result {
		return C.lxd_profile_rename(p, n, nn, e)
	})
}

// DeleteProfile deletes a profile (DELETE /1.0/profiles/<name>). In use: LXD refuses (ErrAPI).
func (c *Client) DeleteProfile(ctx context.Context, name string) error {
	var a cArgs
	n := a.str(name)
	return c.callErr(ctx, &a, func(p *C.lxd_client, e **C.lxd_error) C.enum_lxd_result {
		return C.lxd_profile_delete(p, n, e)
	})
}

// ETag is the ETag the profile was read with ("" for listed profiles).
func (v *Profile) ETag() string { return v.meta.etag }

// Dirty reports whether the profile was changed since it was read (or last synced or saved).
func (v *Profile) Dirty() bool { return isDirty(v) }

// Rollback discards local changes: the profile is again what the server sent.
func (v *Profile) Rollback() error { return rollback(v) }

// Sync fetches the profile again, discarding local changes.
func (v *Profile) Sync(ctx context.Context) error {
	c, m, err := boundClient(v)
	if err != nil {
		return err
	}
	fresh, err := c.GetProfile(ctx, m.name)
	if err != nil {
		return err
	}
	replace(v, fresh)
	return nil
}

// Save writes the profile back (PUT with the ETag it was read with: if it changed on the server
// meanwhile, ErrPreconditionFailed and nothing is overwritten), then syncs it.
func (v *Profile) Save(ctx context.Context) error {
	c, m, err := boundClient(v)
	if err != nil {
		return err
	}
	if err := c.UpdateProfile(ctx, m.name, v, m.etag); err != nil {
		return err
	}
	return v.Sync(ctx)
}

// Rename renames the profile on the server, then syncs it.
func (v *Profile) Rename(ctx context.Context, newName string) error {
	c, m, err := boundClient(v)
	if err != nil {
		return err
	}
	if err := c.RenameProfile(ctx, m.name, newName); err != nil {
		return err
	}
	m.name = newName
	return v.Sync(ctx)
}

// Delete deletes the profile on the server.
func (v *Profile) Delete(ctx context.Context) error {
	c, m, err := boundClient(v)
	if err != nil {
		return err
	}
	return c.DeleteProfile(ctx, m.name)
}
