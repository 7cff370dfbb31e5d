//go:build cgo

package lxdclient

import (
	"bufio"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
)

// TestABICoverage holds the binding to the whole C ABI: every function declared in
// include/lxdclient.h is either called by a (non-test) Go source of this package — as
// C.lxd_x( in Go code, or as lxd_x( in a cgo preamble's C code (the exec callbacks are set
// there, since Go cannot convert its handle into a C pointer) — or listed, with a reason, in
// abi_not_wrapped.txt. A listed function that is called, or no longer declared, fails too, so
// the list stays as short as it can be. It needs no daemon.
func TestABICoverage(t *testing.T) {
	header, err := os.ReadFile(filepath.Join("..", "..", "..", "include", "lxdclient.h"))
	must(t, err)
	declared := headerFunctions(string(header))
	if len(declared) < 100 {
		t.Fatalf("only %d functions found in lxdclient.h: the parser is broken", len(declared))
	}

	called := map[string]bool{}
	goCall := regexp.MustCompile(`\bC\.(lxd_[a-z0-9_]+)\(`)
	cCall := regexp.MustCompile(`\b(lxd_[a-z0-9_]+)\s*\(`)
	preamble := regexp.MustCompile(`(?s)/\*(.*?)\*/\s*import "C"`)
	files, err := filepath.Glob("*.go")
	must(t, err)
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		src, err := os.ReadFile(f)
		must(t, err)
		for _, m := range goCall.FindAllStringSubmatch(string(src), -1) {
			called[m[1]] = true
		}
		for _, p := range preamble.FindAllStringSubmatch(string(src), -1) {
			for _, m := range cCall.FindAllStringSubmatch(p[1], -1) {
				called[m[1]] = true
			}
		}
	}

	listed := map[string]string{}
	lf, err := os.Open("abi_not_wrapped.txt")
	must(t, err)
	defer lf.Close()
	sc := bufio.NewScanner(lf)
	for line := 1; sc.Scan(); line++ {
		text := strings.TrimSpace(sc.Text())
		if text == "" || strings.HasPrefix(text, "#") {
			continue
		}
		name, reason, ok := strings.Cut(text, ":")
		name, reason = strings.TrimSpace(name), strings.TrimSpace(reason)
		if !ok || len(reason) < 20 {
			t.Errorf("abi_not_wrapped.txt:%d: %q: want \"lxd_name: the reason it is not wrapped\"", line, text)
			continue
		}
		if _, dup := listed[name]; dup {
			t.Errorf("abi_not_wrapped.txt:%d: %s listed twice", line, name)
		}
		listed[name] = reason
	}
	must(t, sc.Err())

	var missing []string
	for _, fn := range declared {
		if !called[fn] && listed[fn] == "" {
			missing = append(missing, fn)
		}
	}
	if len(missing) > 0 {
		t.Errorf("%d C functions are neither called from Go nor listed in abi_not_wrapped.txt:\n  %s",
			len(missing), strings.Join(missing, "\n  "))
	}
	isDeclared := map[string]bool{}
	for _, fn := range declared {
		isDeclared[fn] = true
	}
	for name := range listed {
		switch {
		case !isDeclared[name]:
			t.Errorf("abi_not_wrapped.txt lists %s, which lxdclient.h does not declare", name)
		case called[name]:
			t.Errorf("abi_not_wrapped.txt lists %s, which the binding calls: remove the line", name)
		}
	}
	t.Logf("%d C functions: %d called from Go, %d listed as not wrapped", len(declared), len(declared)-len(listed), len(listed))
}

// headerFunctions lists the functions lxdclient.h declares (comments stripped; a function
// pointer typedef such as (*lxd_progress_cb)(...) is not a declaration of lxd_progress_cb).
func headerFunctions(h string) []string {
	h = regexp.MustCompile(`(?s)/\*.*?\*/`).ReplaceAllString(h, "")
	h = regexp.MustCompile(`//[^\n]*`).ReplaceAllString(h, "")
	decl := regexp.MustCompile(`(?m)^[A-Za-z_][A-Za-z0-9_ \t*]*?\b(lxd_[a-z0-9_]+)\(`)
	seen := map[string]bool{}
	var out []string
	for _, m := range decl.FindAllStringSubmatch(h, -1) {
		if !seen[m[1]] {
			seen[m[1]] = true
			out = append(out, m[1])
		}
	}
	sort.Strings(out)
	return out
}
