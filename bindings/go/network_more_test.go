//go:build cgo

package lxdclient

import (
	"crypto/rand"
	"fmt"
	"slices"
	"strings"
	"testing"
)

// mustAPI fails unless err is an *Error with code ErrAPI, HTTP status status (0: any) and a
// message containing want.
func mustAPI(t testing.TB, err error, status int, want string) {
	t.Helper()
	mustIs(t, err, ErrAPI)
	e := err.(*Error)
	if (status != 0 && e.HTTPStatus != status) || !strings.Contains(e.Message, want) {
		t.Fatalf("got %d %q, want %d and a message containing %q", e.HTTPStatus, e.Message, status, want)
	}
}

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

func TestNetworkZones(t *testing.T) {
	c := unixClient(t)
	ctx := testCtx(t)
	zone := uniq("gozone") + ".example.test"
	must(t, c.CreateNetworkZone(ctx, NetworkZone{Name: zone, Description: "z1", Config: map[string]string{"user.k": "v"}}))
	t.Cleanup(func() { c.DeleteNetworkZone(ctx, zone) })
	// LXD 5.0.2 refuses a taken zone name with 400, not 409.
	mustAPI(t, c.CreateNetworkZone(ctx, NetworkZone{Name: zone}), 400, "already exists")

	z, err := c.GetNetworkZone(ctx, zone)
	must(t, err)
	etag := z.ETag()
	if z.Name != zone || z.Description != "z1" || z.Config["user.k"] != "v" || etag == "" {
		t.Fatalf("zone %+v etag %q", z, etag)
	}
	names, err := c.ListNetworkZoneNames(ctx)
	must(t, err)
	zones, err := c.ListNetworkZones(ctx)
	must(t, err)
	if !slices.Contains(names, zone) || len(zones) != len(names) {
		t.Fatalf("names %v, %d zones", names, len(zones))
	}
	z.Description = "z2"
	must(t, c.UpdateNetworkZone(ctx, zone, z, etag))
	mustIs(t, c.UpdateNetworkZone(ctx, zone, z, etag), ErrPreconditionFailed)
	// LXD 5.0.2 drops the connection on a PATCH without "config" of a zone that has config (its
	// handler writes the current keys into the request's nil map, and panics).
	mustIs(t, c.PatchNetworkZone(ctx, zone, map[string]any{"description": "z3"}, ""), ErrConnection)
	must(t, c.PatchNetworkZone(ctx, zone, map[string]any{"description": "z3", "config": map[string]string{}}, ""))
	z, err = c.GetNetworkZone(ctx, zone)
	must(t, err)
	if z.Description != "z3" || z.Config["user.k"] != "v" {
		t.Fatalf("after update and patch: %+v", z)
	}
	ok, err := c.NetworkZoneExists(ctx, zone)
	must(t, err)
	if !ok {
		t.Fatal("zone does not exist")
	}

	// Records.
	rec := NetworkZoneRecord{Name: "www", Description: "r1", Entries: []NetworkZoneRecordEntry{{Type: "A", Value: "192.0.2.7", TTL: 300}}}
	must(t, c.CreateNetworkZoneRecord(ctx, zone, rec))
	// LXD 5.0.2 reports a taken record name as its database's 500.
	mustAPI(t, c.CreateNetworkZoneRecord(ctx, zone, rec), 500, "UNIQUE constraint failed")
	r, err := c.GetNetworkZoneRecord(ctx, zone, "www")
	must(t, err)
	retag := r.ETag()
	if r.Name != "www" || r.Description != "r1" || len(r.Entries) != 1 || r.Entries[0].Value != "192.0.2.7" || r.Entries[0].TTL != 300 || retag == "" {
		t.Fatalf("record %+v etag %q", r, retag)
	}
	rnames, err := c.ListNetworkZoneRecordNames(ctx, zone)
	must(t, err)
	recs, err := c.ListNetworkZoneRecords(ctx, zone)
	must(t, err)
	if !slices.Contains(rnames, "www") || len(recs) != len(rnames) {
		t.Fatalf("record names %v, %d records", rnames, len(recs))
	}
	r.Description = "r2"
	r.Entries = []NetworkZoneRecordEntry{{Type: "AAAA", Value: "2001:db8::7"}}
	must(t, c.UpdateNetworkZoneRecord(ctx, zone, "www", r, retag))
	mustIs(t, c.UpdateNetworkZoneRecord(ctx, zone, "www", r, retag), ErrPreconditionFailed)
	// LXD 5.0.2's record PATCH walks the zone's config into the request's config map: a patch
	// without "config" in a zone that has config panics the handler (connection dropped). Its
	// entries are taken as sent.
	mustIs(t, c.PatchNetworkZoneRecord(ctx, zone, "www", map[string]any{"description": "r3"}, ""), ErrConnection)
	must(t, c.PatchNetworkZoneRecord(ctx, zone, "www", map[string]any{"description": "r3", "config": map[string]string{}, "entries": r.Entries}, ""))
	r, err = c.GetNetworkZoneRecord(ctx, zone, "www")
	must(t, err)
	if r.Description != "r3" || len(r.Entries) != 1 || r.Entries[0].Type != "AAAA" {
		t.Fatalf("record after update and patch: %+v", r)
	}
	must(t, c.DeleteNetworkZoneRecord(ctx, zone, "www"))
	_, err = c.GetNetworkZoneRecord(ctx, zone, "www")
	mustIs(t, err, ErrNotFound)

	must(t, c.DeleteNetworkZone(ctx, zone))
	_, err = c.GetNetworkZone(ctx, zone)
	mustIs(t, err, ErrNotFound)
	ok, err = c.NetworkZoneExists(ctx, zone)
	must(t, err)
	if ok {
		t.Fatal("deleted zone exists")
	}
}

// TestNetworkForwardsLeasesPeers works on an isolated bridge (documentation addresses, no NAT,
// DHCP or DNS), as the C suite does; peers need OVN, which LXD says.
func TestNetworkForwardsLeasesPeers(t *testing.T) {
	c := unixClient(t)
	ctx := testCtx(t)
	b := make([]byte, 4)
	_, _ = rand.Read(b)
	br := fmt.Sprintf("gob%x", b[:3])
	octet := int(b[3])%250 + 1
	must(t, c.CreateNetwork(ctx, NetworkCreate{Name: br, Type: "bridge", Config: map[string]string{
		"ipv4.address": fmt.Sprintf("198.18.%d.1/24", octet), "ipv4.nat": "false", "ipv4.dhcp": "false",
		"ipv6.address": "none", "dns.mode": "none"}}))
	t.Cleanup(func() { c.DeleteNetwork(testCtx(t), br) })

	listen := fmt.Sprintf("198.19.%d.10", octet)
	fwd := NetworkForward{ListenAddress: listen, Description: "f1", Config: map[string]string{"target_address": fmt.Sprintf("198.18.%d.5", octet)}}
	must(t, c.CreateNetworkForward(ctx, br, fwd))
	mustIs(t, c.CreateNetworkForward(ctx, br, fwd), ErrConflict)
	got, err := c.GetNetworkForward(ctx, br, listen)
	must(t, err)
	etag := got.ETag()
	if got.ListenAddress != listen || got.Description != "f1" || got.Config["target_address"] != fwd.Config["target_address"] || etag == "" {
		t.Fatalf("forward %+v etag %q", got, etag)
	}
	addrs, err := c.ListNetworkForwardAddresses(ctx, br)
	must(t, err)
	if !slices.Contains(addrs, listen) {
		t.Fatalf("forward addresses %v", addrs)
	}
	got.Description = "f2"
	got.Ports = []NetworkForwardPort{{Protocol: "tcp", ListenPort: "80", TargetPort: "8080", TargetAddress: fmt.Sprintf("198.18.%d.9", octet)}}
	must(t, c.UpdateNetworkForward(ctx, br, listen, got, etag))
	// LXD 5.0.2 sends an ETag with a forward but checks If-Match on neither its PUT nor its
	// PATCH: a stale (even a made-up) one is accepted.
	must(t, c.UpdateNetworkForward(ctx, br, listen, got, etag))
	must(t, c.UpdateNetworkForward(ctx, br, listen, got, `"made-up"`))
	must(t, c.PatchNetworkForward(ctx, br, listen, map[string]any{"description": "f2", "config": got.Config}, `"made-up"`))
	all, err := c.ListNetworkForwards(ctx, br)
	must(t, err)
	if len(all) != 1 || all[0].Description != "f2" || len(all[0].Ports) != 1 || all[0].Ports[0].TargetPort != "8080" {
		t.Fatalf("forwards %+v", all)
	}
	// LXD 5.0.2 drops the connection on a forward PATCH without "config": this one carries it.
	must(t, c.PatchNetworkForward(ctx, br, listen, map[string]any{"description": "f3", "config": map[string]string{}}, ""))
	got, err = c.GetNetworkForward(ctx, br, listen)
	must(t, err)
	if got.Description != "f3" || len(got.Ports) != 1 {
		t.Fatalf("after patch: %+v", got)
	}
	must(t, c.DeleteNetworkForward(ctx, br, listen))
	_, err = c.GetNetworkForward(ctx, br, listen)
	mustIs(t, err, ErrNotFound)

	leases, err := c.NetworkLeases(ctx, br)
	must(t, err)
	gateway := false
	for _, l := range leases {
		gateway = gateway || (l.Type == "gateway" && l.Address == fmt.Sprintf("198.18.%d.1", octet))
	}
	if !gateway {
		t.Fatalf("no gateway lease in %+v", leases)
	}

	// Peering needs OVN: a bridge refuses every peer call, which shows each reached the peers API.
	mustAPI(t, c.CreateNetworkPeer(ctx, br, NetworkPeer{Name: "p1", TargetNetwork: "x"}), 400, "peering")
	_, err = c.ListNetworkPeerNames(ctx, br)
	mustAPI(t, err, 400, "peering")
	_, err = c.ListNetworkPeers(ctx, br)
	mustAPI(t, err, 400, "peering")
	_, err = c.GetNetworkPeer(ctx, br, "p1")
	mustAPI(t, err, 400, "peering")
	mustAPI(t, c.UpdateNetworkPeer(ctx, br, "p1", &NetworkPeer{Description: "x"}, ""), 400, "peering")
	mustAPI(t, c.PatchNetworkPeer(ctx, br, "p1", map[string]any{"description": "x"}, ""), 400, "peering")
	mustAPI(t, c.DeleteNetworkPeer(ctx, br, "p1"), 400, "peering")

	must(t, c.DeleteNetwork(ctx, br))
}
