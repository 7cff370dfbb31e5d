//go:build cgo

package lxdclient

import (
	"context"
	"testing"
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
