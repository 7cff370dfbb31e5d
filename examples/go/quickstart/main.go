// Command quickstart is the Go quick start of bindings/go/lxdclient/README.md: connect to the local LXD,
// create a container, start it, read its state, and delete it.
package main

import (
	"context"
	"fmt"
	"log"
	"os"
	"time"

	lxdclient "github.com/liblxdclient/lxdclient/bindings/go/lxdclient"
)

// An image alias on your server (`lxc image list`); the test harness imports "busybox".
const image = "busybox"

func main() {
	c, err := lxdclient.Connect() // the local daemon's unix socket
	if err != nil {
		log.Fatal(err)
	}
	defer c.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()

	srv, err := c.GetServer(ctx)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(srv.Environment.Server, srv.Environment.ServerVersion, "via liblxdclient", lxdclient.LibraryVersion())

	name := fmt.Sprintf("quickstart-%d", os.Getpid())
	op, err := c.CreateInstance(ctx, lxdclient.InstanceCreate{
		Name:   name,
		Source: lxdclient.InstanceSource{Type: "image", Alias: image},
	})
	if err != nil {
		log.Fatal(err)
	}
	if err := op.Wait(ctx); err != nil {
		log.Fatal(err)
	}
	inst, err := c.GetInstance(ctx, name)
	if err != nil {
		log.Fatal(err)
	}
	defer inst.Delete(context.Background())

	if err := inst.Start(ctx); err != nil {
		log.Fatal(err)
	}
	state, err := inst.State(ctx)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(name, state.Status, "pid", state.PID)

	if err := inst.Stop(ctx, -1, true); err != nil {
		log.Fatal(err)
	}
	fmt.Println(name, "stopped")
}
