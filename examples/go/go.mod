module github.com/liblxdclient/lxdclient/examples/go

go 1.22

require github.com/liblxdclient/lxdclient/bindings/go/lxdclient v0.0.0

replace github.com/liblxdclient/lxdclient/bindings/go/lxdclient => ../../bindings/go/lxdclient
