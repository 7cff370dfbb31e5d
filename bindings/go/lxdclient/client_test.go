//go:build cgo

package lxdclient

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"
)

func TestConnectLocal(t *testing.T) {
	env := lxdEnv(t)
	ctx := testCtx(t)
	// Default discovery: LXD_SOCKET.
	t.Setenv("LXD_SOCKET", env.socket)
	c, err := Connect()
	must(t, err)
	defer c.Close()
	trusted, err := c.Trusted(ctx)
	must(t, err)
	if !trusted {
		t.Fatal("the unix socket is always trusted")
	}

	// Derived clients share the connection but not the default project.
	d, err := c.WithProject("default")
	must(t, err)
	names, err := d.ListProfileNames(ctx)
	must(t, err)
	if len(names) == 0 {
		t.Fatal("no profiles in the default project")
	}
	missing, err := c.WithProject("no-such-project")
	must(t, err)
	_, err = missing.ListProfileNames(ctx)
	mustIs(t, err, ErrNotFound)
	nt, err := c.WithTarget("")
	must(t, err)
	_, err = nt.ListInstanceNames(ctx)
	must(t, err)
	for _, x := range []*Client{d, missing, nt} {
		must(t, x.Close())
	}
	// The parent is unaffected by closing its derived clients.
	_, err = c.GetServer(ctx)
	must(t, err)
}

// One Client used from 16 goroutines at once (run with -race).
func TestConcurrentUse(t *testing.T) {
	c := unixClient(t)
	ctx := testCtx(t)
	const workers, rounds = 16, 5
	var wg sync.WaitGroup
	errs := make(chan error, workers)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			name := uniq(fmt.Sprintf("gc%d", w))
			defer c.DeleteProfile(context.Background(), name)
			for r := 0; r < rounds; r++ {
				if _, err := c.GetServer(ctx); err != nil {
					errs <- err
					return
				}
				if err := c.CreateProfile(ctx, ProfileCreate{Name: name, Config: map[string]string{"user.w": fmt.Sprint(w)}}); err != nil {
					errs <- err
					return
				}
				p, err := c.GetProfile(ctx, name)
				if err != nil {
					errs <- err
					return
				}
				p.Description = fmt.Sprintf("worker %d round %d", w, r)
				if err := p.Save(ctx); err != nil {
					errs <- err
					return
				}
				if p.Description != fmt.Sprintf("worker %d round %d", w, r) || p.Config["user.w"] != fmt.Sprint(w) {
					errs <- fmt.Errorf("worker %d read back %+v", w, p)
					return
				}
				if _, err := c.ListInstanceNames(ctx); err != nil {
					errs <- err
					return
				}
				if _, err := c.GetInstance(ctx, "gc-no-such-instance"); !isNotFound(err) {
					errs <- fmt.Errorf("want not found, got %v", err)
					return
				}
				if err := c.DeleteProfile(ctx, name); err != nil {
					errs <- err
					return
				}
			}
		}(w)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

func isNotFound(err error) bool {
	e, ok := err.(*Error)
	return ok && e.Code == CodeNotFound && e.HTTPStatus == 404
}

func TestClose(t *testing.T) {
	env := lxdEnv(t)
	ctx := testCtx(t)
	c, err := Connect(WithUnixSocket(env.socket))
	must(t, err)

	// Calls in flight while Close runs either finish or see ErrClosed; none crashes.
	var wg sync.WaitGroup
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := 0; j < 20; j++ {
				_, err := c.GetServer(ctx)
				if err != nil {
					if !errors.Is(err, ErrClosed) {
						t.Errorf("call during Close: %v", err)
					}
					return
				}
			}
		}()
	}
	time.Sleep(20 * time.Millisecond)
	must(t, c.Close())
	must(t, c.Close())
	wg.Wait()

	_, err = c.GetServer(ctx)
	mustIs(t, err, ErrClosed)
	mustIs(t, err, ErrInvalidArgument)
	_, err = c.Trusted(ctx)
	mustIs(t, err, ErrClosed)
	_, err = c.WithProject("default")
	mustIs(t, err, ErrClosed)
	var nilClient *Client
	must(t, nilClient.Close())
	_, err = nilClient.GetServer(ctx)
	mustIs(t, err, ErrInvalidArgument)

	// An operation outlives the client it came from.
	inst := newInstance(t, unixClient(t), nil)
	c2, err := Connect(WithUnixSocket(env.socket))
	must(t, err)
	op, err := c2.StartInstance(ctx, inst.Name)
	must(t, err)
	must(t, c2.Close())
	must(t, op.Wait(ctx))
	must(t, op.Close())
	must(t, op.Close())
}
