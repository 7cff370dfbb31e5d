//go:build cgo

package lxdclient

/*
#include <stdint.h>
*/
import "C"

import (
	"runtime/cgo"
	"unsafe"
)

// goProgress is the lxd_progress_cb of every transfer; user is the cgo.Handle of a *progress.
// Non-zero stops the transfer.
//
//export goProgress
func goProgress(user unsafe.Pointer, done, total C.uint64_t) C.int {
	p := cgo.Handle(uintptr(user)).Value().(*progress)
	if p.proceed(uint64(done), uint64(total)) {
		return 0
	}
	return 1
}
