//go:build cgo

package lxdclient

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"
)

// Every model keeps members it does not know and writes them back, next to the changed fields.
func TestModelsKeepUnknownMembers(t *testing.T) {
	models := []any{
		&Server{}, &ServerEnvironment{}, &ServerStorageDriverInfo{}, &Instance{}, &InstanceCreate{},
		&InstanceSource{}, &InstanceState{}, &InstanceStateDisk{}, &InstanceStateCPU{},
		&InstanceStateMemory{}, &InstanceStateNetwork{}, &InstanceStateNetworkAddress{},
		&InstanceStateNetworkCounters{}, &Snapshot{}, &Image{}, &ImageAliasRef{}, &ImageSource{},
		&ImageCreate{}, &ImageCreateSource{}, &ImageAlias{}, &Profile{}, &ProfileCreate{},
		&Network{}, &NetworkCreate{}, &NetworkState{}, &NetworkStateAddress{},
		&NetworkStateCounters{}, &NetworkStateBond{}, &NetworkStateBridge{}, &NetworkStateVLAN{},
		&NetworkStateOVN{}, &StoragePool{}, &StoragePoolCreate{}, &StoragePoolResources{},
		&StoragePoolSpace{}, &StoragePoolInodes{}, &Certificate{}, &CertificateCreate{},
		&OperationInfo{}, &Event{},
	}
	in := `{"future_field":{"x":[1,2,{"y":null}]},"future_flag":true}`
	for _, m := range models {
		if err := json.Unmarshal([]byte(in), m); err != nil {
			t.Fatalf("%T: %v", m, err)
		}
		out, err := json.Marshal(m)
		must(t, err)
		var back map[string]json.RawMessage
		must(t, json.Unmarshal(out, &back))
		if string(back["future_field"]) != `{"x":[1,2,{"y":null}]}` || string(back["future_flag"]) != "true" {
			t.Fatalf("%T lost unknown members: %s", m, out)
		}
	}

	// A change to a known field goes out together with the kept members.
	var p Profile
	must(t, json.Unmarshal([]byte(`{"name":"p","description":"old","config":{"a":"b"},"x-new":{"k":1}}`), &p))
	if p.Name != "p" || p.Config["a"] != "b" || string(p.Extra["x-new"]) != `{"k":1}` {
		t.Fatalf("decoded %+v", p)
	}
	p.Description = "new"
	out, err := json.Marshal(p)
	must(t, err)
	if !sameJSON(t, out, []byte(`{"name":"p","description":"new","config":{"a":"b"},"devices":null,"used_by":null,"x-new":{"k":1}}`)) {
		t.Fatalf("encoded %s", out)
	}

	// Extra cannot override a known field, and must hold valid JSON.
	p.Extra["name"] = json.RawMessage(`"other"`)
	out, err = json.Marshal(p)
	must(t, err)
	if strings.Count(string(out), `"name"`) != 1 || !strings.Contains(string(out), `"name":"p"`) {
		t.Fatalf("Extra overrode a field: %s", out)
	}
	p.Extra["bad"] = json.RawMessage(`{`)
	if _, err := json.Marshal(p); err == nil {
		t.Fatal("invalid JSON in Extra was encoded")
	}

	// Models without unknown members have a nil Extra.
	var a ImageAliasRef
	must(t, json.Unmarshal([]byte(`{"name":"n","description":""}`), &a))
	if a.Extra != nil {
		t.Fatalf("Extra = %v", a.Extra)
	}
	must(t, json.Unmarshal([]byte(`null`), &a))
}

// An empty timestamp is the zero time, not a decoding failure.
func TestEmptyTimestampIsZero(t *testing.T) {
	var i Instance
	must(t, json.Unmarshal([]byte(`{"name":"c","created_at":"","last_used_at":"2024-05-06T07:08:09.123456789Z"}`), &i))
	if !i.CreatedAt.IsZero() || i.LastUsedAt.Nanosecond() != 123456789 {
		t.Fatalf("created %v last used %v", i.CreatedAt, i.LastUsedAt)
	}
	var bad Instance
	if err := json.Unmarshal([]byte(`{"created_at":"yesterday"}`), &bad); err == nil {
		t.Fatal("a malformed timestamp was accepted")
	}
}

func TestErrorsMatchTheirSentinels(t *testing.T) {
	sentinels := map[Code]error{
		CodeInvalidArgument: ErrInvalidArgument, CodeNotFound: ErrNotFound, CodeConflict: ErrConflict,
		CodePreconditionFailed: ErrPreconditionFailed, CodeForbidden: ErrForbidden, CodeAPI: ErrAPI,
		CodeOperationFailed: ErrOperationFailed, CodeProtocol: ErrProtocol, CodeConnection: ErrConnection,
		CodeTLS: ErrTLS, CodeTimeout: ErrTimeout, CodeCancelled: ErrCancelled, CodeIO: ErrIO, CodePanic: ErrPanic,
	}
	for code, s := range sentinels {
		err := fmt.Errorf("wrapped: %w", &Error{Code: code, HTTPStatus: 404, Message: "LXD error 404: not found"})
		if !errors.Is(err, s) {
			t.Fatalf("%v does not match its sentinel", code)
		}
		for other, s2 := range sentinels {
			if other != code && errors.Is(err, s2) {
				t.Fatalf("%v matches %v", code, other)
			}
		}
		var e *Error
		if !errors.As(err, &e) || e.Code != code || e.HTTPStatus != 404 {
			t.Fatalf("errors.As: %#v", e)
		}
		if code.String() == "" || strings.HasPrefix(code.String(), "code ") {
			t.Fatalf("code %d has no name", code)
		}
		if s.Error() != "lxdclient: "+code.String() {
			t.Fatalf("sentinel text %q", s.Error())
		}
	}
	if Code(99).String() != "code 99" {
		t.Fatal(Code(99).String())
	}
	e := &Error{Code: CodeNotFound, Message: "LXD error 404: Instance not found"}
	if e.Error() != "lxdclient: LXD error 404: Instance not found" {
		t.Fatal(e.Error())
	}
	if errors.Is(e, e) != true || errors.Is(e, &Error{Code: CodeNotFound}) {
		t.Fatal("only the sentinels match by code")
	}

	c := contextError(context.Canceled)
	if !errors.Is(c, ErrCancelled) || !errors.Is(c, context.Canceled) || errors.Is(c, ErrTimeout) {
		t.Fatalf("context cancel error %v", c)
	}
	d := contextError(context.DeadlineExceeded)
	if !errors.Is(d, ErrTimeout) || !errors.Is(d, context.DeadlineExceeded) {
		t.Fatalf("deadline error %v", d)
	}
	cl := closedError("client")
	if !errors.Is(cl, ErrClosed) || !errors.Is(cl, ErrInvalidArgument) {
		t.Fatalf("closed error %v", cl)
	}
}

func TestStatusCodes(t *testing.T) {
	if StatusRunning.String() != "Running" || StatusSuccess.String() != "Success" || StatusCode(999).String() != "999" {
		t.Fatal("status names")
	}
	if StatusRunning.IsFinal() || !StatusSuccess.IsFinal() || !StatusFailure.IsFinal() || !StatusCancelled.IsFinal() {
		t.Fatal("IsFinal")
	}
}

// Objects not read from a server have no lifecycle to run.
func TestUnboundObjects(t *testing.T) {
	ctx := context.Background()
	p := &Profile{Name: "x"}
	if p.Dirty() {
		t.Fatal("an unbound object is not dirty")
	}
	mustIs(t, p.Rollback(), ErrInvalidArgument)
	mustIs(t, p.Sync(ctx), ErrInvalidArgument)
	mustIs(t, p.Save(ctx), ErrInvalidArgument)
	mustIs(t, (&Instance{}).Start(ctx), ErrInvalidArgument)
	_, err := (&Instance{}).Snapshots().List(ctx)
	mustIs(t, err, ErrInvalidArgument)
	mustIs(t, (&Snapshot{}).Delete(ctx), ErrInvalidArgument)
	var nilInst *Instance
	mustIs(t, nilInst.Save(ctx), ErrInvalidArgument)
}

func TestLibraryVersion(t *testing.T) {
	v := LibraryVersion()
	if strings.Count(v, ".") != 2 {
		t.Fatalf("version %q", v)
	}
}

// The zero time encodes as LXD writes it.
func TestZeroTimeEncoding(t *testing.T) {
	b, err := json.Marshal(Snapshot{Name: "s", ExpiresAt: time.Time{}})
	must(t, err)
	if !strings.Contains(string(b), `"expires_at":"0001-01-01T00:00:00Z"`) {
		t.Fatal(string(b))
	}
}

// The one-decode path (members listed by a scan of the bytes) decodes exactly as the general path
// (a map of every member, then the struct), and gives way to it where it must.
func TestScanDecodeMatchesGeneralDecode(t *testing.T) {
	inputs := []string{
		`{}`, ` { } `, `null`,
		`{"name":"c","config":{"a":"b"},"devices":{"root":{"path":"/"}},"future":{"x":[1,"]}",{"y":"\"}"}]},"n":-1.5e3,"t":true,"z":null}`,
		"{\n \"name\" : \"c\" ,\n \"profiles\" : [ \"default\" ] , \"x\":\"a\\u00e9\\\"\" \n}",
		`{"name":"c","created_at":"","last_used_at":"2024-05-06T07:08:09Z","extra_thing":[]}`,
		`{"na\u006de":"escaped key","other":1}`,
		`{"name":"dup","name":"last","u":1,"u":2}`,
		`{"name":5}`, `{"name":"c",}`, `{"name":"c"`, `[1,2]`, `"x"`, `{"name":"c"} x`, `{"config":{"a":1}}`,
	}
	for _, in := range inputs {
		var fast, slow Instance
		errFast := fast.UnmarshalJSON([]byte(in))
		type plain Instance
		var p plain
		errSlow := unmarshalWithExtraSlow([]byte(in), &p, keysOf(reflect.TypeOf(p)), &p.Extra)
		slow = Instance(p)
		if (errFast == nil) != (errSlow == nil) {
			t.Fatalf("%s: scan path %v, general path %v", in, errFast, errSlow)
		}
		if errFast == nil && !reflect.DeepEqual(fast, slow) {
			t.Fatalf("%s:\nscan    %+v\ngeneral %+v", in, fast, slow)
		}
	}
	// The server's config keeps strings and sets the rest aside the same way on both paths.
	in := `{"config":{"core.https_address":"127.0.0.1:8443","n":5},"api_extensions":["a"],"environment":{"server_name":"s","new":1},"later":"x"}`
	var fast, slow Server
	must(t, fast.UnmarshalJSON([]byte(in)))
	must(t, slow.unmarshalSlow([]byte(in)))
	if !reflect.DeepEqual(fast, slow) || fast.Config["core.https_address"] != "127.0.0.1:8443" || string(fast.configOther["n"]) != "5" || string(fast.Extra["later"]) != `"x"` || string(fast.Environment.Extra["new"]) != "1" {
		t.Fatalf("scan %+v\ngeneral %+v", fast, slow)
	}
}
