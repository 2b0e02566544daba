package tsne

import "math"

// The gradient of KL(P||Q) with Student-t similarities
// q_ij = w_ij / Z, w_ij = 1/(1+|y_i-y_j|^2), Z = sum_{k!=l} w_kl, is
//
//	dKL/dy_i = 4 sum_j (p_ij - q_ij) w_ij (y_i - y_j)
//	         = 4 [ sum_j p_ij w_ij (y_i - y_j)  -  (1/Z) sum_j w_ij^2 (y_i - y_j) ]
//
// (van der Maaten & Hinton 2008, eq. 5). Like openTSNE and FIt-SNE, this
// package drops the constant 4: gradients are dKL/dy / 4 and learning
// rates are in those units (openTSNE's learning rate N/12 equals
// scikit-learn's N/12/4). The first sum (attraction) runs over the sparse
// P; the second (repulsion) over all pairs, exactly or approximately.

// repulsion computes the repulsive half of the gradient.
type repulsion interface {
	// forces writes rep[i*dims+c] = sum_{j!=i} w_ij^2 (y_i - y_j)_c for
	// every point and returns Z = sum_{i!=j} w_ij.
	forces(y, rep []float64) float64
	name() string
}

// objective evaluates the gradient and, on request, the KL divergence.
type objective struct {
	p       *sparseP
	dims    int
	threads int
	rep     repulsion
	pLogP   float64   // sum p log p
	repBuf  []float64 // n*dims
	partial []float64 // per-chunk partial sums of p log w
}

const attrChunk = 512

func newObjective(p *sparseP, dims, threads int, rep repulsion) *objective {
	return &objective{
		p: p, dims: dims, threads: threads, rep: rep,
		pLogP:   p.sumPLogP(),
		repBuf:  make([]float64, p.n*dims),
		partial: make([]float64, numChunks(p.n, attrChunk)),
	}
}

// gradient writes into grad the gradient (divided by 4) of KL(ex*P || Q)
// with respect to y, where ex is the exaggeration factor. With evalKL it
// also returns KL(P||Q) of the un-exaggerated P at y (else NaN).
func (o *objective) gradient(y, grad []float64, ex float64, evalKL bool) float64 {
	z := o.rep.forces(y, o.repBuf)
	invZ := 1 / z
	o.attract(y, grad, ex, evalKL)
	for i, r := range o.repBuf {
		grad[i] -= r * invZ
	}
	if !evalKL {
		return math.NaN()
	}
	// KL = sum p log p - sum p log(w/Z) = sum p log p - sum p log w + log Z
	// (sum p = 1).
	return o.pLogP - sumOrdered(o.partial) + math.Log(z)
}

// attract writes grad[i] = ex * sum_j p_ij w_ij (y_i - y_j) and, with
// evalKL, the per-chunk sums of p_ij log w_ij.
func (o *objective) attract(y, grad []float64, ex float64, evalKL bool) {
	p, dims := o.p, o.dims
	parallelFor(p.n, attrChunk, o.threads, func(c, lo, hi int) {
		var plw float64
		switch dims {
		case 2:
			for i := lo; i < hi; i++ {
				yi0, yi1 := y[2*i], y[2*i+1]
				var g0, g1 float64
				cols := p.col[p.ptr[i]:p.ptr[i+1]]
				vals := p.val[p.ptr[i]:p.ptr[i+1]]
				vals = vals[:len(cols)]
				for t, j := range cols {
					d0 := yi0 - y[2*j]
					d1 := yi1 - y[2*j+1]
					w := 1 / (1 + d0*d0 + d1*d1)
					pw := vals[t] * w
					g0 += pw * d0
					g1 += pw * d1
					if evalKL {
						plw += vals[t] * math.Log(w)
					}
				}
				grad[2*i] = ex * g0
				grad[2*i+1] = ex * g1
			}
		default:
			diff := make([]float64, dims)
			for i := lo; i < hi; i++ {
				gi := grad[i*dims : (i+1)*dims]
				clear(gi)
				yi := y[i*dims : (i+1)*dims]
				for t := p.ptr[i]; t < p.ptr[i+1]; t++ {
					j := int(p.col[t])
					yj := y[j*dims : (j+1)*dims]
					var d2 float64
					for c := range dims {
						diff[c] = yi[c] - yj[c]
						d2 += diff[c] * diff[c]
					}
					w := 1 / (1 + d2)
					pw := p.val[t] * w
					for c := range dims {
						gi[c] += pw * diff[c]
					}
					if evalKL {
						plw += p.val[t] * math.Log(w)
					}
				}
				for c := range dims {
					gi[c] *= ex
				}
			}
		}
		o.partial[c] = plw
	})
}

// exactRepulsion sums over all pairs: O(n^2) per iteration.
type exactRepulsion struct {
	n, dims, threads int
	zi               []float64 // per-point sums of w_ij
}

func newExactRepulsion(n, dims, threads int) *exactRepulsion {
	return &exactRepulsion{n: n, dims: dims, threads: threads, zi: make([]float64, n)}
}

func (e *exactRepulsion) name() string { return "exact" }

func (e *exactRepulsion) forces(y, rep []float64) float64 {
	n, dims := e.n, e.dims
	parallelFor(n, 64, e.threads, func(_, lo, hi int) {
		diff := make([]float64, dims)
		for i := lo; i < hi; i++ {
			ri := rep[i*dims : (i+1)*dims]
			clear(ri)
			yi := y[i*dims : (i+1)*dims]
			var z float64
			if dims == 2 {
				y0, y1 := yi[0], yi[1]
				var r0, r1 float64
				for j := range n {
					d0 := y0 - y[2*j]
					d1 := y1 - y[2*j+1]
					w := 1 / (1 + d0*d0 + d1*d1)
					z += w
					w2 := w * w
					r0 += w2 * d0
					r1 += w2 * d1
				}
				// j == i contributed w = 1 with zero difference.
				ri[0], ri[1] = r0, r1
				e.zi[i] = z - 1
				continue
			}
			for j := range n {
				if j == i {
					continue
				}
				yj := y[j*dims : (j+1)*dims]
				var d2 float64
				for c := range dims {
					diff[c] = yi[c] - yj[c]
					d2 += diff[c] * diff[c]
				}
				w := 1 / (1 + d2)
				z += w
				w2 := w * w
				for c := range dims {
					ri[c] += w2 * diff[c]
				}
			}
			e.zi[i] = z
		}
	})
	return sumOrdered(e.zi)
}
