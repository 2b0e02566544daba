package cluster

import (
	"cmp"
	"fmt"
	"math"
	"runtime"
	"slices"
	"sync"

	"github.com/gocontrast/contrast/blas"
	"github.com/gocontrast/contrast/display"
	"github.com/gocontrast/contrast/recipes/nn"
)

// SpCL's re-ranking parameters (yxgeee/SpCL examples: --k1 30 --k2 6).
const (
	SpCLK1 = 30
	SpCLK2 = 6
)

// Jaccard returns the k-reciprocal Jaccard distance [N, N] between the
// rows of features [N, D] (L2-normalised, as SpCL's memory features are).
// See JaccardGraph for the definition; this is its dense form.
func Jaccard(features *nn.Tensor, k1, k2 int) (*nn.Tensor, error) {
	g, err := JaccardGraph(features, k1, k2)
	if err != nil {
		return nil, err
	}
	return g.Dense(), nil
}

// JaccardGraph computes the k-reciprocal Jaccard distance of re-ranking
// (Zhong et al., arXiv 1701.08398, sec. 3) as yxgeee/SpCL's
// compute_jaccard_distance does, for L2-normalised features [N, D]:
//
//  1. R(i, k): the k-reciprocal neighbours of i, the j among i's k+1
//     nearest (Euclidean, i itself included; capped at the k1 nearest that
//     SpCL's search returns) that have i among their own k+1 nearest.
//  2. R*(i) = R(i, k1) expanded by R(c, round(k1/2)) for each candidate c
//     in it that shares more than 2/3 of its members with R(i, k1).
//  3. V_i, the weights exp(-(2 - 2 f_i.f_j)) over j in R*(i), normalised
//     to sum to 1 (a softmax of minus the squared distance).
//  4. Local query expansion: V_i <- mean of V_j over i's k2 nearest.
//  5. d_J(i, j) = 1 - m/(2 - m), m = sum_c min(V_ic, V_jc).
//
// Pairs sharing no weight are at distance 1; the Graph lists only the
// others (Far = 1). SpCL uses k1 = 30, k2 = 6 (SpCLK1, SpCLK2).
// The nearest-neighbour search is blas.Sgemm in chunks; the whole
// computation runs on all CPUs and returns display.Context()'s error when
// interrupted.
func JaccardGraph(features *nn.Tensor, k1, k2 int) (*Graph, error) {
	if features == nil || len(features.Shape) != 2 || features.Shape[0] == 0 || features.Shape[1] == 0 {
		return nil, fmt.Errorf("cluster: Jaccard needs features [N, D] with N, D > 0, got %v", shapeOf(features))
	}
	n, d := features.Shape[0], features.Shape[1]
	if k1 < 1 || k1 > n {
		return nil, fmt.Errorf("cluster: Jaccard k1 = %d must be in [1, N = %d]", k1, n)
	}
	if k2 < 1 || k2 > k1 {
		return nil, fmt.Errorf("cluster: Jaccard k2 = %d must be in [1, k1 = %d]", k2, k1)
	}
	for i, v := range features.Data {
		if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
			return nil, fmt.Errorf("cluster: feature %d of row %d is %v", i%d, i/d, v)
		}
	}
	ctx := display.Context()
	p := newProgress(n, 4, "Jaccard distance")
	defer p.Done()

	rank, err := nearest(features, k1)
	if err != nil {
		return nil, err
	}
	p.Add(1)
	half := int(math.RoundToEven(float64(k1) / 2))
	recip := func(i, k int) []int32 {
		k = min(k+1, k1)
		var out []int32
		for _, f := range rank[i][:k] {
			if slices.Contains(rank[f][:k], int32(i)) {
				out = append(out, f)
			}
		}
		return out
	}
	nnK1 := make([][]int32, n)
	nnHalf := make([][]int32, n)
	if err := parallel(n, func(i int) {
		nnK1[i] = recip(i, k1)
		nnHalf[i] = recip(i, half)
	}); err != nil {
		return nil, err
	}
	// V as sparse rows.
	vIdx := make([][]int32, n)
	vVal := make([][]float32, n)
	x := features.Data
	if err := parallel(n, func(i int) {
		r := nnK1[i]
		exp := append([]int32(nil), r...)
		for _, c := range r {
			rc := nnHalf[c]
			inter := 0
			for _, v := range rc {
				if slices.Contains(r, v) {
					inter++
				}
			}
			if float64(inter) > 2.0/3.0*float64(len(rc)) {
				exp = append(exp, rc...)
			}
		}
		slices.Sort(exp)
		exp = slices.Compact(exp)
		w := make([]float64, len(exp))
		m := math.Inf(-1)
		xi := x[i*d : (i+1)*d]
		for k, j := range exp {
			var dot float64
			for c, v := range x[int(j)*d : (int(j)+1)*d] {
				dot += float64(xi[c]) * float64(v)
			}
			w[k] = -(2 - 2*dot)
			m = math.Max(m, w[k])
		}
		var sum float64
		for k := range w {
			w[k] = math.Exp(w[k] - m)
			sum += w[k]
		}
		vv := make([]float32, len(w))
		for k := range w {
			vv[k] = float32(w[k] / sum)
		}
		vIdx[i], vVal[i] = exp, vv
	}); err != nil {
		return nil, err
	}
	p.Add(1)
	if k2 != 1 {
		qIdx := make([][]int32, n)
		qVal := make([][]float32, n)
		if err := parallelScratch(n, func() any { return newAcc(n) }, func(i int, s any) {
			acc := s.(*acc)
			for _, j := range rank[i][:k2] {
				for k, c := range vIdx[j] {
					acc.add(c, float64(vVal[j][k]))
				}
			}
			qIdx[i], qVal[i] = acc.drain(1 / float64(k2))
		}); err != nil {
			return nil, err
		}
		vIdx, vVal = qIdx, qVal
	}
	p.Add(1)
	// Inverted index: the rows with a weight on column c, increasing.
	inv := make([][]int32, n)
	invVal := make([][]float32, n)
	for i := 0; i < n; i++ {
		for k, c := range vIdx[i] {
			inv[c] = append(inv[c], int32(i))
			invVal[c] = append(invVal[c], vVal[i][k])
		}
	}
	g := &Graph{N: n, Far: 1, Adj: make([][]int32, n), Dist: make([][]float32, n)}
	if err := parallelScratch(n, func() any { return newAcc(n) }, func(i int, s any) {
		acc := s.(*acc)
		for k, c := range vIdx[i] {
			vi := float64(vVal[i][k])
			for t, j := range inv[c] {
				acc.add(j, math.Min(vi, float64(invVal[c][t])))
			}
		}
		idx, tm := acc.drain(1)
		dist := make([]float32, len(tm))
		for k, m := range tm {
			dist[k] = float32(math.Max(1-float64(m)/(2-float64(m)), 0))
		}
		g.Adj[i], g.Dist[i] = idx, dist
	}); err != nil {
		return nil, err
	}
	p.Add(1)
	return g, ctx.Err()
}

// nearest returns, for each row, the indices of its k nearest rows by
// Euclidean distance, nearest first (ties by index), itself included.
func nearest(features *nn.Tensor, k int) ([][]int32, error) {
	n, d := features.Shape[0], features.Shape[1]
	x := features.Data
	sq := make([]float32, n)
	for i := 0; i < n; i++ {
		var s float32
		for _, v := range x[i*d : (i+1)*d] {
			s += v * v
		}
		sq[i] = s
	}
	rank := make([][]int32, n)
	chunk := max(1, min(n, (1<<22)/n))
	s := make([]float32, chunk*n)
	ctx := display.Context()
	for lo := 0; lo < n; lo += chunk {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		hi := min(n, lo+chunk)
		blas.Sgemm(false, true, hi-lo, n, d, -2, x[lo*d:hi*d], d, x, d, 0, s, n)
		if err := parallelScratch(hi-lo, func() any { return make([]scored, 0, k) }, func(r int, sc any) {
			i := lo + r
			row := s[r*n : (r+1)*n]
			h := sc.([]scored)[:0]
			for j, v := range row {
				h = pushSmallest(h, scored{v + sq[i] + sq[j], int32(j)}, k)
			}
			slices.SortFunc(h, func(a, b scored) int {
				if c := cmp.Compare(a.v, b.v); c != 0 {
					return c
				}
				return cmp.Compare(a.i, b.i)
			})
			out := make([]int32, len(h))
			for t, e := range h {
				out[t] = e.i
			}
			rank[i] = out
		}); err != nil {
			return nil, err
		}
	}
	return rank, nil
}

type scored struct {
	v float32
	i int32
}

// worse orders candidates: larger distance, then larger index, is worse.
func worse(a, b scored) bool { return a.v > b.v || (a.v == b.v && a.i > b.i) }

// pushSmallest keeps h a max-heap (by worse) of the k best candidates.
func pushSmallest(h []scored, e scored, k int) []scored {
	if len(h) < k {
		h = append(h, e)
		for i := len(h) - 1; i > 0; {
			p := (i - 1) / 2
			if !worse(h[i], h[p]) {
				break
			}
			h[i], h[p] = h[p], h[i]
			i = p
		}
		return h
	}
	if !worse(h[0], e) {
		return h
	}
	h[0] = e
	for i := 0; ; {
		c := 2*i + 1
		if c >= len(h) {
			break
		}
		if c+1 < len(h) && worse(h[c+1], h[c]) {
			c++
		}
		if !worse(h[c], h[i]) {
			break
		}
		h[i], h[c] = h[c], h[i]
		i = c
	}
	return h
}

// acc accumulates a sparse row in a dense buffer.
type acc struct {
	val     []float64
	touched []int32
	seen    []bool
}

func newAcc(n int) *acc { return &acc{val: make([]float64, n), seen: make([]bool, n)} }

func (a *acc) add(j int32, v float64) {
	if !a.seen[j] {
		a.seen[j] = true
		a.touched = append(a.touched, j)
	}
	a.val[j] += v
}

// drain returns the touched entries in increasing index, scaled, and
// resets the accumulator.
func (a *acc) drain(scale float64) ([]int32, []float32) {
	slices.Sort(a.touched)
	idx := append([]int32(nil), a.touched...)
	val := make([]float32, len(idx))
	for k, j := range idx {
		val[k] = float32(a.val[j] * scale)
		a.val[j], a.seen[j] = 0, false
	}
	a.touched = a.touched[:0]
	return idx, val
}

// parallel runs f(i) for i in [0, n) on all CPUs, stopping early with
// display.Context()'s error when the cell is interrupted.
func parallel(n int, f func(i int)) error {
	return parallelScratch(n, func() any { return nil }, func(i int, _ any) { f(i) })
}

// parallelScratch is parallel with per-worker scratch made by mk.
func parallelScratch(n int, mk func() any, f func(i int, scratch any)) error {
	ctx := display.Context()
	p := min(runtime.GOMAXPROCS(0), n)
	if p < 1 {
		return ctx.Err()
	}
	const block = 64
	var mu sync.Mutex
	next := 0
	var wg sync.WaitGroup
	for w := 0; w < p; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s := mk()
			for {
				if ctx.Err() != nil {
					return
				}
				mu.Lock()
				lo := next
				next += block
				mu.Unlock()
				if lo >= n {
					return
				}
				for i := lo; i < min(n, lo+block); i++ {
					f(i, s)
				}
			}
		}()
	}
	wg.Wait()
	return ctx.Err()
}

// progressMin is the least number of points for which a progress bar is
// worth showing.
const progressMin = 4096

type progress interface {
	Add(int)
	Done()
}

type noProgress struct{}

func (noProgress) Add(int) {}
func (noProgress) Done()   {}

func newProgress(n, total int, label string) progress {
	if n < progressMin {
		return noProgress{}
	}
	return display.NewProgress(total, label)
}
