# File push and pull (64 MiB and 1 GiB; a few MiB in smoke): throughput (MB/s, 1e6 bytes/s) and
# peak RSS (ru_maxrss of the client's process, from wait4 in bench/rss.c) for liblxdclient (lxdbench, streaming
# lxd_file_push_path / lxd_file_pull_path), curl over the same unix socket, `lxc file` (`incus file` against Incus), and pylxd
# (which holds the whole file in memory both ways). Peak RSS comes from build/rss (bench/rss.c),
# which forks each client from a small process so that the driver's own memory does not count. One running instance; the remote file is
# overwritten by each push and read back by each pull. Clients alternate round by round, and
# before each transfer the page cache's dirty data is written back (sync) and the destination removed.
import json
import os
import subprocess
import time

MIB = 1024 * 1024


def wait_rss(cmd, env, root):
    """Run cmd to completion through build/rss (bench/rss.c); (stdout, wall seconds, peak RSS in
    MiB). Fails on a non-zero exit."""
    t = time.perf_counter()
    p = subprocess.run([os.path.join(root, "build", "rss"), *cmd], capture_output=True, text=True, env=env)
    wall = time.perf_counter() - t
    if p.returncode != 0:
        raise RuntimeError(f"{cmd[0]} {cmd[1] if len(cmd) > 1 else ''} failed ({p.returncode}): {p.stderr[-2000:]}")
    kib = int(p.stderr.strip().splitlines()[-1].split()[1])
    return p.stdout, wall, kib / 1024.0


PYLXD_FILES = r'''
import json, os, sys, time
import pylxd
op, name, remote, local, n = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5])
c = pylxd.Client(endpoint=os.environ["LXD_TEST_SOCKET"])
inst = c.instances.get(name)
out = []
for _ in range(n):
    t = time.perf_counter()
    if op == "push":
        with open(local, "rb") as f:
            data = f.read()          # pylxd sends bytes from memory
        inst.files.put(remote, data)
        size = len(data)
    else:
        data = inst.files.get(remote)  # pylxd returns the whole content
        with open(local, "wb") as f:
            f.write(data)
        size = len(data)
    dt = time.perf_counter() - t
    del data
    out.append(size / 1e6 / dt)
print(json.dumps({"samples": out}))
'''


def make_file(path, size):
    if os.path.exists(path) and os.path.getsize(path) == size:
        return
    block = os.urandom(min(size, 64 * MIB))
    with open(path, "wb") as f:
        left = size
        while left:
            k = min(left, len(block))
            f.write(block[:k])
            left -= k


def run(results, ctx):
    log, smoke, root = ctx["log"], ctx["smoke"], ctx["root"]
    env = ctx["cli_env"]  # the daemon's CLI (lxc or incus) talks to daemon a
    sock = ctx["socket"]
    work = os.path.join(root, "bench", "work")
    bench = os.path.join(root, "build", "lxdbench")
    name = f"bench-files-{os.getpid()}"
    pyf = os.path.join(work, "pylxd_files.py")
    open(pyf, "w").write(PYLXD_FILES)
    # (label, size, repeats for liblxdclient and curl, repeats for lxc and pylxd)
    sizes = [("4MiB", 4 * MIB, 2, 1)] if smoke else [("64MiB", 64 * MIB, 5, 3), ("1GiB", 1024 * MIB, 3, 1)]
    subprocess.run([ctx["cli"], "launch", ctx["alias"], name], check=True, capture_output=True, env=env)
    try:
        for label, size, reps, few in sizes:
            src = os.path.join(work, f"push-{label}.bin")
            dst = os.path.join(work, f"pull-{label}.bin")
            make_file(src, size)
            remote = "/bench.bin"
            url = f"http://lxd/1.0/instances/{name}/files?path={remote}"
            for direction in ("push", "pull"):
                op = f"file_{direction}_{label}"
                log(f"{op}: liblxdclient, curl, lxc, pylxd, interleaved")
                samples = {c: [] for c in ("liblxdclient", "liblxdclient CPU", "curl", ctx["cli_label"], "pylxd")}
                rss = {}

                def settle():
                    # Before every transfer: no destination file to replace, and the page cache's
                    # dirty data (earlier transfers, LXD's writes in the instance) written back, so
                    # no client pays for another's writeback.
                    if os.path.exists(dst):
                        os.unlink(dst)
                    os.sync()

                def transfer(client, cmd):
                    settle()
                    out, wall, r = wait_rss(cmd, env, root)
                    rss[client] = max(rss.get(client, 0.0), r)
                    if direction == "pull":
                        assert os.path.getsize(dst) == size, f"{client} pulled a short file"
                    return out, wall

                # Rounds: liblxdclient then curl, alternating, so that neither gets the quieter
                # moments of the machine; then lxc and pylxd (fewer: they are slower or hold the
                # whole file in memory).
                for i in range(reps):
                    # liblxdclient: one transfer per process (its warm-up GET /1.0 untimed).
                    args = [name, src, remote] if direction == "push" else [name, remote, dst]
                    out, _ = transfer("liblxdclient", [bench, f"file_{direction}", "1", *args])
                    for d in (json.loads(line) for line in out.splitlines() if line.startswith("{")):
                        samples[d["client"]] += d["samples"]  # throughput, then its CPU/op
                    # curl: its own timing (time_total, no process start).
                    if direction == "push":
                        cmd = ["curl", "-sS", "-f", "--unix-socket", sock, "-X", "POST", "-T", src, "-H", f"{ctx['hdr']}-type: file",
                               "-H", "Content-Type: application/octet-stream", "-o", "/dev/null", "-w", "%{time_total}", url]
                    else:
                        cmd = ["curl", "-sS", "-f", "--unix-socket", sock, "-o", dst, "-w", "%{time_total}", url]
                    out, _ = transfer("curl", cmd)
                    samples["curl"].append(size / 1e6 / float(out.strip()))
                for i in range(few):
                    # lxc CLI: wall time of the whole command.
                    cmd = [ctx["cli"], "file", "push", src, f"{name}{remote}"] if direction == "push" else \
                        [ctx["cli"], "file", "pull", f"{name}{remote}", dst]
                    _, wall = transfer(ctx["cli_label"], cmd)
                    samples[ctx["cli_label"]].append(size / 1e6 / wall)
                    # pylxd: whole file in memory; timed inside (reading the file included for a push).
                    out, _ = transfer("pylxd", [ctx["python"], pyf, direction, name, remote, src if direction == "push" else dst, "1"])
                    samples["pylxd"] += json.loads(out.strip().splitlines()[-1])["samples"]
                for client, v in samples.items():
                    results.append((op, client, "ms CPU/op" if client.endswith("CPU") else "MB/s", v))
                for client, r in rss.items():
                    results.append((f"{op} peak RSS", client, "MiB", [r]))
                if os.path.exists(dst):
                    os.unlink(dst)
            if not smoke:
                os.unlink(src)
    finally:
        subprocess.run([ctx["cli"], "delete", "-f", name], capture_output=True, env=env)
