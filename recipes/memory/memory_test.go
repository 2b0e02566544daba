package memory

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/gocontrast/contrast/recipes/loss"
	"github.com/gocontrast/contrast/recipes/nn"
)

const tol = 1e-6

func randTensor(rng *rand.Rand, n, d int) *nn.Tensor {
	t := nn.New(n, d)
	for i := range t.Data {
		t.Data[i] = float32(rng.NormFloat64())
	}
	return t
}

// keyBatch returns keys whose first element tags them (before
// normalisation the row is tag * (1, 0, ..., 0) + small noise-free part).
func keyBatch(tags ...int) *nn.Tensor {
	t := nn.New(len(tags), 3)
	for i, v := range tags {
		t.Data[i*3] = float32(v)
		t.Data[i*3+1] = 1
	}
	return t
}

func tagOf(row []float32) int { return int(math.Round(float64(row[0] / row[1]))) }

func TestQueueFIFO(t *testing.T) {
	q, err := NewLabelledQueue(5, 3)
	if err != nil {
		t.Fatal(err)
	}
	q.Enqueue(keyBatch(1, 2), []int{10, 20})
	q.Enqueue(keyBatch(3, 4), []int{30, 40})
	if q.Len() != 4 || q.Full() {
		t.Fatalf("Len %d Full %v, want 4 false", q.Len(), q.Full())
	}
	q.Enqueue(keyBatch(5, 6, 7), []int{50, 60, 70})
	snap, lab := q.Snapshot()
	want := []int{3, 4, 5, 6, 7}
	for i, w := range want {
		if g := tagOf(snap.Row(i)); g != w || lab[i] != 10*w {
			t.Errorf("snapshot row %d: got key %d label %d, want %d and %d", i, g, lab[i], w, 10*w)
		}
	}
	// Keys are stored normalised.
	for i := 0; i < q.Len(); i++ {
		var ss float64
		for _, v := range q.Keys().Row(i) {
			ss += float64(v) * float64(v)
		}
		if math.Abs(ss-1) > tol {
			t.Errorf("key %d has squared norm %v, want 1", i, ss)
		}
	}
	// Keys and Labels agree row by row.
	keys, labels := q.Keys(), q.Labels()
	for i := 0; i < q.Len(); i++ {
		if 10*tagOf(keys.Row(i)) != labels[i] {
			t.Errorf("Keys row %d is key %d but Labels says %d", i, tagOf(keys.Row(i)), labels[i])
		}
	}
	q.Dequeue(2)
	snap, lab = q.Snapshot()
	if q.Len() != 3 || tagOf(snap.Row(0)) != 5 || lab[2] != 70 {
		t.Fatalf("after Dequeue(2): Len %d, oldest %d, newest label %d; want 3, 5, 70", q.Len(), tagOf(snap.Row(0)), lab[2])
	}
	q.Enqueue(keyBatch(8, 9, 10), []int{80, 90, 100})
	snap, _ = q.Snapshot()
	for i, w := range []int{6, 7, 8, 9, 10} {
		if g := tagOf(snap.Row(i)); g != w {
			t.Errorf("after refill row %d: got %d want %d", i, g, w)
		}
	}
	// More keys than the capacity: only the last K stay.
	q.Enqueue(keyBatch(11, 12, 13, 14, 15, 16, 17), []int{1, 2, 3, 4, 5, 6, 7})
	snap, _ = q.Snapshot()
	for i, w := range []int{13, 14, 15, 16, 17} {
		if g := tagOf(snap.Row(i)); g != w {
			t.Errorf("after overflow row %d: got %d want %d", i, g, w)
		}
	}
	q.Dequeue(99)
	if q.Len() != 0 {
		t.Errorf("Dequeue(99): Len %d want 0", q.Len())
	}
}

func TestQueueSimilarity(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	q, _ := NewQueue(50, 7)
	q.Enqueue(randTensor(rng, 30, 7), nil)
	b := randTensor(rng, 4, 7)
	s := q.Similarity(nil, b, 5)
	keys := q.Keys()
	for i := 0; i < 4; i++ {
		for j := 0; j < 30; j++ {
			var want float64
			for c := 0; c < 7; c++ {
				want += float64(b.At(i, c)) * float64(keys.At(j, c))
			}
			want *= 5
			if math.Abs(float64(s.At(i, j))-want) > 1e-5 {
				t.Fatalf("similarity (%d, %d): got %v want %v", i, j, s.At(i, j), want)
			}
		}
	}
	// dst of the right size is reused.
	if s2 := q.Similarity(s, b, 5); s2 != s {
		t.Error("Similarity allocated although dst had the right size")
	}
}

func TestQueueFillRandomSeeded(t *testing.T) {
	a, _ := NewQueue(8, 4)
	b, _ := NewQueue(8, 4)
	a.FillRandom(rand.New(rand.NewPCG(3, 3)))
	b.FillRandom(rand.New(rand.NewPCG(3, 3)))
	if !a.Full() {
		t.Fatal("FillRandom did not fill the queue")
	}
	for i := range a.keys {
		if a.keys[i] != b.keys[i] {
			t.Fatal("same seed, different queues")
		}
	}
}

func TestQueueErrors(t *testing.T) {
	if _, err := NewQueue(0, 3); err == nil {
		t.Error("NewQueue(0, 3): got no error")
	}
	q, _ := NewQueue(4, 3)
	defer func() {
		if r, _ := recover().(string); !strings.HasPrefix(r, "memory: ") {
			t.Errorf("Enqueue of the wrong dimension: panic %q, want a memory: message", r)
		}
	}()
	q.Enqueue(nn.New(2, 4), nil)
}

type model struct{ ps []*nn.Param }

func (m model) Params() []*nn.Param { return m.ps }

func newModel(rng *rand.Rand, names ...string) model {
	var m model
	for _, n := range names {
		m.ps = append(m.ps, &nn.Param{Name: n, Value: randTensor(rng, 2, 3)})
	}
	return m
}

func TestMomentum(t *testing.T) {
	rng := rand.New(rand.NewPCG(4, 4))
	on, tg := newModel(rng, "w", "b"), newModel(rng, "w", "b")
	e, err := NewMomentum(on, tg, 0.9)
	if err != nil {
		t.Fatal(err)
	}
	for i := range on.ps {
		for j, v := range on.ps[i].Value.Data {
			if tg.ps[i].Value.Data[j] != v {
				t.Fatal("NewMomentum did not copy the online weights into the target")
			}
		}
	}
	before := tg.ps[0].Value.Clone()
	for i := range on.ps[0].Value.Data {
		on.ps[0].Value.Data[i] += 1
	}
	e.Update()
	for j, v := range tg.ps[0].Value.Data {
		want := 0.9*float64(before.Data[j]) + 0.1*float64(on.ps[0].Value.Data[j])
		if math.Abs(float64(v)-want) > tol {
			t.Fatalf("target[%d]: got %v want %v", j, v, want)
		}
	}
	if _, err := NewMomentum(on, newModel(rng, "w"), 0.9); err == nil {
		t.Error("different parameter counts: got no error")
	}
	if _, err := NewMomentum(on, newModel(rng, "w", "c"), 0.9); err == nil {
		t.Error("different parameter names: got no error")
	}
	if _, err := NewMomentum(on, tg, 1.5); err == nil {
		t.Error("momentum 1.5: got no error")
	}
}

func TestHybridLabelsAndLoss(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 5))
	src, tgt := randTensor(rng, 3, 4), randTensor(rng, 6, 4)
	h, err := NewHybrid(src, tgt)
	if err != nil {
		t.Fatal(err)
	}
	if err := h.SetTargetLabels([]int{1, -1, 1, 0, -1, 0}); err != nil {
		t.Fatal(err)
	}
	want := []int{0, 1, 2, 4, 5, 4, 3, 6, 3}
	for i, l := range h.Labels() {
		if l != want[i] {
			t.Fatalf("labels: got %v want %v", h.Labels(), want)
		}
	}
	z := randTensor(rng, 4, 4)
	idx := []int{1, 3, 4, 8}
	got, g := h.Loss(z, idx)
	ref, rg := loss.SpCL(z, h.Features(), h.Labels(), []int{1, 4, 5, 3}, loss.SpCLTemperature)
	if got != ref {
		t.Errorf("Loss: got %v want loss.SpCL's %v", got, ref)
	}
	for i := range g.Data {
		if g.Data[i] != rg.Data[i] {
			t.Fatalf("gradient[%d]: got %v want %v", i, g.Data[i], rg.Data[i])
		}
	}
	if err := h.SetTargetLabels([]int{1, 2}); err == nil {
		t.Error("SetTargetLabels with 2 labels for 6 instances: got no error")
	}
	if err := h.SetTargetLabels([]int{1, -2, 0, 0, 0, 0}); err == nil {
		t.Error("SetTargetLabels with -2: got no error")
	}
}

func TestHybridUpdate(t *testing.T) {
	rng := rand.New(rand.NewPCG(6, 6))
	h, err := NewHybrid(nil, randTensor(rng, 5, 3))
	if err != nil {
		t.Fatal(err)
	}
	h.Momentum = 0.2
	z := randTensor(rng, 3, 3)
	// Row 2 is updated twice, one after the other.
	idx := []int{2, 0, 2}
	want := h.Features().Clone()
	unit := func(v []float64) {
		var s float64
		for _, x := range v {
			s += x * x
		}
		for i := range v {
			v[i] /= math.Sqrt(s)
		}
	}
	for i, r := range idx {
		x := make([]float64, 3)
		for c := range x {
			x[c] = float64(z.At(i, c))
		}
		unit(x)
		f := make([]float64, 3)
		for c := range f {
			f[c] = 0.2*float64(want.At(r, c)) + 0.8*x[c]
		}
		unit(f)
		for c := range f {
			want.Data[r*3+c] = float32(f[c])
		}
	}
	h.Update(z, idx)
	for i, v := range h.Features().Data {
		if math.Abs(float64(v-want.Data[i])) > tol {
			t.Fatalf("feature %d: got %v want %v", i, v, want.Data[i])
		}
	}
}

func TestCrossBatch(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 7))
	x, err := NewCrossBatch(100, 4)
	if err != nil {
		t.Fatal(err)
	}
	z1, z2 := randTensor(rng, 6, 4), randTensor(rng, 6, 4)
	lab1, lab2 := []int{0, 1, 2}, []int{2, 0, 1}
	got1, _ := x.Loss(z1, lab1)
	want1, _ := loss.SupCon(z1, lab1, loss.DefaultSupCon())
	if got1 != want1 {
		t.Errorf("first batch: got %v want SupCon %v", got1, want1)
	}
	mem := z1.Clone()
	normalize(mem.Data, 6, 4)
	got2, g2 := x.Loss(z2, lab2)
	want2, wg2 := loss.SupConMemory(z2, lab2, mem, []int{0, 1, 2, 0, 1, 2}, loss.DefaultSupCon())
	if math.Abs(got2-want2) > tol {
		t.Errorf("second batch: got %v want SupConMemory %v", got2, want2)
	}
	for i := range g2.Data {
		if math.Abs(float64(g2.Data[i]-wg2.Data[i])) > tol {
			t.Fatalf("gradient[%d]: got %v want %v", i, g2.Data[i], wg2.Data[i])
		}
	}
	if x.Queue().Len() != 12 {
		t.Errorf("memory holds %d embeddings, want 12", x.Queue().Len())
	}
}
