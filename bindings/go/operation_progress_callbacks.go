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

// goOperationProgress is the lxd_operation_progress_cb of every Operation.OnProgress; user is
// the cgo.Handle of the func. It never stops the wait (a Wait is stopped by its context).
//
//export goOperationProgress
func goOperationProgress(user unsafe.Pointer, progress *C.lxd_operation_progress) C.int {
	fn := cgo.Handle(uintptr(user)).Value().(func(OperationProgress))
	fn(operationProgressOf(progress))
	return 0
}

// goOperationProgressFree releases the handle once C no longer calls back with it.
//
//export goOperationProgressFree
func goOperationProgressFree(user unsafe.Pointer) {
	cgo.Handle(uintptr(user)).Delete()
}
