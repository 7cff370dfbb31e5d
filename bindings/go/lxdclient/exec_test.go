//go:build cgo

package lxdclient

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"testing"
	"time"
)

// runningInstance is a started busybox container, deleted when the test ends.
func runningInstance(t *testing.T, c *Client) *Instance {
	t.Helper()
	inst := newInstance(t, c, nil)
	must(t, inst.Start(testCtx(t)))
	return inst
}

// patternReader yields n bytes of a fixed pseudo-random pattern, in uneven chunk sizes.
type patternReader struct {
	left  int
	state uint32
	calls int
}

func (r *patternReader) Read(p []byte) (int, error) {
	if r.left == 0 {
		return 0, io.EOF
	}
	r.calls++
	n := min(len(p), r.left, 1+(r.calls*7919)%100000)
	for i := 0; i < n; i++ {
		r.state = r.state*1664525 + 1013904223
		p[i] = byte(r.state >> 24)
	}
	r.left -= n
	return n, nil
}

// failingWriter fails after accepting some bytes.
type failingWriter struct{ n int }

var errWriterBroke = errors.New("writer broke")

func (w *failingWriter) Write(p []byte) (int, error) {
	if w.n > 100000 {
		return 0, errWriterBroke
	}
	w.n += len(p)
	return len(p), nil
}

func TestExec(t *testing.T) {
	c := unixClient(t)
	inst := runningInstance(t, c)
	name := inst.Name

	t.Run("ExitCodes", func(t *testing.T) {
		ctx := testCtx(t)
		for _, tc := range []struct {
			cmd  []string
			code int
		}{
			{[]string{"true"}, 0},
			{[]string{"false"}, 1},
			{[]string{"sh", "-c", "exit 42"}, 42},
			{[]string{"no-such-command-" + uniq("x")}, 127},
		} {
			code, err := c.Exec(ctx, name, tc.cmd, ExecOptions{})
			must(t, err)
			if code != tc.code {
				t.Errorf("%v: exit code %d, want %d", tc.cmd, code, tc.code)
			}
		}
	})

	t.Run("EnvCwdUser", func(t *testing.T) {
		ctx := testCtx(t)
		code, out, errOut, err := c.ExecOutput(ctx, name,
			[]string{"sh", "-c", `echo "$GREETING"; pwd; id -u; id -g; echo oops >&2`},
			ExecOptions{Env: map[string]string{"GREETING": "hello world"}, Cwd: "/tmp", User: 1000, Group: 1000})
		must(t, err)
		if code != 0 || string(out) != "hello world\n/tmp\n1000\n1000\n" || string(errOut) != "oops\n" {
			t.Fatalf("code %d stdout %q stderr %q", code, out, errOut)
		}
		_, out, _, err = c.ExecOutput(ctx, name, []string{"id", "-u"}, ExecOptions{User: 65534})
		must(t, err)
		if string(out) != "65534\n" {
			t.Fatalf("id -u as nobody: %q", out)
		}
	})

	t.Run("Stdin20MB", func(t *testing.T) {
		ctx := testCtx(t)
		const size = 20 << 20
		want := sha256.New()
		if _, err := io.Copy(want, &patternReader{left: size}); err != nil {
			t.Fatal(err)
		}
		got := sha256.New()
		counter := &countingWriter{w: got}
		start := time.Now()
		code, err := c.Exec(ctx, name, []string{"cat"}, ExecOptions{Stdin: &patternReader{left: size}, Stdout: counter})
		must(t, err)
		t.Logf("20 MB through cat in %v", time.Since(start))
		if code != 0 || counter.n != size || !bytes.Equal(got.Sum(nil), want.Sum(nil)) {
			t.Fatalf("code %d, %d bytes back, equal %v", code, counter.n, bytes.Equal(got.Sum(nil), want.Sum(nil)))
		}
	})

	t.Run("StdinNotRead", func(t *testing.T) {
		// the command exits without reading its stdin: Exec ends, the rest is not pumped
		start := time.Now()
		code, err := c.Exec(testCtx(t), name, []string{"true"}, ExecOptions{Stdin: &patternReader{left: 1 << 40}})
		must(t, err)
		if code != 0 {
			t.Fatalf("exit code %d", code)
		}
		if took := time.Since(start); took > 10*time.Second {
			t.Fatalf("took %v", took)
		}
	})

	t.Run("StdoutAndStderr10MB", func(t *testing.T) {
		ctx := testCtx(t)
		const size = 10 << 20
		start := time.Now()
		code, out, errOut, err := c.ExecOutput(ctx, name, []string{"sh", "-c",
			fmt.Sprintf("yes out | head -c %d & yes err | head -c %d >&2; wait", size, size)}, ExecOptions{})
		must(t, err)
		t.Logf("10 MB stdout + 10 MB stderr in %v", time.Since(start))
		if code != 0 || len(out) != size || len(errOut) != size {
			t.Fatalf("code %d, stdout %d bytes, stderr %d bytes", code, len(out), len(errOut))
		}
		if !bytes.Equal(out, bytes.Repeat([]byte("out\n"), size/4)) || !bytes.Equal(errOut, bytes.Repeat([]byte("err\n"), size/4)) {
			t.Fatal("output content differs")
		}
	})

	t.Run("SameWriterForBoth", func(t *testing.T) {
		// one bytes.Buffer for both: the binding serialises the calls (-race checks it)
		var both bytes.Buffer
		code, err := c.Exec(testCtx(t), name, []string{"sh", "-c", "yes a | head -c 100000 & yes b | head -c 100000 >&2; wait"},
			ExecOptions{Stdout: &both, Stderr: &both})
		must(t, err)
		if code != 0 || both.Len() != 200000 {
			t.Fatalf("code %d, %d bytes", code, both.Len())
		}
	})

	t.Run("RecordOutput", func(t *testing.T) {
		code, out, errOut, err := c.ExecOutput(testCtx(t), name, []string{"sh", "-c", "echo recorded; echo e >&2; exit 3"},
			ExecOptions{RecordOutput: true})
		must(t, err)
		if code != 3 || string(out) != "recorded\n" || string(errOut) != "e\n" {
			t.Fatalf("code %d stdout %q stderr %q", code, out, errOut)
		}
		_, err = c.Exec(testCtx(t), name, []string{"cat"}, ExecOptions{RecordOutput: true, Stdin: strings.NewReader("x")})
		mustIs(t, err, ErrInvalidArgument)
	})

	t.Run("CancelPrompt", func(t *testing.T) {
		ctx, cancel := context.WithCancel(testCtx(t))
		counter := &countingWriter{w: io.Discard}
		done := make(chan error, 1)
		go func() {
			_, err := c.Exec(ctx, name, []string{"sh", "-c", "yes | head -c 100000000000"}, ExecOptions{Stdout: counter})
			done <- err
		}()
		waitUntil(t, time.Minute, "output to flow", func() bool { return counter.get() > 1<<20 })
		cancelled := time.Now()
		cancel()
		err := <-done
		took := time.Since(cancelled)
		t.Logf("Exec returned %v after the cancel", took)
		mustIs(t, err, context.Canceled)
		if took > 2*time.Second {
			t.Fatalf("Exec returned %v after the cancel, want < 2 s", took)
		}
	})

	t.Run("DeadlineSleep", func(t *testing.T) {
		ctx, cancel := context.WithTimeout(testCtx(t), 500*time.Millisecond)
		defer cancel()
		start := time.Now()
		_, err := c.Exec(ctx, name, []string{"sleep", "30"}, ExecOptions{})
		mustIs(t, err, context.DeadlineExceeded)
		mustIs(t, err, ErrTimeout)
		if took := time.Since(start); took > 2500*time.Millisecond {
			t.Fatalf("took %v", took)
		}
	})

	t.Run("BlockedStdinCancelled", func(t *testing.T) {
		pr, pw := io.Pipe() // never written: Read blocks
		defer pw.Close()
		ctx, cancel := context.WithTimeout(testCtx(t), time.Second)
		defer cancel()
		start := time.Now()
		_, err := c.Exec(ctx, name, []string{"cat"}, ExecOptions{Stdin: pr})
		mustIs(t, err, context.DeadlineExceeded)
		if took := time.Since(start); took > 3*time.Second {
			t.Fatalf("took %v", took)
		}
	})

	t.Run("WriterError", func(t *testing.T) {
		_, err := c.Exec(testCtx(t), name, []string{"sh", "-c", "yes | head -c 10000000"}, ExecOptions{Stdout: &failingWriter{}})
		mustIs(t, err, ErrIO)
		mustIs(t, err, errWriterBroke)
	})

	t.Run("Concurrent16", func(t *testing.T) {
		ctx := testCtx(t)
		var wg sync.WaitGroup
		errs := make(chan error, 16)
		for i := 0; i < 16; i++ {
			wg.Add(1)
			go func(i int) {
				defer wg.Done()
				in := strings.Repeat(fmt.Sprintf("line %d\n", i), 1000)
				code, out, _, err := c.ExecOutput(ctx, name, []string{"sh", "-c", `cat; echo "$N"; exit $N`},
					ExecOptions{Env: map[string]string{"N": fmt.Sprint(i)}, Stdin: strings.NewReader(in)})
				if err != nil {
					errs <- err
					return
				}
				if code != i || string(out) != in+fmt.Sprintf("%d\n", i) {
					errs <- fmt.Errorf("goroutine %d: code %d, %d bytes", i, code, len(out))
				}
			}(i)
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Error(err)
		}
	})

	t.Run("Interactive", func(t *testing.T) {
		ctx := testCtx(t)
		s, err := c.ExecInteractive(ctx, name, []string{"sh"}, ExecOptions{Width: 100, Height: 30, Env: map[string]string{"TERM": "dumb"}})
		must(t, err)
		defer s.Close()
		must(t, s.Resize(120, 40))
		_, err = io.WriteString(s, "echo hello-$((6*7)); stty size\n")
		must(t, err)
		var got bytes.Buffer
		buf := make([]byte, 4096)
		deadline := time.Now().Add(30 * time.Second)
		for !strings.Contains(got.String(), "hello-42") || !strings.Contains(got.String(), "40 120") {
			if time.Now().After(deadline) {
				t.Fatalf("no echo; got %q", got.String())
			}
			n, err := s.ReadTimeout(buf, time.Second)
			if errors.Is(err, ErrTimeout) {
				continue
			}
			must(t, err)
			got.Write(buf[:n])
		}
		_, err = s.Write([]byte("exit 3\n"))
		must(t, err)
		code, err := s.Wait(ctx)
		must(t, err)
		if code != 3 {
			t.Fatalf("exit code %d, want 3", code)
		}
		// everything left reads to EOF
		for {
			_, err := s.Read(buf)
			if err == io.EOF {
				break
			}
			must(t, err)
		}
		must(t, s.Close())
		must(t, s.Close())
		_, err = s.Write([]byte("x"))
		mustIs(t, err, ErrClosed)
	})

	t.Run("InteractiveSignalAndClose", func(t *testing.T) {
		ctx := testCtx(t)
		s, err := c.ExecInteractive(ctx, name, []string{"sleep", "60"}, ExecOptions{})
		must(t, err)
		must(t, s.Signal(15))
		code, err := s.Wait(ctx)
		must(t, err)
		if code != 128+15 {
			t.Fatalf("exit code %d, want 143", code)
		}
		s.Close()

		// Close while a Read is blocked wakes it
		s, err = c.ExecInteractive(ctx, name, []string{"sleep", "60"}, ExecOptions{})
		must(t, err)
		readErr := make(chan error, 1)
		go func() {
			_, err := s.Read(make([]byte, 10))
			readErr <- err
		}()
		time.Sleep(200 * time.Millisecond)
		start := time.Now()
		s.Close()
		if err := <-readErr; err == nil {
			t.Fatal("Read after Close returned no error")
		}
		if took := time.Since(start); took > 2*time.Second {
			t.Fatalf("Close took %v", took)
		}
	})

	t.Run("BadArguments", func(t *testing.T) {
		ctx := testCtx(t)
		_, err := c.Exec(ctx, name, nil, ExecOptions{})
		mustIs(t, err, ErrInvalidArgument)
		_, err = c.Exec(ctx, "no-such-"+uniq("i"), []string{"true"}, ExecOptions{})
		mustIs(t, err, ErrNotFound)
		_, err = c.ExecInteractive(ctx, name, []string{"sh"}, ExecOptions{Stdout: io.Discard})
		mustIs(t, err, ErrInvalidArgument)
	})
}

// countingWriter counts what passes through it.
type countingWriter struct {
	mu sync.Mutex
	w  io.Writer
	n  int
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.mu.Lock()
	c.n += n
	c.mu.Unlock()
	return n, err
}

func (c *countingWriter) get() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.n
}

func TestExecDetailed(t *testing.T) {
	c := unixClient(t)
	ctx := testCtx(t)
	inst := runningInstance(t, c)
	r, err := c.ExecDetailed(ctx, inst.Name, []string{"sh", "-c", "exit 3"}, ExecOptions{})
	must(t, err)
	if r.ExitCode != 3 || r.Failure != "" || r.Operation == nil || r.Operation.StatusCode != StatusSuccess || r.Output != nil {
		t.Fatalf("exit 3: %+v (operation %+v)", r, r.Operation)
	}
	r, err = c.ExecDetailed(ctx, inst.Name, []string{"no-such-command"}, ExecOptions{})
	must(t, err)
	if r.ExitCode != 127 {
		t.Fatalf("missing command: %+v", r)
	}
	r, err = c.ExecDetailed(ctx, inst.Name, []string{"echo", "recorded"}, ExecOptions{RecordOutput: true})
	must(t, err)
	if r.ExitCode != 0 || !strings.Contains(r.Output["1"], "/logs/") || !strings.Contains(r.Output["2"], "/logs/") {
		t.Fatalf("record-output: %+v", r)
	}
}
