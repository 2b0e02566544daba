package loss

import (
	"fmt"

	"github.com/gocontrast/contrast/blas"
	"github.com/gocontrast/contrast/recipes/nn"
)

// SimCLRTemperature is the NT-Xent temperature of SimCLR's CIFAR-10
// setting (arXiv 2002.05709, Appendix B.9), which the CPU recipe uses.
const SimCLRTemperature = 0.5

// NTXent is SimCLR's normalized temperature-scaled cross-entropy loss
// (arXiv 2002.05709, eq. 1) for z of shape [2B, D], rows i and B+i being
// the two views of image i. With u = z/|z| and s_ij = u_i.u_j / tau,
//
//	l_a = -s_{a,p(a)} + log sum_{j != a} exp(s_aj),  p(a) = a+B mod 2B
//	L   = (1/B) sum_{a=0}^{2B-1} l_a
//
// that is the loss of both directions summed, each averaged over the B
// images, as google-research/simclr objective.py computes it (loss_a +
// loss_b). It is twice the mean of l_a over the 2B anchors. It returns L
// and dL/dz [2B, D]. SimCLRTemperature is the paper's CIFAR setting.
//
// It panics if z is not [2B, D] with B >= 1 or tau <= 0.
func NTXent(z *nn.Tensor, tau float64) (float64, *nn.Tensor) {
	var w Workspace
	dz := nn.New(z.Shape...)
	l := w.NTXent(dz, z, tau)
	return l, dz
}

// NTXent is the allocation-free form of NTXent: it writes dL/dz to dz
// (nil skips the gradient) and returns the loss.
func (w *Workspace) NTXent(dz, z *nn.Tensor, tau float64) float64 {
	n, d := check2D("z", z)
	if n < 2 || n%2 != 0 {
		panic(fmt.Sprintf("loss: NTXent needs an even number of rows (two views per image), got %d", n))
	}
	checkTau(tau)
	checkDst(dz, n, d)
	b := n / 2
	u := grow32(&w.u, n*d)
	norms := grow64(&w.norms, n)
	normalizeRows(u, z.Data, n, d, norms)
	s := grow32(&w.s, n*n)
	blas.Sgemm(false, true, n, n, d, float32(1/tau), u, d, u, d, 0, s, n)

	rows := grow64(&w.row, n)
	parallelRows(n, n, func(_, lo, hi int) {
		for a := lo; a < hi; a++ {
			p := (a + b) % n
			row := s[a*n : (a+1)*n]
			pos := float64(row[p])
			lse := softmaxRow(row, a)
			rows[a] = lse - pos
			row[p] -= 1
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
	// s now holds G*B where G = dL/ds; dL/du = (G + G^T) u / tau.
	for a := 0; a < n; a++ {
		for j := a + 1; j < n; j++ {
			v := s[a*n+j] + s[j*n+a]
			s[a*n+j], s[j*n+a] = v, v
		}
	}
	gu := grow32(&w.gu, n*d)
	blas.Sgemm(false, false, n, d, n, float32(1/(tau*float64(b))), s, n, u, d, 0, gu, d)
	normalizeBackward(dz.Data, gu, u, n, d, norms)
	return total
}
