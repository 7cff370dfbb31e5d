//go:build cgo

package lxdclient

import (
	"crypto/rand"
	"fmt"
	"slices"
	"testing"
)

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
