package nn

// Param is one trainable tensor of a model with its gradient. Optimisers,
// checkpoints and momentum encoders work on Params.
type Param struct {
	Name  string  // unique within a model, e.g. "enc.conv1.weight"
	Value *Tensor // the weights
	Grad  *Tensor // same shape; accumulated by Backward, zeroed by the optimiser
	// NoDecay marks biases and batch-norm parameters, which LARS and
	// weight decay leave alone (as SimCLR does).
	NoDecay bool
}

// Module is anything with parameters.
type Module interface {
	Params() []*Param
}
