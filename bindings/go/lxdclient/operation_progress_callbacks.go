//go:build cgo

package lxdclient

/*
#include <lxdclient.h>
*/
import "C"

import (
	"runtime/cgo"
	"unsafe"
)

// goOperationProgress is the lxd_operation_progress_cb of every Operation.OnProgress and
// WithProgress; user is the cgo.Handle of a *progressHandler. It stops the wait only when the
// handler panicked (a Wait is otherwise stopped by its context).
//
//export goOperationProgress
func goOperationProgress(user unsafe.Pointer, progress *C.lxd_operation_progress) C.int {
	h, ok := cgo.Handle(uintptr(user)).Value().(*progressHandler)
	if !ok || h.call(operationProgressOf(progress)) {
		return 0
	}
	return 1
}

// goOperationProgressFree releases the handle once C no longer calls back with it.
//
//export goOperationProgressFree
func goOperationProgressFree(user unsafe.Pointer) {
	cgo.Handle(uintptr(user)).Delete()
}
