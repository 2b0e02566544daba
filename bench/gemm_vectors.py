#!/usr/bin/python3
"""Writes blas/testdata/gemm_torch.json: Sgemm test vectors from PyTorch.

Run from the repository root with Debian's /usr/bin/python3 (python3-torch):

    /usr/bin/python3 bench/gemm_vectors.py

Each case holds float32 inputs (row-major, tight leading dimensions, A
stored k x m when ta, B stored n x k when tb) and want = alpha*op(A)@op(B)
+ beta*C computed by torch in float64 from the same float32 values.
"""
import json

import torch

CASES = [
    # m, n, k, ta, tb, alpha, beta
    (7, 9, 5, False, False, 1.0, 0.0),
    (13, 17, 33, True, False, 0.5, 1.0),
    (20, 3, 40, False, True, -1.5, 0.25),
    (31, 45, 70, True, True, 2.0, -1.0),
]


def main():
    g = torch.Generator().manual_seed(20240601)
    out = []
    for m, n, k, ta, tb, alpha, beta in CASES:
        a = torch.randn(k, m, generator=g) if ta else torch.randn(m, k, generator=g)
        b = torch.randn(n, k, generator=g) if tb else torch.randn(k, n, generator=g)
        c = torch.randn(m, n, generator=g)
        opa = a.t() if ta else a
        opb = b.t() if tb else b
        want = alpha * (opa.double() @ opb.double()) + beta * c.double()
        out.append({
            "m": m, "n": n, "k": k, "ta": ta, "tb": tb, "alpha": alpha, "beta": beta,
            "a": a.flatten().tolist(), "b": b.flatten().tolist(), "c": c.flatten().tolist(),
            "want": want.flatten().tolist(),
        })
    with open("blas/testdata/gemm_torch.json", "w") as f:
        json.dump({"generator": "bench/gemm_vectors.py", "torch": torch.__version__, "cases": out}, f)


if __name__ == "__main__":
    main()
