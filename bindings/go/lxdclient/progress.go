//go:build cgo

package lxdclient

/*
#include <stdint.h>
#include <lxdclient.h>

extern int goProgress(void *user, uint64_t done, uint64_t total);

static lxd_progress_cb go_progress_cb(void) { return (lxd_progress_cb)goProgress; }
// The handle travels as the callback's user pointer; converting it here keeps Go from turning
// an integer into a pointer.
static void *go_progress_user(uintptr_t h) { return (void *)h; }
*/
import "C"

import (
	"context"
	"errors"
	"runtime/cgo"
	"sync/atomic"
	"unsafe"
)

// ProgressFunc is told how a transfer goes: done bytes so far out of total (0 when the total is
// not known). It is called after each chunk, on the goroutine running the transfer. Return false
// to stop the transfer: its method then returns an ErrCancelled error.
type ProgressFunc func(done, total uint64) bool

// progress is the Go side of one transfer's lxd_progress_cb: the caller's ProgressFunc, and the
// context, whose end stops the transfer at the next chunk.
type progress struct {
	ctx    context.Context
	fn     ProgressFunc
	abort  atomic.Pointer[error] // set by the binding itself (a failing io.Writer) to stop
	handle cgo.Handle
}

func newProgress(ctx context.Context, fn ProgressFunc) *progress {
	p := &progress{ctx: ctx, fn: fn}
	p.handle = cgo.NewHandle(p)
	return p
}

func (p *progress) proceed(done, total uint64) bool {
	if p.ctx.Err() != nil || p.abort.Load() != nil {
		return false
	}
	if p.fn != nil && !p.fn(done, total) {
		return false
	}
	return true
}

// stop makes the transfer stop at its next chunk, failing with err.
func (p *progress) stop(err error) { p.abort.CompareAndSwap(nil, &err) }

// cb and user are what the C call takes.
func (p *progress) cb() C.lxd_progress_cb { return C.go_progress_cb() }
func (p *progress) user() unsafe.Pointer  { return C.go_progress_user(C.uintptr_t(p.handle)) }

func (p *progress) release() { p.handle.Delete() }

// explain turns a transfer's failure into the error to return: the context's when it ended, the
// binding's own reason when it stopped the transfer.
func (p *progress) explain(err error) error {
	if err == nil {
		return nil
	}
	var e *Error
	if errors.As(err, &e) && (e.Code == CodeCancelled || e.Code == CodeIO || e.Code == CodeConnection) {
		if ctxErr := p.ctx.Err(); ctxErr != nil {
			return contextError(ctxErr)
		}
		if a := p.abort.Load(); a != nil {
			return &Error{Code: CodeIO, Message: (*a).Error(), cause: *a}
		}
	}
	return err
}
