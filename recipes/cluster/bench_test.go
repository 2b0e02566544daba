package cluster

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/gocontrast/contrast/recipes/nn"
)

var sinkGraph *Graph

// clustered returns n unit vectors of dimension d around n/50 centres.
func clustered(rng *rand.Rand, n, d int) *nn.Tensor {
	centres := make([]float64, (n/50+1)*d)
	for i := range centres {
		centres[i] = rng.NormFloat64()
	}
	f := nn.New(n, d)
	for i := 0; i < n; i++ {
		c := rng.IntN(n/50 + 1)
		for j := 0; j < d; j++ {
			f.Data[i*d+j] = float32(centres[c*d+j] + 0.5*rng.NormFloat64())
		}
	}
	for i := 0; i < n; i++ {
		var s float32
		for _, v := range f.Row(i) {
			s += v * v
		}
		for j := range f.Row(i) {
			f.Row(i)[j] /= float32(math.Sqrt(float64(s)))
		}
	}
	return f
}

// BenchmarkJaccard: SpCL's k-reciprocal Jaccard distance (k1 = 30,
// k2 = 6) of n 128-d features; Market-1501's training set has 12,936.
func BenchmarkJaccard(b *testing.B) {
	for _, n := range []int{2000, 8000} {
		b.Run(fmt.Sprintf("N=%d", n), func(b *testing.B) {
			f := clustered(rand.New(rand.NewPCG(1, 1)), n, 128)
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				g, err := JaccardGraph(f, SpCLK1, SpCLK2)
				if err != nil {
					b.Fatal(err)
				}
				sinkGraph = g
			}
		})
	}
}

// BenchmarkSelfPaced: the three DBSCAN runs and the criteria on the
// Jaccard graph of 8000 points.
func BenchmarkSelfPaced(b *testing.B) {
	g, err := JaccardGraph(clustered(rand.New(rand.NewPCG(2, 2)), 8000, 128), SpCLK1, SpCLK2)
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		sp := NewSelfPaced()
		if _, err := sp.Cluster(g); err != nil {
			b.Fatal(err)
		}
	}
}

var sinkDist *nn.Tensor

// BenchmarkCosineDistances: the dense cosine distance matrix of n 128-d
// embeddings, as a cell computes it before DBSCAN.
func BenchmarkCosineDistances(b *testing.B) {
	for _, n := range []int{200, 2000} {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			f := clustered(rand.New(rand.NewPCG(1, uint64(n))), n, 128)
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				d, err := CosineDistances(f)
				if err != nil {
					b.Fatal(err)
				}
				sinkDist = d
			}
		})
	}
}
