# Event latency: from sending a PATCH of an instance's config to the arrival of its
# `instance-updated` lifecycle event on an open event listener (the PATCH's own round trip
# included: LXD emits the event while handling it). liblxdclient (lxd_event_listener on a thread)
# vs a minimal raw websocket client (Python, standard library) vs pylxd (its ws4py events client).
import json
import os
import subprocess

RAW_EVENTS = r'''
import base64, json, os, socket, struct, sys, threading, time

SOCK = os.environ["LXD_TEST_SOCKET"]
name, n = sys.argv[1], int(sys.argv[2])

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

s = socket.socket(socket.AF_UNIX); s.connect(SOCK)
key = base64.b64encode(os.urandom(16)).decode()
s.sendall(f"GET /1.0/events?type=lifecycle HTTP/1.1\r\nHost: lxd\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n".encode())
head = b""
while b"\r\n\r\n" not in head:
    head += s.recv(1)
cv = threading.Condition()
arrivals = []

def reader():
    buf = b""
    def need(k):
        nonlocal buf
        while len(buf) < k:
            c = s.recv(65536)
            if not c: raise EOFError
            buf += c
    try:
        while True:
            need(2)
            op, ln, hl = buf[0] & 0x0F, buf[1] & 0x7F, 2
            if ln == 126: need(4); ln = struct.unpack(">H", buf[2:4])[0]; hl = 4
            elif ln == 127: need(10); ln = struct.unpack(">Q", buf[2:10])[0]; hl = 10
            need(hl + ln)
            payload, buf = buf[hl:hl + ln], buf[hl + ln:]
            t = time.perf_counter()
            if op in (1, 2):
                ev = json.loads(payload)
                md = ev.get("metadata") or {}
                if md.get("action") == "instance-updated" and md.get("source") == f"/1.0/instances/{name}":
                    with cv:
                        arrivals.append(t); cv.notify_all()
    except (EOFError, OSError):
        pass

threading.Thread(target=reader, daemon=True).start()
out = []
for i in range(n):
    with cv:
        before = len(arrivals)
    t = time.perf_counter()
    r = http("PATCH", f"/1.0/instances/{name}", {"config": {"user.bench": f"raw{i}"}})
    if r.get("type") == "async":
        http("GET", f"/1.0/operations/{r['metadata']['id']}/wait?timeout=30")
    with cv:
        if not cv.wait_for(lambda: len(arrivals) > before, timeout=10):
            sys.exit("raw: no instance-updated event within 10 s")
        out.append((arrivals[before] - t) * 1e3)
print(json.dumps({"op": "event_latency", "client": "raw websocket (Python)", "unit": "ms", "samples": out}))
'''

PYLXD_EVENTS = r'''
import json, os, sys, threading, time
import pylxd
from pylxd.client import _WebsocketClient

name, n = sys.argv[1], int(sys.argv[2])
c = pylxd.Client(endpoint=os.environ["LXD_TEST_SOCKET"])
inst = c.instances.get(name)
cv = threading.Condition()
arrivals = []

class Listener(_WebsocketClient):
    # pylxd's documented way: client.events(websocket_client=...), connect(), run() (reads).
    def received_message(self, message):
        t = time.perf_counter()
        ev = json.loads(message.data.decode("utf-8"))
        md = ev.get("metadata") or {}
        if md.get("action") == "instance-updated" and md.get("source") == f"/1.0/instances/{name}":
            with cv:
                arrivals.append(t); cv.notify_all()

ws = c.events(websocket_client=Listener, event_types={pylxd.EventType.Lifecycle})
ws.connect()
threading.Thread(target=ws.run, daemon=True).start()
time.sleep(0.2)
out = []
for i in range(n):
    with cv:
        before = len(arrivals)
    t = time.perf_counter()
    inst.config["user.bench"] = f"pylxd{i}"
    inst.save(wait=True)
    with cv:
        if not cv.wait_for(lambda: len(arrivals) > before, timeout=10):
            sys.exit("pylxd: no instance-updated event within 10 s")
        out.append((arrivals[before] - t) * 1e3)
ws.close()
print(json.dumps({"op": "event_latency", "client": "pylxd", "unit": "ms", "samples": out}))
'''


def run(results, ctx):
    log, smoke, root = ctx["log"], ctx["smoke"], ctx["root"]
    env = ctx["cli_env"]  # the daemon's CLI (lxc or incus) talks to daemon a
    work = os.path.join(root, "bench", "work")
    name = f"bench-events-{os.getpid()}"
    n = 10 if smoke else 100
    subprocess.run([ctx["cli"], "init", ctx["alias"], name], check=True, capture_output=True, env=env)

    def collect(cmd):
        out = subprocess.run(cmd, check=True, capture_output=True, text=True, env=env).stdout
        for line in out.splitlines():
            if line.startswith("{"):
                d = json.loads(line)
                results.append((d["op"], d["client"], d["unit"], d["samples"]))

    try:
        log("event latency")
        collect([os.path.join(root, "build", "lxdbench"), "event_latency", str(n), name])
        raw = os.path.join(work, "raw_events.py")
        open(raw, "w").write(RAW_EVENTS)
        collect([ctx["python"], raw, name, str(n)])
        pye = os.path.join(work, "pylxd_events.py")
        open(pye, "w").write(PYLXD_EVENTS)
        try:
            collect([ctx["python"], pye, name, str(n)])
        except subprocess.CalledProcessError as e:
            # pylxd's events client is ws4py's; if it cannot be driven here, say so (the
            # liblxdclient measurement above still has to succeed).
            log("pylxd events not measured:", (e.stderr or "")[-500:])
            ctx.setdefault("notes", []).append("pylxd event latency: not measured (" + ((e.stderr or "").strip().splitlines() or ["?"])[-1] + ")")
    finally:
        subprocess.run([ctx["cli"], "delete", "-f", name], capture_output=True, env=env)
