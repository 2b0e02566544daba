package tsne

import (
	"context"
	"fmt"
	"testing"
)

// BenchmarkAttraction times the attractive half of the gradient (sparse
// P, k = 90) for a 2-D embedding.
func BenchmarkAttraction(b *testing.B) {
	for _, n := range []int{10000} {
		x, _ := blobs(n, 20, 10, 1)
		nb, _ := knnApprox(context.Background(), x, n, 20, 90, threadCount(0), 1)
		p := symmetrize(nb, conditionalP(nb, 30, 2), 2)
		y := clusteredEmbedding(n, 2, 100, 1)
		obj := newObjective(p, 2, threadCount(0), nil)
		grad := make([]float64, 2*n)
		b.Run(fmt.Sprintf("n=%d/nnz=%d", n, len(p.val)), func(b *testing.B) {
			for range b.N {
				obj.attract(y, grad, 1, false)
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(p.val)), "ns/edge")
		})
	}
}
