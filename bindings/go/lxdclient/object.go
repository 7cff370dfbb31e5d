//go:build cgo

package lxdclient

import (
	"bytes"
	"encoding/json"
	"strings"
)

// The object lifecycle pylxd documents, once for every kind of object: an object read from the
// server remembers the client, the ETag and the JSON it was read with, so it can tell whether it
// was changed (Dirty), go back (Rollback), fetch itself again (Sync) and write itself back with
// If-Match (Save).

// objectMeta is the private state of an object read from the server.
type objectMeta struct {
	client  *Client
	etag    string
	orig    []byte   // the JSON as read (never changed): Dirty and Rollback start from it
	name    string   // the key it was read under (name, fingerprint)
	parents []string // the parents' names, for resources under others (a snapshot's instance)
}

// object is a pointer to a model that has the lifecycle (its lifecycle method is generated with
// the resource's CRUD methods, from the registry).
type object[T any] interface {
	*T
	lifecycle() *objectMeta
}

func (v *Server) lifecycle() *objectMeta { return &v.meta }

// parentOf is the i-th parent an object was read under ("" for an object made by hand).
func parentOf(m *objectMeta, i int) string {
	if i < len(m.parents) {
		return m.parents[i]
	}
	return ""
}

// lastSegment is a member's own name: LXD names some sub-resources "<parent>/<name>".
func lastSegment(name string) string {
	if i := strings.LastIndexByte(name, '/'); i >= 0 {
		return name[i+1:]
	}
	return name
}

// loadObject decodes an object read from the server and remembers where it came from. text is
// the caller's own copy of the reply: it is kept as the object's original (decoded once, never
// encoded again here; Dirty does that when it is asked).
func loadObject[T any, P object[T]](c *Client, text []byte, etag string, key func(P) string, parents ...string) (P, error) {
	p := P(new(T))
	if err := decodeBytes(text, p); err != nil {
		return nil, err
	}
	m := p.lifecycle()
	m.client, m.etag, m.parents = c, etag, parents
	m.orig = text
	m.name = key(p)
	return p, nil
}

// loadList decodes a JSON array of objects (a recursion=1 listing; they carry no ETag).
func loadList[T any, P object[T]](c *Client, text string, key func(P) string, parents ...string) ([]P, error) {
	var raws []json.RawMessage
	if err := decodeReply(text, &raws); err != nil {
		return nil, err
	}
	out := make([]P, 0, len(raws))
	for _, raw := range raws {
		p, err := loadObject[T, P](c, raw, "", key, parents...)
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, nil
}

func decodeNames(text string) ([]string, error) {
	var names []string
	if err := decodeReply(text, &names); err != nil {
		return nil, err
	}
	if names == nil {
		names = []string{}
	}
	return names, nil
}

// isDirty reports whether the object differs from what the server sent: its JSON now against the
// JSON of the original decoded afresh (both through the same encoder, so only changes count).
func isDirty[T any, P object[T]](p P) bool {
	m := p.lifecycle()
	if m.orig == nil {
		return false
	}
	fresh := P(new(T))
	if err := decodeBytes(m.orig, fresh); err != nil {
		return true
	}
	saved, err := json.Marshal(fresh)
	if err != nil {
		return true
	}
	now, err := json.Marshal(p)
	return err != nil || !bytes.Equal(now, saved)
}

// rollback puts the object back to what the server sent.
func rollback[T any, P object[T]](p P) error {
	m := *p.lifecycle()
	if m.orig == nil {
		return invalidArgument("%s was not read from a server: nothing to roll back to", typeName(p))
	}
	fresh := P(new(T))
	if err := decodeBytes(m.orig, fresh); err != nil {
		return err
	}
	*p = *fresh
	*p.lifecycle() = m
	return nil
}

// replace makes p the freshly read object (Sync).
func replace[T any, P object[T]](p, fresh P) {
	*p = *fresh
}

// boundClient is the client an object was read with.
func boundClient[T any, P object[T]](p P) (*Client, *objectMeta, error) {
	if p == nil {
		return nil, nil, invalidArgument("nil object")
	}
	m := p.lifecycle()
	if m.client == nil {
		return nil, nil, invalidArgument("%s was not read from a server (use the Client's methods)", typeName(p))
	}
	return m.client, m, nil
}
