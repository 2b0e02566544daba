// Package nn is contrast's training engine: tensors, layers with forward
// and backward passes, encoders, optimisers and the training loop that the
// recipes share.
//
// Shapes: feature batches are [N, D], image batches [N, C, H, W], all
// row-major float32. Functions never modify their inputs unless they say
// so; results are written to a receiver or a dst argument.
package nn
