//go:build cgo

package lxdclient

/*
#include <stdint.h>
#include <lxdclient.h>

extern int goOperationProgress(void *user, lxd_operation_progress *progress);
extern void goOperationProgressFree(void *user);

static lxd_operation_progress_cb go_operation_progress_cb(void) { return (lxd_operation_progress_cb)goOperationProgress; }
static lxd_user_data_free_cb go_operation_progress_free(void) { return (lxd_user_data_free_cb)goOperationProgressFree; }
// The handle travels as the callback's user pointer; converting it here keeps Go from turning
// an integer into a pointer.
static void *go_operation_progress_user(uintptr_t h) { return (void *)h; }
*/
import "C"

import (
	"runtime"
	"runtime/cgo"
	"sync"
)

// OperationProgress is one progress report of an operation, read from LXD's operation metadata:
// what `lxc` shows as "Retrieving image: 45%" (see Operation.OnProgress).
type OperationProgress struct {
	// OperationID is the operation's id.
	OperationID string
	// StatusCode is the operation's status at this report: StatusRunning while it runs; the
	// last report of a Wait carries the final one (StatusSuccess, StatusFailure, StatusCancelled).
	StatusCode StatusCode
	// Stage is what progresses: LXD's metadata key without "_progress" ("download" for an image
	// download, "create_instance_from_image_unpack", "fs" for a migration, ...) or the stage of
	// LXD's "progress" map. Empty when the operation reported no progress at all.
	Stage string
	// Percent done, 0 to 100; -1 when not known (the stage reports only an amount or a speed).
	Percent int
	// Processed is the number of bytes processed so far; -1 when not known.
	Processed int64
	// Speed in bytes per second; -1 when not known.
	Speed int64
	// Text is LXD's text for it, as lxc shows it ("rootfs: 45% (12.30MB/s)"); "" when none.
	Text string
}

// progressHandler is what a cgo.Handle given to lxd_operation_set_progress_handler or
// lxd_client_builder_set_progress_handler holds: the caller's func and, when it panicked, the
// value (the wait stops; Operation.Wait panics with it again on its own goroutine).
type progressHandler struct {
	fn       func(OperationProgress)
	mu       sync.Mutex
	panicked any
}

// call runs fn; a panic stops the wait instead of unwinding through the C library.
func (h *progressHandler) call(p OperationProgress) (ok bool) {
	defer func() {
		if v := recover(); v != nil {
			h.mu.Lock()
			if h.panicked == nil {
				h.panicked = v
			}
			h.mu.Unlock()
			ok = false
		}
	}()
	h.fn(p)
	return true
}

// takePanic returns (and forgets) the value a panic of fn left.
func (h *progressHandler) takePanic() any {
	h.mu.Lock()
	defer h.mu.Unlock()
	v := h.panicked
	h.panicked = nil
	return v
}

// WithProgress reports the server-side progress of every operation the client waits for (see
// Operation.OnProgress for what is reported and how): the waits inside methods that wait for
// their operation (CreateInstanceFromImage's image download and unpack once waited for,
// CopyImageTo, CopyInstanceTo, inst.Start, ...) and Operation.Wait on operations without a
// handler of their own. fn runs on the goroutine that waits — with one client used from several
// goroutines, on several at once, so it must be safe for that. A panic in fn stops that wait,
// which then fails with ErrCancelled.
func WithProgress(fn func(OperationProgress)) Option { return func(o *options) { o.progress = fn } }

// setProgress installs o.progress on builder b; the library releases the handle
// (goOperationProgressFree) once the builder and every client built from it are freed.
func setProgress(b *C.lxd_client_builder, fn func(OperationProgress), cerr **C.lxd_error) C.enum_lxd_result {
	h := cgo.NewHandle(&progressHandler{fn: fn})
	r := C.lxd_client_builder_set_progress_handler(b, C.go_operation_progress_cb(), C.go_operation_progress_user(C.uintptr_t(h)), C.go_operation_progress_free(), cerr)
	if r != C.LXD_RESULT_OK {
		h.Delete()
	}
	return r
}

// OnProgress has Wait report the operation's server-side progress (image downloads, unpacking
// an image, migrations) to fn while it waits, on the goroutine that calls Wait: whenever the
// progress changes, and once more when the operation ends, with its final status code and the
// last progress seen (Stage "" and -1 numbers when there was none). Operations that report no
// progress (most) only get that last call. A panic in fn stops the wait, and Wait panics with
// the same value (the operation goes on). It replaces, for this operation, the client's
// WithProgress handler. While a handler is set, Wait follows the operation
// through LXD's event stream (one more connection; a client that may not listen to events polls
// once a second instead). nil removes the handler. fn must not call OnProgress or Close on this
// operation. Stop a Wait with its context. Once a Wait saw the operation end, OnProgress has
// no effect.
func (o *Operation) OnProgress(fn func(OperationProgress)) {
	o.mu.RLock() // the handle stays; a Wait in progress picks the handler up on its next wait
	defer o.mu.RUnlock()
	o.progressMu.Lock()
	defer o.progressMu.Unlock()
	o.progressFn = fn
	if o.ptr != nil {
		o.installProgress(o.ptr)
	}
}

// installProgress sets the Go handler (or none) on a C handle; o.mu (either way) and
// o.progressMu held.
func (o *Operation) installProgress(p *C.lxd_operation) {
	if o.progressFn == nil {
		o.progress = nil
		C.lxd_operation_set_progress_handler(p, nil, nil, nil, nil)
		return
	}
	o.progress = &progressHandler{fn: o.progressFn}
	h := cgo.NewHandle(o.progress)
	var cerr *C.lxd_error
	if rc := C.lxd_operation_set_progress_handler(p, C.go_operation_progress_cb(), C.go_operation_progress_user(C.uintptr_t(h)), C.go_operation_progress_free(), &cerr); rc != C.LXD_RESULT_OK {
		// Only a NULL handle fails, which p is not; the handle is then not kept by C.
		_ = takeError(rc, cerr)
		h.Delete()
	}
	runtime.KeepAlive(o)
}

func operationProgressOf(p *C.lxd_operation_progress) OperationProgress {
	return OperationProgress{
		OperationID: C.GoString(p.operation_id),
		StatusCode:  StatusCode(p.status_code),
		Stage:       C.GoString(p.stage),
		Percent:     int(p.percent),
		Processed:   int64(p.processed),
		Speed:       int64(p.speed),
		Text:        C.GoString(p.text),
	}
}
