//go:build cgo && lxdclient_static

package lxdclient

// Static linking (build tag lxdclient_static): liblxdclient.a and the system libraries it needs,
// through the lxdclient-static pkg-config module (`make pc-static` writes it next to lxdclient.pc).

// #cgo pkg-config: --static lxdclient-static
import "C"
