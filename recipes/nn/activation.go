package nn

import "math"

// actChunk is the number of elements an element-wise chunk handles.
const actChunk = 1 << 15

// ReLU is max(0, x), element-wise, any shape. Backward writes in place
// into dy.
type ReLU struct{ y *Tensor }

// NewReLU returns a ReLU layer.
func NewReLU() *ReLU { return &ReLU{} }

// Params returns nil: ReLU has none.
func (*ReLU) Params() []*Param { return nil }

// Forward computes max(0, x).
func (l *ReLU) Forward(x *Tensor, train bool) *Tensor {
	l.y = ensure(l.y, x.Shape...)
	nc, bounds := chunks(len(x.Data), actChunk)
	parallelFor(nc, func(_, i int) {
		lo, hi := bounds(i)
		y, xs := l.y.Data[lo:hi], x.Data[lo:hi]
		y = y[:len(xs)]
		for j, v := range xs {
			y[j] = relu32(v)
		}
	})
	return l.y
}

// Backward masks dy where the output was zero.
func (l *ReLU) Backward(dy *Tensor) *Tensor {
	mustSameLen("ReLU", dy, l.y)
	nc, bounds := chunks(len(dy.Data), actChunk)
	parallelFor(nc, func(_, i int) {
		lo, hi := bounds(i)
		d, y := dy.Data[lo:hi], l.y.Data[lo:hi]
		y = y[:len(d)]
		for j, g := range d {
			d[j] = maskPos(g, y[j])
		}
	})
	return dy
}

// GELU is x·Φ(x) with Φ the standard normal CDF (Hendrycks & Gimpel,
// arXiv:1606.08415), the exact form PyTorch's nn.GELU uses by default.
// Backward writes in place into dy.
type GELU struct{ x, y *Tensor }

// NewGELU returns a GELU layer.
func NewGELU() *GELU { return &GELU{} }

// Params returns nil: GELU has none.
func (*GELU) Params() []*Param { return nil }

// Forward computes x·Φ(x).
func (l *GELU) Forward(x *Tensor, train bool) *Tensor {
	l.x = x
	l.y = ensure(l.y, x.Shape...)
	nc, bounds := chunks(len(x.Data), actChunk)
	parallelFor(nc, func(_, i int) {
		lo, hi := bounds(i)
		y, xs := l.y.Data[lo:hi], x.Data[lo:hi]
		for j, v := range xs {
			f := float64(v)
			y[j] = float32(f * 0.5 * (1 + math.Erf(f/math.Sqrt2)))
		}
	})
	return l.y
}

// Backward computes dy·(Φ(x) + x·φ(x)).
func (l *GELU) Backward(dy *Tensor) *Tensor {
	mustSameLen("GELU", dy, l.x)
	nc, bounds := chunks(len(dy.Data), actChunk)
	const invSqrt2Pi = 0.3989422804014327
	parallelFor(nc, func(_, i int) {
		lo, hi := bounds(i)
		d, xs := dy.Data[lo:hi], l.x.Data[lo:hi]
		for j, v := range xs {
			f := float64(v)
			cdf := 0.5 * (1 + math.Erf(f/math.Sqrt2))
			pdf := invSqrt2Pi * math.Exp(-0.5*f*f)
			d[j] = float32(float64(d[j]) * (cdf + f*pdf))
		}
	})
	return dy
}

func mustSameLen(layer string, dy, y *Tensor) {
	if y == nil || len(dy.Data) != len(y.Data) {
		panic("nn: " + layer + " Backward: dy does not match the last Forward (call Forward first, with the same batch)")
	}
}
