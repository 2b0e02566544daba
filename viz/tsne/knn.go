package tsne

import (
	"context"
	"math"
	"slices"
)

// neighbors holds each point's k nearest neighbours (itself excluded),
// nearest first.
type neighbors struct {
	n, k int
	idx  []int32   // n*k neighbour indices
	dist []float64 // n*k squared Euclidean distances, in float64
}

// topk is a bounded max-heap keeping the k smallest distances pushed.
type topk struct {
	d    []float32
	i    []int32
	size int
}

func newTopk(k int) topk { return topk{d: make([]float32, k), i: make([]int32, k)} }

func (h *topk) reset() { h.size = 0 }

// worst is the admission threshold: +Inf until the heap is full.
func (h *topk) worst() float32 {
	if h.size < len(h.d) {
		return float32(math.Inf(1))
	}
	return h.d[0]
}

// contains reports whether index j is in the heap (linear scan).
func (h *topk) contains(j int32) bool {
	for _, v := range h.i[:h.size] {
		if v == j {
			return true
		}
	}
	return false
}

func (h *topk) push(d float32, j int32) {
	if h.size < len(h.d) {
		c := h.size
		h.size++
		for c > 0 {
			p := (c - 1) / 2
			if !less(h.d[p], h.i[p], d, j) {
				break
			}
			h.d[c], h.i[c] = h.d[p], h.i[p]
			c = p
		}
		h.d[c], h.i[c] = d, j
		return
	}
	if !less(d, j, h.d[0], h.i[0]) {
		return
	}
	// Sift the new root down.
	c, n := 0, h.size
	for {
		l := 2*c + 1
		if l >= n {
			break
		}
		if r := l + 1; r < n && less(h.d[l], h.i[l], h.d[r], h.i[r]) {
			l = r
		}
		if !less(d, j, h.d[l], h.i[l]) {
			break
		}
		h.d[c], h.i[c] = h.d[l], h.i[l]
		c = l
	}
	h.d[c], h.i[c] = d, j
}

// less orders by distance, then index, so that ties resolve the same way
// whatever order candidates arrive in.
func less(d1 float32, i1 int32, d2 float32, i2 int32) bool {
	return d1 < d2 || (d1 == d2 && i1 < i2)
}

// sqNorms returns the squared row norms of the n x d matrix x.
func sqNorms(x []float32, n, d int) []float32 {
	out := make([]float32, n)
	for i := range n {
		var s float32
		for _, v := range x[i*d : i*d+d] {
			s += v * v
		}
		out[i] = s
	}
	return out
}

// knnExact finds the k nearest neighbours of every row of x by brute
// force: squared distances |a|^2 + |b|^2 - 2 a.b in float32, four query
// rows at a time, kept in a bounded heap per row. It is O(n^2 d).
func knnExact(ctx context.Context, x []float32, n, d, k, threads int) (*neighbors, error) {
	norms := sqNorms(x, n, d)
	nb := &neighbors{n: n, k: k, idx: make([]int32, n*k), dist: make([]float64, n*k)}
	const chunk = 32 // query rows per task, a multiple of 4
	parallelFor(n, chunk, threads, func(_, lo, hi int) {
		if ctx.Err() != nil {
			return
		}
		var hs [4]topk
		for q := range hs {
			hs[q] = newTopk(k)
		}
		for i := lo; i < hi; i += 4 {
			rows := min(4, hi-i)
			for q := range rows {
				hs[q].reset()
			}
			if rows == 4 {
				a0, a1, a2, a3 := x[i*d:i*d+d], x[(i+1)*d:(i+2)*d], x[(i+2)*d:(i+3)*d], x[(i+3)*d:(i+4)*d]
				n0, n1, n2, n3 := norms[i], norms[i+1], norms[i+2], norms[i+3]
				w0, w1, w2, w3 := hs[0].worst(), hs[1].worst(), hs[2].worst(), hs[3].worst()
				for j := range n {
					s0, s1, s2, s3 := dot4(a0, a1, a2, a3, x[j*d:j*d+d])
					nj := norms[j]
					j32 := int32(j)
					if v := n0 + nj - 2*s0; v <= w0 && j != i {
						hs[0].push(v, j32)
						w0 = hs[0].worst()
					}
					if v := n1 + nj - 2*s1; v <= w1 && j != i+1 {
						hs[1].push(v, j32)
						w1 = hs[1].worst()
					}
					if v := n2 + nj - 2*s2; v <= w2 && j != i+2 {
						hs[2].push(v, j32)
						w2 = hs[2].worst()
					}
					if v := n3 + nj - 2*s3; v <= w3 && j != i+3 {
						hs[3].push(v, j32)
						w3 = hs[3].worst()
					}
				}
			} else {
				for q := range rows {
					a := x[(i+q)*d : (i+q)*d+d]
					w := hs[q].worst()
					for j := range n {
						if j == i+q {
							continue
						}
						if v := norms[i+q] + norms[j] - 2*dot(a, x[j*d:j*d+d]); v <= w {
							hs[q].push(v, int32(j))
							w = hs[q].worst()
						}
					}
				}
			}
			for q := range rows {
				copy(nb.idx[(i+q)*k:(i+q+1)*k], hs[q].i[:k])
			}
		}
	})
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	nb.refine(x, d, threads)
	return nb, nil
}

// refine recomputes each neighbour's squared distance directly in float64
// (the |a|^2+|b|^2-2ab form loses digits for close points) and sorts each
// row nearest first, ties by index.
func (nb *neighbors) refine(x []float32, d, threads int) {
	k := nb.k
	parallelFor(nb.n, 256, threads, func(_, lo, hi int) {
		type pair struct {
			d float64
			j int32
		}
		ps := make([]pair, k)
		for i := lo; i < hi; i++ {
			a := x[i*d : i*d+d]
			for t := range k {
				j := nb.idx[i*k+t]
				ps[t] = pair{sqDist64(a, x[int(j)*d:int(j)*d+d]), j}
			}
			slices.SortFunc(ps, func(p, q pair) int {
				switch {
				case p.d < q.d:
					return -1
				case p.d > q.d:
					return 1
				}
				return int(p.j) - int(q.j)
			})
			for t, p := range ps {
				nb.idx[i*k+t], nb.dist[i*k+t] = p.j, p.d
			}
		}
	})
}

func sqDist64(a, b []float32) float64 {
	b = b[:len(a)]
	var s float64
	for t, v := range a {
		e := float64(v) - float64(b[t])
		s += e * e
	}
	return s
}

func sqDist32(a, b []float32) float32 {
	b = b[:len(a)]
	var s0, s1 float32
	t := 0
	for ; t+1 < len(a); t += 2 {
		e0 := a[t] - b[t]
		e1 := a[t+1] - b[t+1]
		s0 += e0 * e0
		s1 += e1 * e1
	}
	if t < len(a) {
		e := a[t] - b[t]
		s0 += e * e
	}
	return s0 + s1
}

func dot(a, b []float32) float32 {
	b = b[:len(a)]
	var s float32
	for t, v := range a {
		s += v * b[t]
	}
	return s
}

// dot4 returns the dot products of four rows with b; the hot loop of the
// brute-force search (one load of b feeds four products).
func dot4(a0, a1, a2, a3, b []float32) (s0, s1, s2, s3 float32) {
	n := len(b)
	a0, a1, a2, a3 = a0[:n], a1[:n], a2[:n], a3[:n]
	for t, bv := range b {
		s0 += a0[t] * bv
		s1 += a1[t] * bv
		s2 += a2[t] * bv
		s3 += a3[t] * bv
	}
	return
}
