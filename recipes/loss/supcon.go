package loss

import (
	"fmt"
	"math"

	"github.com/gocontrast/contrast/blas"
	"github.com/gocontrast/contrast/recipes/nn"
)

// SupConConfig holds the hyperparameters of the supervised contrastive
// loss (Khosla et al., arXiv 2004.11362).
type SupConConfig struct {
	// Temperature tau of the similarities.
	Temperature float64
	// BaseTemperature scales the loss by Temperature/BaseTemperature, as
	// HobbitLong/SupContrast losses.py does; 0 means Temperature (no
	// scaling).
	BaseTemperature float64
	// In selects L_in (the log outside the mean over positives is moved
	// inside it, eq. 3 of the paper) instead of L_out (eq. 2), the paper's
	// recommended and default form.
	In bool
}

// DefaultSupCon returns the paper's setting: L_out, temperature 0.1
// (arXiv 2004.11362, sec. 4), with the reference code's base temperature
// 0.07, so the loss is scaled by 0.1/0.07.
func DefaultSupCon() SupConConfig {
	return SupConConfig{Temperature: 0.1, BaseTemperature: 0.07}
}

// SupCon is the supervised contrastive loss for z [N, D] (the views
// stacked: with V views of B images, rows v*B+i are the views of image i)
// and labels. With u = z/|z|, s_ij = u_i.u_j/tau, A(i) = all rows but i and
// P(i) = {p in A(i): label_p = label_i},
//
//	L_out: l_i = -(tau/tau_b) (1/|P(i)|) sum_{p in P(i)} [ s_ip - log sum_{a in A(i)} exp(s_ia) ]
//	L_in:  l_i = -(tau/tau_b) log( (1/|P(i)|) sum_{p in P(i)} exp(s_ip) / sum_{a in A(i)} exp(s_ia) )
//	L = (1/N) sum_i l_i
//
// An anchor without positives contributes 0 but still counts in the mean,
// as the reference code does (its mask_pos_pairs guard).
//
// labels has one entry per row (N), or one per image (N/V for V views,
// repeated for each view); nil labels make each image its own class, which
// is SimCLR's loss with two views (the reference code's unsupervised mode).
// It returns L and dL/dz.
//
// It panics on shape mismatches or a non-positive temperature.
func SupCon(z *nn.Tensor, labels []int, cfg SupConConfig) (float64, *nn.Tensor) {
	var w Workspace
	dz := nn.New(z.Shape...)
	l := w.SupCon(dz, z, labels, nil, nil, cfg)
	return l, dz
}

// SupConMemory is SupCon against a cross-batch memory (XBM, Wang et al.,
// arXiv 1912.06798): the contrast set A(i) of each anchor is the other
// rows of the batch plus every row of mem [M, D] (L2-normalised embeddings
// of earlier batches, detached) with labels memLabels. Anchors are the
// batch rows only; the gradient flows to z only.
func SupConMemory(z *nn.Tensor, labels []int, mem *nn.Tensor, memLabels []int, cfg SupConConfig) (float64, *nn.Tensor) {
	var w Workspace
	dz := nn.New(z.Shape...)
	l := w.SupCon(dz, z, labels, mem, memLabels, cfg)
	return l, dz
}

// rowLabels expands per-image labels to per-row ones.
func rowLabels(labels []int, n int) []int {
	if labels == nil {
		if n%2 != 0 {
			panic(fmt.Sprintf("loss: SupCon without labels needs two views (an even number of rows), got %d rows", n))
		}
		out := make([]int, n)
		for i := range out {
			out[i] = i % (n / 2)
		}
		return out
	}
	if len(labels) == n {
		return labels
	}
	if len(labels) == 0 || n%len(labels) != 0 {
		panic(fmt.Sprintf("loss: %d labels for %d rows: give one per row or one per image", len(labels), n))
	}
	out := make([]int, n)
	for i := range out {
		out[i] = labels[i%len(labels)]
	}
	return out
}

// SupCon is the allocation-free form of SupCon and SupConMemory (mem and
// memLabels nil for no memory). It writes dL/dz to dz (nil skips it).
func (w *Workspace) SupCon(dz, z *nn.Tensor, labels []int, mem *nn.Tensor, memLabels []int, cfg SupConConfig) float64 {
	n, d := check2D("z", z)
	if n == 0 {
		panic("loss: SupCon needs at least one row")
	}
	tau := cfg.Temperature
	checkTau(tau)
	base := cfg.BaseTemperature
	if base == 0 {
		base = tau
	}
	checkTau(base)
	checkDst(dz, n, d)
	lab := rowLabels(labels, n)
	m := 0
	if mem != nil {
		var md int
		m, md = check2D("mem", mem)
		if md != d || len(memLabels) != m {
			panic(fmt.Sprintf("loss: SupCon memory %v with %d labels does not match z %v", mem.Shape, len(memLabels), z.Shape))
		}
	}
	cols := n + m
	u := grow32(&w.u, n*d)
	norms := grow64(&w.norms, n)
	normalizeRows(u, z.Data, n, d, norms)
	s := grow32(&w.s, n*cols)
	blas.Sgemm(false, true, n, n, d, float32(1/tau), u, d, u, d, 0, s, cols)
	if m > 0 {
		blas.Sgemm(false, true, n, m, d, float32(1/tau), u, d, mem.Data, d, 0, s[n:], cols)
	}
	scale := tau / base
	rows := grow64(&w.row, n)
	parallelRows(n, cols, func(_, lo, hi int) {
		for i := lo; i < hi; i++ {
			row := s[i*cols : (i+1)*cols]
			same := func(j int) bool {
				if j < n {
					return j != i && lab[j] == lab[i]
				}
				return memLabels[j-n] == lab[i]
			}
			np := 0
			var sumPos float64
			mp := math.Inf(-1)
			for j, v := range row {
				if same(j) {
					np++
					sumPos += float64(v)
					mp = math.Max(mp, float64(v))
				}
			}
			if np == 0 {
				rows[i] = 0
				for j := range row {
					row[j] = 0
				}
				continue
			}
			if cfg.In {
				// log sum_p exp(s_ip), before row is overwritten.
				var se float64
				for j, v := range row {
					if same(j) {
						se += math.Exp(float64(v) - mp)
					}
				}
				lsePos := mp + math.Log(se)
				lse := softmaxRow(row, i)
				rows[i] = -scale * (lsePos - math.Log(float64(np)) - lse)
				// dl/ds_ij = scale (softmax_ij - softmax over positives_ij).
				for j := range row {
					if same(j) {
						// exp(s_ij - lsePos) from the probability p_ij = exp(s_ij - lse).
						q := float64(row[j]) * math.Exp(lse-lsePos)
						row[j] = float32(scale * (float64(row[j]) - q))
					} else {
						row[j] = float32(scale * float64(row[j]))
					}
				}
				continue
			}
			lse := softmaxRow(row, i)
			rows[i] = -scale * (sumPos/float64(np) - lse)
			inv := 1 / float64(np)
			for j := range row {
				v := float64(row[j])
				if same(j) {
					v -= inv
				}
				row[j] = float32(scale * v)
			}
		}
	})
	var total float64
	for _, v := range rows {
		total += v
	}
	total /= float64(n)
	if dz == nil {
		return total
	}
	// s holds N*G, G = dL/ds. dL/du = (G_bb + G_bb^T) u / tau + G_bm mem / tau.
	for a := 0; a < n; a++ {
		for j := a + 1; j < n; j++ {
			v := s[a*cols+j] + s[j*cols+a]
			s[a*cols+j], s[j*cols+a] = v, v
		}
	}
	gu := grow32(&w.gu, n*d)
	alpha := float32(1 / (tau * float64(n)))
	blas.Sgemm(false, false, n, d, n, alpha, s, cols, u, d, 0, gu, d)
	if m > 0 {
		blas.Sgemm(false, false, n, d, m, alpha, s[n:], cols, mem.Data, d, 1, gu, d)
	}
	normalizeBackward(dz.Data, gu, u, n, d, norms)
	return total
}
