package cluster

import "fmt"

// String summarises the sparse graph instead of listing every pair, e.g.
// "Graph: 12936 points, 402113 pairs closer than 1".
func (g *Graph) String() string {
	if g == nil {
		return "Graph(nil)"
	}
	pairs := 0
	for _, adj := range g.Adj {
		pairs += len(adj)
	}
	return fmt.Sprintf("Graph: %d points, %d pairs closer than %g", g.N, pairs, g.Far)
}

// String gives the settings and whether the independence threshold is
// fixed yet, e.g. "SelfPaced: eps 0.6 (tight 0.58, loose 0.62),
// min_samples 4, threshold fixed at 0.6522".
func (s *SelfPaced) String() string {
	if s == nil {
		return "SelfPaced(nil)"
	}
	thr := "threshold not fixed yet (the first Cluster fixes it)"
	if s.haveThr {
		thr = fmt.Sprintf("threshold fixed at %.4f", s.threshold)
	}
	return fmt.Sprintf("SelfPaced: eps %g (tight %g, loose %g), min_samples %d, %s", s.Eps, s.Eps-s.Delta, s.Eps+s.Delta, s.MinSamples, thr)
}
