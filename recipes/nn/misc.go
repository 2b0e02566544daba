package nn

import (
	"fmt"
	"math"
	"math/rand/v2"
)

// Dropout zeroes each element with probability P in training mode and
// scales the rest by 1/(1−P) (inverted dropout, Srivastava et al. 2014);
// in eval mode it is the identity. The mask comes from Rand.
type Dropout struct {
	P    float64
	Rand *rand.Rand

	y    *Tensor
	mask []float32
	on   bool
}

// NewDropout returns a dropout layer with drop probability p in [0, 1),
// drawing its masks from r (nil: a fixed seed).
func NewDropout(p float64, r *rand.Rand) *Dropout {
	if !(p >= 0 && p < 1) {
		panic(fmt.Sprintf("nn: NewDropout(%v): p must be in [0, 1)", p))
	}
	return &Dropout{P: p, Rand: defaultRand(r)}
}

// Params returns nil.
func (*Dropout) Params() []*Param { return nil }

// Forward applies the mask (training) or copies x (eval).
func (l *Dropout) Forward(x *Tensor, train bool) *Tensor {
	l.y = ensure(l.y, x.Shape...)
	l.on = train && l.P > 0
	if !l.on {
		copy(l.y.Data, x.Data)
		return l.y
	}
	l.mask = ensureF32(l.mask, len(x.Data))
	keep := float32(1 / (1 - l.P))
	for i, v := range x.Data {
		m := float32(0)
		if l.Rand.Float64() >= l.P {
			m = keep
		}
		l.mask[i] = m
		l.y.Data[i] = v * m
	}
	return l.y
}

// Backward applies the same mask to dy, in place.
func (l *Dropout) Backward(dy *Tensor) *Tensor {
	mustSameLen("Dropout", dy, l.y)
	if l.on {
		for i := range dy.Data {
			dy.Data[i] *= l.mask[i]
		}
	}
	return dy
}

// L2Normalize scales each row of x [N, D] to unit Euclidean length:
// y = x / max(‖x‖, Eps), as F.normalize (Eps = 1e-12).
type L2Normalize struct {
	Eps float64

	y, dx *Tensor
	norm  []float32
}

// NewL2Normalize returns a row-wise L2 normalisation.
func NewL2Normalize() *L2Normalize { return &L2Normalize{Eps: 1e-12} }

// Params returns nil.
func (*L2Normalize) Params() []*Param { return nil }

// Forward normalises the rows of x.
func (l *L2Normalize) Forward(x *Tensor, train bool) *Tensor {
	n, d := x.Rows(), x.Cols()
	l.y = ensure(l.y, x.Shape...)
	l.norm = ensureF32(l.norm, n)
	for i := 0; i < n; i++ {
		row := x.Data[i*d : (i+1)*d]
		var s float64
		for _, v := range row {
			s += float64(v) * float64(v)
		}
		nr := max(math.Sqrt(s), l.Eps)
		l.norm[i] = float32(nr)
		inv := float32(1 / nr)
		y := l.y.Data[i*d : (i+1)*d]
		for j, v := range row {
			y[j] = v * inv
		}
	}
	return l.y
}

// Backward returns dx = (dy − y·(y·dy)) / ‖x‖ (where ‖x‖ > Eps).
func (l *L2Normalize) Backward(dy *Tensor) *Tensor {
	mustSameLen("L2Normalize", dy, l.y)
	n, d := l.y.Rows(), l.y.Cols()
	l.dx = ensure(l.dx, l.y.Shape...)
	for i := 0; i < n; i++ {
		y := l.y.Data[i*d : (i+1)*d]
		g := dy.Data[i*d : (i+1)*d]
		dx := l.dx.Data[i*d : (i+1)*d]
		inv := 1 / l.norm[i]
		if float64(l.norm[i]) <= l.Eps {
			for j := range g {
				dx[j] = g[j] * inv
			}
			continue
		}
		var dot float64
		for j := range y {
			dot += float64(y[j]) * float64(g[j])
		}
		dt := float32(dot)
		for j := range y {
			dx[j] = (g[j] - y[j]*dt) * inv
		}
	}
	return l.dx
}

// Flatten reshapes [N, ...] to [N, D] without copying. Note that on NHWC
// images the order of a flattened row is (h, w, c), not PyTorch's (c, h, w).
type Flatten struct {
	in    []int
	y, dx Tensor
}

// NewFlatten returns a flatten layer.
func NewFlatten() *Flatten { return &Flatten{} }

// Params returns nil.
func (*Flatten) Params() []*Param { return nil }

// Forward returns x viewed as [N, D].
func (l *Flatten) Forward(x *Tensor, train bool) *Tensor {
	l.in = append(l.in[:0], x.Shape...)
	return view(&l.y, x, x.Rows(), x.Cols())
}

// Backward returns dy viewed in the input's shape.
func (l *Flatten) Backward(dy *Tensor) *Tensor { return view(&l.dx, dy, l.in...) }

// NCHWToNHWC converts images from PyTorch's layout [N, C, H, W] (the
// layout of data loaders) to the [N, H, W, C] layout of this package's
// convolutions. With one channel it only relabels the shape.
type NCHWToNHWC struct {
	y, dx *Tensor
	in    []int
}

// NewNCHWToNHWC returns the layout conversion layer.
func NewNCHWToNHWC() *NCHWToNHWC { return &NCHWToNHWC{} }

// Params returns nil.
func (*NCHWToNHWC) Params() []*Param { return nil }

// Forward transposes x [N, C, H, W] to [N, H, W, C].
func (l *NCHWToNHWC) Forward(x *Tensor, train bool) *Tensor {
	mustRank("NCHWToNHWC", x, 4, "[N, C, H, W]")
	n, c, h, w := x.Shape[0], x.Shape[1], x.Shape[2], x.Shape[3]
	l.in = append(l.in[:0], x.Shape...)
	if c == 1 {
		if l.y == nil {
			l.y = &Tensor{}
		}
		return view(l.y, x, n, h, w, 1)
	}
	l.y = ensure(l.y, n, h, w, c)
	hw := h * w
	parallelFor(n, func(_, img int) {
		src := x.Data[img*c*hw : (img+1)*c*hw]
		dst := l.y.Data[img*c*hw : (img+1)*c*hw]
		for ch := 0; ch < c; ch++ {
			for p := 0; p < hw; p++ {
				dst[p*c+ch] = src[ch*hw+p]
			}
		}
	})
	return l.y
}

// Backward transposes dy back to [N, C, H, W].
func (l *NCHWToNHWC) Backward(dy *Tensor) *Tensor {
	n, c, h, w := l.in[0], l.in[1], l.in[2], l.in[3]
	if c == 1 {
		if l.dx == nil {
			l.dx = &Tensor{}
		}
		return view(l.dx, dy, n, c, h, w)
	}
	l.dx = ensure(l.dx, n, c, h, w)
	hw := h * w
	parallelFor(n, func(_, img int) {
		src := dy.Data[img*c*hw : (img+1)*c*hw]
		dst := l.dx.Data[img*c*hw : (img+1)*c*hw]
		for ch := 0; ch < c; ch++ {
			for p := 0; p < hw; p++ {
				dst[ch*hw+p] = src[p*c+ch]
			}
		}
	})
	return l.dx
}
