//go:build cgo

package lxdclient

/*
#include <lxdclient.h>
*/
import "C"

import (
	"context"
	"io"
	"runtime"
	"time"
	"unsafe"
)

// Console is an attached instance console (AttachConsole): Read what the instance writes to its
// console, Write keystrokes to it, Resize it, Close to detach (the instance keeps running). Read
// from one goroutine at a time; the other methods may be called from any goroutine.
type Console struct {
	h cHandle[*C.lxd_console]
}

// AttachConsole attaches to the text console of a running instance (POST
// /1.0/instances/<name>/console, then its data and control websockets); width and height 0 take
// LXD's default size. Ending ctx detaches (as Close does). A stopped instance: an ErrAPI error
// ("Instance is not running").
func (c *Client) AttachConsole(ctx context.Context, instance string, width, height uint32) (*Console, error) {
	if ctx == nil {
		return nil, invalidArgument("nil context")
	}
	var a cArgs
	n := a.str(instance)
	var ptr *C.lxd_console
	// The attach itself is bounded (LXD's 5 s to connect); it is not abandoned half-way, so a
	// console is never left attached behind the caller's back.
	err := c.use(context.WithoutCancel(ctx), &a, func(p *C.lxd_client) error {
		var cerr *C.lxd_error
		return takeError(C.lxd_console_attach(p, n, C.uint32_t(width), C.uint32_t(height), &ptr, &cerr), cerr)
	})
	if err != nil {
		return nil, err
	}
	s := &Console{h: cHandle[*C.lxd_console]{ptr: ptr, what: "console",
		cancel: func(p *C.lxd_console) { C.lxd_console_close(p) },
		free:   func(p *C.lxd_console) { C.lxd_console_free(p) }}}
	s.h.watch(ctx)
	if err := ctx.Err(); err != nil {
		s.Close()
		return nil, contextError(err)
	}
	runtime.SetFinalizer(s, (*Console).Close)
	return s, nil
}

// Write sends bytes to the console (keystrokes).
func (s *Console) Write(p []byte) (int, error) {
	if len(p) == 0 {
		return 0, nil
	}
	err := s.h.use(func(x *C.lxd_console) error {
		var cerr *C.lxd_error
		return takeError(C.lxd_console_write(x, (*C.uint8_t)(unsafe.Pointer(&p[0])), C.size_t(len(p)), &cerr), cerr)
	})
	if err != nil {
		return 0, err
	}
	return len(p), nil
}

// Read reads console output, blocking until some is there; io.EOF once LXD ended the console.
// After Close (also from another goroutine while Read blocks): an ErrCancelled error.
func (s *Console) Read(p []byte) (int, error) {
	return s.read(p, -1)
}

// ReadTimeout is Read waiting at most d; past it an ErrTimeout error (nothing is lost).
func (s *Console) ReadTimeout(p []byte, d time.Duration) (int, error) {
	return s.read(p, max(int64(d/time.Millisecond), 0))
}

func (s *Console) read(p []byte, timeoutMS int64) (int, error) {
	if len(p) == 0 {
		return 0, nil
	}
	var n C.size_t
	err := s.h.use(func(x *C.lxd_console) error {
		var cerr *C.lxd_error
		return takeError(C.lxd_console_read(x, (*C.uint8_t)(unsafe.Pointer(&p[0])), C.size_t(len(p)), C.int64_t(timeoutMS), &n, &cerr), cerr)
	})
	if err != nil {
		return 0, err
	}
	if n == 0 {
		return 0, io.EOF
	}
	return int(n), nil
}

// Resize sets the console's terminal size in characters (both at least 1).
func (s *Console) Resize(width, height uint32) error {
	return s.h.use(func(x *C.lxd_console) error {
		var cerr *C.lxd_error
		return takeError(C.lxd_console_resize(x, C.uint32_t(width), C.uint32_t(height), &cerr), cerr)
	})
}

// Close detaches: LXD ends the console operation, and a Read blocked in another goroutine
// returns. Closing twice is fine.
func (s *Console) Close() error {
	if s == nil {
		return nil
	}
	if s.h.release() {
		runtime.SetFinalizer(s, nil)
	}
	return nil
}
