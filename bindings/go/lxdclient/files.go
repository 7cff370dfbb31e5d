//go:build cgo

package lxdclient

/*
#include <stdlib.h>
#include <lxdclient.h>
*/
import "C"

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"os"
	"runtime"
	"sync"
	"syscall"
	"unsafe"
)

// FileType is what a path in an instance is.
type FileType int

// The file types LXD reports.
const (
	FileTypeFile      FileType = C.LXD_FILE_TYPE_FILE
	FileTypeDirectory FileType = C.LXD_FILE_TYPE_DIRECTORY
	FileTypeSymlink   FileType = C.LXD_FILE_TYPE_SYMLINK
)

func (t FileType) String() string {
	switch t {
	case FileTypeFile:
		return "file"
	case FileTypeDirectory:
		return "directory"
	case FileTypeSymlink:
		return "symlink"
	}
	return "unknown"
}

// FileInfo is what LXD reports about a path in an instance.
type FileInfo struct {
	Type     FileType
	UID, GID uint32
	// Mode holds the permission bits (e.g. 0644).
	Mode os.FileMode
	// Size is the size LXD announced, or -1 when unknown (directories, StatFile).
	Size int64
}

func fileInfo(i *C.lxd_file_info) *FileInfo {
	return &FileInfo{Type: FileType(i.kind), UID: uint32(i.uid), GID: uint32(i.gid), Mode: os.FileMode(i.mode) & os.ModePerm, Size: int64(i.size)}
}

// FileOptions are the owner, mode and write mode of a pushed file, a created directory or
// symlink (zero values: LXD's defaults, root and LXD's default mode). LXD applies owner and mode
// only when it creates the path.
type FileOptions struct {
	UID, GID uint32
	// Mode holds permission bits (0: LXD's default).
	Mode os.FileMode
	// Append appends to an existing file instead of replacing it.
	Append bool
	// Progress, when set, is told how the transfer goes and may stop it.
	Progress ProgressFunc
}

// fileOptions copies o to C memory freed with a's strings (nil for nil).
func (a *cArgs) fileOptions(o *FileOptions) *C.lxd_file_options {
	if o == nil {
		return nil
	}
	p := (*C.lxd_file_options)(C.calloc(1, C.size_t(unsafe.Sizeof(C.lxd_file_options{}))))
	a.ptrs = append(a.ptrs, unsafe.Pointer(p))
	p.uid, p.gid, p.mode, p.append = C.uint32_t(o.UID), C.uint32_t(o.GID), C.uint32_t(o.Mode&os.ModePerm), C.bool(o.Append)
	return p
}

func (o *FileOptions) progress() ProgressFunc {
	if o == nil {
		return nil
	}
	return o.Progress
}

// transfer runs a streaming C call to completion: it is not abandoned when ctx ends, it is
// stopped by its progress callback at the next chunk (so its streams and handles can be released
// safely).
func (c *Client) transfer(ctx context.Context, a *cArgs, fn func(p *C.lxd_client) error) error {
	if err := useCheck(c, ctx, a); err != nil {
		a.free()
		return err
	}
	return c.useNow(a, fn)
}

// transferProgress names the progress type where a parameter called progress hides it.
type transferProgress = progress

// download runs one C download with a progress handler, its failure in a transfer's words
// (the context's error when ctx ended). fn gets the progress to hand to the C call.
func (c *Client) download(ctx context.Context, a *cArgs, progress ProgressFunc, fn func(p *C.lxd_client, prog *transferProgress, e **C.lxd_error) C.enum_lxd_result) error {
	prog := newProgress(ctx, progress)
	defer prog.release()
	err := c.transfer(ctx, a, func(p *C.lxd_client) error {
		var cerr *C.lxd_error
		return takeError(fn(p, prog, &cerr), cerr)
	})
	return prog.explain(err)
}

// downloadTo is download into w: fn has the C call write to the descriptor fd (w's own for a
// regular *os.File, else a pipe copied into w). On failure part of the data may be in w.
func (c *Client) downloadTo(ctx context.Context, a *cArgs, w io.Writer, progress ProgressFunc, fn func(p *C.lxd_client, fd C.int, prog *transferProgress, e **C.lxd_error) C.enum_lxd_result) error {
	if w == nil {
		a.free()
		return invalidArgument("nil writer")
	}
	prog := newProgress(ctx, progress)
	defer prog.release()
	s, err := newSink(w, prog)
	if err != nil {
		a.free()
		return err
	}
	err = c.transfer(ctx, a, func(p *C.lxd_client) error {
		var cerr *C.lxd_error
		return takeError(fn(p, C.int(s.fd), prog, &cerr), cerr)
	})
	return prog.explain(s.finish(err))
}

// PushFile uploads r's content to remotePath in an instance (POST /1.0/instances/<i>/files),
// streamed. opts may be nil. A regular *os.File is read from its descriptor directly (its size
// is sent, and progress has a total); any other reader streams through a pipe (total 0). Ending
// ctx stops the upload at the next chunk (LXD may keep the part it received).
func (c *Client) PushFile(ctx context.Context, instance, remotePath string, r io.Reader, opts *FileOptions) error {
	if r == nil {
		return invalidArgument("nil reader")
	}
	var a cArgs
	inst, rp := a.str(instance), a.str(remotePath)
	co := a.fileOptions(opts)
	prog := newProgress(ctx, opts.progress())
	defer prog.release()

	var fd uintptr
	var keep any
	var pumpDone chan error
	var pr, pw *os.File
	if f, ok := r.(*os.File); ok && isRegular(f) {
		fd, keep = f.Fd(), f
	} else {
		var err error
		if pr, pw, err = os.Pipe(); err != nil {
			a.free()
			return &Error{Code: CodeIO, Message: "pipe: " + err.Error(), cause: err}
		}
		fd = pr.Fd() // blocking mode, for the library's reads
		pumpDone = make(chan error, 1)
		go func() {
			_, err := io.Copy(pw, r)
			if err != nil && !isBrokenPipe(err) {
				prog.stop(err) // stop at the next chunk rather than upload a truncated file
			}
			pw.Close()
			pumpDone <- err
		}()
	}
	err := c.transfer(ctx, &a, func(p *C.lxd_client) error {
		var cerr *C.lxd_error
		return takeError(C.lxd_file_push_fd(p, inst, rp, C.int(fd), co, prog.cb(), prog.user(), &cerr), cerr)
	})
	runtime.KeepAlive(keep)
	if pr != nil {
		pr.Close() // a pump still writing fails with EPIPE
		pumpErr := <-pumpDone
		if err != nil && pumpErr != nil && !errors.Is(pumpErr, os.ErrClosed) && !isBrokenPipe(pumpErr) {
			return &Error{Code: CodeIO, Message: "reading the content to push: " + pumpErr.Error(), cause: pumpErr}
		}
		if err == nil && pumpErr != nil {
			return &Error{Code: CodeIO, Message: "reading the content to push: " + pumpErr.Error(), cause: pumpErr}
		}
	}
	return prog.explain(err)
}

// PushFileFromPath uploads the local file localPath to remotePath in an instance, streamed (its
// size is sent, and progress has a total). opts may be nil.
func (c *Client) PushFileFromPath(ctx context.Context, instance, remotePath, localPath string, opts *FileOptions) error {
	var a cArgs
	inst, rp, lp := a.str(instance), a.str(remotePath), a.str(localPath)
	co := a.fileOptions(opts)
	prog := newProgress(ctx, opts.progress())
	defer prog.release()
	return prog.explain(c.transfer(ctx, &a, func(p *C.lxd_client) error {
		var cerr *C.lxd_error
		return takeError(C.lxd_file_push_path(p, inst, rp, lp, co, prog.cb(), prog.user(), &cerr), cerr)
	}))
}

// WriteFile uploads data to remotePath in an instance (small content from memory). opts may be
// nil; its Progress is not used.
func (c *Client) WriteFile(ctx context.Context, instance, remotePath string, data []byte, opts *FileOptions) error {
	var a cArgs
	inst, rp := a.str(instance), a.str(remotePath)
	co := a.fileOptions(opts)
	var buf unsafe.Pointer
	if len(data) > 0 {
		buf = C.CBytes(data)
		a.ptrs = append(a.ptrs, buf) // freed with the strings, once the call is over
	}
	return c.use(ctx, &a, func(p *C.lxd_client) error {
		var cerr *C.lxd_error
		return takeError(C.lxd_file_push_bytes(p, inst, rp, (*C.uint8_t)(buf), C.size_t(len(data)), co, &cerr), cerr)
	})
}

// PullFile downloads remotePath from an instance into w, streamed, and returns what LXD reports
// about it. progress may be nil. A symlink gives its target path as the content. On failure some
// data may already have been written to w. Ending ctx stops the download at the next chunk.
func (c *Client) PullFile(ctx context.Context, instance, remotePath string, w io.Writer, progress ProgressFunc) (*FileInfo, error) {
	var a cArgs
	inst, rp := a.str(instance), a.str(remotePath)
	var info C.lxd_file_info
	err := c.downloadTo(ctx, &a, w, progress, func(p *C.lxd_client, fd C.int, prog *transferProgress, e **C.lxd_error) C.enum_lxd_result {
		return C.lxd_file_pull_fd(p, inst, rp, fd, prog.cb(), prog.user(), &info, e)
	})
	if err != nil {
		return nil, err
	}
	return fileInfo(&info), nil
}

// PullFileToPath downloads remotePath from an instance to the local path localPath, atomically:
// localPath is replaced (with the remote file's permission bits) only once all data arrived; on
// any failure, including a cancel, nothing is left behind. A remote symlink becomes a local one.
func (c *Client) PullFileToPath(ctx context.Context, instance, remotePath, localPath string, progress ProgressFunc) (*FileInfo, error) {
	var a cArgs
	inst, rp, lp := a.str(instance), a.str(remotePath), a.str(localPath)
	var info C.lxd_file_info
	err := c.download(ctx, &a, progress, func(p *C.lxd_client, prog *transferProgress, e **C.lxd_error) C.enum_lxd_result {
		return C.lxd_file_pull_path(p, inst, rp, lp, prog.cb(), prog.user(), &info, e)
	})
	if err != nil {
		return nil, err
	}
	return fileInfo(&info), nil
}

// ReadFile downloads remotePath into memory; a file larger than maxLen bytes fails with ErrIO
// (maxLen 0: no limit).
func (c *Client) ReadFile(ctx context.Context, instance, remotePath string, maxLen uint64) ([]byte, *FileInfo, error) {
	var a cArgs
	inst, rp := a.str(instance), a.str(remotePath)
	var data []byte
	var fi *FileInfo
	err := c.use(ctx, &a, func(p *C.lxd_client) error {
		var buf *C.uint8_t
		var n C.size_t
		var info C.lxd_file_info
		var cerr *C.lxd_error
		if err := takeError(C.lxd_file_pull_bytes(p, inst, rp, C.uint64_t(maxLen), &buf, &n, &info, &cerr), cerr); err != nil {
			return err
		}
		data = C.GoBytes(unsafe.Pointer(buf), C.int(n))
		C.lxd_bytes_free(buf, n)
		fi = fileInfo(&info)
		return nil
	})
	if err != nil {
		return nil, nil, err
	}
	return data, fi, nil
}

// StatFile reports a path's type, owner and mode without its content (HEAD …/files). Missing:
// ErrNotFound.
func (c *Client) StatFile(ctx context.Context, instance, path string) (*FileInfo, error) {
	var a cArgs
	inst, rp := a.str(instance), a.str(path)
	var fi *FileInfo
	err := c.use(ctx, &a, func(p *C.lxd_client) error {
		var info C.lxd_file_info
		var cerr *C.lxd_error
		if err := takeError(C.lxd_file_stat(p, inst, rp, &info, &cerr), cerr); err != nil {
			return err
		}
		fi = fileInfo(&info)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return fi, nil
}

// ListFiles lists the names in a directory of an instance.
func (c *Client) ListFiles(ctx context.Context, instance, dir string) ([]string, error) {
	var a cArgs
	inst, rp := a.str(instance), a.str(dir)
	s, err := c.callString(ctx, &a, func(p *C.lxd_client, out **C.char, e **C.lxd_error) C.enum_lxd_result {
		return C.lxd_file_list(p, inst, rp, out, e)
	})
	if err != nil {
		return nil, err
	}
	var names []string
	if err := json.Unmarshal([]byte(s), &names); err != nil {
		return nil, &Error{Code: CodeProtocol, Message: "cannot decode the file list: " + err.Error()}
	}
	return names, nil
}

// Mkdir creates a directory in an instance (its parent must exist; an existing one is fine).
// opts may be nil.
func (c *Client) Mkdir(ctx context.Context, instance, path string, opts *FileOptions) error {
	var a cArgs
	inst, rp := a.str(instance), a.str(path)
	co := a.fileOptions(opts)
	return c.use(ctx, &a, func(p *C.lxd_client) error {
		var cerr *C.lxd_error
		return takeError(C.lxd_file_mkdir(p, inst, rp, co, &cerr), cerr)
	})
}

// Symlink creates a symlink at path pointing to target in an instance. opts may be nil.
func (c *Client) Symlink(ctx context.Context, instance, path, target string, opts *FileOptions) error {
	var a cArgs
	inst, rp, tg := a.str(instance), a.str(path), a.str(target)
	co := a.fileOptions(opts)
	return c.use(ctx, &a, func(p *C.lxd_client) error {
		var cerr *C.lxd_error
		return takeError(C.lxd_file_symlink(p, inst, rp, tg, co, &cerr), cerr)
	})
}

// DeleteFile deletes a file, symlink or empty directory in an instance. Missing: ErrNotFound.
func (c *Client) DeleteFile(ctx context.Context, instance, path string) error {
	var a cArgs
	inst, rp := a.str(instance), a.str(path)
	return c.callErr(ctx, &a, func(p *C.lxd_client, e **C.lxd_error) C.enum_lxd_result {
		return C.lxd_file_delete(p, inst, rp, e)
	})
}

// TreeStats counts what a tree transfer did.
type TreeStats struct {
	Files, Directories, Symlinks uint64
	// Skipped counts entries left out: unsafe names (pull), sockets, fifos, devices (push).
	Skipped uint64
	Bytes   uint64
}

// PushTree uploads the local directory localDir so that remoteDir in the instance holds the same
// entries (created if missing; its parent must exist). progress may be nil.
func (c *Client) PushTree(ctx context.Context, instance, localDir, remoteDir string, progress ProgressFunc) (*TreeStats, error) {
	return c.tree(ctx, instance, localDir, remoteDir, progress, true)
}

// PullTree downloads the directory remoteDir into the new local directory localDir (it must not
// exist). Names that are not one safe path component are dropped; on failure localDir is removed.
func (c *Client) PullTree(ctx context.Context, instance, remoteDir, localDir string, progress ProgressFunc) (*TreeStats, error) {
	return c.tree(ctx, instance, remoteDir, localDir, progress, false)
}

func (c *Client) tree(ctx context.Context, instance, from, to string, progress ProgressFunc, push bool) (*TreeStats, error) {
	var a cArgs
	inst, f, t := a.str(instance), a.str(from), a.str(to)
	var st C.lxd_tree_stats
	err := c.download(ctx, &a, progress, func(p *C.lxd_client, prog *transferProgress, e **C.lxd_error) C.enum_lxd_result {
		if push {
			return C.lxd_file_push_tree(p, inst, f, t, prog.cb(), prog.user(), &st, e)
		}
		return C.lxd_file_pull_tree(p, inst, f, t, prog.cb(), prog.user(), &st, e)
	})
	if err != nil {
		return nil, err
	}
	return &TreeStats{Files: uint64(st.files), Directories: uint64(st.directories), Symlinks: uint64(st.symlinks), Skipped: uint64(st.skipped), Bytes: uint64(st.bytes)}, nil
}

// sink is a descriptor the library writes to, feeding an io.Writer: a regular *os.File's own
// descriptor, else a pipe drained by a goroutine.
type sink struct {
	fd     uintptr
	keep   any
	pr, pw *os.File
	wg     sync.WaitGroup
	prog   *progress
}

// newSink prepares w; a failing w stops the transfer through prog at its next chunk.
func newSink(w io.Writer, prog *progress) (*sink, error) {
	s := &sink{prog: prog}
	if f, ok := w.(*os.File); ok && isRegular(f) {
		s.fd, s.keep = f.Fd(), f
		return s, nil
	}
	var err error
	if s.pr, s.pw, err = os.Pipe(); err != nil {
		return nil, &Error{Code: CodeIO, Message: "pipe: " + err.Error(), cause: err}
	}
	s.fd = s.pw.Fd() // blocking mode, for the library's writes
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		if _, err := io.Copy(w, s.pr); err != nil {
			prog.stop(err)
			_, _ = io.Copy(io.Discard, s.pr) // the library's writes must not block
		}
	}()
	return s, nil
}

// finish is called once the library is done writing: it waits until w has everything, and
// returns err, or w's failure when the transfer itself succeeded.
func (s *sink) finish(err error) error {
	runtime.KeepAlive(s.keep)
	if s.pw == nil {
		return err
	}
	s.pw.Close()
	s.wg.Wait()
	s.pr.Close()
	if a := s.prog.abort.Load(); a != nil && err == nil {
		return &Error{Code: CodeIO, Message: (*a).Error(), cause: *a}
	}
	return err
}

func isRegular(f *os.File) bool {
	st, err := f.Stat()
	return err == nil && st.Mode().IsRegular()
}

func isBrokenPipe(err error) bool { return errors.Is(err, syscall.EPIPE) }
