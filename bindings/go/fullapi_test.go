//go:build cgo

package lxdclient

import (
	"os"
	"testing"
)

func TestProjects(t *testing.T) {
	c := unixClient(t)
	ctx := testCtx(t)
	name := uniq("goproj")
	must(t, c.CreateProject(ctx, Project{Name: name, Description: "from Go", Config: map[string]string{"features.images": "false"}}))
	t.Cleanup(func() { c.DeleteProject(ctx, name) })
	mustIs(t, c.CreateProject(ctx, Project{Name: name}), ErrConflict)

	p, err := c.GetProject(ctx, name)
	must(t, err)
	etag := p.ETag()
	if p.Name != name || p.Description != "from Go" || p.Config["features.images"] != "false" || etag == "" {
		t.Fatalf("project %+v etag %q", p, etag)
	}
	names, err := c.ListProjectNames(ctx)
	must(t, err)
	all, err := c.ListProjects(ctx)
	must(t, err)
	if len(names) != len(all) || len(all) < 2 {
		t.Fatalf("%d names, %d projects", len(names), len(all))
	}

	p.Description = "updated"
	must(t, c.UpdateProject(ctx, name, p, etag))
	mustIs(t, c.UpdateProject(ctx, name, p, etag), ErrPreconditionFailed) // the ETag is stale now
	must(t, c.PatchProject(ctx, name, map[string]any{"config": map[string]string{"user.k": "v"}}, ""))
	p, err = c.GetProject(ctx, name)
	must(t, err)
	if p.Description != "updated" || p.Config["user.k"] != "v" {
		t.Fatalf("after update and patch: %+v", p)
	}
	state, err := c.ProjectState(ctx, name)
	must(t, err)
	if len(state) == 0 {
		t.Fatal("empty project state")
	}

	// a client in the project sees its own instances only
	pc, err := c.WithProject(name)
	must(t, err)
	defer pc.Close()
	inNames, err := pc.ListInstanceNames(ctx)
	must(t, err)
	if len(inNames) != 0 {
		t.Fatalf("instances in a new project: %v", inNames)
	}

	renamed := uniq("goproj")
	must(t, c.opWait(ctx)(c.RenameProject(ctx, name, renamed)))
	t.Cleanup(func() { c.DeleteProject(ctx, renamed) })
	ok, err := c.ProjectExists(ctx, name)
	must(t, err)
	if ok {
		t.Fatal("old project name still exists")
	}
	must(t, c.DeleteProject(ctx, renamed))
	_, err = c.GetProject(ctx, renamed)
	mustIs(t, err, ErrNotFound)
}

func TestStorageVolumes(t *testing.T) {
	c := unixClient(t)
	ctx := testCtx(t)
	pool := lxdEnv(t).pool
	name := uniq("govol")
	must(t, c.opWait(ctx)(c.CreateStorageVolume(ctx, pool, "custom", StorageVolume{Name: name, Description: "go", Config: map[string]string{"user.k": "v"}})))
	t.Cleanup(func() { c.opWait(ctx)(c.DeleteStorageVolume(ctx, pool, "custom", name)) })

	v, err := c.GetStorageVolume(ctx, pool, "custom", name)
	must(t, err)
	etag := v.ETag()
	if v.Name != name || v.Type != "custom" || v.Config["user.k"] != "v" || v.ContentType != "filesystem" {
		t.Fatalf("volume %+v", v)
	}
	list, err := c.ListStorageVolumes(ctx, pool, "custom")
	must(t, err)
	found := false
	for _, x := range list {
		found = found || x.Name == name
	}
	if !found {
		t.Fatalf("%s not listed", name)
	}
	v.Description = "updated"
	must(t, c.opWait(ctx)(c.UpdateStorageVolume(ctx, pool, "custom", name, v, etag)))
	v, err = c.GetStorageVolume(ctx, pool, "custom", name)
	must(t, err)
	if v.Description != "updated" {
		t.Fatalf("after PUT: %+v", v)
	}
	must(t, c.opWait(ctx)(c.PatchStorageVolume(ctx, pool, "custom", name, map[string]any{"config": map[string]string{"user.p": "q"}}, "")))
	v, err = c.GetStorageVolume(ctx, pool, "custom", name)
	must(t, err)
	// LXD 5.0.2 merges a volume PATCH's config but takes its description as given: absent is ""
	// (lxc query -X PATCH shows the same).
	if v.Description != "" || v.Config["user.p"] != "q" || v.Config["user.k"] != "v" {
		t.Fatalf("after patch: %+v", v)
	}

	must(t, c.opWait(ctx)(c.CreateStorageVolumeSnapshot(ctx, pool, "custom", name, "snap0", "")))
	snaps, err := c.ListStorageVolumeSnapshotNames(ctx, pool, "custom", name)
	must(t, err)
	if len(snaps) != 1 {
		t.Fatalf("snapshots %v", snaps)
	}
	must(t, c.opWait(ctx)(c.DeleteStorageVolumeSnapshot(ctx, pool, "custom", name, "snap0")))

	renamed := uniq("govol")
	must(t, c.opWait(ctx)(c.RenameStorageVolume(ctx, pool, "custom", name, renamed)))
	t.Cleanup(func() { c.opWait(ctx)(c.DeleteStorageVolume(ctx, pool, "custom", renamed)) })
	ok, err := c.StorageVolumeExists(ctx, pool, "custom", name)
	must(t, err)
	if ok {
		t.Fatal("old volume name still exists")
	}
	must(t, c.opWait(ctx)(c.DeleteStorageVolume(ctx, pool, "custom", renamed)))
	_, err = c.GetStorageVolume(ctx, pool, "custom", renamed)
	mustIs(t, err, ErrNotFound)
}

func TestWarnings(t *testing.T) {
	c := unixClient(t)
	ctx := testCtx(t)
	// a fresh LXD 5.0.2 on this host records warnings at startup (no vhost_vsock, ...)
	ws, err := c.ListWarnings(ctx)
	must(t, err)
	if len(ws) == 0 {
		t.Fatal("no warnings listed; the harness daemons always have startup warnings")
	}
	w, err := c.GetWarning(ctx, ws[0].UUID)
	must(t, err)
	etag := w.ETag()
	if w.UUID != ws[0].UUID || w.LastMessage == "" || w.Severity == "" || w.FirstSeenAt.IsZero() {
		t.Fatalf("warning %+v etag %q", w, etag)
	}
	must(t, c.SetWarningStatus(ctx, w.UUID, "acknowledged"))
	w, err = c.GetWarning(ctx, w.UUID)
	must(t, err)
	if w.Status != "acknowledged" {
		t.Fatalf("status %q", w.Status)
	}
	must(t, c.SetWarningStatus(ctx, w.UUID, "new"))
	_, err = c.GetWarning(ctx, "00000000-0000-0000-0000-000000000000")
	mustIs(t, err, ErrNotFound)
}

// TestClusterMembers runs against the harness's 3-member cluster when it was started with
// --cluster; against a standalone daemon it checks LXD's refusal.
func TestClusterMembers(t *testing.T) {
	ctx := testCtx(t)
	sock := os.Getenv("LXD_TEST_CLUSTER_SOCKET1")
	if sock == "" {
		c := unixClient(t)
		_, err := c.ListClusterMembers(ctx)
		mustIs(t, err, ErrAPI) // "Server is not clustered"
		return
	}
	c, err := Connect(WithUnixSocket(sock))
	must(t, err)
	defer c.Close()
	members, err := c.ListClusterMembers(ctx)
	must(t, err)
	if len(members) != 3 {
		t.Fatalf("%d members", len(members))
	}
	m, err := c.GetClusterMember(ctx, members[0].ServerName)
	must(t, err)
	etag := m.ETag()
	if m.ServerName != members[0].ServerName || m.Status != "Online" || m.URL == "" {
		t.Fatalf("member %+v", m)
	}
	m.Description = "described from Go"
	must(t, c.UpdateClusterMember(ctx, m.ServerName, m, etag))
	m, err = c.GetClusterMember(ctx, m.ServerName)
	must(t, err)
	if m.Description != "described from Go" {
		t.Fatalf("description %q", m.Description)
	}
	_, err = c.GetClusterMember(ctx, "no-such-member")
	mustIs(t, err, ErrNotFound)
}
