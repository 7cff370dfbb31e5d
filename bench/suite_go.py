# Go binding overhead vs the C ABI: `go test -bench` (bindings/go/lxdclient/bench_test.go: GetServer and
# ExecOutput of `true`, each reporting its per-call median) against lxdbench's get_server and
# exec_true run just before on the same instance (adjacent in time: this VM is noisy). The ratio
# is Go median / C median (the binding's cgo calls, Go-side JSON decoding, goroutine plumbing).
# For GET /1.0 also the pure-Go baseline (BenchmarkGetServerNetHTTP: net/http + encoding/json on
# the same socket, what LXD's and Incus's official Go clients do): the binding must not be slower.
import json
import os
import re
import subprocess


def run(results, ctx):
    log, smoke, root = ctx["log"], ctx["smoke"], ctx["root"]
    env = ctx["cli_env"]  # the daemon's CLI (lxc or incus) talks to daemon a
    name = f"bench-go-{os.getpid()}"
    bench = os.path.join(root, "build", "lxdbench")
    count = 2 if smoke else 5
    plan = [("get_server", "BenchmarkGetServer", 20 if smoke else 300), ("exec_true", "BenchmarkExecTrue", 5 if smoke else 40)]
    subprocess.run([ctx["cli"], "launch", ctx["alias"], name], check=True, capture_output=True, env=env)
    try:
        gopath_env = {**env, "PKG_CONFIG_PATH": os.path.join(root, "build", "pkgconfig"), "LXD_BENCH_INSTANCE": name}
        log("Go binding: compiling the test binary")
        testbin = os.path.join(root, "bench", "work", "lxdclient-go.test")
        subprocess.run(["go", "test", "-c", "-o", testbin, "."], check=True, capture_output=True, text=True,
                       cwd=os.path.join(root, "bindings", "go", "lxdclient"), env=gopath_env)
        for op, gobench, iters in plan:
            log(f"Go binding vs C: {op}")
            c_args = [bench, op, str(iters)] + ([name] if op == "exec_true" else [])
            c_samples, c_cpu = [], []
            for _ in range(count):
                out = subprocess.run(c_args, check=True, capture_output=True, text=True, env=env).stdout
                lines = [json.loads(line) for line in out.strip().splitlines()]
                c_samples += next(d for d in lines if d["client"] == "liblxdclient")["samples"]
                c_cpu += next(d for d in lines if d["client"] == "liblxdclient CPU")["samples"]
            out = subprocess.run([testbin, "-test.run", "^$", "-test.bench", f"^{gobench}$", "-test.benchtime", f"{iters}x",
                                  "-test.count", str(count)], capture_output=True, text=True, env=gopath_env,
                                 cwd=os.path.join(root, "bindings", "go", "lxdclient"))
            medians = [float(m) for m in re.findall(r"([0-9.]+) median-ms", out.stdout)]
            cpus = [float(m) for m in re.findall(r"([0-9.]+) cpu-ms/op", out.stdout)]
            if out.returncode != 0 or len(medians) != count:
                raise RuntimeError(f"go test -bench {gobench} failed:\n{out.stdout[-2000:]}\n{out.stderr[-2000:]}")
            if op == "get_server":
                # The pure-Go baseline (net/http + encoding/json, as LXD's and Incus's Go clients
                # do) on the same socket, right after the binding.
                out = subprocess.run([testbin, "-test.run", "^$", "-test.bench", "^BenchmarkGetServerNetHTTP$", "-test.benchtime",
                                      f"{iters}x", "-test.count", str(count)], capture_output=True, text=True, env=gopath_env,
                                     cwd=os.path.join(root, "bindings", "go", "lxdclient"))
                base = [float(m) for m in re.findall(r"([0-9.]+) median-ms", out.stdout)]
                base_cpu = [float(m) for m in re.findall(r"([0-9.]+) cpu-ms/op", out.stdout)]
                if out.returncode != 0 or len(base) != count:
                    raise RuntimeError(f"go test -bench BenchmarkGetServerNetHTTP failed:\n{out.stdout[-2000:]}\n{out.stderr[-2000:]}")
                results.append((f"go_vs_c_{op}", "Go net/http + encoding/json", "ms", base))
                results.append((f"go_vs_c_{op}", "Go net/http + encoding/json CPU", "ms CPU/op", base_cpu))
            results.append((f"go_vs_c_{op}", "liblxdclient", "ms", c_samples))
            results.append((f"go_vs_c_{op}", "liblxdclient CPU", "ms CPU/op", c_cpu))
            results.append((f"go_vs_c_{op}", "Go binding CPU", "ms CPU/op", cpus))
            # Each Go sample is the median of one -count run of `iters` calls.
            results.append((f"go_vs_c_{op}", "Go binding", "ms", medians))
        # The Go side's decode alone (no I/O, no cgo), on the GET /1.0 reply recorded from LXD 5.0.2.
        log("Go: decode of a GET /1.0 reply alone")
        out = subprocess.run([testbin, "-test.run", "^$", "-test.bench", "^BenchmarkDecodeServer$", "-test.benchtime",
                              "200x" if smoke else "2000x", "-test.count", str(count)], capture_output=True, text=True,
                             env=gopath_env, cwd=os.path.join(root, "bindings", "go", "lxdclient"))
        for sub, client in (("binding", "Go binding (Server)"), ("plain", "encoding/json, plain struct")):
            us = [float(m) / 1e3 for m in re.findall(rf"BenchmarkDecodeServer/{sub}-\d+\s+\d+\s+([0-9.]+) ns/op", out.stdout)]
            if out.returncode != 0 or len(us) != count:
                raise RuntimeError(f"go test -bench BenchmarkDecodeServer failed:\n{out.stdout[-2000:]}\n{out.stderr[-2000:]}")
            results.append(("go_decode_server", client, "µs", us))
    finally:
        subprocess.run([ctx["cli"], "delete", "-f", name], capture_output=True, env=env)
