// Package loss holds the contrastive and supervised losses of contrast's
// recipes, each returning its value and its gradient with respect to the
// trainable inputs, computed analytically:
//
//	NTXent       SimCLR, arXiv 2002.05709 (both directions summed, as google-research/simclr objective.py)
//	InfoNCE      MoCo v2, arXiv 2003.04297 (one positive key, negatives from a queue)
//	MoCHi        hard negative mixing, arXiv 2010.01028 (synthetic negatives on top of InfoNCE)
//	SupCon       supervised contrastive, arXiv 2004.11362 (L_out by default, L_in as an option; optional cross-batch memory)
//	SpCL         SpCL's unified contrastive loss over a hybrid memory, arXiv 2006.02713
//	Distill      SimCLRv2 distillation, arXiv 2006.10029 (T^2 times the cross-entropy of softened logits)
//	CrossEntropy softmax cross-entropy for supervised fine-tuning
//
// # Shapes and layout
//
// Embeddings are [N, D] row-major float32 tensors (nn.Tensor). The two-view
// losses (NTXent, SupCon without labels) take the views stacked: rows i and
// B+i are the two augmented views of image i, for N = 2B rows. This is the
// layout the augment package produces.
//
// # Normalisation
//
// The contrastive losses (NTXent, InfoNCE, MoCHi, SupCon, SpCL) L2-normalise
// their trainable inputs inside, and the gradient they return goes through
// that normalisation: it is dL/dz for the raw embeddings z. Passing already
// normalised embeddings is harmless (normalising is then the identity).
// Memory banks, queues and keys are detached: no gradient flows to them.
//
// # Two forms
//
// Every loss has a cell-friendly form that allocates, e.g.
//
//	l, dz := loss.NTXent(z, 0.5)
//
// and a method on Workspace that reuses its scratch buffers from one step
// to the next and writes the gradient into a caller-owned dst (nil dst
// skips the gradient):
//
//	var ws loss.Workspace
//	l := ws.NTXent(dz, z, 0.5)
//
// A Workspace is not safe for concurrent use; use one per goroutine.
//
// # Numerics
//
// Similarities are computed with blas.Sgemm in float32; softmaxes use the
// log-sum-exp trick and accumulate in float64. Values are checked against
// PyTorch autograd (testdata/gen_vectors.py) and every gradient against
// finite differences (GradCheck).
//
// # Panics
//
// Shape mismatches, a non-positive temperature and labels out of range are
// programmer errors: they panic with a message prefixed "loss:".
package loss
