//go:build cgo

package lxdclient

import (
	"debug/elf"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// goTool finds the go command that runs these tests.
func goTool(t *testing.T) string {
	t.Helper()
	if p := filepath.Join(runtime.GOROOT(), "bin", "go"); fileExists(p) {
		return p
	}
	p, err := exec.LookPath("go")
	if err != nil {
		t.Fatal("no go command to build with")
	}
	return p
}

func fileExists(p string) bool { _, err := os.Stat(p); return err == nil }

func run(t *testing.T, dir string, env []string, name string, args ...string) (string, error) {
	t.Helper()
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	out, err := cmd.CombinedOutput()
	return string(out), err
}

// Without cgo the package does not compile, and says why.
func TestNoCgoBuildFails(t *testing.T) {
	out, err := run(t, ".", []string{"CGO_ENABLED=0"}, goTool(t), "build", ".")
	if err == nil {
		t.Fatal("the package built without cgo")
	}
	if !strings.Contains(out, "lxdclient requires cgo") {
		t.Fatalf("no clear message:\n%s", out)
	}
}

// examples/go builds with the lxdclient_static tag into programs that do not need
// liblxdclient.so, and they work against the real daemon.
func TestStaticLink(t *testing.T) {
	env := lxdEnv(t)
	dir := t.TempDir()
	out, err := run(t, "../../../examples/go", nil, goTool(t), "vet", "-tags", "lxdclient_static", "./...")
	if err != nil {
		t.Fatalf("go vet examples/go:\n%s", out)
	}
	out, err = run(t, "../../../examples/go", nil, goTool(t), "build", "-tags", "lxdclient_static", "-o", dir+"/", "./...")
	if err != nil {
		t.Fatalf("static build (needs `make pc-static`):\n%s", out)
	}
	bin := filepath.Join(dir, "quickstart")
	f, err := elf.Open(bin)
	must(t, err)
	libs, err := f.ImportedLibraries()
	f.Close()
	must(t, err)
	for _, l := range libs {
		if strings.Contains(l, "lxdclient") {
			t.Fatalf("the static build still needs %s (needs %v)", l, libs)
		}
	}
	out, err = run(t, ".", []string{"LXD_SOCKET=" + env.socket}, bin)
	if err != nil || !strings.Contains(out, " Running pid ") || !strings.Contains(out, " stopped") {
		t.Fatalf("static quickstart: %v\n%s", err, out)
	}
	out, err = run(t, ".", []string{"LXD_SOCKET=" + env.socket}, filepath.Join(dir, "lifecycle"), env.imageAlias)
	if err != nil || !strings.Contains(out, "stale save refused: true") || !strings.Contains(out, "renamed to lifecycle-") {
		t.Fatalf("lifecycle example: %v\n%s", err, out)
	}
}

// The README's quick start is the example program, and it runs as written.
func TestReadmeQuickStart(t *testing.T) {
	env := lxdEnv(t)
	readme, err := os.ReadFile("README.md")
	must(t, err)
	_, after, ok := strings.Cut(string(readme), "```go\npackage main\n")
	if !ok {
		t.Fatal("README.md has no quick start")
	}
	snippet, _, ok := strings.Cut(after, "```")
	if !ok {
		t.Fatal("unterminated code block")
	}
	snippet = "package main\n" + snippet
	example, err := os.ReadFile("../../../examples/go/quickstart/main.go")
	must(t, err)
	if !strings.HasSuffix(string(example), snippet) {
		t.Fatal("README.md's quick start differs from examples/go/quickstart/main.go")
	}

	dir := t.TempDir()
	abs, err := filepath.Abs(".")
	must(t, err)
	must(t, os.WriteFile(filepath.Join(dir, "main.go"), []byte(snippet), 0o644))
	must(t, os.WriteFile(filepath.Join(dir, "go.mod"), []byte("module readme\n\ngo 1.22\n\n"+
		"require github.com/liblxdclient/lxdclient/bindings/go/lxdclient v0.0.0\n\n"+
		"replace github.com/liblxdclient/lxdclient/bindings/go/lxdclient => "+abs+"\n"), 0o644))
	out, err := run(t, dir, []string{"LXD_SOCKET=" + env.socket}, goTool(t), "run", ".")
	want := "lxd 5.0" // the server's name and version: Incus 6.0 on an Incus harness
	if isIncus() {
		want = "incus 6.0"
	}
	if err != nil || !strings.Contains(out, want) || !strings.Contains(out, " Running pid ") || !strings.Contains(out, " stopped") {
		t.Fatalf("quick start: %v\n%s", err, out)
	}
	t.Logf("quick start output:\n%s", out)
}
