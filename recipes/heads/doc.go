// Package heads holds the projection and prediction heads that
// contrastive methods put on top of an encoder: SimCLR v1 and v2, MoCo v2
// and a BYOL-style prediction head. Each is an *nn.Sequential (or wraps
// one), so it trains, checkpoints and composes like any nn layer.
//
// Shapes: input [N, In] (the encoder's features), output [N, Out].
// Initialisation is PyTorch's default, from the Seed argument.
package heads
