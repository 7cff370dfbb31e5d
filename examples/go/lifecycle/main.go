// Command lifecycle walks pylxd's object lifecycle with the Go binding: change a fetched object,
// see it Dirty, Rollback, Save with its ETag (a concurrent change is refused with
// ErrPreconditionFailed instead of being overwritten), Sync, snapshots, Rename and Delete.
package main

import (
	"context"
	"errors"
	"fmt"
	"log"
	"os"
	"time"

	lxdclient "github.com/liblxdclient/lxdclient/bindings/go/lxdclient"
)

func main() {
	image := "busybox"
	if len(os.Args) > 1 {
		image = os.Args[1]
	}
	c, err := lxdclient.Connect()
	check(err)
	defer c.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()

	name := fmt.Sprintf("lifecycle-%d", os.Getpid())
	op, err := c.CreateInstance(ctx, lxdclient.InstanceCreate{
		Name: name, Source: lxdclient.InstanceSource{Type: "image", Alias: image},
	})
	check(err)
	check(op.Wait(ctx))
	inst, err := c.GetInstance(ctx, name)
	check(err)
	defer func() {
		_ = inst.Stop(context.Background(), -1, true)
		_ = inst.Delete(context.Background())
	}()

	inst.Config["user.note"] = "draft"
	fmt.Println("dirty after a change:", inst.Dirty())
	check(inst.Rollback())
	fmt.Println("dirty after rollback:", inst.Dirty())

	other, err := c.GetInstance(ctx, name) // a second copy, read before the save below
	check(err)
	inst.Config["user.note"] = "saved"
	check(inst.Save(ctx))
	fmt.Println("saved, etag", inst.ETag())

	other.Config["user.note"] = "lost update"
	err = other.Save(ctx)
	fmt.Println("stale save refused:", errors.Is(err, lxdclient.ErrPreconditionFailed))
	check(other.Sync(ctx))
	fmt.Println("after sync:", other.Config["user.note"])

	snap, err := inst.Snapshots().Create(ctx, "before-start", false)
	check(err)
	fmt.Println("snapshot", snap.Name, "created", snap.CreatedAt.Format(time.RFC3339))

	check(inst.Start(ctx))
	check(inst.Freeze(ctx))
	check(inst.Unfreeze(ctx))
	check(inst.Stop(ctx, -1, true))
	check(snap.Restore(ctx, false))
	check(snap.Rename(ctx, "restored-from"))
	check(inst.Rename(ctx, name+"-renamed"))
	fmt.Println("renamed to", inst.Name)
}

func check(err error) {
	if err != nil {
		log.Fatal(err)
	}
}
