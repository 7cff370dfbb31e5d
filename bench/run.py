#!/usr/bin/env python3
"""`make bench`: run every benchmark against one harness-started LXD (this script runs inside
tests/harness/with-lxd.sh), with baselines measured in the same run, and write bench/RESULTS.md
and bench/latency.png. `--smoke` uses tiny sizes for CI.

Each figure is a median with its spread (p10..p90) over repeated runs; comparisons are ratios of
medians from this run only (this is a noisy 2-core VM)."""
import json
import os
import platform
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SMOKE = "--smoke" in sys.argv
WORK = os.path.join(ROOT, "bench", "work")
os.makedirs(WORK, exist_ok=True)
VENV = os.path.join(WORK, "venv")
SOCK = os.environ["LXD_TEST_SOCKET"]
ALIAS = os.environ.get("LXD_TEST_IMAGE_ALIAS", "busybox")
REPS = 20 if SMOKE else 300
results = []  # (op, client, unit, samples)


def log(*a):
    print("[bench]", *a, file=sys.stderr, flush=True)


def run_json(cmd, env=None):
    out = subprocess.run(cmd, check=True, capture_output=True, text=True, env={**os.environ, **(env or {})})
    for line in out.stdout.splitlines():
        if line.startswith("{"):
            d = json.loads(line)
            results.append((d["op"], d["client"], d["unit"], d["samples"]))


def ensure_pylxd():
    py = os.path.join(VENV, "bin", "python")
    if not os.path.exists(py):
        log("creating a virtualenv with pylxd 2.4.2 and matplotlib")
        subprocess.run([sys.executable, "-m", "venv", VENV], check=True)
        subprocess.run([os.path.join(VENV, "bin", "pip"), "install", "-q", "pylxd==2.4.2", "matplotlib"], check=True)
    return py


def curl_urls(url, n):
    args = []
    for _ in range(n):
        args += [url, "-o", "/dev/null"]
    return args


def curl_get(n):
    """curl on one keep-alive connection over the unix socket: per-request times."""
    out = subprocess.run(["curl", "-s", "--unix-socket", SOCK, "-w", "%{time_total}\n", *curl_urls("http://lxd/1.0", n + 1)],
                         check=True, capture_output=True, text=True).stdout.split()
    # time_total for request k>0 on a reused connection is that request's own time.
    results.append(("get_server", "curl", "ms", [float(x) * 1e3 for x in out[1:]]))


def curl_list(n):
    out = subprocess.run(["curl", "-s", "--unix-socket", SOCK, "-w", "%{time_total}\n", *curl_urls("http://lxd/1.0/instances?recursion=1", n + 1)],
                         check=True, capture_output=True, text=True).stdout.split()
    results.append(("list_instances_r1", "curl", "ms", [float(x) * 1e3 for x in out[1:]]))


def lxc_cli(op, n, args):
    samples = []
    env = {**os.environ, "LXD_DIR": os.environ["LXD_TEST_DIR"]}
    for _ in range(n):
        t = time.perf_counter()
        subprocess.run(["lxc", *args], check=True, capture_output=True, env=env)
        samples.append((time.perf_counter() - t) * 1e3)
    results.append((op, "lxc CLI", "ms", samples))


def make_instances(count):
    names = []
    for i in range(count):
        name = f"bench-list-{os.getpid()}-{i}"
        subprocess.run(["lxc", "init", ALIAS, name], check=True, capture_output=True,
                       env={**os.environ, "LXD_DIR": os.environ["LXD_TEST_DIR"]})
        names.append(name)
    return names


def stats(samples):
    s = sorted(samples)
    q = lambda p: s[min(len(s) - 1, int(p * len(s)))]
    return statistics.median(s), q(0.1), q(0.9)


def main():
    bench = os.path.join(ROOT, "build", "lxdbench")
    py = ensure_pylxd()
    pyb = os.path.join(ROOT, "bench", "pylxd_bench.py")
    log("GET /1.0")
    run_json([bench, "get_server", str(REPS)])
    curl_get(REPS)
    run_json([py, pyb, "get_server", str(REPS)])
    lxc_cli("get_server", 5 if SMOKE else 20, ["query", "/1.0"])
    log("20 instances, list with recursion=1")
    make_instances(3 if SMOKE else 20)
    reps = REPS // 3
    run_json([bench, "list_instances_r1", str(reps)])
    curl_list(reps)
    run_json([py, pyb, "list_instances_r1", str(reps)])
    log("create + delete")
    cd = 2 if SMOKE else 10
    run_json([bench, "create_delete", str(cd), ALIAS])
    run_json([py, pyb, "create_delete", str(cd), ALIAS])
    log("threads sharing one client")
    tr = 2 if SMOKE else 5
    run_json([bench, "threads", str(tr), "1"])
    run_json([bench, "threads", str(tr), "16"])
    run_json([py, pyb, "threads", str(tr), "1"])
    run_json([py, pyb, "threads", str(tr), "16"])
    for extra in sorted(os.listdir(os.path.join(ROOT, "bench"))):
        # Further suites (exec, files, Go, core parsing) drop a bench/suite_*.py with run(results, ctx).
        if extra.startswith("suite_") and extra.endswith(".py"):
            log("suite", extra)
            ns = {}
            exec(open(os.path.join(ROOT, "bench", extra)).read(), ns)
            ns["run"](results, {"smoke": SMOKE, "root": ROOT, "python": py, "socket": SOCK, "alias": ALIAS, "log": log})
    write_report(py)


def write_report(py):
    by_op = {}
    for op, client, unit, samples in results:
        by_op.setdefault(op, {})[client] = (unit, samples)
    lines = [
        "# Benchmark results",
        "",
        f"Written by `make bench{' (smoke)' if SMOKE else ''}` on {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}.",
        f"Machine: {platform.machine()}, {os.cpu_count()} cores, {platform.platform()}; LXD "
        + subprocess.run(["lxd", "--version"], capture_output=True, text=True).stdout.strip()
        + "; pylxd 2.4.2; " + subprocess.run(["curl", "--version"], capture_output=True, text=True).stdout.split("\n")[0] + ".",
        "",
        "Median, with p10–p90 in brackets, over repeated runs in this one run. Ratios compare medians",
        "with liblxdclient's (for ms: other/liblxdclient, >1 means liblxdclient is faster; for",
        "throughput: liblxdclient/other). The official Go client could not be fetched here (its",
        "module is refused by the Go module proxy), so it is not measured.",
        "",
        "| operation | client | median | p10–p90 | unit | ratio vs liblxdclient |",
        "|---|---|---|---|---|---|",
    ]
    for op, clients in by_op.items():
        base = clients.get("liblxdclient")
        for client, (unit, samples) in clients.items():
            m, lo, hi = stats(samples)
            ratio = ""
            if base and client != "liblxdclient":
                bm = stats(base[1])[0]
                if unit == "ms":
                    ratio = f"{m / bm:.2f}×"
                elif m > 0:
                    ratio = f"{bm / m:.2f}×"
            lines.append(f"| {op} | {client} | {m:.3f} | {lo:.3f}–{hi:.3f} | {unit} | {ratio} |")
    t1 = by_op.get("get_server_threads1", {}).get("liblxdclient")
    t16 = by_op.get("get_server_threads16", {}).get("liblxdclient")
    if t1 and t16:
        lines += ["", f"16 threads on one client vs 1 thread: {stats(t16[1])[0] / stats(t1[1])[0]:.2f}× the throughput."]
    lines += ["", "![latency per operation per client](latency.png)", ""]
    out = os.path.join(ROOT, "bench", "RESULTS.md")
    open(out, "w").write("\n".join(lines))
    json.dump(results, open(os.path.join(WORK, "results.json"), "w"))
    subprocess.run([py, os.path.join(ROOT, "bench", "plot.py"), os.path.join(WORK, "results.json"),
                    os.path.join(ROOT, "bench", "latency.png")], check=True)
    log("wrote", out)
    print("\n".join(lines))


if __name__ == "__main__":
    main()
