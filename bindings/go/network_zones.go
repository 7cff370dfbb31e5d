//go:build cgo

package lxdclient

/*
#include <lxdclient.h>
*/
import "C"

import "context"

// Network zones and their records (/1.0/network-zones): plain structs; Get returns the ETag for
// Update / Patch.

// ListNetworkZoneNames lists the network zones' names (GET /1.0/network-zones).
func (c *Client) ListNetworkZoneNames(ctx context.Context) ([]string, error) {
	s, err := c.callString(ctx, nil, func(p *C.lxd_client, out **C.char, e **C.lxd_error) C.enum_lxd_result {
		return C.lxd_network_zone_list(p, 0, out, e)
	})
	if err != nil {
		return nil, err
	}
	return decodeNames(s)
}

// ListNetworkZones lists the network zones (GET /1.0/network-zones?recursion=1).
func (c *Client) ListNetworkZones(ctx context.Context) ([]*NetworkZone, error) {
	s, err := c.callString(ctx, nil, func(p *C.lxd_client, out **C.char, e **C.lxd_error) C.enum_lxd_result {
		return C.lxd_network_zone_list(p, 1, out, e)
	})
	return decodeAs[[]*NetworkZone](s, err)
}

// GetNetworkZone fetches a network zone and its ETag. Missing: ErrNotFound.
func (c *Client) GetNetworkZone(ctx context.Context, name string) (*NetworkZone, string, error) {
	var a cArgs
	n := a.str(name)
	s, etag, err := c.callStringETag(ctx, &a, func(p *C.lxd_client, out, et **C.char, e **C.lxd_error) C.enum_lxd_result {
		return C.lxd_network_zone_get(p, n, out, et, e)
	})
	v, err := decodeAs[*NetworkZone](s, err)
	return v, etag, err
}

// NetworkZoneExists reports whether a network zone exists.
func (c *Client) NetworkZoneExists(ctx context.Context, name string) (bool, error) {
	var a cArgs
	n := a.str(name)
	return c.callBool(ctx, &a, func(p *C.lxd_client, out *C.bool, e **C.lxd_error) C.enum_lxd_result {
		return C.lxd_network_zone_exists(p, n, out, e)
	})
}

// CreateNetworkZone creates a network zone (POST /1.0/network-zones); its Name is the DNS zone
// ("example.org"). LXD 5.0.2 refuses a taken name with ErrAPI (400), not ErrConflict.
func (c *Client) CreateNetworkZone(ctx context.Context, zone NetworkZone) error {
	var a cArgs
	j := a.json(zone)
	return c.callErr(ctx, &a, func(p *C.lxd_client, e **C.lxd_error) C.enum_lxd_result {
		return C.lxd_network_zone_create(p, j, e)
	})
}

// UpdateNetworkZone replaces a network zone's description and config (PUT); etag ("": none)
// guards against a concurrent change (ErrPreconditionFailed).
func (c *Client) UpdateNetworkZone(ctx context.Context, name string, zone NetworkZone, etag string) error {
	var a cArgs
	n, j, et := a.str(name), a.json(zone), a.opt(etag)
	return c.callErr(ctx, &a, func(p *C.lxd_client, e **C.lxd_error) C.enum_lxd_result {
		return C.lxd_network_zone_update(p, n, j, et, e)
	})
}

// PatchNetworkZone merges patch (any JSON object) into a network zone (PATCH); etag as in
// UpdateNetworkZone. LXD 5.0.2 drops the connection (a handler panic) on a patch without
// "config" of a zone that has config: include "config" (its keys are merged).
func (c *Client) PatchNetworkZone(ctx context.Context, name string, patch any, etag string) error {
	var a cArgs
	n, j, et := a.str(name), a.json(patch), a.opt(etag)
	return c.callErr(ctx, &a, func(p *C.lxd_client, e **C.lxd_error) C.enum_lxd_result {
		return C.lxd_network_zone_patch(p, n, j, et, e)
	})
}

// DeleteNetworkZone deletes a network zone.
func (c *Client) DeleteNetworkZone(ctx context.Context, name string) error {
	var a cArgs
	n := a.str(name)
	return c.callErr(ctx, &a, func(p *C.lxd_client, e **C.lxd_error) C.enum_lxd_result {
		return C.lxd_network_zone_delete(p, n, e)
	})
}

// ListNetworkZoneRecordNames lists the names of a zone's records.
func (c *Client) ListNetworkZoneRecordNames(ctx context.Context, zone string) ([]string, error) {
	var a cArgs
	z := a.str(zone)
	s, err := c.callString(ctx, &a, func(p *C.lxd_client, out **C.char, e **C.lxd_error) C.enum_lxd_result {
		return C.lxd_network_zone_record_list(p, z, 0, out, e)
	})
	if err != nil {
		return nil, err
	}
	return decodeNames(s)
}

// ListNetworkZoneRecords lists a zone's records (GET /1.0/network-zones/<zone>/records?recursion=1).
func (c *Client) ListNetworkZoneRecords(ctx context.Context, zone string) ([]*NetworkZoneRecord, error) {
	var a cArgs
	z := a.str(zone)
	s, err := c.callString(ctx, &a, func(p *C.lxd_client, out **C.char, e **C.lxd_error) C.enum_lxd_result {
		return C.lxd_network_zone_record_list(p, z, 1, out, e)
	})
	return decodeAs[[]*NetworkZoneRecord](s, err)
}

// GetNetworkZoneRecord fetches a zone record and its ETag. Missing: ErrNotFound.
func (c *Client) GetNetworkZoneRecord(ctx context.Context, zone, name string) (*NetworkZoneRecord, string, error) {
	var a cArgs
	z, n := a.str(zone), a.str(name)
	s, etag, err := c.callStringETag(ctx, &a, func(p *C.lxd_client, out, et **C.char, e **C.lxd_error) C.enum_lxd_result {
		return C.lxd_network_zone_record_get(p, z, n, out, et, e)
	})
	v, err := decodeAs[*NetworkZoneRecord](s, err)
	return v, etag, err
}

// CreateNetworkZoneRecord creates a record in a zone (POST .../records). LXD 5.0.2 refuses a
// taken name with ErrAPI (500, "UNIQUE constraint failed"), not ErrConflict.
func (c *Client) CreateNetworkZoneRecord(ctx context.Context, zone string, record NetworkZoneRecord) error {
	var a cArgs
	z, j := a.str(zone), a.json(record)
	return c.callErr(ctx, &a, func(p *C.lxd_client, e **C.lxd_error) C.enum_lxd_result {
		return C.lxd_network_zone_record_create(p, z, j, e)
	})
}

// UpdateNetworkZoneRecord replaces a record's description, entries and config (PUT); etag as in
// UpdateNetworkZone.
func (c *Client) UpdateNetworkZoneRecord(ctx context.Context, zone, name string, record NetworkZoneRecord, etag string) error {
	var a cArgs
	z, n, j, et := a.str(zone), a.str(name), a.json(record), a.opt(etag)
	return c.callErr(ctx, &a, func(p *C.lxd_client, e **C.lxd_error) C.enum_lxd_result {
		return C.lxd_network_zone_record_update(p, z, n, j, et, e)
	})
}

// PatchNetworkZoneRecord patches a record (PATCH); etag as in UpdateNetworkZone. LXD 5.0.2 takes
// "entries" and "config" as sent (left out: cleared), and drops the connection on a patch
// without "config" when the zone has config: send the whole record.
func (c *Client) PatchNetworkZoneRecord(ctx context.Context, zone, name string, patch any, etag string) error {
	var a cArgs
	z, n, j, et := a.str(zone), a.str(name), a.json(patch), a.opt(etag)
	return c.callErr(ctx, &a, func(p *C.lxd_client, e **C.lxd_error) C.enum_lxd_result {
		return C.lxd_network_zone_record_patch(p, z, n, j, et, e)
	})
}

// DeleteNetworkZoneRecord deletes a record of a zone.
func (c *Client) DeleteNetworkZoneRecord(ctx context.Context, zone, name string) error {
	var a cArgs
	z, n := a.str(zone), a.str(name)
	return c.callErr(ctx, &a, func(p *C.lxd_client, e **C.lxd_error) C.enum_lxd_result {
		return C.lxd_network_zone_record_delete(p, z, n, e)
	})
}
