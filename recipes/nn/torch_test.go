package nn

import (
	"encoding/json"
	"math"
	"os"
	"testing"
)

// torchVectors mirrors testdata/torch_vectors.json, written by
// bench/nn_vectors.py from PyTorch.
type torchVectors struct {
	N      int `json:"n"`
	Params []struct {
		Part     string    `json:"part"`
		Name     string    `json:"name"`
		Shape    []int     `json:"shape"`
		K        int       `json:"k"`
		GradIdx  []int     `json:"grad_idx"`
		Grad     []float64 `json:"grad"`
		GradNorm float64   `json:"grad_norm"`
	} `json:"params"`
	Buffers []struct {
		Part   string    `json:"part"`
		Name   string    `json:"name"`
		Values []float64 `json:"values"`
	} `json:"buffers"`
	H      []float64 `json:"h"`
	Z      []float64 `json:"z"`
	ZEval  []float64 `json:"z_eval"`
	NTXent struct {
		Z     []float64 `json:"z"`
		Shape []int     `json:"shape"`
		Tau   float64   `json:"tau"`
		Loss  float64   `json:"loss"`
		Grad  []float64 `json:"grad"`
	} `json:"ntxent"`
	Optim map[string]struct {
		P0    []float64   `json:"p0"`
		Steps [][]float64 `json:"steps"`
	} `json:"optim"`
}

func loadTorchVectors(t *testing.T) *torchVectors {
	t.Helper()
	b, err := os.ReadFile("testdata/torch_vectors.json")
	if err != nil {
		t.Fatalf("reading test vectors (regenerate with /usr/bin/python3 bench/nn_vectors.py): %v", err)
	}
	var v torchVectors
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatal(err)
	}
	return &v
}

// fillValue is the formula bench/nn_vectors.py fills weights and inputs
// with: element i (flat, PyTorch layout) of tensor k.
func fillValue(k, i int, scale float64) float32 {
	return float32(0.5 * math.Sin(0.7*float64(i)+1.3*float64(k)+0.1) * scale)
}

// torchIndex maps a flat index of our tensor to PyTorch's layout: conv
// weights are [O, KH, KW, I] here and [O, I, KH, KW] there.
func torchIndex(shape []int, i int) int {
	if len(shape) != 4 {
		return i
	}
	o, kh, kw, in := shape[0], shape[1], shape[2], shape[3]
	_ = o
	ci := i % in
	r := i / in
	w := r % kw
	r /= kw
	h := r % kh
	oc := r / kh
	return ((oc*in+ci)*kh+h)*kw + w
}

// Tolerances against PyTorch: both compute in float32 but sum in other
// orders, so agreement is to a few ulps of the largest value involved.
const (
	torchFwdTol  = 1e-4 // relative to the largest |value|
	torchGradTol = 2e-4 // relative to the parameter's gradient norm
)

func closeTo(t *testing.T, what string, got []float32, want []float64, tol float64) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: %d values, want %d", what, len(got), len(want))
	}
	scale := 0.0
	for _, w := range want {
		scale = max(scale, math.Abs(w))
	}
	bad := 0
	for i := range want {
		if d := math.Abs(float64(got[i]) - want[i]); d > tol*max(scale, 1e-6) {
			bad++
			if bad <= 3 {
				t.Errorf("%s[%d]: got %.7g, want %.7g (PyTorch)", what, i, got[i], want[i])
			}
		}
	}
}

func referenceModel() (enc, head *Sequential) {
	enc = ConvNetS(ConvNetConfig{})
	head = NewSequential(NewLinear(128, 128, false, nil), NewBatchNormReLU(128), NewLinear(128, 128, true, nil))
	return enc, head
}

func TestConvNetSMatchesPyTorch(t *testing.T) {
	v := loadTorchVectors(t)
	enc, head := referenceModel()
	params := append(enc.Params(), head.Params()...)
	if len(params) != len(v.Params) {
		t.Fatalf("model has %d parameter tensors, PyTorch's %d", len(params), len(v.Params))
	}
	for k, p := range params {
		tp := v.Params[k]
		if p.Value.Len() != product(tp.Shape) {
			t.Fatalf("param %s has %d values, PyTorch's %s %v", p.Name, p.Value.Len(), tp.Name, tp.Shape)
		}
		for i := range p.Value.Data {
			ti := torchIndex(p.Value.Shape, i)
			switch {
			case len(p.Value.Shape) > 1:
				fanIn := p.Value.Len() / p.Value.Shape[0]
				p.Value.Data[i] = fillValue(k, ti, 2/math.Sqrt(float64(fanIn)))
			case tp.Name[len(tp.Name)-6:] == "weight":
				p.Value.Data[i] = 1 + fillValue(k, ti, 0.2)
			default:
				p.Value.Data[i] = fillValue(k, ti, 0.2)
			}
		}
	}
	x := New(v.N, 1, 28, 28)
	for i := range x.Data {
		x.Data[i] = fillValue(100, i, 2) + 0.5
	}
	h := enc.Forward(x, true)
	closeTo(t, "encoder output", h.Data, v.H, torchFwdTol)
	z := head.Forward(h, true)
	closeTo(t, "head output", z.Data, v.Z, torchFwdTol)
	dz := New(z.Shape...)
	for i := range dz.Data {
		dz.Data[i] = fillValue(101, i, 1)
	}
	enc.Backward(head.Backward(dz))
	for k, p := range params {
		tp := v.Params[k]
		got := make([]float32, len(tp.GradIdx))
		for j, ti := range tp.GradIdx {
			for i := range p.Grad.Data {
				if torchIndex(p.Grad.Shape, i) == ti {
					got[j] = p.Grad.Data[i]
					break
				}
			}
		}
		scaled := make([]float64, len(tp.Grad))
		for j := range tp.Grad {
			scaled[j] = tp.Grad[j]
		}
		closeToNorm(t, "grad "+p.Name, got, scaled, tp.GradNorm, torchGradTol)
		var n float64
		for _, g := range p.Grad.Data {
			n += float64(g) * float64(g)
		}
		if math.Abs(math.Sqrt(n)-tp.GradNorm) > torchGradTol*tp.GradNorm {
			t.Errorf("grad %s: norm %.7g, PyTorch %.7g", p.Name, math.Sqrt(n), tp.GradNorm)
		}
	}
	bufs := append(enc.Buffers(), head.Buffers()...)
	if len(bufs) != len(v.Buffers) {
		t.Fatalf("%d buffers, PyTorch %d", len(bufs), len(v.Buffers))
	}
	for i, b := range bufs {
		closeTo(t, b.Name, b.Value.Data, v.Buffers[i].Values, torchFwdTol*10)
	}
	ze := head.Forward(enc.Forward(x, false), false)
	closeTo(t, "eval-mode output", ze.Data, v.ZEval, torchFwdTol*10)
}

func closeToNorm(t *testing.T, what string, got []float32, want []float64, norm, tol float64) {
	t.Helper()
	for i := range want {
		if d := math.Abs(float64(got[i]) - want[i]); d > tol*norm {
			t.Errorf("%s[%d]: got %.7g, want %.7g (PyTorch; gradient norm %.4g)", what, i, got[i], want[i], norm)
		}
	}
}

func TestOptimisersMatchPyTorch(t *testing.T) {
	v := loadTorchVectors(t)
	mk := map[string]func([]*Param) Optimizer{
		"adam":            func(ps []*Param) Optimizer { return NewAdam(ps, AdamOptions{LR: 1e-2}) },
		"adam_wd":         func(ps []*Param) Optimizer { return NewAdam(ps, AdamOptions{LR: 1e-2, WeightDecay: 0.1}) },
		"adamw":           func(ps []*Param) Optimizer { return NewAdamW(ps, AdamOptions{LR: 1e-2, WeightDecay: 0.1}) },
		"sgd":             func(ps []*Param) Optimizer { return NewSGD(ps, SGDOptions{LR: 0.1}) },
		"sgd_momentum_wd": func(ps []*Param) Optimizer { return NewSGD(ps, SGDOptions{LR: 0.1, Momentum: 0.9, WeightDecay: 0.01}) },
		"sgd_nesterov":    func(ps []*Param) Optimizer { return NewSGD(ps, SGDOptions{LR: 0.1, Momentum: 0.9, Nesterov: true}) },
	}
	for name, want := range v.Optim {
		t.Run(name, func(t *testing.T) {
			f, ok := mk[name]
			if !ok {
				t.Fatalf("no Go optimiser for vector set %q", name)
			}
			p := newParam("p", false, len(want.P0))
			for i, x := range want.P0 {
				p.Value.Data[i] = float32(x)
			}
			o := f([]*Param{p})
			for s, step := range want.Steps {
				for i := range p.Grad.Data {
					p.Grad.Data[i] = fillValue(301+s, i, 1)
				}
				o.Step()
				closeTo(t, name+" step "+string(rune('1'+s)), p.Value.Data, step, 1e-6)
			}
		})
	}
}
