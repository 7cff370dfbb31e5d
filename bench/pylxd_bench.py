"""The pylxd side of `make bench` (pylxd installed in a virtualenv by bench/run.py).
Prints the same JSON lines as lxdbench: {"op", "client": "pylxd", "unit", "samples"}."""
import json
import os
import sys
import threading
import time

import pylxd

op, n = sys.argv[1], int(sys.argv[2])
arg = sys.argv[3] if len(sys.argv) > 3 else None
client = pylxd.Client(endpoint=os.environ["LXD_TEST_SOCKET"])
client.api.get()  # warm-up, as for every client


def emit(name, unit, samples):
    print(json.dumps({"op": name, "client": "pylxd", "unit": unit, "samples": samples}), flush=True)


def timed(fn):
    out = []
    for _ in range(n):
        t = time.perf_counter()
        fn()
        out.append((time.perf_counter() - t) * 1e3)
    return out


if op == "get_server":
    emit(op, "ms", timed(lambda: client.api.get().json()))
elif op == "list_instances_r1":
    # recursion=1 as the others (pylxd defaults to 0: names only, objects filled lazily).
    emit(op, "ms", timed(lambda: client.instances.all(recursion=1)))
elif op == "create_delete":
    counter = [0]

    def cd():
        counter[0] += 1
        name = f"bench-py-{os.getpid()}-{counter[0]}"
        c = client.instances.create({"name": name, "source": {"type": "image", "alias": arg or "busybox"}}, wait=True)
        c.delete(wait=True)

    emit(op, "ms", timed(cd))
elif op == "threads":
    threads = int(arg or 16)
    total = int(sys.argv[4]) if len(sys.argv) > 4 else 2000
    samples = []
    for _ in range(n):
        per = max(1, total // threads)

        def loop():
            for _ in range(per):
                client.api.get().json()

        ts = [threading.Thread(target=loop) for _ in range(threads)]
        t = time.perf_counter()
        for x in ts:
            x.start()
        for x in ts:
            x.join()
        samples.append(threads * per / (time.perf_counter() - t))
    emit(f"get_server_threads{threads}", "req/s", samples)
else:
    sys.exit(f"unknown op {op}")
