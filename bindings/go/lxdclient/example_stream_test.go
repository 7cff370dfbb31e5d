//go:build cgo

package lxdclient_test

import (
	"context"
	"fmt"
	"log"
	"os"
	"strings"
	"time"

	lxdclient "github.com/liblxdclient/lxdclient/bindings/go/lxdclient"
)

// Run a command in a running instance, streaming its stdin and output; cancelling the context
// kills it.
func ExampleClient_Exec() {
	c, err := lxdclient.Connect()
	if err != nil {
		log.Fatal(err)
	}
	defer c.Close()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()

	code, err := c.Exec(ctx, "c1", []string{"sh", "-c", "tr a-z A-Z; id -u"}, lxdclient.ExecOptions{
		Stdin:  strings.NewReader("hello\n"),
		Stdout: os.Stdout,
		Stderr: os.Stderr,
		Env:    map[string]string{"LANG": "C"},
		Cwd:    "/tmp",
		User:   1000,
	})
	if err != nil {
		log.Fatal(err) // a context error, a failing stream, a missing instance...
	}
	fmt.Println("exit code", code) // a non-zero exit code is not an error
}

// Run a command and collect its output.
func ExampleClient_ExecOutput() {
	c, err := lxdclient.Connect()
	if err != nil {
		log.Fatal(err)
	}
	defer c.Close()
	code, stdout, stderr, err := c.ExecOutput(context.Background(), "c1", []string{"cat", "/etc/hostname"}, lxdclient.ExecOptions{})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%d %q %q\n", code, stdout, stderr)
}

// Drive a shell through a terminal.
func ExampleClient_ExecInteractive() {
	c, err := lxdclient.Connect()
	if err != nil {
		log.Fatal(err)
	}
	defer c.Close()
	ctx := context.Background()
	s, err := c.ExecInteractive(ctx, "c1", []string{"sh"}, lxdclient.ExecOptions{Width: 120, Height: 40})
	if err != nil {
		log.Fatal(err)
	}
	defer s.Close()
	go func() {
		fmt.Fprintln(s, "echo hello; exit 3")
	}()
	buf := make([]byte, 4096)
	for {
		n, err := s.Read(buf) // io.EOF once the shell exited and its output was read
		if n > 0 {
			os.Stdout.Write(buf[:n])
		}
		if err != nil {
			break
		}
	}
	code, err := s.Wait(ctx)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("exit code", code)
}

// Push a local file into an instance with a progress report, and pull it back atomically.
func ExampleClient_PushFileFromPath() {
	c, err := lxdclient.Connect()
	if err != nil {
		log.Fatal(err)
	}
	defer c.Close()
	ctx := context.Background()

	err = c.PushFileFromPath(ctx, "c1", "/root/data.bin", "data.bin", &lxdclient.FileOptions{
		Mode: 0o600, UID: 1000, GID: 1000,
		Progress: func(done, total uint64) bool {
			fmt.Printf("\r%d / %d bytes", done, total)
			return true // false stops the upload
		},
	})
	if err != nil {
		log.Fatal(err)
	}
	info, err := c.PullFileToPath(ctx, "c1", "/root/data.bin", "copy.bin", nil)
	if err != nil {
		log.Fatal(err) // nothing was left at copy.bin
	}
	fmt.Println(info.Size, info.Mode)
}

// Stream a file out of an instance into any io.Writer.
func ExampleClient_PullFile() {
	c, err := lxdclient.Connect()
	if err != nil {
		log.Fatal(err)
	}
	defer c.Close()
	if _, err := c.PullFile(context.Background(), "c1", "/etc/os-release", os.Stdout, nil); err != nil {
		log.Fatal(err)
	}
}

// Watch lifecycle events until the context ends; the channel is closed then.
func ExampleClient_Events() {
	c, err := lxdclient.Connect()
	if err != nil {
		log.Fatal(err)
	}
	defer c.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()

	events, err := c.Events(ctx, lxdclient.EventOptions{Types: []string{"lifecycle"}})
	if err != nil {
		log.Fatal(err)
	}
	for ev := range events {
		l, err := ev.Lifecycle()
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(ev.Timestamp.Format(time.TimeOnly), l.Action, l.Source)
	}
}
