// Package tsne embeds high-dimensional data in 2 (or 1, 3, ...)
// dimensions with t-distributed stochastic neighbour embedding
// (van der Maaten & Hinton 2008, JMLR 9:2579).
//
// Embed takes n x d row-major float32 data and returns an n x Dims
// float64 embedding. It follows openTSNE (Poličar, Stražar & Zupan 2019,
// bioRxiv 731877) step for step:
//
//   - Affinities: each point's k = 3*perplexity nearest neighbours (brute
//     force for small n, a random-projection forest refined by
//     neighbour-of-neighbour search above), a Gaussian whose precision is
//     found by bisection so that the conditional distribution has
//     perplexity Perplexity, then P = (P_cond + P_cond^T) / 2n.
//   - Repulsion: exact O(n^2) for small n; Barnes-Hut (theta 0.5, van der
//     Maaten 2014, arXiv:1301.3342) or FFT-accelerated interpolation
//     (FIt-SNE, Linderman et al. 2019, arXiv:1712.09005: p = 3 Lagrange
//     nodes per grid box, kernel sums by FFT convolution) for large n.
//   - Optimisation: PCA initialisation scaled to standard deviation 1e-4,
//     early exaggeration 12 for 250 iterations, learning rate
//     N/exaggeration (Belkina et al. 2019), momentum 0.8, delta-bar-delta
//     gains, 750 iterations in all; KL divergence reported.
//
// Gradients are dKL/dy divided by 4 (openTSNE's and FIt-SNE's
// convention), so learning rates are in those units.
//
// Work runs on Config.Threads goroutines (GOMAXPROCS by default) and is
// deterministic: the same data, Seed and Threads give the same result.
// Embed watches display.Context(): an interrupted cell gets the embedding
// reached so far and an error wrapping ErrInterrupted. Config.Progress
// shows a progress bar with the KL divergence every 50 iterations.
//
// Embed panics only when len(x) != n*d; every other problem (NaN input,
// too few points, unknown option names) is returned as an error.
package tsne
