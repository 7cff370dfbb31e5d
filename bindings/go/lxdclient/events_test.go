//go:build cgo

package lxdclient

import (
	"context"
	"runtime"
	"testing"
	"time"
)

func TestEventsLifecycleInOrder(t *testing.T) {
	c := unixClient(t)
	ctx := testCtx(t)
	before := runtime.NumGoroutine()

	evCtx, cancel := context.WithCancel(ctx)
	events, err := c.Events(evCtx, EventOptions{Types: []string{"lifecycle"}})
	must(t, err)

	inst := newInstance(t, c, nil)
	must(t, inst.Start(ctx))
	must(t, inst.Stop(ctx, -1, true))
	source := "/1.0/instances/" + inst.Name

	want := []string{"instance-created", "instance-started", "instance-stopped"}
	var got []string
	timeout := time.After(time.Minute)
	for len(got) < len(want) {
		select {
		case ev, ok := <-events:
			if !ok {
				t.Fatalf("channel closed early; got %v", got)
			}
			if ev.Type != "lifecycle" {
				t.Fatalf("a %q event with Types lifecycle", ev.Type)
			}
			l, err := ev.Lifecycle()
			must(t, err)
			if l.Source != source {
				continue // another test's, or another step (e.g. instance-updated)
			}
			for _, w := range want {
				if l.Action == w {
					got = append(got, l.Action)
				}
			}
		case <-timeout:
			t.Fatalf("timed out; lifecycle actions so far: %v", got)
		}
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("actions %v, want %v", got, want)
		}
	}

	// cancel: the channel closes and the goroutine is gone
	cancel()
	closed := time.After(5 * time.Second)
	for open := true; open; {
		select {
		case _, open = <-events:
		case <-closed:
			t.Fatal("channel not closed 5 s after the cancel")
		}
	}
	waitUntil(t, 5*time.Second, "goroutines to end", func() bool { return runtime.NumGoroutine() <= before })
}

func TestEventsCancelWithoutEvents(t *testing.T) {
	c := unixClient(t)
	before := runtime.NumGoroutine()
	for i := 0; i < 5; i++ {
		ctx, cancel := context.WithCancel(testCtx(t))
		events, err := c.Events(ctx, EventOptions{Types: []string{"lifecycle", "operation"}, AllProjects: true})
		must(t, err)
		time.Sleep(50 * time.Millisecond)
		start := time.Now()
		cancel()
		for range events {
		}
		if took := time.Since(start); took > time.Second {
			t.Fatalf("channel closed %v after the cancel", took)
		}
	}
	waitUntil(t, 5*time.Second, "goroutines to end", func() bool { return runtime.NumGoroutine() <= before })

	_, err := c.Events(testCtx(t), EventOptions{Types: []string{"nonsense"}})
	mustIs(t, err, ErrInvalidArgument)
}

func TestEventListenerNext(t *testing.T) {
	c := unixClient(t)
	ctx := testCtx(t)
	l, err := c.ListenEvents(ctx, EventOptions{Types: []string{"operation"}, Project: "default"})
	must(t, err)
	defer l.Close()

	// Next honours its context and leaves the listener usable
	short, cancel := context.WithTimeout(ctx, 300*time.Millisecond)
	_, err = l.Next(short)
	cancel()
	mustIs(t, err, context.DeadlineExceeded)

	inst := newInstance(t, c, nil) // creating is an operation
	sawOp := false
	for !sawOp {
		ev, err := l.Next(ctx)
		must(t, err)
		op, err := ev.Operation()
		must(t, err)
		for _, r := range op.Resources["instances"] {
			if r == "/1.0/instances/"+inst.Name {
				sawOp = true
			}
		}
	}

	// Close wakes a blocked Next
	done := make(chan error, 1)
	go func() {
		for { // events of the create may still be queued: read until the Close shows
			if _, err := l.Next(ctx); err != nil {
				done <- err
				return
			}
		}
	}()
	time.Sleep(100 * time.Millisecond)
	must(t, l.Close())
	select {
	case err := <-done:
		mustIs(t, err, ErrClosed)
		mustIs(t, err, ErrCancelled)
	case <-time.After(2 * time.Second):
		t.Fatal("Close did not wake Next")
	}
	must(t, l.Close())
}
