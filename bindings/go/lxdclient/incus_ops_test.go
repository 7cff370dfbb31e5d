//go:build cgo

package lxdclient

import (
	"crypto/rand"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// The operations Incus 6.0 has and LXD 5.0 lacks, against whichever daemon the harness runs (the
// C suite test_incus_ops does the same): under Incus the real thing, or Incus's own refusal where
// this host cannot serve it (buckets need the minio binary, load balancers an OVN network, memory
// dumps a VM); under LXD 5.0.2 its answers, measured.

// daemonIsIncus reads environment.server and checks it against LXD_TEST_DAEMON when set.
func daemonIsIncus(t *testing.T, c *Client) bool {
	t.Helper()
	srv, err := c.GetServer(testCtx(t))
	must(t, err)
	got := srv.Environment.Server
	if got != "incus" && got != "lxd" {
		t.Fatalf("environment.server %q", got)
	}
	if want := os.Getenv("LXD_TEST_DAEMON"); want != "" && want != got {
		t.Fatalf("LXD_TEST_DAEMON=%s, server says %s", want, got)
	}
	return got == "incus"
}

// mustLXD404 fails unless err is LXD 5.0.2's answer to a path it does not have.
func mustLXD404(t *testing.T, err error) {
	t.Helper()
	mustIs(t, err, ErrNotFound)
	if e := err.(*Error); e.HTTPStatus != 404 {
		t.Fatalf("status %d, want 404", e.HTTPStatus)
	}
}

func TestIncusServerLevel(t *testing.T) {
	c := unixClient(t)
	ctx := testCtx(t)
	incus := daemonIsIncus(t, c)
	pool := lxdEnv(t).pool

	meta, err := c.MetadataConfiguration(ctx)
	state, err2 := c.ClusterMemberState(ctx, "none")
	access, err3 := c.ProjectAccess(ctx, "default")
	if !incus {
		mustLXD404(t, err)
		// LXD 5.0.2 has the POST of this path only.
		mustAPI(t, err2, 501, "not implemented")
		mustLXD404(t, err3)
		return
	}
	must(t, err)
	if !strings.Contains(string(meta), `"configs":{`) || !strings.Contains(string(meta), `"core.https_address"`) {
		t.Fatalf("metadata configuration: %.200s", meta)
	}
	must(t, err2)
	if !strings.Contains(string(state), `"sysinfo":{`) || !strings.Contains(string(state), fmt.Sprintf(`"storage_pools":{"%s":{`, pool)) {
		t.Fatalf("member state: %s", state)
	}
	must(t, err3)
	if string(access) != "null" && !strings.HasPrefix(string(access), "[") {
		t.Fatalf("project access: %s", access)
	}
	_, err = c.ClusterMemberState(ctx, "a/b")
	mustIs(t, err, ErrInvalidArgument)
}

func TestIncusNetworkIntegrations(t *testing.T) {
	c := unixClient(t)
	ctx := testCtx(t)
	incus := daemonIsIncus(t, c)
	name, other := uniq("goint"), uniq("goinu")
	req := NetworkIntegration{Name: name, Type: "ovn", Description: "made by Go"}
	if !incus {
		_, err := c.ListNetworkIntegrationNames(ctx)
		mustLXD404(t, err)
		mustLXD404(t, c.CreateNetworkIntegration(ctx, req))
		_, err = c.GetNetworkIntegration(ctx, name)
		mustLXD404(t, err)
		ok, err := c.NetworkIntegrationExists(ctx, name)
		must(t, err)
		if ok {
			t.Fatal("exists on LXD")
		}
		return
	}
	must(t, c.CreateNetworkIntegration(ctx, req))
	t.Cleanup(func() { c.DeleteNetworkIntegration(testCtx(t), name); c.DeleteNetworkIntegration(testCtx(t), other) })
	mustAPI(t, c.CreateNetworkIntegration(ctx, req), 500, "UNIQUE constraint")
	got, err := c.GetNetworkIntegration(ctx, name)
	must(t, err)
	if got.Name != name || got.Type != "ovn" || got.Description != "made by Go" || got.ETag() == "" {
		t.Fatalf("integration %+v etag %q", got, got.ETag())
	}
	names, err := c.ListNetworkIntegrationNames(ctx)
	must(t, err)
	if !slices.Contains(names, name) {
		t.Fatalf("names %v", names)
	}
	all, err := c.ListNetworkIntegrations(ctx)
	must(t, err)
	if !slices.ContainsFunc(all, func(v *NetworkIntegration) bool { return v.Name == name }) {
		t.Fatalf("list %v", all)
	}
	// The live object: Save with its ETag, a stale ETag refused.
	got.Description = "saved by Go"
	must(t, got.Save(ctx))
	if got.Description != "saved by Go" || got.Dirty() {
		t.Fatalf("after Save: %+v", got)
	}
	stale := *all[slices.IndexFunc(all, func(v *NetworkIntegration) bool { return v.Name == name })]
	err = c.UpdateNetworkIntegration(ctx, name, &stale, "0000")
	mustIs(t, err, ErrPreconditionFailed)
	must(t, c.PatchNetworkIntegration(ctx, name, map[string]any{"description": "patched by Go"}, ""))
	must(t, got.Sync(ctx))
	if got.Description != "patched by Go" {
		t.Fatalf("after patch: %+v", got)
	}
	must(t, got.Rename(ctx, other))
	if got.Name != other {
		t.Fatalf("after Rename: %+v", got)
	}
	_, err = c.GetNetworkIntegration(ctx, name)
	mustIs(t, err, ErrNotFound)
	must(t, got.Delete(ctx))
	ok, err := c.NetworkIntegrationExists(ctx, other)
	must(t, err)
	if ok {
		t.Fatal("still exists after Delete")
	}
	_, err = c.GetNetworkIntegration(ctx, "a/b")
	mustIs(t, err, ErrInvalidArgument)
}

func TestIncusNetworkLevel(t *testing.T) {
	c := unixClient(t)
	ctx := testCtx(t)
	incus := daemonIsIncus(t, c)
	b := make([]byte, 4)
	_, _ = rand.Read(b)
	br := fmt.Sprintf("goi%x", b[:3])
	octet := int(b[3])%250 + 1
	must(t, c.CreateNetwork(ctx, NetworkCreate{Name: br, Type: "bridge", Config: map[string]string{
		"ipv4.address": fmt.Sprintf("198.18.%d.1/24", octet), "ipv4.nat": "false", "ipv4.dhcp": "false",
		"ipv6.address": "none", "dns.mode": "none"}}))
	t.Cleanup(func() { c.DeleteNetwork(testCtx(t), br) })

	allocs, err := c.NetworkAllocations(ctx, false)
	allAllocs, err2 := c.NetworkAllocations(ctx, true)
	lb := NetworkLoadBalancer{ListenAddress: "192.0.2.10"}
	if !incus {
		mustLXD404(t, err)
		mustLXD404(t, err2)
		_, err = c.ListNetworkLoadBalancerAddresses(ctx, br)
		mustLXD404(t, err)
		mustLXD404(t, c.CreateNetworkLoadBalancer(ctx, br, lb))
		_, err = c.NetworkLoadBalancerState(ctx, br, "192.0.2.10")
		mustLXD404(t, err)
		return
	}
	must(t, err)
	must(t, err2)
	for _, list := range [][]NetworkAllocation{allocs, allAllocs} {
		if !slices.ContainsFunc(list, func(a NetworkAllocation) bool {
			return a.UsedBy == "/1.0/networks/"+br && a.Type == "network" && a.Addresses == fmt.Sprintf("198.18.%d.1/24", octet) && !a.NAT
		}) {
			t.Fatalf("allocations %+v lack the bridge %s", list, br)
		}
	}
	// Only OVN networks have load balancers: Incus refuses a bridge.
	_, err = c.ListNetworkLoadBalancers(ctx, br)
	mustAPI(t, err, 400, "does not support load balancers")
	mustAPI(t, c.CreateNetworkLoadBalancer(ctx, br, lb), 400, "does not support load balancers")
	_, err = c.GetNetworkLoadBalancer(ctx, br, "192.0.2.10")
	mustAPI(t, err, 400, "does not support load balancers")
	_, err = c.NetworkLoadBalancerState(ctx, br, "192.0.2.10")
	mustAPI(t, err, 400, "does not support load balancers")
	mustAPI(t, c.DeleteNetworkLoadBalancer(ctx, br, "192.0.2.10"), 400, "does not support load balancers")
	_, err = c.ListNetworkLoadBalancerAddresses(ctx, "gonone0")
	mustIs(t, err, ErrNotFound)
}

func TestIncusStorageBuckets(t *testing.T) {
	c := unixClient(t)
	ctx := testCtx(t)
	incus := daemonIsIncus(t, c)
	pool := lxdEnv(t).pool
	name := uniq("gobucket")
	ok, err := c.StorageBucketExists(ctx, pool, name)
	must(t, err)
	if ok {
		t.Fatal("bucket exists")
	}
	if !incus {
		_, err = c.ListStorageBucketNames(ctx, pool)
		mustLXD404(t, err)
		mustLXD404(t, c.CreateStorageBucket(ctx, pool, StorageBucket{Name: name}))
		_, err = c.ListStorageBucketKeys(ctx, pool, name)
		mustLXD404(t, err)
		_, err = c.ListStorageBucketBackups(ctx, pool, name)
		mustLXD404(t, err)
		return
	}
	names, err := c.ListStorageBucketNames(ctx, pool)
	must(t, err)
	if len(names) != 0 {
		t.Fatalf("buckets %v", names)
	}
	// A local pool serves buckets through MinIO; this host has no minio binary: Incus refuses.
	mustAPI(t, c.CreateStorageBucket(ctx, pool, StorageBucket{Name: name}), 500, "MinIO")
	_, err = c.GetStorageBucket(ctx, pool, name)
	mustIs(t, err, ErrNotFound)
	_, err = c.ListStorageBucketKeyNames(ctx, pool, name)
	mustIs(t, err, ErrNotFound)
	mustIs(t, c.CreateStorageBucketKey(ctx, pool, name, StorageBucketKey{Name: "k1", Role: "read-only"}), ErrNotFound)
	_, err = c.ListStorageBucketBackupNames(ctx, pool, name)
	mustIs(t, err, ErrNotFound)
	_, err = c.CreateStorageBucketBackup(ctx, pool, name, StorageBucketBackup{Name: "bk0"})
	mustIs(t, err, ErrNotFound)
	path := filepath.Join(t.TempDir(), "bucket.tar.gz")
	mustIs(t, c.ExportStorageBucketBackup(ctx, pool, name, "bk0", path, nil), ErrNotFound)
	if _, err := os.Stat(path); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("export left %s behind: %v", path, err)
	}
	var sb strings.Builder
	mustIs(t, c.ExportStorageBucketBackupTo(ctx, pool, name, "bk0", &sb, nil), ErrNotFound)
	_, err = c.GetStorageBucket(ctx, pool, "a/b")
	mustIs(t, err, ErrInvalidArgument)
}

func TestIncusInstanceLevel(t *testing.T) {
	c := unixClient(t)
	ctx := testCtx(t)
	incus := daemonIsIncus(t, c)
	inst := newInstance(t, c, nil)
	name := inst.Name
	op, err := c.StartInstance(ctx, name)
	must(t, err)
	must(t, op.Wait(ctx))
	cmd := []string{"sh", "-c", "echo recorded-out; echo recorded-err >&2; touch /root/marker"}

	if !incus {
		_, err = c.ListInstanceExecOutputs(ctx, name)
		mustAPI(t, err, 400, "not valid")
		_, err = c.GetInstanceExecOutput(ctx, name, "exec_1.stdout")
		mustLXD404(t, err)
		_, err = c.InstanceAccess(ctx, name)
		mustLXD404(t, err)
		mustLXD404(t, c.DumpInstanceMemoryTo(ctx, name, "", &strings.Builder{}, nil))
		_, err = c.RebuildInstance(ctx, name, map[string]any{"type": "none"})
		mustLXD404(t, err)
		return
	}
	_, err = c.ListInstanceExecOutputs(ctx, name)
	mustIs(t, err, ErrNotFound)
	code, stdout, stderr, err := c.ExecOutput(ctx, name, cmd, ExecOptions{RecordOutput: true})
	must(t, err)
	if code != 0 || string(stdout) != "recorded-out\n" || string(stderr) != "recorded-err\n" {
		t.Fatalf("exec: %d %q %q", code, stdout, stderr)
	}
	records, err := c.ListInstanceExecOutputs(ctx, name)
	must(t, err)
	i := slices.IndexFunc(records, func(s string) bool { return strings.HasPrefix(s, "exec_") && strings.HasSuffix(s, ".stdout") })
	if len(records) != 2 || i < 0 {
		t.Fatalf("records %v", records)
	}
	data, err := c.GetInstanceExecOutput(ctx, name, records[i])
	must(t, err)
	if string(data) != "recorded-out\n" {
		t.Fatalf("record %q", data)
	}
	must(t, c.DeleteInstanceExecOutput(ctx, name, records[i]))
	_, err = c.GetInstanceExecOutput(ctx, name, records[i])
	mustIs(t, err, ErrNotFound)
	mustIs(t, c.DeleteInstanceExecOutput(ctx, name, "exec_none.stdout"), ErrNotFound)
	_, err = c.GetInstanceExecOutput(ctx, name, "../x")
	mustIs(t, err, ErrInvalidArgument)

	access, err := c.InstanceAccess(ctx, name)
	must(t, err)
	if string(access) != "null" && !strings.HasPrefix(string(access), "[") {
		t.Fatalf("access %s", access)
	}
	path := filepath.Join(t.TempDir(), "mem.dump")
	mustAPI(t, c.DumpInstanceMemory(ctx, name, "", path, nil), 400, "only supported for virtual machines")
	if _, err := os.Stat(path); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("dump left %s behind: %v", path, err)
	}
	mustAPI(t, c.DumpInstanceMemoryTo(ctx, name, "elf", &strings.Builder{}, nil), 400, "only supported for virtual machines")

	source := map[string]any{"type": "image", "alias": lxdEnv(t).imageAlias}
	_, err = c.RebuildInstance(ctx, name, source)
	mustAPI(t, err, 400, "must be stopped")
	op, err = c.StopInstance(ctx, name, 30, true)
	must(t, err)
	must(t, op.Wait(ctx))
	op, err = c.RebuildInstance(ctx, name, source)
	must(t, err)
	must(t, op.Wait(ctx))
	op, err = c.StartInstance(ctx, name)
	must(t, err)
	must(t, op.Wait(ctx))
	code, err = c.Exec(ctx, name, []string{"test", "-e", "/root/marker"}, ExecOptions{})
	must(t, err)
	if code != 1 {
		t.Fatalf("the marker survived the rebuild (test -e: %d)", code)
	}
	_, err = c.RebuildInstance(ctx, uniq("gonone"), source)
	mustIs(t, err, ErrNotFound)
}
