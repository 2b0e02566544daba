#!/usr/bin/python3
"""Losses and kNN, side by side with PyTorch on this machine, 2 threads:

  NT-Xent      loss + dL/dz, 512 views x 128 (SimCLR's batch of 256)
  SupCon       L_out loss + dL/dz, 512 views x 128, 10 classes
  InfoNCE      loss + dL/dq, 256 queries against a queue of 65,536 x 128
  SpCL         unified loss + dL/dz, 64 samples, memory of 12,936 x 128
  kNN          weighted 20-NN, 1,000 test rows against 10,000 train rows

PyTorch computes the same thing as the Go benchmarks (autograd for the
gradients; torch.mm + topk for kNN). Each side keeps its best time over a
few alternating rounds.

    /usr/bin/python3 bench/loss_vs_torch.py [-rounds 3]

Run from the repository root. Prints milliseconds per call and the
speed-up torch / contrast (above 1: contrast is faster).
"""
import os
import re
import subprocess
import sys
import time

import torch
import torch.nn.functional as F

torch.set_num_threads(2)
rounds = int(sys.argv[sys.argv.index("-rounds") + 1]) if "-rounds" in sys.argv else 3


def best(f, reps=5):
    f()
    t = float("inf")
    for _ in range(reps):
        s = time.perf_counter()
        f()
        t = min(t, time.perf_counter() - s)
    return t * 1e3


def ntxent():
    z = torch.randn(512, 128, requires_grad=True)

    def run():
        h = F.normalize(z, dim=1)
        s = h @ h.T / 0.5
        s = s.masked_fill(torch.eye(512, dtype=torch.bool), float("-inf"))
        target = torch.cat([torch.arange(256, 512), torch.arange(0, 256)])
        loss = F.cross_entropy(s, target) * 2
        z.grad = None
        loss.backward()
    return run


def supcon():
    z = torch.randn(512, 128, requires_grad=True)
    lab = torch.randint(0, 10, (256,)).repeat(2)

    def run():
        u = F.normalize(z, dim=1)
        s = u @ u.T / 0.1
        notself = ~torch.eye(512, dtype=torch.bool)
        pos = (lab[:, None] == lab[None, :]) & notself
        lse = torch.logsumexp(s.masked_fill(~notself, float("-inf")), 1, keepdim=True)
        loss = -(0.1 / 0.07) * ((s - lse) * pos).sum(1) / pos.sum(1)
        z.grad = None
        loss.mean().backward()
    return run


def infonce():
    q = torch.randn(256, 128, requires_grad=True)
    k = F.normalize(torch.randn(256, 128), dim=1)
    queue = F.normalize(torch.randn(65536, 128), dim=1)

    def run():
        u = F.normalize(q, dim=1)
        logits = torch.cat([(u * k).sum(1, keepdim=True), u @ queue.T], 1) / 0.2
        loss = F.cross_entropy(logits, torch.zeros(256, dtype=torch.long))
        q.grad = None
        loss.backward()
    return run


def spcl():
    z = torch.randn(64, 128, requires_grad=True)
    mem = F.normalize(torch.randn(12936, 128), dim=1)
    labels = torch.randint(0, 700, (12936,))
    targets = labels[torch.randint(0, 12936, (64,))]

    def run():
        inputs = F.normalize(z, dim=1) @ mem.T / 0.05
        sim = torch.zeros(700, 64).index_add_(0, labels, inputs.T.contiguous())
        nums = torch.zeros(700, 1).index_add_(0, labels, torch.ones(12936, 1))
        sim = (sim / nums.clamp(min=1)).T.masked_fill((nums == 0).T, float("-inf"))
        loss = F.cross_entropy(sim, targets)
        z.grad = None
        loss.backward()
    return run


def knn():
    tr = F.normalize(torch.randn(10000, 128), dim=1)
    te = F.normalize(torch.randn(1000, 128), dim=1)
    ytr = torch.randint(0, 10, (10000,))

    def run():
        with torch.no_grad():
            s = te @ tr.T
            d, i = s.topk(20, dim=1)
            w = (d / 0.07).exp()
            votes = torch.zeros(1000, 10).scatter_add_(1, ytr[i], w)
            votes.argmax(1)
    return run


cases = [
    ("NT-Xent 512x128", "recipes/loss", r"NTXent/views=512", ntxent()),
    ("SupCon 512x128", "recipes/loss", r"SupCon", supcon()),
    ("InfoNCE K=65536", "recipes/loss", r"InfoNCE/B=256/K=65536", infonce()),
    ("SpCL L=12936", "recipes/loss", r"SpCL", spcl()),
    ("kNN 10k x 1k", "recipes/probe", r"KNN/train=10000", knn()),
]

env = dict(os.environ, GOMAXPROCS="2")
go_ms, torch_ms = {}, {}
for _ in range(rounds):
    for name, pkg, pattern, f in cases:
        out = subprocess.run(["go", "test", "-run", "XXX", "-bench", "^Benchmark" + pattern + "$", "-benchtime", "3x",
                              "./" + pkg + "/"], capture_output=True, text=True, env=env)
        if out.returncode != 0:
            sys.exit(out.stdout + out.stderr)
        m = re.search(r"^Benchmark\S+\s+\d+\s+(\d+) ns/op", out.stdout, re.M)
        go_ms[name] = min(go_ms.get(name, float("inf")), int(m[1]) / 1e6)
        torch_ms[name] = min(torch_ms.get(name, float("inf")), best(f))
print("%-18s %12s %12s %9s" % ("case", "contrast ms", "torch ms", "speed-up"))
for name, *_ in cases:
    print("%-18s %12.2f %12.2f %9.2f" % (name, go_ms[name], torch_ms[name], torch_ms[name] / go_ms[name]))
print("best of %d rounds, 2 threads each (torch %s)" % (rounds, torch.__version__))
