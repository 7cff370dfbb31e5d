# Core-only figures (no daemon involved):
#  - parsing a 1,000-instance `GET /1.0/instances?recursion=2` reply with lxd-core's typed models
#    vs serde_json::Value (core/examples/bench_parse.rs). The fixture is generated here, not
#    committed: the recursion=2 instance recorded from LXD 5.0.2 (core/tests/fixtures/
#    lxd-5.0.2.json) replicated 1,000 times with distinct names, in LXD's sync envelope;
#  - the size of liblxdclient.so stripped (a stripped copy; the build itself keeps its symbols)
#    and of the core built for wasm32-unknown-unknown (as `make test-wasm` builds it), and
#    through wasm-opt -Oz when binaryen is installed.
import gzip
import json
import os
import shutil
import subprocess


def make_fixture(root, path, count=1000):
    rec = json.load(open(os.path.join(root, "core", "tests", "fixtures", "lxd-5.0.2.json")))
    body = next(r["response"]["body"] for r in rec["records"] if r["name"] == "instances_list_recursion2")
    inst = json.loads(body)["metadata"][0]
    text = json.dumps(inst, separators=(",", ":"))
    old = f'"{inst["name"]}"'
    items = [text.replace(old, f'"bench-{i:04d}"').replace(f'/{inst["name"]}', f"/bench-{i:04d}") for i in range(count)]
    env = '{"type":"sync","status":"Success","status_code":200,"operation":"","error_code":0,"error":"","metadata":['
    data = env + ",".join(items) + "]}\n"
    assert len(json.loads(data)["metadata"]) == count
    open(path, "w").write(data)
    return len(data)


def server_reply(root, path):
    rec = json.load(open(os.path.join(root, "core", "tests", "fixtures", "lxd-5.0.2.json")))
    open(path, "w").write(next(r["response"]["body"] for r in rec["records"] if r["name"] == "server_get"))


def run(results, ctx):
    log, smoke, root = ctx["log"], ctx["smoke"], ctx["root"]
    work = os.path.join(root, "bench", "work")
    fixture = os.path.join(work, "instances-1000-r2.json")
    size = make_fixture(root, fixture)
    log(f"core parse: fixture of {size} bytes; building the example")
    subprocess.run(["cargo", "build", "-q", "--release", "-p", "lxd-core", "--example", "bench_parse"], check=True, cwd=root)
    server = os.path.join(work, "server-get.json")
    server_reply(root, server)
    out = subprocess.run([os.path.join(root, "target", "release", "examples", "bench_parse"), fixture, "5" if smoke else "60", server],
                         check=True, capture_output=True, text=True).stdout
    for line in out.splitlines():
        if line.startswith("{"):
            d = json.loads(line)
            results.append((d["op"], d["client"], d["unit"], d["samples"]))
    ctx.setdefault("notes", []).append(f"parse fixture: 1,000 instances, {size / 1e6:.2f} MB of JSON")

    log("sizes: stripped liblxdclient.so, wasm core")
    so = os.path.join(root, "target", "release", "liblxdclient.so")
    stripped = os.path.join(work, "liblxdclient.stripped.so")
    shutil.copyfile(so, stripped)
    subprocess.run(["strip", "--strip-all", stripped], check=True)
    results.append(("size", "liblxdclient.so (as built)", "KiB", [os.path.getsize(so) / 1024]))
    results.append(("size", "liblxdclient.so (stripped)", "KiB", [os.path.getsize(stripped) / 1024]))
    subprocess.run(["cargo", "build", "-q", "-p", "lxd-core", "-p", "lxd-core-wasm", "--target", "wasm32-unknown-unknown", "--release"],
                   check=True, cwd=root)
    wasm = os.path.join(root, "target", "wasm32-unknown-unknown", "release", "lxd_core_wasm.wasm")
    data = open(wasm, "rb").read()
    results.append(("size", "core wasm32 (lxd_core_wasm.wasm)", "KiB", [len(data) / 1024]))
    results.append(("size", "core wasm32, gzip -9", "KiB", [len(gzip.compress(data, 9)) / 1024]))
    if shutil.which("wasm-opt") and not smoke:  # ~20 s: full runs only
        opt = os.path.join(work, "lxd_core_wasm.opt.wasm")
        subprocess.run(["wasm-opt", "-Oz", "--enable-bulk-memory", "--enable-sign-ext", "--enable-nontrapping-float-to-int",
                        "--enable-mutable-globals", wasm, "-o", opt], check=True, capture_output=True)
        results.append(("size", "core wasm32, wasm-opt -Oz", "KiB", [os.path.getsize(opt) / 1024]))
    elif not smoke:
        ctx.setdefault("notes", []).append("wasm-opt (binaryen) is not installed: no -Oz size")
