package nn

import (
	"math"
	"math/rand/v2"
	"testing"
)

// Named tolerances of the finite-difference checker. Layers compute in
// float32, so central differences with step gradEps carry rounding noise
// of about 1e-7·|L|/gradEps; gradAbs is relative to the largest gradient
// component checked, gradRel to each component.
const (
	gradEps   = 1e-3
	gradAbs   = 2e-3
	gradRel   = 2e-2
	gradProbe = 24 // coordinates checked per tensor
)

// gradCase describes one layer to check.
type gradCase struct {
	layer Layer
	x     *Tensor
	train bool
	// reset, if set, runs before every Forward (to replay dropout masks).
	reset func()
}

// checkGrad compares a layer's Backward against central finite
// differences of L = Σ w ⊙ Forward(x) for a fixed random w, on a sample
// of coordinates of x and of every parameter, plus one random direction
// over all of them. It is the one checker every layer's test calls.
func checkGrad(t *testing.T, gc gradCase) {
	t.Helper()
	l, x := gc.layer, gc.x
	r := rand.New(rand.NewPCG(7, 8))
	var yShape []int
	fwd := func() []float32 {
		if gc.reset != nil {
			gc.reset()
		}
		y := l.Forward(x, gc.train)
		yShape = append(yShape[:0], y.Shape...)
		return append([]float32(nil), y.Data...)
	}
	y0 := fwd()
	w := make([]float32, len(y0))
	for i := range w {
		w[i] = float32(r.NormFloat64())
	}
	loss := func() float64 {
		y := fwd()
		var s float64
		for i, v := range y {
			s += float64(w[i]) * float64(v)
		}
		return s
	}
	// analytic
	for _, p := range l.Params() {
		clear32(p.Grad.Data)
	}
	fwd()
	dy := FromSlice(append([]float32(nil), w...), yShape...)
	dxT := l.Backward(dy)
	var dx []float32
	if dxT != nil {
		dx = append([]float32(nil), dxT.Data...)
	}
	type target struct {
		name string
		val  []float32
		grad []float32
	}
	targets := []target{}
	if dx != nil {
		targets = append(targets, target{"x", x.Data, dx})
	}
	for _, p := range l.Params() {
		targets = append(targets, target{p.Name, p.Value.Data, append([]float32(nil), p.Grad.Data...)})
	}
	numeric := func(v []float32, i int, eps float64) float64 {
		old := v[i]
		v[i] = old + float32(eps)
		lp := loss()
		v[i] = old - float32(eps)
		lm := loss()
		v[i] = old
		return (lp - lm) / (2 * eps)
	}
	for _, tg := range targets {
		scale := 0.0
		for _, g := range tg.grad {
			scale = max(scale, math.Abs(float64(g)))
		}
		idx := r.Perm(len(tg.val))
		if len(idx) > gradProbe {
			idx = idx[:gradProbe]
		}
		bad := 0
		for _, i := range idx {
			a := float64(tg.grad[i])
			ok := func(n float64) bool { return math.Abs(a-n) <= gradAbs*max(scale, 1e-3)+gradRel*math.Abs(n) }
			n := numeric(tg.val, i, gradEps)
			if !ok(n) {
				// A ReLU or max-pool kink inside [x−ε, x+ε] spoils the
				// difference; a smaller step leaves it (a real error stays).
				n = numeric(tg.val, i, gradEps/8)
			}
			if !ok(n) {
				bad++
				if bad <= 3 {
					t.Errorf("%s: d/d%s[%d]: backward %.6g, finite difference %.6g (scale %.3g)", describe(l), tg.name, i, a, n, scale)
				}
			}
		}
	}
	// One random direction over x and all parameters together.
	dirs := make([][]float32, len(targets))
	var want float64
	total := 0
	for _, tg := range targets {
		total += len(tg.val)
	}
	norm := 1 / math.Sqrt(float64(total)) // the direction has unit expected norm
	for k, tg := range targets {
		dirs[k] = make([]float32, len(tg.val))
		for i := range dirs[k] {
			d := float32(r.NormFloat64() * norm)
			dirs[k][i] = d
			want += float64(d) * float64(tg.grad[i])
		}
	}
	shift := func(s float32) {
		for k, tg := range targets {
			for i := range tg.val {
				tg.val[i] += s * dirs[k][i]
			}
		}
	}
	const eps = 1e-3
	shift(eps)
	lp := loss()
	shift(-2 * eps)
	lm := loss()
	shift(eps)
	got := (lp - lm) / (2 * eps)
	if math.Abs(got-want) > gradRel*math.Abs(want)+gradAbs*max(math.Abs(want), 1) {
		t.Errorf("%s: directional derivative: backward %.6g, finite difference %.6g", describe(l), want, got)
	}
}

func randTensor(r *rand.Rand, shape ...int) *Tensor {
	t := New(shape...)
	for i := range t.Data {
		t.Data[i] = float32(r.NormFloat64())
	}
	return t
}
