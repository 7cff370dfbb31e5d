//go:build cgo

package lxdclient

/*
#include <stdint.h>
#include <stddef.h>
*/
import "C"

import (
	"errors"
	"io"
	"runtime/cgo"
	"unsafe"
)

// The C library calls these on its own threads while an exec runs; user is the cgo.Handle of an
// *execStream (see exec.go). They are kept apart because a file with //export may only declare
// C functions in its preamble, not define them.

// goExecRead supplies stdin: up to n bytes into buf, 0 at the end, -1 on failure.
//
//export goExecRead
func goExecRead(user unsafe.Pointer, buf *C.uint8_t, n C.size_t) C.int64_t {
	s := cgo.Handle(uintptr(user)).Value().(*execStream)
	dst := unsafe.Slice((*byte)(unsafe.Pointer(buf)), int(n))
	got, err := s.read(dst)
	switch {
	case got > 0:
		return C.int64_t(got)
	case err == nil || errors.Is(err, io.EOF):
		return 0
	default:
		s.fail(err)
		return -1
	}
}

// goExecWrite receives output: consumes up to n bytes of buf, -1 on failure.
//
//export goExecWrite
func goExecWrite(user unsafe.Pointer, buf *C.uint8_t, n C.size_t) C.int64_t {
	s := cgo.Handle(uintptr(user)).Value().(*execStream)
	src := unsafe.Slice((*byte)(unsafe.Pointer(buf)), int(n))
	written, err := s.write(src)
	if err == nil && written == 0 && n > 0 {
		err = io.ErrShortWrite
	}
	if err != nil {
		s.fail(err)
		return -1
	}
	return C.int64_t(written)
}
