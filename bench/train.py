#!/usr/bin/python3
"""PyTorch reference for `contrast bench train`: one SimCLR step of the
reference recipe in shared/DESIGN.md, timed on the CPU with 2 threads.

ConvNet-S encoder: conv3x3(1->32)+BN+ReLU, conv3x3(32->64, stride 2)+BN+ReLU,
conv3x3(64->128, stride 2)+BN+ReLU, global average pool -> 128-d.
SimCLR head: Linear(128,128, no bias)+BN+ReLU, Linear(128,128).
NT-Xent (tau 0.5, both directions), Adam lr 1e-3, batch 256 images (512
views). Augment (batched, on tensors): random resized crop (scale 0.3-1,
ratio 3/4-4/3, 28 px, bilinear), horizontal flip p=0.5, brightness and
contrast jitter 0.4 applied with p=0.8.

Usage: /usr/bin/python3 bench/train.py [--steps N] [--batch B] [--threads T]
       [--data PATH.npy|random] [--json]
Prints ms per step (mean over the steps after --warmup) and the peak RSS.
"""
import argparse
import json
import math
import resource
import sys
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F


def convnet_s():
    def block(ci, co, stride):
        return [nn.Conv2d(ci, co, 3, stride=stride, padding=1), nn.BatchNorm2d(co), nn.ReLU()]
    return nn.Sequential(*block(1, 32, 1), *block(32, 64, 2), *block(64, 128, 2),
                         nn.AdaptiveAvgPool2d(1), nn.Flatten())


def simclr_head(d=128):
    return nn.Sequential(nn.Linear(d, d, bias=False), nn.BatchNorm1d(d), nn.ReLU(), nn.Linear(d, d))


def nt_xent(z, tau=0.5):
    """z: [2B, D], rows i and i+B are the two views of image i."""
    n = z.shape[0]
    b = n // 2
    z = F.normalize(z, dim=1)
    sim = z @ z.t() / tau
    sim = sim.masked_fill(torch.eye(n, dtype=torch.bool), float("-inf"))
    target = torch.cat([torch.arange(b, n), torch.arange(0, b)])
    return F.cross_entropy(sim, target)


def augment(x, gen):
    """x: [B,1,H,W] in [0,1]. Returns one augmented view per image."""
    b, _, h, w = x.shape
    area = torch.empty(b).uniform_(0.3, 1.0, generator=gen)
    logr = torch.empty(b).uniform_(math.log(3 / 4), math.log(4 / 3), generator=gen)
    r = torch.exp(logr)
    cw = torch.sqrt(area * r).clamp(max=1.0)  # crop width as a fraction
    ch = torch.sqrt(area / r).clamp(max=1.0)
    cx = (torch.rand(b, generator=gen) * (1 - cw) + cw / 2) * 2 - 1
    cy = (torch.rand(b, generator=gen) * (1 - ch) + ch / 2) * 2 - 1
    flip = torch.where(torch.rand(b, generator=gen) < 0.5, -1.0, 1.0)
    theta = torch.zeros(b, 2, 3)
    theta[:, 0, 0] = cw * flip
    theta[:, 0, 2] = cx
    theta[:, 1, 1] = ch
    theta[:, 1, 2] = cy
    grid = F.affine_grid(theta, (b, 1, h, w), align_corners=False)
    v = F.grid_sample(x, grid, mode="bilinear", padding_mode="border", align_corners=False)
    apply = (torch.rand(b, generator=gen) < 0.8).float().view(b, 1, 1, 1)
    bf = torch.empty(b).uniform_(0.6, 1.4, generator=gen).view(b, 1, 1, 1)
    cf = torch.empty(b).uniform_(0.6, 1.4, generator=gen).view(b, 1, 1, 1)
    j = v * bf
    m = j.mean(dim=(1, 2, 3), keepdim=True)
    j = ((j - m) * cf + m).clamp(0, 1)
    return apply * j + (1 - apply) * v


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--steps", type=int, default=20)
    ap.add_argument("--warmup", type=int, default=2)
    ap.add_argument("--batch", type=int, default=256)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--data", default="random", help="random, or a .npy of uint8 images [N,28,28]")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--json", action="store_true")
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    gen = torch.Generator().manual_seed(a.seed)
    # images stay uint8 (as torchvision keeps them) and are scaled per batch
    if a.data == "random":
        imgs = torch.randint(0, 256, (4096, 1, 28, 28), generator=gen, dtype=torch.uint8)
    else:
        imgs = torch.from_numpy(np.load(a.data)).unsqueeze(1)
    enc, head = convnet_s(), simclr_head()
    params = list(enc.parameters()) + list(head.parameters())
    opt = torch.optim.Adam(params, lr=1e-3)
    times, losses = [], []
    n = imgs.shape[0]
    cpu0 = None
    for step in range(a.steps + a.warmup):
        if step == a.warmup:
            ru = resource.getrusage(resource.RUSAGE_SELF)
            cpu0 = ru.ru_utime + ru.ru_stime
        idx = torch.randint(0, n, (a.batch,), generator=gen)
        t0 = time.perf_counter()
        x = imgs[idx].float() / 255
        v = torch.cat([augment(x, gen), augment(x, gen)])
        z = head(enc(v))
        # rows i and i+B are the views of image i
        loss = nt_xent(z, 0.5)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        t1 = time.perf_counter()
        losses.append(loss.item())
        if step >= a.warmup:
            times.append(t1 - t0)
    ru = resource.getrusage(resource.RUSAGE_SELF)
    cpu_ms = 1000 * (ru.ru_utime + ru.ru_stime - cpu0) / a.steps
    ms = 1000 * sum(times) / len(times)
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    out = {"ms_per_step": ms, "best_ms": 1000 * min(times), "cpu_ms_per_step": cpu_ms, "peak_rss_mb": rss_mb, "steps": a.steps, "batch": a.batch,
           "threads": a.threads, "first_loss": losses[0], "last_loss": losses[-1]}
    if a.json:
        print(json.dumps(out))
    else:
        print(f"pytorch: {ms:.1f} ms/step ({cpu_ms:.0f} CPU ms) over {a.steps} steps (batch {a.batch}, {2*a.batch} views, "
              f"{a.threads} threads), peak RSS {rss_mb:.0f} MB, loss {losses[0]:.4f} -> {losses[-1]:.4f}")


if __name__ == "__main__":
    main()
