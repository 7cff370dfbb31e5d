//go:build cgo

package lxdclient

/*
#include <lxdclient.h>
*/
import "C"

import (
	"context"
	"time"
)

// Warning is one of LXD's warnings (GET /1.0/warnings/<uuid>).
type Warning struct {
	UUID        string    `json:"uuid"`
	Status      string    `json:"status"`
	Severity    string    `json:"severity"`
	Type        string    `json:"type"`
	Count       int       `json:"count"`
	Project     string    `json:"project"`
	Location    string    `json:"location"`
	FirstSeenAt time.Time `json:"first_seen_at"`
	LastSeenAt  time.Time `json:"last_seen_at"`
	LastMessage string    `json:"last_message"`
	EntityURL   string    `json:"entity_url"`
	Extra       Extra     `json:"-"`

	meta objectMeta
}

// SetWarningStatus sets a warning's status ("new", "acknowledged").
func (c *Client) SetWarningStatus(ctx context.Context, uuid, status string) error {
	var a cArgs
	u, st := a.str(uuid), a.str(status)
	return c.callErr(ctx, &a, func(cl *C.lxd_client, e **C.lxd_error) C.enum_lxd_result {
		return C.lxd_warning_set_status(cl, u, st, e)
	})
}
