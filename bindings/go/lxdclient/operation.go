//go:build cgo

package lxdclient

/*
#include <lxdclient.h>
*/
import "C"

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"
	"time"
)

// Operation is a background operation on the server: creating, starting, stopping, renaming or
// deleting an instance, a snapshot or an image. Wait for it with Wait; cancel it on the server
// with Cancel.
//
// An Operation is safe for concurrent use. Once Wait has seen it end (successfully or not) its
// C handle is released and the outcome kept, so Close is optional then; Close an operation you
// do not wait for (a finalizer frees a forgotten one at some later collection).
type Operation struct {
	client *Client // to reopen the handle after an interrupted wait
	id     string

	mu          sync.RWMutex // read-held by calls on ptr; Close and reopen take it for writing
	ptr         *C.lxd_operation
	interrupted atomic.Bool // a wait on ptr was interrupted: every later wait on it would be too

	progressMu sync.Mutex              // guards progressFn and progress
	progressFn func(OperationProgress) // OnProgress's handler, installed on every C handle
	progress   *progressHandler        // what the current C handle calls

	doneMu   sync.Mutex
	finished bool
	final    error          // the outcome, once finished
	info     *OperationInfo // the last state seen, once the handle is gone
}

func newOperation(c *Client, p *C.lxd_operation) *Operation {
	if p == nil { // LXD finished synchronously: a completed operation without id
		return &Operation{client: c, finished: true, info: &OperationInfo{Status: "Success", StatusCode: StatusSuccess}}
	}
	o := &Operation{client: c, ptr: p, id: C.GoString(C.lxd_operation_id(p))}
	runtime.SetFinalizer(o, (*Operation).finalize)
	return o
}

func (o *Operation) finalize() {
	if o.ptr != nil {
		C.lxd_operation_free(o.ptr)
		o.ptr = nil
	}
}

// ID is the operation's UUID ("" for work LXD finished synchronously).
func (o *Operation) ID() string { return o.id }

// StatusCode is the last known status (StatusRunning, StatusSuccess, StatusFailure, ...), as of
// the last Wait, Refresh or creation.
func (o *Operation) StatusCode() StatusCode {
	o.mu.RLock()
	defer o.mu.RUnlock()
	if o.ptr == nil {
		o.doneMu.Lock()
		defer o.doneMu.Unlock()
		if o.info != nil {
			return o.info.StatusCode
		}
		return 0
	}
	code := C.lxd_operation_status_code(o.ptr)
	runtime.KeepAlive(o)
	return StatusCode(code)
}

// Info is the last known state of the operation in LXD's schema (as of the last Wait, Refresh or
// creation); Refresh fetches the current one.
func (o *Operation) Info() (*OperationInfo, error) {
	o.mu.RLock()
	defer o.mu.RUnlock()
	if o.ptr == nil {
		o.doneMu.Lock()
		defer o.doneMu.Unlock()
		if o.info != nil {
			cp := *o.info
			return &cp, nil
		}
		return nil, closedError("operation")
	}
	return o.infoLocked()
}

func (o *Operation) infoLocked() (*OperationInfo, error) {
	var out *C.char
	var cerr *C.lxd_error
	rc := C.lxd_operation_json(o.ptr, &out, &cerr)
	runtime.KeepAlive(o)
	if err := takeError(rc, cerr); err != nil {
		return nil, err
	}
	var info OperationInfo
	if err := decodeReply(takeString(out), &info); err != nil {
		return nil, err
	}
	return &info, nil
}

// Wait blocks until the operation ends. A failed operation is an ErrOperationFailed error with
// LXD's message (and the operation's metadata in Error.OperationMetadata).
//
// When ctx is cancelled or its deadline passes, Wait returns at once (ErrCancelled wrapping
// context.Canceled, or ErrTimeout wrapping context.DeadlineExceeded): the blocked C call is
// interrupted with lxd_operation_interrupt from another goroutine. The operation itself keeps
// running on the server (see Cancel), and Wait may be called again. A context without a
// deadline waits up to the client's operation deadline (WithOperationDeadline, default 10
// minutes), then fails with ErrTimeout.
func (o *Operation) Wait(ctx context.Context) error {
	if ctx == nil {
		return invalidArgument("nil context")
	}
	for {
		err, interruptedByOther := o.waitOnce(ctx)
		if !interruptedByOther {
			return err
		}
		// Another Wait on this operation was interrupted by its own context, which interrupts
		// every wait on the shared handle: this one goes on, on a fresh handle.
	}
}

// waitOnce waits on the current handle. interruptedByOther reports a wait that ended because
// another Wait's context interrupted the handle, while this one's context is still live.
func (o *Operation) waitOnce(ctx context.Context) (err error, interruptedByOther bool) {
	if done, err := o.outcome(); done {
		return err, false
	}
	if err := ctx.Err(); err != nil {
		return contextError(err), false
	}
	if o.interrupted.Load() {
		if err := o.reopen(ctx); err != nil {
			return err, false
		}
	}
	o.mu.RLock()
	defer o.mu.RUnlock()
	if o.ptr == nil {
		if done, err := o.outcome(); done {
			return err, false
		}
		return closedError("operation"), false
	}
	p := o.ptr
	timeoutMS := int64(-1)
	if dl, ok := ctx.Deadline(); ok {
		timeoutMS = max(int64(time.Until(dl)/time.Millisecond), 0)
	}

	var watcherCalled atomic.Bool
	stop := make(chan struct{})
	exited := make(chan struct{})
	if ctx.Done() != nil {
		go func() {
			defer close(exited)
			select {
			case <-ctx.Done():
				watcherCalled.Store(true)
				o.interrupted.Store(true) // before the interrupt: other waiters must see it
				C.lxd_operation_interrupt(p)
			case <-stop:
			}
		}()
	} else {
		close(exited)
	}
	o.progressMu.Lock()
	handler := o.progress
	o.progressMu.Unlock()
	var cerr *C.lxd_error
	rc := C.lxd_operation_wait(p, C.int64_t(timeoutMS), &cerr)
	close(stop)
	<-exited // the watcher no longer touches p
	runtime.KeepAlive(o)
	err = takeError(rc, cerr)
	if handler != nil {
		if v := handler.takePanic(); v != nil {
			panic(v) // OnProgress's func panicked: on to the caller of Wait
		}
	}
	var e *Error
	switch {
	case err == nil || (errors.As(err, &e) && e.Code == CodeOperationFailed):
		o.finish(err)
		return err, false
	case errors.As(err, &e) && (e.Code == CodeCancelled || e.Code == CodeTimeout) && ctx.Err() != nil:
		return contextError(ctx.Err()), false
	case errors.As(err, &e) && e.Code == CodeTimeout && timeoutMS >= 0:
		// the wait's deadline (the context's) passed a moment before the context noticed
		return &Error{Code: CodeTimeout, Message: e.Message, cause: context.DeadlineExceeded}, false
	case errors.As(err, &e) && e.Code == CodeCancelled && !watcherCalled.Load() && o.interrupted.Load():
		return err, true
	}
	return err, false
}

// outcome is the kept result of a finished operation.
func (o *Operation) outcome() (bool, error) {
	o.doneMu.Lock()
	defer o.doneMu.Unlock()
	return o.finished, o.final
}

// finish keeps the outcome and the last state, and releases the C handle (later calls on it
// only read what was kept). Called with o.mu read-held: the release happens in the background
// once the lock is free.
func (o *Operation) finish(err error) {
	info, _ := o.infoLocked()
	o.doneMu.Lock()
	if o.finished { // a concurrent Wait saw the end first: keep its outcome
		o.doneMu.Unlock()
		return
	}
	o.finished, o.final = true, err
	if info != nil {
		o.info = info
	} else if o.info == nil {
		o.info = &OperationInfo{ID: o.id}
	}
	o.doneMu.Unlock()
	go o.release()
}

func (o *Operation) release() {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.ptr != nil {
		C.lxd_operation_free(o.ptr)
		o.ptr = nil
		runtime.SetFinalizer(o, nil)
	}
}

// reopen replaces a handle whose wait was interrupted (all its later waits would be) by a fresh
// one on the same operation (GET /1.0/operations/<id>).
func (o *Operation) reopen(ctx context.Context) error {
	var a cArgs
	id := a.str(o.id)
	var fresh *C.lxd_operation
	err := o.client.use(context.WithoutCancel(ctx), &a, func(p *C.lxd_client) error {
		var cerr *C.lxd_error
		return takeError(C.lxd_operation_open(p, id, &fresh, &cerr), cerr)
	})
	if err != nil {
		return err
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.ptr == nil { // closed meanwhile
		C.lxd_operation_free(fresh)
		return closedError("operation")
	}
	if o.interrupted.Load() {
		C.lxd_operation_free(o.ptr)
		o.ptr = fresh
		o.interrupted.Store(false)
		o.progressMu.Lock()
		if o.progressFn != nil {
			o.installProgress(fresh)
		}
		o.progressMu.Unlock()
	} else {
		C.lxd_operation_free(fresh) // another Wait reopened it first
	}
	return nil
}

// Cancel asks LXD to cancel the operation (DELETE /1.0/operations/<id>). Only operations LXD
// marks may_cancel accept it; others give an ErrAPI error. A blocked Wait then ends with the
// operation's failure (LXD reports it cancelled).
func (o *Operation) Cancel(ctx context.Context) error {
	return o.useOp(ctx, func(p *C.lxd_operation) error {
		var cerr *C.lxd_error
		return takeError(C.lxd_operation_cancel(p, &cerr), cerr)
	})
}

// Refresh fetches the operation's current state from the server (GET /1.0/operations/<id>);
// read it with Info and StatusCode.
func (o *Operation) Refresh(ctx context.Context) error {
	if done, _ := o.outcome(); done {
		return nil
	}
	return o.useOp(ctx, func(p *C.lxd_operation) error {
		var cerr *C.lxd_error
		return takeError(C.lxd_operation_refresh(p, &cerr), cerr)
	})
}

// useOp runs fn with the live C handle, as Client.use does (abandoned in the background when ctx
// ends first).
func (o *Operation) useOp(ctx context.Context, fn func(p *C.lxd_operation) error) error {
	if ctx == nil {
		return invalidArgument("nil context")
	}
	if err := ctx.Err(); err != nil {
		return contextError(err)
	}
	run := func() error {
		o.mu.RLock()
		defer o.mu.RUnlock()
		if o.ptr == nil {
			if done, _ := o.outcome(); done {
				return &Error{Code: CodeInvalidArgument, Message: fmt.Sprintf("operation %s has already finished", o.id)}
			}
			return closedError("operation")
		}
		err := fn(o.ptr)
		runtime.KeepAlive(o)
		return err
	}
	if ctx.Done() == nil {
		return run()
	}
	done := make(chan error, 1)
	go func() { done <- run() }()
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
		select {
		case err := <-done:
			return err
		default:
			return contextError(ctx.Err())
		}
	}
}

// Close frees the handle; the operation itself is not affected. A Wait blocked on it returns
// ErrCancelled. Closing twice, or after Wait saw the end, is fine.
func (o *Operation) Close() error {
	if o == nil {
		return nil
	}
	o.mu.RLock()
	if o.ptr != nil {
		C.lxd_operation_interrupt(o.ptr)
	}
	o.mu.RUnlock()
	o.release()
	return nil
}

// wait is Wait then Close, for the methods that wait for their operation.
func (o *Operation) wait(ctx context.Context) error {
	defer o.Close()
	return o.Wait(ctx)
}

// GetOperation opens an existing operation by its id (GET /1.0/operations/<id>), e.g. one that
// another program started.
func (c *Client) GetOperation(ctx context.Context, id string) (*Operation, error) {
	var a cArgs
	s := a.str(id)
	return c.callOp(ctx, &a, func(p *C.lxd_client, out **C.lxd_operation, e **C.lxd_error) C.enum_lxd_result {
		return C.lxd_operation_open(p, s, out, e)
	})
}

// ListOperations lists every operation the server knows, running or recently finished
// (GET /1.0/operations?recursion=1).
func (c *Client) ListOperations(ctx context.Context) ([]*OperationInfo, error) {
	s, err := c.callString(ctx, nil, func(p *C.lxd_client, out **C.char, e **C.lxd_error) C.enum_lxd_result {
		return C.lxd_operation_list(p, out, e)
	})
	if err != nil {
		return nil, err
	}
	var out []*OperationInfo
	if err := decodeReply(s, &out); err != nil {
		return nil, err
	}
	return out, nil
}
