#!/usr/bin/python3
"""Side-by-side reference for contrast's t-SNE (viz/tsne).

Run with Debian's Python (/usr/bin/python3, packages python3-sklearn and
dataset-fashion-mnist). `contrast bench tsne` drives it; the steps can also
be run by hand:

  prepare  --n N --dir DIR   Fashion-MNIST (train then test images, the
                             first N), pixels as float, PCA to 50 dimensions
                             (sklearn PCA, random_state=0, fitted on those N
                             images); writes DIR/x.npy (float32, N x 50) and
                             DIR/labels.npy (int64).
  sklearn  --dir DIR         scikit-learn TSNE on DIR/x.npy with its defaults
                             (sklearn 1.2: perplexity 30, early exaggeration
                             12, learning_rate="auto", init="pca",
                             n_iter=1000, method="barnes_hut", angle 0.5) and
                             n_jobs=2, random_state=0; times fit_transform
                             only and writes DIR/sklearn.npy and
                             DIR/sklearn.json {"seconds", "kl"}.
  score    --dir DIR --emb F Scores embedding F against DIR/x.npy and
                             DIR/labels.npy; prints JSON {"nn10", "label5"}.

Scores (the same code for both embeddings):
  nn10   10-NN preservation: the mean over points of the fraction of a
         point's 10 nearest neighbours in the 50-d input that are among its
         10 nearest neighbours in the embedding (exact search, self
         excluded).
  label5 5-NN label agreement: the mean fraction of a point's 5 nearest
         neighbours in the embedding that share its label.
"""
import argparse
import gzip
import json
import os
import sys
import time

import numpy as np

FASHION = "/usr/share/datasets/fashion-mnist"


def read_idx(path):
    with gzip.open(path, "rb") as f:
        data = f.read()
    ndim = data[3]
    dims = [int.from_bytes(data[4 + 4 * i: 8 + 4 * i], "big") for i in range(ndim)]
    arr = np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * ndim)
    return arr.reshape(dims)


def load_fashion():
    names = {
        "train": ("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz"),
        "test": ("t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"),
    }
    xs, ys = [], []
    for split in ("train", "test"):
        img, lab = (os.path.join(FASHION, n) for n in names[split])
        if not os.path.exists(img):
            sys.exit(f"tsne.py: {img} is missing; install Debian's dataset-fashion-mnist "
                     "(apt-get install -y dataset-fashion-mnist)")
        xs.append(read_idx(img).reshape(-1, 28 * 28))
        ys.append(read_idx(lab))
    return np.concatenate(xs), np.concatenate(ys)


def prepare(args):
    from sklearn.decomposition import PCA

    x, y = load_fashion()
    if args.n > len(x):
        sys.exit(f"tsne.py: --n {args.n} but Fashion-MNIST has {len(x)} images")
    x = x[: args.n].astype(np.float32)
    y = y[: args.n].astype(np.int64)
    z = PCA(n_components=50, random_state=0).fit_transform(x).astype(np.float32)
    os.makedirs(args.dir, exist_ok=True)
    np.save(os.path.join(args.dir, "x.npy"), z)
    np.save(os.path.join(args.dir, "labels.npy"), y)


def run_sklearn(args):
    from sklearn.manifold import TSNE

    x = np.load(os.path.join(args.dir, "x.npy"))
    tsne = TSNE(n_components=2, perplexity=30.0, early_exaggeration=12.0,
                learning_rate="auto", n_iter=1000, init="pca", method="barnes_hut",
                angle=0.5, n_jobs=2, random_state=0)
    start = time.perf_counter()
    emb = tsne.fit_transform(x)
    secs = time.perf_counter() - start
    np.save(os.path.join(args.dir, "sklearn.npy"), emb)
    with open(os.path.join(args.dir, "sklearn.json"), "w") as f:
        json.dump({"seconds": secs, "kl": float(tsne.kl_divergence_)}, f)


def knn(a, k):
    from sklearn.neighbors import NearestNeighbors

    nn = NearestNeighbors(n_neighbors=k + 1, n_jobs=2).fit(a)
    idx = nn.kneighbors(a, return_distance=False)
    # Drop each point itself (it is normally first; with duplicate points it
    # may not be, so remove it explicitly and keep k).
    out = np.empty((len(a), k), dtype=np.int64)
    for i, row in enumerate(idx):
        row = row[row != i][:k]
        out[i] = row
    return out


def score(args):
    x = np.load(os.path.join(args.dir, "x.npy")).astype(np.float64)
    labels = np.load(os.path.join(args.dir, "labels.npy"))
    emb = np.load(args.emb).astype(np.float64)
    if emb.shape != (len(x), 2) and emb.shape[0] != len(x):
        sys.exit(f"tsne.py: embedding {args.emb} has shape {emb.shape}, want ({len(x)}, dims)")
    hi = knn(x, 10)
    lo = knn(emb, 10)
    nn10 = np.mean([len(np.intersect1d(hi[i], lo[i], assume_unique=True)) / 10.0
                    for i in range(len(x))])
    label5 = np.mean(labels[lo[:, :5]] == labels[:, None])
    print(json.dumps({"nn10": float(nn10), "label5": float(label5)}))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    p = sub.add_parser("prepare")
    p.add_argument("--n", type=int, default=10000)
    p.add_argument("--dir", required=True)
    p = sub.add_parser("sklearn")
    p.add_argument("--dir", required=True)
    p = sub.add_parser("score")
    p.add_argument("--dir", required=True)
    p.add_argument("--emb", required=True)
    args = ap.parse_args()
    {"prepare": prepare, "sklearn": run_sklearn, "score": score}[args.cmd](args)


if __name__ == "__main__":
    main()
