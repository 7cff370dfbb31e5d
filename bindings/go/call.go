//go:build cgo

package lxdclient

import (
	"context"
	"encoding/json"
	"strings"
)

// Call is the escape hatch for any LXD endpoint the typed methods do not cover: it sends method
// and path (with its query, percent-encoded; the client's default project and target are not
// added) with body (nil: none; see RawRequest), then reads LXD's reply envelope:
//
//   - an error reply is an *Error (ErrNotFound, ErrConflict, ErrPreconditionFailed,
//     ErrForbidden by HTTP status, else ErrAPI) with LXD's message;
//   - a sync reply's metadata is decoded into out (nil: ignored);
//   - an async reply's operation is waited for (interruptibly, with ctx), and the finished
//     operation's metadata is decoded into out; a failed operation is ErrOperationFailed.
//
// out may be a *json.RawMessage to keep the metadata as it came.
func (c *Client) Call(ctx context.Context, method, path string, body, out any) error {
	resp, err := c.RawRequest(ctx, method, path, body)
	if err != nil {
		return err
	}
	var env struct {
		Type       string          `json:"type"`
		StatusCode int             `json:"status_code"`
		ErrorCode  int             `json:"error_code"`
		Error      string          `json:"error"`
		Operation  string          `json:"operation"`
		Metadata   json.RawMessage `json:"metadata"`
	}
	if err := json.Unmarshal(resp.Body, &env); err != nil {
		return &Error{Code: CodeProtocol, HTTPStatus: resp.StatusCode, Message: "the reply to " + method + " " + path + " is not LXD's JSON envelope: " + err.Error()}
	}
	if env.Type == "error" || resp.StatusCode >= 400 {
		code := CodeAPI
		switch resp.StatusCode {
		case 404:
			code = CodeNotFound
		case 409:
			code = CodeConflict
		case 412:
			code = CodePreconditionFailed
		case 403:
			code = CodeForbidden
		}
		msg := env.Error
		if msg == "" {
			msg = strings.TrimSpace(string(resp.Body))
		}
		return &Error{Code: code, HTTPStatus: resp.StatusCode, Message: "LXD: " + msg}
	}
	switch env.Type {
	case "sync":
		if out == nil || len(env.Metadata) == 0 {
			return nil
		}
		return decodeReply(string(env.Metadata), out)
	case "async":
		id := env.Operation[strings.LastIndexByte(env.Operation, '/')+1:]
		if i := strings.IndexByte(id, '?'); i >= 0 {
			id = id[:i]
		}
		if id == "" {
			return &Error{Code: CodeProtocol, Message: "an async reply without an operation"}
		}
		op, err := c.GetOperation(ctx, id)
		if err != nil {
			return err
		}
		defer op.Close()
		if err := op.Wait(ctx); err != nil {
			return err
		}
		if out == nil {
			return nil
		}
		info, err := op.Info()
		if err != nil {
			return err
		}
		b, err := json.Marshal(info.Metadata)
		if err != nil {
			return &Error{Code: CodeProtocol, Message: err.Error()}
		}
		return decodeReply(string(b), out)
	}
	return &Error{Code: CodeProtocol, HTTPStatus: resp.StatusCode, Message: "unknown reply type " + env.Type}
}
