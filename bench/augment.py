#!/usr/bin/python3
"""torchvision side of `contrast bench augment`: times the same augmentation
pipelines as recipes/augment on 256 images x 2 views = 512 views, the way a
PyTorch SimCLR loop makes them (one image at a time, as a Dataset's
__getitem__ does, in the training process: num_workers=0).

Pipelines (recipes/augment presets):
  reference-1x28      DESIGN.md's recipe on tensors: RandomResizedCrop(28,
                      scale 0.3-1), flip 0.5, ColorJitter(0.4, 0.4) p 0.8
  reference-1x28-pil  the same on PIL images, then ToTensor (the usual
                      torchvision Fashion-MNIST path)
  simclr-3x32         SimCLR's CIFAR-10 recipe, s=0.5, on 3x32x32 tensors

Prints one JSON line per pipeline: {"name", "best_ms", "median_ms", "reps"}
(milliseconds per 512 views). Debian's /usr/bin/python3 with python3-torch
and python3-torchvision.

Usage: /usr/bin/python3 bench/augment.py [--threads 2] [--seconds 2]
"""
import argparse
import json
import statistics
import time

import numpy as np
import torch
import torchvision
import torchvision.transforms as T
from PIL import Image


def pipelines():
    ref = dict(size=28, scale=(0.3, 1.0), ratio=(3 / 4, 4 / 3))
    return {
        "reference-1x28": (1, 28, False, T.Compose([
            T.RandomResizedCrop(**ref, antialias=False),
            T.RandomHorizontalFlip(),
            T.RandomApply([T.ColorJitter(0.4, 0.4)], p=0.8)])),
        "reference-1x28-pil": (1, 28, True, T.Compose([
            T.RandomResizedCrop(**ref),
            T.RandomHorizontalFlip(),
            T.RandomApply([T.ColorJitter(0.4, 0.4)], p=0.8),
            T.ToTensor()])),
        "simclr-3x32": (3, 32, False, T.Compose([
            T.RandomResizedCrop(32, scale=(0.08, 1.0), antialias=False),
            T.RandomHorizontalFlip(),
            T.RandomApply([T.ColorJitter(0.4, 0.4, 0.4, 0.1)], p=0.8),
            T.RandomGrayscale(p=0.2)])),
    }


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--seconds", type=float, default=2.0)
    ap.add_argument("--only", default="")
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    print(json.dumps({"torch": torch.__version__, "torchvision": torchvision.__version__,
                      "threads": torch.get_num_threads()}), flush=True)
    for name, (c, size, pil, tf) in pipelines().items():
        if args.only and name not in args.only.split(","):
            continue
        x = torch.rand(256, c, size, size)
        if pil:
            imgs = [Image.fromarray((x[i, 0].numpy() * 255).astype(np.uint8), "L") for i in range(256)]
        else:
            imgs = [x[i] for i in range(256)]

        def step():
            views = [tf(im) for _ in range(2) for im in imgs]
            return torch.stack(views)

        step()
        times = []
        end = time.perf_counter() + args.seconds
        while len(times) < 3 or time.perf_counter() < end:
            t0 = time.perf_counter()
            out = step()
            times.append(time.perf_counter() - t0)
        assert out.shape == (512, c, size, size)
        print(json.dumps({"name": name, "best_ms": 1e3 * min(times),
                          "median_ms": 1e3 * statistics.median(times), "reps": len(times)}), flush=True)


if __name__ == "__main__":
    main()
