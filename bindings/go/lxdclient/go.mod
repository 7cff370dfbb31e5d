module github.com/liblxdclient/lxdclient/bindings/go/lxdclient

go 1.22
