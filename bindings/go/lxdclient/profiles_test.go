//go:build cgo

package lxdclient

import (
	"encoding/json"
	"slices"
	"testing"
)

func TestProfiles(t *testing.T) {
	c := unixClient(t)
	ctx := testCtx(t)
	name := uniq("gp")
	t.Cleanup(func() { c.DeleteProfile(testCtx(t), name); c.DeleteProfile(testCtx(t), name+"-r") })

	exists, err := c.ProfileExists(ctx, name)
	must(t, err)
	if exists {
		t.Fatal("exists before creation")
	}
	_, err = c.GetProfile(ctx, name)
	mustIs(t, err, ErrNotFound)

	must(t, c.CreateProfile(ctx, ProfileCreate{Name: name, Description: "created", Config: map[string]string{"limits.cpu": "1"}}))
	// LXD 5.0.2 refuses a duplicate profile with 500 ("The profile already exists"), not 409.
	mustIs(t, c.CreateProfile(ctx, ProfileCreate{Name: name}), ErrAPI)
	exists, err = c.ProfileExists(ctx, name)
	must(t, err)
	if !exists {
		t.Fatal("does not exist after creation")
	}

	names, err := c.ListProfileNames(ctx)
	must(t, err)
	if !slices.Contains(names, name) || !slices.Contains(names, "default") {
		t.Fatalf("names %v", names)
	}
	all, err := c.ListProfiles(ctx)
	must(t, err)
	var listed *Profile
	for _, p := range all {
		roundTrips(t, p)
		if p.Name == name {
			listed = p
		}
	}
	if listed == nil || listed.Description != "created" || listed.ETag() != "" {
		t.Fatalf("listed %+v", listed)
	}

	// The object lifecycle: change, Dirty, Rollback, Save, Sync.
	p, err := c.GetProfile(ctx, name)
	must(t, err)
	roundTrips(t, p)
	if p.ETag() == "" || p.Config["limits.cpu"] != "1" || p.Dirty() {
		t.Fatalf("got %+v etag %q dirty %v", p, p.ETag(), p.Dirty())
	}
	p.Config["limits.memory"] = "64MiB"
	if !p.Dirty() {
		t.Fatal("not dirty after a change")
	}
	must(t, p.Rollback())
	if p.Dirty() || p.Config["limits.memory"] != "" || p.ETag() == "" {
		t.Fatalf("after rollback %+v", p)
	}
	p.Description = "saved"
	p.Config["limits.memory"] = "64MiB"
	oldETag := p.ETag()
	must(t, p.Save(ctx))
	if p.Dirty() || p.ETag() == oldETag {
		t.Fatalf("after save dirty %v etag %q (was %q)", p.Dirty(), p.ETag(), oldETag)
	}
	again, err := c.GetProfile(ctx, name)
	must(t, err)
	if again.Description != "saved" || again.Config["limits.memory"] != "64MiB" {
		t.Fatalf("server has %+v", again)
	}

	// A concurrent change makes the stale copy's Save fail instead of overwriting it.
	stale, err := c.GetProfile(ctx, name)
	must(t, err)
	must(t, c.PatchProfile(ctx, name, map[string]any{"description": "patched"}, ""))
	stale.Description = "stale write"
	mustIs(t, stale.Save(ctx), ErrPreconditionFailed)
	must(t, stale.Sync(ctx))
	if stale.Description != "patched" || stale.Dirty() {
		t.Fatalf("after sync %+v", stale)
	}
	stale.Description = "fresh write"
	must(t, stale.Save(ctx))

	// Patch and Update with explicit ETags.
	mustIs(t, c.PatchProfile(ctx, name, json.RawMessage(`{"description":"x"}`), oldETag), ErrPreconditionFailed)
	must(t, c.PatchProfile(ctx, name, json.RawMessage(`{"description":"x"}`), stale.ETag()))
	cur, err := c.GetProfile(ctx, name)
	must(t, err)
	cur.Description = "updated"
	mustIs(t, c.UpdateProfile(ctx, name, cur, stale.ETag()), ErrPreconditionFailed)
	must(t, c.UpdateProfile(ctx, name, cur, cur.ETag()))
	must(t, c.UpdateProfile(ctx, name, cur, ""))

	// Rename and Delete, on the object and on the client.
	must(t, cur.Rename(ctx, name+"-r"))
	if cur.Name != name+"-r" || cur.Description != "updated" {
		t.Fatalf("after rename %+v", cur)
	}
	_, err = c.GetProfile(ctx, name)
	mustIs(t, err, ErrNotFound)
	mustIs(t, c.RenameProfile(ctx, name+"-r", "default"), ErrAPI) // 5.0.2: 500 "already in use"
	must(t, c.RenameProfile(ctx, name+"-r", name))
	must(t, c.DeleteProfile(ctx, name))
	mustIs(t, c.DeleteProfile(ctx, name), ErrNotFound)
	must(t, c.CreateProfile(ctx, ProfileCreate{Name: name}))
	p, err = c.GetProfile(ctx, name)
	must(t, err)
	must(t, p.Delete(ctx))
	mustIs(t, p.Sync(ctx), ErrNotFound)
	mustIs(t, p.Save(ctx), ErrNotFound)
}

// A member the Go struct has no field for is sent back by Save: here "restore", which Instance
// does not model (LXD's GET never returns it), travels in Extra and restores a snapshot.
func TestUnknownMemberSurvivesSave(t *testing.T) {
	c := unixClient(t)
	ctx := testCtx(t)
	inst := newInstance(t, c, nil)
	_, err := inst.Snapshots().Create(ctx, "before", false)
	must(t, err)
	inst.Config["user.marker"] = "after"
	must(t, inst.Save(ctx))
	if inst.Config["user.marker"] != "after" {
		t.Fatal("config not saved")
	}

	// Simulate a newer server's member next to the known ones.
	var withExtra Instance
	raw, err := json.Marshal(inst)
	must(t, err)
	var m map[string]any
	must(t, json.Unmarshal(raw, &m))
	m["restore"] = "before"
	m["x-future"] = map[string]any{"kept": true}
	raw, err = json.Marshal(m)
	must(t, err)
	must(t, json.Unmarshal(raw, &withExtra))
	if string(withExtra.Extra["restore"]) != `"before"` || string(withExtra.Extra["x-future"]) != `{"kept":true}` {
		t.Fatalf("extra %v", withExtra.Extra)
	}
	withExtra.meta = inst.meta // the object as read, now with the extra members
	withExtra.Description = "changed alongside"
	must(t, withExtra.Save(ctx))
	got, err := c.GetInstance(ctx, inst.Name)
	must(t, err)
	if got.Config["user.marker"] != "" {
		t.Fatalf("restore from Extra did not reach LXD: config %v", got.Config)
	}
}
