package nn

import (
	"fmt"
	"math"
)

// BatchNorm normalises each channel over the batch (Ioffe & Szegedy 2015,
// arXiv:1502.03167): y = γ·(x − μ)/√(σ² + ε) + β, optionally followed by
// a ReLU fused into the same pass (forward and backward).
//
// The channel is the last dimension: x [N, C] (BatchNorm1d) or
// [N, H, W, C] (BatchNorm2d on NHWC images); statistics run over all
// other positions. In training mode μ and σ² are the batch's (biased
// variance), and the running statistics are updated as PyTorch does:
// r ← (1 − Momentum)·r + Momentum·batch value, with the unbiased variance
// for the running variance. In eval mode the running statistics are used.
// Defaults are PyTorch's: ε = 1e-5, Momentum = 0.1, γ = 1, β = 0.
//
// Training mode needs at least two values per channel; fewer panics.
type BatchNorm struct {
	C        int
	Eps      float64
	Momentum float64
	ReLU     bool // fuse a ReLU after the normalisation
	// NoShift drops β (TensorFlow's center=False): β stays 0 and is not
	// a parameter. SimCLR v2's last projection layer uses it.
	NoShift bool
	Weight  *Param // γ [C]
	Bias    *Param // β [C]
	RunMean *Param // running mean [C] (a buffer: Grad is nil)
	RunVar  *Param // running variance [C] (a buffer)

	x, y   *Tensor
	train  bool
	mean   []float64
	invstd []float64
	scale  []float32
	shift  []float32
	parts  []float64
	coef   []float32
	mean32 []float32
}

// NewBatchNorm returns a batch norm over c channels (the last dimension).
func NewBatchNorm(c int) *BatchNorm {
	if c <= 0 {
		panic(fmt.Sprintf("nn: NewBatchNorm(%d): channels must be positive", c))
	}
	b := &BatchNorm{C: c, Eps: 1e-5, Momentum: 0.1,
		Weight:  newParam("weight", true, c),
		Bias:    newParam("bias", true, c),
		RunMean: &Param{Name: "running_mean", Value: New(c), NoDecay: true},
		RunVar:  &Param{Name: "running_var", Value: New(c), NoDecay: true},
	}
	for i := range c {
		b.Weight.Value.Data[i] = 1
		b.RunVar.Value.Data[i] = 1
	}
	return b
}

// NewBatchNorm1d is NewBatchNorm for [N, C] features.
func NewBatchNorm1d(c int) *BatchNorm { return NewBatchNorm(c) }

// NewBatchNorm2d is NewBatchNorm for NHWC images [N, H, W, C].
func NewBatchNorm2d(c int) *BatchNorm { return NewBatchNorm(c) }

// NewBatchNormReLU returns a batch norm with a fused ReLU.
func NewBatchNormReLU(c int) *BatchNorm {
	b := NewBatchNorm(c)
	b.ReLU = true
	return b
}

// Params returns γ and β (γ alone with NoShift).
func (b *BatchNorm) Params() []*Param {
	if b.NoShift {
		return []*Param{b.Weight}
	}
	return []*Param{b.Weight, b.Bias}
}

// Buffers returns the running mean and variance.
func (b *BatchNorm) Buffers() []*Param { return []*Param{b.RunMean, b.RunVar} }

// bnRows is the number of rows a batch-norm chunk handles.
func bnRows(c int) int { return max(8, 32768/c) }

// Forward normalises x.
func (b *BatchNorm) Forward(x *Tensor, train bool) *Tensor {
	C := b.C
	if len(x.Shape) < 2 || x.Shape[len(x.Shape)-1] != C {
		panic(fmt.Sprintf("nn: BatchNorm(%d) expects the channel last, [N, C] or [N, H, W, C], got shape %v", C, x.Shape))
	}
	R := len(x.Data) / C
	b.x, b.train = x, train
	b.y = ensure(b.y, x.Shape...)
	b.mean = ensureF64(b.mean, C)
	b.invstd = ensureF64(b.invstd, C)
	b.scale = ensureF32(b.scale, C)
	b.shift = ensureF32(b.shift, C)
	if train {
		if R < 2 {
			panic(fmt.Sprintf("nn: BatchNorm in training mode needs more than one value per channel, got input %v", x.Shape))
		}
		b.stats(x.Data, R)
		m := b.Momentum
		rm, rv := b.RunMean.Value.Data, b.RunVar.Value.Data
		unbias := float64(R) / float64(R-1)
		for c := 0; c < C; c++ {
			v := 1/(b.invstd[c]*b.invstd[c]) - b.Eps
			rm[c] = float32((1-m)*float64(rm[c]) + m*b.mean[c])
			rv[c] = float32((1-m)*float64(rv[c]) + m*v*unbias)
		}
	} else {
		for c := 0; c < C; c++ {
			b.mean[c] = float64(b.RunMean.Value.Data[c])
			b.invstd[c] = 1 / math.Sqrt(float64(b.RunVar.Value.Data[c])+b.Eps)
		}
	}
	g, be := b.Weight.Value.Data, b.Bias.Value.Data
	for c := 0; c < C; c++ {
		s := float64(g[c]) * b.invstd[c]
		b.scale[c] = float32(s)
		beta := float64(be[c])
		if b.NoShift {
			beta = 0
		}
		b.shift[c] = float32(beta - b.mean[c]*s)
	}
	nc, bounds := chunks(R, bnRows(C))
	parallelFor(nc, func(_, i int) {
		lo, hi := bounds(i)
		bnApply(b.y.Data[lo*C:hi*C], x.Data[lo*C:hi*C], b.scale, b.shift, b.ReLU)
	})
	return b.y
}

// stats sets b.mean and b.invstd from the batch, summing per chunk in
// float32 around a shift (the first row) and combining in float64.
func (b *BatchNorm) stats(x []float32, R int) {
	C := b.C
	nc, bounds := chunks(R, bnRows(C))
	b.parts = ensureF64(b.parts, nc*2*C)
	shift := x[:C]
	parallelFor(nc, func(_, i int) {
		lo, hi := bounds(i)
		p := b.parts[i*2*C : (i+1)*2*C]
		var s, q [512]float32
		var sl, ql []float32
		if C <= len(s) {
			sl, ql = s[:C], q[:C]
		} else {
			sl, ql = make([]float32, C), make([]float32, C)
		}
		bnSums(sl, ql, x[lo*C:hi*C], shift)
		for c := 0; c < C; c++ {
			p[c] = float64(sl[c])
			p[C+c] = float64(ql[c])
		}
	})
	for c := 0; c < C; c++ {
		var s, q float64
		for i := 0; i < nc; i++ {
			s += b.parts[i*2*C+c]
			q += b.parts[i*2*C+C+c]
		}
		mu := s / float64(R)
		v := max(q/float64(R)-mu*mu, 0)
		b.mean[c] = mu + float64(shift[c])
		b.invstd[c] = 1 / math.Sqrt(v+b.Eps)
	}
}

// bnSums adds Σ (x − shift) and Σ (x − shift)² per channel over the rows
// of x into s and q.
func bnSumsGo(s, q, x, shift []float32) {
	C := len(s)
	shift = shift[:C]
	q = q[:C]
	for r := 0; r+C <= len(x); r += C {
		row := x[r : r+C]
		for c, v := range row {
			d := v - shift[c]
			s[c] += d
			q[c] += d * d
		}
	}
}

// bnApply sets y = x·scale + shift per channel, then max(0, ·) if relu.
func bnApplyGo(y, x, scale, shift []float32, relu bool) {
	C := len(scale)
	shift = shift[:C]
	for r := 0; r+C <= len(x); r += C {
		xr, yr := x[r:r+C], y[r:r+C]
		yr = yr[:len(xr)]
		if relu {
			for c, v := range xr {
				yr[c] = relu32(v*scale[c] + shift[c])
			}
		} else {
			for c, v := range xr {
				yr[c] = v*scale[c] + shift[c]
			}
		}
	}
}

// Backward accumulates dγ, dβ and returns dx, written in place into dy.
func (b *BatchNorm) Backward(dy *Tensor) *Tensor {
	if !sameShape(dy.Shape, b.y.Shape) {
		panic(fmt.Sprintf("nn: BatchNorm Backward got dy %v, want %v", dy.Shape, b.y.Shape))
	}
	C := b.C
	x := b.x.Data
	R := len(x) / C
	nc, bounds := chunks(R, bnRows(C))
	b.parts = ensureF64(b.parts, nc*2*C)
	b.mean32 = ensureF32(b.mean32, C)
	mean32 := b.mean32
	for c := 0; c < C; c++ {
		mean32[c] = float32(b.mean[c])
	}
	// Pass 1: Σg and Σg·(x − μ) per channel, g = dy masked by the ReLU.
	parallelFor(nc, func(_, i int) {
		lo, hi := bounds(i)
		p := b.parts[i*2*C : (i+1)*2*C]
		var s, q [512]float32
		var sl, ql []float32
		if C <= len(s) {
			sl, ql = s[:C], q[:C]
		} else {
			sl, ql = make([]float32, C), make([]float32, C)
		}
		bnGradSums(sl, ql, dy.Data[lo*C:hi*C], x[lo*C:hi*C], b.scale, b.shift, mean32, b.ReLU)
		for c := 0; c < C; c++ {
			p[c] = float64(sl[c])
			p[C+c] = float64(ql[c])
		}
	})
	b.coef = ensureF32(b.coef, 3*C)
	ca, ck, cd := b.coef[:C], b.coef[C:2*C], b.coef[2*C:]
	gw, gb, gamma := b.Weight.Grad.Data, b.Bias.Grad.Data, b.Weight.Value.Data
	for c := 0; c < C; c++ {
		var sg, sgx float64
		for i := 0; i < nc; i++ {
			sg += b.parts[i*2*C+c]
			sgx += b.parts[i*2*C+C+c]
		}
		is := b.invstd[c]
		gw[c] += float32(sgx * is)
		gb[c] += float32(sg)
		a := float64(gamma[c]) * is
		if b.train {
			// dx = a·g − k·x + (k·μ − a·Σg/R), k = a·is²·Σg(x−μ)/R
			k := a * is * is * sgx / float64(R)
			ca[c], ck[c], cd[c] = float32(a), float32(k), float32(k*b.mean[c]-a*sg/float64(R))
		} else {
			ca[c], ck[c], cd[c] = float32(a), 0, 0
		}
	}
	// Pass 2: dx, in place.
	parallelFor(nc, func(_, i int) {
		lo, hi := bounds(i)
		bnGradApply(dy.Data[lo*C:hi*C], x[lo*C:hi*C], b.scale, b.shift, ca, ck, cd, b.ReLU)
	})
	return dy
}

func bnGradSumsGo(s, q, dy, x, scale, shift, mean []float32, relu bool) {
	C := len(s)
	q, mean, scale, shift = q[:C], mean[:C], scale[:C], shift[:C]
	for r := 0; r+C <= len(x); r += C {
		dr, xr := dy[r:r+C], x[r:r+C]
		xr = xr[:len(dr)]
		if relu {
			for c, g := range dr {
				// the forward output was positive where x·scale + shift > 0
				g = maskPos(g, relu32(xr[c]*scale[c]+shift[c]))
				s[c] += g
				q[c] += g * (xr[c] - mean[c])
			}
		} else {
			for c, g := range dr {
				s[c] += g
				q[c] += g * (xr[c] - mean[c])
			}
		}
	}
}

func bnGradApplyGo(dy, x, scale, shift, a, k, d []float32, relu bool) {
	C := len(a)
	k, d, scale, shift = k[:C], d[:C], scale[:C], shift[:C]
	for r := 0; r+C <= len(x); r += C {
		dr, xr := dy[r:r+C], x[r:r+C]
		xr = xr[:len(dr)]
		if relu {
			for c, g := range dr {
				dr[c] = a[c]*maskPos(g, relu32(xr[c]*scale[c]+shift[c])) - k[c]*xr[c] + d[c]
			}
		} else {
			for c, g := range dr {
				dr[c] = a[c]*g - k[c]*xr[c] + d[c]
			}
		}
	}
}

// relu32 is max(v, 0) without a branch (a data-dependent branch here
// mispredicts half the time): clear the bits of negative values.
func relu32(v float32) float32 {
	b := math.Float32bits(v)
	return math.Float32frombits(b &^ uint32(int32(b)>>31))
}

// maskPos returns g where y > 0 and 0 where y is +0 (the output of relu32
// is never negative), without a branch.
func maskPos(g, y float32) float32 {
	m := uint32(-int32(math.Float32bits(y)) >> 31)
	return math.Float32frombits(math.Float32bits(g) & m)
}
