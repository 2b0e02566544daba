// Package probe evaluates learned representations:
//
//   - KNN: the weighted k-nearest-neighbour classifier of InstDisc (Wu et
//     al., arXiv 1805.01978) and DINO (k = 20, T = 0.07, cosine);
//   - Linear: a linear probe, multinomial logistic regression on frozen,
//     L2-normalised features, trained with L-BFGS;
//   - Alignment and Uniformity (Wang and Isola, arXiv 2005.10242) and
//     CollapseStd, the standard deviation of normalised features that
//     SimSiam watches (arXiv 2011.10566);
//   - Retrieval: mean average precision and CMC top-k, with re-ID's
//     same-camera exclusion;
//   - NMI, ARI and ConfusionMatrix, as scikit-learn defines them.
//
// # Shapes
//
// Features are [N, D] row-major float32 (nn.Tensor), labels []int with
// one entry per row, classes 0..C-1. A tensor of more dimensions is read
// as N rows of its trailing values, so images [N, C, H, W] give the
// raw-pixel baseline: probe.KNN(train.Images(), train.Labels, ...). Features are L2-normalised inside
// (on a copy: inputs are never modified) wherever the method is defined on
// the sphere.
//
// # Errors and interrupts
//
// Mismatched lengths, negative labels and NaNs return errors that say
// what was wrong. The long computations (KNN, Linear, Uniformity,
// Retrieval) watch display.Context() and return its error when the cell is
// interrupted, and show progress on large inputs.
//
// Values are checked against scikit-learn and NumPy on the same inputs
// (testdata/gen_vectors.py).
package probe
