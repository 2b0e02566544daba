#!/usr/bin/python3
"""Reference values for package probe.

Run with Debian's Python (python3-sklearn, python3-torch):

    /usr/bin/python3 recipes/probe/testdata/gen_vectors.py

It writes vectors.json beside this file, on fixed random inputs:

- "knn": the weighted kNN vote of InstDisc / DINO (eval_knn.py), written
  here in NumPy: cosine similarities, the k largest, weights exp(sim/T)
  summed per class, classes ranked by total;
- "linear": scikit-learn's LogisticRegression (multinomial, lbfgs) on
  L2-normalised features: coefficients, intercepts, test predictions;
- "geometry": alignment and uniformity as Wang and Isola's reference code
  (torch.pdist), and the SimSiam collapse std of normalised features;
- "retrieval": mAP with scikit-learn's average_precision_score and CMC,
  following open-reid's mean_ap / cmc (Market-1501 settings), with and
  without cameras; plus average_precision_score on rankings with ties;
- "clustering": normalized_mutual_info_score, adjusted_rand_score;
- "confusion": confusion_matrix.
"""
import json
import os

import numpy as np
import sklearn
import torch
import torch.nn.functional as F
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import (adjusted_rand_score, average_precision_score, confusion_matrix,
                             normalized_mutual_info_score)

rng = np.random.default_rng(3)


def short(v):
    return float(str(np.float32(v)))


def tj(x):
    x = np.asarray(x, dtype=np.float32)
    return {"shape": list(x.shape), "data": [short(v) for v in x.ravel()]}


def blobs(n, classes, d, spread):
    centres = rng.normal(0, 1, (classes, d))
    y = rng.integers(0, classes, n)
    x = centres[y] + rng.normal(0, spread, (n, d))
    return x.astype(np.float32), [int(v) for v in y]


def unit(x):
    x = x.astype(np.float64)
    return x / np.linalg.norm(x, axis=1, keepdims=True)


out = {"generator": "recipes/probe/testdata/gen_vectors.py", "sklearn": sklearn.__version__}

# --- weighted kNN ------------------------------------------------------------
# Train and test share the class centres: draw both in one call.
x, y = blobs(550, 5, 16, 1.2)
xtr, ytr, xte, yte = x[:400], y[:400], x[400:], y[400:]
knn = {"train": tj(xtr), "trainLabels": ytr, "test": tj(xte), "testLabels": yte, "cases": []}
sim = unit(xte) @ unit(xtr).T
for k, T in [(20, 0.07), (5, 0.5), (1, 0.07), (200, 0.1)]:
    idx = np.argsort(-sim, axis=1, kind="stable")[:, :k]
    w = np.exp(np.take_along_axis(sim, idx, 1) / T)
    votes = np.zeros((len(yte), 5))
    for i in range(len(yte)):
        for j in range(k):
            votes[i, ytr[idx[i, j]]] += w[i, j]
    order = np.argsort(-votes, axis=1, kind="stable")
    pred = order[:, 0]
    top1 = float((pred == np.array(yte)).mean())
    top5 = float(np.mean([yte[i] in order[i, :5] for i in range(len(yte))]))
    knn["cases"].append({"k": k, "temperature": T, "pred": [int(v) for v in pred], "top1": top1, "top5": top5})
out["knn"] = knn

# --- linear probe --------------------------------------------------------------
x, y = blobs(600, 4, 16, 1.5)
xtr, ytr, xte, yte = x[:400], y[:400], x[400:], y[400:]
lin = {"train": tj(xtr), "trainLabels": ytr, "test": tj(xte), "testLabels": yte, "cases": []}
for C in (1.0, 20.0):
    clf = LogisticRegression(C=C, multi_class="multinomial", solver="lbfgs", max_iter=10000, tol=1e-10)
    clf.fit(unit(xtr), ytr)
    pred = clf.predict(unit(xte))
    lin["cases"].append({"C": C, "weightDecay": 1 / (C * len(ytr)),
                         "coef": [float(v) for v in clf.coef_.ravel()],
                         "intercept": [float(v) for v in clf.intercept_],
                         "pred": [int(v) for v in pred],
                         "testAcc": float((pred == np.array(yte)).mean()),
                         "trainAcc": float(clf.score(unit(xtr), ytr))})
out["linear"] = lin

# --- alignment, uniformity, collapse ----------------------------------------------
B, D = 50, 8
z = rng.normal(0, 1, (2 * B, D)).astype(np.float32)
z[B:] = z[:B] + 0.5 * z[B:]  # views correlated with their pair
zt = F.normalize(torch.tensor(z, dtype=torch.float64), dim=1)
xv, yv = zt[:B], zt[B:]


def align(x, y, alpha):
    return (x - y).norm(p=2, dim=1).pow(alpha).mean().item()


def uniform(x, t):
    return torch.pdist(x, p=2).pow(2).mul(-t).exp().mean().log().item()


out["geometry"] = {
    "z": tj(z),
    "align2": align(xv, yv, 2), "align1": align(xv, yv, 1),
    "uniformX": uniform(xv, 2), "uniformY": uniform(yv, 2), "uniformXT1": uniform(xv, 1),
    "collapseStd": F.normalize(torch.tensor(z, dtype=torch.float64), dim=1).std(dim=0).mean().item(),
}

# --- retrieval ------------------------------------------------------------------
def retrieval(qf, ql, qc, gf, gl, gc, topk, same_set=False):
    s = unit(qf) @ unit(gf).T
    ql, gl = np.array(ql), np.array(gl)
    aps, cmc, nvalid = [], np.zeros(topk), 0
    for i in range(len(ql)):
        order = np.argsort(-s[i], kind="stable")
        valid = np.ones(len(gl), dtype=bool)
        if qc is not None:
            valid &= ~((gl[order] == ql[i]) & (np.array(gc)[order] == qc[i]))
        if same_set:
            valid &= order != i
        matches = gl[order][valid] == ql[i]
        if not matches.any():
            continue
        aps.append(average_precision_score(matches, s[i][order][valid]))
        first = np.nonzero(matches)[0][0]
        if first < topk:
            cmc[first] += 1
        nvalid += 1
    return {"map": float(np.mean(aps)), "cmc": [float(v) for v in np.cumsum(cmc) / nvalid], "queries": nvalid}


x, y = blobs(160, 10, 8, 1.0)
qf, ql, gf, gl = x[:40], y[:40], x[40:], y[40:]
qc = [int(v) for v in rng.integers(0, 3, 40)]
gc = [int(v) for v in rng.integers(0, 3, 120)]
ret = {"query": tj(qf), "queryLabels": ql, "gallery": tj(gf), "galleryLabels": gl,
       "queryCams": qc, "galleryCams": gc,
       "plain": retrieval(qf, ql, None, gf, gl, None, 10),
       "cams": retrieval(qf, ql, qc, gf, gl, gc, 10),
       "sameSet": retrieval(gf, gl, None, gf, gl, None, 5, same_set=True)}
# Average precision on rankings with tied scores.
ties = []
for _ in range(5):
    scores = rng.integers(0, 6, 30).astype(np.float64)
    truth = rng.integers(0, 2, 30)
    truth[0] = 1
    ties.append({"scores": [float(v) for v in scores], "truth": [int(v) for v in truth],
                 "ap": float(average_precision_score(truth, scores))})
ret["ties"] = ties
out["retrieval"] = ret

# --- clustering scores -------------------------------------------------------------
clus = []
for n, ka, kb in [(100, 5, 7), (60, 3, 3), (50, 1, 4), (30, 30, 5), (40, 1, 1)]:
    a = rng.integers(-1, ka - 1, n) if ka > 1 else np.zeros(n, dtype=int)
    b = (a + rng.integers(0, 2, n) * rng.integers(0, kb, n)) % kb if kb > 1 else np.zeros(n, dtype=int)
    if ka == n:
        a = np.arange(n)
    clus.append({"a": [int(v) for v in a], "b": [int(v) for v in b],
                 "nmi": float(normalized_mutual_info_score(a, b)), "ari": float(adjusted_rand_score(a, b))})
out["clustering"] = clus

# --- confusion matrix -------------------------------------------------------------
t = rng.integers(0, 4, 80)
p = np.where(rng.random(80) < 0.7, t, rng.integers(0, 4, 80))
out["confusion"] = {"truth": [int(v) for v in t], "pred": [int(v) for v in p],
                    "matrix": confusion_matrix(t, p, labels=range(5)).tolist()}

path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "vectors.json")
with open(path + ".tmp", "w") as fh:
    json.dump(out, fh)
    fh.flush()
    os.fsync(fh.fileno())
os.replace(path + ".tmp", path)
print("wrote %s (%d bytes)" % (path, os.path.getsize(path)))
print("knn top1", [c["top1"] for c in knn["cases"]], "linear acc", [c["testAcc"] for c in lin["cases"]])
print("retrieval", ret["plain"]["map"], ret["cams"]["map"], ret["sameSet"]["map"])
