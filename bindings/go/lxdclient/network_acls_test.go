//go:build cgo

package lxdclient

import (
	"slices"
	"testing"
)

func TestNetworkACLs(t *testing.T) {
	c := unixClient(t)
	ctx := testCtx(t)
	name, renamed := uniq("goacl"), uniq("goacl")
	acl := NetworkACL{Name: name, Description: "a1", Config: map[string]string{"user.k": "v"},
		Ingress: []NetworkACLRule{{Action: "allow", Source: "192.0.2.0/24", Protocol: "tcp", DestinationPort: "22", State: "enabled"}}}
	must(t, c.CreateNetworkACL(ctx, acl))
	t.Cleanup(func() { c.DeleteNetworkACL(ctx, name); c.DeleteNetworkACL(ctx, renamed) })
	// LXD 5.0.2 refuses a taken ACL name with 400, not 409.
	mustAPI(t, c.CreateNetworkACL(ctx, acl), 400, "already exists")

	got, err := c.GetNetworkACL(ctx, name)
	must(t, err)
	etag := got.ETag()
	if got.Name != name || got.Description != "a1" || got.Config["user.k"] != "v" || etag == "" ||
		len(got.Ingress) != 1 || got.Ingress[0].Source != "192.0.2.0/24" || got.Ingress[0].DestinationPort != "22" || len(got.Egress) != 0 {
		t.Fatalf("acl %+v etag %q", got, etag)
	}
	names, err := c.ListNetworkACLNames(ctx)
	must(t, err)
	all, err := c.ListNetworkACLs(ctx)
	must(t, err)
	if !slices.Contains(names, name) || len(all) != len(names) {
		t.Fatalf("names %v, %d objects", names, len(all))
	}

	got.Description = "a2"
	got.Egress = []NetworkACLRule{{Action: "drop", Destination: "198.51.100.0/24", State: "enabled"}}
	must(t, c.UpdateNetworkACL(ctx, name, got, etag))
	mustIs(t, c.UpdateNetworkACL(ctx, name, got, etag), ErrPreconditionFailed) // stale now
	mustIs(t, c.PatchNetworkACL(ctx, name, map[string]any{"description": "x"}, etag), ErrPreconditionFailed)
	got, err = c.GetNetworkACL(ctx, name)
	must(t, err)
	if got.Description != "a2" || len(got.Ingress) != 1 || len(got.Egress) != 1 || got.Egress[0].Action != "drop" {
		t.Fatalf("after update: %+v", got)
	}
	// A PATCH merges config; LXD 5.0.2 takes the rules as sent: left out, they are cleared.
	must(t, c.PatchNetworkACL(ctx, name, map[string]any{"description": "a3", "config": map[string]string{"user.p": "1"}}, ""))
	got, err = c.GetNetworkACL(ctx, name)
	must(t, err)
	if got.Description != "a3" || got.Config["user.p"] != "1" || got.Config["user.k"] != "v" || len(got.Ingress) != 0 || len(got.Egress) != 0 {
		t.Fatalf("after patch: %+v", got)
	}
	// Only OVN networks log ACL hits: LXD says so (the request reached the log endpoint).
	_, err = c.NetworkACLLog(ctx, name)
	mustAPI(t, err, 500, "OVN")

	must(t, c.RenameNetworkACL(ctx, name, renamed))
	ok, err := c.NetworkACLExists(ctx, name)
	must(t, err)
	if ok {
		t.Fatal("the old name still exists")
	}
	ok, err = c.NetworkACLExists(ctx, renamed)
	must(t, err)
	if !ok {
		t.Fatal("the new name does not exist")
	}
	must(t, c.DeleteNetworkACL(ctx, renamed))
	_, err = c.GetNetworkACL(ctx, renamed)
	mustIs(t, err, ErrNotFound)
	mustIs(t, c.DeleteNetworkACL(ctx, renamed), ErrNotFound)
}
