//go:build cgo

package lxdclient

import (
	"os"
	"testing"
)

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
