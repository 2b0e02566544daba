package blas

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

var sinkF32 float32

// gemmBenchShapes are the sizes benchmarked: squares, and the shapes the
// training engine and memory banks run: ConvNet-S's third conv via im2col
// on a 512-view batch (forward, weight and input gradients), a 512-row
// batch against a 65,536 x 128 queue, a 512 x 512 similarity matrix, a
// 128-wide linear layer, and the three convs of one 28 x 28 image (what a
// caller parallelising over the batch with SetThreads(1) runs), and the
// products recipes/nn's Conv2d runs per chunk of about 512 output pixels
// (NHWC: forward col*W^T, input gradient d*W, weight gradient d^T*col).
var gemmBenchShapes = []struct {
	name           string
	transA, transB bool
	m, n, k        int
}{
	{"64", false, false, 64, 64, 64},
	{"128", false, false, 128, 128, 128},
	{"256", false, false, 256, 256, 256},
	{"512", false, false, 512, 512, 512},
	{"1024", false, false, 1024, 1024, 1024},
	{"512NT", false, true, 512, 512, 512},
	{"512TN", true, false, 512, 512, 512},
	{"conv3_fwd_128x25088x576", false, false, 128, 512 * 49, 576},
	{"conv3_dW_128x576x25088", false, true, 128, 576, 512 * 49},
	{"conv3_dX_576x25088x128", true, false, 576, 512 * 49, 128},
	{"queue_512x65536x128", false, true, 512, 65536, 128},
	{"queue_bwd_512x128x65536", false, false, 512, 128, 65536},
	{"sim_512x512x128", false, true, 512, 512, 128},
	{"linear_512x128x128", false, false, 512, 128, 128},
	{"img_conv1_32x784x9", false, false, 32, 784, 9},
	{"img_conv2_64x196x288", false, false, 64, 196, 288},
	{"img_conv3_128x49x576", false, false, 128, 49, 576},
	{"nn_conv1_fwd_784x32x9", false, true, 784, 32, 9},
	{"nn_conv2_fwd_392x64x288", false, true, 392, 64, 288},
	{"nn_conv3_fwd_490x128x576", false, true, 490, 128, 576},
	{"nn_conv1_dcol_784x9x32", false, false, 784, 9, 32},
	{"nn_conv2_dcol_392x288x64", false, false, 392, 288, 64},
	{"nn_conv3_dcol_490x576x128", false, false, 490, 576, 128},
	{"nn_conv1_dW_9x32x784", true, false, 9, 32, 784},
	{"nn_conv2_dW_64x288x392", true, false, 64, 288, 392},
	{"nn_conv3_dW_128x576x490", true, false, 128, 576, 490},
	{"img_conv2_dW_64x288x196", false, true, 64, 288, 196},
	{"img_conv2_dX_288x196x64", true, false, 288, 196, 64},
	{"img_conv3_dW_128x576x49", false, true, 128, 576, 49},
	{"img_conv3_dX_576x49x128", true, false, 576, 49, 128},
}

func BenchmarkSgemm(b *testing.B) {
	for _, s := range gemmBenchShapes {
		b.Run(s.name, func(b *testing.B) {
			benchGemm(b, s.transA, s.transB, s.m, s.n, s.k)
		})
	}
}

func benchGemm(b *testing.B, transA, transB bool, m, n, k int) {
	rng := rand.New(rand.NewPCG(1, 1))
	lda, ldb := k, n
	if transA {
		lda = m
	}
	if transB {
		ldb = k
	}
	a := randSlice(rng, m*k)
	bb := randSlice(rng, k*n)
	c := make([]float32, m*n)
	Sgemm(transA, transB, m, n, k, 1, a, lda, bb, ldb, 0, c, n)
	b.ResetTimer()
	for range b.N {
		Sgemm(transA, transB, m, n, k, 1, a, lda, bb, ldb, 0, c, n)
	}
	b.StopTimer()
	sinkF32 = c[0]
	b.ReportMetric(2*float64(m)*float64(n)*float64(k)*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
}

func BenchmarkSgemmGeneric(b *testing.B) {
	setImpl(false)
	defer setImpl(true)
	for _, sz := range []int{64, 256} {
		b.Run(fmt.Sprint(sz), func(b *testing.B) { benchGemm(b, false, false, sz, sz, sz) })
	}
}
