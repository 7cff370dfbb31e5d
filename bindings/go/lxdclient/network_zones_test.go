//go:build cgo

package lxdclient

import (
	"slices"
	"testing"
)

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
