//go:build cgo

package lxdclient

import (
	"bytes"
	"context"
	"crypto/sha256"
	"io"
	"os"
	"path/filepath"
	"sort"
	"sync/atomic"
	"testing"
)

func TestFiles(t *testing.T) {
	c := unixClient(t)
	inst := runningInstance(t, c)
	name := inst.Name
	dir := t.TempDir()

	t.Run("PushReaderPullWriter", func(t *testing.T) {
		ctx := testCtx(t)
		const size = 5 << 20
		var calls atomic.Int64
		var last atomic.Uint64
		must(t, c.PushFile(ctx, name, "/tmp/big", &patternReader{left: size}, &FileOptions{Mode: 0o640, UID: 1000, GID: 1000,
			Progress: func(done, total uint64) bool { calls.Add(1); last.Store(done); return true }}))
		if calls.Load() == 0 || last.Load() != size {
			t.Fatalf("push progress: %d calls, last %d", calls.Load(), last.Load())
		}
		want := sha256.New()
		io.Copy(want, &patternReader{left: size})
		got := sha256.New()
		cw := &countingWriter{w: got}
		var pullTotal atomic.Uint64
		info, err := c.PullFile(ctx, name, "/tmp/big", cw, func(done, total uint64) bool { pullTotal.Store(total); return true })
		must(t, err)
		if cw.get() != size || !bytes.Equal(got.Sum(nil), want.Sum(nil)) {
			t.Fatalf("pulled %d bytes, same %v", cw.get(), bytes.Equal(got.Sum(nil), want.Sum(nil)))
		}
		if info.Type != FileTypeFile || info.Mode != 0o640 || info.UID != 1000 || info.GID != 1000 || info.Size != size || pullTotal.Load() != size {
			t.Fatalf("info %+v, progress total %d", info, pullTotal.Load())
		}
		st, err := c.StatFile(ctx, name, "/tmp/big")
		must(t, err)
		if st.Type != FileTypeFile || st.Mode != 0o640 || st.Size != -1 {
			t.Fatalf("stat %+v", st)
		}
	})

	t.Run("LocalPaths", func(t *testing.T) {
		ctx := testCtx(t)
		src := filepath.Join(dir, "src")
		data := bytes.Repeat([]byte("0123456789abcdef"), 1<<16)
		must(t, os.WriteFile(src, data, 0o600))
		var total atomic.Uint64
		must(t, c.PushFileFromPath(ctx, name, "/root/f", src, &FileOptions{Mode: 0o604,
			Progress: func(done, tot uint64) bool { total.Store(tot); return true }}))
		if total.Load() != uint64(len(data)) {
			t.Fatalf("progress total %d", total.Load())
		}
		dst := filepath.Join(dir, "dst")
		info, err := c.PullFileToPath(ctx, name, "/root/f", dst, nil)
		must(t, err)
		back, err := os.ReadFile(dst)
		must(t, err)
		st, err := os.Stat(dst)
		must(t, err)
		if !bytes.Equal(back, data) || info.Mode != 0o604 || st.Mode().Perm() != 0o604 {
			t.Fatalf("%d bytes back, info %+v, local mode %v", len(back), info, st.Mode())
		}
		// an *os.File is read and written through its descriptor directly
		f, err := os.Open(src)
		must(t, err)
		must(t, c.PushFile(ctx, name, "/root/g", f, nil))
		f.Close()
		out, err := os.Create(filepath.Join(dir, "g"))
		must(t, err)
		_, err = c.PullFile(ctx, name, "/root/g", out, nil)
		must(t, err)
		out.Close()
		back, _ = os.ReadFile(filepath.Join(dir, "g"))
		if !bytes.Equal(back, data) {
			t.Fatal("*os.File round trip differs")
		}
	})

	t.Run("BytesAppendDirsLinks", func(t *testing.T) {
		ctx := testCtx(t)
		must(t, c.Mkdir(ctx, name, "/tmp/d", &FileOptions{Mode: 0o750}))
		must(t, c.Mkdir(ctx, name, "/tmp/d", nil)) // existing: fine
		must(t, c.WriteFile(ctx, name, "/tmp/d/a", []byte("hello "), nil))
		must(t, c.WriteFile(ctx, name, "/tmp/d/a", []byte("world"), &FileOptions{Append: true}))
		must(t, c.WriteFile(ctx, name, "/tmp/d/empty", nil, nil))
		must(t, c.Symlink(ctx, name, "/tmp/d/l", "a", nil))
		data, info, err := c.ReadFile(ctx, name, "/tmp/d/a", 0)
		must(t, err)
		if string(data) != "hello world" || info.Type != FileTypeFile {
			t.Fatalf("%q %+v", data, info)
		}
		data, _, err = c.ReadFile(ctx, name, "/tmp/d/empty", 0)
		must(t, err)
		if len(data) != 0 {
			t.Fatalf("empty file: %q", data)
		}
		_, _, err = c.ReadFile(ctx, name, "/tmp/d/a", 5)
		mustIs(t, err, ErrIO)
		st, err := c.StatFile(ctx, name, "/tmp/d/l")
		must(t, err)
		if st.Type != FileTypeSymlink {
			t.Fatalf("symlink stat %+v", st)
		}
		st, err = c.StatFile(ctx, name, "/tmp/d")
		must(t, err)
		if st.Type != FileTypeDirectory || st.Mode != 0o750 {
			t.Fatalf("dir stat %+v", st)
		}
		names, err := c.ListFiles(ctx, name, "/tmp/d")
		must(t, err)
		sort.Strings(names)
		if len(names) != 3 || names[0] != "a" || names[1] != "empty" || names[2] != "l" {
			t.Fatalf("list %v", names)
		}
		for _, n := range []string{"a", "empty", "l"} {
			must(t, c.DeleteFile(ctx, name, "/tmp/d/"+n))
		}
		must(t, c.DeleteFile(ctx, name, "/tmp/d"))
		_, err = c.StatFile(ctx, name, "/tmp/d")
		mustIs(t, err, ErrNotFound)
		_, err = c.PullFile(ctx, name, "/no/such", io.Discard, nil)
		mustIs(t, err, ErrNotFound)
	})

	t.Run("Trees", func(t *testing.T) {
		ctx := testCtx(t)
		local := filepath.Join(dir, "tree")
		must(t, os.MkdirAll(filepath.Join(local, "sub/deeper"), 0o755))
		must(t, os.WriteFile(filepath.Join(local, "top.txt"), []byte("top"), 0o644))
		must(t, os.WriteFile(filepath.Join(local, "sub/deeper/x.bin"), bytes.Repeat([]byte{7}, 100000), 0o600))
		must(t, os.Symlink("top.txt", filepath.Join(local, "link")))
		st, err := c.PushTree(ctx, name, local, "/tmp/tree", nil)
		must(t, err)
		if st.Files != 2 || st.Symlinks != 1 || st.Directories != 3 || st.Bytes != 100003 {
			t.Fatalf("push stats %+v", st)
		}
		back := filepath.Join(dir, "back")
		var done atomic.Uint64
		st, err = c.PullTree(ctx, name, "/tmp/tree", back, func(d, _ uint64) bool { done.Store(d); return true })
		must(t, err)
		if st.Files != 2 || st.Symlinks != 1 || done.Load() != 100003 {
			t.Fatalf("pull stats %+v, progress %d", st, done.Load())
		}
		x, err := os.ReadFile(filepath.Join(back, "sub/deeper/x.bin"))
		must(t, err)
		l, err := os.Readlink(filepath.Join(back, "link"))
		must(t, err)
		// LXD 5.0.2 answers a symlink's GET with its target resolved to an absolute path (lxc file
		// pull shows the same), so the relative link comes back absolute.
		if len(x) != 100000 || l != "/tmp/tree/top.txt" {
			t.Fatalf("%d bytes, link %q", len(x), l)
		}
	})

	t.Run("StopAndCancel", func(t *testing.T) {
		ctx := testCtx(t)
		// the progress callback stops the push
		err := c.PushFile(ctx, name, "/tmp/stopped", &patternReader{left: 50 << 20},
			&FileOptions{Progress: func(done, _ uint64) bool { return done < 1<<20 }})
		mustIs(t, err, ErrCancelled)

		// a cancelled context stops a pull to a path, leaving nothing behind
		must(t, c.PushFile(ctx, name, "/tmp/big2", &patternReader{left: 30 << 20}, nil))
		cctx, cancel := context.WithCancel(ctx)
		dst := filepath.Join(dir, "cancelled")
		_, err = c.PullFileToPath(cctx, name, "/tmp/big2", dst, func(done, _ uint64) bool {
			if done > 1<<20 {
				cancel()
			}
			return true
		})
		mustIs(t, err, context.Canceled)
		if _, statErr := os.Stat(dst); !os.IsNotExist(statErr) {
			t.Fatalf("%s left behind: %v", dst, statErr)
		}
		entries, _ := os.ReadDir(dir)
		for _, e := range entries {
			if e.Name()[0] == '.' {
				t.Fatalf("temporary %s left behind", e.Name())
			}
		}

		// a failing writer ends the pull with its error
		_, err = c.PullFile(ctx, name, "/tmp/big2", &failingWriter{}, nil)
		mustIs(t, err, ErrIO)
		mustIs(t, err, errWriterBroke)
	})
}
