package memory

import (
	"math/rand/v2"
	"testing"
)

// TestStrings pins the one-line summaries a cell shows: before them, a
// Queue printed all its keys and a Momentum its parameter pointers.
func TestStrings(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 1))
	q, _ := NewQueue(16, 4)
	q.Enqueue(randTensor(rng, 5, 4), nil)
	lq, _ := NewLabelledQueue(8, 3)
	e, _ := NewMomentum(newModel(rng, "w", "b"), newModel(rng, "w", "b"), 0.99)
	x, _ := NewCrossBatch(32, 4)
	h, _ := NewHybrid(randTensor(rng, 2, 4), randTensor(rng, 5, 4))
	if err := h.SetTargetLabels([]int{0, 0, 1, -1, -1}); err != nil {
		t.Fatal(err)
	}
	var nilQueue *Queue
	for _, tc := range []struct {
		got, want string
	}{
		{q.String(), "Queue: 5 of 16 keys of dimension 4"},
		{lq.String(), "Queue: 0 of 8 keys of dimension 3, labelled"},
		{e.String(), "Momentum m=0.99 over 2 parameter tensors (12 weights)"},
		{x.String(), "CrossBatch (SupCon tau 0.1): Queue: 0 of 32 keys of dimension 4, labelled"},
		{h.String(), "Hybrid memory: 2 source classes + 5 target instances (4 target classes) of dimension 4, tau 0.05, momentum 0.2"},
		{nilQueue.String(), "Queue(nil)"},
	} {
		if tc.got != tc.want {
			t.Errorf("got %q\nwant %q", tc.got, tc.want)
		}
	}
}
