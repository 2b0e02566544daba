// Package nn is contrast's training engine: tensors, layers with explicit
// forward and backward passes, encoders, optimisers, the training loop
// that the recipes share, checkpoints and NumPy export.
//
// # Design
//
// Each layer is a Layer: Forward(x, train) computes its output and keeps
// what Backward(dy) needs; Backward accumulates parameter gradients and
// returns dL/dx. Sequential and Residual compose layers. There is no
// autodiff graph: the forward order is the program order, which is what a
// contrastive encoder needs, and it lets every layer own preallocated
// buffers that are reused from step to step (after the first step only
// goroutine bookkeeping is allocated, no tensor memory: alloc_test.go). A batch of another size re-slices the same buffers (or
// grows them once), so the smaller last batch of an epoch and evaluation at
// another batch size need no graph cache.
//
// Convolutions run as im2col + blas.Sgemm on chunks of images, chunks in
// parallel on GOMAXPROCS goroutines (each Sgemm then on one). Batch norm
// and its ReLU are fused into one pass forward and two backward, with
// AVX2/FMA kernels on amd64 and Go loops elsewhere.
//
// # Shapes and layouts
//
// Feature batches are [N, D]. Convolution, batch norm 2d and pooling
// layers work on images in NHWC layout [N, H, W, C] (channels last: im2col
// copies contiguous runs of C, and each chunk's GEMM output lands in place).
// Encoders take PyTorch's NCHW [N, C, H, W], as data loaders give it, and
// convert with an NCHWToNHWC layer first. Conv weights are [O, KH, KW, I];
// ExportNPZ and ConvWeightFromTorch convert from and to PyTorch's
// [O, I, KH, KW]. All data is row-major float32.
//
// # Memory ownership
//
// The tensor a layer's Forward or Backward returns belongs to the layer and
// is overwritten by its next call: Clone what you keep. Forward keeps a
// reference to its input until Backward. Backward may overwrite dy.
//
// # Concurrency and errors
//
// A model is not safe for concurrent use (it owns its buffers); each layer
// uses all cores internally. Shape mismatches are programmer errors and
// panic with a message prefixed "nn:"; Trainer.Fit turns a panic inside a
// step into an error. Fit watches display.Context() between steps, so a
// notebook interrupt stops training with the weights kept; Fit again
// continues.
//
// # Reproducibility
//
// Initialisation takes a seed or *rand.Rand; the loop shuffles from
// FitOptions.Seed; parallel work writes per-chunk partial sums combined in
// a fixed order. The same seeds give the same weights and losses on the
// same machine with the same GOMAXPROCS.
//
// # Defaults
//
// Layer initialisation and batch-norm settings are PyTorch's (so that
// results compare with PyTorch recipes); Adam is Kingma & Ba
// (arXiv:1412.6980) as torch.optim.Adam; LARS follows SimCLR
// (arXiv:2002.05709); ConvNetS with a zero config is the reference encoder
// of the project's DESIGN.md, checked against PyTorch in torch_test.go.
package nn
