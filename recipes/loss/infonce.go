package loss

import (
	"fmt"
	"math"

	"github.com/gocontrast/contrast/blas"
	"github.com/gocontrast/contrast/recipes/nn"
)

// MoCo v2 settings (arXiv 2003.04297, and facebookresearch/moco's
// main_moco.py with --mlp --moco-t 0.2 --aug-plus --cos).
const (
	MoCoTemperature = 0.2
	MoCoQueueSize   = 65536
	MoCoMomentum    = 0.999
)

// InfoNCE is MoCo's contrastive loss (arXiv 1911.05722, eq. 1; MoCo v2,
// arXiv 2003.04297) for queries q [B, D], their positive keys k [B, D]
// and a queue of negative keys [K, D]. With u = q/|q| and kn = k/|k|,
//
//	l_b = -u_b.kn_b/tau + log( exp(u_b.kn_b/tau) + sum_j exp(u_b.queue_j/tau) )
//	L   = (1/B) sum_b l_b
//
// the cross-entropy with the positive at index 0 of the logits
// [l_pos, l_neg], as main_moco.py computes it. Keys and queue are detached
// (the key encoder gets no gradient); the queue rows are used as stored,
// normalised keys as the Queue in package memory holds them. It returns L
// and dL/dq. MoCoTemperature (0.2) is the MoCo v2 setting.
//
// It panics on shape mismatches or tau <= 0.
func InfoNCE(q, k, queue *nn.Tensor, tau float64) (float64, *nn.Tensor) {
	var w Workspace
	dq := nn.New(q.Shape...)
	l := w.InfoNCE(dq, q, k, queue, tau)
	return l, dq
}

// InfoNCE is the allocation-free form of InfoNCE: it writes dL/dq to dq
// (nil skips the gradient) and returns the loss.
func (w *Workspace) InfoNCE(dq, q, k, queue *nn.Tensor, tau float64) float64 {
	return w.queueNCE(dq, q, k, queue, tau, nil)
}

// queueNCE is InfoNCE with optional MoCHi synthetic negatives.
func (w *Workspace) queueNCE(dq, q, k, queue *nn.Tensor, tau float64, mix *Mixing) float64 {
	b, d := check2D("q", q)
	kb, kd := check2D("k", k)
	nq, qd := check2D("queue", queue)
	if kb != b || kd != d || qd != d {
		panic(fmt.Sprintf("loss: InfoNCE shapes disagree: q %v, k %v, queue %v", q.Shape, k.Shape, queue.Shape))
	}
	if b == 0 {
		panic("loss: InfoNCE needs at least one query")
	}
	checkTau(tau)
	checkDst(dq, b, d)
	if mix != nil {
		mix.check(b, nq)
	}
	u := grow32(&w.u, b*d)
	norms := grow64(&w.norms, b)
	normalizeRows(u, q.Data, b, d, norms)
	kn := grow32(&w.k, b*d)
	normalizeRows(kn, k.Data, b, d, nil)
	s := grow32(&w.s, b*nq)
	if nq > 0 {
		blas.Sgemm(false, true, b, nq, d, float32(1/tau), u, d, queue.Data, d, 0, s, nq)
	}
	gu := grow32(&w.gu, b*d)
	rows := grow64(&w.row, b)
	nsyn := 0
	if mix != nil {
		nsyn = mix.S + mix.SPrime
	}
	nw := workers(b, nq+nsyn*d)
	if len(w.mix) < nw {
		w.mix = append(w.mix, make([]mixScratch, nw-len(w.mix))...)
	}
	invTau := 1 / tau
	parallelRows(b, nq+nsyn*d, func(wk, lo, hi int) {
		ms := &w.mix[wk]
		for r := lo; r < hi; r++ {
			ur := u[r*d : (r+1)*d]
			kr := kn[r*d : (r+1)*d]
			var pos float64
			for j := range ur {
				pos += float64(ur[j]) * float64(kr[j])
			}
			pos *= invTau
			row := s[r*nq : (r+1)*nq]
			var syn []float32
			if mix != nil {
				syn = ms.synthesize(mix, r, row, ur, queue.Data, d, float32(invTau))
			}
			// log-sum-exp over [pos, row, syn].
			mf := max(float32(pos), maxf32(row), maxf32(syn))
			m := float64(mf)
			ep := math.Exp(pos - m)
			sum := ep + expSub(row, mf) + expSub(syn, mf)
			rows[r] = m + math.Log(sum) - pos
			inv := 1 / sum
			scale32(row, float32(inv))
			g := gu[r*d : (r+1)*d]
			cp := float32(ep*inv - 1)
			for j := range g {
				g[j] = cp * kr[j]
			}
			if mix != nil {
				ms.accumulate(g, syn, float32(inv), ur, queue.Data, d)
			}
		}
	})
	var total float64
	for _, v := range rows {
		total += v
	}
	total /= float64(b)
	if dq == nil {
		return total
	}
	if nq > 0 {
		blas.Sgemm(false, false, b, d, nq, 1, s, nq, queue.Data, d, 1, gu, d)
	}
	scale := float32(invTau / float64(b))
	for i := range gu {
		gu[i] *= scale
	}
	normalizeBackward(dq.Data, gu, u, b, d, norms)
	return total
}
