package loss

import (
	"fmt"

	"github.com/gocontrast/contrast/recipes/nn"
)

// Distill is SimCLRv2's distillation loss (Chen et al., arXiv 2006.10029,
// eq. 3) with Hinton's T^2 scaling (arXiv 1503.02531), for student and
// teacher logits [N, C]:
//
//	L = T^2 (1/N) sum_i sum_c -softmax(t_i/T)_c log softmax(s_i/T)_c
//
// The teacher is detached. The T^2 factor keeps the gradient's size
// independent of T: dL/ds_i = T (softmax(s_i/T) - softmax(t_i/T)) / N.
// T = 1 gives plain cross-entropy against the teacher's probabilities. It
// returns L and dL/dstudent.
//
// It panics if the shapes differ or T <= 0.
func Distill(student, teacher *nn.Tensor, T float64) (float64, *nn.Tensor) {
	var w Workspace
	ds := nn.New(student.Shape...)
	l := w.Distill(ds, student, teacher, T)
	return l, ds
}

// Distill is the allocation-free form of Distill.
func (w *Workspace) Distill(ds, student, teacher *nn.Tensor, T float64) float64 {
	n, c := check2D("student", student)
	tn, tc := check2D("teacher", teacher)
	if tn != n || tc != c || n == 0 || c == 0 {
		panic(fmt.Sprintf("loss: Distill shapes disagree or are empty: student %v, teacher %v", student.Shape, teacher.Shape))
	}
	checkTau(T)
	checkDst(ds, n, c)
	inv := float32(1 / T)
	ps := grow32(&w.s, n*c)
	pt := grow32(&w.gu, n*c)
	for i, v := range student.Data {
		ps[i] = v * inv
	}
	for i, v := range teacher.Data {
		pt[i] = v * inv
	}
	var total float64
	for i := 0; i < n; i++ {
		sr, tr := ps[i*c:(i+1)*c], pt[i*c:(i+1)*c]
		// cross-entropy = lse(s) - sum_c p_t s_c
		var dot float64
		softmaxRow(tr, -1)
		for j := range sr {
			dot += float64(tr[j]) * float64(sr[j])
		}
		total += softmaxRow(sr, -1) - dot
	}
	total *= T * T / float64(n)
	if ds != nil {
		g := float32(T / float64(n))
		for i := range ds.Data {
			ds.Data[i] = g * (ps[i] - pt[i])
		}
	}
	return total
}

// CrossEntropy is the softmax cross-entropy of logits [N, C] against
// integer labels in [0, C), averaged over the N rows (PyTorch's
// F.cross_entropy with its default mean reduction). It returns the loss
// and dL/dlogits = (softmax(logits) - onehot(labels)) / N.
//
// It panics on a shape mismatch or a label out of range.
func CrossEntropy(logits *nn.Tensor, labels []int) (float64, *nn.Tensor) {
	var w Workspace
	dl := nn.New(logits.Shape...)
	l := w.CrossEntropy(dl, logits, labels)
	return l, dl
}

// CrossEntropy is the allocation-free form of CrossEntropy.
func (w *Workspace) CrossEntropy(dlogits, logits *nn.Tensor, labels []int) float64 {
	n, c := check2D("logits", logits)
	if len(labels) != n || n == 0 {
		panic(fmt.Sprintf("loss: CrossEntropy has %d labels for logits %v", len(labels), logits.Shape))
	}
	checkDst(dlogits, n, c)
	p := grow32(&w.s, n*c)
	copy(p, logits.Data)
	var total float64
	for i, y := range labels {
		if y < 0 || y >= c {
			panic(fmt.Sprintf("loss: CrossEntropy label %d of row %d is outside [0, %d)", y, i, c))
		}
		row := p[i*c : (i+1)*c]
		pos := float64(row[y])
		total += softmaxRow(row, -1) - pos
		row[y] -= 1
	}
	total /= float64(n)
	if dlogits != nil {
		inv := float32(1 / float64(n))
		for i, v := range p {
			dlogits.Data[i] = v * inv
		}
	}
	return total
}
