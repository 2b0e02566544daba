package nn

import (
	"runtime/debug"
	"strings"
	"testing"
)

func TestTensorStringSmall(t *testing.T) {
	x := FromSlice([]float32{0.1, -2, 3.5, 4, 5, 6}, 2, 3)
	got := x.String()
	want := "Tensor[2 3]\n[[0.1 -2  3.5]\n [4   5   6  ]]"
	if got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}

func TestTensorStringSummarises(t *testing.T) {
	x := New(100, 50)
	for i := range x.Data {
		x.Data[i] = float32(i)
	}
	got := x.String()
	lines := strings.Split(got, "\n")
	// header, 3 first rows, "...", 3 last rows
	if len(lines) != 8 {
		t.Fatalf("got %d lines want 8:\n%s", len(lines), got)
	}
	if !strings.HasPrefix(lines[1], "[[0 ") || !strings.Contains(lines[1], "... ") || !strings.HasSuffix(lines[1], "49  ]") {
		t.Errorf("first row %q should show 0 1 2 ... 47 48 49", lines[1])
	}
	if strings.TrimSpace(lines[4]) != "..." {
		t.Errorf("rows should be elided with a '...' line, got %q", lines[4])
	}
	if !strings.HasSuffix(lines[7], "4999]]") {
		t.Errorf("last row %q should end with the last value", lines[7])
	}
}

func TestTensorStringRank3AndEdgeCases(t *testing.T) {
	x := New(2, 1, 2)
	x.Data[3] = 1
	want := "Tensor[2 1 2]\n[[[0 0]]\n\n [[0 1]]]"
	if got := x.String(); got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
	if got := New(0, 4).String(); got != "Tensor[0 4]" {
		t.Errorf("empty: got %q", got)
	}
	bad := &Tensor{Shape: []int{2, 2}, Data: []float32{1}}
	if got := bad.String(); !strings.Contains(got, "inconsistent") {
		t.Errorf("inconsistent tensor: got %q", got)
	}
}

func TestFitNothingToDo(t *testing.T) {
	m := MLP(MLPConfig{Sizes: []int{4, 2}, Seed: 1})
	tr := NewTrainer(m, NewAdam(m.Params(), AdamOptions{LR: 1e-3}))
	x := New(8, 4)
	for i := range x.Data {
		x.Data[i] = float32(i%7) / 7
	}
	in := func(idx []int) *Tensor {
		b := New(len(idx), 4)
		for i, j := range idx {
			copy(b.Row(i), x.Row(j))
		}
		return b
	}
	lossFn := func(out *Tensor, _ []int) (float64, *Tensor) {
		g := New(out.Shape...)
		var l float64
		for i, v := range out.Data {
			l += float64(v * v)
			g.Data[i] = 2 * v
		}
		return l, g
	}
	opts := FitOptions{N: 8, BatchSize: 4, Quiet: true}
	if err := tr.Fit(in, lossFn, opts); err != nil {
		t.Fatal(err)
	}
	err := tr.Fit(in, lossFn, opts)
	if err == nil || !strings.Contains(err.Error(), "set it to 2 or more") {
		t.Fatalf("re-running a finished Fit: got %v, want ErrNothingToDo saying to raise Epochs", err)
	}
	if s := tr.String(); !strings.Contains(s, "2 steps in 1 epochs") || !strings.Contains(s, "adam") {
		t.Errorf("Trainer.String() = %q", s)
	}
}

func gcPercent() int {
	p := debug.SetGCPercent(100)
	debug.SetGCPercent(p)
	return p
}

// TestFitLimitsGCSlack: Fit collects garbage more often while it runs (so
// peak memory stays near the live heap) and restores the user's setting.
func TestFitLimitsGCSlack(t *testing.T) {
	defer debug.SetGCPercent(debug.SetGCPercent(100))
	m := MLP(MLPConfig{Sizes: []int{4, 2}, Seed: 1})
	in := func(idx []int) *Tensor { return New(len(idx), 4) }
	lossFn := func(out *Tensor, _ []int) (float64, *Tensor) { return 0, New(out.Shape...) }
	for _, user := range []int{100, 10} {
		debug.SetGCPercent(user)
		tr := NewTrainer(m, NewSGD(m.Params(), SGDOptions{LR: 0.1}))
		during := -2
		opts := FitOptions{N: 8, BatchSize: 4, Quiet: true, OnStep: func(StepStat) bool { during = gcPercent(); return true }}
		if err := tr.Fit(in, lossFn, opts); err != nil {
			t.Fatal(err)
		}
		if want := min(user, fitGCPercent); during != want {
			t.Errorf("GOGC %d: %d during Fit, want %d", user, during, want)
		}
		if after := gcPercent(); after != user {
			t.Errorf("GOGC %d: %d after Fit, want it restored", user, after)
		}
	}
}
