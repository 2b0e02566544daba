package data

import (
	"fmt"
	"testing"

	"github.com/gocontrast/contrast/recipes/nn"
)

var sinkT *nn.Tensor
var sinkB [][]int

// BenchmarkBatch gathers a shuffled batch from byte storage (images) and
// float storage (rows of the same size), the per-step cost of feeding a
// training loop.
func BenchmarkBatch(b *testing.B) {
	train, _ := EmbeddedFashionMNIST()
	if full, _, err := LoadFashionMNIST(FashionMNISTDir); err == nil {
		train = full // 60,000 images: batches miss the cache as in training
	}
	floats := NewDataset("f", train.Images(), train.Labels, nil)
	for _, size := range []int{64, 256, 512} {
		idx := Batches(train.Len(), size, true, 1)[0]
		for _, d := range []struct {
			name string
			d    *Dataset
		}{{"bytes", train}, {"float32", floats}} {
			b.Run(fmt.Sprintf("%s/%d", d.name, size), func(b *testing.B) {
				dst := nn.New(size, 1, 28, 28)
				b.ResetTimer()
				for i := 0; i < b.N; i++ {
					d.d.BatchInto(dst, idx)
				}
				sinkT = dst
			})
		}
	}
}

func BenchmarkBalancedSampler(b *testing.B) {
	train, _ := EmbeddedFashionMNIST()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		bs, err := train.BalancedSampler(8, 8, uint64(i))
		if err != nil {
			b.Fatal(err)
		}
		sinkB = bs
	}
}
