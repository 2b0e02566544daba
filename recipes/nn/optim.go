package nn

import (
	"fmt"
	"math"
)

// Optimizer updates a model's parameters from their accumulated gradients.
// The training loop calls SetLR (from its schedule), Step, then ZeroGrad.
type Optimizer interface {
	// Step applies one update to every parameter from its Grad.
	Step()
	// ZeroGrad sets every parameter's Grad to zero.
	ZeroGrad()
	// LR and SetLR get and set the current learning rate.
	LR() float64
	SetLR(lr float64)
	// Params returns the parameters the optimiser updates.
	Params() []*Param
	// State returns the optimiser's state tensors (moments, step count),
	// with names, for checkpoints; loading writes into them.
	State() []*Param
	// Kind names the algorithm and its settings, e.g. "adam": a
	// checkpoint of another kind does not load.
	Kind() string
}

func zeroGrads(ps []*Param) {
	for _, p := range ps {
		clear32(p.Grad.Data)
	}
}

func stateLike(ps []*Param, suffix string) []*Param {
	s := make([]*Param, len(ps))
	for i, p := range ps {
		s[i] = &Param{Name: p.Name + "." + suffix, Value: New(p.Value.Shape...)}
	}
	return s
}

// AdamOptions configures Adam and AdamW. Zero fields take the defaults in
// brackets (those of PyTorch and of Kingma & Ba, arXiv:1412.6980).
type AdamOptions struct {
	LR          float64 // [1e-3]
	Beta1       float64 // [0.9]
	Beta2       float64 // [0.999]
	Eps         float64 // [1e-8]
	WeightDecay float64 // [0; AdamW: 0.01]
	// Decoupled applies weight decay to the weights directly, p ← p·(1 − lr·wd)
	// (AdamW, Loshchilov & Hutter, arXiv:1711.05101) instead of adding
	// wd·p to the gradient (Adam's L2 penalty).
	Decoupled bool
	// SkipNoDecay exempts parameters marked NoDecay (biases, batch norm)
	// from weight decay. PyTorch's default (false) decays all.
	SkipNoDecay bool
}

// Adam is the Adam optimiser (or AdamW with Decoupled), with PyTorch's
// bias correction: p ← p − lr·m̂/(√v̂ + ε).
type Adam struct {
	Opts   AdamOptions
	params []*Param
	m, v   []*Param
	t      *Param // the step count, as a 1-element tensor
}

// NewAdam returns an Adam optimiser over params.
func NewAdam(params []*Param, o AdamOptions) *Adam {
	if o.LR == 0 {
		o.LR = 1e-3
	}
	if o.Beta1 == 0 {
		o.Beta1 = 0.9
	}
	if o.Beta2 == 0 {
		o.Beta2 = 0.999
	}
	if o.Eps == 0 {
		o.Eps = 1e-8
	}
	if o.LR < 0 || o.Beta1 < 0 || o.Beta1 >= 1 || o.Beta2 < 0 || o.Beta2 >= 1 || o.WeightDecay < 0 {
		panic(fmt.Sprintf("nn: NewAdam: bad options %+v (need lr ≥ 0, betas in [0, 1), weight decay ≥ 0)", o))
	}
	return &Adam{Opts: o, params: params, m: stateLike(params, "exp_avg"), v: stateLike(params, "exp_avg_sq"),
		t: &Param{Name: "step", Value: New(1)}}
}

// NewAdamW returns AdamW: Adam with decoupled weight decay (default 0.01).
func NewAdamW(params []*Param, o AdamOptions) *Adam {
	o.Decoupled = true
	if o.WeightDecay == 0 {
		o.WeightDecay = 0.01
	}
	return NewAdam(params, o)
}

// Step applies one Adam update.
func (a *Adam) Step() {
	a.t.Value.Data[0]++
	t := float64(a.t.Value.Data[0])
	o := a.Opts
	bc1 := 1 - math.Pow(o.Beta1, t)
	bc2 := 1 - math.Pow(o.Beta2, t)
	step := float32(o.LR / bc1)
	isq := float32(1 / math.Sqrt(bc2))
	b1, b2 := float32(o.Beta1), float32(o.Beta2)
	eps := float32(o.Eps)
	parallelFor(len(a.params), func(_, k int) {
		p := a.params[k]
		w, g := p.Value.Data, p.Grad.Data
		m, v := a.m[k].Value.Data, a.v[k].Value.Data
		wd := float32(o.WeightDecay)
		if o.SkipNoDecay && p.NoDecay {
			wd = 0
		}
		if o.Decoupled && wd != 0 {
			s := 1 - float32(o.LR)*wd
			for i := range w {
				w[i] *= s
			}
			wd = 0
		}
		for i := range w {
			gi := g[i] + wd*w[i]
			m[i] = b1*m[i] + (1-b1)*gi
			v[i] = b2*v[i] + (1-b2)*gi*gi
			w[i] -= step * m[i] / (float32(math.Sqrt(float64(v[i])))*isq + eps)
		}
	})
}

func (a *Adam) ZeroGrad()        { zeroGrads(a.params) }
func (a *Adam) LR() float64      { return a.Opts.LR }
func (a *Adam) SetLR(lr float64) { a.Opts.LR = lr }
func (a *Adam) Params() []*Param { return a.params }

// State returns the step count and the first and second moments.
func (a *Adam) State() []*Param {
	s := []*Param{a.t}
	s = append(s, a.m...)
	return append(s, a.v...)
}

// Kind is "adam" or "adamw".
func (a *Adam) Kind() string {
	if a.Opts.Decoupled {
		return "adamw"
	}
	return "adam"
}

// SGDOptions configures SGD. Zero fields are PyTorch's defaults.
type SGDOptions struct {
	LR          float64 // [0.1]
	Momentum    float64 // [0]
	Dampening   float64 // [0]
	Nesterov    bool    // Nesterov momentum (Sutskever et al. 2013); needs Momentum > 0
	WeightDecay float64 // [0], added to the gradient as wd·p
	SkipNoDecay bool    // exempt NoDecay parameters from weight decay
}

// SGD is stochastic gradient descent with optional (Nesterov) momentum,
// following torch.optim.SGD: b ← μ·b + (1 − dampening)·g (b ← g on the
// first step), then p ← p − lr·(g + μ·b) with Nesterov, p − lr·b without.
type SGD struct {
	Opts   SGDOptions
	params []*Param
	buf    []*Param
	t      *Param
}

// NewSGD returns an SGD optimiser over params.
func NewSGD(params []*Param, o SGDOptions) *SGD {
	if o.LR == 0 {
		o.LR = 0.1
	}
	if o.LR < 0 || o.Momentum < 0 || o.WeightDecay < 0 || (o.Nesterov && (o.Momentum == 0 || o.Dampening != 0)) {
		panic(fmt.Sprintf("nn: NewSGD: bad options %+v (Nesterov needs momentum > 0 and no dampening)", o))
	}
	return &SGD{Opts: o, params: params, buf: stateLike(params, "momentum_buffer"), t: &Param{Name: "step", Value: New(1)}}
}

// Step applies one SGD update.
func (s *SGD) Step() {
	o := s.Opts
	first := s.t.Value.Data[0] == 0
	s.t.Value.Data[0]++
	lr, mu, damp := float32(o.LR), float32(o.Momentum), float32(o.Dampening)
	for k, p := range s.params {
		w, g, b := p.Value.Data, p.Grad.Data, s.buf[k].Value.Data
		wd := float32(o.WeightDecay)
		if o.SkipNoDecay && p.NoDecay {
			wd = 0
		}
		for i := range w {
			gi := g[i] + wd*w[i]
			if mu != 0 {
				if first {
					b[i] = gi
				} else {
					b[i] = mu*b[i] + (1-damp)*gi
				}
				if o.Nesterov {
					gi += mu * b[i]
				} else {
					gi = b[i]
				}
			}
			w[i] -= lr * gi
		}
	}
}

func (s *SGD) ZeroGrad()        { zeroGrads(s.params) }
func (s *SGD) LR() float64      { return s.Opts.LR }
func (s *SGD) SetLR(lr float64) { s.Opts.LR = lr }
func (s *SGD) Params() []*Param { return s.params }

// State returns the step count and the momentum buffers.
func (s *SGD) State() []*Param { return append([]*Param{s.t}, s.buf...) }

// Kind is "sgd".
func (s *SGD) Kind() string { return "sgd" }

// LARSOptions configures LARS. Zero fields take the defaults in brackets,
// those of SimCLR's implementation (Chen et al. 2020, arXiv:2002.05709,
// after You et al. 2017, arXiv:1708.03888).
type LARSOptions struct {
	LR          float64 // [0.3·batch/256 in SimCLR; here 0.3]
	Momentum    float64 // [0.9]
	WeightDecay float64 // [1e-6]
	Eta         float64 // trust coefficient [0.001]
	Nesterov    bool
}

// LARS is layer-wise adaptive rate scaling as SimCLR uses it: for each
// parameter not marked NoDecay, g ← g + wd·p and the learning rate is
// scaled by the trust ratio η·‖p‖/‖g‖ (1 when either norm is zero);
// NoDecay parameters (biases, batch norm) get neither decay nor
// adaptation. Then v ← μ·v + lr'·g and p ← p − v (or, with Nesterov,
// p ← p − (μ·v + lr'·g)).
type LARS struct {
	Opts   LARSOptions
	params []*Param
	v      []*Param
	t      *Param
}

// NewLARS returns a LARS optimiser over params.
func NewLARS(params []*Param, o LARSOptions) *LARS {
	if o.LR == 0 {
		o.LR = 0.3
	}
	if o.Momentum == 0 {
		o.Momentum = 0.9
	}
	if o.WeightDecay == 0 {
		o.WeightDecay = 1e-6
	}
	if o.Eta == 0 {
		o.Eta = 0.001
	}
	if o.LR < 0 || o.Momentum < 0 || o.Momentum >= 1 || o.WeightDecay < 0 || o.Eta < 0 {
		panic(fmt.Sprintf("nn: NewLARS: bad options %+v", o))
	}
	return &LARS{Opts: o, params: params, v: stateLike(params, "momentum"), t: &Param{Name: "step", Value: New(1)}}
}

// Step applies one LARS update.
func (l *LARS) Step() {
	o := l.Opts
	l.t.Value.Data[0]++
	mu := float32(o.Momentum)
	for k, p := range l.params {
		w, g, v := p.Value.Data, p.Grad.Data, l.v[k].Value.Data
		lr := o.LR
		wd := float32(0)
		if !p.NoDecay {
			wd = float32(o.WeightDecay)
			var wn, gn float64
			for i := range w {
				gi := float64(g[i] + wd*w[i])
				wn += float64(w[i]) * float64(w[i])
				gn += gi * gi
			}
			if wn > 0 && gn > 0 {
				lr *= o.Eta * math.Sqrt(wn) / math.Sqrt(gn)
			}
		}
		slr := float32(lr)
		for i := range w {
			gi := g[i] + wd*w[i]
			v[i] = mu*v[i] + slr*gi
			if o.Nesterov {
				w[i] -= mu*v[i] + slr*gi
			} else {
				w[i] -= v[i]
			}
		}
	}
}

func (l *LARS) ZeroGrad()        { zeroGrads(l.params) }
func (l *LARS) LR() float64      { return l.Opts.LR }
func (l *LARS) SetLR(lr float64) { l.Opts.LR = lr }
func (l *LARS) Params() []*Param { return l.params }

// State returns the step count and the momentum buffers.
func (l *LARS) State() []*Param { return append([]*Param{l.t}, l.v...) }

// Kind is "lars".
func (l *LARS) Kind() string { return "lars" }

// ClipGradNorm scales all gradients so that their joint L2 norm is at most
// maxNorm (as torch.nn.utils.clip_grad_norm_) and returns the norm before
// clipping. maxNorm ≤ 0 only measures.
func ClipGradNorm(params []*Param, maxNorm float64) float64 {
	var s float64
	for _, p := range params {
		for _, g := range p.Grad.Data {
			s += float64(g) * float64(g)
		}
	}
	n := math.Sqrt(s)
	if maxNorm > 0 && n > maxNorm {
		c := float32(maxNorm / (n + 1e-6))
		for _, p := range params {
			for i := range p.Grad.Data {
				p.Grad.Data[i] *= c
			}
		}
	}
	return n
}
