//go:build cgo

package lxdclient

/*
#include <stdlib.h>
#include <string.h>
#include <lxdclient.h>
*/
import "C"

import (
	"context"
	"encoding/json"
	"log/slog"
	"runtime"
	"strings"
	"sync"
	"time"
	"unsafe"
)

// LibraryVersion is the version of the liblxdclient this program is linked with, e.g. "0.1.0".
func LibraryVersion() string { return C.GoString(C.lxd_version()) }

// Client is a connection to one LXD server. It is safe for concurrent use by many goroutines;
// Close it when done (a finalizer frees a forgotten one, but only at some later collection).
type Client struct {
	mu  sync.RWMutex // read-held by every call; Close takes it for writing
	ptr *C.lxd_client
}

// Option configures Connect.
type Option func(*options)

type options struct {
	socket         string
	url            string
	certPEM        []byte
	keyPEM         []byte
	certFile       string
	keyFile        string
	serverCertPEM  []byte
	serverCertFile string
	caPEM          []byte
	insecure       bool
	timeout        *time.Duration
	opDeadline     *time.Duration
	project        string
	target         string
	userAgent      string
	maxReplyBytes  *int64
	logger         *slog.Logger
	progress       func(OperationProgress)
	proxy          *string
	useRemote      bool
	remote         string
	remoteDir      string
}

// WithUnixSocket connects to the local daemon over this unix socket instead of discovering it
// (LXD_SOCKET, LXD_DIR/unix.socket, the snap's socket, /var/lib/lxd/unix.socket).
func WithUnixSocket(path string) Option { return func(o *options) { o.socket = path } }

// WithHTTPS connects to a remote LXD over HTTPS, e.g. "https://10.0.0.1:8443" (the port
// defaults to 8443). Give a client certificate (WithClientCert or WithClientCertFiles) and the
// server's certificate to pin (WithServerCert, WithServerCertFile) or a CA (WithCA).
func WithHTTPS(url string) Option { return func(o *options) { o.url = url } }

// WithClientCert sets the client certificate and private key (PEM) for HTTPS.
func WithClientCert(certPEM, keyPEM []byte) Option {
	return func(o *options) { o.certPEM, o.keyPEM, o.certFile, o.keyFile = certPEM, keyPEM, "", "" }
}

// WithClientCertFiles reads the client certificate and private key from PEM files (e.g.
// client.crt and client.key).
func WithClientCertFiles(certFile, keyFile string) Option {
	return func(o *options) { o.certFile, o.keyFile, o.certPEM, o.keyPEM = certFile, keyFile, nil, nil }
}

// WithServerCert pins the server's own certificate (PEM), as `lxc remote add` does: the server
// must present exactly this certificate; host names are not checked.
func WithServerCert(pem []byte) Option {
	return func(o *options) { o.serverCertPEM, o.serverCertFile, o.caPEM = pem, "", nil }
}

// WithServerCertFile pins the server certificate read from a PEM file (e.g. LXD's server.crt).
func WithServerCertFile(path string) Option {
	return func(o *options) { o.serverCertFile, o.serverCertPEM, o.caPEM = path, nil, nil }
}

// WithCA verifies the server against these CA certificates (PEM) instead of the public roots;
// the server's name must then match its certificate.
func WithCA(pem []byte) Option {
	return func(o *options) { o.caPEM, o.serverCertPEM, o.serverCertFile = pem, nil, "" }
}

// WithInsecureSkipVerify accepts any server certificate. Anyone on the network path can then read
// and change the traffic: for throwaway test setups only.
func WithInsecureSkipVerify() Option { return func(o *options) { o.insecure = true } }

// WithTimeout bounds each plain request (default 30 s; 0: no limit). Operation waits are bounded
// by their context, or else by WithOperationDeadline.
func WithTimeout(d time.Duration) Option { return func(o *options) { o.timeout = &d } }

// WithOperationDeadline bounds every wait that has no deadline of its own: Operation.Wait with a
// context without a deadline, and Exec without Timeout (default 10 minutes; 0: no limit). Past
// it the call fails with ErrTimeout (the operation keeps running on the server; an exec's
// command is killed).
func WithOperationDeadline(d time.Duration) Option { return func(o *options) { o.opDeadline = &d } }

// WithMaxReplyBytes sets the largest JSON reply the client buffers, in bytes (default 32 MiB;
// 0: the default). A bigger reply fails the call with ErrProtocol as soon as it is known to be
// bigger (its declared length, or once that many bytes have arrived), so the client never holds
// more than this. File, image and backup downloads stream and are not limited by it.
func WithMaxReplyBytes(n int64) Option { return func(o *options) { o.maxReplyBytes = &n } }

// WithProject sets the default project of every call that takes one ("" is the server's default).
func WithProject(project string) Option { return func(o *options) { o.project = project } }

// WithTarget sets the default cluster member (`target=`) of every call that takes one.
func WithTarget(target string) Option { return func(o *options) { o.target = target } }

// WithUserAgent sets the User-Agent header (default "liblxdclient/<version>").
func WithUserAgent(ua string) Option { return func(o *options) { o.userAgent = ua } }

// WithProxy sets how HTTPS connections reach the server. Without it the environment decides, read
// when Connect runs (as libcurl and Go's net/http do): HTTPS_PROXY (or https_proxy) names an
// HTTP proxy unless NO_PROXY (or no_proxy: "*", host names with their subdomains, IP addresses,
// CIDR ranges, optionally ":port") matches the server's host; loopback is proxied too unless
// NO_PROXY lists it (as curl, unlike net/http). WithProxy("") never uses a proxy;
// WithProxy("http://[user:password@]host[:port]") always uses that one (NO_PROXY not consulted).
// Requests and websockets alike are tunnelled with CONNECT; TLS to LXD runs inside the tunnel.
// The unix socket never uses a proxy. A proxy that refuses the tunnel is ErrConnection.
func WithProxy(proxyURL string) Option { return func(o *options) { o.proxy = &proxyURL } }

// Connect makes a client: the local daemon's unix socket unless WithHTTPS or WithRemote is given.
// Nothing is sent yet, so a daemon that is not there shows on the first call (ErrConnection).
func Connect(opts ...Option) (*Client, error) {
	var o options
	for _, opt := range opts {
		if opt != nil {
			opt(&o)
		}
	}
	var a cArgs
	defer a.free()
	var b *C.lxd_client_builder
	var cerr *C.lxd_error
	if o.useRemote {
		if o.socket != "" || o.url != "" {
			return nil, invalidArgument("WithRemote, WithUnixSocket and WithHTTPS are exclusive")
		}
		d, r := a.opt(o.remoteDir), a.opt(o.remote)
		if a.err != nil {
			return nil, a.err
		}
		if err := takeError(C.lxd_client_builder_new_remote(d, r, &b, &cerr), cerr); err != nil {
			return nil, err
		}
	} else if o.url != "" {
		if o.socket != "" {
			return nil, invalidArgument("WithUnixSocket and WithHTTPS are exclusive")
		}
		u := a.str(o.url)
		if a.err != nil {
			return nil, a.err
		}
		if err := takeError(C.lxd_client_builder_new_https(u, &b, &cerr), cerr); err != nil {
			return nil, err
		}
	} else {
		s := a.opt(o.socket)
		if a.err != nil {
			return nil, a.err
		}
		if err := takeError(C.lxd_client_builder_new_unix(s, &b, &cerr), cerr); err != nil {
			return nil, err
		}
	}
	defer C.lxd_client_builder_free(b)
	// First, so that the builder owns the logger's handle (and frees it) whatever fails next.
	if o.logger != nil {
		if err := takeError(setLogger(b, o.logger, &cerr), cerr); err != nil {
			return nil, err
		}
	}
	if o.progress != nil {
		if err := takeError(setProgress(b, o.progress, &cerr), cerr); err != nil {
			return nil, err
		}
	}

	steps := []func() C.enum_lxd_result{}
	if o.certPEM != nil || o.keyPEM != nil {
		c, k := a.str(string(o.certPEM)), a.str(string(o.keyPEM))
		steps = append(steps, func() C.enum_lxd_result { return C.lxd_client_builder_set_client_cert_pem(b, c, k, &cerr) })
	}
	if o.certFile != "" || o.keyFile != "" {
		c, k := a.str(o.certFile), a.str(o.keyFile)
		steps = append(steps, func() C.enum_lxd_result { return C.lxd_client_builder_set_client_cert_files(b, c, k, &cerr) })
	}
	if o.serverCertPEM != nil {
		p := a.str(string(o.serverCertPEM))
		steps = append(steps, func() C.enum_lxd_result { return C.lxd_client_builder_pin_server_cert_pem(b, p, &cerr) })
	}
	if o.serverCertFile != "" {
		p := a.str(o.serverCertFile)
		steps = append(steps, func() C.enum_lxd_result { return C.lxd_client_builder_pin_server_cert_file(b, p, &cerr) })
	}
	if o.caPEM != nil {
		p := a.str(string(o.caPEM))
		steps = append(steps, func() C.enum_lxd_result { return C.lxd_client_builder_set_ca_pem(b, p, &cerr) })
	}
	if o.insecure {
		steps = append(steps, func() C.enum_lxd_result { return C.lxd_client_builder_danger_accept_invalid_certs(b, &cerr) })
	}
	if o.timeout != nil {
		if *o.timeout < 0 {
			return nil, invalidArgument("negative timeout %v", *o.timeout)
		}
		ms := uint64(*o.timeout / time.Millisecond)
		if ms == 0 && *o.timeout > 0 {
			ms = 1
		}
		steps = append(steps, func() C.enum_lxd_result { return C.lxd_client_builder_set_timeout_ms(b, C.uint64_t(ms), &cerr) })
	}
	if o.opDeadline != nil {
		if *o.opDeadline < 0 {
			return nil, invalidArgument("negative operation deadline %v", *o.opDeadline)
		}
		ms := uint64(*o.opDeadline / time.Millisecond)
		if ms == 0 && *o.opDeadline > 0 {
			ms = 1
		}
		steps = append(steps, func() C.enum_lxd_result {
			return C.lxd_client_builder_set_operation_deadline_ms(b, C.uint64_t(ms), &cerr)
		})
	}
	if o.maxReplyBytes != nil {
		if *o.maxReplyBytes < 0 {
			return nil, invalidArgument("negative reply limit %d", *o.maxReplyBytes)
		}
		n := uint64(*o.maxReplyBytes)
		steps = append(steps, func() C.enum_lxd_result { return C.lxd_client_builder_set_max_reply_bytes(b, C.uint64_t(n), &cerr) })
	}
	if o.project != "" {
		p := a.str(o.project)
		steps = append(steps, func() C.enum_lxd_result { return C.lxd_client_builder_set_project(b, p, &cerr) })
	}
	if o.target != "" {
		t := a.str(o.target)
		steps = append(steps, func() C.enum_lxd_result { return C.lxd_client_builder_set_target(b, t, &cerr) })
	}
	if o.proxy != nil {
		p := a.str(*o.proxy)
		steps = append(steps, func() C.enum_lxd_result { return C.lxd_client_builder_set_proxy(b, p, &cerr) })
	}
	if o.userAgent != "" {
		u := a.str(o.userAgent)
		steps = append(steps, func() C.enum_lxd_result { return C.lxd_client_builder_set_user_agent(b, u, &cerr) })
	}
	if a.err != nil {
		return nil, a.err
	}
	for _, step := range steps {
		if err := takeError(step(), cerr); err != nil {
			return nil, err
		}
	}
	var cl *C.lxd_client
	if err := takeError(C.lxd_client_builder_build(b, &cl, &cerr), cerr); err != nil {
		return nil, err
	}
	return newClient(cl), nil
}

func newClient(p *C.lxd_client) *Client {
	c := &Client{ptr: p}
	runtime.SetFinalizer(c, (*Client).finalize)
	return c
}

// finalize frees a client nobody closed; no call can be running, as calls keep c reachable.
func (c *Client) finalize() {
	if c.ptr != nil {
		C.lxd_client_free(c.ptr)
		c.ptr = nil
	}
}

// Close frees the client. It waits for calls in progress on it to end (plain requests are
// bounded by the client's timeout), and makes later calls fail with ErrClosed. Closing twice
// is fine. Operations obtained from the client stay usable.
func (c *Client) Close() error {
	if c == nil {
		return nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.ptr != nil {
		C.lxd_client_free(c.ptr)
		c.ptr = nil
		runtime.SetFinalizer(c, nil)
	}
	return nil
}

// WithProject returns a new client on the same server and connections whose default project is
// project ("" is the server's default). Close both independently.
func (c *Client) WithProject(project string) (*Client, error) {
	return c.derive(project, func(p *C.lxd_client, s *C.char, out **C.lxd_client, e **C.lxd_error) C.enum_lxd_result {
		return C.lxd_client_with_project(p, s, out, e)
	})
}

// WithTarget returns a new client on the same server and connections whose default cluster
// member is target ("" is none). Close both independently.
func (c *Client) WithTarget(target string) (*Client, error) {
	return c.derive(target, func(p *C.lxd_client, s *C.char, out **C.lxd_client, e **C.lxd_error) C.enum_lxd_result {
		return C.lxd_client_with_target(p, s, out, e)
	})
}

func (c *Client) derive(arg string, f func(*C.lxd_client, *C.char, **C.lxd_client, **C.lxd_error) C.enum_lxd_result) (*Client, error) {
	var a cArgs
	s := a.opt(arg)
	var derived *Client
	err := c.use(context.Background(), &a, func(p *C.lxd_client) error {
		var out *C.lxd_client
		var cerr *C.lxd_error
		if err := takeError(f(p, s, &out, &cerr), cerr); err != nil {
			return err
		}
		derived = newClient(out)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return derived, nil
}

// Trusted reports whether the server trusts this client (GET /1.0, auth == "trusted"). Clients
// on the local unix socket always are.
func (c *Client) Trusted(ctx context.Context) (bool, error) {
	return c.callBool(ctx, nil, func(p *C.lxd_client, out *C.bool, e **C.lxd_error) C.enum_lxd_result {
		return C.lxd_client_trusted(p, out, e)
	})
}

// ServerFlavour says which server a client talks to: LXD or Incus (the fork of LXD with the same
// REST API lineage). The library follows the few wire differences by itself.
type ServerFlavour int

const (
	// FlavourLXD is Canonical's LXD (environment.server "lxd", and any server that does not say
	// it is Incus).
	FlavourLXD ServerFlavour = 1
	// FlavourIncus is Incus (environment.server "incus").
	FlavourIncus ServerFlavour = 2
)

// String is "lxd" or "incus", as environment.server spells them.
func (f ServerFlavour) String() string {
	switch f {
	case FlavourLXD:
		return "lxd"
	case FlavourIncus:
		return "incus"
	}
	return "unknown"
}

// ServerFlavour reports the flavour of the server: learned once per client from its first GET
// /1.0 (this call sends one if none was answered yet), then cached; clients derived with
// WithProject / WithTarget share it. Works for untrusted HTTPS clients too.
func (c *Client) ServerFlavour(ctx context.Context) (ServerFlavour, error) {
	var f ServerFlavour
	err := c.use(ctx, nil, func(p *C.lxd_client) error {
		var out C.enum_lxd_server_flavour
		var e *C.lxd_error
		if err := takeError(C.lxd_client_server_flavour(p, &out, &e), e); err != nil {
			return err
		}
		f = ServerFlavour(out)
		return nil
	})
	if err != nil {
		return 0, err
	}
	return f, nil
}

// Authenticate asks the server to trust this client's certificate, with the server's trust
// password or a trust token (POST /1.0/certificates). A client that is already trusted succeeds
// without sending the password, as pylxd's authenticate does (AuthenticateAs is the raw call).
func (c *Client) Authenticate(ctx context.Context, password string) error {
	var a cArgs
	pw := a.str(password)
	return c.callErr(ctx, &a, func(p *C.lxd_client, e **C.lxd_error) C.enum_lxd_result {
		return C.lxd_client_authenticate(p, pw, e)
	})
}

// use runs fn with the live C client, then frees a (which may be nil) — in every case, exactly
// once, after the C call is over. If ctx ends first, use returns the context's error at once and
// fn finishes in the background (its results are dropped): the C call behind a plain request
// cannot be interrupted, only abandoned. fn must copy and free all C memory itself, and never
// call use.
func (c *Client) use(ctx context.Context, a *cArgs, fn func(p *C.lxd_client) error) error {
	if err := useCheck(c, ctx, a); err != nil {
		a.free()
		return err
	}
	if ctx.Done() == nil {
		return c.useNow(a, fn)
	}
	done := make(chan error, 1)
	go func() { done <- c.useNow(a, fn) }()
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
		select {
		case err := <-done: // finished at the same moment: keep the real result
			return err
		default:
			return contextError(ctx.Err())
		}
	}
}

func useCheck(c *Client, ctx context.Context, a *cArgs) error {
	switch {
	case c == nil:
		return invalidArgument("nil *Client")
	case ctx == nil:
		return invalidArgument("nil context")
	case a != nil && a.err != nil:
		return a.err
	case ctx.Err() != nil:
		return contextError(ctx.Err())
	}
	return nil
}

func (c *Client) useNow(a *cArgs, fn func(p *C.lxd_client) error) error {
	defer a.free()
	c.mu.RLock()
	defer c.mu.RUnlock()
	if c.ptr == nil {
		return closedError("client")
	}
	err := fn(c.ptr)
	runtime.KeepAlive(c)
	return err
}

// cArgs collects C strings for one call and frees them together.
type cArgs struct {
	ptrs []unsafe.Pointer
	err  error
}

// str copies s to C; a NUL byte inside is an invalid argument (C would cut the string there).
func (a *cArgs) str(s string) *C.char {
	if strings.IndexByte(s, 0) >= 0 {
		if a.err == nil {
			a.err = invalidArgument("string %.40q contains a NUL byte", s)
		}
		return nil
	}
	p := C.CString(s)
	a.ptrs = append(a.ptrs, unsafe.Pointer(p))
	return p
}

// opt is str, with "" passed as NULL.
func (a *cArgs) opt(s string) *C.char {
	if s == "" {
		return nil
	}
	return a.str(s)
}

// json marshals v (json.RawMessage and []byte pass through as they are) and copies it to C.
func (a *cArgs) json(v any) *C.char {
	var b []byte
	switch t := v.(type) {
	case nil:
		if a.err == nil {
			a.err = invalidArgument("nil JSON body")
		}
		return nil
	case json.RawMessage:
		b = t
	case []byte:
		b = t
	case string:
		b = []byte(t)
	default:
		var err error
		if b, err = json.Marshal(v); err != nil {
			if a.err == nil {
				a.err = invalidArgument("cannot encode JSON body: %v", err)
			}
			return nil
		}
	}
	return a.str(string(b))
}

func (a *cArgs) free() {
	if a == nil {
		return
	}
	for _, p := range a.ptrs {
		C.free(p)
	}
	a.ptrs = nil
}

// takeString copies a string the library returned and frees it ("" for NULL).
func takeString(p *C.char) string {
	if p == nil {
		return ""
	}
	s := C.GoString(p)
	C.lxd_string_free(p)
	return s
}

// takeBytes is takeString into a []byte (NULL: nil).
func takeBytes(p *C.char) []byte {
	if p == nil {
		return nil
	}
	b := C.GoBytes(unsafe.Pointer(p), C.int(C.strlen(p)))
	C.lxd_string_free(p)
	return b
}

// takeError turns a C result and error object into a Go error, freeing the object.
func takeError(rc C.enum_lxd_result, e *C.lxd_error) error {
	if rc == C.LXD_RESULT_OK {
		if e != nil {
			C.lxd_error_free(e)
		}
		return nil
	}
	if e == nil {
		return &Error{Code: Code(rc), Message: Code(rc).String()}
	}
	defer C.lxd_error_free(e)
	err := &Error{
		Code:       Code(C.lxd_error_code(e)),
		HTTPStatus: int(C.lxd_error_http_status(e)),
		Message:    C.GoString(C.lxd_error_message(e)),
	}
	if m := C.lxd_error_operation_metadata(e); m != nil {
		if s := C.GoString(m); s != "null" && s != "" {
			err.OperationMetadata = json.RawMessage(s)
		}
	}
	return err
}

// decodeReply decodes JSON the library returned; a failure is a protocol error (the library
// promised JSON in LXD's schema).
func decodeReply(text string, v any) error {
	return decodeBytes([]byte(text), v)
}

// decodeBytes is decodeReply for a reply already in bytes (no copy).
func decodeBytes(text []byte, v any) error {
	var err error
	if u, ok := v.(json.Unmarshaler); ok {
		// A model decodes itself (it validates the JSON as it goes): calling json.Unmarshal
		// first would only check and scan the same bytes once more.
		err = u.UnmarshalJSON(text)
	} else {
		err = json.Unmarshal(text, v)
	}
	if err != nil {
		return &Error{Code: CodeProtocol, Message: "cannot decode the reply as " + typeName(v) + ": " + err.Error()}
	}
	return nil
}
