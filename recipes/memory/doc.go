// Package memory holds the memories of contrastive learning: MoCo's queue
// of keys and momentum encoder (arXiv 1911.05722, 2003.04297), SpCL's
// hybrid memory of source class centroids and target instance features
// (arXiv 2006.02713), and a cross-batch memory of labelled embeddings for
// supervised losses (XBM, arXiv 1912.06798).
//
// # Shapes and ownership
//
// Keys and features are [N, D] row-major float32 (nn.Tensor). Memories
// L2-normalise what they store. Methods that return a view (Queue.Keys,
// Hybrid.Features) share the memory's storage: the view is valid until the
// next call that changes the memory, and must not be written to; Snapshot
// returns a copy.
//
// Memories are detached: losses read them but no gradient flows into
// them. They are updated explicitly after each step (Enqueue, Update).
//
// # Concurrency and panics
//
// A memory is not safe for concurrent use. Constructors validate their
// sizes and hyperparameters and return errors; shape mismatches in later
// calls are programmer errors and panic with a message prefixed "memory:".
package memory
