//go:build cgo

package lxdclient

/*
#include <lxdclient.h>
*/
import "C"

import (
	"context"
	"encoding/json"
)

// Call is the escape hatch for any LXD endpoint the typed methods do not cover: it sends method
// and path (with its query, percent-encoded; the client's default project and target are not
// added) with body (nil: none; see RawRequest), and reads LXD's reply envelope as every typed
// method does (lxd_call: the envelope and error mapping live in the library's core, once):
//
//   - an error reply is an *Error (ErrNotFound, ErrConflict, ErrPreconditionFailed,
//     ErrForbidden by HTTP status, else ErrAPI) with LXD's message;
//   - a sync reply's metadata is decoded into out (nil: ignored);
//   - an async reply's operation is waited for (interruptibly, with ctx), and the finished
//     operation's metadata is decoded into out; a failed operation is ErrOperationFailed.
//
// out may be a *json.RawMessage to keep the metadata as it came.
func (c *Client) Call(ctx context.Context, method, path string, body, out any) error {
	var a cArgs
	m, pth := a.str(method), a.str(path)
	var b *C.char
	if body != nil {
		b = a.json(body)
	}
	var text string
	var op *Operation
	err := c.use(ctx, &a, func(p *C.lxd_client) error {
		var js *C.char
		var o *C.lxd_operation
		var e *C.lxd_error
		if err := takeError(C.lxd_call(p, m, pth, b, &js, &o, &e), e); err != nil {
			return err
		}
		text = takeString(js)
		if o != nil {
			op = newOperation(c, o)
		}
		return nil
	})
	if err != nil {
		return err
	}
	if op != nil {
		defer op.Close()
		if err := op.Wait(ctx); err != nil {
			return err
		}
		info, err := op.Info()
		if err != nil {
			return err
		}
		if out == nil {
			return nil
		}
		raw, err := json.Marshal(info.Metadata)
		if err != nil {
			return &Error{Code: CodeProtocol, Message: err.Error()}
		}
		text = string(raw)
	}
	if out == nil {
		return nil
	}
	return decodeReply(text, out)
}
