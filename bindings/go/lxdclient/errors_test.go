//go:build cgo

package lxdclient

import "testing"

func TestCodeCName(t *testing.T) {
	for code, want := range map[Code]string{CodeOK: "LXD_RESULT_OK", CodeNotFound: "LXD_RESULT_NOT_FOUND",
		CodePreconditionFailed: "LXD_RESULT_PRECONDITION_FAILED", CodePanic: "LXD_RESULT_PANIC", 15: "LXD_RESULT_UNKNOWN", -1: "LXD_RESULT_UNKNOWN"} {
		if got := code.CName(); got != want {
			t.Errorf("Code(%d).CName() = %q, want %q", code, got, want)
		}
	}
}
