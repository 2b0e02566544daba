package data

import (
	"reflect"
	"sort"
	"testing"

	"github.com/gocontrast/contrast/recipes/nn"
)

// toy returns n samples of shape [1, 2, 2] whose pixels all equal the row
// number, with labels i % classes.
func toy(n, classes int) *Dataset {
	x := nn.New(n, 1, 2, 2)
	labels := make([]int, n)
	for i := 0; i < n; i++ {
		for j := range x.Row(i) {
			x.Row(i)[j] = float32(i)
		}
		labels[i] = i % classes
	}
	return NewDataset("toy", x, labels, nil)
}

func TestBatchesCoverEveryIndexOnce(t *testing.T) {
	for _, tc := range []struct{ n, size int }{{10, 3}, {10, 5}, {10, 20}, {0, 4}, {7, 1}} {
		for _, shuffle := range []bool{false, true} {
			bs := Batches(tc.n, tc.size, shuffle, 42)
			if want := (tc.n + tc.size - 1) / tc.size; len(bs) != want {
				t.Fatalf("n=%d size=%d: %d batches, want %d", tc.n, tc.size, len(bs), want)
			}
			var all []int
			for i, b := range bs {
				if i < len(bs)-1 && len(b) != tc.size {
					t.Errorf("batch %d has %d, want %d", i, len(b), tc.size)
				}
				all = append(all, b...)
			}
			ordered := append([]int(nil), all...)
			sort.Ints(ordered)
			for i, v := range ordered {
				if v != i {
					t.Fatalf("n=%d size=%d shuffle=%v: indices %v are not a permutation", tc.n, tc.size, shuffle, all)
				}
			}
			if !shuffle && !sort.IntsAreSorted(all) {
				t.Errorf("unshuffled batches out of order: %v", all)
			}
			if shuffle && tc.n >= 10 && sort.IntsAreSorted(all) {
				t.Errorf("shuffled batches in order")
			}
		}
	}
	if !reflect.DeepEqual(Batches(50, 8, true, 3), Batches(50, 8, true, 3)) {
		t.Error("same seed gave different batches")
	}
	if reflect.DeepEqual(Batches(50, 8, true, 3), Batches(50, 8, true, 4)) {
		t.Error("different seeds gave the same batches")
	}
}

func TestBatchGathersRowsAndLabels(t *testing.T) {
	d := toy(6, 3)
	x := d.Batch([]int{4, 1, 4})
	if !reflect.DeepEqual(x.Shape, []int{3, 1, 2, 2}) {
		t.Fatalf("shape %v", x.Shape)
	}
	for k, want := range []float32{4, 1, 4} {
		for _, v := range x.Row(k) {
			if v != want {
				t.Fatalf("row %d holds %v, want %v", k, x.Row(k), want)
			}
		}
	}
	if got := d.BatchLabels([]int{4, 1, 5}); !reflect.DeepEqual(got, []int{1, 1, 2}) {
		t.Errorf("labels %v", got)
	}
	im := d.Image(2)
	im.Data[0] = -1
	if d.Images().Data[8] != 2 || !reflect.DeepEqual(im.Shape, []int{1, 2, 2}) {
		t.Errorf("Image shares storage or has shape %v", im.Shape)
	}
}

func TestSubsetKeepsOriginalIndex(t *testing.T) {
	d := toy(10, 2)
	s := d.Subset([]int{7, 3, 9})
	s2 := s.Subset([]int{2, 0})
	if !reflect.DeepEqual(s2.Index, []int{9, 7}) || !reflect.DeepEqual(s2.Labels, []int{1, 1}) {
		t.Errorf("Index %v Labels %v, want [9 7] [1 1]", s2.Index, s2.Labels)
	}
	if s2.Image(0).Data[0] != 9 {
		t.Errorf("row 0 holds %v, want 9", s2.Image(0).Data[0])
	}
	s.x[0] = -5
	if d.Image(7).Data[0] != 7 {
		t.Error("Subset shares storage with its source")
	}
	sh := d.Shuffle(1)
	for i := 0; i < sh.Len(); i++ {
		if sh.Image(i).Data[0] != float32(sh.Index[i]) || sh.Labels[i] != sh.Index[i]%2 {
			t.Fatalf("Shuffle lost the row/label/index pairing at %d", i)
		}
	}
}

func TestSplitIsStratified(t *testing.T) {
	d := toy(100, 4) // 25 per class
	a, b := d.Split(0.8, 5)
	if a.Len() != 80 || b.Len() != 20 {
		t.Fatalf("split %d/%d, want 80/20", a.Len(), b.Len())
	}
	for c, n := range a.Counts() {
		if n != 20 {
			t.Errorf("class %d: %d in the first part, want 20", c, n)
		}
	}
	seen := map[int]bool{}
	for _, p := range []*Dataset{a, b} {
		for i, idx := range p.Index {
			if seen[idx] {
				t.Fatalf("index %d in both parts", idx)
			}
			seen[idx] = true
			if p.Image(i).Data[0] != float32(idx) {
				t.Fatal("Split lost the row/index pairing")
			}
		}
		if !sort.IntsAreSorted(p.Index) {
			t.Error("Split did not keep the original order")
		}
	}
	a2, _ := d.Split(0.8, 5)
	if !reflect.DeepEqual(a.Index, a2.Index) {
		t.Error("same seed, different split")
	}
}

func TestBalancedSampler(t *testing.T) {
	// 5 classes with 10, 9, 3, 2 and 8 samples; P=3, K=4.
	var labels []int
	for c, n := range []int{10, 9, 3, 2, 8} {
		for i := 0; i < n; i++ {
			labels = append(labels, c)
		}
	}
	labels = append(labels, -1, -1)
	bs, err := BalancedBatches(labels, 3, 4, 11)
	if err != nil {
		t.Fatal(err)
	}
	if len(bs) == 0 {
		t.Fatal("no batches")
	}
	used := map[int]int{}
	for _, b := range bs {
		if len(b) != 12 {
			t.Fatalf("batch of %d, want 12", len(b))
		}
		classes := map[int]bool{}
		for k := 0; k < 3; k++ {
			c := labels[b[4*k]]
			if classes[c] {
				t.Fatalf("class %d twice in batch %v", c, b)
			}
			classes[c] = true
			for _, i := range b[4*k : 4*k+4] {
				if labels[i] != c {
					t.Fatalf("chunk %v mixes classes", b[4*k:4*k+4])
				}
				used[i]++
			}
		}
	}
	for i, n := range used {
		if labels[i] < 0 {
			t.Errorf("outlier %d sampled", i)
		}
		if n > 1 && labels[i] != 2 && labels[i] != 3 {
			t.Errorf("sample %d of class %d used %d times (only classes with < K samples repeat)", i, labels[i], n)
		}
	}
	// Chunks per class: 2, 2, 1, 1, 2 = 8 chunks; each batch takes 3.
	// Batches stop when fewer than 3 classes have chunks left.
	if len(bs) < 2 {
		t.Errorf("%d batches, want at least 2", len(bs))
	}
	if _, err := BalancedBatches([]int{0, 0, 1, 1}, 3, 2, 1); err == nil {
		t.Error("no error with 2 classes for P=3")
	}
	bs2, _ := BalancedBatches(labels, 3, 4, 11)
	if !reflect.DeepEqual(bs, bs2) {
		t.Error("same seed, different batches")
	}
}

func TestHead(t *testing.T) {
	d := toy(10, 3)
	h := d.Head(4)
	if !reflect.DeepEqual(h.Index, []int{0, 1, 2, 3}) || h.Image(3).Data[0] != 3 {
		t.Errorf("Head(4): Index %v, row 3 holds %v", h.Index, h.Image(3).Data[0])
	}
	if d.Head(50).Len() != 10 || d.Head(0).Len() != 0 {
		t.Errorf("Head(50) has %d samples, Head(0) %d; want 10 and 0", d.Head(50).Len(), d.Head(0).Len())
	}
}

func TestSampleIsStratifiedAndExact(t *testing.T) {
	// Classes of 50, 30 and 20 samples (labels by blocks).
	n := 100
	x := nn.New(n, 1, 2, 2)
	labels := make([]int, n)
	for i := range labels {
		for j := range x.Row(i) {
			x.Row(i)[j] = float32(i)
		}
		switch {
		case i < 50:
			labels[i] = 0
		case i < 80:
			labels[i] = 1
		default:
			labels[i] = 2
		}
	}
	d := NewDataset("blocks", x, labels, []string{"a", "b", "c"})
	for _, tc := range []struct {
		n    int
		want []int
	}{
		{10, []int{5, 3, 2}},
		{7, []int{4, 2, 1}},     // exact shares 3.5, 2.1, 1.4: the largest remainder (0.5) gets the 7th
		{99, []int{49, 30, 20}}, // 49.5, 29.7, 19.8: the two largest remainders round up
		{0, []int{0, 0, 0}},
	} {
		s := d.Sample(tc.n, 3)
		if s.Len() != tc.n || !reflect.DeepEqual(s.Counts(), tc.want) {
			t.Errorf("Sample(%d): %d samples, counts %v; want counts %v", tc.n, s.Len(), s.Counts(), tc.want)
		}
		if !sort.IntsAreSorted(s.Index) {
			t.Errorf("Sample(%d) is not in the original order: %v", tc.n, s.Index)
		}
		seen := map[int]bool{}
		for i, idx := range s.Index {
			if seen[idx] {
				t.Fatalf("Sample(%d) drew index %d twice", tc.n, idx)
			}
			seen[idx] = true
			if s.Image(i).Data[0] != float32(idx) || s.Labels[i] != labels[idx] {
				t.Fatalf("Sample(%d) lost the row/label/index pairing at %d", tc.n, i)
			}
		}
	}
	if a, b := d.Sample(10, 3), d.Sample(10, 3); !reflect.DeepEqual(a.Index, b.Index) {
		t.Error("same seed, different samples")
	}
	if a, b := d.Sample(10, 3), d.Sample(10, 4); reflect.DeepEqual(a.Index, b.Index) {
		t.Error("different seeds, same samples")
	}
	if all := d.Sample(1000, 1); all.Len() != n || !reflect.DeepEqual(all.Index, d.Index) {
		t.Errorf("Sample(1000) of 100: %d samples, want all in order", all.Len())
	}
}
