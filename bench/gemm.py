#!/usr/bin/python3
"""PyTorch side of `contrast bench gemm`: times torch.mm on float32.

Run with Debian's /usr/bin/python3 (python3-torch). It serves timing
requests on stdin, one per line, so that the Go side can interleave its own
runs with PyTorch's on the same loaded machine:

    M N K TA TB SECONDS

TA/TB are 0 or 1: op(A) is A.t() of a K x M tensor when TA is 1 (and op(B)
is B.t() of an N x K tensor when TB is 1), the same memory layouts as
blas.Sgemm's transA/transB. Each request runs torch.mm(opA, opB, out=C)
once to warm up, then repeatedly for about SECONDS, and answers one JSON
line: {"best": s, "median": s, "reps": n} (seconds per product).

OpenBLAS (which Debian's torch calls for sgemm) gets the same thread count
through OPENBLAS_NUM_THREADS, set before torch loads.

Usage: /usr/bin/python3 bench/gemm.py [--threads 2]
Standalone: /usr/bin/python3 bench/gemm.py --threads 2 --sizes 512,1024
prints GFLOP/s for square sizes.
"""
import argparse
import json
import os
import statistics
import sys
import time

torch = None  # imported in main, once the thread count is in the environment


def timed(m, n, k, ta, tb, seconds):
    g = torch.Generator().manual_seed(1)
    a = torch.randn(k, m, generator=g).t() if ta else torch.randn(m, k, generator=g)
    b = torch.randn(n, k, generator=g).t() if tb else torch.randn(k, n, generator=g)
    c = torch.empty(m, n)
    torch.mm(a, b, out=c)
    times = []
    end = time.perf_counter() + seconds
    while len(times) < 3 or (time.perf_counter() < end and len(times) < 10000):
        t0 = time.perf_counter()
        torch.mm(a, b, out=c)
        times.append(time.perf_counter() - t0)
    return {"best": min(times), "median": statistics.median(times), "reps": len(times)}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--sizes", default="", help="comma-separated square sizes to time and print, instead of serving stdin")
    ap.add_argument("--seconds", type=float, default=0.5)
    args = ap.parse_args()
    # torch.set_num_threads sets PyTorch's own threads, not those of the
    # OpenBLAS it calls for sgemm (Debian's build): that one reads its
    # count from the environment when it loads.
    os.environ["OPENBLAS_NUM_THREADS"] = str(args.threads)
    os.environ["OMP_NUM_THREADS"] = str(args.threads)
    global torch
    import torch as _torch
    torch = _torch
    torch.set_num_threads(args.threads)
    if args.sizes:
        for s in args.sizes.split(","):
            n = int(s)
            r = timed(n, n, n, 0, 0, args.seconds)
            print(f"{n:5d}^3  best {2*n**3/r['best']/1e9:7.1f} GFLOP/s  median {2*n**3/r['median']/1e9:7.1f} GFLOP/s")
        return
    print(json.dumps({"ready": True, "torch": torch.__version__, "threads": torch.get_num_threads()}), flush=True)
    for line in sys.stdin:
        f = line.split()
        if not f:
            continue
        m, n, k, ta, tb = (int(x) for x in f[:5])
        print(json.dumps(timed(m, n, k, ta, tb, float(f[5]))), flush=True)


if __name__ == "__main__":
    main()
