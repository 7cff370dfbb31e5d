//go:build cgo

package lxdclient

import (
	"context"
	"runtime"
	"sync"
)

// cHandle owns one C handle that calls use from many goroutines and that is cancelled (closed)
// when a context ends or Close is called, then freed once no call uses it. ExecSession and
// Console are built on it.
type cHandle[P comparable] struct {
	mu       sync.RWMutex // read-held by calls; release takes it for writing
	ptr      P            // a *C.lxd_x; its zero value (nil) once freed
	what     string
	cancel   func(P) // wakes calls blocked on the handle (any goroutine)
	free     func(P)
	stop     func() bool
	done     chan struct{} // closed when the context watcher has run
	stopOnce sync.Once
}

// watch cancels the handle when ctx ends.
func (h *cHandle[P]) watch(ctx context.Context) {
	h.done = make(chan struct{})
	h.stop = context.AfterFunc(ctx, func() {
		defer close(h.done)
		h.mu.RLock()
		defer h.mu.RUnlock()
		if h.ptr != zero[P]() {
			h.cancel(h.ptr)
		}
	})
}

func (h *cHandle[P]) use(fn func(p P) error) error {
	h.mu.RLock()
	defer h.mu.RUnlock()
	if h.ptr == zero[P]() {
		return closedError(h.what)
	}
	err := fn(h.ptr)
	runtime.KeepAlive(h)
	return err
}

// release cancels the handle (waking blocked calls), stops the context watcher, waits for the
// calls to return and frees the handle. Twice is fine. True if it freed it now.
func (h *cHandle[P]) release() bool {
	h.mu.RLock()
	if h.ptr != zero[P]() {
		h.cancel(h.ptr)
	}
	h.mu.RUnlock()
	h.stopOnce.Do(func() {
		if h.stop != nil && !h.stop() {
			<-h.done
		}
	})
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.ptr == zero[P]() {
		return false
	}
	h.free(h.ptr)
	h.ptr = zero[P]()
	return true
}

func zero[P any]() P {
	var z P
	return z
}
