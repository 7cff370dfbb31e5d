//go:build cgo

package lxdclient_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"time"

	lxdclient "github.com/liblxdclient/lxdclient/bindings/go/lxdclient"
)

// Connect to the local daemon over its unix socket, or to a remote one over HTTPS with a client
// certificate and the server's pinned certificate.
func ExampleConnect() {
	local, err := lxdclient.Connect()
	if err != nil {
		log.Fatal(err)
	}
	defer local.Close()

	remote, err := lxdclient.Connect(
		lxdclient.WithHTTPS("https://10.0.0.1:8443"),
		lxdclient.WithClientCertFiles("client.crt", "client.key"),
		lxdclient.WithServerCertFile("server.crt"),
		lxdclient.WithTimeout(10*time.Second),
	)
	if err != nil {
		log.Fatal(err)
	}
	defer remote.Close()

	ctx := context.Background()
	trusted, err := remote.Trusted(ctx)
	if err != nil {
		log.Fatal(err)
	}
	if !trusted {
		if err := remote.Authenticate(ctx, "the-trust-password"); err != nil {
			log.Fatal(err)
		}
	}
}

// Create a container from an image, start it, and read its state.
func ExampleClient_CreateInstance() {
	c, err := lxdclient.Connect()
	if err != nil {
		log.Fatal(err)
	}
	defer c.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()

	op, err := c.CreateInstance(ctx, lxdclient.InstanceCreate{
		Name:   "c1",
		Source: lxdclient.InstanceSource{Type: "image", Alias: "busybox"},
	})
	if err != nil {
		log.Fatal(err)
	}
	if err := op.Wait(ctx); err != nil { // cancelling ctx interrupts the wait at once
		log.Fatal(err)
	}
	inst, err := c.GetInstance(ctx, "c1")
	if err != nil {
		log.Fatal(err)
	}
	if err := inst.Start(ctx); err != nil {
		log.Fatal(err)
	}
	state, err := inst.State(ctx)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(inst.Name, state.Status, state.PID)
}

// List the instances and their status.
func ExampleClient_ListInstances() {
	c, err := lxdclient.Connect()
	if err != nil {
		log.Fatal(err)
	}
	defer c.Close()
	instances, err := c.ListInstances(context.Background())
	if err != nil {
		log.Fatal(err)
	}
	for _, inst := range instances {
		fmt.Printf("%-20s %-8s %s\n", inst.Name, inst.Status, inst.Type)
	}
}

// Change an object and save it with the ETag it was read with: a concurrent change on the
// server makes Save fail instead of being overwritten.
func ExampleProfile_Save() {
	c, err := lxdclient.Connect()
	if err != nil {
		log.Fatal(err)
	}
	defer c.Close()
	ctx := context.Background()

	p, err := c.GetProfile(ctx, "default")
	if errors.Is(err, lxdclient.ErrNotFound) {
		log.Fatal("no default profile")
	} else if err != nil {
		log.Fatal(err)
	}
	p.Config["limits.memory"] = "256MiB"
	fmt.Println(p.Dirty()) // true
	err = p.Save(ctx)
	if errors.Is(err, lxdclient.ErrPreconditionFailed) {
		_ = p.Sync(ctx) // someone else changed it: start again from the server's version
	} else if err != nil {
		log.Fatal(err)
	}
}
