package loss

import (
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/gocontrast/contrast/recipes/nn"
)

// Tolerances of the finite-difference checks (float32 losses, h = 1e-2).
const (
	fdStep = 1e-2
	fdTol  = 2e-2
)

func randTensor(rng *rand.Rand, n, d int) *nn.Tensor {
	t := nn.New(n, d)
	for i := range t.Data {
		t.Data[i] = float32(rng.NormFloat64())
	}
	return t
}

func unitRows(rng *rand.Rand, n, d int) *nn.Tensor {
	t := randTensor(rng, n, d)
	normalizeRows(t.Data, t.Data, n, d, nil)
	return t
}

func checkFD(t *testing.T, name string, f func(*nn.Tensor) (float64, *nn.Tensor), z *nn.Tensor) {
	t.Helper()
	worst, at := GradCheck(f, z, fdStep)
	if worst > fdTol {
		t.Errorf("%s: gradient disagrees with finite differences: relative error %.3g > %g at %s", name, worst, fdTol, at)
	}
}

func TestGradients(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	z := randTensor(rng, 8, 5)
	labels := []int{0, 1, 0, 2, 1, 3, 0, 2}
	queue := unitRows(rng, 12, 5)
	k := randTensor(rng, 4, 5)
	mem := unitRows(rng, 6, 5)
	memLabels := []int{0, 1, 1, 4, 2, 0}
	cases := []struct {
		name string
		f    func(*nn.Tensor) (float64, *nn.Tensor)
		z    *nn.Tensor
	}{
		{"NTXent", func(z *nn.Tensor) (float64, *nn.Tensor) { return NTXent(z, 0.5) }, z.Clone()},
		{"NTXent/tau0.1", func(z *nn.Tensor) (float64, *nn.Tensor) { return NTXent(z, 0.1) }, z.Clone()},
		{"SupCon/out", func(z *nn.Tensor) (float64, *nn.Tensor) { return SupCon(z, labels, DefaultSupCon()) }, z.Clone()},
		{"SupCon/in", func(z *nn.Tensor) (float64, *nn.Tensor) {
			return SupCon(z, labels, SupConConfig{Temperature: 0.2, In: true})
		}, z.Clone()},
		{"SupCon/nolabels", func(z *nn.Tensor) (float64, *nn.Tensor) { return SupCon(z, nil, SupConConfig{Temperature: 0.5}) }, z.Clone()},
		{"SupCon/memory", func(z *nn.Tensor) (float64, *nn.Tensor) {
			return SupConMemory(z, labels, mem, memLabels, DefaultSupCon())
		}, z.Clone()},
		{"SupCon/in+memory", func(z *nn.Tensor) (float64, *nn.Tensor) {
			return SupConMemory(z, labels, mem, memLabels, SupConConfig{Temperature: 0.3, In: true})
		}, z.Clone()},
		{"InfoNCE", func(q *nn.Tensor) (float64, *nn.Tensor) { return InfoNCE(q, k, queue, 0.2) }, randTensor(rng, 4, 5)},
		{"MoCHi/s'=0", func(q *nn.Tensor) (float64, *nn.Tensor) {
			return MoCHi(q, k, queue, MoCHiConfig{Temperature: 0.2, N: 3, S: 7}, rand.New(rand.NewPCG(3, 4)))
		}, separatedQueries(t, rng, queue, 4, 3)},
		{"SpCL", func(z *nn.Tensor) (float64, *nn.Tensor) {
			return SpCL(z, mem, memLabels, []int{0, 4, 1, 2, 2}, 0.5)
		}, randTensor(rng, 5, 5)},
		{"Distill/T2", func(s *nn.Tensor) (float64, *nn.Tensor) { return Distill(s, k, 2) }, randTensor(rng, 4, 5)},
		{"Distill/T1", func(s *nn.Tensor) (float64, *nn.Tensor) { return Distill(s, k, 1) }, randTensor(rng, 4, 5)},
		{"CrossEntropy", func(l *nn.Tensor) (float64, *nn.Tensor) { return CrossEntropy(l, []int{0, 4, 2, 1}) }, randTensor(rng, 4, 5)},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) { checkFD(t, c.name, c.f, c.z) })
	}
}

// separatedQueries draws b queries whose N+1 most similar queue entries
// are at least 0.05 apart in cosine similarity, so that the finite
// differences do not reorder MoCHi's hardest negatives (the loss is
// discontinuous where they swap).
func separatedQueries(t *testing.T, rng *rand.Rand, queue *nn.Tensor, b, n int) *nn.Tensor {
	d := queue.Cols()
	for try := 0; try < 1000; try++ {
		q := randTensor(rng, b, d)
		u := q.Clone()
		normalizeRows(u.Data, u.Data, b, d, nil)
		ok := true
		for i := 0; i < b && ok; i++ {
			sims := make([]float64, queue.Rows())
			for j := range sims {
				for c := 0; c < d; c++ {
					sims[j] += float64(u.At(i, c) * queue.At(j, c))
				}
			}
			slices.Sort(sims)
			slices.Reverse(sims)
			for j := 0; j < n; j++ {
				if sims[j]-sims[j+1] < 0.05 {
					ok = false
				}
			}
		}
		if ok {
			return q
		}
	}
	t.Fatal("no well-separated queries found")
	return nil
}

// TestGradCheckCatchesWrongGradient makes sure the checker fails a wrong
// gradient (here NT-Xent's with its sign flipped).
func TestGradCheckCatchesWrongGradient(t *testing.T) {
	z := randTensor(rand.New(rand.NewPCG(5, 6)), 6, 4)
	worst, _ := GradCheck(func(z *nn.Tensor) (float64, *nn.Tensor) {
		l, g := NTXent(z, 0.5)
		for i := range g.Data {
			g.Data[i] = -g.Data[i]
		}
		return l, g
	}, z, fdStep)
	if worst < 0.5 {
		t.Fatalf("GradCheck accepted a sign-flipped gradient: error %.3g", worst)
	}
}
