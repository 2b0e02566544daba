"""Writes stats_sklearn.json: reference AUC (scikit-learn roc_auc_score) and
histogram overlap (numpy.histogram, density=True) for viz.PairStats.

Run with Debian's Python: /usr/bin/python3 viz/testdata/gen_stats.py
"""
import json
import os

import numpy as np
from sklearn.metrics import roc_auc_score

rng = np.random.default_rng(20240601)
cases = []


def case(name, pos, neg, lo, hi, bins):
    pos = [float(v) for v in pos]
    neg = [float(v) for v in neg]
    y = np.r_[np.ones(len(pos)), np.zeros(len(neg))]
    s = np.r_[pos, neg]
    auc = roc_auc_score(y, s)
    edges = np.linspace(lo, hi, bins + 1)
    dp, _ = np.histogram(np.clip(pos, lo, hi), bins=edges, density=True)
    dn, _ = np.histogram(np.clip(neg, lo, hi), bins=edges, density=True)
    overlap = float(np.sum(np.minimum(dp, dn)) * (hi - lo) / bins)
    cases.append(dict(name=name, pos=pos, neg=neg, lo=lo, hi=hi, bins=bins,
                      auc=float(auc), overlap=overlap,
                      pos_mean=float(np.mean(pos)), neg_mean=float(np.mean(neg))))


# Separated Gaussians, cosine range.
case("gaussians", np.clip(rng.normal(0.6, 0.15, 700), -1, 1),
     np.clip(rng.normal(0.05, 0.2, 1500), -1, 1), -1.0, 1.0, 100)
# Many ties: values rounded to one decimal.
case("ties", np.round(rng.normal(0.3, 0.3, 400), 1),
     np.round(rng.normal(0.1, 0.3, 600), 1), -2.0, 2.0, 40)
# Identical distributions: AUC near 0.5, overlap near 1.
x = rng.uniform(-1, 1, 500)
case("identical", x, rng.permutation(x), -1.0, 1.0, 50)
# Reversed: positives less similar than negatives.
case("reversed", rng.normal(-0.5, 0.1, 200), rng.normal(0.5, 0.1, 300), -1.0, 1.0, 100)
# Tiny samples with exact ties across the two.
case("tiny", [0.5, 0.5, 0.2], [0.5, 0.1], 0.0, 1.0, 10)

out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "stats_sklearn.json")
with open(out, "w") as f:
    json.dump(dict(generator="gen_stats.py", sklearn=__import__("sklearn").__version__,
                   numpy=np.__version__, cases=cases), f)
print("wrote", out)
