package memory

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/gocontrast/contrast/blas"
	"github.com/gocontrast/contrast/recipes/nn"
)

var sink *nn.Tensor

// BenchmarkQueueSimilarity measures a batch [B, 128] against MoCo v2's
// full queue of 65,536 keys (and a small one), reporting GFLOP/s, with
// plain blas.Sgemm at the same shape beside it: the two must match, the
// queue adding no overhead over the GEMM.
func BenchmarkQueueSimilarity(b *testing.B) {
	const d = 128
	for _, k := range []int{4096, 65536} {
		for _, bs := range []int{256} {
			rng := rand.New(rand.NewPCG(1, 1))
			q, _ := NewQueue(k, d)
			q.FillRandom(rng)
			batch := randTensor(rng, bs, d)
			dst := nn.New(bs, k)
			flops := 2 * float64(bs) * float64(k) * d
			b.Run(fmt.Sprintf("queue/B=%d/K=%d", bs, k), func(b *testing.B) {
				b.SetBytes(0)
				for i := 0; i < b.N; i++ {
					sink = q.Similarity(dst, batch, 5)
				}
				b.ReportMetric(flops*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
			})
			b.Run(fmt.Sprintf("sgemm/B=%d/K=%d", bs, k), func(b *testing.B) {
				keys := q.Keys().Data
				for i := 0; i < b.N; i++ {
					blas.Sgemm(false, true, bs, k, d, 5, batch.Data, d, keys, d, 0, dst.Data, k)
				}
				sink = dst
				b.ReportMetric(flops*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
			})
		}
	}
}

// BenchmarkHybrid: SpCL's loss and memory update for a batch of 64
// against Market-1501's 12,936 training images.
func BenchmarkHybrid(b *testing.B) {
	rng := rand.New(rand.NewPCG(2, 2))
	h, _ := NewHybrid(nil, randTensor(rng, 12936, 128))
	clusters := make([]int, 12936)
	for i := range clusters {
		clusters[i] = rng.IntN(800) - 1
	}
	h.SetTargetLabels(clusters)
	z := randTensor(rng, 64, 128)
	dz := nn.New(64, 128)
	idx := make([]int, 64)
	for i := range idx {
		idx[i] = rng.IntN(12936)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		h.LossInto(dz, z, idx)
		h.Update(z, idx)
	}
	sink = dz
}
