// Package simclr trains an encoder with SimCLR (Chen et al., "A Simple
// Framework for Contrastive Learning of Visual Representations", arXiv
// 2002.05709) on a data.Dataset, at CPU scale, as a notebook cell reads:
//
//	train, test := data.FashionMNIST()
//	cfg := simclr.Defaults()
//	cfg.Epochs = 5
//	run := simclr.Train(train, cfg) // progress bar, interruptible
//	z := run.Embed(test)            // frozen encoder features [N, 128]
//	viz.TSNE(z, test.Labels)
//
// Each step takes BatchSize images, makes two augmented views of each
// (rows i and B+i), passes them through the encoder and the projection
// head, and minimises NT-Xent at temperature Temperature with Adam (or
// LARS). Defaults reproduce the reference recipe of DESIGN.md: ConvNet-S,
// the SimCLR v1 head (Linear-BN-ReLU-Linear, 128-d), augment.Reference(),
// tau 0.5, Adam lr 1e-3, batch 256.
//
// Train never panics on bad input: a Run carries the error (Err) and
// renders it. An interrupted Train keeps the weights reached so far;
// Continue resumes it. New builds the model without training it, for the
// untrained baseline that before/after figures compare against:
//
//	run := simclr.New(train, cfg)
//	before := run.Embed(test)
//	run.Continue(train, cfg.Epochs)
//	viz.SimilarityHistBeforeAfter(before, run.Embed(test), test.Labels)
package simclr
