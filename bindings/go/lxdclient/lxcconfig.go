//go:build cgo

package lxdclient

/*
#include <stdlib.h>
#include <lxdclient.h>
*/
import "C"

// lxc's configuration directory (config.yml, client.crt/client.key, servercerts/): its remotes,
// adding one as `lxc remote add` does, and connecting to one (WithRemote). configDir "" is
// LXD_CONF, else ~/.config/lxc, else the snap's ~/snap/lxd/common/config.

// WithRemote connects to a remote of the lxc configuration in configDir ("": the default
// directory, as above) instead of a socket or URL: remote "" is the configuration's default
// remote; "local" (any unix:// remote) is the unix socket; an HTTPS remote uses the directory's
// client certificate and pins servercerts/<remote>.crt, as lxc does, and the remote's project
// becomes the default project. Other options still apply on top. A simplestreams remote, or one
// that is not there: ErrInvalidArgument. Exclusive with WithUnixSocket and WithHTTPS.
func WithRemote(configDir, remote string) Option {
	return func(o *options) { o.remote, o.remoteDir, o.useRemote = remote, configDir, true }
}

// ConfigRemotes reads the remotes of the lxc configuration in configDir ("": the default
// directory).
func ConfigRemotes(configDir string) (*Remotes, error) {
	var a cArgs
	defer a.free()
	d := a.opt(configDir)
	if a.err != nil {
		return nil, a.err
	}
	var out *C.char
	var e *C.lxd_error
	if err := takeError(C.lxd_config_remotes(d, &out, &e), e); err != nil {
		return nil, err
	}
	return decodeAs[*Remotes](takeString(out), nil)
}

// EnsureClientCert creates client.crt and client.key in configDir ("": the default directory)
// unless both exist, as lxc does on first use (ECDSA P-384, self-signed), and reports whether
// it made new ones.
func EnsureClientCert(configDir string) (bool, error) {
	var a cArgs
	defer a.free()
	d := a.opt(configDir)
	if a.err != nil {
		return false, a.err
	}
	var generated C.bool
	var e *C.lxd_error
	if err := takeError(C.lxd_config_ensure_client_cert(d, &generated, &e), e); err != nil {
		return false, err
	}
	return bool(generated), nil
}

// AddConfigRemote is `lxc remote add NAME URL`: it fetches the server certificate from url
// ("https://host:port"), checks its SHA-256 fingerprint against expectedFingerprint (the full
// fingerprint: 64 hex digits, any case, ':' separators allowed; anything shorter, a prefix
// included, is ErrInvalidArgument before any connection; "" accepts it on first use, like
// --accept-certificate: only on a network you trust; a mismatch is ErrTLS), stores it in servercerts/NAME.crt, makes a client certificate if
// needed, authenticates with password (trust password or token; "" if already trusted) and adds
// the remote to config.yml, keeping the other settings. Nothing is written when a step fails. It
// returns the server certificate's fingerprint. The call blocks (no context: it is local work
// plus a few requests bounded by their timeouts).
func AddConfigRemote(configDir, name, url, password, expectedFingerprint string) (string, error) {
	var a cArgs
	defer a.free()
	d, n, u, pw, fp := a.opt(configDir), a.str(name), a.str(url), a.opt(password), a.opt(expectedFingerprint)
	if a.err != nil {
		return "", a.err
	}
	var out *C.char
	var e *C.lxd_error
	if err := takeError(C.lxd_config_add_remote(d, n, u, pw, fp, &out, &e), e); err != nil {
		return "", err
	}
	return takeString(out), nil
}

// Remote is one remote of an lxc configuration directory (config.yml).
type Remote struct {
	Name     string `json:"name"`
	Addr     string `json:"addr"`
	Protocol string `json:"protocol"`
	Project  string `json:"project"`
	Extra    Extra  `json:"-"`
}

// Remotes is an lxc configuration's remotes and its default one.
type Remotes struct {
	Default string   `json:"default"`
	Remotes []Remote `json:"remotes"`
	Extra   Extra    `json:"-"`
}
