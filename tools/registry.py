#!/usr/bin/env python3
"""The resource registry: registry/resources.toml plus what the REST spec says of each resource.

    python3 tools/registry.py          # print every resource with its derived operations

`load()` gives each resource of registry/resources.toml with, derived from the spec
(reference/lxd-5.0.2-rest-api.yaml and reference/incus-6.0.4-rest-api.yaml: a resource of either
daemon): `ops`, the operationId of each verb (list, create, get, put,
patch, rename, delete; None where LXD has no such call), `item`, the member path, and `segments`,
the Rust expressions of the collection path's segments. A registry entry whose path, parents or
verbs disagree with the spec is an error here, so every generator stops on it.
"""
import os
import re
import sys
import tomllib

import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
REGISTRY = os.path.join(ROOT, "registry", "resources.toml")
SPECS = [os.path.join(ROOT, "reference", "lxd-5.0.2-rest-api.yaml"),
         os.path.join(ROOT, "reference", "incus-6.0.4-rest-api.yaml")]
METHODS = ("get", "put", "post", "patch", "delete")
# What each C verb needs from the spec.
VERB_OPS = {"list": ["list"], "exists": ["get"], "get": ["get"], "create": ["create"], "update": ["put"],
            "patch": ["patch"], "rename": ["rename"], "delete": ["delete"]}


def camel(op_id):
    return "".join(p[:1].upper() + p[1:] for p in re.split(r"[_-]", op_id))


def shape(path):
    """A path template without its parameters' names (`/1.0/x/{name}` → `/1.0/x/{}`): the specs
    name one parameter differently from one operation to the next (`{name}`, `{poolName}`)."""
    return re.sub(r"\{[^}]+\}", "{}", path)


def lxd_ops():
    """The operationIds of LXD 5.0.2's spec."""
    with open(SPECS[0]) as f:
        doc = yaml.safe_load(f)
    return {op["operationId"] for item in doc["paths"].values() for m in METHODS if (op := item.get(m))}


def spec_paths():
    """{path shape (no fixed query): {METHOD: operationId}} for the plain (no fixed query)
    operations of both specs (the operation ids agree where both have a path)."""
    out = {}
    for spec in SPECS:
        with open(spec) as f:
            doc = yaml.safe_load(f)
        for key, item in doc["paths"].items():
            if "?" in key:
                continue
            for m in METHODS:
                if item.get(m):
                    out.setdefault(shape(key), {})[m.upper()] = item[m]["operationId"]
    return out


def derive(res, paths):
    path = res["path"]
    if shape(path) not in paths:
        raise SystemExit(f"registry: {res['id']}: {path} is not a path of the spec")
    params = re.findall(r"\{([^}]+)\}", path)
    parents = res.get("parents", [])
    if len(params) != len(parents):
        raise SystemExit(f"registry: {res['id']}: {path} has {len(params)} parameters, the entry {len(parents)} parents")
    items = [p for p in paths if p == shape(path) + "/{}"]
    if len(items) != 1:
        raise SystemExit(f"registry: {res['id']}: no single member path under {path} in the spec: {items}")
    item = items[0]
    coll_ops, item_ops = paths[shape(path)], paths[item]
    res["item"] = path + "/{" + res.get("key", "name") + "}"
    res["ops"] = {
        "list": coll_ops.get("GET"), "create": coll_ops.get("POST"), "get": item_ops.get("GET"),
        "put": item_ops.get("PUT"), "patch": item_ops.get("PATCH"), "rename": item_ops.get("POST"),
        "delete": item_ops.get("DELETE"),
    }
    segs, i = [], 0
    for s in path.strip("/").split("/")[1:]:
        if s.startswith("{"):
            segs.append(parents[i]["name"])
            i += 1
        else:
            segs.append(f'"{s}"')
    res["segments"] = segs
    res.setdefault("parents", [])
    res.setdefault("notes", {})
    res.setdefault("rename", "name")
    for v in res.get("verbs", []):
        for need in VERB_OPS[v.split(":")[0]]:
            if res["ops"][need] is None:
                raise SystemExit(f"registry: {res['id']}: verb {v} needs a {need} operation, which the spec lacks")
    return res


def load():
    with open(REGISTRY, "rb") as f:
        reg = tomllib.load(f)
    paths = spec_paths()
    out = [derive(r, paths) for r in reg["resource"]]
    lxd = lxd_ops()
    for r in out:
        # A resource of Incus only (none of its operations is LXD's): the generators say so.
        r["incus_only"] = not any(op in lxd for op in r["ops"].values() if op)
    ids = [r["id"] for r in out]
    if len(ids) != len(set(ids)):
        raise SystemExit("registry: duplicate ids")
    return out


def write_or_check(path, text, check, tool):
    rel = os.path.relpath(path, ROOT)
    current = open(path).read() if os.path.exists(path) else None
    if check:
        if current != text:
            print(f"{rel} is stale: run python3 {tool}", file=sys.stderr)
            return False
        return True
    if current != text:
        with open(path, "w") as f:
            f.write(text)
        print(f"wrote {rel}")
    return True


if __name__ == "__main__":
    for r in load():
        print(r["id"], r["path"], {k: v for k, v in r["ops"].items() if v})
