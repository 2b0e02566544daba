package loss

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/gocontrast/contrast/recipes/nn"
)

var sinkLoss float64

// BenchmarkNTXent: SimCLR's loss and gradient for 2B views of 128-d
// embeddings (the CPU recipe uses B = 256).
func BenchmarkNTXent(b *testing.B) {
	for _, n := range []int{128, 512} {
		b.Run(fmt.Sprintf("views=%d", n), func(b *testing.B) {
			z := randTensor(rand.New(rand.NewPCG(1, 1)), n, 128)
			dz := nn.New(n, 128)
			var ws Workspace
			ws.NTXent(dz, z, 0.5)
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				sinkLoss = ws.NTXent(dz, z, 0.5)
			}
		})
	}
}

// BenchmarkInfoNCE: MoCo's loss and gradient for B queries against a
// queue of K 128-d keys, with and without MoCHi's mixing.
func BenchmarkInfoNCE(b *testing.B) {
	for _, k := range []int{4096, 16384, 65536} {
		rng := rand.New(rand.NewPCG(2, 2))
		q, key, queue := randTensor(rng, 256, 128), randTensor(rng, 256, 128), unitRows(rng, k, 128)
		dq := nn.New(256, 128)
		var ws Workspace
		b.Run(fmt.Sprintf("B=256/K=%d", k), func(b *testing.B) {
			ws.InfoNCE(dq, q, key, queue, 0.2)
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				sinkLoss = ws.InfoNCE(dq, q, key, queue, 0.2)
			}
		})
		b.Run(fmt.Sprintf("MoCHi-1024-1024-128/B=256/K=%d", k), func(b *testing.B) {
			cfg := DefaultMoCHi()
			ws.MoCHi(dq, q, key, queue, cfg, rng)
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				sinkLoss = ws.MoCHi(dq, q, key, queue, cfg, rng)
			}
		})
	}
}

// BenchmarkSupCon: L_out over 2B views with 10 classes.
func BenchmarkSupCon(b *testing.B) {
	rng := rand.New(rand.NewPCG(3, 3))
	z := randTensor(rng, 512, 128)
	labels := make([]int, 256)
	for i := range labels {
		labels[i] = rng.IntN(10)
	}
	dz := nn.New(512, 128)
	var ws Workspace
	ws.SupCon(dz, z, labels, nil, nil, DefaultSupCon())
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		sinkLoss = ws.SupCon(dz, z, labels, nil, nil, DefaultSupCon())
	}
}

// BenchmarkSpCL: the unified loss for a batch of 64 against a hybrid
// memory of 12,936 rows (Market-1501's training set) in 700 classes.
func BenchmarkSpCL(b *testing.B) {
	rng := rand.New(rand.NewPCG(4, 4))
	mem := unitRows(rng, 12936, 128)
	labels := make([]int, mem.Rows())
	for i := range labels {
		labels[i] = rng.IntN(700)
	}
	z := randTensor(rng, 64, 128)
	targets := make([]int, 64)
	for i := range targets {
		targets[i] = labels[rng.IntN(len(labels))]
	}
	dz := nn.New(64, 128)
	var ws Workspace
	ws.SpCL(dz, z, mem, labels, targets, 0.05)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		sinkLoss = ws.SpCL(dz, z, mem, labels, targets, 0.05)
	}
}
