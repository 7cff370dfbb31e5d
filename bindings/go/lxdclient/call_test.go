//go:build cgo

package lxdclient

import (
	"encoding/json"
	"testing"
)

func TestCall(t *testing.T) {
	c := unixClient(t)
	ctx := testCtx(t)

	// sync: a typed out value
	var srv struct {
		APIVersion string `json:"api_version"`
		Auth       string `json:"auth"`
	}
	must(t, c.Call(ctx, "GET", "/1.0", nil, &srv))
	if srv.APIVersion != "1.0" || srv.Auth != "trusted" {
		t.Fatalf("GET /1.0: %+v", srv)
	}
	var names []string
	must(t, c.Call(ctx, "GET", "/1.0/profiles", nil, &names))
	found := false
	for _, n := range names {
		found = found || n == "/1.0/profiles/default"
	}
	if !found {
		t.Fatalf("profiles %v", names)
	}

	// error replies carry their class
	mustIs(t, c.Call(ctx, "GET", "/1.0/instances/no-such-"+uniq("x"), nil, nil), ErrNotFound)
	name := uniq("gocall")
	must(t, c.Call(ctx, "POST", "/1.0/profiles", map[string]any{"name": name, "config": map[string]string{"user.k": "v"}}, nil))
	defer c.Call(ctx, "DELETE", "/1.0/profiles/"+name, nil, nil)
	var raw json.RawMessage
	must(t, c.Call(ctx, "GET", "/1.0/profiles/"+name, nil, &raw))
	var p struct {
		Config map[string]string `json:"config"`
	}
	must(t, json.Unmarshal(raw, &p))
	if p.Config["user.k"] != "v" {
		t.Fatalf("profile %s", raw)
	}

	// async: the operation is waited for
	inst := uniq("gocall")
	must(t, c.Call(ctx, "POST", "/1.0/instances", map[string]any{
		"name": inst, "source": map[string]string{"type": "image", "alias": lxdEnv(t).imageAlias}}, nil))
	defer removeInstance(c, inst)
	exists, err := c.InstanceExists(ctx, inst)
	must(t, err)
	if !exists {
		t.Fatal("the async create was not waited for")
	}
	// a failing async operation
	must(t, c.Call(ctx, "PUT", "/1.0/instances/"+inst+"/state", map[string]any{"action": "start"}, nil))
	err = c.Call(ctx, "PUT", "/1.0/instances/"+inst+"/state", map[string]any{"action": "start"}, nil)
	if err == nil {
		t.Fatal("starting a running instance succeeded")
	}
}
