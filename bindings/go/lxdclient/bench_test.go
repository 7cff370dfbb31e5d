//go:build cgo

package lxdclient

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"slices"
	"syscall"
	"testing"
	"time"
)

// go test -run - -bench . (inside the harness): the cost of one small GET through the binding,
// with a context that cannot end (the call runs on the calling goroutine) and with one that can
// (the call runs on a helper goroutine so that the method can return when the context ends).
func BenchmarkGetProfile(b *testing.B) {
	c := unixClient(b)
	for _, tc := range []struct {
		name string
		ctx  func() (context.Context, context.CancelFunc)
	}{
		{"background", func() (context.Context, context.CancelFunc) { return context.Background(), func() {} }},
		{"cancellable", func() (context.Context, context.CancelFunc) { return context.WithCancel(context.Background()) }},
	} {
		b.Run(tc.name, func(b *testing.B) {
			ctx, cancel := tc.ctx()
			defer cancel()
			for i := 0; i < b.N; i++ {
				if _, err := c.GetProfile(ctx, "default"); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkGetProfileParallel(b *testing.B) {
	c := unixClient(b)
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, err := c.GetProfile(context.Background(), "default"); err != nil {
				b.Error(err)
				return
			}
		}
	})
}

// cpuTime is this process's CPU time (user + system, every thread).
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// timedMedian runs op b.N times, timing each call, and reports the median as "median-ms" (what
// bench/run.py compares with the C driver's median: both are per-call medians) and the process's
// CPU time per call as "cpu-ms/op" (the C driver reports the same).
func timedMedian(b *testing.B, op func() error) {
	b.Helper()
	d := make([]time.Duration, b.N)
	cpu0 := cpuTime()
	defer func() {
		b.ReportMetric(float64(cpuTime()-cpu0)/1e6/float64(b.N), "cpu-ms/op")
	}()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		t := time.Now()
		if err := op(); err != nil {
			b.Fatal(err)
		}
		d[i] = time.Since(t)
	}
	b.StopTimer()
	slices.Sort(d)
	b.ReportMetric(float64(d[len(d)/2])/1e6, "median-ms")
}

// BenchmarkGetServer is GET /1.0 through the binding (decoded into a Server), for `make bench`'s
// Go-vs-C comparison with lxdbench's get_server.
func BenchmarkGetServer(b *testing.B) {
	c := unixClient(b)
	ctx := context.Background()
	if _, err := c.GetServer(ctx); err != nil { // warm-up: connection set up
		b.Fatal(err)
	}
	timedMedian(b, func() error { _, err := c.GetServer(ctx); return err })
}

// BenchmarkExecTrue is exec `true` with its output collected, in the running instance named by
// LXD_BENCH_INSTANCE (set by bench/run.py; skipped without it), to compare with lxdbench's
// exec_true (lxd_instance_exec).
func BenchmarkExecTrue(b *testing.B) {
	name := os.Getenv("LXD_BENCH_INSTANCE")
	if name == "" {
		b.Skip("LXD_BENCH_INSTANCE is not set (bench/run.py sets it)")
	}
	c := unixClient(b)
	ctx := context.Background()
	run := func() error {
		code, _, _, err := c.ExecOutput(ctx, name, []string{"true"}, ExecOptions{})
		if err == nil && code != 0 {
			b.Fatalf("true exited with %d", code)
		}
		return err
	}
	if err := run(); err != nil {
		b.Fatal(err)
	}
	timedMedian(b, run)
}

// The pure-Go baseline for BenchmarkGetServer: what LXD's and Incus's official Go clients do
// for GET /1.0 (github.com/canonical/lxd/client's rawQuery and queryStruct): net/http over the
// unix socket with keep-alive, the envelope decoded with a json.Decoder from the body, its
// metadata kept as json.RawMessage and decoded again into the server struct with json.Unmarshal.
// The structs below follow LXD 5.0's shared/api (Server, ServerUntrusted, ServerEnvironment).

type goBaselineEnvelope struct {
	Type       string          `json:"type"`
	Status     string          `json:"status"`
	StatusCode int             `json:"status_code"`
	Operation  string          `json:"operation"`
	ErrorCode  int             `json:"error_code"`
	Error      string          `json:"error"`
	Metadata   json.RawMessage `json:"metadata"`
}

type goBaselineStorageDriver struct {
	Name    string `json:"Name"`
	Version string `json:"Version"`
	Remote  bool   `json:"Remote"`
}

type goBaselineServer struct {
	Config        map[string]any `json:"config"`
	APIExtensions []string       `json:"api_extensions"`
	APIStatus     string         `json:"api_status"`
	APIVersion    string         `json:"api_version"`
	Auth          string         `json:"auth"`
	Public        bool           `json:"public"`
	AuthMethods   []string       `json:"auth_methods"`
	Environment   struct {
		Addresses               []string                  `json:"addresses"`
		Architectures           []string                  `json:"architectures"`
		Certificate             string                    `json:"certificate"`
		CertificateFingerprint  string                    `json:"certificate_fingerprint"`
		Driver                  string                    `json:"driver"`
		DriverVersion           string                    `json:"driver_version"`
		Firewall                string                    `json:"firewall"`
		Kernel                  string                    `json:"kernel"`
		KernelArchitecture      string                    `json:"kernel_architecture"`
		KernelFeatures          map[string]string         `json:"kernel_features"`
		KernelVersion           string                    `json:"kernel_version"`
		LXCFeatures             map[string]string         `json:"lxc_features"`
		OSName                  string                    `json:"os_name"`
		OSVersion               string                    `json:"os_version"`
		Project                 string                    `json:"project"`
		Server                  string                    `json:"server"`
		ServerClustered         bool                      `json:"server_clustered"`
		ServerEventMode         string                    `json:"server_event_mode"`
		ServerName              string                    `json:"server_name"`
		ServerPid               int                       `json:"server_pid"`
		ServerVersion           string                    `json:"server_version"`
		Storage                 string                    `json:"storage"`
		StorageVersion          string                    `json:"storage_version"`
		StorageSupportedDrivers []goBaselineStorageDriver `json:"storage_supported_drivers"`
	} `json:"environment"`
}

// goBaselineGetServer is GET /1.0 as the official client sends it; the ETag is read as it reads it.
func goBaselineGetServer(ctx context.Context, hc *http.Client) (*goBaselineServer, string, error) {
	req, err := http.NewRequestWithContext(ctx, "GET", "http://unix.socket/1.0", nil)
	if err != nil {
		return nil, "", err
	}
	req.Header.Set("User-Agent", "lxd-go-baseline")
	resp, err := hc.Do(req)
	if err != nil {
		return nil, "", err
	}
	defer resp.Body.Close()
	var env goBaselineEnvelope
	if err := json.NewDecoder(resp.Body).Decode(&env); err != nil {
		return nil, "", err
	}
	if env.Type == "error" {
		return nil, "", fmt.Errorf("LXD: %s", env.Error)
	}
	var s goBaselineServer
	if err := json.Unmarshal(env.Metadata, &s); err != nil {
		return nil, "", err
	}
	return &s, resp.Header.Get("ETag"), nil
}

// BenchmarkGetServerNetHTTP is the pure-Go baseline of BenchmarkGetServer (see above), on the
// same socket, one keep-alive connection.
func BenchmarkGetServerNetHTTP(b *testing.B) {
	socket := lxdEnv(b).socket
	tr := &http.Transport{
		DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
			var d net.Dialer
			return d.DialContext(ctx, "unix", socket)
		},
		DisableCompression:  true,
		MaxIdleConnsPerHost: 1,
	}
	defer tr.CloseIdleConnections()
	hc := &http.Client{Transport: tr}
	ctx := context.Background()
	if s, _, err := goBaselineGetServer(ctx, hc); err != nil || s.APIVersion == "" { // warm-up: connection set up
		b.Fatalf("GET /1.0: %v (%v)", err, s)
	}
	timedMedian(b, func() error { _, _, err := goBaselineGetServer(ctx, hc); return err })
}

// recordedServer is the metadata of the GET /1.0 reply recorded from LXD 5.0.2 (core's fixture).
func recordedServer(b *testing.B) []byte {
	data, err := os.ReadFile("../../../core/tests/fixtures/lxd-5.0.2.json")
	if err != nil {
		b.Skip("no fixture:", err)
	}
	var fx struct {
		Records []struct {
			Name     string
			Response struct{ Body string }
		}
	}
	must(b, json.Unmarshal(data, &fx))
	for _, r := range fx.Records {
		if r.Name == "server_get" {
			var env goBaselineEnvelope
			must(b, json.Unmarshal([]byte(r.Response.Body), &env))
			return env.Metadata
		}
	}
	b.Fatal("no server_get record")
	return nil
}

// BenchmarkDecodeServer is the Go side's decode alone (no I/O, no cgo): the binding's Server
// (with Extra and Config's non-string members) vs a plain struct as the official client decodes
// it. What any Go client that returns Go structs pays per GET /1.0 on top of the request.
func BenchmarkDecodeServer(b *testing.B) {
	md := recordedServer(b)
	b.Run("binding", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			var s Server
			if err := decodeBytes(md, &s); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("plain", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			var s goBaselineServer
			if err := json.Unmarshal(md, &s); err != nil {
				b.Fatal(err)
			}
		}
	})
}
