package loss

import (
	"fmt"
	"math"
	"runtime"
	"sync"

	"github.com/gocontrast/contrast/recipes/nn"
)

// Workspace holds the scratch buffers of the losses so that a training
// loop allocates nothing per step. The zero value is ready to use. A
// Workspace grows to the largest problem it has seen and is not safe for
// concurrent use.
type Workspace struct {
	u     []float32 // normalised trainable embeddings
	k     []float32 // normalised keys
	s     []float32 // similarities / probabilities
	gu    []float32 // gradient with respect to u
	norms []float64
	c     []float32    // centroids (SpCL)
	cnt   []int        // class counts and slots (SpCL)
	row   []float64    // per-row losses
	mix   []mixScratch // per-worker MoCHi scratch
}

func grow32(b *[]float32, n int) []float32 {
	if cap(*b) < n {
		*b = make([]float32, n)
	}
	*b = (*b)[:n]
	return *b
}

func grow64(b *[]float64, n int) []float64 {
	if cap(*b) < n {
		*b = make([]float64, n)
	}
	*b = (*b)[:n]
	return *b
}

func checkTau(tau float64) {
	if !(tau > 0) || math.IsInf(tau, 0) {
		panic(fmt.Sprintf("loss: temperature must be a positive number, got %v", tau))
	}
}

func check2D(name string, t *nn.Tensor) (int, int) {
	if t == nil {
		panic(fmt.Sprintf("loss: %s is nil", name))
	}
	if len(t.Shape) != 2 {
		panic(fmt.Sprintf("loss: %s must be [N, D], got shape %v", name, t.Shape))
	}
	return t.Shape[0], t.Shape[1]
}

func checkDst(dst *nn.Tensor, n, d int) {
	if dst == nil {
		return
	}
	if len(dst.Data) != n*d {
		panic(fmt.Sprintf("loss: gradient dst has %d elements, need %d for [%d %d]", len(dst.Data), n*d, n, d))
	}
}

// normEps is the floor of the norm, as torch.nn.functional.normalize.
const normEps = 1e-12

// normalizeRows writes the L2-normalised rows of src (n x d) to dst and
// their norms (floored at normEps) to norms.
func normalizeRows(dst, src []float32, n, d int, norms []float64) {
	for i := 0; i < n; i++ {
		r := src[i*d : (i+1)*d]
		var ss float64
		for _, v := range r {
			ss += float64(v) * float64(v)
		}
		nr := math.Max(math.Sqrt(ss), normEps)
		if norms != nil {
			norms[i] = nr
		}
		inv := 1 / nr
		o := dst[i*d : (i+1)*d]
		for j, v := range r {
			o[j] = float32(float64(v) * inv)
		}
	}
}

// normalizeBackward turns gu = dL/du, u = z/|z|, into dL/dz = (gu - u (u.gu)) / |z|,
// written to dz (which may alias gu).
func normalizeBackward(dz, gu, u []float32, n, d int, norms []float64) {
	for i := 0; i < n; i++ {
		g := gu[i*d : (i+1)*d]
		ui := u[i*d : (i+1)*d]
		var dot float64
		for j := range g {
			dot += float64(g[j]) * float64(ui[j])
		}
		inv := 1 / norms[i]
		o := dz[i*d : (i+1)*d]
		for j := range g {
			o[j] = float32((float64(g[j]) - float64(ui[j])*dot) * inv)
		}
	}
}

// workers is the number of blocks parallelRows uses for n rows of cost
// units each.
func workers(n, cost int) int {
	p := runtime.GOMAXPROCS(0)
	if p > n {
		p = n
	}
	if p < 1 || n*cost < 1<<15 {
		return 1
	}
	return p
}

// parallelRows runs f over [0, n) split into workers(n, cost) contiguous
// blocks, each in its own goroutine; w is the block's index.
func parallelRows(n, cost int, f func(w, lo, hi int)) {
	p := workers(n, cost)
	if p == 1 {
		f(0, 0, n)
		return
	}
	var wg sync.WaitGroup
	for w := 0; w < p; w++ {
		lo, hi := w*n/p, (w+1)*n/p
		wg.Add(1)
		go func() {
			defer wg.Done()
			f(w, lo, hi)
		}()
	}
	wg.Wait()
}

// expf is a float32 exp accurate to about 2 ulp, several times faster than
// math.Exp; arguments below -87.3 give 0.
func expf(x float32) float32 {
	if x < -87.3 {
		return 0
	}
	if x > 88.7 {
		return float32(math.Inf(1))
	}
	// x = n*ln2 + r, |r| <= ln2/2 (n rounded half away from zero).
	const ln2hi, ln2lo = 0.693359375, -2.12194440e-4
	t := x * 1.44269504088896341
	if t < 0 {
		t -= 0.5
	} else {
		t += 0.5
	}
	n := int32(t)
	fn := float32(n)
	r := x - fn*ln2hi - fn*ln2lo
	// Cephes expf polynomial.
	p := float32(1.9875691500e-4)
	p = p*r + 1.3981999507e-3
	p = p*r + 8.3334519073e-3
	p = p*r + 4.1665795894e-2
	p = p*r + 1.6666665459e-1
	p = p*r + 5.0000001201e-1
	y := p*r*r + r + 1
	if n > 127 { // 2^128 is not a float32: scale in two steps
		return y * 2 * math.Float32frombits(uint32(n-1+127)<<23)
	}
	return y * math.Float32frombits(uint32(n+127)<<23)
}

// maxf32 returns the largest element of x (-Inf for none).
func maxf32(x []float32) float32 {
	m0 := float32(math.Inf(-1))
	m1, m2, m3 := m0, m0, m0
	i := 0
	for ; i+4 <= len(x); i += 4 {
		if x[i] > m0 {
			m0 = x[i]
		}
		if x[i+1] > m1 {
			m1 = x[i+1]
		}
		if x[i+2] > m2 {
			m2 = x[i+2]
		}
		if x[i+3] > m3 {
			m3 = x[i+3]
		}
	}
	for ; i < len(x); i++ {
		if x[i] > m0 {
			m0 = x[i]
		}
	}
	return max(m0, m1, m2, m3)
}

// expSub replaces x by exp(x - m) and returns the sum, accumulated in
// float32 over blocks of 64 and in float64 across blocks.
func expSub(x []float32, m float32) float64 {
	var sum float64
	for lo := 0; lo < len(x); lo += 64 {
		b := x[lo:min(lo+64, len(x))]
		var s0, s1 float32
		i := 0
		for ; i+2 <= len(b); i += 2 {
			e0, e1 := expf(b[i]-m), expf(b[i+1]-m)
			b[i], b[i+1] = e0, e1
			s0 += e0
			s1 += e1
		}
		for ; i < len(b); i++ {
			e := expf(b[i] - m)
			b[i] = e
			s0 += e
		}
		sum += float64(s0) + float64(s1)
	}
	return sum
}

// scale32 multiplies x by a.
func scale32(x []float32, a float32) {
	for i := range x {
		x[i] *= a
	}
}

// softmaxRow turns row (logits) into probabilities in place and returns
// log-sum-exp(row) in float64. Entry skip (an index, or -1) is excluded:
// its probability is set to 0.
func softmaxRow(row []float32, skip int) float64 {
	if skip >= 0 {
		row[skip] = float32(math.Inf(-1)) // exp gives 0
	}
	m := maxf32(row)
	sum := expSub(row, m)
	scale32(row, float32(1/sum))
	return float64(m) + math.Log(sum)
}
