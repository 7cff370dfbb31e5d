"""Plot median latency (ms) per operation per client, with p10–p90 error bars, from results.json."""
import json
import statistics
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

results = json.load(open(sys.argv[1]))
ops, clients = [], []
data = {}
for op, client, unit, samples in results:
    if unit != "ms":
        continue
    if op not in ops:
        ops.append(op)
    if client not in clients:
        clients.append(client)
    s = sorted(samples)
    data[(op, client)] = (statistics.median(s), s[int(0.1 * len(s))], s[min(len(s) - 1, int(0.9 * len(s)))])
fig, ax = plt.subplots(figsize=(max(6, 1.8 * len(ops)), 4.5))
width = 0.8 / max(1, len(clients))
for i, client in enumerate(clients):
    xs, ys, lo, hi = [], [], [], []
    for j, op in enumerate(ops):
        if (op, client) in data:
            m, a, b = data[(op, client)]
            xs.append(j + i * width)
            ys.append(m)
            lo.append(m - a)
            hi.append(b - m)
    ax.bar(xs, ys, width, yerr=[lo, hi], capsize=3, label=client)
ax.set_xticks([j + width * (len(clients) - 1) / 2 for j in range(len(ops))])
ax.set_xticklabels(ops, rotation=15)
ax.set_yscale("log")
ax.set_ylabel("latency, ms (log scale; median, p10–p90)")
ax.set_title("liblxdclient vs baselines, same run")
ax.legend()
fig.tight_layout()
fig.savefig(sys.argv[2], dpi=110)
