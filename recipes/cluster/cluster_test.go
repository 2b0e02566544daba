package cluster

import (
	"context"
	"encoding/json"
	"math"
	"math/rand/v2"
	"os"
	"testing"

	"github.com/gocontrast/contrast/display"
	"github.com/gocontrast/contrast/recipes/nn"
)

// jaccardTol is the largest difference allowed between our Jaccard
// distances (float32 weights) and NumPy's float64 ones stored to 7 digits.
const jaccardTol = 2e-5

type tensorJSON struct {
	Shape []int     `json:"shape"`
	Data  []float32 `json:"data"`
}

func (t tensorJSON) tensor() *nn.Tensor { return nn.FromSlice(t.Data, t.Shape...) }

type sparseJSON struct {
	I, J []int
	D    []float32
}

func (s sparseJSON) graph(n int) *Graph {
	g := &Graph{N: n, Far: 1, Adj: make([][]int32, n), Dist: make([][]float32, n)}
	for k := range s.I {
		g.Adj[s.I[k]] = append(g.Adj[s.I[k]], int32(s.J[k]))
		g.Dist[s.I[k]] = append(g.Dist[s.I[k]], s.D[k])
	}
	return g
}

type vectors struct {
	DBSCAN []struct {
		Name string
		Dist tensorJSON
		Runs []struct {
			Eps        float64
			MinSamples int
			Labels     []int
		}
	}
	JaccardFeatures tensorJSON
	Jaccard         []struct {
		Name    string
		K1, K2  int
		Jaccard sparseJSON
	}
	SelfPaced []struct {
		Features          tensorJSON
		Jaccard           sparseJSON
		Raw, Tight, Loose []int
		RComp, RIndep     []float64
		Labels            []int
		Threshold         float64
	}
	Cosine struct {
		Features, Dist tensorJSON
		Eps            float64
		MinSamples     int
		Labels         []int
	}
}

func load(t *testing.T) *vectors {
	t.Helper()
	b, err := os.ReadFile("testdata/vectors.json")
	if err != nil {
		t.Fatalf("reading test vectors (regenerate with /usr/bin/python3 testdata/gen_vectors.py): %v", err)
	}
	var v vectors
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatalf("decoding testdata/vectors.json: %v", err)
	}
	if len(v.DBSCAN) == 0 || len(v.Jaccard) == 0 || len(v.SelfPaced) != 2 {
		t.Fatal("testdata/vectors.json is missing cases")
	}
	return &v
}

func sameLabels(t *testing.T, what string, got, want []int) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: got %d labels want %d", what, len(got), len(want))
	}
	for i := range got {
		if got[i] != want[i] {
			t.Errorf("%s: point %d got label %d want %d (scikit-learn)", what, i, got[i], want[i])
			return
		}
	}
}

func TestDBSCANMatchesScikitLearn(t *testing.T) {
	v := load(t)
	for _, c := range v.DBSCAN {
		dist := c.Dist.tensor()
		for _, r := range c.Runs {
			got, err := DBSCAN(dist, r.Eps, r.MinSamples)
			if err != nil {
				t.Fatal(err)
			}
			sameLabels(t, c.Name, got, r.Labels)
			// The sparse path agrees when eps is below the far distance.
			g := denseToGraph(dist, 1e9)
			got, err = DBSCANGraph(g, r.Eps, r.MinSamples)
			if err != nil {
				t.Fatal(err)
			}
			sameLabels(t, c.Name+" (graph)", got, r.Labels)
		}
	}
}

func denseToGraph(d *nn.Tensor, far float64) *Graph {
	n := d.Rows()
	g := &Graph{N: n, Far: far, Adj: make([][]int32, n), Dist: make([][]float32, n)}
	for i := 0; i < n; i++ {
		for j := 0; j < n; j++ {
			g.Adj[i] = append(g.Adj[i], int32(j))
			g.Dist[i] = append(g.Dist[i], d.At(i, j))
		}
	}
	return g
}

func TestJaccardMatchesNumPy(t *testing.T) {
	v := load(t)
	feat := v.JaccardFeatures.tensor()
	n := feat.Rows()
	for _, c := range v.Jaccard {
		t.Run(c.Name, func(t *testing.T) {
			want := c.Jaccard.graph(n).Dense()
			got, err := Jaccard(feat, c.K1, c.K2)
			if err != nil {
				t.Fatal(err)
			}
			worst, at := 0.0, 0
			for i := range got.Data {
				if e := math.Abs(float64(got.Data[i] - want.Data[i])); e > worst {
					worst, at = e, i
				}
			}
			if worst > jaccardTol {
				t.Errorf("distance (%d, %d): got %.7g want %.7g (NumPy)", at/n, at%n, got.Data[at], want.Data[at])
			}
			// A point is at distance 0 from itself.
			for i := 0; i < n; i++ {
				if got.At(i, i) > 1e-6 {
					t.Fatalf("d(%d, %d) = %v, want 0", i, i, got.At(i, i))
				}
			}
		})
	}
}

func TestSelfPacedMatchesSpCL(t *testing.T) {
	v := load(t)
	sp := NewSelfPaced()
	for epoch, e := range v.SelfPaced {
		n := len(e.Raw)
		p, err := sp.Cluster(e.Jaccard.graph(n))
		if err != nil {
			t.Fatal(err)
		}
		sameLabels(t, "raw", p.Raw, e.Raw)
		sameLabels(t, "tight", p.Tight, e.Tight)
		sameLabels(t, "loose", p.Loose, e.Loose)
		for i := range p.RComp {
			// Both are float32 values; the JSON holds their shortest decimals.
			if float32(p.RComp[i]) != float32(e.RComp[i]) || float32(p.RIndep[i]) != float32(e.RIndep[i]) {
				t.Fatalf("epoch %d point %d: R_comp %v R_indep %v, want %v %v", epoch, i, p.RComp[i], p.RIndep[i], e.RComp[i], e.RIndep[i])
			}
		}
		if float32(p.Threshold) != float32(e.Threshold) {
			t.Errorf("epoch %d: threshold got %v want %v", epoch, p.Threshold, e.Threshold)
		}
		sameLabels(t, "pseudo-labels", p.Labels, e.Labels)
		rejected := 0
		for i := range p.Labels {
			if p.Labels[i] == Noise && p.Raw[i] != Noise {
				rejected++
			}
		}
		if rejected == 0 {
			t.Errorf("epoch %d: the criteria rejected nobody; the vectors do not exercise them", epoch)
		}
		t.Logf("epoch %d: %v, %d rejected", epoch, p, rejected)

		// Our Jaccard distance on the same features gives the same clusters.
		g, err := JaccardGraph(e.Features.tensor(), SpCLK1, SpCLK2)
		if err != nil {
			t.Fatal(err)
		}
		raw, _ := DBSCANGraph(g, 0.6, 4)
		sameLabels(t, "raw from our Jaccard", raw, e.Raw)
	}
}

func TestReliability(t *testing.T) {
	// Cluster {0,1,2,3} splits into {0,1} and {2} (3 is noise) in b.
	a := []int{0, 0, 0, 0, -1, 1, 1}
	b := []int{0, 0, 1, -1, -1, 2, 2}
	got, err := Reliability(a, b)
	if err != nil {
		t.Fatal(err)
	}
	want := []float64{1 - 2.0/4, 1 - 2.0/4, 1 - 1.0/4, 1 - 1.0/4, 0, 0, 0}
	for i := range want {
		if math.Abs(got[i]-want[i]) > 1e-7 {
			t.Errorf("point %d: got %v want %v", i, got[i], want[i])
		}
	}
}

func TestBadInputs(t *testing.T) {
	if _, err := DBSCAN(nn.New(3, 4), 0.5, 2); err == nil {
		t.Error("non-square matrix: got no error")
	}
	if _, err := DBSCAN(nn.New(3, 3), -1, 2); err == nil {
		t.Error("negative eps: got no error")
	}
	if _, err := DBSCAN(nn.New(3, 3), 0.5, 0); err == nil {
		t.Error("minSamples 0: got no error")
	}
	nan := nn.New(2, 2)
	nan.Data[1] = float32(math.NaN())
	if _, err := DBSCAN(nan, 0.5, 1); err == nil {
		t.Error("NaN distance: got no error")
	}
	f := nn.New(5, 3)
	if _, err := JaccardGraph(f, 6, 2); err == nil {
		t.Error("k1 > N: got no error")
	}
	if _, err := JaccardGraph(f, 3, 4); err == nil {
		t.Error("k2 > k1: got no error")
	}
	if _, err := DBSCANGraph(&Graph{N: 1, Far: 1, Adj: [][]int32{{0}}, Dist: [][]float32{{0}}}, 1, 1); err == nil {
		t.Error("eps at the graph's far distance: got no error")
	}
}

func TestJaccardInterrupted(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	unbind := display.Bind(ctx, nil)
	defer unbind()
	rng := rand.New(rand.NewPCG(1, 1))
	f := nn.New(300, 8)
	for i := range f.Data {
		f.Data[i] = float32(rng.NormFloat64())
	}
	if _, err := JaccardGraph(f, 20, 6); err == nil {
		t.Error("interrupted: got no error")
	}
}
