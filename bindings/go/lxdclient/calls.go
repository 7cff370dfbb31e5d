//go:build cgo

package lxdclient

/*
#include <stdlib.h>
#include <lxdclient.h>
*/
import "C"

import "context"

// The shapes of the C calls, once. Each helper takes the call's C strings (a *cArgs, freed once
// the C call is over, even when the caller stopped waiting for it) and a closure that makes the
// C call; outputs are copied to Go and freed inside, so an abandoned call leaks nothing.

func (c *Client) callErr(ctx context.Context, a *cArgs, f func(p *C.lxd_client, e **C.lxd_error) C.enum_lxd_result) error {
	return c.use(ctx, a, func(p *C.lxd_client) error {
		var e *C.lxd_error
		return takeError(f(p, &e), e)
	})
}

func (c *Client) callString(ctx context.Context, a *cArgs, f func(p *C.lxd_client, out **C.char, e **C.lxd_error) C.enum_lxd_result) (string, error) {
	var s string
	err := c.use(ctx, a, func(p *C.lxd_client) error {
		var out *C.char
		var e *C.lxd_error
		if err := takeError(f(p, &out, &e), e); err != nil {
			return err
		}
		s = takeString(out)
		return nil
	})
	if err != nil {
		return "", err
	}
	return s, nil
}

func (c *Client) callStringETag(ctx context.Context, a *cArgs, f func(p *C.lxd_client, out, etag **C.char, e **C.lxd_error) C.enum_lxd_result) (string, string, error) {
	var s, t string
	err := c.use(ctx, a, func(p *C.lxd_client) error {
		var out, etag *C.char
		var e *C.lxd_error
		if err := takeError(f(p, &out, &etag, &e), e); err != nil {
			return err
		}
		s, t = takeString(out), takeString(etag)
		return nil
	})
	if err != nil {
		return "", "", err
	}
	return s, t, nil
}

// callBytesETag is callStringETag with the JSON in a []byte of its own (one copy out of C, kept
// as a live object's original without another).
func (c *Client) callBytesETag(ctx context.Context, a *cArgs, f func(p *C.lxd_client, out, etag **C.char, e **C.lxd_error) C.enum_lxd_result) ([]byte, string, error) {
	var s []byte
	var t string
	err := c.use(ctx, a, func(p *C.lxd_client) error {
		var out, etag *C.char
		var e *C.lxd_error
		if err := takeError(f(p, &out, &etag, &e), e); err != nil {
			return err
		}
		s, t = takeBytes(out), takeString(etag)
		return nil
	})
	if err != nil {
		return nil, "", err
	}
	return s, t, nil
}

func (c *Client) callBool(ctx context.Context, a *cArgs, f func(p *C.lxd_client, out *C.bool, e **C.lxd_error) C.enum_lxd_result) (bool, error) {
	var b bool
	err := c.use(ctx, a, func(p *C.lxd_client) error {
		var out C.bool
		var e *C.lxd_error
		if err := takeError(f(p, &out, &e), e); err != nil {
			return err
		}
		b = bool(out)
		return nil
	})
	return b && err == nil, err
}

// callOp makes a call that starts an operation; the handle is wrapped at once (so an abandoned
// call's handle is freed by its finalizer).
func (c *Client) callOp(ctx context.Context, a *cArgs, f func(p *C.lxd_client, op **C.lxd_operation, e **C.lxd_error) C.enum_lxd_result) (*Operation, error) {
	var op *Operation
	err := c.use(ctx, a, func(p *C.lxd_client) error {
		var out *C.lxd_operation
		var e *C.lxd_error
		if err := takeError(f(p, &out, &e), e); err != nil {
			return err
		}
		op = newOperation(c, out)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return op, nil
}

// callWait makes a call that starts an operation and waits for it (ctx interrupts the wait).
func (c *Client) callWait(ctx context.Context, a *cArgs, f func(p *C.lxd_client, op **C.lxd_operation, e **C.lxd_error) C.enum_lxd_result) error {
	op, err := c.callOp(ctx, a, f)
	if err != nil {
		return err
	}
	return op.wait(ctx)
}

// decodeAs decodes a call's JSON result, passing its error through.
func decodeAs[T any](s string, err error) (T, error) {
	var v T
	if err != nil {
		return v, err
	}
	if err := decodeReply(s, &v); err != nil {
		return v, err
	}
	return v, nil
}
