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
	keys := keysOf(reflect.TypeOf(known).Elem())
	// The usual case in one decode: the members are listed by a scan of the bytes (no values
	// built), and the struct decoded once. A timestamp sent as "" (or anything the scan does
	// not follow: json.Unmarshal has the last word on what is valid) takes the general path.
	if others, ok := scanMembers(data, keys); ok {
		if err := json.Unmarshal(data, known); err != nil {
			return err
		}
		*extra = others
		return nil
	}
	return unmarshalWithExtraSlow(data, known, keys, extra)
}

// unmarshalWithExtraSlow is unmarshalWithExtra through a map of every member.
func unmarshalWithExtraSlow(data []byte, known any, keys *structKeys, extra *map[string]json.RawMessage) error {
	var all map[string]json.RawMessage
	if err := json.Unmarshal(data, &all); err != nil {
		return err
	}
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

// scanMembers walks the top level of the JSON object data and returns copies of the members
// that keys does not know (nil when none). ok is false, and the caller takes the general path,
// for anything but a plain object (not an object, a key with escapes, a timestamp member that is
// "", bytes it cannot follow): it never decides what is valid JSON, json.Unmarshal does.
func scanMembers(data []byte, keys *structKeys) (others map[string]json.RawMessage, ok bool) {
	i := skipSpace(data, 0)
	if i >= len(data) || data[i] != '{' {
		return nil, false
	}
	i = skipSpace(data, i+1)
	if i < len(data) && data[i] == '}' {
		return nil, true
	}
	for {
		if i >= len(data) || data[i] != '"' {
			return nil, false
		}
		k0 := i + 1
		k1 := k0
		for k1 < len(data) && data[k1] != '"' {
			if data[k1] == '\\' || data[k1] < 0x20 {
				return nil, false
			}
			k1++
		}
		if k1 >= len(data) {
			return nil, false
		}
		i = skipSpace(data, k1+1)
		if i >= len(data) || data[i] != ':' {
			return nil, false
		}
		v0 := skipSpace(data, i+1)
		v1 := skipValue(data, v0)
		if v1 < 0 {
			return nil, false
		}
		key := data[k0:k1]
		if !keys.known[string(key)] {
			if others == nil {
				others = map[string]json.RawMessage{}
			}
			others[string(key)] = append(json.RawMessage(nil), data[v0:v1]...)
		} else if keys.times[string(key)] && string(data[v0:v1]) == `""` {
			return nil, false
		}
		i = skipSpace(data, v1)
		if i >= len(data) {
			return nil, false
		}
		switch data[i] {
		case ',':
			i = skipSpace(data, i+1)
		case '}':
			return others, true
		default:
			return nil, false
		}
	}
}

func skipSpace(data []byte, i int) int {
	for i < len(data) && (data[i] == ' ' || data[i] == '\t' || data[i] == '\n' || data[i] == '\r') {
		i++
	}
	return i
}

// skipValue returns the index just past the JSON value at data[i] (-1: not one it can follow).
func skipValue(data []byte, i int) int {
	if i >= len(data) {
		return -1
	}
	depth := 0
	for i < len(data) {
		switch c := data[i]; c {
		case '"':
			i++
			for i < len(data) && data[i] != '"' {
				if data[i] == '\\' {
					i++
				}
				i++
			}
			if i >= len(data) {
				return -1
			}
			i++
		case '{', '[':
			depth++
			i++
		case '}', ']':
			if depth == 0 {
				return -1
			}
			depth--
			i++
		default:
			if depth == 0 {
				// A scalar: up to the next delimiter.
				j := i
				for j < len(data) && data[j] != ',' && data[j] != '}' && data[j] != ']' && data[j] != ' ' && data[j] != '\t' && data[j] != '\n' && data[j] != '\r' {
					j++
				}
				if j == i {
					return -1
				}
				return j
			}
			i++
		}
		if depth == 0 {
			return i
		}
	}
	return -1
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
