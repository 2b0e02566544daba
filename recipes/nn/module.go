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

// Layer is a module with an explicit forward and backward pass, the unit
// that Sequential, Residual and the training loop compose.
//
// Forward computes the layer's output for the batch x (train selects
// training behaviour: batch statistics in batch norm, dropout on). The
// returned tensor is owned by the layer and reused by its next Forward:
// read or copy it before calling Forward again. A layer keeps what its
// Backward needs from the last training Forward, including a reference to
// x, so x must stay unchanged until Backward has run.
//
// Backward takes dL/dy for the output of the last Forward, accumulates
// dL/dparam into each Param's Grad and returns dL/dx, again owned by the
// layer (or the dy buffer reused in place: Backward may overwrite dy).
//
// Shapes that do not fit the layer are programmer errors and panic with a
// message prefixed "nn:". A Layer is not safe for concurrent use; layers
// use all cores inside each call.
type Layer interface {
	Module
	Forward(x *Tensor, train bool) *Tensor
	Backward(dy *Tensor) *Tensor
}

// Stateful is implemented by modules with non-trainable state that
// checkpoints must keep, such as batch norm's running statistics. The
// returned Params have a nil Grad.
type Stateful interface {
	Buffers() []*Param
}

// BuffersOf returns m's buffers, or nil when m has none.
func BuffersOf(m Module) []*Param {
	if s, ok := m.(Stateful); ok {
		return s.Buffers()
	}
	return nil
}
