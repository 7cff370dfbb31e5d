// Package lxdclient is the Go binding of liblxdclient, a client library for the LXD REST API.
//
// It links liblxdclient (the C ABI in include/lxdclient.h) through cgo and pkg-config, so every
// behaviour — URLs, the LXD envelope, operations, ETags, TLS, the unix socket — lives once in the
// library and this package stays a thin, typed layer over it.
//
// # Building
//
// The package needs cgo and the `lxdclient` pkg-config module. In the source tree, `make lib`
// builds target/release/liblxdclient.so (and .a) and writes build/pkgconfig/lxdclient.pc:
//
//	make lib
//	export PKG_CONFIG_PATH=$PWD/build/pkgconfig
//	cd bindings/go/lxdclient && go build ./...
//
// With the build tag `lxdclient_static` the package links liblxdclient.a instead (through the
// `lxdclient-static` pkg-config module that `make pc-static` writes), so the program does not
// need liblxdclient.so at run time. Without cgo the package does not compile, on purpose, with a
// message saying so.
//
// # Connecting
//
// [Connect] talks to the local daemon over its unix socket unless told otherwise; [WithHTTPS]
// with a client certificate ([WithClientCertFiles]) and the server's pinned certificate
// ([WithServerCertFile]) talks to a remote one:
//
//	c, err := lxdclient.Connect()                                 // local unix socket
//	c, err := lxdclient.Connect(lxdclient.WithHTTPS("https://10.0.0.1:8443"),
//		lxdclient.WithClientCertFiles("client.crt", "client.key"),
//		lxdclient.WithServerCertFile("server.crt"))
//	defer c.Close()
//
// A [Client] is safe for concurrent use by many goroutines. [Client.Close] is explicit and
// idempotent; a finalizer only frees a client that was forgotten.
//
// # Contexts and operations
//
// Every method takes a [context.Context] first. Calls that LXD runs in the background return an
// [*Operation]; [Operation.Wait] blocks until it ends, and cancelling its context interrupts the
// wait at once (the operation keeps running on the server; [Operation.Cancel] asks LXD to stop
// it). Convenience methods that wait for you (Instance.Start, Instance.Save, ...) are
// interrupted the same way. A plain request (a GET, a profile update) cannot be interrupted in
// the middle: when its context ends the method returns at once with the context's error and the
// request finishes in the background, bounded by the client's timeout ([WithTimeout]).
//
// # Objects
//
// Objects fetched from the server (instances, profiles, images, networks, storage pools,
// snapshots, ...) follow the lifecycle pylxd documents: change their exported fields, ask
// Dirty, Rollback to what the server sent, Sync to fetch it again, and Save to write the change
// back. Save sends the ETag the object was read with, so a concurrent change on the server makes
// it fail with [ErrPreconditionFailed] instead of being overwritten. Fields this package does not
// know are kept in each object's Extra map and sent back on Save. An object is a plain value:
// share it between goroutines only with your own locking.
//
// # Errors
//
// Failures are [*Error] values with a [Code], the HTTP status LXD answered with and its message;
// errors.Is works with the sentinels: errors.Is(err, lxdclient.ErrNotFound).
package lxdclient

//go:generate python3 ../../../tools/gen_go.py
