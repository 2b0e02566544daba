package loss

import (
	"fmt"

	"github.com/gocontrast/contrast/blas"
	"github.com/gocontrast/contrast/recipes/nn"
)

// SpCL's settings (arXiv 2006.02713, sec. 4.2, and yxgeee/SpCL's
// examples: --temp 0.05 --momentum 0.2).
const (
	SpCLTemperature = 0.05
	SpCLMomentum    = 0.2
)

// SpCL is the unified contrastive loss of self-paced contrastive learning
// (Ge et al., arXiv 2006.02713, eq. 2) over a hybrid memory: feats [B, D]
// are the batch's embeddings, memory [L, D] the memory's rows (source
// class centroids, then target instance features; detached) and
// memLabels [L] their classes: a source class, a target cluster or a
// un-clustered instance, each its own class. With u = z/|z|, each class c
// has the prototype
//
//	w_c = (1/|c|) sum_{j: memLabels_j = c} memory_j
//
// (the mean of its rows: a source centroid, a target cluster's centroid,
// an outlier's own feature), and
//
//	l_b = -u_b.w_{t_b}/tau + log sum_c exp(u_b.w_c/tau),   L = (1/B) sum_b l_b
//
// over the classes that have rows, where t_b = targets[b] is the class of
// sample b (memLabels of its memory row). This is what yxgeee/SpCL's
// HybridMemory computes (averaging the logits of a class's rows equals the
// logit of their mean), except that its 1e-6 guards inside the softmax and
// the log are replaced by an exact log-sum-exp. It returns L and dL/dz.
// SpCLTemperature (0.05) is the paper's setting.
//
// It panics on shape mismatches, negative labels, a target class without
// memory rows, or tau <= 0.
func SpCL(z, memory *nn.Tensor, memLabels, targets []int, tau float64) (float64, *nn.Tensor) {
	var w Workspace
	dz := nn.New(z.Shape...)
	l := w.SpCL(dz, z, memory, memLabels, targets, tau)
	return l, dz
}

// SpCL is the allocation-free form of SpCL.
func (w *Workspace) SpCL(dz, z, memory *nn.Tensor, memLabels, targets []int, tau float64) float64 {
	b, d := check2D("z", z)
	l, md := check2D("memory", memory)
	if md != d || len(memLabels) != l || len(targets) != b {
		panic(fmt.Sprintf("loss: SpCL shapes disagree: z %v, memory %v, %d memory labels, %d targets", z.Shape, memory.Shape, len(memLabels), len(targets)))
	}
	if b == 0 {
		panic("loss: SpCL needs at least one sample")
	}
	checkTau(tau)
	checkDst(dz, b, d)
	nc := 0
	for _, c := range memLabels {
		if c < 0 {
			panic(fmt.Sprintf("loss: SpCL memory label %d is negative", c))
		}
		nc = max(nc, c+1)
	}
	// Compact the non-empty classes: slot[c] is c's row in the centroids.
	w.cnt = growInt(&w.cnt, 2*nc)
	count, slot := w.cnt[:nc], w.cnt[nc:]
	clear(count)
	for _, c := range memLabels {
		count[c]++
	}
	k := 0
	for c := range count {
		slot[c] = -1
		if count[c] > 0 {
			slot[c] = k
			k++
		}
	}
	cent := grow32(&w.c, k*d)
	clear(cent)
	for j, c := range memLabels {
		row := cent[slot[c]*d : (slot[c]+1)*d]
		for i, v := range memory.Data[j*d : (j+1)*d] {
			row[i] += v
		}
	}
	for c := range count {
		if slot[c] < 0 {
			continue
		}
		inv := 1 / float32(count[c])
		row := cent[slot[c]*d : (slot[c]+1)*d]
		for i := range row {
			row[i] *= inv
		}
	}
	for i, t := range targets {
		if t < 0 || t >= nc || slot[t] < 0 {
			panic(fmt.Sprintf("loss: SpCL target %d of sample %d is a class with no memory rows", t, i))
		}
	}
	u := grow32(&w.u, b*d)
	norms := grow64(&w.norms, b)
	normalizeRows(u, z.Data, b, d, norms)
	s := grow32(&w.s, b*k)
	blas.Sgemm(false, true, b, k, d, float32(1/tau), u, d, cent, d, 0, s, k)
	rows := grow64(&w.row, b)
	parallelRows(b, k, func(_, lo, hi int) {
		for i := lo; i < hi; i++ {
			row := s[i*k : (i+1)*k]
			t := slot[targets[i]]
			pos := float64(row[t])
			rows[i] = softmaxRow(row, -1) - pos
			row[t] -= 1
		}
	})
	var total float64
	for _, v := range rows {
		total += v
	}
	total /= float64(b)
	if dz == nil {
		return total
	}
	gu := grow32(&w.gu, b*d)
	blas.Sgemm(false, false, b, d, k, float32(1/(tau*float64(b))), s, k, cent, d, 0, gu, d)
	normalizeBackward(dz.Data, gu, u, b, d, norms)
	return total
}

func growInt(b *[]int, n int) []int {
	if cap(*b) < n {
		*b = make([]int, n)
	}
	*b = (*b)[:n]
	return *b
}
