package nn

import (
	"fmt"
	"math/rand/v2"
)

// ConvNetConfig configures ConvNetS. Zero fields take the defaults in
// brackets, which give exactly the reference encoder of DESIGN.md.
type ConvNetConfig struct {
	InChannels int    // [1]
	Widths     []int  // output channels per conv block [32, 64, 128]
	Strides    []int  // stride per block [1, 2, 2]; missing entries are 2
	Bias       bool   // give the convolutions a bias (redundant before batch norm) [false]
	Seed       uint64 // initialisation seed
}

// ConvNetS returns the small convolutional encoder of the reference
// recipe: per block conv3x3(stride, padding 1) + BatchNorm + ReLU, then a
// global average pool. Input: images [N, C, H, W] (NCHW, as data loaders
// give them; converted to NHWC inside). Output: [N, Widths[last]],
// 128-d by default.
func ConvNetS(cfg ConvNetConfig) *Sequential {
	if cfg.InChannels == 0 {
		cfg.InChannels = 1
	}
	if len(cfg.Widths) == 0 {
		cfg.Widths = []int{32, 64, 128}
		if len(cfg.Strides) == 0 {
			cfg.Strides = []int{1, 2, 2}
		}
	}
	r := rand.New(rand.NewPCG(cfg.Seed, 0x636f6e76))
	layers := []Layer{NewNCHWToNHWC()}
	in := cfg.InChannels
	for i, w := range cfg.Widths {
		s := 2
		if i < len(cfg.Strides) {
			s = cfg.Strides[i]
		}
		conv := NewConv2d(in, w, 3, s, 1, cfg.Bias, r)
		if i == 0 {
			conv.NoInputGrad = true
		}
		layers = append(layers, conv, NewBatchNormReLU(w))
		in = w
	}
	layers = append(layers, NewGlobalAvgPool())
	return NewSequential(layers...)
}

// MLPConfig configures MLP. Zero fields take the defaults in brackets.
type MLPConfig struct {
	Sizes     []int  // layer widths, input first: [784, 512, 128] gives two Linear layers (required)
	BatchNorm bool   // batch norm after each hidden Linear
	NoBias    bool   // Linear layers without bias
	Seed      uint64 // initialisation seed
}

// MLP returns a multilayer perceptron: Linear (+ BatchNorm) + ReLU for
// every hidden layer and a final Linear. Input [N, Sizes[0]] (or any
// [N, ...] with that many values per row), output [N, Sizes[last]].
func MLP(cfg MLPConfig) *Sequential {
	if len(cfg.Sizes) < 2 {
		panic(fmt.Sprintf("nn: MLP needs at least an input and an output size, got %v", cfg.Sizes))
	}
	r := rand.New(rand.NewPCG(cfg.Seed, 0x6d6c70))
	var layers []Layer
	n := len(cfg.Sizes) - 1
	for i := 0; i < n; i++ {
		layers = append(layers, NewLinear(cfg.Sizes[i], cfg.Sizes[i+1], !cfg.NoBias, r))
		if i < n-1 {
			if cfg.BatchNorm {
				layers = append(layers, NewBatchNormReLU(cfg.Sizes[i+1]))
			} else {
				layers = append(layers, NewReLU())
			}
		}
	}
	return NewSequential(layers...)
}

// ResNetConfig configures ResNet. Zero fields take the defaults in
// brackets: a ResNet-20-like network for 28x28 or 32x32 images.
type ResNetConfig struct {
	InChannels int    // [1]
	Width      int    // channels of the first stage; stage s has Width·2^s [16]
	Blocks     []int  // basic blocks per stage [3, 3, 3]; stages after the first halve the resolution
	Seed       uint64 // initialisation seed
}

// ResNet returns a small residual network for 28x28 and 32x32 inputs (He
// et al. 2015, arXiv:1512.03385, section 4.2, the CIFAR variant): a 3x3
// stem conv + BN + ReLU, stages of basic blocks (conv3x3 + BN + ReLU,
// conv3x3 + BN, shortcut, ReLU; the first block of a later stage has
// stride 2 and a 1x1 conv + BN projection shortcut), then a global average
// pool. Input [N, C, H, W], output [N, Width·2^(stages−1)].
func ResNet(cfg ResNetConfig) *Sequential {
	if cfg.InChannels == 0 {
		cfg.InChannels = 1
	}
	if cfg.Width == 0 {
		cfg.Width = 16
	}
	if len(cfg.Blocks) == 0 {
		cfg.Blocks = []int{3, 3, 3}
	}
	r := rand.New(rand.NewPCG(cfg.Seed, 0x7265736e))
	stem := NewConv2d(cfg.InChannels, cfg.Width, 3, 1, 1, false, r)
	stem.NoInputGrad = true
	layers := []Layer{NewNCHWToNHWC(), stem, NewBatchNormReLU(cfg.Width)}
	in := cfg.Width
	for s, nb := range cfg.Blocks {
		out := cfg.Width << s
		for b := 0; b < nb; b++ {
			stride := 1
			if s > 0 && b == 0 {
				stride = 2
			}
			body := NewSequential(
				NewConv2d(in, out, 3, stride, 1, false, r), NewBatchNormReLU(out),
				NewConv2d(out, out, 3, 1, 1, false, r), NewBatchNorm(out))
			var short Layer
			if stride != 1 || in != out {
				short = NewSequential(NewConv2d(in, out, 1, stride, 0, false, r), NewBatchNorm(out))
			}
			layers = append(layers, NewResidual(body, short))
			in = out
		}
	}
	layers = append(layers, NewGlobalAvgPool())
	return NewSequential(layers...)
}
