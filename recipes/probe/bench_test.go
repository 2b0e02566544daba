package probe

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/gocontrast/contrast/recipes/nn"
)

var (
	sinkKNN    *KNNResult
	sinkLinear *LinearProbe
	sinkFloat  float64
)

// gaussianClasses returns n 128-d features in 10 overlapping classes.
func gaussianClasses(rng *rand.Rand, n, d int) (*nn.Tensor, []int) {
	centres := make([]float64, 10*d)
	for i := range centres {
		centres[i] = rng.NormFloat64()
	}
	x := nn.New(n, d)
	y := make([]int, n)
	for i := 0; i < n; i++ {
		y[i] = rng.IntN(10)
		for j := 0; j < d; j++ {
			x.Data[i*d+j] = float32(centres[y[i]*d+j] + 1.5*rng.NormFloat64())
		}
	}
	return x, y
}

// BenchmarkKNN: weighted 20-NN of test rows against training rows, 128-d
// (Fashion-MNIST's full evaluation is train=60000/test=10000).
func BenchmarkKNN(b *testing.B) {
	for _, s := range [][2]int{{10000, 1000}, {60000, 10000}} {
		b.Run(fmt.Sprintf("train=%d/test=%d", s[0], s[1]), func(b *testing.B) {
			rng := rand.New(rand.NewPCG(1, 1))
			train, ytr := gaussianClasses(rng, s[0], 128)
			test, yte := gaussianClasses(rng, s[1], 128)
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				r, err := KNN(train, ytr, test, yte)
				if err != nil {
					b.Fatal(err)
				}
				sinkKNN = r
			}
		})
	}
}

// BenchmarkLinear: a linear probe on 10,000 128-d features in 10 classes,
// 100 L-BFGS iterations.
func BenchmarkLinear(b *testing.B) {
	rng := rand.New(rand.NewPCG(2, 2))
	x, y := gaussianClasses(rng, 10000, 128)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		p, err := TrainLinear(x, y, LinearConfig{WeightDecay: 1e-4, MaxIter: 100, Tol: 1e-9})
		if err != nil {
			b.Fatal(err)
		}
		sinkLinear = p
	}
}

// BenchmarkUniformity: Wang and Isola's uniformity of 10,000 128-d rows.
func BenchmarkUniformity(b *testing.B) {
	x, _ := gaussianClasses(rand.New(rand.NewPCG(3, 3)), 10000, 128)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		u, err := Uniformity(x, 2)
		if err != nil {
			b.Fatal(err)
		}
		sinkFloat = u
	}
}
