//go:build cgo

package lxdclient

/*
#include <lxdclient.h>
*/
import "C"

import "context"

// RawRequest sends any request, for what the typed methods do not cover: method ("GET",
// "POST", ...), path with its query, already percent-encoded ("/1.0/instances?recursion=1"), and
// body (nil: none; json.RawMessage, []byte and string are sent as they are; anything else is
// encoded with encoding/json). The client's default project and target are not added.
//
// Whatever LXD answers is returned, error statuses included: only failing to talk to LXD at all
// is an error.
func (c *Client) RawRequest(ctx context.Context, method, path string, body any) (*RawResponse, error) {
	var a cArgs
	m, pth := a.str(method), a.str(path)
	var b *C.char
	if body != nil {
		b = a.json(body)
	}
	var resp *RawResponse
	err := c.use(ctx, &a, func(p *C.lxd_client) error {
		var status C.uint16_t
		var out, etag *C.char
		var e *C.lxd_error
		if err := takeError(C.lxd_raw_request(p, m, pth, b, &status, &out, &etag, &e), e); err != nil {
			return err
		}
		resp = &RawResponse{StatusCode: int(status), ETag: takeString(etag), Body: []byte(takeString(out))}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return resp, nil
}
