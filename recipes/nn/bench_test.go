package nn

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

var sinkTensor *Tensor

// BenchmarkConvNetS is the forward and backward pass of ConvNet-S and the
// reference head on 512 views of 28x28 (the SimCLR step without augment,
// loss and optimiser).
func BenchmarkConvNetS(b *testing.B) {
	for _, n := range []int{64, 512} {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			enc, head := referenceModel()
			r := rand.New(rand.NewPCG(1, 2))
			x := randTensor(r, n, 1, 28, 28)
			dz := randTensor(r, n, 128)
			b.ResetTimer()
			for range b.N {
				z := head.Forward(enc.Forward(x, true), true)
				enc.Backward(head.Backward(dz))
				sinkTensor = z
			}
		})
	}
}

// BenchmarkLayer times forward+backward of each ConvNet-S layer alone at
// batch 512.
func BenchmarkLayer(b *testing.B) {
	r := rand.New(rand.NewPCG(3, 4))
	conv1 := NewConv2d(1, 32, 3, 1, 1, false, r)
	conv1.NoInputGrad = true // as in ConvNetS: its input is data
	cases := []struct {
		name  string
		layer Layer
		shape []int
	}{
		{"conv2-nested-gemm-threads", NewConv2d(32, 64, 3, 2, 1, false, r), []int{512, 28, 28, 32}},
		{"conv1", conv1, []int{512, 28, 28, 1}},
		{"conv2", NewConv2d(32, 64, 3, 2, 1, false, r), []int{512, 28, 28, 32}},
		{"conv3", NewConv2d(64, 128, 3, 2, 1, false, r), []int{512, 14, 14, 64}},
		{"bnrelu1", NewBatchNormReLU(32), []int{512, 28, 28, 32}},
		{"bnrelu2", NewBatchNormReLU(64), []int{512, 14, 14, 64}},
		{"gap", NewGlobalAvgPool(), []int{512, 7, 7, 128}},
		{"linear", NewLinear(128, 128, true, r), []int{512, 128}},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			if c.name == "conv2-nested-gemm-threads" {
				gemmSingle = false
				defer func() { gemmSingle = true }()
			}
			x := randTensor(r, c.shape...)
			y := c.layer.Forward(x, true)
			dy := randTensor(r, y.Shape...)
			b.ResetTimer()
			for range b.N {
				sinkTensor = c.layer.Forward(x, true)
				copy(sinkTensor.Data, dy.Data) // fresh dy (Backward may work in place)
				sinkTensor = c.layer.Backward(sinkTensor)
			}
		})
	}
}
