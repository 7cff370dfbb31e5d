"""Plot, from results.json, the median per operation per client with p10–p90 error bars: latency
(ms, log scale) on top, transfer throughput (MB/s) below."""
import json
import statistics
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

merged = {}
for op, client, unit, samples in json.load(open(sys.argv[1])):
    # An operation measured in several blocks per client: one set of samples.
    merged.setdefault((op, client, unit), []).extend(samples)
results = [(op, client, unit, samples) for (op, client, unit), samples in merged.items()]
# One colour per client in both panels.
ALL_CLIENTS = list(dict.fromkeys(client for _, client, unit, _ in results if unit in ("ms", "MB/s")))
PALETTE = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22",
           "#17becf", "#000000", "#aec7e8", "#98df8a", "#ff9896"]
COLOURS = {c: PALETTE[i % len(PALETTE)] for i, c in enumerate(ALL_CLIENTS)}


def panel(ax, unit, ylabel, log):
    ops, clients, data = [], [], {}
    for op, client, u, samples in results:
        if u != unit:
            continue
        if op not in ops:
            ops.append(op)
        if client not in clients:
            clients.append(client)
        s = sorted(samples)
        data[(op, client)] = (statistics.median(s), s[int(0.1 * len(s))], s[min(len(s) - 1, int(0.9 * len(s)))])
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
        ax.bar(xs, ys, width, yerr=[lo, hi], capsize=2, label=client, color=COLOURS[client])
    ax.set_xticks([j + width * (len(clients) - 1) / 2 for j in range(len(ops))])
    ax.set_xticklabels(ops, rotation=25, ha="right", fontsize=8)
    if log:
        ax.set_yscale("log")
    ax.set_ylabel(ylabel)
    ax.legend(fontsize=7, ncol=2)


n_ms = len({op for op, _, u, _ in results if u == "ms"})
fig, (top, bottom) = plt.subplots(2, 1, figsize=(max(8, 1.3 * n_ms), 9))
panel(top, "ms", "latency, ms (log; median, p10–p90)", True)
top.set_title("liblxdclient vs baselines, same run")
panel(bottom, "MB/s", "throughput, MB/s (median, p10–p90)", False)
fig.tight_layout()
fig.savefig(sys.argv[2], dpi=100)
