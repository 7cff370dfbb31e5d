//go:build cgo

package lxdclient

/*
#include <lxdclient.h>
*/
import "C"

import (
	"context"
	"encoding/json"
	"errors"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
)

// LifecycleEvent is the metadata of a "lifecycle" event.
type LifecycleEvent struct {
	// Action is e.g. "instance-created", "instance-started", "instance-stopped".
	Action string `json:"action"`
	// Source is the URL of the object, e.g. "/1.0/instances/c1".
	Source    string          `json:"source"`
	Context   json.RawMessage `json:"context,omitempty"`
	Requestor json.RawMessage `json:"requestor,omitempty"`
}

// Lifecycle decodes a "lifecycle" event's metadata; for another type, an ErrInvalidArgument error.
func (e *Event) Lifecycle() (*LifecycleEvent, error) {
	if e.Type != "lifecycle" {
		return nil, invalidArgument("a %q event is not a lifecycle event", e.Type)
	}
	var l LifecycleEvent
	if err := decodeReply(string(e.Metadata), &l); err != nil {
		return nil, err
	}
	return &l, nil
}

// Operation decodes an "operation" event's metadata; for another type, an ErrInvalidArgument error.
func (e *Event) Operation() (*OperationInfo, error) {
	if e.Type != "operation" {
		return nil, invalidArgument("a %q event is not an operation event", e.Type)
	}
	var o OperationInfo
	if err := decodeReply(string(e.Metadata), &o); err != nil {
		return nil, err
	}
	return &o, nil
}

// EventOptions selects the events to receive.
type EventOptions struct {
	// Types are any of "lifecycle", "operation", "logging" (none: every type; "logging" needs an
	// admin client).
	Types []string
	// Project selects the events of this project ("": the client's).
	Project string
	// AllProjects selects the events of every project.
	AllProjects bool
}

// EventListener is a subscription to LXD's events. Next from one goroutine at a time; Close from
// any.
type EventListener struct {
	mu        sync.RWMutex // read-held by Next; Close takes it for writing to free
	ptr       *C.lxd_event_listener
	closeOnce sync.Once
	closed    atomic.Bool
}

// listenerClosed is what Next returns after Close: ErrCancelled, wrapping ErrClosed.
func listenerClosed() error {
	return &Error{Code: CodeCancelled, Message: "event listener is closed", cause: ErrClosed}
}

// ListenEvents subscribes to events (GET /1.0/events, a websocket). Events that happen after it
// returns are delivered by Next. Close the listener when done.
func (c *Client) ListenEvents(ctx context.Context, opts EventOptions) (*EventListener, error) {
	for _, t := range opts.Types {
		if t == "" || strings.Contains(t, ",") {
			return nil, invalidArgument("event type %q", t)
		}
	}
	cl := c
	if opts.Project != "" {
		var err error
		if cl, err = c.WithProject(opts.Project); err != nil {
			return nil, err
		}
		defer cl.Close()
	}
	var a cArgs
	types := a.opt(strings.Join(opts.Types, ","))
	if err := useCheck(cl, ctx, &a); err != nil {
		a.free()
		return nil, err
	}
	var ptr *C.lxd_event_listener
	// Not abandoned when ctx ends (the listener would leak): opening is one short request.
	err := cl.useNow(&a, func(p *C.lxd_client) error {
		var out *C.lxd_event_listener
		var cerr *C.lxd_error
		if err := takeError(C.lxd_event_listener_open(p, types, C.bool(opts.AllProjects), &out, &cerr), cerr); err != nil {
			return err
		}
		ptr = out
		return nil
	})
	if err != nil {
		return nil, err
	}
	l := &EventListener{ptr: ptr}
	runtime.SetFinalizer(l, (*EventListener).Close)
	return l, nil
}

// Next waits for the next event. When ctx ends first, the context's error (the listener stays
// usable). After Close, an error matching both ErrCancelled and ErrClosed; when LXD ends the stream, an ErrConnection error.
func (l *EventListener) Next(ctx context.Context) (*Event, error) {
	if ctx == nil {
		return nil, invalidArgument("nil context")
	}
	for {
		if err := ctx.Err(); err != nil {
			return nil, contextError(err)
		}
		ev, err := l.next(250)
		if errors.Is(err, ErrTimeout) {
			continue
		}
		return ev, err
	}
}

// next is one lxd_event_listener_next.
func (l *EventListener) next(timeoutMS int64) (*Event, error) {
	l.mu.RLock()
	defer l.mu.RUnlock()
	if l.ptr == nil {
		return nil, listenerClosed()
	}
	var out *C.char
	var cerr *C.lxd_error
	rc := C.lxd_event_listener_next(l.ptr, C.int64_t(timeoutMS), &out, &cerr)
	runtime.KeepAlive(l)
	if err := takeError(rc, cerr); err != nil {
		if l.closed.Load() && errors.Is(err, ErrCancelled) {
			return nil, listenerClosed()
		}
		return nil, err
	}
	var ev Event
	if err := decodeReply(takeString(out), &ev); err != nil {
		return nil, err
	}
	return &ev, nil
}

// Close stops listening: a Next blocked in another goroutine returns at once. Closing twice is
// fine.
func (l *EventListener) Close() error {
	if l == nil {
		return nil
	}
	l.closeOnce.Do(func() {
		l.closed.Store(true)
		l.mu.RLock()
		if l.ptr != nil {
			C.lxd_event_listener_close(l.ptr) // wakes a blocked next, which releases its read lock
		}
		l.mu.RUnlock()
		l.mu.Lock()
		defer l.mu.Unlock()
		if l.ptr != nil {
			C.lxd_event_listener_free(l.ptr)
			l.ptr = nil
			runtime.SetFinalizer(l, nil)
		}
	})
	return nil
}

// Events subscribes to events and delivers them on a channel, in the order LXD sent them. The
// channel is closed when ctx ends (the subscription is then closed and its goroutine gone) or
// when LXD ends the stream. A consumer that stops reading should cancel ctx.
func (c *Client) Events(ctx context.Context, opts EventOptions) (<-chan Event, error) {
	if ctx == nil {
		return nil, invalidArgument("nil context")
	}
	l, err := c.ListenEvents(ctx, opts)
	if err != nil {
		return nil, err
	}
	ch := make(chan Event, 16)
	stop := context.AfterFunc(ctx, func() { l.Close() })
	go func() {
		defer close(ch)
		defer func() {
			stop()
			l.Close()
		}()
		for {
			ev, err := l.next(1000)
			if errors.Is(err, ErrTimeout) {
				continue
			}
			if err != nil {
				return // closed (ctx ended) or the stream ended
			}
			select {
			case ch <- *ev:
			case <-ctx.Done():
				return
			}
		}
	}()
	return ch, nil
}
