package heads

import (
	"math/rand/v2"
	"testing"

	"github.com/gocontrast/contrast/recipes/nn"
)

func randBatch(n, d int) *nn.Tensor {
	r := rand.New(rand.NewPCG(1, 2))
	t := nn.New(n, d)
	for i := range t.Data {
		t.Data[i] = float32(r.NormFloat64())
	}
	return t
}

func TestShapesAndParams(t *testing.T) {
	cases := []struct {
		name   string
		head   nn.Layer
		in     int
		out    int
		params int
	}{
		{"SimCLRv1", SimCLRv1(16, 32, 8, false, 1), 16, 8, 16*32 + 32 + 32*8 + 8},
		{"SimCLRv1BN", SimCLRv1(16, 32, 8, true, 1), 16, 8, 16*32 + 2*32 + 32*8 + 8},
		{"Reference", Reference(1), 128, 128, 128*128 + 2*128 + 128*128 + 128},
		{"SimCLRv2", SimCLRv2(16, 32, 8, 3, 1), 16, 8, 16*32 + 2*32 + 32*32 + 2*32 + 32*8 + 8},
		{"MoCoV2", MoCoV2(16, 32, 8, 1), 16, 8, 16*32 + 32 + 32*8 + 8},
		{"Prediction", Prediction(8, 32, 8, 1), 8, 8, 8*32 + 32 + 2*32 + 32*8 + 8},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			y := c.head.Forward(randBatch(6, c.in), true)
			if y.Rows() != 6 || y.Cols() != c.out {
				t.Fatalf("output shape %v, want [6 %d]", y.Shape, c.out)
			}
			n := 0
			names := map[string]bool{}
			for _, p := range c.head.Params() {
				n += p.Value.Len()
				if names[p.Name] {
					t.Errorf("duplicate parameter name %q", p.Name)
				}
				names[p.Name] = true
			}
			if n != c.params {
				t.Errorf("%d parameters, want %d", n, c.params)
			}
			dx := c.head.Backward(nn.New(y.Shape...))
			if dx.Rows() != 6 || dx.Cols() != c.in {
				t.Errorf("dx shape %v, want [6 %d]", dx.Shape, c.in)
			}
		})
	}
}

func TestSimCLRv2LastLayerHasNoReLU(t *testing.T) {
	h := SimCLRv2(8, 16, 4, 2, 3)
	y := h.Forward(randBatch(32, 8), true)
	neg := 0
	for _, v := range y.Data {
		if v < 0 {
			neg++
		}
	}
	// Batch-normalised output without ReLU: about half negative.
	if neg < len(y.Data)/4 {
		t.Errorf("%d of %d outputs negative: the last layer looks rectified", neg, len(y.Data))
	}
	for _, p := range h.Params() {
		if p.Name == "0.bias" || p.Name == "2.bias" || p.Name == "3.bias" {
			t.Errorf("the v2 head's Linear layers and last batch norm must have no bias, found %q", p.Name)
		}
	}
	// Without β, the last layer's output has zero mean per channel.
	for c := 0; c < 4; c++ {
		var m float64
		for r := 0; r < 32; r++ {
			m += float64(y.Data[r*4+c])
		}
		if m /= 32; m > 1e-5 || m < -1e-5 {
			t.Errorf("channel %d of the output has mean %v, want 0", c, m)
		}
	}
}

func TestSimCLRv2Keep(t *testing.T) {
	h := SimCLRv2(8, 16, 4, 3, 3)
	x := randBatch(10, 8)
	full := h.Forward(x, false)
	_ = full
	k1 := h.Keep(1)
	if len(k1.Params()) != 3 { // Linear weight, BN weight and bias
		t.Fatalf("Keep(1) has %d params, want 3", len(k1.Params()))
	}
	if k1.Params()[0] != h.Params()[0] {
		t.Error("Keep(1) copies the weights; it must share them with the head")
	}
	// Keep(1)'s output is the first block's output: feed it through the
	// remaining blocks by hand and compare with the full head.
	y1 := k1.Forward(x, false).Clone()
	rest := &nn.Sequential{Layers: h.Layers[2:]}
	got := rest.Forward(y1, false)
	want := h.Forward(x, false)
	for i := range want.Data {
		if got.Data[i] != want.Data[i] {
			t.Fatalf("Keep(1) then the rest gives %v at %d, the full head %v", got.Data[i], i, want.Data[i])
		}
	}
	if n := len(h.Keep(0).Layers); n != 0 {
		t.Errorf("Keep(0) has %d layers, want none", n)
	}
	defer func() {
		if recover() == nil {
			t.Error("Keep(4) on a 3-layer head did not panic")
		}
	}()
	h.Keep(4)
}
