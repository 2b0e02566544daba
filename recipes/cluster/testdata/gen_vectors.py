#!/usr/bin/python3
"""Reference values for package cluster.

Run with Debian's Python (python3-sklearn, python3-numpy):

    /usr/bin/python3 recipes/cluster/testdata/gen_vectors.py

It writes vectors.json beside this file:

- "dbscan": distance matrices (float32) and scikit-learn's
  DBSCAN(eps, min_samples, metric="precomputed") labels for a grid of
  parameters, including quantised distances that tie with eps;
- "jaccard": L2-normalised features and the k-reciprocal Jaccard distance
  computed by a NumPy transcription of the algorithm of yxgeee/SpCL's
  compute_jaccard_distance (exact nearest neighbours instead of faiss),
  stored sparse (pairs closer than 1);
- "selfpaced": DBSCAN at eps, eps-delta, eps+delta on those distances and
  the pseudo-labels after SpCL's reliability criteria, following its
  training script (threshold fixed at the first epoch, reused at the
  second), with un-clustered points as -1;
- "cosine": features of several norms (one zero row), scikit-learn's
  pairwise_distances(metric="cosine") of them and DBSCAN(eps=0.1,
  min_samples=3) labels on those distances.
"""
import json
import os

import numpy as np
import sklearn
from sklearn.cluster import DBSCAN
from sklearn.metrics import pairwise_distances

rng = np.random.default_rng(7)


def short(v):
    """A float32 value as its shortest decimal that reads back exactly."""
    return float(str(np.float32(v)))


def tj(x):
    x = np.asarray(x)
    return {"shape": list(x.shape), "data": [short(v) for v in x.ravel()]}


# --- DBSCAN ----------------------------------------------------------------
dbscan_cases = []


def add_dbscan(name, dist, grid):
    dist = dist.astype(np.float32)
    runs = []
    for eps, ms in grid:
        labels = DBSCAN(eps=eps, min_samples=ms, metric="precomputed").fit_predict(dist)
        runs.append({"eps": eps, "minSamples": ms, "labels": [int(v) for v in labels]})
    dbscan_cases.append({"name": name, "dist": tj(dist), "runs": runs})


# Quantised random distances: many ties with eps, border points shared.
n = 60
q = rng.integers(0, 31, (n, n)) * 0.05
q = np.minimum(q, q.T)
np.fill_diagonal(q, 0)
add_dbscan("quantised", q, [(0.3, 2), (0.3, 4), (0.45, 4), (0.45, 6), (0.6, 10)])

# Blobs in the plane.
centres = rng.normal(0, 4, (4, 2))
pts = np.concatenate([c + rng.normal(0, 1, (20, 2)) for c in centres] + [rng.uniform(-8, 8, (10, 2))])
d = np.round(np.sqrt(((pts[:, None, :] - pts[None, :, :]) ** 2).sum(-1)), 3)
add_dbscan("blobs", d, [(0.8, 3), (1.0, 4), (1.5, 5), (2.5, 8)])


# --- k-reciprocal Jaccard distance -----------------------------------------
def k_reciprocal(rank, i, k):
    fwd = rank[i, :k + 1]
    back = rank[fwd, :k + 1]
    rows = np.where(back == i)[0]
    return fwd[rows]


def jaccard(feat, k1, k2):
    """NumPy transcription of SpCL's compute_jaccard_distance (faiss search
    replaced by an exact one returning the k1 nearest, self included)."""
    n = feat.shape[0]
    f64 = feat.astype(np.float64)
    sq = (f64 ** 2).sum(1)
    dist = sq[:, None] + sq[None, :] - 2 * f64 @ f64.T
    rank = np.argsort(dist, axis=1, kind="stable")[:, :k1]
    nn_k1 = [k_reciprocal(rank, i, k1) for i in range(n)]
    half = int(np.around(k1 / 2))
    nn_half = [k_reciprocal(rank, i, half) for i in range(n)]
    V = np.zeros((n, n))
    for i in range(n):
        r = nn_k1[i]
        exp = r
        for c in r:
            rc = nn_half[c]
            if len(np.intersect1d(rc, r)) > 2 / 3 * len(rc):
                exp = np.append(exp, rc)
        exp = np.unique(exp)
        w = -(2 - 2 * f64[i] @ f64[exp].T)
        w = np.exp(w - w.max())
        V[i, exp] = w / w.sum()
    if k2 != 1:
        V = np.stack([V[rank[i, :k2]].mean(0) for i in range(n)])
    inv = [np.where(V[:, c] != 0)[0] for c in range(n)]
    J = np.zeros((n, n))
    for i in range(n):
        tmin = np.zeros(n)
        for c in np.where(V[i] != 0)[0]:
            tmin[inv[c]] += np.minimum(V[i, c], V[inv[c], c])
        J[i] = 1 - tmin / (2 - tmin)
    J[J < 0] = 0
    return J


def sparse(J, below=1.0):
    """The pairs closer than below, distances to 7 significant digits."""
    i, j = np.where(J < below)
    return {"i": [int(v) for v in i], "j": [int(v) for v in j], "d": [float("%.7g" % v) for v in J[i, j]]}


def blobs_features(rng, n_clusters, per, d, spread):
    c = rng.normal(0, 1, (n_clusters, d))
    x = np.concatenate([ci + rng.normal(0, spread, (per, d)) for ci in c] + [rng.normal(0, 1, (10, d))])
    x = x / np.linalg.norm(x, axis=1, keepdims=True)
    return x.astype(np.float32)


jaccard_cases = []
feat = blobs_features(rng, 5, 12, 16, 0.35)
for k1, k2 in [(30, 6), (8, 3), (5, 1)]:
    J = jaccard(feat, k1, k2)
    jaccard_cases.append({"name": "blobs_k1_%d_k2_%d" % (k1, k2), "k1": k1, "k2": k2, "jaccard": sparse(J)})


# --- SpCL's self-paced criteria ----------------------------------------------
def unique_noise(labels):
    k = labels.max() + 1 if (labels >= 0).any() else 0
    out = labels.copy()
    for i in range(len(out)):
        if out[i] == -1:
            out[i] = k
            k += 1
    return out


def self_paced(J, eps, delta, thres):
    # Cluster the distances as stored in the JSON (7 digits, float32).
    J = np.array([[float("%.7g" % v) for v in row] for row in J], dtype=np.float32)
    raw = DBSCAN(eps=eps, min_samples=4, metric="precomputed").fit_predict(J)
    tight = DBSCAN(eps=eps - delta, min_samples=4, metric="precomputed").fit_predict(J)
    loose = DBSCAN(eps=eps + delta, min_samples=4, metric="precomputed").fit_predict(J)
    num_ids = len(set(raw)) - (1 if -1 in raw else 0)
    p, pt, pl = unique_noise(raw), unique_noise(tight), unique_noise(loose)
    same = (p[:, None] == p[None, :]).astype(np.float32)
    same_t = (pt[:, None] == pt[None, :]).astype(np.float32)
    same_l = (pl[:, None] == pl[None, :]).astype(np.float32)
    r_comp = np.float32(1) - np.minimum(same, same_t).sum(-1) / np.maximum(same, same_t).sum(-1)
    r_indep = np.float32(1) - np.minimum(same, same_l).sum(-1) / np.maximum(same, same_l).sum(-1)
    ncl = p.max() + 1
    c_comp = [min(r_comp[p == c]) for c in range(ncl)]
    c_indep = [min(r_indep[p == c]) for c in range(ncl)]
    size = [int((p == c).sum()) for c in range(ncl)]
    if thres is None:
        multi = np.sort([v for v, s in zip(c_indep, size) if s > 1])
        thres = multi[min(len(multi) - 1, int(np.round(len(multi) * 0.9)))]
    final = []
    for i in range(len(p)):
        keep = c_indep[p[i]] <= thres and r_comp[i] <= c_comp[p[i]]
        final.append(int(p[i]) if keep and p[i] < num_ids else -1)
    return {"raw": [int(v) for v in raw], "tight": [int(v) for v in tight], "loose": [int(v) for v in loose],
            "rComp": [short(v) for v in r_comp], "rIndep": [short(v) for v in r_indep],
            "labels": final, "threshold": short(thres)}, thres


sp_epochs = []
thres = None
sp_rng = np.random.default_rng(11)
f0 = blobs_features(sp_rng, 10, 10, 16, 0.6)
for epoch in range(2):
    f = f0 if epoch == 0 else (f0 + sp_rng.normal(0, 0.08, f0.shape)).astype(np.float32)
    f = (f / np.linalg.norm(f, axis=1, keepdims=True)).astype(np.float32)
    J = jaccard(f, 30, 6)
    res, thres = self_paced(J, 0.6, 0.02, thres)
    res["features"] = tj(f)
    # DBSCAN at eps+delta = 0.62 needs only the pairs below it.
    res["jaccard"] = sparse(J, 0.7)
    sp_epochs.append(res)
    kept = sum(1 for v in res["labels"] if v >= 0)
    print("self-paced epoch %d: %d raw clusters, %d points kept of %d clustered, threshold %.4f"
          % (epoch, max(res["raw"]) + 1, kept, sum(1 for v in res["raw"] if v >= 0), res["threshold"]))

# --- cosine distances (their own generator, so the cases above stay as
# they were) ------------------------------------------------------------------
cos_rng = np.random.default_rng(23)
cos_feat = blobs_features(cos_rng, 4, 6, 8, 0.3)
cos_feat = cos_feat * cos_rng.uniform(0.5, 3, (len(cos_feat), 1))  # norms other than 1
cos_feat[5] = 0  # a zero row: distance 1 to every other row
cos_feat = cos_feat.astype(np.float32)
cos_dist = pairwise_distances(cos_feat, metric="cosine").astype(np.float32)
cos_labels = DBSCAN(eps=0.1, min_samples=3, metric="precomputed").fit_predict(cos_dist)
cosine = {"features": tj(cos_feat), "dist": tj(cos_dist), "eps": 0.1, "minSamples": 3,
          "labels": [int(v) for v in cos_labels]}
print("cosine: %d clusters, %d noise points" % (cos_labels.max() + 1, int((cos_labels == -1).sum())))

out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "vectors.json")
with open(out + ".tmp", "w") as fh:
    json.dump({"generator": "recipes/cluster/testdata/gen_vectors.py", "sklearn": sklearn.__version__,
               "dbscan": dbscan_cases, "jaccardFeatures": tj(feat), "jaccard": jaccard_cases,
               "selfpaced": sp_epochs, "cosine": cosine}, fh)
    fh.flush()
    os.fsync(fh.fileno())
os.replace(out + ".tmp", out)
print("wrote %s (%d bytes)" % (out, os.path.getsize(out)))
