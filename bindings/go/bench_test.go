//go:build cgo

package lxdclient

import (
	"context"
	"os"
	"slices"
	"syscall"
	"testing"
	"time"
)

// go test -run - -bench . (inside the harness): the cost of one small GET through the binding,
// with a context that cannot end (the call runs on the calling goroutine) and with one that can
// (the call runs on a helper goroutine so that the method can return when the context ends).
func BenchmarkGetProfile(b *testing.B) {
	c := unixClient(b)
	for _, tc := range []struct {
		name string
		ctx  func() (context.Context, context.CancelFunc)
	}{
		{"background", func() (context.Context, context.CancelFunc) { return context.Background(), func() {} }},
		{"cancellable", func() (context.Context, context.CancelFunc) { return context.WithCancel(context.Background()) }},
	} {
		b.Run(tc.name, func(b *testing.B) {
			ctx, cancel := tc.ctx()
			defer cancel()
			for i := 0; i < b.N; i++ {
				if _, err := c.GetProfile(ctx, "default"); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkGetProfileParallel(b *testing.B) {
	c := unixClient(b)
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, err := c.GetProfile(context.Background(), "default"); err != nil {
				b.Error(err)
				return
			}
		}
	})
}

// cpuTime is this process's CPU time (user + system, every thread).
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// timedMedian runs op b.N times, timing each call, and reports the median as "median-ms" (what
// bench/run.py compares with the C driver's median: both are per-call medians) and the process's
// CPU time per call as "cpu-ms/op" (the C driver reports the same).
func timedMedian(b *testing.B, op func() error) {
	b.Helper()
	d := make([]time.Duration, b.N)
	cpu0 := cpuTime()
	defer func() {
		b.ReportMetric(float64(cpuTime()-cpu0)/1e6/float64(b.N), "cpu-ms/op")
	}()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		t := time.Now()
		if err := op(); err != nil {
			b.Fatal(err)
		}
		d[i] = time.Since(t)
	}
	b.StopTimer()
	slices.Sort(d)
	b.ReportMetric(float64(d[len(d)/2])/1e6, "median-ms")
}

// BenchmarkGetServer is GET /1.0 through the binding (decoded into a Server), for `make bench`'s
// Go-vs-C comparison with lxdbench's get_server.
func BenchmarkGetServer(b *testing.B) {
	c := unixClient(b)
	ctx := context.Background()
	if _, err := c.GetServer(ctx); err != nil { // warm-up: connection set up
		b.Fatal(err)
	}
	timedMedian(b, func() error { _, err := c.GetServer(ctx); return err })
}

// BenchmarkExecTrue is exec `true` with its output collected, in the running instance named by
// LXD_BENCH_INSTANCE (set by bench/run.py; skipped without it), to compare with lxdbench's
// exec_true (lxd_instance_exec).
func BenchmarkExecTrue(b *testing.B) {
	name := os.Getenv("LXD_BENCH_INSTANCE")
	if name == "" {
		b.Skip("LXD_BENCH_INSTANCE is not set (bench/run.py sets it)")
	}
	c := unixClient(b)
	ctx := context.Background()
	run := func() error {
		code, _, _, err := c.ExecOutput(ctx, name, []string{"true"}, ExecOptions{})
		if err == nil && code != 0 {
			b.Fatalf("true exited with %d", code)
		}
		return err
	}
	if err := run(); err != nil {
		b.Fatal(err)
	}
	timedMedian(b, run)
}
