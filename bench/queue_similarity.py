#!/usr/bin/python3
"""Queue similarity, side by side: contrast's memory.Queue.Similarity (and
plain blas.Sgemm at the same shape) against torch.mm, a batch [B, 128]
against MoCo v2's queue of 65,536 keys, both on 2 threads.

    /usr/bin/python3 bench/queue_similarity.py [-benchtime 5x] [-rounds 3]

Run from the repository root. The Go benchmark and torch.mm alternate for
a few rounds and each keeps its best figure, so that a busy shared machine
disturbs the ratio less. Prints GFLOP/s of each and the ratio
contrast / PyTorch.
"""
import os
import re
import subprocess
import sys
import time

import torch

torch.set_num_threads(2)
benchtime = sys.argv[sys.argv.index("-benchtime") + 1] if "-benchtime" in sys.argv else "5x"
rounds = int(sys.argv[sys.argv.index("-rounds") + 1]) if "-rounds" in sys.argv else 3


def torch_gflops(b, k, d, reps=5):
    q = torch.randn(b, d)
    keys = torch.nn.functional.normalize(torch.randn(k, d), dim=1)
    out = torch.empty(b, k)
    torch.mm(q, keys.T, out=out)
    best = float("inf")
    for _ in range(reps):
        t = time.perf_counter()
        torch.mm(q, keys.T, out=out)
        best = min(best, time.perf_counter() - t)
    return 2 * b * k * d / best / 1e9


env = dict(os.environ, GOMAXPROCS="2")
rows, best_torch = {}, {}
for _ in range(rounds):
    go = subprocess.run(["go", "test", "-run", "XXX", "-bench", "QueueSimilarity", "-benchtime", benchtime,
                         "./recipes/memory/"], capture_output=True, text=True, env=env)
    if go.returncode != 0:
        sys.exit(go.stdout + go.stderr)
    for line in go.stdout.splitlines():
        m = re.match(r"BenchmarkQueueSimilarity/(\w+)/B=(\d+)/K=(\d+)\S*\s+\d+\s+(\d+) ns/op\s+([\d.]+) GFLOP/s", line)
        if m:
            key = (m[1], int(m[2]), int(m[3]))
            rows[key] = max(rows.get(key, 0), float(m[5]))
            if m[1] == "queue":
                best_torch[key] = max(best_torch.get(key, 0), torch_gflops(int(m[2]), int(m[3]), 128))
print("%-18s %10s %10s %10s %8s" % ("shape", "queue", "sgemm", "torch.mm", "ratio"))
for (kind, b, k), g in sorted(rows.items()):
    if kind != "queue":
        continue
    t = best_torch[(kind, b, k)]
    print("%-18s %10.1f %10.1f %10.1f %8.2f" % ("B=%d K=%d" % (b, k), g, rows.get(("sgemm", b, k), 0), t, g / t))
print("best of %d rounds, GFLOP/s on 2 threads; ratio = contrast queue / torch.mm (torch %s)" % (rounds, torch.__version__))
