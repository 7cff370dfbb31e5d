//go:build cgo

package lxdclient

import (
	"bufio"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// connectProxy is an HTTP CONNECT proxy on loopback that records the targets it tunnels to (and
// refuses anything but loopback targets).
type connectProxy struct {
	url     string
	mu      sync.Mutex
	targets []string
}

func startConnectProxy(t *testing.T) *connectProxy {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	must(t, err)
	p := &connectProxy{url: "http://" + l.Addr().String()}
	t.Cleanup(func() { l.Close() })
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			go p.serve(c)
		}
	}()
	return p
}

func (p *connectProxy) serve(c net.Conn) {
	defer c.Close()
	br := bufio.NewReader(c)
	req, err := http.ReadRequest(br)
	if err != nil {
		return
	}
	host, _, _ := net.SplitHostPort(req.Host)
	if ip := net.ParseIP(host); req.Method != http.MethodConnect || ip == nil || !ip.IsLoopback() {
		io.WriteString(c, "HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n")
		return
	}
	up, err := net.Dial("tcp", req.Host)
	if err != nil {
		io.WriteString(c, "HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n")
		return
	}
	defer up.Close()
	p.mu.Lock()
	p.targets = append(p.targets, req.Host)
	p.mu.Unlock()
	io.WriteString(c, "HTTP/1.1 200 Connection established\r\n\r\n")
	go func() { io.Copy(up, br); up.(*net.TCPConn).CloseWrite() }()
	io.Copy(c, up)
}

func (p *connectProxy) count(target string) int {
	p.mu.Lock()
	defer p.mu.Unlock()
	n := 0
	for _, x := range p.targets {
		if x == target {
			n++
		}
	}
	return n
}

func TestProxyTunnelsRequestsAndWebsockets(t *testing.T) {
	env := lxdEnv(t)
	dir := t.TempDir()
	_, err := EnsureClientCert(dir)
	must(t, err)
	for _, k := range []string{"HTTPS_PROXY", "https_proxy", "NO_PROXY", "no_proxy"} {
		t.Setenv(k, "")
		os.Unsetenv(k)
	}
	connect := func(opts ...Option) *Client {
		t.Helper()
		base := []Option{WithHTTPS(env.httpsURL), WithServerCertFile(env.serverCert), WithTimeout(10 * time.Second),
			WithClientCertFiles(filepath.Join(dir, "client.crt"), filepath.Join(dir, "client.key"))}
		c, err := Connect(append(base, opts...)...)
		must(t, err)
		t.Cleanup(func() { c.Close() })
		return c
	}
	ctx := testCtx(t)
	must(t, connect().Authenticate(ctx, trustSecret(t, "")))
	crt, err := os.ReadFile(filepath.Join(dir, "client.crt"))
	must(t, err)
	fp, err := CertificateFingerprint(crt)
	must(t, err)
	t.Cleanup(func() { unixClient(t).DeleteCertificate(testCtx(t), fp) })

	target := strings.TrimPrefix(env.httpsURL, "https://")
	proxy := startConnectProxy(t)
	use := func(c *Client) {
		t.Helper()
		s, err := c.GetServer(ctx)
		must(t, err)
		if s.Auth != "trusted" {
			t.Fatalf("auth %q", s.Auth)
		}
		l, err := c.ListenEvents(ctx, EventOptions{})
		must(t, err)
		l.Close()
	}
	// HTTPS_PROXY with NO_PROXY empty: a tunnel for the requests and one for the websocket.
	t.Setenv("HTTPS_PROXY", proxy.url)
	t.Setenv("NO_PROXY", "")
	before := proxy.count(target)
	use(connect())
	if n := proxy.count(target) - before; n < 2 {
		t.Fatalf("%d CONNECTs to %s, want at least 2 (requests and websocket)", n, target)
	}
	// NO_PROXY=127.0.0.1: direct.
	t.Setenv("NO_PROXY", "127.0.0.1")
	before = proxy.count(target)
	use(connect())
	if n := proxy.count(target) - before; n != 0 {
		t.Fatalf("NO_PROXY=127.0.0.1: %d CONNECTs", n)
	}
	// WithProxy overrides the environment both ways.
	before = proxy.count(target)
	use(connect(WithProxy(proxy.url))) // NO_PROXY is not consulted for an explicit proxy
	if n := proxy.count(target) - before; n < 2 {
		t.Fatalf("WithProxy: %d CONNECTs", n)
	}
	t.Setenv("NO_PROXY", "")
	before = proxy.count(target)
	use(connect(WithProxy("")))
	if n := proxy.count(target) - before; n != 0 {
		t.Fatalf(`WithProxy(""): %d CONNECTs`, n)
	}
	// A proxy that refuses: ErrConnection naming the status.
	c := connect(WithProxy("http://127.0.0.1:1"))
	_, err = c.GetServer(ctx)
	mustIs(t, err, ErrConnection)
	_, err = Connect(WithHTTPS(env.httpsURL), WithProxy("socks5://127.0.0.1:1080"))
	mustIs(t, err, ErrInvalidArgument)
}
