//go:build cgo

package lxdclient

import (
	"bytes"
	"encoding/json"
	"reflect"
	"sort"
	"strings"
	"sync"
	"time"
)

// Unknown fields: every model keeps the JSON members its Go struct has no field for in an
// `Extra map[string]json.RawMessage`, and writes them back when it is marshalled, so data from a
// newer LXD survives a read-modify-write (Save).

type structKeys struct {
	known map[string]bool // JSON member names that a field decodes
	times map[string]bool // those whose field is a time.Time
}

var structKeysCache sync.Map // reflect.Type → *structKeys

var timeType = reflect.TypeOf(time.Time{})

// keysOf lists the JSON member names the struct type t decodes into a field.
func keysOf(t reflect.Type) *structKeys {
	if v, ok := structKeysCache.Load(t); ok {
		return v.(*structKeys)
	}
	k := &structKeys{known: map[string]bool{}, times: map[string]bool{}}
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		tag := f.Tag.Get("json")
		if tag == "-" {
			continue
		}
		name, _, _ := strings.Cut(tag, ",")
		if name == "" {
			name = f.Name
		}
		k.known[name] = true
		if f.Type == timeType {
			k.times[name] = true
		}
	}
	structKeysCache.Store(t, k)
	return k
}

// unmarshalWithExtra decodes data into known (a pointer to a struct type without custom JSON
// methods) and puts every member that no field takes into *extra (nil when there is none).
//
// An empty string where a timestamp belongs ("created_at": "") is read as the zero time rather
// than refused: it means "unset", and LXD itself writes the zero time as 0001-01-01T00:00:00Z.
func unmarshalWithExtra(data []byte, known any, extra *map[string]json.RawMessage) error {
	*extra = nil
	if bytes.Equal(bytes.TrimSpace(data), []byte("null")) {
		return nil
	}
	var all map[string]json.RawMessage
	if err := json.Unmarshal(data, &all); err != nil {
		return err
	}
	keys := keysOf(reflect.TypeOf(known).Elem())
	fixed := false
	for k, v := range all {
		if keys.times[k] && string(bytes.TrimSpace(v)) == `""` {
			all[k] = json.RawMessage("null")
			fixed = true
		}
	}
	if fixed {
		var err error
		if data, err = json.Marshal(all); err != nil {
			return err
		}
	}
	if err := json.Unmarshal(data, known); err != nil {
		return err
	}
	for k := range all {
		if keys.known[k] {
			delete(all, k)
		}
	}
	if len(all) > 0 {
		*extra = all
	}
	return nil
}

// marshalWithExtra encodes known (a struct without custom JSON methods) and appends the members
// of extra that no field writes, in sorted order.
func marshalWithExtra(known any, extra map[string]json.RawMessage) ([]byte, error) {
	b, err := json.Marshal(known)
	if err != nil || len(extra) == 0 {
		return b, err
	}
	t := reflect.TypeOf(known)
	if t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	keys := keysOf(t)
	names := make([]string, 0, len(extra))
	for k := range extra {
		if !keys.known[k] {
			names = append(names, k)
		}
	}
	if len(names) == 0 {
		return b, nil
	}
	sort.Strings(names)
	var out bytes.Buffer
	out.Grow(len(b) + 64*len(names))
	out.Write(b[:len(b)-1]) // drop the closing '}'
	empty := len(bytes.TrimSpace(b[:len(b)-1])) == 1
	for _, k := range names {
		v := extra[k]
		if len(bytes.TrimSpace(v)) == 0 {
			v = json.RawMessage("null")
		}
		if !json.Valid(v) {
			return nil, &json.UnsupportedValueError{Str: "Extra[" + k + "] is not valid JSON"}
		}
		if !empty {
			out.WriteByte(',')
		}
		empty = false
		kb, _ := json.Marshal(k)
		out.Write(kb)
		out.WriteByte(':')
		out.Write(v)
	}
	out.WriteByte('}')
	return out.Bytes(), nil
}
