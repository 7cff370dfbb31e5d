//go:build cgo

package lxdclient

/*
#include <lxdclient.h>
*/
import "C"

import (
	"context"
	"encoding/json"
	"io"
	"unsafe"
)

// What Incus 6.0 can do with an instance and LXD 5.0 cannot: rebuild it, list who may reach it,
// dump a VM's memory, and read the output records of commands run with ExecOptions.RecordOutput.
// LXD 5.0 answers these with ErrNotFound (the exec output list: ErrAPI, see
// ListInstanceExecOutputs).

// RebuildInstance replaces the root file system of a stopped instance, keeping its configuration
// (POST /1.0/instances/<name>/rebuild), and returns the operation to wait on. source is Incus's
// InstanceRebuildPost source: {"type": "image", "alias": "..."} (or "fingerprint", "server",
// "protocol") or {"type": "none"} for an empty root. A running instance: ErrAPI.
func (c *Client) RebuildInstance(ctx context.Context, name string, source map[string]any) (*Operation, error) {
	var a cArgs
	n, j := a.str(name), a.json(map[string]any{"source": source})
	return c.callOp(ctx, &a, func(p *C.lxd_client, op **C.lxd_operation, e **C.lxd_error) C.enum_lxd_result {
		return C.lxd_instance_rebuild(p, n, j, op, e)
	})
}

// InstanceAccess lists who may reach an instance (GET /1.0/instances/<name>/access), as Incus
// sends it: a JSON array of {"identifier", "role", "provider"}, or null when no identity is
// listed (as over the unix socket).
func (c *Client) InstanceAccess(ctx context.Context, name string) (json.RawMessage, error) {
	var a cArgs
	n := a.str(name)
	s, err := c.callString(ctx, &a, func(p *C.lxd_client, out **C.char, e **C.lxd_error) C.enum_lxd_result {
		return C.lxd_instance_access(p, n, out, e)
	})
	if err != nil {
		return nil, err
	}
	return json.RawMessage(s), nil
}

// DumpInstanceMemory writes a running virtual machine's memory to the local file path (GET
// /1.0/instances/<name>/debug/memory), atomically. format ("": "elf") is QEMU's dump format. A
// container: ErrAPI. progress may be nil.
func (c *Client) DumpInstanceMemory(ctx context.Context, name, format, path string, progress ProgressFunc) error {
	var a cArgs
	n, f, p1 := a.str(name), a.opt(format), a.str(path)
	return c.download(ctx, &a, progress, func(p *C.lxd_client, prog *transferProgress, e **C.lxd_error) C.enum_lxd_result {
		return C.lxd_instance_debug_memory_path(p, n, f, p1, prog.cb(), prog.user(), e)
	})
}

// DumpInstanceMemoryTo writes a running virtual machine's memory into w, streamed. On failure part
// of the dump may already have been written.
func (c *Client) DumpInstanceMemoryTo(ctx context.Context, name, format string, w io.Writer, progress ProgressFunc) error {
	var a cArgs
	n, f := a.str(name), a.opt(format)
	return c.downloadTo(ctx, &a, w, progress, func(p *C.lxd_client, fd C.int, prog *transferProgress, e **C.lxd_error) C.enum_lxd_result {
		return C.lxd_instance_debug_memory_fd(p, n, f, fd, prog.cb(), prog.user(), e)
	})
}

// ListInstanceExecOutputs lists the output records of an instance (GET
// /1.0/instances/<name>/logs/exec-output): "exec_<uuid>.stdout" and "exec_<uuid>.stderr" per
// command run with ExecOptions.RecordOutput. Before the first one Incus answers ErrNotFound; LXD
// 5.0.2 reads "exec-output" as a log file name and refuses it (ErrAPI).
func (c *Client) ListInstanceExecOutputs(ctx context.Context, name string) ([]string, error) {
	var a cArgs
	n := a.str(name)
	s, err := c.callString(ctx, &a, func(p *C.lxd_client, out **C.char, e **C.lxd_error) C.enum_lxd_result {
		return C.lxd_instance_exec_output_list(p, n, out, e)
	})
	if err != nil {
		return nil, err
	}
	return decodeNames(s)
}

// GetInstanceExecOutput returns one output record of an instance, the bytes the command wrote.
// Missing: ErrNotFound.
func (c *Client) GetInstanceExecOutput(ctx context.Context, name, file string) ([]byte, error) {
	var a cArgs
	n, f := a.str(name), a.str(file)
	var data []byte
	err := c.use(ctx, &a, func(p *C.lxd_client) error {
		var buf *C.uint8_t
		var size C.size_t
		var cerr *C.lxd_error
		if err := takeError(C.lxd_instance_exec_output_get(p, n, f, &buf, &size, &cerr), cerr); err != nil {
			return err
		}
		data = C.GoBytes(unsafe.Pointer(buf), C.int(size))
		C.lxd_bytes_free(buf, size)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return data, nil
}

// DeleteInstanceExecOutput deletes one output record of an instance. Missing: ErrNotFound.
func (c *Client) DeleteInstanceExecOutput(ctx context.Context, name, file string) error {
	var a cArgs
	n, f := a.str(name), a.str(file)
	return c.callErr(ctx, &a, func(p *C.lxd_client, e **C.lxd_error) C.enum_lxd_result {
		return C.lxd_instance_exec_output_delete(p, n, f, e)
	})
}
