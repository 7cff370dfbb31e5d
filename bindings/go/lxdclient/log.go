//go:build cgo

package lxdclient

/*
#include <stdint.h>
#include <lxdclient.h>

extern void goLog(void *user, char *method, char *path, uint16_t status, uint64_t duration_us, char *error, char *line);
extern void goLogFree(void *user);

static lxd_log_cb go_log_cb(void) { return (lxd_log_cb)goLog; }
static lxd_user_data_free_cb go_log_free_cb(void) { return (lxd_user_data_free_cb)goLogFree; }
static void *go_log_user(uintptr_t h) { return (void *)h; }
*/
import "C"

import (
	"context"
	"log/slog"
	"runtime/cgo"
	"time"
	"unsafe"
)

// WithLogger logs every request the client makes (and every websocket it opens) to l: message
// "lxd request" with the attributes method, path (secret query values such as a websocket's
// secret= are "REDACTED"), status (101 for an accepted websocket; 0 when there was no reply),
// duration (until the reply's headers) and, when there was no reply, error. Requests with a
// reply log at slog.LevelDebug, failures at slog.LevelWarn. Bodies and headers are never logged,
// so neither is a trust password or token. Records come from whichever goroutine or thread
// makes the request; a handler that panics is ignored (the request goes on).
func WithLogger(l *slog.Logger) Option { return func(o *options) { o.logger = l } }

// setLogger installs o.logger on builder b. The handle is released by the library (goLogFree)
// once the builder and every client built from it are freed.
func setLogger(b *C.lxd_client_builder, l *slog.Logger, cerr **C.lxd_error) C.enum_lxd_result {
	h := cgo.NewHandle(l)
	r := C.lxd_client_builder_set_log_callback(b, C.go_log_cb(), C.go_log_user(C.uintptr_t(h)), C.go_log_free_cb(), cerr)
	if r != C.LXD_RESULT_OK {
		h.Delete()
	}
	return r
}

//export goLog
func goLog(user unsafe.Pointer, method, path *C.char, status C.uint16_t, durationUS C.uint64_t, errText, line *C.char) {
	defer func() { _ = recover() }() // a panicking handler must not unwind into C
	l, ok := cgo.Handle(uintptr(user)).Value().(*slog.Logger)
	if !ok || l == nil {
		return
	}
	level := slog.LevelDebug
	attrs := []slog.Attr{
		slog.String("method", C.GoString(method)),
		slog.String("path", C.GoString(path)),
		slog.Int("status", int(status)),
		slog.Duration("duration", time.Duration(durationUS)*time.Microsecond),
	}
	if errText != nil {
		level = slog.LevelWarn
		attrs = append(attrs, slog.String("error", C.GoString(errText)))
	}
	ctx := context.Background()
	if !l.Enabled(ctx, level) {
		return
	}
	l.LogAttrs(ctx, level, "lxd request", attrs...)
}

//export goLogFree
func goLogFree(user unsafe.Pointer) {
	cgo.Handle(uintptr(user)).Delete()
}
