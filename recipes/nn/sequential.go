package nn

import (
	"fmt"
	"strings"
)

// Sequential applies its layers in order; Backward runs them in reverse.
// Construction prefixes each layer's parameter names with its index
// ("0.weight", "2.running_mean"), so names are unique within a model.
type Sequential struct {
	Layers []Layer
}

// NewSequential returns the composition of layers (applied first to last).
func NewSequential(layers ...Layer) *Sequential {
	for i, l := range layers {
		prefix(fmt.Sprint(i), l)
	}
	return &Sequential{Layers: layers}
}

// prefix renames m's params and buffers to "p.name".
func prefix(p string, m Module) {
	for _, q := range m.Params() {
		q.Name = p + "." + q.Name
	}
	for _, q := range BuffersOf(m) {
		q.Name = p + "." + q.Name
	}
}

// Named returns l with its parameter names prefixed by name, e.g.
// Named("encoder", enc) gives "encoder.0.weight".
func Named(name string, l Layer) Layer {
	prefix(name, l)
	return l
}

// Params returns all layers' parameters in order.
func (s *Sequential) Params() []*Param {
	var ps []*Param
	for _, l := range s.Layers {
		ps = append(ps, l.Params()...)
	}
	return ps
}

// Buffers returns all layers' buffers in order.
func (s *Sequential) Buffers() []*Param {
	var bs []*Param
	for _, l := range s.Layers {
		bs = append(bs, BuffersOf(l)...)
	}
	return bs
}

// Forward applies the layers in order.
func (s *Sequential) Forward(x *Tensor, train bool) *Tensor {
	for _, l := range s.Layers {
		x = l.Forward(x, train)
	}
	return x
}

// Backward applies the layers' Backward in reverse order. It stops and
// returns nil when a layer returns nil (a first layer that needs no dL/dx).
func (s *Sequential) Backward(dy *Tensor) *Tensor {
	for i := len(s.Layers) - 1; i >= 0 && dy != nil; i-- {
		dy = s.Layers[i].Backward(dy)
	}
	return dy
}

// Append adds layers at the end, naming their parameters by position.
func (s *Sequential) Append(layers ...Layer) *Sequential {
	for _, l := range layers {
		prefix(fmt.Sprint(len(s.Layers)), l)
		s.Layers = append(s.Layers, l)
	}
	return s
}

// String lists the layers.
func (s *Sequential) String() string {
	var b strings.Builder
	b.WriteString("Sequential(\n")
	for i, l := range s.Layers {
		fmt.Fprintf(&b, "  (%d) %s\n", i, describe(l))
	}
	b.WriteString(")")
	return b.String()
}

func describe(l Layer) string {
	switch v := l.(type) {
	case *Linear:
		return fmt.Sprintf("Linear(%d, %d, bias=%v)", v.In, v.Out, v.Bias != nil)
	case *Conv2d:
		return fmt.Sprintf("Conv2d(%d, %d, k=%dx%d, stride=%d, pad=%d, bias=%v)", v.InC, v.OutC, v.KH, v.KW, v.Stride, v.Pad, v.Bias != nil)
	case *BatchNorm:
		if v.ReLU {
			return fmt.Sprintf("BatchNorm(%d)+ReLU", v.C)
		}
		return fmt.Sprintf("BatchNorm(%d)", v.C)
	case *Sequential:
		return strings.ReplaceAll(v.String(), "\n", "\n  ")
	case fmt.Stringer:
		return v.String()
	}
	return strings.TrimPrefix(fmt.Sprintf("%T", l), "*nn.")
}

// Residual computes y = relu(Body(x) + Shortcut(x)), the basic block of
// He et al. 2015 (arXiv:1512.03385). A nil Shortcut is the identity.
type Residual struct {
	Body     Layer
	Shortcut Layer // nil: identity
	NoReLU   bool  // skip the final ReLU

	x, y, dx *Tensor
}

// NewResidual returns a residual connection around body. shortcut is nil
// for the identity or a projection (such as a 1x1 strided Conv2d + BN).
func NewResidual(body, shortcut Layer) *Residual {
	prefix("body", body)
	if shortcut != nil {
		prefix("shortcut", shortcut)
	}
	return &Residual{Body: body, Shortcut: shortcut}
}

// Params returns the body's then the shortcut's parameters.
func (r *Residual) Params() []*Param {
	ps := r.Body.Params()
	if r.Shortcut != nil {
		ps = append(ps, r.Shortcut.Params()...)
	}
	return ps
}

// Buffers returns the body's then the shortcut's buffers.
func (r *Residual) Buffers() []*Param {
	bs := BuffersOf(r.Body)
	if r.Shortcut != nil {
		bs = append(bs, BuffersOf(r.Shortcut)...)
	}
	return bs
}

// Forward computes relu(Body(x) + Shortcut(x)).
func (r *Residual) Forward(x *Tensor, train bool) *Tensor {
	r.x = x
	b := r.Body.Forward(x, train)
	s := x
	if r.Shortcut != nil {
		s = r.Shortcut.Forward(x, train)
	}
	if !sameShape(b.Shape, s.Shape) {
		panic(fmt.Sprintf("nn: Residual body gives %v but shortcut gives %v: add a projection shortcut", b.Shape, s.Shape))
	}
	r.y = ensure(r.y, b.Shape...)
	nc, bounds := chunks(len(b.Data), actChunk)
	parallelFor(nc, func(_, i int) {
		lo, hi := bounds(i)
		y, bd, sd := r.y.Data[lo:hi], b.Data[lo:hi], s.Data[lo:hi]
		for j := range y {
			v := bd[j] + sd[j]
			if !r.NoReLU && v < 0 {
				v = 0
			}
			y[j] = v
		}
	})
	return r.y
}

// Backward returns Body'ᵀ·g + Shortcut'ᵀ·g with g = dy masked by the ReLU.
func (r *Residual) Backward(dy *Tensor) *Tensor {
	mustSameLen("Residual", dy, r.y)
	if !r.NoReLU {
		for i, v := range r.y.Data {
			if v <= 0 {
				dy.Data[i] = 0
			}
		}
	}
	// The body may overwrite its dy in place: give it a copy when the
	// shortcut needs g too.
	r.dx = ensure(r.dx, dy.Shape...)
	copy(r.dx.Data, dy.Data)
	var ds *Tensor
	if r.Shortcut != nil {
		ds = r.Shortcut.Backward(r.dx)
	} else {
		ds = r.dx
	}
	db := r.Body.Backward(dy)
	if !sameShape(db.Shape, ds.Shape) {
		panic(fmt.Sprintf("nn: Residual gradients disagree: body %v, shortcut %v", db.Shape, ds.Shape))
	}
	addTo(db.Data, ds.Data)
	return db
}
