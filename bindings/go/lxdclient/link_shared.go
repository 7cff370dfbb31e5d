//go:build cgo && !lxdclient_static

package lxdclient

// Dynamic linking (the default): liblxdclient.so found through pkg-config. `make lib` writes an
// in-tree build/pkgconfig/lxdclient.pc whose Libs carry an rpath to target/release.

// #cgo pkg-config: lxdclient
import "C"
