#!/usr/bin/python3
"""Writes recipes/nn/testdata/torch_vectors.json: PyTorch's outputs and
gradients for ConvNet-S + the reference SimCLR head on fixed weights, the
NT-Xent loss, and a few optimiser steps, for the Go tests to compare with.

Weights and inputs are not stored: both sides compute them from the
formula fill(k, i) = 0.5*sin(0.7*i + 1.3*k + 0.1) * scale, with i the
flat index in PyTorch's layout (Go maps its own layouts onto it).
Run: /usr/bin/python3 bench/nn_vectors.py
"""
import json
import math
import os

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.set_num_threads(1)
OUT = os.path.join(os.path.dirname(__file__), "..", "recipes", "nn", "testdata", "torch_vectors.json")


def fill(k, shape, scale):
    n = math.prod(shape)
    i = torch.arange(n, dtype=torch.float64)
    return (0.5 * torch.sin(0.7 * i + 1.3 * k + 0.1) * scale).reshape(shape).float()


def sample_idx(n, count=16):
    return sorted({(j * 7919 + 13) % n for j in range(count)})


def convnet_and_head():
    enc = nn.Sequential(
        nn.Conv2d(1, 32, 3, 1, 1, bias=False), nn.BatchNorm2d(32), nn.ReLU(),
        nn.Conv2d(32, 64, 3, 2, 1, bias=False), nn.BatchNorm2d(64), nn.ReLU(),
        nn.Conv2d(64, 128, 3, 2, 1, bias=False), nn.BatchNorm2d(128), nn.ReLU(),
        nn.AdaptiveAvgPool2d(1), nn.Flatten())
    head = nn.Sequential(nn.Linear(128, 128, bias=False), nn.BatchNorm1d(128), nn.ReLU(), nn.Linear(128, 128))
    return enc, head


def main():
    enc, head = convnet_and_head()
    params = [("enc", n, p) for n, p in enc.named_parameters()] + [("head", n, p) for n, p in head.named_parameters()]
    with torch.no_grad():
        for k, (_, n, p) in enumerate(params):
            if p.dim() > 1:
                fan_in = math.prod(p.shape[1:])
                p.copy_(fill(k, p.shape, 2 / math.sqrt(fan_in)))
            elif n.endswith("weight"):  # BN gamma
                p.copy_(1 + fill(k, p.shape, 0.2))
            else:
                p.copy_(fill(k, p.shape, 0.2))
    N = 6
    x = fill(100, (N, 1, 28, 28), 2.0) + 0.5
    h = enc(x)
    z = head(h)
    c = fill(101, z.shape, 1.0)
    loss = (c * z).sum()
    loss.backward()
    out = {"n": N, "params": [], "h": h.detach().flatten().tolist(), "z": z.detach().flatten().tolist(), "buffers": []}
    for k, (part, n, p) in enumerate(params):
        g = p.grad.flatten()
        idx = sample_idx(g.numel())
        out["params"].append({"part": part, "name": n, "shape": list(p.shape), "k": k,
                              "grad_idx": idx, "grad": [g[i].item() for i in idx],
                              "grad_norm": g.norm().item()})
    for part, m in (("enc", enc), ("head", head)):
        for n, b in m.named_buffers():
            if "running" in n:
                out["buffers"].append({"part": part, "name": n, "values": b.flatten().tolist()})
    # eval mode with the updated running statistics
    enc.eval(); head.eval()
    with torch.no_grad():
        out["z_eval"] = head(enc(x)).flatten().tolist()

    # NT-Xent, tau 0.5, both directions: rows i and i+B are positives
    zz = fill(200, (8, 5), 1.5).requires_grad_()
    zn = F.normalize(zz, dim=1)
    sim = zn @ zn.t() / 0.5
    sim = sim.masked_fill(torch.eye(8, dtype=torch.bool), float("-inf"))
    target = torch.cat([torch.arange(4, 8), torch.arange(0, 4)])
    l = F.cross_entropy(sim, target)
    l.backward()
    out["ntxent"] = {"z": zz.detach().flatten().tolist(), "shape": [8, 5], "tau": 0.5,
                     "loss": l.item(), "grad": zz.grad.flatten().tolist()}

    # optimisers: 3 steps on p = fill(300), grads fill(301 + step)
    opts = {
        "adam": lambda ps: torch.optim.Adam(ps, lr=1e-2),
        "adam_wd": lambda ps: torch.optim.Adam(ps, lr=1e-2, weight_decay=0.1),
        "adamw": lambda ps: torch.optim.AdamW(ps, lr=1e-2, weight_decay=0.1),
        "sgd": lambda ps: torch.optim.SGD(ps, lr=0.1),
        "sgd_momentum_wd": lambda ps: torch.optim.SGD(ps, lr=0.1, momentum=0.9, weight_decay=0.01),
        "sgd_nesterov": lambda ps: torch.optim.SGD(ps, lr=0.1, momentum=0.9, nesterov=True),
    }
    out["optim"] = {}
    for name, mk in opts.items():
        p = torch.nn.Parameter(fill(300, (10,), 1.0))
        o = mk([p])
        steps = []
        for s in range(3):
            p.grad = fill(301 + s, (10,), 1.0)
            o.step()
            steps.append(p.detach().clone().tolist())
        out["optim"][name] = {"p0": fill(300, (10,), 1.0).tolist(), "steps": steps}
    with open(OUT, "w") as f:
        json.dump(out, f)
    import numpy as np
    np.save(os.path.join(os.path.dirname(OUT), "arange_2x3.npy"), np.arange(6, dtype=np.float32).reshape(2, 3))
    np.save(os.path.join(os.path.dirname(OUT), "arange_5.npy"), np.arange(5, dtype=np.float32))
    print("wrote", OUT, os.path.getsize(OUT), "bytes")


if __name__ == "__main__":
    main()
