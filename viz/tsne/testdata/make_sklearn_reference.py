#!/usr/bin/python3
"""Reference values from scikit-learn for viz/tsne's tests.

Run with Debian's Python (python3-sklearn) from the repository root:

    /usr/bin/python3 viz/tsne/testdata/make_sklearn_reference.py

Writes into viz/tsne/testdata/:
  x.npy       150 x 10 float32 data: three Gaussian clusters (seed 0)
  y.npy       150 x 2 float64 embedding (seed 1, standard deviation 3)
  p.npy       150 x 150 float64 joint P as sklearn.manifold.TSNE builds it
              for perplexity 10 from the 31 exact nearest neighbours
              (_joint_probabilities_nn on squared Euclidean distances)
  kl.npy      [KL(P||Q)] at y, from sklearn.manifold._t_sne._kl_divergence
  grad.npy    150 x 2 gradient of KL at y, same function (sklearn's
              gradient is 4 times viz/tsne's)
"""
import os

import numpy as np
from scipy.spatial.distance import squareform
from sklearn.manifold._t_sne import _joint_probabilities_nn, _kl_divergence
from sklearn.neighbors import NearestNeighbors

OUT = os.path.dirname(os.path.abspath(__file__))
N, D, PERPLEXITY = 150, 10, 10.0

rng = np.random.RandomState(0)
centres = rng.normal(scale=4.0, size=(3, D))
x = (centres[np.arange(N) % 3] + rng.normal(size=(N, D))).astype(np.float32)
y = np.random.RandomState(1).normal(scale=3.0, size=(N, 2))

k = int(3.0 * PERPLEXITY + 1)
nn = NearestNeighbors(n_neighbors=k).fit(x.astype(np.float64))
dist = nn.kneighbors_graph(mode="distance")
dist.data **= 2
p = _joint_probabilities_nn(dist, PERPLEXITY, 0).toarray()

kl, grad = _kl_divergence(y.ravel(), squareform(p, checks=False), 1, N, 2)

np.save(os.path.join(OUT, "x.npy"), x)
np.save(os.path.join(OUT, "y.npy"), y)
np.save(os.path.join(OUT, "p.npy"), p)
np.save(os.path.join(OUT, "kl.npy"), np.array([kl]))
np.save(os.path.join(OUT, "grad.npy"), grad.reshape(N, 2))
print("KL", kl)
