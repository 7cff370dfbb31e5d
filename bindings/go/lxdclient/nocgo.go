//go:build !cgo

package lxdclient

// liblxdclient is a C library: this package cannot work without cgo. The declaration below fails
// to compile on purpose so that the reason is the first thing the compiler prints.
var _ int = "lxdclient requires cgo: build with CGO_ENABLED=1, a C compiler, and liblxdclient found by pkg-config (PKG_CONFIG_PATH=<repo>/build/pkgconfig after `make lib`)"
