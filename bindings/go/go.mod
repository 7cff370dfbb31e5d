module github.com/liblxdclient/lxdclient/bindings/go

go 1.22
