# Exec benchmarks: liblxdclient vs pylxd vs `lxc exec` (`incus exec`
# against Incus) vs a minimal raw websocket client (Python,
# standard library only: the lower bound of what any client must do), in the same run.
import json
import os
import subprocess
import time


RAW_CLIENT = r'''
import base64, json, os, socket, struct, sys, time

SOCK = os.environ["LXD_TEST_SOCKET"]

def http(method, path, body=None):
    s = socket.socket(socket.AF_UNIX); s.connect(SOCK)
    data = json.dumps(body).encode() if body is not None else b""
    s.sendall(f"{method} {path} HTTP/1.1\r\nHost: lxd\r\nContent-Length: {len(data)}\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n".encode() + data)
    buf = b""
    while True:
        c = s.recv(65536)
        if not c: break
        buf += c
    s.close()
    head, body = buf.split(b"\r\n\r\n", 1)
    if b"transfer-encoding: chunked" in head.lower():
        # Incus answers some requests (an operation's wait) chunked; LXD with a Content-Length.
        out = b""
        while True:
            size, rest = body.split(b"\r\n", 1)
            k = int(size.split(b";")[0], 16)
            if k == 0: break
            out, body = out + rest[:k], rest[k + 2:]
        body = out
    return json.loads(body)

def ws(path):
    s = socket.socket(socket.AF_UNIX); s.connect(SOCK)
    key = base64.b64encode(os.urandom(16)).decode()
    s.sendall(f"GET {path} HTTP/1.1\r\nHost: lxd\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n".encode())
    head = b""
    while b"\r\n\r\n" not in head:
        head += s.recv(1)
    return s

def read_frames(s):
    # Read until the empty end frame or close; count payload bytes.
    total = 0
    buf = b""
    while True:
        while len(buf) < 2:
            c = s.recv(65536)
            if not c: return total
            buf += c
        op, ln = buf[0] & 0x0F, buf[1] & 0x7F
        hl = 2
        if ln == 126:
            while len(buf) < 4: buf += s.recv(65536)
            ln = struct.unpack(">H", buf[2:4])[0]; hl = 4
        elif ln == 127:
            while len(buf) < 10: buf += s.recv(65536)
            ln = struct.unpack(">Q", buf[2:10])[0]; hl = 10
        while len(buf) < hl + ln:
            c = s.recv(65536)
            if not c: return total
            buf += c
        buf = buf[hl + ln:]
        if op == 8 or (op in (1, 2) and ln == 0): return total
        if op in (0, 1, 2): total += ln

def close(s):
    s.sendall(bytes([0x88, 0x80]) + os.urandom(4)); s.close()

def exec_true(name):
    r = http("POST", f"/1.0/instances/{name}/exec", {"command": ["true"], "wait-for-websocket": True, "interactive": False})
    op = r["metadata"]["id"]; fds = r["metadata"]["metadata"]["fds"]
    ctl = ws(f"/1.0/operations/{op}/websocket?secret={fds['control']}")
    socks = [ws(f"/1.0/operations/{op}/websocket?secret={fds[k]}") for k in ("0", "1", "2")]
    close(socks[0])
    for s in socks[1:]: read_frames(s); s.close()
    res = http("GET", f"/1.0/operations/{op}/wait?timeout=30")
    ctl.close()
    assert res["metadata"]["metadata"]["return"] == 0

name, n = sys.argv[1], int(sys.argv[2])
exec_true(name)
out = []
for _ in range(n):
    t = time.perf_counter(); exec_true(name); out.append((time.perf_counter() - t) * 1e3)
print(json.dumps({"op": "exec_true", "client": "raw websocket (Python)", "unit": "ms", "samples": out}))
'''

PYLXD_EXEC = r'''
import json, os, sys, time
import pylxd
c = pylxd.Client(endpoint=os.environ["LXD_TEST_SOCKET"])
inst = c.instances.get(sys.argv[1]); n = int(sys.argv[2])
inst.execute(["true"])
out = []
for _ in range(n):
    t = time.perf_counter(); r = inst.execute(["true"]); out.append((time.perf_counter() - t) * 1e3)
    assert r.exit_code == 0
print(json.dumps({"op": "exec_true", "client": "pylxd", "unit": "ms", "samples": out}))
out = []
for _ in range(max(2, n // 10)):
    t = time.perf_counter(); r = inst.execute(["head", "-c", "10485760", "/dev/zero"], decode=False) if "decode" in inst.execute.__code__.co_varnames else inst.execute(["head", "-c", "10485760", "/dev/zero"])
    dt = time.perf_counter() - t
    assert len(r.stdout) == 10485760, len(r.stdout)
    out.append(10.0 * 1048576 / 1e6 / dt)
print(json.dumps({"op": "exec_stdout", "client": "pylxd", "unit": "MB/s", "samples": out}))
'''


def run(results, ctx):
    log, smoke, root = ctx["log"], ctx["smoke"], ctx["root"]
    env = ctx["cli_env"]  # the daemon's CLI (lxc or incus) talks to daemon a
    name = f"bench-exec-{os.getpid()}"
    subprocess.run([ctx["cli"], "launch", ctx["alias"], name], check=True, capture_output=True, env=env)
    try:
        n = 10 if smoke else 50
        bench = os.path.join(root, "build", "lxdbench")
        work = os.path.join(root, "bench", "work")

        def collect(cmd):
            out = subprocess.run(cmd, check=True, capture_output=True, text=True, env=env).stdout
            for line in out.splitlines():
                if line.startswith("{"):
                    d = json.loads(line)
                    results.append((d["op"], d["client"], d["unit"], d["samples"]))

        log("exec true")
        collect([bench, "exec_true", str(n), name])
        raw = os.path.join(work, "raw_exec.py")
        open(raw, "w").write(RAW_CLIENT)
        collect([ctx["python"], raw, name, str(n)])
        pyx = os.path.join(work, "pylxd_exec.py")
        open(pyx, "w").write(PYLXD_EXEC)
        collect([ctx["python"], pyx, name, str(n)])
        samples = []
        for _ in range(max(3, n // 5)):
            t = time.perf_counter()
            subprocess.run([ctx["cli"], "exec", name, "--", "true"], check=True, capture_output=True, env=env)
            samples.append((time.perf_counter() - t) * 1e3)
        results.append(("exec_true", ctx["cli_label"], "ms", samples))
        log("exec 10 MB stdout / stdin")
        reps = 3 if smoke else 10
        collect([bench, "exec_stdout", str(reps), name])
        collect([bench, "exec_stdin", str(reps), name])
        samples = []
        for _ in range(reps):
            t = time.perf_counter()
            p = subprocess.run([ctx["cli"], "exec", name, "--", "head", "-c", "10485760", "/dev/zero"], check=True, capture_output=True, env=env)
            dt = time.perf_counter() - t
            assert len(p.stdout) == 10485760
            samples.append(10.0 * 1048576 / 1e6 / dt)
        results.append(("exec_stdout", ctx["cli_label"], "MB/s", samples))
    finally:
        subprocess.run([ctx["cli"], "delete", "-f", name], capture_output=True, env=env)
