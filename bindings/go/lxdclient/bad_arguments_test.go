//go:build cgo

package lxdclient

import (
	"bytes"
	"context"
	"net/http"
	"os"
	"path/filepath"
	"sync/atomic"
	"testing"
)

// TestNewWrappersBadArgumentsSendNothing checks, area by area, that a NUL byte (cut off by C) or
// a name the library refuses gives ErrInvalidArgument before anything is sent: the stand-in LXD
// counts every request.
func TestNewWrappersBadArgumentsSendNothing(t *testing.T) {
	var calls atomic.Int32
	sock := fakeLXD(t, func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		w.WriteHeader(500)
	})
	c, err := Connect(WithUnixSocket(sock))
	must(t, err)
	defer c.Close()
	ctx := context.Background()
	nul := "a\x00b"
	dir := t.TempDir()
	existing := filepath.Join(dir, "backup.tar.gz")
	must(t, os.WriteFile(existing, []byte("not really a backup"), 0o600))
	second := func(_ any, err error) error { return err }
	third := func(_, _ any, err error) error { return err }

	areas := map[string][]func() error{
		"network ACLs": {
			func() error { return second(c.GetNetworkACL(ctx, nul)) },
			func() error { return second(c.GetNetworkACL(ctx, "bad/name")) },
			// (a NUL inside a JSON body is escaped as \u0000, valid JSON: LXD judges that name)
			func() error { return c.UpdateNetworkACL(ctx, "acl", &NetworkACL{}, "\"e\x00\"") },
			func() error { return c.PatchNetworkACL(ctx, "acl", nil, "") },
			func() error { return c.RenameNetworkACL(ctx, "acl", "bad/name") },
			func() error { return c.DeleteNetworkACL(ctx, nul) },
			func() error { return second(c.NetworkACLExists(ctx, nul)) },
			func() error { return second(c.NetworkACLLog(ctx, "..")) },
		},
		"network zones": {
			func() error { return second(c.GetNetworkZone(ctx, nul)) },
			func() error { return c.CreateNetworkZoneRecord(ctx, "bad/zone", NetworkZoneRecord{Name: "www"}) },
			func() error { return second(c.GetNetworkZoneRecord(ctx, "z.example", nul)) },
			func() error {
				return c.PatchNetworkZoneRecord(ctx, "z.example", "www", map[string]any{"description": nul}, `"a`+nul+`"`)
			},
			func() error { return c.DeleteNetworkZone(ctx, "../x") },
		},
		"network forwards and peers": {
			func() error { return second(c.GetNetworkForward(ctx, "br0", nul)) },
			func() error {
				return c.CreateNetworkForward(ctx, "bad/net", NetworkForward{ListenAddress: "192.0.2.1"})
			},
			func() error { return c.DeleteNetworkForward(ctx, nul, "192.0.2.1") },
			func() error { return second(c.GetNetworkPeer(ctx, "br0", "bad/peer")) },
			func() error { return c.CreateNetworkPeer(ctx, nul, NetworkPeer{Name: "p"}) },
			func() error { return second(c.NetworkLeases(ctx, nul)) },
		},
		"backups": {
			func() error {
				return c.opWait(ctx)(c.CreateInstanceBackup(ctx, "not_a_hostname", InstanceBackupCreate{}))
			},
			func() error { return second(c.GetInstanceBackup(ctx, "c1", nul)) },
			func() error { return c.ExportInstanceBackup(ctx, "c1", "b", filepath.Join(dir, nul), nil) },
			func() error { return c.ExportInstanceBackupTo(ctx, "c1", "b", nil, nil) },
			func() error { return c.ImportInstanceBackupFrom(ctx, bytes.NewReader(nil), nul, "", nil) },
			func() error { return c.ImportInstanceBackup(ctx, existing, "not_a_hostname", "", nil) },
			func() error {
				return c.opWait(ctx)(c.RenameStorageVolumeBackup(ctx, "default", "custom", "v", "b", nul))
			},
			func() error {
				return c.opWait(ctx)(c.CreateStorageVolumeBackup(ctx, "default", "jail", "v", StorageVolumeBackupCreate{}))
			},
		},
		"instance extras": {
			func() error { return second(c.CreateInstanceFromImage(ctx, "not_a_hostname", "", "busybox", nil)) },
			func() error { return second(c.CreateInstanceFromImage(ctx, "c1", "jail", "busybox", nil)) },
			func() error { return second(c.GetInstanceFull(ctx, nul)) },
			func() error { return second(c.ListInstanceNamesFiltered(ctx, InstanceFilter{Type: "jail"})) },
			func() error { return second(c.ListInstancesFiltered(ctx, InstanceFilter{Filter: nul})) },
			func() error { return c.opWait(ctx)(c.SetAllInstancesState(ctx, "nap", 0, false, false)) },
			func() error { return second(c.CreateInstanceConsole(ctx, "c1", 80, 24, "tty")) },
			func() error { return second(c.GetInstanceLog(ctx, "c1", "../secrets")) },
			func() error { return c.PutInstanceTemplate(ctx, "c1", "t.tpl", nul) },
			func() error { return second(c.GetInstanceTemplate(ctx, "c1", "../t")) },
			func() error { return third(c.GetInstanceMetadata(ctx, nul)) },
			func() error { return second(c.PatchSnapshot(ctx, "c1", "s1", unencodable{}, "")) },
		},
		"storage volumes": {
			func() error { return second(c.ListAllStorageVolumeNames(ctx, nul, "")) },
			func() error {
				return c.opWait(ctx)(c.CopyStorageVolume(ctx, "default", "v", "default", "bad/name", false))
			},
			func() error { return c.opWait(ctx)(c.MoveStorageVolume(ctx, "default", "jail", "v", "p2", "v")) },
			func() error { return second(c.StorageVolumeState(ctx, "default", "custom", nul)) },
			func() error { return second(c.GetStorageVolumeSnapshot(ctx, "default", "custom", "v", "bad/snap")) },
			func() error {
				return c.opWait(ctx)(c.RenameStorageVolumeSnapshot(ctx, "default", "custom", "v", "s", nul))
			},
		},
		"cluster": {
			func() error { return second(c.GetClusterGroup(ctx, nul)) },
			func() error { return c.RenameClusterGroup(ctx, "g", "bad/name") },
			func() error { return third(c.CreateClusterJoinToken(ctx, "bad/name")) },
			func() error { return c.opWait(ctx)(c.SetClusterMemberState(ctx, "m1", "explode", "")) },
			func() error { return c.RenameClusterMember(ctx, "m1", nul) },
			func() error { return c.opWait(ctx)(c.MoveInstanceToMember(ctx, "not_a_hostname", "m2")) },
			func() error { return c.UpdateClusterCertificate(ctx, "not a certificate", "not a key", "") },
			func() error { return c.opWait(ctx)(c.UpdateCluster(ctx, ClusterPut{}, "\"e\x00\"")) },
		},
		"images": {
			func() error { return second(c.ListImagesFiltered(ctx, nul)) },
			func() error { return second(c.GetPublicImage(ctx, "not-hex", "")) },
			func() error { return second(c.GetPublicImageAlias(ctx, nul)) },
			func() error { return third(c.CreateImageSecret(ctx, "not-hex")) },
			func() error { return second(c.RefreshImage(ctx, "not-hex")) },
			func() error { return second(c.CreateImageFromURL(ctx, "ftp://127.0.0.1/x", nil)) },
			func() error { return second(c.CreateImageFromSimplestreams(ctx, "https://127.0.0.1:1", "", nil)) },
			func() error { return c.PushImageTo(ctx, "not-hex", ImagePush{Target: "https://127.0.0.1:1"}) },
		},
		"server, trust and operations": {
			func() error { return second(c.WaitOperationUntrusted(ctx, nul, "s", 0)) },
			func() error { return second(c.WaitOperationUntrusted(ctx, "id", nul, 0)) },
			func() error { return third(c.CreateCertificateToken(ctx, nul)) },
			func() error { return c.AuthenticateAs(ctx, nul, "") },
			func() error { return c.UpdateWarning(ctx, nul, &Warning{}, "") },
			func() error { return c.PatchWarning(ctx, "u", nil, "") },
			func() error { return second(CertificateFingerprint([]byte(nul))) },
		},
		"lxc configuration": {
			func() error { return second(ConfigRemotes(nul)) },
			func() error { return second(EnsureClientCert(nul)) },
			func() error { return second(AddConfigRemote(dir, "has:colon", "https://127.0.0.1:1", "", "00")) },
			func() error { return second(AddConfigRemote(dir, "x", "http://127.0.0.1:1", "", "00")) },
			func() error { return second(Connect(WithRemote(nul, ""))) },
			func() error { return second(Connect(WithRemote(dir, "x"), WithUnixSocket(sock))) },
		},
	}
	for area, fns := range areas {
		t.Run(area, func(t *testing.T) {
			for i, f := range fns {
				before := calls.Load()
				err := f()
				if !errorIs(err, ErrInvalidArgument) {
					t.Errorf("%s #%d: got %v, want ErrInvalidArgument", area, i, err)
				}
				if n := calls.Load() - before; n != 0 {
					t.Errorf("%s #%d: %d requests were sent", area, i, n)
				}
			}
		})
	}
}
