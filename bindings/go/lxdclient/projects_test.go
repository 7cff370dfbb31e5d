//go:build cgo

package lxdclient

import "testing"

func TestProjects(t *testing.T) {
	c := unixClient(t)
	ctx := testCtx(t)
	name := uniq("goproj")
	must(t, c.CreateProject(ctx, Project{Name: name, Description: "from Go", Config: map[string]string{"features.images": "false"}}))
	t.Cleanup(func() { c.DeleteProject(ctx, name) })
	// A duplicate: LXD 5.0 checks first (409); Incus 6.0 fails in its database (500).
	if isIncus() {
		mustAPI(t, c.CreateProject(ctx, Project{Name: name}), 500, "UNIQUE constraint failed")
	} else {
		mustIs(t, c.CreateProject(ctx, Project{Name: name}), ErrConflict)
	}

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
