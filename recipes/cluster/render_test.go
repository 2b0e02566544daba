package cluster

import "testing"

func TestStrings(t *testing.T) {
	g := &Graph{N: 3, Far: 1, Adj: [][]int32{{0, 1}, {0, 1}, {2}}, Dist: [][]float32{{0, .5}, {.5, 0}, {0}}}
	s := NewSelfPaced()
	for _, tc := range []struct{ got, want string }{
		{g.String(), "Graph: 3 points, 5 pairs closer than 1"},
		{s.String(), "SelfPaced: eps 0.6 (tight 0.58, loose 0.62), min_samples 4, threshold not fixed yet (the first Cluster fixes it)"},
	} {
		if tc.got != tc.want {
			t.Errorf("got %q\nwant %q", tc.got, tc.want)
		}
	}
	s.SetThreshold(0.25)
	if got, want := s.String(), "SelfPaced: eps 0.6 (tight 0.58, loose 0.62), min_samples 4, threshold fixed at 0.2500"; got != want {
		t.Errorf("got %q\nwant %q", got, want)
	}
}
