package loss

import (
	"math"
	"math/rand/v2"
	"runtime"
	"strings"
	"testing"

	"github.com/gocontrast/contrast/recipes/nn"
)

func TestExpf(t *testing.T) {
	const tol = 3e-7 // relative, about 2.5 float32 ulp
	for x := -87.0; x < 88.5; x += 0.001 {
		got := float64(expf(float32(x)))
		want := math.Exp(float64(float32(x)))
		if e := math.Abs(got-want) / want; e > tol {
			t.Fatalf("expf(%v): got %v want %v (relative error %.2g)", x, got, want, e)
		}
	}
	if expf(-100) != 0 || !math.IsInf(float64(expf(100)), 1) {
		t.Errorf("expf out of range: got %v and %v, want 0 and +Inf", expf(-100), expf(100))
	}
}

// SupCon without labels and with base = tau is NT-Xent averaged over the
// 2B anchors, i.e. half of SimCLR's sum of both directions.
func TestSupConUnsupervisedIsHalfNTXent(t *testing.T) {
	z := randTensor(rand.New(rand.NewPCG(7, 8)), 10, 4)
	ln, gn := NTXent(z, 0.5)
	ls, gs := SupCon(z, nil, SupConConfig{Temperature: 0.5})
	if math.Abs(ls-ln/2) > 1e-6 {
		t.Errorf("SupCon(no labels): got %v want NTXent/2 = %v", ls, ln/2)
	}
	for i := range gn.Data {
		if math.Abs(float64(gs.Data[i]-gn.Data[i]/2)) > 1e-6 {
			t.Fatalf("gradient[%d]: got %v want %v", i, gs.Data[i], gn.Data[i]/2)
		}
	}
}

// Per-image labels are repeated over the views.
func TestSupConPerImageLabels(t *testing.T) {
	z := randTensor(rand.New(rand.NewPCG(9, 10)), 12, 4)
	img := []int{0, 1, 0, 2}
	rows := append(append(append([]int{}, img...), img...), img...)
	a, _ := SupCon(z, img, DefaultSupCon())
	b, _ := SupCon(z, rows, DefaultSupCon())
	if a != b {
		t.Errorf("per-image labels: got %v, per-row labels %v", a, b)
	}
}

// An anchor without positives contributes zero loss and zero gradient.
func TestSupConAnchorWithoutPositives(t *testing.T) {
	z := randTensor(rand.New(rand.NewPCG(11, 12)), 4, 3)
	l, g := SupCon(z, []int{0, 1, 2, 3}, DefaultSupCon())
	if l != 0 {
		t.Errorf("all anchors without positives: loss got %v want 0", l)
	}
	for i, v := range g.Data {
		if v != 0 {
			t.Fatalf("gradient[%d] got %v want 0", i, v)
		}
	}
	// With one pair, only rows 0 and 2 get a gradient through their own
	// anchors, but rows 1 and 3 are negatives of theirs.
	_, g = SupCon(z, []int{0, 1, 0, 3}, DefaultSupCon())
	for _, r := range []int{0, 1, 2, 3} {
		if norm(g.Row(r)) == 0 {
			t.Errorf("row %d: got a zero gradient, want the negatives' share", r)
		}
	}
}

func norm(v []float32) float64 {
	var s float64
	for _, x := range v {
		s += float64(x) * float64(x)
	}
	return math.Sqrt(s)
}

func TestMoCHiWithoutSyntheticIsInfoNCE(t *testing.T) {
	rng := rand.New(rand.NewPCG(13, 14))
	q, k, queue := randTensor(rng, 5, 4), randTensor(rng, 5, 4), unitRows(rng, 20, 4)
	a, ga := InfoNCE(q, k, queue, 0.2)
	b, gb := MoCHi(q, k, queue, MoCHiConfig{Temperature: 0.2, N: 8}, rng)
	if math.Abs(a-b) > 1e-7 {
		t.Errorf("MoCHi with s = s' = 0: got %v want InfoNCE %v", b, a)
	}
	for i := range ga.Data {
		if math.Abs(float64(ga.Data[i]-gb.Data[i])) > 1e-7 {
			t.Fatalf("gradient[%d]: got %v want %v", i, gb.Data[i], ga.Data[i])
		}
	}
	// Hard synthetic negatives raise the loss.
	c, _ := MoCHi(q, k, queue, MoCHiConfig{Temperature: 0.2, N: 8, S: 16, SPrime: 8}, rng)
	if !(c > a) {
		t.Errorf("MoCHi (8, 16, 8): loss %v, want more than InfoNCE's %v", c, a)
	}
}

func TestMoCHiSeeded(t *testing.T) {
	rng := rand.New(rand.NewPCG(15, 16))
	q, k, queue := randTensor(rng, 6, 4), randTensor(rng, 6, 4), unitRows(rng, 30, 4)
	cfg := MoCHiConfig{Temperature: 0.2, N: 10, S: 8, SPrime: 4}
	a, _ := MoCHi(q, k, queue, cfg, rand.New(rand.NewPCG(1, 1)))
	b, _ := MoCHi(q, k, queue, cfg, rand.New(rand.NewPCG(1, 1)))
	c, _ := MoCHi(q, k, queue, cfg, rand.New(rand.NewPCG(2, 2)))
	if a != b {
		t.Errorf("same seed: got %v and %v", a, b)
	}
	if a == c {
		t.Errorf("different seeds gave the same loss %v", a)
	}
	m := DrawMixing(rand.New(rand.NewPCG(3, 3)), 6, 30, cfg)
	for i := range m.Alpha {
		if !(m.Alpha[i] > 0 && m.Alpha[i] < 1) || m.I[i] >= 10 || m.J[i] >= 10 {
			t.Fatalf("draw %d: alpha %v, positions %d %d outside (0,1) x [0,10)", i, m.Alpha[i], m.I[i], m.J[i])
		}
	}
	for i := range m.Beta {
		if !(m.Beta[i] > 0 && m.Beta[i] < 0.5) || m.JQ[i] >= 10 {
			t.Fatalf("draw %d: beta %v, position %d outside (0,0.5) x [0,10)", i, m.Beta[i], m.JQ[i])
		}
	}
	// A queue smaller than N mixes among all of it.
	if m := DrawMixing(rand.New(rand.NewPCG(3, 3)), 2, 5, cfg); m.N != 5 {
		t.Errorf("N for a queue of 5: got %d want 5", m.N)
	}
}

func TestHardestSelection(t *testing.T) {
	rng := rand.New(rand.NewPCG(17, 18))
	row := make([]float32, 500)
	for i := range row {
		row[i] = float32(rng.NormFloat64())
	}
	var ms mixScratch
	top := ms.hardest(row, 37)
	if len(top) != 37 {
		t.Fatalf("got %d entries want 37", len(top))
	}
	larger := 0
	for _, v := range row {
		if v > top[36].v {
			larger++
		}
	}
	if larger != 36 {
		t.Errorf("%d entries exceed the 37th hardest, want 36", larger)
	}
	for i := 1; i < len(top); i++ {
		if top[i].v > top[i-1].v || row[top[i].i] != top[i].v {
			t.Fatalf("entry %d: %v after %v, or index wrong", i, top[i].v, top[i-1].v)
		}
	}
}

// SpCL with every memory row its own class and one target row per
// sample is a plain InfoNCE-like softmax over the rows.
func TestSpCLInstanceMemory(t *testing.T) {
	rng := rand.New(rand.NewPCG(19, 20))
	mem := unitRows(rng, 6, 4)
	z := randTensor(rng, 3, 4)
	l, _ := SpCL(z, mem, []int{0, 1, 2, 3, 4, 5}, []int{2, 0, 5}, 0.3)
	u := z.Clone()
	normalizeRows(u.Data, u.Data, 3, 4, nil)
	var want float64
	for b, tgt := range []int{2, 0, 5} {
		var sum, pos float64
		for j := 0; j < 6; j++ {
			var s float64
			for c := 0; c < 4; c++ {
				s += float64(u.At(b, c) * mem.At(j, c))
			}
			sum += math.Exp(s / 0.3)
			if j == tgt {
				pos = s / 0.3
			}
		}
		want += math.Log(sum) - pos
	}
	want /= 3
	if math.Abs(l-want) > 1e-6 {
		t.Errorf("got %v want %v", l, want)
	}
}

func TestPanicsAreLabelled(t *testing.T) {
	z := nn.New(3, 4)
	cases := map[string]func(){
		"odd rows":      func() { NTXent(z, 0.5) },
		"zero tau":      func() { NTXent(nn.New(4, 4), 0) },
		"label range":   func() { CrossEntropy(nn.New(2, 3), []int{0, 3}) },
		"spcl target":   func() { SpCL(z, nn.New(2, 4), []int{0, 2}, []int{0, 1, 0}, 0.05) },
		"label count":   func() { SupCon(nn.New(4, 2), []int{0, 1, 2}, DefaultSupCon()) },
		"queue dims":    func() { InfoNCE(z, z, nn.New(5, 3), 0.2) },
		"distill shape": func() { Distill(z, nn.New(3, 5), 1) },
	}
	for name, f := range cases {
		t.Run(name, func(t *testing.T) {
			defer func() {
				r := recover()
				s, _ := r.(string)
				if !strings.HasPrefix(s, "loss: ") {
					t.Errorf("panic %v, want a message prefixed \"loss: \"", r)
				}
			}()
			f()
		})
	}
}

func TestNilGradientSkipsIt(t *testing.T) {
	z := randTensor(rand.New(rand.NewPCG(21, 22)), 8, 4)
	var ws Workspace
	want, _ := NTXent(z, 0.5)
	if got := ws.NTXent(nil, z, 0.5); got != want {
		t.Errorf("without gradient: got %v want %v", got, want)
	}
}

// TestParallelMatchesSerial runs each loss on inputs large enough to be
// split across goroutines and compares with a single-threaded run.
func TestParallelMatchesSerial(t *testing.T) {
	rng := rand.New(rand.NewPCG(23, 24))
	z := randTensor(rng, 256, 16)
	q, k, queue := randTensor(rng, 64, 16), randTensor(rng, 64, 16), unitRows(rng, 2048, 16)
	labels := make([]int, 128)
	for i := range labels {
		labels[i] = rng.IntN(7)
	}
	memLabels := make([]int, queue.Rows())
	for i := range memLabels {
		memLabels[i] = rng.IntN(300)
	}
	targets := make([]int, q.Rows())
	for i := range targets {
		targets[i] = memLabels[rng.IntN(len(memLabels))]
	}
	run := func() []float64 {
		var out []float64
		add := func(l float64, g *nn.Tensor) {
			out = append(out, l)
			for _, v := range g.Data {
				out = append(out, float64(v))
			}
		}
		add(NTXent(z, 0.5))
		add(SupCon(z, labels, DefaultSupCon()))
		add(InfoNCE(q, k, queue, 0.2))
		add(MoCHi(q, k, queue, MoCHiConfig{Temperature: 0.2, N: 64, S: 32, SPrime: 16}, rand.New(rand.NewPCG(1, 2))))
		add(SpCL(q, queue, memLabels, targets, 0.05))
		return out
	}
	par := run()
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(1))
	ser := run()
	for i := range par {
		if par[i] != ser[i] {
			t.Fatalf("value %d: parallel %v, serial %v", i, par[i], ser[i])
		}
	}
}
