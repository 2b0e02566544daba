package nn

import (
	"context"
	"errors"
	"math"
	"strings"
	"testing"
)

// regression is a toy problem: y = A x for a fixed A, learned by an MLP.
type regression struct {
	x, y *Tensor
	in   *Tensor
	g    *Tensor
}

func newRegression(n int) *regression {
	r := randFor(5)
	x := randTensor(r, n, 4)
	y := New(n, 2)
	for i := 0; i < n; i++ {
		y.Data[2*i] = x.Data[4*i] - 0.5*x.Data[4*i+1]
		y.Data[2*i+1] = 0.3*x.Data[4*i+2] + x.Data[4*i+3]
	}
	return &regression{x: x, y: y}
}

func (p *regression) inputs(idx []int) *Tensor {
	p.in = ensure(p.in, len(idx), 4)
	for i, j := range idx {
		copy(p.in.Row(i), p.x.Row(j))
	}
	return p.in
}

func (p *regression) loss(out *Tensor, idx []int) (float64, *Tensor) {
	p.g = ensure(p.g, out.Shape...)
	var l float64
	for i, j := range idx {
		for k := 0; k < 2; k++ {
			d := float64(out.At(i, k) - p.y.At(j, k))
			l += d * d / float64(len(idx))
			p.g.Data[2*i+k] = float32(2 * d / float64(len(idx)))
		}
	}
	return l, p.g
}

func newRun(seed uint64) (*Trainer, *regression) {
	m := MLP(MLPConfig{Sizes: []int{4, 16, 2}, BatchNorm: true, Seed: seed})
	return NewTrainer(m, NewAdam(m.Params(), AdamOptions{LR: 1e-2})), newRegression(50)
}

func TestFitLearnsAndBatches(t *testing.T) {
	tr, p := newRun(1)
	var sizes []int
	err := tr.Fit(p.inputs, p.loss, FitOptions{N: 50, BatchSize: 16, Epochs: 30, Seed: 3, Quiet: true,
		OnStep: func(s StepStat) bool {
			if s.Epoch == 0 {
				sizes = append(sizes, s.Batch)
			}
			return true
		}})
	if err != nil {
		t.Fatal(err)
	}
	// 50 = 16+16+16+2: the smaller last batch is kept.
	if len(sizes) != 4 || sizes[3] != 2 {
		t.Errorf("batch sizes of epoch 1: %v, want [16 16 16 2]", sizes)
	}
	if len(tr.Epochs) != 30 || tr.Step != 120 {
		t.Errorf("%d epochs and %d steps recorded, want 30 and 120", len(tr.Epochs), tr.Step)
	}
	first, last := tr.Epochs[0].Loss, tr.Epochs[29].Loss
	if !(last < first/5) {
		t.Errorf("loss went from %.4f to %.4f: not learning", first, last)
	}
	// A last batch of one example is dropped (batch norm cannot train on it).
	tr2, p2 := newRun(1)
	if err := tr2.Fit(p2.inputs, p2.loss, FitOptions{N: 49, BatchSize: 16, Quiet: true}); err != nil {
		t.Fatal(err)
	}
	if tr2.Step != 3 {
		t.Errorf("N=49, batch 16: %d steps, want 3", tr2.Step)
	}
	// Evaluation at another batch size reuses the model's workspaces.
	z, err := Embed(tr.Model, p.inputs, 50, 7)
	if err != nil {
		t.Fatal(err)
	}
	want := tr.Model.Forward(p.inputs(seq(50)), false)
	// Not bitwise: Sgemm blocks a 7-row product differently from a 50-row one.
	for i := range want.Data {
		if math.Abs(float64(z.Data[i]-want.Data[i])) > 1e-5*(1+math.Abs(float64(want.Data[i]))) {
			t.Fatalf("Embed in batches of 7 differs from one batch at %d: %v vs %v", i, z.Data[i], want.Data[i])
		}
	}
}

func seq(n int) []int {
	s := make([]int, n)
	for i := range s {
		s[i] = i
	}
	return s
}

func TestFitReproducible(t *testing.T) {
	run := func() *Trainer {
		tr, p := newRun(7)
		if err := tr.Fit(p.inputs, p.loss, FitOptions{N: 50, BatchSize: 10, Epochs: 3, Seed: 11, Quiet: true}); err != nil {
			t.Fatal(err)
		}
		return tr
	}
	a, b := run(), run()
	for i := range a.History {
		if a.History[i].Loss != b.History[i].Loss {
			t.Fatalf("step %d: loss %v vs %v with the same seeds", i, a.History[i].Loss, b.History[i].Loss)
		}
	}
	pa, pb := a.Model.Params(), b.Model.Params()
	for i := range pa {
		for j := range pa[i].Value.Data {
			if pa[i].Value.Data[j] != pb[i].Value.Data[j] {
				t.Fatalf("%s differs between runs with the same seeds", pa[i].Name)
			}
		}
	}
}

func TestFitInterruptAndContinue(t *testing.T) {
	full, p := newRun(2)
	opts := FitOptions{N: 50, BatchSize: 10, Epochs: 4, Seed: 5, Quiet: true}
	if err := full.Fit(p.inputs, p.loss, opts); err != nil {
		t.Fatal(err)
	}
	tr, p2 := newRun(2)
	ctx, cancel := context.WithCancel(context.Background())
	o := opts
	o.Context = ctx
	o.OnStep = func(s StepStat) bool {
		if s.Step == 6 {
			cancel()
		}
		return true
	}
	err := tr.Fit(p2.inputs, p2.loss, o)
	if !errors.Is(err, ErrInterrupted) || !strings.Contains(err.Error(), "continue") {
		t.Fatalf("err = %v, want ErrInterrupted saying how to continue", err)
	}
	if tr.Step != 7 {
		t.Fatalf("stopped after %d steps, want 7", tr.Step)
	}
	o.Context, o.OnStep = context.Background(), nil
	if err := tr.Fit(p2.inputs, p2.loss, o); err != nil {
		t.Fatal(err)
	}
	if tr.Step != full.Step {
		t.Fatalf("continued run took %d steps, uninterrupted %d", tr.Step, full.Step)
	}
	for i := range full.History {
		if full.History[i].Loss != tr.History[i].Loss {
			t.Fatalf("step %d: loss %v after interrupting and continuing, %v uninterrupted", i, tr.History[i].Loss, full.History[i].Loss)
		}
	}
}

func TestFitCheckpointContinue(t *testing.T) {
	full, p := newRun(4)
	opts := FitOptions{N: 50, BatchSize: 10, Epochs: 2, Seed: 5, Quiet: true}
	if err := full.Fit(p.inputs, p.loss, opts); err != nil {
		t.Fatal(err)
	}
	tr, p2 := newRun(4)
	half := opts
	half.Epochs = 1
	if err := tr.Fit(p2.inputs, p2.loss, half); err != nil {
		t.Fatal(err)
	}
	path := t.TempDir() + "/half.ckpt"
	if err := tr.Save(path, nil); err != nil {
		t.Fatal(err)
	}
	resumed, p3 := newRun(99)
	if _, err := resumed.Load(path); err != nil {
		t.Fatal(err)
	}
	if err := resumed.Fit(p3.inputs, p3.loss, opts); err != nil {
		t.Fatal(err)
	}
	for i, s := range resumed.History {
		if want := full.History[5+i].Loss; s.Loss != want {
			t.Fatalf("resumed step %d: loss %v, uninterrupted %v", s.Step, s.Loss, want)
		}
	}
}

func TestFitErrors(t *testing.T) {
	tr, p := newRun(1)
	if err := tr.Fit(p.inputs, p.loss, FitOptions{}); err == nil || !strings.Contains(err.Error(), "N") {
		t.Errorf("missing N: err = %v", err)
	}
	nan := func(out *Tensor, idx []int) (float64, *Tensor) { return math.NaN(), out }
	if err := tr.Fit(p.inputs, nan, FitOptions{N: 50, Quiet: true}); err == nil || !strings.Contains(err.Error(), "NaN") {
		t.Errorf("NaN loss: err = %v", err)
	}
	boom := func(out *Tensor, idx []int) (float64, *Tensor) { panic("boom") }
	if err := tr.Fit(p.inputs, boom, FitOptions{N: 50, Epochs: 2, Quiet: true}); err == nil || !strings.Contains(err.Error(), "boom") {
		t.Errorf("panicking loss: err = %v", err)
	}
	short := func(out *Tensor, idx []int) (float64, *Tensor) { return 1, New(1) }
	if err := tr.Fit(p.inputs, short, FitOptions{N: 50, Epochs: 3, Quiet: true}); err == nil || !strings.Contains(err.Error(), "shape") {
		t.Errorf("wrong gradient shape: err = %v", err)
	}
}

func TestSchedules(t *testing.T) {
	c := Cosine(10, 0)
	if got := c(0, 110); math.Abs(got-0.1) > 1e-12 {
		t.Errorf("cosine warm-up step 0: %v, want 0.1", got)
	}
	if got := c(9, 110); got != 1 {
		t.Errorf("end of warm-up: %v, want 1", got)
	}
	if got := c(10, 110); got != 1 {
		t.Errorf("start of decay: %v, want 1", got)
	}
	if got := c(109, 110); math.Abs(got) > 1e-12 {
		t.Errorf("last step: %v, want 0", got)
	}
	if got := c(10+99/2, 110); math.Abs(got-0.5) > 0.02 {
		t.Errorf("middle of decay: %v, want about 0.5", got)
	}
	s := StepDecay(30, 0.1, 0)
	if s(29, 100) != 1 || math.Abs(s(30, 100)-0.1) > 1e-12 || math.Abs(s(65, 100)-0.01) > 1e-12 {
		t.Errorf("step decay: %v %v %v", s(29, 100), s(30, 100), s(65, 100))
	}
	if w := Warmup(4); w(1, 10) != 0.5 || w(7, 10) != 1 {
		t.Errorf("warmup: %v %v", w(1, 10), w(7, 10))
	}
}

func TestClipGradNorm(t *testing.T) {
	p := newParam("p", false, 2)
	p.Grad.Data[0], p.Grad.Data[1] = 3, 4
	if n := ClipGradNorm([]*Param{p}, 1); math.Abs(n-5) > 1e-9 {
		t.Errorf("norm %v, want 5", n)
	}
	if math.Abs(float64(p.Grad.Data[0])-0.6) > 1e-6 || math.Abs(float64(p.Grad.Data[1])-0.8) > 1e-6 {
		t.Errorf("clipped gradient %v, want [0.6 0.8]", p.Grad.Data)
	}
}

// TestLARS checks one step against the formula worked by hand (SimCLR's
// LARS: weights adapted and decayed, NoDecay parameters plain momentum SGD).
func TestLARS(t *testing.T) {
	w := newParam("w", false, 2)
	w.Value.Data[0], w.Value.Data[1] = 3, 4 // ‖w‖ = 5
	w.Grad.Data[0], w.Grad.Data[1] = 0, 1
	b := newParam("b", true, 1)
	b.Value.Data[0], b.Grad.Data[0] = 1, 2
	o := NewLARS([]*Param{w, b}, LARSOptions{LR: 0.5, Momentum: 0.9, WeightDecay: 0.1, Eta: 0.01})
	o.Step()
	// g' = g + 0.1 w = (0.3, 1.4); ‖g'‖ = √2.05; lr' = 0.5·0.01·5/√2.05
	lr := 0.5 * 0.01 * 5 / math.Sqrt(2.05)
	want := []float64{3 - lr*0.3, 4 - lr*1.4}
	for i := range want {
		if math.Abs(float64(w.Value.Data[i])-want[i]) > 1e-6 {
			t.Errorf("w[%d] = %v, want %v", i, w.Value.Data[i], want[i])
		}
	}
	if math.Abs(float64(b.Value.Data[0])-(1-0.5*2)) > 1e-6 {
		t.Errorf("bias = %v, want %v (no decay, no adaptation)", b.Value.Data[0], 1-0.5*2)
	}
	// second step: momentum carries over
	w.Grad.Data[0], w.Grad.Data[1] = 0, 0
	b.Grad.Data[0] = 0
	o.Step()
	if math.Abs(float64(b.Value.Data[0])-(0-0.9*1)) > 1e-6 {
		t.Errorf("bias after momentum step = %v, want %v", b.Value.Data[0], -0.9)
	}
}
