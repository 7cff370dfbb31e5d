//go:build cgo

package lxdclient
