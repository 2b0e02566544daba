package cluster_test

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/gocontrast/contrast/recipes/cluster"
	"github.com/gocontrast/contrast/recipes/memory"
	"github.com/gocontrast/contrast/recipes/nn"
	"github.com/gocontrast/contrast/recipes/probe"
)

// TestSpCLEpoch runs one epoch's pseudo-labelling of SpCL's unsupervised
// setting on well-separated blobs: hybrid memory, Jaccard distance,
// self-paced DBSCAN, new labels, unified loss. The clusters found must be
// the blobs.
func TestSpCLEpoch(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 9))
	const n, d, k = 320, 32, 8
	centres := make([]float64, k*d)
	for i := range centres {
		centres[i] = rng.NormFloat64()
	}
	feats := nn.New(n, d)
	truth := make([]int, n)
	for i := 0; i < n; i++ {
		truth[i] = i % k
		for j := 0; j < d; j++ {
			feats.Data[i*d+j] = float32(centres[truth[i]*d+j] + 0.25*rng.NormFloat64())
		}
	}
	h, err := memory.NewHybrid(nil, feats)
	if err != nil {
		t.Fatal(err)
	}
	g, err := cluster.JaccardGraph(h.TargetFeatures(), cluster.SpCLK1, cluster.SpCLK2)
	if err != nil {
		t.Fatal(err)
	}
	sp := cluster.NewSelfPaced()
	p, err := sp.Cluster(g)
	if err != nil {
		t.Fatal(err)
	}
	t.Log(p)
	if p.Clusters != k {
		t.Errorf("found %d clusters, want the %d blobs", p.Clusters, k)
	}
	if err := h.SetTargetLabels(p.Labels); err != nil {
		t.Fatal(err)
	}
	nmi, err := probe.NMI(truth, h.Labels())
	if err != nil {
		t.Fatal(err)
	}
	if nmi < 0.95 {
		t.Errorf("NMI of the pseudo-labels against the blobs: got %.3f, want >= 0.95", nmi)
	}
	batch := nn.FromSlice(append([]float32(nil), feats.Data[:8*d]...), 8, d)
	idx := []int{0, 1, 2, 3, 4, 5, 6, 7}
	l, dz := h.Loss(batch, idx)
	if math.IsNaN(l) || l <= 0 {
		t.Fatalf("unified loss %v, want a positive number", l)
	}
	var norm float64
	for _, v := range dz.Data {
		norm += float64(v) * float64(v)
	}
	if norm == 0 {
		t.Error("zero gradient")
	}
	h.Update(batch, idx)
}
