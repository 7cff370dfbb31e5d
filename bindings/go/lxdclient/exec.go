//go:build cgo

package lxdclient

/*
#include <stdlib.h>
#include <stdint.h>
#include <lxdclient.h>

extern int64_t goExecRead(void *user, uint8_t *buf, size_t len);
extern int64_t goExecWrite(void *user, uint8_t *buf, size_t len);

// The handle travels as the callbacks' user pointer; converting it here keeps Go from
// turning an integer into a pointer.
static enum lxd_result go_exec_set_stdin(lxd_exec *e, uintptr_t h, lxd_error **err) {
	return lxd_exec_set_stdin_cb(e, (lxd_read_cb)goExecRead, (void *)h, err);
}
static enum lxd_result go_exec_set_stdout(lxd_exec *e, uintptr_t h, lxd_error **err) {
	return lxd_exec_set_stdout_cb(e, (lxd_write_cb)goExecWrite, (void *)h, err);
}
static enum lxd_result go_exec_set_stderr(lxd_exec *e, uintptr_t h, lxd_error **err) {
	return lxd_exec_set_stderr_cb(e, (lxd_write_cb)goExecWrite, (void *)h, err);
}
*/
import "C"

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"runtime"
	"runtime/cgo"
	"sync"
	"time"
	"unsafe"
)

// ExecOptions configures a command run in an instance (LXD's exec options).
type ExecOptions struct {
	// Env adds environment variables (LXD's "environment").
	Env map[string]string
	// Cwd is the working directory ("": LXD's default, the user's home or /root).
	Cwd string
	// User and Group run the command as this uid and gid (0: root).
	User, Group uint32
	// Stdin is read until io.EOF and fed to the command (nil: no input). As with os/exec, a
	// Stdin whose Read blocks keeps Exec waiting after the command ended, until Read returns or
	// the context ends.
	Stdin io.Reader
	// Stdout and Stderr receive the command's output as it comes (nil: dropped). They may be
	// called at the same time as each other, unless they are the same writer: then calls are
	// serialised.
	Stdout, Stderr io.Writer
	// RecordOutput has LXD record the output in log files on the server instead of streaming
	// it ("record-output"); Stdout and Stderr then get the logs' contents once the command
	// ended. The command gets no stdin: Stdin must be nil.
	RecordOutput bool
	// Width and Height size an interactive session's terminal (0: LXD's default, 80x24).
	Width, Height uint32
	// Timeout bounds the whole exec (0: the client's operation deadline, see
	// WithOperationDeadline); past it the command is killed and Exec returns an ErrTimeout
	// error. A context deadline does the same.
	Timeout time.Duration
}

func (o *ExecOptions) json(interactive bool) ([]byte, error) {
	m := map[string]any{}
	if len(o.Env) > 0 {
		m["environment"] = o.Env
	}
	if o.Cwd != "" {
		m["cwd"] = o.Cwd
	}
	if o.User != 0 {
		m["user"] = o.User
	}
	if o.Group != 0 {
		m["group"] = o.Group
	}
	if o.RecordOutput {
		if o.Stdin != nil {
			return nil, invalidArgument("ExecOptions.RecordOutput gives the command no stdin; Stdin must be nil")
		}
		m["record-output"] = true
	}
	if interactive {
		m["interactive"] = true
		if o.Width != 0 {
			m["width"] = o.Width
		}
		if o.Height != 0 {
			m["height"] = o.Height
		}
	}
	if o.Timeout < 0 {
		return nil, invalidArgument("negative exec timeout %v", o.Timeout)
	}
	if o.Timeout > 0 {
		m["timeout_ms"] = max(int64(o.Timeout/time.Millisecond), 1)
	}
	return json.Marshal(m)
}

// Exec runs cmd in an instance to completion (POST /1.0/instances/<instance>/exec and its
// websockets), streaming opts.Stdin to it and its output to opts.Stdout and opts.Stderr, and
// returns its exit code: 0 success, 127 not found, 126 not executable, 128+N killed by signal N.
// A non-zero exit code is not an error.
//
// When ctx ends, the command is killed (lxd_exec_cancel from another goroutine) and Exec returns
// promptly with ErrCancelled wrapping context.Canceled (or ErrTimeout wrapping
// context.DeadlineExceeded). A failing Stdin, Stdout or Stderr ends the exec with an ErrIO error
// wrapping that failure. The exec holds its own reference to the client's connections: closing
// the Client does not end it (cancel ctx for that).
func (c *Client) Exec(ctx context.Context, instance string, cmd []string, opts ExecOptions) (int, error) {
	r, err := c.execRun(ctx, instance, cmd, opts, false)
	if err != nil {
		return -1, err
	}
	return r.ExitCode, nil
}

// ExecDetailed runs cmd like Exec and returns how it ended: the exit code, LXD's failure text
// when the command could not run ("Command not found" with exit code 127), the server-side log
// paths of the outputs with RecordOutput, and the exec's final operation.
func (c *Client) ExecDetailed(ctx context.Context, instance string, cmd []string, opts ExecOptions) (*ExecResult, error) {
	return c.execRun(ctx, instance, cmd, opts, true)
}

func (c *Client) execRun(ctx context.Context, instance string, cmd []string, opts ExecOptions, detailed bool) (*ExecResult, error) {
	x, err := c.newExec(ctx, instance, cmd, &opts, false)
	if err != nil {
		return nil, err
	}
	defer x.free()

	streams, err := x.attach(ctx, &opts)
	defer streams.release()
	if err != nil {
		return nil, err
	}

	closed := make(chan struct{})
	stop := context.AfterFunc(ctx, func() {
		defer close(closed)
		C.lxd_exec_cancel(x.ptr)
	})
	var code C.int32_t
	var cerr *C.lxd_error
	rc := C.lxd_exec_run(x.ptr, &code, &cerr)
	if !stop() {
		<-closed // the cancel is done with the handle before it is freed
	}
	err = takeError(rc, cerr)
	if err != nil {
		return nil, x.explain(ctx, err, streams)
	}
	if !detailed {
		return &ExecResult{ExitCode: int(code)}, nil
	}
	var out *C.char
	cerr = nil
	if err := takeError(C.lxd_exec_result_json(x.ptr, &out, &cerr), cerr); err != nil {
		return nil, err
	}
	return decodeAs[*ExecResult](takeString(out), nil)
}

// ExecOutput runs cmd like Exec and returns everything it wrote to stdout and stderr
// (opts.Stdout and opts.Stderr are ignored).
func (c *Client) ExecOutput(ctx context.Context, instance string, cmd []string, opts ExecOptions) (code int, stdout, stderr []byte, err error) {
	var out, errb bytes.Buffer
	opts.Stdout, opts.Stderr = &out, &errb
	code, err = c.Exec(ctx, instance, cmd, opts)
	if err != nil {
		return -1, nil, nil, err
	}
	return code, out.Bytes(), errb.Bytes(), nil
}

// execHandle is one lxd_exec.
type execHandle struct {
	ptr *C.lxd_exec
}

func (c *Client) newExec(ctx context.Context, instance string, cmd []string, opts *ExecOptions, interactive bool) (*execHandle, error) {
	if len(cmd) == 0 {
		return nil, invalidArgument("empty command")
	}
	optJSON, err := opts.json(interactive)
	if err != nil {
		return nil, err
	}
	var a cArgs
	inst := a.str(instance)
	o := a.str(string(optJSON))
	argv := C.malloc(C.size_t(len(cmd)) * C.size_t(unsafe.Sizeof((*C.char)(nil))))
	defer C.free(argv)
	args := unsafe.Slice((**C.char)(argv), len(cmd))
	for i, s := range cmd {
		args[i] = a.str(s)
	}
	if err := useCheck(c, ctx, &a); err != nil {
		a.free()
		return nil, err
	}
	var ptr *C.lxd_exec
	// The handle keeps its own reference to the client's connections: only its creation needs
	// the client.
	err = c.useNow(&a, func(p *C.lxd_client) error {
		var cerr *C.lxd_error
		return takeError(C.lxd_exec_new(p, inst, (**C.char)(argv), C.size_t(len(cmd)), o, &ptr, &cerr), cerr)
	})
	if err != nil {
		return nil, err
	}
	return &execHandle{ptr: ptr}, nil
}

func (x *execHandle) free() {
	if x.ptr != nil {
		C.lxd_exec_free(x.ptr)
		x.ptr = nil
	}
}

// execStreams are the Go sides of one exec's callbacks.
type execStreams struct {
	handles []cgo.Handle
	all     []*execStream
}

func (s *execStreams) release() {
	for _, st := range s.all {
		st.stopPump()
	}
	for _, h := range s.handles {
		h.Delete()
	}
	s.handles = nil
}

// firstError is the first callback failure, if any.
func (s *execStreams) firstError() error {
	for _, st := range s.all {
		st.mu.Lock()
		err := st.err
		st.mu.Unlock()
		if err != nil {
			return err
		}
	}
	return nil
}

func (x *execHandle) attach(ctx context.Context, opts *ExecOptions) (*execStreams, error) {
	s := &execStreams{}
	add := func(st *execStream, set func(h C.uintptr_t, e **C.lxd_error) C.enum_lxd_result) error {
		h := cgo.NewHandle(st)
		s.handles = append(s.handles, h)
		s.all = append(s.all, st)
		var cerr *C.lxd_error
		return takeError(set(C.uintptr_t(h), &cerr), cerr)
	}
	if opts.Stdin != nil {
		st := &execStream{name: "stdin", r: opts.Stdin, ctxDone: ctx.Done()}
		if err := add(st, func(h C.uintptr_t, e **C.lxd_error) C.enum_lxd_result { return C.go_exec_set_stdin(x.ptr, h, e) }); err != nil {
			return s, err
		}
	}
	var shared *sync.Mutex
	if opts.Stdout != nil && opts.Stderr != nil && sameWriter(opts.Stdout, opts.Stderr) {
		shared = new(sync.Mutex)
	}
	if opts.Stdout != nil {
		st := &execStream{name: "stdout", w: opts.Stdout, wmu: shared}
		if err := add(st, func(h C.uintptr_t, e **C.lxd_error) C.enum_lxd_result { return C.go_exec_set_stdout(x.ptr, h, e) }); err != nil {
			return s, err
		}
	}
	if opts.Stderr != nil {
		st := &execStream{name: "stderr", w: opts.Stderr, wmu: shared}
		if err := add(st, func(h C.uintptr_t, e **C.lxd_error) C.enum_lxd_result { return C.go_exec_set_stderr(x.ptr, h, e) }); err != nil {
			return s, err
		}
	}
	return s, nil
}

// explain turns a failed run into the error to return: the context's when it ended the exec,
// a callback's own failure when one failed.
func (x *execHandle) explain(ctx context.Context, err error, streams *execStreams) error {
	var e *Error
	if errors.As(err, &e) && (e.Code == CodeCancelled || e.Code == CodeTimeout || e.Code == CodeIO) && ctx.Err() != nil {
		return contextError(ctx.Err())
	}
	if errors.As(err, &e) && e.Code == CodeIO {
		if cause := streams.firstError(); cause != nil {
			return &Error{Code: CodeIO, Message: e.Message + ": " + cause.Error(), cause: cause}
		}
	}
	return err
}

// sameWriter reports whether two writers are the same value (as os/exec does, a non-comparable
// type counts as different).
func sameWriter(a, b io.Writer) (same bool) {
	defer func() {
		if recover() != nil {
			same = false
		}
	}()
	return a == b
}

// execStream is one of stdin, stdout and stderr, behind a cgo.Handle.
type execStream struct {
	name string

	// stdout / stderr
	w   io.Writer
	wmu *sync.Mutex // shared by stdout and stderr when they are the same writer

	// stdin: a pump goroutine reads r, so that a callback blocked on a slow Reader still ends
	// when the context does.
	r        io.Reader
	ctxDone  <-chan struct{}
	pumpOnce sync.Once
	chunks   chan execChunk
	stop     chan struct{}
	pending  []byte
	eof      bool

	mu  sync.Mutex
	err error
}

type execChunk struct {
	b   []byte
	err error
}

const execChunkSize = 64 << 10

func (s *execStream) startPump() {
	s.chunks = make(chan execChunk, 2)
	s.stop = make(chan struct{})
	go func() {
		for {
			buf := make([]byte, execChunkSize)
			n, err := s.r.Read(buf)
			if n > 0 {
				select {
				case s.chunks <- execChunk{b: buf[:n]}:
				case <-s.stop:
					return
				}
			}
			if err != nil {
				select {
				case s.chunks <- execChunk{err: err}:
				case <-s.stop:
				}
				return
			}
		}
	}()
}

func (s *execStream) stopPump() {
	s.pumpOnce.Do(func() {}) // no pump may start after this
	if s.stop != nil {
		close(s.stop)
	}
}

// read fills dst from the pump (called by one C thread at a time).
func (s *execStream) read(dst []byte) (int, error) {
	s.pumpOnce.Do(s.startPump)
	if s.chunks == nil {
		return 0, io.EOF
	}
	for len(s.pending) == 0 {
		if s.eof {
			return 0, io.EOF
		}
		select {
		case c := <-s.chunks:
			if c.err != nil {
				s.eof = true
				if errors.Is(c.err, io.EOF) {
					return 0, io.EOF
				}
				return 0, c.err
			}
			s.pending = c.b
		case <-s.ctxDone:
			return 0, context.Canceled
		}
	}
	n := copy(dst, s.pending)
	s.pending = s.pending[n:]
	return n, nil
}

func (s *execStream) write(src []byte) (int, error) {
	if s.wmu != nil {
		s.wmu.Lock()
		defer s.wmu.Unlock()
	}
	return s.w.Write(src)
}

func (s *execStream) fail(err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.err == nil {
		s.err = err
	}
}

// ExecSession is an interactive command (a pty) started by ExecInteractive: Write keystrokes,
// Read its output, Resize its terminal, Signal it, Wait for its exit code, and Close it. Read
// from one goroutine at a time; the other methods may be called from any goroutine.
type ExecSession struct {
	h cHandle[*C.lxd_exec]
}

// ExecInteractive starts cmd in an instance with a terminal (LXD's "interactive": true, sized
// opts.Width x opts.Height) and returns once it runs. opts.Stdin, Stdout, Stderr and
// RecordOutput must be unset: use the session's Write and Read. Ending ctx kills the command (as
// Close does).
func (c *Client) ExecInteractive(ctx context.Context, instance string, cmd []string, opts ExecOptions) (*ExecSession, error) {
	if opts.Stdin != nil || opts.Stdout != nil || opts.Stderr != nil || opts.RecordOutput {
		return nil, invalidArgument("an interactive session is read and written through its methods; leave Stdin, Stdout, Stderr and RecordOutput unset")
	}
	x, err := c.newExec(ctx, instance, cmd, &opts, true)
	if err != nil {
		return nil, err
	}
	s := &ExecSession{h: cHandle[*C.lxd_exec]{ptr: x.ptr, what: "exec session",
		cancel: func(p *C.lxd_exec) { C.lxd_exec_cancel(p) },
		free:   func(p *C.lxd_exec) { C.lxd_exec_free(p) }}}
	s.h.watch(ctx)
	var cerr *C.lxd_error
	if err := takeError(C.lxd_exec_start(x.ptr, &cerr), cerr); err != nil {
		s.Close()
		if ctx.Err() != nil {
			return nil, contextError(ctx.Err())
		}
		return nil, err
	}
	runtime.SetFinalizer(s, (*ExecSession).Close)
	return s, nil
}

// Write sends bytes to the command's terminal (keystrokes: "\x03" is Ctrl-C, "\x04" Ctrl-D).
func (s *ExecSession) Write(p []byte) (int, error) {
	if len(p) == 0 {
		return 0, nil
	}
	err := s.h.use(func(x *C.lxd_exec) error {
		var cerr *C.lxd_error
		return takeError(C.lxd_exec_write(x, (*C.uint8_t)(unsafe.Pointer(&p[0])), C.size_t(len(p)), &cerr), cerr)
	})
	if err != nil {
		return 0, err
	}
	return len(p), nil
}

// Read reads the terminal's output, blocking until some is there; io.EOF once the command exited
// and everything was read.
func (s *ExecSession) Read(p []byte) (int, error) {
	return s.read(p, -1)
}

// ReadTimeout is Read waiting at most d; past it an ErrTimeout error (nothing is lost).
func (s *ExecSession) ReadTimeout(p []byte, d time.Duration) (int, error) {
	return s.read(p, max(int64(d/time.Millisecond), 0))
}

func (s *ExecSession) read(p []byte, timeoutMS int64) (int, error) {
	if len(p) == 0 {
		return 0, nil
	}
	var n C.size_t
	err := s.h.use(func(x *C.lxd_exec) error {
		var cerr *C.lxd_error
		return takeError(C.lxd_exec_read(x, (*C.uint8_t)(unsafe.Pointer(&p[0])), C.size_t(len(p)), C.int64_t(timeoutMS), &n, &cerr), cerr)
	})
	if err != nil {
		return 0, err
	}
	if n == 0 {
		return 0, io.EOF
	}
	return int(n), nil
}

// Resize sets the terminal's size in characters.
func (s *ExecSession) Resize(width, height uint32) error {
	return s.h.use(func(x *C.lxd_exec) error {
		var cerr *C.lxd_error
		return takeError(C.lxd_exec_resize(x, C.uint32_t(width), C.uint32_t(height), &cerr), cerr)
	})
}

// Signal sends a signal (1..64, e.g. 15 for SIGTERM) to the command.
func (s *ExecSession) Signal(sig int) error {
	return s.h.use(func(x *C.lxd_exec) error {
		var cerr *C.lxd_error
		return takeError(C.lxd_exec_signal(x, C.int32_t(sig), &cerr), cerr)
	})
}

// Wait waits for the command to exit and returns its exit code. Output not read yet stays
// readable. When ctx ends first, Wait returns the context's error and the command keeps running
// (wait again, or Close).
func (s *ExecSession) Wait(ctx context.Context) (int, error) {
	if ctx == nil {
		return -1, invalidArgument("nil context")
	}
	for {
		if err := ctx.Err(); err != nil {
			return -1, contextError(err)
		}
		var code C.int32_t
		err := s.h.use(func(x *C.lxd_exec) error {
			var cerr *C.lxd_error
			return takeError(C.lxd_exec_wait(x, 100, &code, &cerr), cerr)
		})
		if errors.Is(err, ErrTimeout) {
			continue
		}
		if err != nil {
			return -1, err
		}
		return int(code), nil
	}
}

// Close ends the session: a command still running is killed, and a Read or Wait blocked in
// another goroutine returns. Closing twice is fine.
func (s *ExecSession) Close() error {
	if s == nil {
		return nil
	}
	if s.h.release() {
		runtime.SetFinalizer(s, nil)
	}
	return nil
}

// ExecResult is how a command run by ExecDetailed ended.
type ExecResult struct {
	ExitCode int `json:"exit_code"`
	// Failure is LXD's text when the command could not run ("Command not found"), else "".
	Failure string `json:"failure"`
	// Output holds, with RecordOutput, the server-side log paths of stdout ("1") and stderr
	// ("2").
	Output map[string]string `json:"output"`
	// Operation is the final state of the exec's operation.
	Operation *OperationInfo `json:"operation"`
	Extra     Extra          `json:"-"`
}
