package augment

import (
	"fmt"
	"math/rand/v2"

	"gonum.org/v1/gonum/stat/distuv"

	"github.com/gocontrast/contrast/recipes/nn"
)

// VectorTransform augments a batch of feature rows x ([N, D], or any
// [N, ...]) and returns a new tensor of the same shape; it never modifies
// x.
type VectorTransform func(x *nn.Tensor, rng *rand.Rand) *nn.Tensor

// GaussianNoise adds independent N(0, Sigma^2) noise to every feature.
type GaussianNoise struct {
	Sigma float64
}

// Apply implements VectorTransform.
func (t GaussianNoise) Apply(x *nn.Tensor, rng *rand.Rand) *nn.Tensor {
	out := x.Clone()
	s := t.Sigma
	for i := range out.Data {
		out.Data[i] += float32(s * rng.NormFloat64())
	}
	return out
}

// FeatureMask hides each feature independently with probability P. A
// hidden feature becomes Value, or, with FromMarginal, the same feature of
// another row of the batch drawn at random: SCARF's corruption (Bahri et
// al., arXiv 2106.15147, which masks 60% of the features).
type FeatureMask struct {
	P            float64
	Value        float32
	FromMarginal bool
}

// Apply implements VectorTransform.
func (t FeatureMask) Apply(x *nn.Tensor, rng *rand.Rand) *nn.Tensor {
	out := x.Clone()
	n, d := x.Rows(), x.Cols()
	for i := 0; i < n; i++ {
		row := out.Data[i*d : (i+1)*d]
		for j := range row {
			if rng.Float64() < t.P {
				if t.FromMarginal {
					row[j] = x.Data[rng.IntN(n)*d+j]
				} else {
					row[j] = t.Value
				}
			}
		}
	}
	return out
}

// Mixed is the result of Mixup: row i of X is
// Lambda[i] * x[i] + (1 - Lambda[i]) * x[Perm[i]], whose targets are
// LabelsA[i] (weight Lambda[i]) and LabelsB[i] = labels[Perm[i]]
// (weight 1 - Lambda[i]).
type Mixed struct {
	X                *nn.Tensor
	Perm             []int
	Lambda           []float32
	LabelsA, LabelsB []int
}

// Mixup mixes each row with another row of the batch (Zhang et al., arXiv
// 1710.09412): lambda ~ Beta(Alpha, Alpha), one per batch as in the paper,
// or one per row with PerRow (as i-Mix, arXiv 2010.08887, does for
// contrastive learning). The partner rows are a random permutation.
type Mixup struct {
	Alpha  float64 // Beta parameter; the paper uses 0.1-0.4 on ImageNet, 1 on CIFAR-10
	PerRow bool
}

// Apply mixes the rows of x ([N, ...]); labels (len N) may be nil. It
// panics if Alpha <= 0 or the lengths disagree.
func (t Mixup) Apply(x *nn.Tensor, labels []int, rng *rand.Rand) *Mixed {
	if t.Alpha <= 0 {
		panic(fmt.Sprintf("augment: Mixup Alpha %v must be > 0", t.Alpha))
	}
	n, d := x.Rows(), x.Cols()
	if labels != nil && len(labels) != n {
		panic(fmt.Sprintf("augment: Mixup: %d labels for %d rows", len(labels), n))
	}
	beta := distuv.Beta{Alpha: t.Alpha, Beta: t.Alpha, Src: rng}
	m := &Mixed{X: nn.New(x.Shape...), Perm: rng.Perm(n), Lambda: make([]float32, n)}
	lam := float32(beta.Rand())
	for i := 0; i < n; i++ {
		if t.PerRow && i > 0 {
			lam = float32(beta.Rand())
		}
		m.Lambda[i] = lam
		a, b := x.Data[i*d:(i+1)*d], x.Data[m.Perm[i]*d:(m.Perm[i]+1)*d]
		dst := m.X.Data[i*d : (i+1)*d]
		for j := range dst {
			dst[j] = lam*a[j] + (1-lam)*b[j]
		}
	}
	if labels != nil {
		m.LabelsA = append([]int(nil), labels...)
		m.LabelsB = make([]int, n)
		for i, p := range m.Perm {
			m.LabelsB[i] = labels[p]
		}
	}
	return m
}

// VectorViews applies t nviews times to x ([N, ...]) and stacks the
// results as [nviews*N, ...], view v of row i at row v*N + i (the layout
// of Views). View v draws from a PCG stream seeded from (seed, v).
func VectorViews(x *nn.Tensor, t VectorTransform, nviews int, seed uint64) *nn.Tensor {
	if nviews < 1 {
		panic(fmt.Sprintf("augment: VectorViews: %d views", nviews))
	}
	shape := append([]int{nviews * x.Rows()}, x.Shape[1:]...)
	out := nn.New(shape...)
	for v := 0; v < nviews; v++ {
		rng := rand.New(rand.NewPCG(mix(seed), mix(seed^uint64(v)*0x9e3779b97f4a7c15+1)))
		y := t(x, rng)
		if len(y.Data) != len(x.Data) {
			panic(fmt.Sprintf("augment: VectorViews: the transform returned %v for %v", y.Shape, x.Shape))
		}
		copy(out.Data[v*len(x.Data):], y.Data)
	}
	return out
}
