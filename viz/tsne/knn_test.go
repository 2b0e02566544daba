package tsne

import (
	"context"
	"fmt"
	"slices"
	"testing"
)

// recallOf is the fraction of the exact neighbour lists found by got.
func recallOf(got, exact *neighbors) float64 {
	hit := 0
	for i := range exact.n {
		want := exact.idx[i*exact.k : (i+1)*exact.k]
		for _, j := range got.idx[i*got.k : (i+1)*got.k] {
			if slices.Contains(want, j) {
				hit++
			}
		}
	}
	return float64(hit) / float64(exact.n*exact.k)
}

func TestKNNApproxRecall(t *testing.T) {
	// Overlapping clusters in 30 dimensions, so that the neighbour lists
	// are not just "my cluster".
	x, _ := blobs(4000, 30, 8, 11)
	for i := range x {
		x[i] *= 0.2
	}
	exact, err := knnExact(context.Background(), x, 4000, 30, 90, 2)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		prm  knnParams
		want float64
	}{
		{knnParams{trees: 6, leafSize: 180, rounds: 0, sample: 12}, 0.70},
		{defaultKNNParams(4000, 90), 0.98},
	} {
		got, err := knnApproxWith(context.Background(), x, 4000, 30, 90, 2, 1, tc.prm)
		if err != nil {
			t.Fatal(err)
		}
		r := recallOf(got, exact)
		t.Logf("%+v: recall %.4f", tc.prm, r)
		if r < tc.want {
			t.Errorf("%+v: recall %.4f < %.2f", tc.prm, r, tc.want)
		}
		for i := range 4000 {
			row := got.idx[i*90 : (i+1)*90]
			for s, j := range row {
				if int(j) == i {
					t.Fatalf("point %d lists itself", i)
				}
				if s > 0 && got.dist[i*90+s] < got.dist[i*90+s-1] {
					t.Fatalf("point %d: distances not ascending", i)
				}
				if slices.Contains(row[:s], j) {
					t.Fatalf("point %d lists %d twice", i, j)
				}
			}
		}
	}
	// Deterministic for a seed, whatever the thread count.
	a, _ := knnApprox(context.Background(), x, 4000, 30, 90, 1, 5)
	b, _ := knnApprox(context.Background(), x, 4000, 30, 90, 3, 5)
	if !slices.Equal(a.idx, b.idx) {
		t.Errorf("approximate search differs between 1 and 3 threads")
	}
}

var sinkNB *neighbors

func BenchmarkKNN(b *testing.B) {
	for _, n := range []int{2000, 10000} {
		x, _ := blobs(n, 50, 10, 1)
		b.Run(fmt.Sprintf("exact/n=%d", n), func(b *testing.B) {
			for range b.N {
				sinkNB, _ = knnExact(context.Background(), x, n, 50, 90, threadCount(0))
			}
		})
		b.Run(fmt.Sprintf("approx/n=%d", n), func(b *testing.B) {
			for range b.N {
				sinkNB, _ = knnApprox(context.Background(), x, n, 50, 90, threadCount(0), 1)
			}
		})
	}
}
