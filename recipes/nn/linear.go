package nn

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/gocontrast/contrast/blas"
)

// defaultRand is used when a constructor gets a nil *rand.Rand, so that a
// model built without one is still the same every time.
func defaultRand(r *rand.Rand) *rand.Rand {
	if r == nil {
		return rand.New(rand.NewPCG(1, 2))
	}
	return r
}

// uniformInit fills t with U(-bound, bound).
func uniformInit(t *Tensor, bound float64, r *rand.Rand) {
	for i := range t.Data {
		t.Data[i] = float32((2*r.Float64() - 1) * bound)
	}
}

// Linear is a fully connected layer y = x Wᵀ + b.
//
// Shapes: x [N, In], W [Out, In] (PyTorch's layout), b [Out], y [N, Out].
// Initialisation is PyTorch's default: W and b from U(-1/√In, 1/√In).
type Linear struct {
	In, Out int
	Weight  *Param
	Bias    *Param // nil without bias

	x  *Tensor
	y  *Tensor
	dx *Tensor
}

// NewLinear returns a Linear layer from in to out features, with a bias if
// bias is set, initialised from r (nil: a fixed seed).
func NewLinear(in, out int, bias bool, r *rand.Rand) *Linear {
	if in <= 0 || out <= 0 {
		panic(fmt.Sprintf("nn: NewLinear(%d, %d): sizes must be positive", in, out))
	}
	r = defaultRand(r)
	l := &Linear{In: in, Out: out, Weight: newParam("weight", false, out, in)}
	bound := 1 / math.Sqrt(float64(in))
	uniformInit(l.Weight.Value, bound, r)
	if bias {
		l.Bias = newParam("bias", true, out)
		uniformInit(l.Bias.Value, bound, r)
	}
	return l
}

// Params returns the weight and, if present, the bias.
func (l *Linear) Params() []*Param {
	if l.Bias == nil {
		return []*Param{l.Weight}
	}
	return []*Param{l.Weight, l.Bias}
}

// Forward computes x Wᵀ + b. x may have any shape [N, ...] whose trailing
// dimensions multiply to In.
func (l *Linear) Forward(x *Tensor, train bool) *Tensor {
	n := x.Rows()
	if x.Cols() != l.In && !(n == 0 && len(x.Data) == 0) {
		panic(fmt.Sprintf("nn: Linear(%d, %d) got input of shape %v", l.In, l.Out, x.Shape))
	}
	l.x = x
	l.y = ensure(l.y, n, l.Out)
	if n == 0 {
		return l.y
	}
	blas.Sgemm(false, true, n, l.Out, l.In, 1, x.Data, l.In, l.Weight.Value.Data, l.In, 0, l.y.Data, l.Out)
	if l.Bias != nil {
		b := l.Bias.Value.Data
		for i := 0; i < n; i++ {
			row := l.y.Data[i*l.Out : (i+1)*l.Out]
			for j := range row {
				row[j] += b[j]
			}
		}
	}
	return l.y
}

// Backward accumulates dW += dyᵀ x, db += Σ dy and returns dx = dy W.
func (l *Linear) Backward(dy *Tensor) *Tensor {
	x := l.x
	n := x.Rows()
	if dy.Rows() != n || dy.Cols() != l.Out {
		panic(fmt.Sprintf("nn: Linear(%d, %d) Backward got dy %v for input %v", l.In, l.Out, dy.Shape, x.Shape))
	}
	l.dx = ensure(l.dx, x.Shape...)
	if n == 0 {
		return l.dx
	}
	blas.Sgemm(true, false, l.Out, l.In, n, 1, dy.Data, l.Out, x.Data, l.In, 1, l.Weight.Grad.Data, l.In)
	if l.Bias != nil {
		g := l.Bias.Grad.Data
		for i := 0; i < n; i++ {
			row := dy.Data[i*l.Out : (i+1)*l.Out]
			for j, v := range row {
				g[j] += v
			}
		}
	}
	blas.Sgemm(false, false, n, l.In, l.Out, 1, dy.Data, l.Out, l.Weight.Value.Data, l.In, 0, l.dx.Data, l.In)
	return l.dx
}
