package cluster

import (
	"fmt"
	"math"
	"slices"

	"github.com/gocontrast/contrast/recipes/nn"
)

// SelfPaced is SpCL's self-paced pseudo-labelling (Ge et al., arXiv
// 2006.02713, sec. 3.2): cluster with DBSCAN at eps, and again at
// eps-delta (tighter) and eps+delta (looser), then keep only the reliable
// clusters and members. For each point i with cluster I(i) (a point of
// noise is a cluster of its own),
//
//	R_indep(i) = 1 - |I(i) ∩ I_loose(i)| / |I(i) ∪ I_loose(i)|
//	R_comp(i)  = 1 - |I(i) ∩ I_tight(i)| / |I(i) ∪ I_tight(i)|
//
// (one minus the IoU of the point's clusters, as yxgeee/SpCL's training
// scripts compute them). A cluster's R_indep and R_comp are the minima
// over its members. Point i stays in its cluster when its cluster's
// R_indep is at most the independence threshold and its own R_comp is at
// most its cluster's; otherwise it becomes un-clustered. The threshold is
// fixed on the first call (SpCL's epoch 0) as the 90th percentile of the
// clusters' R_indep over clusters of more than one point (the element at
// round(0.9 n) of their sorted values), and reused afterwards.
//
// A SelfPaced keeps that threshold between calls; use one per training
// run. Its zero value is not ready: use NewSelfPaced.
type SelfPaced struct {
	Eps        float64 // DBSCAN eps; SpCL's 0.6
	Delta      float64 // eps gap of the tight and loose clusterings; SpCL's 0.02
	MinSamples int     // DBSCAN min_samples; SpCL's 4

	threshold float64
	haveThr   bool
}

// NewSelfPaced returns SpCL's setting: eps 0.6, delta 0.02, min_samples 4
// (yxgeee/SpCL examples: --eps 0.6 --eps-gap 0.02, DBSCAN min_samples=4).
func NewSelfPaced() *SelfPaced {
	return &SelfPaced{Eps: 0.6, Delta: 0.02, MinSamples: 4}
}

// Threshold returns the independence threshold and whether it is set.
func (s *SelfPaced) Threshold() (float64, bool) { return s.threshold, s.haveThr }

// SetThreshold fixes the independence threshold (to resume a run).
func (s *SelfPaced) SetThreshold(t float64) { s.threshold, s.haveThr = t, true }

// Pseudo is the outcome of one self-paced clustering.
type Pseudo struct {
	// Labels holds each point's cluster, or Noise (-1) for an
	// un-clustered point. Cluster ids are DBSCAN's at eps; a cluster may
	// lose members, or all of them, to the criteria.
	Labels []int
	// Raw, Tight, Loose are DBSCAN's labels at eps, eps-delta, eps+delta.
	Raw, Tight, Loose []int
	// RComp, RIndep are the points' R_comp and R_indep.
	RComp, RIndep []float64
	// Threshold is the independence threshold used.
	Threshold float64
	// Clusters counts the clusters of more than one point after the
	// criteria; Unclustered the points alone in their cluster or noise.
	Clusters, Unclustered int
}

// String summarises the outcome as SpCL's logs do.
func (p *Pseudo) String() string {
	return fmt.Sprintf("%d clusters, %d un-clustered instances, R_indep threshold %.4f", p.Clusters, p.Unclustered, 1-p.Threshold)
}

func (s *SelfPaced) check() error {
	if !(s.Delta >= 0) || !(s.Eps-s.Delta > 0) {
		return fmt.Errorf("cluster: self-paced eps %v and delta %v must give eps-delta > 0", s.Eps, s.Delta)
	}
	return nil
}

// Cluster pseudo-labels the points of the sparse distance graph g (from
// JaccardGraph).
func (s *SelfPaced) Cluster(g *Graph) (*Pseudo, error) {
	if err := s.check(); err != nil {
		return nil, err
	}
	var raw, tight, loose []int
	var err error
	if raw, err = DBSCANGraph(g, s.Eps, s.MinSamples); err != nil {
		return nil, err
	}
	if tight, err = DBSCANGraph(g, s.Eps-s.Delta, s.MinSamples); err != nil {
		return nil, err
	}
	if loose, err = DBSCANGraph(g, s.Eps+s.Delta, s.MinSamples); err != nil {
		return nil, err
	}
	return s.Refine(raw, tight, loose)
}

// ClusterDense pseudo-labels the points of a dense distance matrix.
func (s *SelfPaced) ClusterDense(dist *nn.Tensor) (*Pseudo, error) {
	if err := s.check(); err != nil {
		return nil, err
	}
	var raw, tight, loose []int
	var err error
	if raw, err = DBSCAN(dist, s.Eps, s.MinSamples); err != nil {
		return nil, err
	}
	if tight, err = DBSCAN(dist, s.Eps-s.Delta, s.MinSamples); err != nil {
		return nil, err
	}
	if loose, err = DBSCAN(dist, s.Eps+s.Delta, s.MinSamples); err != nil {
		return nil, err
	}
	return s.Refine(raw, tight, loose)
}

// Refine applies the reliability criteria to DBSCAN's labels at eps,
// eps-delta and eps+delta (Noise for noise), fixing the independence
// threshold on the first call.
func (s *SelfPaced) Refine(raw, tight, loose []int) (*Pseudo, error) {
	n := len(raw)
	if len(tight) != n || len(loose) != n {
		return nil, fmt.Errorf("cluster: Refine got %d, %d and %d labels: all three clusterings must label the same points", n, len(tight), len(loose))
	}
	lab, nl := uniqueNoise(raw)
	rComp, err := Reliability(raw, tight)
	if err != nil {
		return nil, err
	}
	rIndep, err := Reliability(raw, loose)
	if err != nil {
		return nil, err
	}
	// Per-cluster minima and sizes (noise points are clusters of one).
	cComp := make([]float64, nl)
	cIndep := make([]float64, nl)
	size := make([]int, nl)
	for c := range cComp {
		cComp[c], cIndep[c] = math.Inf(1), math.Inf(1)
	}
	for i, c := range lab {
		cComp[c] = math.Min(cComp[c], rComp[i])
		cIndep[c] = math.Min(cIndep[c], rIndep[i])
		size[c]++
	}
	if !s.haveThr {
		var multi []float64
		for c := range cIndep {
			if size[c] > 1 {
				multi = append(multi, cIndep[c])
			}
		}
		if len(multi) > 0 {
			slices.Sort(multi)
			k := min(len(multi)-1, int(math.RoundToEven(float64(len(multi))*0.9)))
			s.threshold, s.haveThr = multi[k], true
		}
	}
	out := &Pseudo{Labels: make([]int, n), Raw: raw, Tight: tight, Loose: loose,
		RComp: rComp, RIndep: rIndep, Threshold: s.threshold}
	count := map[int]int{}
	for i, c := range lab {
		out.Labels[i] = Noise
		if raw[i] == Noise || !s.haveThr {
			if raw[i] != Noise {
				out.Labels[i] = raw[i]
			}
		} else if cIndep[c] <= s.threshold && rComp[i] <= cComp[c] {
			out.Labels[i] = raw[i]
		}
		if out.Labels[i] != Noise {
			count[out.Labels[i]]++
		}
	}
	for _, v := range count {
		if v > 1 {
			out.Clusters++
		} else {
			out.Unclustered++
		}
	}
	for _, v := range out.Labels {
		if v == Noise {
			out.Unclustered++
		}
	}
	return out, nil
}

// uniqueNoise renumbers labels as SpCL's generate_pseudo_labels: clusters
// keep their ids 0..k-1, each noise point gets its own id k, k+1, ...
// It returns the labels and their count.
func uniqueNoise(labels []int) ([]int, int) {
	k := 0
	for _, v := range labels {
		k = max(k, v+1)
	}
	out := make([]int, len(labels))
	for i, v := range labels {
		if v == Noise {
			v = k
			k++
		}
		out[i] = v
	}
	return out, k
}

// Reliability returns, for each point, 1 - IoU of its cluster in a and its
// cluster in b (noise points being clusters of their own): SpCL's R_comp
// for b = the tight clustering, R_indep for b = the loose one. Scores are
// computed in float32 arithmetic, as the reference does.
func Reliability(a, b []int) ([]float64, error) {
	if len(a) != len(b) {
		return nil, fmt.Errorf("cluster: Reliability of %d and %d labels", len(a), len(b))
	}
	for i := range a {
		if a[i] < Noise || b[i] < Noise {
			return nil, fmt.Errorf("cluster: label %d or %d of point %d: use -1 for noise", a[i], b[i], i)
		}
	}
	la, na := uniqueNoise(a)
	lb, nb := uniqueNoise(b)
	sa, sb := make([]int, na), make([]int, nb)
	pair := map[[2]int]int{}
	for i := range la {
		sa[la[i]]++
		sb[lb[i]]++
		pair[[2]int{la[i], lb[i]}]++
	}
	out := make([]float64, len(a))
	for i := range la {
		inter := pair[[2]int{la[i], lb[i]}]
		union := sa[la[i]] + sb[lb[i]] - inter
		// In float32, as the reference computes it, so that comparisons
		// between scores tie exactly where its do.
		out[i] = float64(1 - float32(inter)/float32(union))
	}
	return out, nil
}
