//go:build cgo

package lxdclient

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"
)

// isGzip reports whether data starts with gzip's magic bytes.
func isGzip(data []byte) bool { return len(data) > 2 && data[0] == 0x1f && data[1] == 0x8b }

func TestInstanceBackups(t *testing.T) {
	c := unixClient(t)
	ctx := testCtx(t)
	inst := newInstance(t, c, nil)
	name := inst.Name
	op, err := c.CreateSnapshot(ctx, name, "before", false)
	must(t, err)
	must(t, op.Wait(ctx))

	must(t, c.opWait(ctx)(c.CreateInstanceBackup(ctx, name, InstanceBackupCreate{})))
	expires := time.Now().Add(48 * time.Hour).UTC().Truncate(time.Second)
	must(t, c.opWait(ctx)(c.CreateInstanceBackup(ctx, name, InstanceBackupCreate{Name: "b-opt", InstanceOnly: true, CompressionAlgorithm: "gzip", ExpiresAt: &expires})))
	mustIs(t, c.opWait(ctx)(c.CreateInstanceBackup(ctx, name, InstanceBackupCreate{Name: "b-opt"})), ErrOperationFailed) // LXD: already exists

	names, err := c.ListInstanceBackupNames(ctx, name)
	must(t, err)
	if !slices.Contains(names, "backup0") || !slices.Contains(names, "b-opt") || len(names) != 2 {
		t.Fatalf("backup names %v", names)
	}
	b, err := c.GetInstanceBackup(ctx, name, "b-opt")
	must(t, err)
	etag := b.ETag()
	if b.Name != "b-opt" || !b.InstanceOnly || !b.ExpiresAt.Equal(expires) || b.CreatedAt.IsZero() {
		t.Fatalf("backup %+v (etag %q)", b, etag)
	}
	must(t, c.opWait(ctx)(c.RenameInstanceBackup(ctx, name, "backup0", "full")))
	all, err := c.ListInstanceBackups(ctx, name)
	must(t, err)
	var full *InstanceBackup
	for _, x := range all {
		if x.Name == "backup0" {
			t.Fatal("backup0 still listed after the rename")
		}
		if x.Name == "full" {
			full = x
		}
	}
	if full == nil || full.InstanceOnly {
		t.Fatalf("backups %+v", all)
	}

	dir := t.TempDir()
	path := filepath.Join(dir, "inst-backup.tar.gz")
	var calls int
	var last uint64
	must(t, c.ExportInstanceBackup(ctx, name, "full", path, func(done, total uint64) bool { calls++; last = done; return true }))
	data, err := os.ReadFile(path)
	must(t, err)
	if !isGzip(data) || len(data) < 1000 || calls < 2 || last != uint64(len(data)) {
		t.Fatalf("export: %d bytes, gzip %v, %d progress calls, last %d", len(data), isGzip(data), calls, last)
	}
	// A progress function that says stop: ErrCancelled, nothing left behind.
	cancelled := filepath.Join(dir, "cancelled.tar.gz")
	mustIs(t, c.ExportInstanceBackup(ctx, name, "full", cancelled, func(uint64, uint64) bool { return false }), ErrCancelled)
	if _, err := os.Stat(cancelled); !os.IsNotExist(err) {
		t.Fatalf("a cancelled export left %s behind (%v)", cancelled, err)
	}
	mustIs(t, c.ExportInstanceBackup(ctx, name, "missing", cancelled, nil), ErrNotFound)

	// To any writer (a pipe under the hood).
	var buf bytes.Buffer
	must(t, c.ExportInstanceBackupTo(ctx, name, "b-opt", &buf, nil))
	if !isGzip(buf.Bytes()) {
		t.Fatalf("ExportInstanceBackupTo wrote %d bytes, not gzip", buf.Len())
	}

	// Restore from the file, with its snapshot, and from a reader that is not a file.
	restored, restored2 := uniq("gorest"), uniq("gorest")
	t.Cleanup(func() { removeInstance(c, restored); removeInstance(c, restored2) })
	calls = 0
	must(t, c.ImportInstanceBackup(ctx, path, restored, "", func(done, total uint64) bool { calls++; return true }))
	if calls < 1 {
		t.Fatal("no upload progress")
	}
	snaps, err := c.ListSnapshotNames(ctx, restored)
	must(t, err)
	if !slices.Contains(snaps, "before") {
		t.Fatalf("restored snapshots %v", snaps)
	}
	must(t, c.ImportInstanceBackupFrom(ctx, bytes.NewReader(data), restored2, lxdEnv(t).pool, nil))
	ok, err := c.InstanceExists(ctx, restored2)
	must(t, err)
	if !ok {
		t.Fatal("the instance imported from a reader does not exist")
	}

	must(t, c.opWait(ctx)(c.DeleteInstanceBackup(ctx, name, "full")))
	must(t, c.opWait(ctx)(c.DeleteInstanceBackup(ctx, name, "b-opt")))
	_, err = c.GetInstanceBackup(ctx, name, "full")
	mustIs(t, err, ErrNotFound)
	mustIs(t, c.opWait(ctx)(c.RenameInstanceBackup(ctx, name, "full", "x")), ErrNotFound)
}

func TestStorageVolumeBackups(t *testing.T) {
	c := unixClient(t)
	ctx := testCtx(t)
	pool := lxdEnv(t).pool
	vol, imported, imported2 := uniq("govb"), uniq("govi"), uniq("govi")
	must(t, c.opWait(ctx)(c.CreateStorageVolume(ctx, pool, "custom", StorageVolume{Name: vol, Config: map[string]string{}})))
	t.Cleanup(func() {
		ctx := testCtx(t)
		for _, v := range []string{vol, imported, imported2} {
			for _, s := range []string{"s1"} {
				c.opWait(ctx)(c.DeleteStorageVolumeSnapshot(ctx, pool, "custom", v, s))
			}
			c.opWait(ctx)(c.DeleteStorageVolume(ctx, pool, "custom", v))
		}
	})
	must(t, c.opWait(ctx)(c.CreateStorageVolumeSnapshot(ctx, pool, "custom", vol, "s1", "")))

	must(t, c.opWait(ctx)(c.CreateStorageVolumeBackup(ctx, pool, "custom", vol, StorageVolumeBackupCreate{Name: "vb0"})))
	must(t, c.opWait(ctx)(c.CreateStorageVolumeBackup(ctx, pool, "custom", vol, StorageVolumeBackupCreate{Name: "vb-only", VolumeOnly: true})))
	names, err := c.ListStorageVolumeBackupNames(ctx, pool, "custom", vol)
	must(t, err)
	if len(names) != 2 || !slices.Contains(names, "vb0") || !slices.Contains(names, "vb-only") {
		t.Fatalf("volume backup names %v", names)
	}
	b, err := c.GetStorageVolumeBackup(ctx, pool, "custom", vol, "vb-only")
	must(t, err)
	if b.Name != "vb-only" || !b.VolumeOnly || b.CreatedAt.IsZero() {
		t.Fatalf("volume backup %+v", b)
	}
	must(t, c.opWait(ctx)(c.RenameStorageVolumeBackup(ctx, pool, "custom", vol, "vb0", "vb1")))
	all, err := c.ListStorageVolumeBackups(ctx, pool, "custom", vol)
	must(t, err)
	if len(all) != 2 || slices.IndexFunc(all, func(x *StorageVolumeBackup) bool { return x.Name == "vb1" && !x.VolumeOnly }) < 0 {
		t.Fatalf("volume backups %+v", all)
	}

	path := filepath.Join(t.TempDir(), "vol-backup.tar.gz")
	var calls int
	var last uint64
	must(t, c.ExportStorageVolumeBackup(ctx, pool, "custom", vol, "vb1", path, func(done, total uint64) bool { calls++; last = done; return true }))
	data, err := os.ReadFile(path)
	must(t, err)
	if !isGzip(data) || calls < 2 || last != uint64(len(data)) {
		t.Fatalf("export: %d bytes, gzip %v, %d calls, last %d", len(data), isGzip(data), calls, last)
	}
	var buf bytes.Buffer
	must(t, c.ExportStorageVolumeBackupTo(ctx, pool, "custom", vol, "vb-only", &buf, nil))
	if !isGzip(buf.Bytes()) {
		t.Fatalf("ExportStorageVolumeBackupTo wrote %d bytes, not gzip", buf.Len())
	}

	must(t, c.ImportStorageVolumeBackup(ctx, pool, path, imported, nil))
	snaps, err := c.ListStorageVolumeSnapshotNames(ctx, pool, "custom", imported)
	must(t, err)
	if !slices.Contains(snaps, "s1") {
		t.Fatalf("imported volume's snapshots %v", snaps)
	}
	must(t, c.ImportStorageVolumeBackupFrom(ctx, pool, bytes.NewReader(buf.Bytes()), imported2, nil))
	ok, err := c.StorageVolumeExists(ctx, pool, "custom", imported2)
	must(t, err)
	if !ok {
		t.Fatal("the volume imported from a reader does not exist")
	}

	must(t, c.opWait(ctx)(c.DeleteStorageVolumeBackup(ctx, pool, "custom", vol, "vb1")))
	must(t, c.opWait(ctx)(c.DeleteStorageVolumeBackup(ctx, pool, "custom", vol, "vb-only")))
	_, err = c.GetStorageVolumeBackup(ctx, pool, "custom", vol, "vb1")
	mustIs(t, err, ErrNotFound)
}
