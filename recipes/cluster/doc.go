// Package cluster holds the clustering that SpCL (Ge et al., arXiv
// 2006.02713) runs each epoch to pseudo-label the target domain:
//
//   - Jaccard: the k-reciprocal Jaccard distance of re-ranking (Zhong et
//     al., arXiv 1701.08398), as yxgeee/SpCL's faiss-free
//     compute_jaccard_distance computes it (k1 = 30, k2 = 6);
//   - DBSCAN on a precomputed distance matrix, label for label what
//     scikit-learn's DBSCAN(metric="precomputed") returns (noise = -1);
//   - SelfPaced: SpCL's reliability criteria (independence with eps+delta,
//     compactness with eps-delta), as its training scripts apply them;
//   - CosineDistances: the dense cosine distance matrix of embeddings, as
//     scikit-learn's pairwise_distances(metric="cosine"), for DBSCAN on
//     a few thousand points.
//
// # Shapes
//
// Features are [N, D] row-major float32 (nn.Tensor); a dense distance
// matrix is an [N, N] tensor. Jaccard distances are 1 for most pairs, so
// JaccardGraph returns them sparse (a Graph of the pairs closer than 1),
// which DBSCANGraph clusters without ever forming the N x N matrix.
//
// Long computations watch display.Context() and return its error when the
// cell is interrupted. Bad inputs (NaNs, non-square matrices, parameters
// out of range) return errors.
package cluster
