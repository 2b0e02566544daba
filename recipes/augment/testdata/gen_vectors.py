#!/usr/bin/python3
"""Writes testdata/torchvision.json: outputs of torchvision 0.14's functional
transforms (Debian's python3-torchvision) on fixed inputs, and statistics of
its random-parameter samplers, for recipes/augment's tests. Run from
recipes/augment:

    /usr/bin/python3 testdata/gen_vectors.py
"""
import json
import math
import os
import random

import torch
import torchvision
import torchvision.transforms.functional as F
from torchvision.transforms import InterpolationMode, RandomErasing, RandomResizedCrop

torch.manual_seed(0)
random.seed(0)
out = {"torchvision": torchvision.__version__, "torch": torch.__version__, "images": {}, "cases": []}


def img(name, c, h, w):
    t = torch.rand(c, h, w)
    out["images"][name] = {"c": c, "h": h, "w": w, "pix": t.flatten().tolist()}
    return t


def case(op, image, args, result):
    out["cases"].append({"op": op, "image": image, "args": args,
                         "shape": list(result.shape), "want": result.flatten().tolist()})


rgb = img("rgb", 3, 9, 11)
gray = img("gray", 1, 10, 12)
big = img("rgb16", 3, 16, 16)
# A gray-in-RGB image and a saturated one exercise the HSV edge cases.
flat = torch.rand(1, 6, 6).expand(3, 6, 6).clone()
flat[:, 0, 0] = torch.tensor([1.0, 0.0, 0.0])
flat[:, 0, 1] = torch.tensor([0.0, 1.0, 0.0])
flat[:, 0, 2] = torch.tensor([0.0, 0.0, 1.0])
flat[:, 0, 3] = torch.tensor([1.0, 1.0, 0.0])
out["images"]["edge"] = {"c": 3, "h": 6, "w": 6, "pix": flat.flatten().tolist()}

for name, t in [("rgb", rgb), ("gray", gray)]:
    _, h, w = t.shape
    for (top, left, ch, cw, oh, ow) in [(2, 3, 5, 7, 28, 28), (0, 0, h, w, 4, 5), (1, 2, 6, 8, 6, 8),
                                        (0, 1, h, w - 1, h, w), (3, 0, 4, 9, 13, 7)]:
        r = F.resized_crop(t, top, left, ch, cw, [oh, ow], InterpolationMode.BILINEAR, antialias=False)
        case("resized_crop", name, [top, left, ch, cw, oh, ow], r)
    case("hflip", name, [], F.hflip(t))
    for f in [0.0, 0.6, 1.4]:
        case("brightness", name, [f], F.adjust_brightness(t, f))
        case("contrast", name, [f], F.adjust_contrast(t, f))
        case("saturation", name, [f], F.adjust_saturation(t, f))
    for k, s in [(3, 0.7), (5, 1.5), (1, 1.0)]:
        case("blur", name, [k, k, s], F.gaussian_blur(t, [k, k], [s, s]))
    case("blur", name, [5, 3, 1.1], F.gaussian_blur(t, [5, 3], [1.1, 1.1]))
    case("solarize", name, [0.5], F.solarize(t, 0.5))
    case("erase", name, [1, 2, 3, 4, 0.25], F.erase(t, 1, 2, 3, 4, torch.tensor(0.25)))
    m = [0.485, 0.456, 0.406][: t.shape[0]]
    s = [0.229, 0.224, 0.225][: t.shape[0]]
    case("normalize", name, m + s, F.normalize(t, m, s))
for name, t in [("rgb", rgb), ("edge", flat)]:
    for h in [-0.5, -0.3, 0.0, 0.1, 0.45]:
        case("hue", name, [h], F.adjust_hue(t, h))
    case("grayscale", name, [], F.rgb_to_grayscale(t, 3))
case("resize", "rgb16", [28, 28], F.resize(big, [28, 28], InterpolationMode.BILINEAR, antialias=False))
case("resize", "rgb16", [5, 7], F.resize(big, [5, 7], InterpolationMode.BILINEAR, antialias=False))
out["kernels"] = [{"k": k, "sigma": s, "want": torchvision.transforms.functional_tensor._get_gaussian_kernel1d(k, s).tolist()}
                  for k, s in [(3, 0.1), (3, 2.0), (23, 1.3), (9, 0.5)]]

# Statistics of the random samplers, n draws each.
n = 200000
stats = []
dummy = torch.zeros(1, 28, 28)
for scale, ratio in [((0.08, 1.0), (3 / 4, 4 / 3)), ((0.3, 1.0), (3 / 4, 4 / 3)), ((0.9, 1.0), (3.0, 4.0))]:
    hs, ws, areas, full, tops = 0.0, 0.0, 0.0, 0, 0.0
    hist = {}
    for _ in range(n):
        i, j, h, w = RandomResizedCrop.get_params(dummy, list(scale), list(ratio))
        hs += h
        ws += w
        areas += h * w
        tops += i
        full += (h == 28 and w == 28)
        hist[(h, w)] = hist.get((h, w), 0) + 1
    common = sorted(hist.items(), key=lambda kv: -kv[1])[:5]
    stats.append({"sampler": "crop", "scale": scale, "ratio": ratio, "n": n,
                  "mean_h": hs / n, "mean_w": ws / n, "mean_area": areas / n, "mean_top": tops / n,
                  "p_full": full / n, "top_hw": [[h, w, c / n] for (h, w), c in common]})
er = RandomErasing(p=1.0)
hs, ws, none = 0.0, 0.0, 0
for _ in range(n):
    i, j, h, w, v = er.get_params(dummy, scale=(0.02, 0.33), ratio=(0.3, 3.3), value=[0.0])
    if h == 28 and w == 28 and i == 0:
        none += 1
        continue
    hs += h
    ws += w
stats.append({"sampler": "erase", "scale": (0.02, 0.33), "ratio": (0.3, 3.3), "n": n,
              "mean_h": hs / (n - none), "mean_w": ws / (n - none), "p_none": none / n})
out["stats"] = stats

with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "torchvision.json"), "w") as f:
    json.dump(out, f, separators=(",", ":"))
print("wrote", len(out["cases"]), "cases")
