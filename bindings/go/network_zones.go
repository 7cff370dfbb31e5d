//go:build cgo

package lxdclient

// Network zones and their records (/1.0/network-zones): plain structs; Get returns the ETag for
// Update / Patch.
