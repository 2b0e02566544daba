package tsne

import (
	"math"
	"slices"
)

// sparseP is the symmetric affinity matrix P in compressed sparse rows:
// row i holds columns col[ptr[i]:ptr[i+1]] (ascending) with values val.
// Its entries sum to 1.
type sparseP struct {
	n   int
	ptr []int
	col []int32
	val []float64
}

const (
	perplexityTol   = 1e-5 // |H - log(perplexity)| at which the search stops (nats)
	perplexitySteps = 200  // most bisection steps per point
)

// conditionalP calibrates, for each point i, the Gaussian precision beta_i
// so that the conditional distribution over its k neighbours,
//
//	p_{j|i} = exp(-beta_i d_ij) / sum_l exp(-beta_i d_il),
//
// where d_ij is the squared distance, has entropy log(perplexity)
// (van der Maaten & Hinton 2008, section 2). It searches beta by
// bisection with doubling, as scikit-learn and openTSNE do. The result is
// n*k row-stochastic values aligned with nb.idx.
func conditionalP(nb *neighbors, perplexity float64, threads int) []float64 {
	n, k := nb.n, nb.k
	p := make([]float64, n*k)
	target := math.Log(perplexity)
	parallelFor(n, 256, threads, func(_, lo, hi int) {
		for i := lo; i < hi; i++ {
			calibrateRow(nb.dist[i*k:(i+1)*k], target, p[i*k:(i+1)*k])
		}
	})
	return p
}

// calibrateRow writes into p the distribution exp(-beta d)/Z whose entropy
// is within perplexityTol of target, and returns beta. Distances are
// shifted by their minimum first, which leaves p unchanged and keeps exp
// from underflowing.
func calibrateRow(d []float64, target float64, p []float64) float64 {
	dmin := math.Inf(1)
	for _, v := range d {
		dmin = min(dmin, v)
	}
	// Start from a scale matched to the spread of the distances; the
	// bisection fixes the rest.
	var mean float64
	for _, v := range d {
		mean += v - dmin
	}
	mean /= float64(len(d))
	beta := 1.0
	if mean > 0 {
		beta = 1 / mean
	}
	lo, hi := 0.0, math.Inf(1)
	for range perplexitySteps {
		var sum, sumDP float64
		for j, v := range d {
			e := math.Exp(-beta * (v - dmin))
			p[j] = e
			sum += e
			sumDP += e * (v - dmin)
		}
		// H = log Z + beta <d> with shifted distances.
		h := math.Log(sum) + beta*sumDP/sum
		diff := h - target
		for j := range p {
			p[j] /= sum
		}
		if math.Abs(diff) <= perplexityTol {
			break
		}
		if diff > 0 { // too flat: sharpen
			lo = beta
			if math.IsInf(hi, 1) {
				beta *= 2
			} else {
				beta = (beta + hi) / 2
			}
		} else {
			hi = beta
			beta = (beta + lo) / 2
		}
	}
	return beta
}

// symmetrize returns P = (P_cond + P_cond^T) / (2n) in CSR, the joint
// distribution of symmetric SNE (van der Maaten & Hinton 2008, eq. 4 with
// the k-nearest-neighbour sparsity of van der Maaten 2014, arXiv:1301.3342).
func symmetrize(nb *neighbors, pc []float64, threads int) *sparseP {
	n, k := nb.n, nb.k
	// Row i receives its own k entries and one per appearance of i in
	// another row's list.
	count := make([]int, n+1)
	for i := range n {
		count[i] += k
	}
	for _, j := range nb.idx {
		count[j]++
	}
	start := make([]int, n+1)
	for i := range n {
		start[i+1] = start[i] + count[i]
	}
	cols := make([]int32, start[n])
	vals := make([]float64, start[n])
	fill := slices.Clone(start[:n])
	for i := range n {
		for t := range k {
			j := nb.idx[i*k+t]
			v := pc[i*k+t]
			cols[fill[i]], vals[fill[i]] = j, v
			fill[i]++
			cols[fill[j]], vals[fill[j]] = int32(i), v
			fill[j]++
		}
	}
	// Sort each row by column and merge duplicates in place.
	kept := make([]int, n)
	parallelFor(n, 512, threads, func(_, lo, hi int) {
		type entry struct {
			c int32
			v float64
		}
		var buf []entry
		for i := lo; i < hi; i++ {
			a, b := start[i], start[i+1]
			buf = buf[:0]
			for t := a; t < b; t++ {
				buf = append(buf, entry{cols[t], vals[t]})
			}
			slices.SortFunc(buf, func(x, y entry) int { return int(x.c) - int(y.c) })
			m := a
			for t, e := range buf {
				if t > 0 && e.c == buf[t-1].c {
					vals[m-1] += e.v
					continue
				}
				cols[m], vals[m] = e.c, e.v
				m++
			}
			kept[i] = m - a
		}
	})
	sp := &sparseP{n: n, ptr: make([]int, n+1)}
	for i := range n {
		sp.ptr[i+1] = sp.ptr[i] + kept[i]
	}
	sp.col = make([]int32, sp.ptr[n])
	sp.val = make([]float64, sp.ptr[n])
	scale := 1 / (2 * float64(n))
	for i := range n {
		dst := sp.ptr[i]
		copy(sp.col[dst:sp.ptr[i+1]], cols[start[i]:start[i]+kept[i]])
		for t := range kept[i] {
			sp.val[dst+t] = vals[start[i]+t] * scale
		}
	}
	return sp
}

// sumPLogP returns sum_ij p_ij log p_ij, the constant part of KL(P||Q).
func (sp *sparseP) sumPLogP() float64 {
	var s float64
	for _, v := range sp.val {
		if v > 0 {
			s += v * math.Log(v)
		}
	}
	return s
}
