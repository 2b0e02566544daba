package augment

import (
	"math"
	"math/rand/v2"
	"reflect"
	"testing"

	"github.com/gocontrast/contrast/recipes/nn"
)

func TestGaussianNoiseAndMask(t *testing.T) {
	x := nn.New(200, 50)
	for i := range x.Data {
		x.Data[i] = float32(i%7) + 1
	}
	orig := x.Clone()
	rng := rand.New(rand.NewPCG(1, 2))
	y := GaussianNoise{Sigma: 0.3}.Apply(x, rng)
	var s, s2 float64
	for i := range y.Data {
		d := float64(y.Data[i] - x.Data[i])
		s += d
		s2 += d * d
	}
	n := float64(len(y.Data))
	if m, sd := s/n, math.Sqrt(s2/n); math.Abs(m) > 0.01 || math.Abs(sd-0.3) > 0.01 {
		t.Errorf("noise mean %.4f sd %.4f, want 0 and 0.3", m, sd)
	}
	z := FeatureMask{P: 0.6, Value: -1}.Apply(x, rng)
	masked := 0
	for _, v := range z.Data {
		if v == -1 {
			masked++
		}
	}
	if p := float64(masked) / n; math.Abs(p-0.6) > 0.015 {
		t.Errorf("masked %.3f, want 0.6", p)
	}
	// SCARF: every masked value comes from the same column of some row.
	w := FeatureMask{P: 0.6, FromMarginal: true}.Apply(x, rng)
	for i := 0; i < 200; i++ {
		for j := 0; j < 50; j++ {
			v := w.At(i, j)
			ok := false
			for k := 0; k < 200 && !ok; k++ {
				ok = x.At(k, j) == v
			}
			if !ok {
				t.Fatalf("(%d, %d) = %v is not from column %d", i, j, v, j)
			}
		}
	}
	if !reflect.DeepEqual(x, orig) {
		t.Error("an input was modified")
	}
}

func TestMixup(t *testing.T) {
	x := nn.New(1000, 3)
	labels := make([]int, 1000)
	for i := 0; i < 1000; i++ {
		for j := 0; j < 3; j++ {
			x.Data[i*3+j] = float32(i*3 + j)
		}
		labels[i] = i % 10
	}
	rng := rand.New(rand.NewPCG(3, 3))
	m := Mixup{Alpha: 0.4, PerRow: true}.Apply(x, labels, rng)
	var mean, sq float64
	for i, lam := range m.Lambda {
		if lam < 0 || lam > 1 {
			t.Fatalf("lambda %v", lam)
		}
		p := m.Perm[i]
		for j := 0; j < 3; j++ {
			want := lam*x.At(i, j) + (1-lam)*x.At(p, j)
			if math.Abs(float64(m.X.At(i, j)-want)) > 1e-3 {
				t.Fatalf("row %d: %v, want %v", i, m.X.At(i, j), want)
			}
		}
		if m.LabelsA[i] != labels[i] || m.LabelsB[i] != labels[p] {
			t.Fatalf("labels of row %d", i)
		}
		mean += float64(lam)
		sq += float64(lam) * float64(lam)
	}
	// Beta(0.4, 0.4): mean 0.5, variance 1/(4 (2*0.4 + 1)) = 0.1389.
	mean /= 1000
	v := sq/1000 - mean*mean
	if math.Abs(mean-0.5) > 0.04 || math.Abs(v-0.1389) > 0.02 {
		t.Errorf("lambda mean %.3f var %.4f, want 0.5 and 0.139", mean, v)
	}
	one := Mixup{Alpha: 1}.Apply(x, nil, rng)
	for _, l := range one.Lambda {
		if l != one.Lambda[0] {
			t.Fatal("per-batch lambda varies")
		}
	}
	if one.LabelsA != nil {
		t.Error("labels without input labels")
	}
}

func TestVectorViews(t *testing.T) {
	x := nn.New(4, 2)
	for i := range x.Data {
		x.Data[i] = float32(i)
	}
	v := VectorViews(x, GaussianNoise{Sigma: 0.01}.Apply, 3, 9)
	if !reflect.DeepEqual(v.Shape, []int{12, 2}) {
		t.Fatalf("shape %v", v.Shape)
	}
	for r := 0; r < 12; r++ {
		if math.Abs(float64(v.At(r, 1)-x.At(r%4, 1))) > 0.1 {
			t.Errorf("row %d is not a view of row %d", r, r%4)
		}
	}
	if !reflect.DeepEqual(v, VectorViews(x, GaussianNoise{Sigma: 0.01}.Apply, 3, 9)) {
		t.Error("same seed, different views")
	}
}
