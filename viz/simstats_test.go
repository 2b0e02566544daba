package viz

import (
	"encoding/json"
	"math"
	"math/rand/v2"
	"os"
	"strings"
	"testing"
)

const (
	statTol = 1e-12 // AUC, overlap and means: exact up to rounding
)

type statCase struct {
	Name         string
	Pos, Neg     []float64
	Lo, Hi       float64
	Bins         int
	AUC, Overlap float64
	PM           float64 `json:"pos_mean"`
	NM           float64 `json:"neg_mean"`
}

// TestPairStatsSklearn checks AUC against scikit-learn's roc_auc_score
// and the overlap against numpy.histogram(density=True), stored by
// testdata/gen_stats.py.
func TestPairStatsSklearn(t *testing.T) {
	raw, err := os.ReadFile("testdata/stats_sklearn.json")
	if err != nil {
		t.Fatal(err)
	}
	var ref struct{ Cases []statCase }
	if err := json.Unmarshal(raw, &ref); err != nil {
		t.Fatal(err)
	}
	if len(ref.Cases) == 0 {
		t.Fatal("no cases in testdata/stats_sklearn.json")
	}
	for _, c := range ref.Cases {
		t.Run(c.Name, func(t *testing.T) {
			s, err := PairStats(c.Pos, c.Neg, c.Lo, c.Hi, c.Bins)
			if err != nil {
				t.Fatal(err)
			}
			check := func(what string, got, want float64) {
				t.Helper()
				if math.Abs(got-want) > statTol*math.Max(1, math.Abs(want)) {
					t.Errorf("%s: got %.15g want %.15g", what, got, want)
				}
			}
			check("AUC", s.AUC, c.AUC)
			check("overlap", s.Overlap, c.Overlap)
			check("positive mean", s.PosMean, c.PM)
			check("negative mean", s.NegMean, c.NM)
			if s.NPos != len(c.Pos) || s.NNeg != len(c.Neg) {
				t.Errorf("sizes: got %d/%d want %d/%d", s.NPos, s.NNeg, len(c.Pos), len(c.Neg))
			}
		})
	}
}

// aucBrute is the definition: the fraction of (positive, negative) pairs
// ordered correctly, ties counting a half.
func aucBrute(pos, neg []float64) float64 {
	var s float64
	for _, p := range pos {
		for _, n := range neg {
			switch {
			case p > n:
				s++
			case p == n:
				s += 0.5
			}
		}
	}
	return s / float64(len(pos)*len(neg))
}

func TestAUCMatchesDefinition(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for trial := 0; trial < 50; trial++ {
		np, nn := 1+r.IntN(60), 1+r.IntN(60)
		pos, neg := make([]float64, np), make([]float64, nn)
		for i := range pos {
			pos[i] = math.Round(r.NormFloat64()*4) / 4 // many ties
		}
		for i := range neg {
			neg[i] = math.Round((r.NormFloat64()-0.5)*4) / 4
		}
		if got, want := aucExact(pos, neg), aucBrute(pos, neg); math.Abs(got-want) > 1e-12 {
			t.Fatalf("trial %d: aucExact %v, brute force %v (pos %v neg %v)", trial, got, want, pos, neg)
		}
	}
}

func TestOverlapDirect(t *testing.T) {
	// Two uniform samples on [0, 1) and [0.5, 1.5) over bins of 0.25 on
	// [0, 1.5]: densities 1 on their halves, overlap = 0.5 exactly.
	var a, b []float64
	for i := 0; i < 400; i++ {
		a = append(a, (float64(i)+0.5)/400)
		b = append(b, 0.5+(float64(i)+0.5)/400)
	}
	s, err := PairStats(a, b, 0, 1.5, 6)
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(s.Overlap-0.5) > 1e-12 {
		t.Errorf("overlap %v, want 0.5", s.Overlap)
	}
	// AUC: P(a > b) = P over the overlap half... a in [0.5,1) vs b in
	// [0.5,1): probability 1/4 * 1/2 = 1/8.
	if math.Abs(s.AUC-0.125) > 1e-3 {
		t.Errorf("AUC %v, want about 0.125", s.AUC)
	}
}

func TestPairStatsErrors(t *testing.T) {
	for _, c := range []struct {
		name     string
		pos, neg []float64
		lo, hi   float64
		bins     int
		want     string
	}{
		{"empty", nil, []float64{1}, 0, 1, 10, "need both"},
		{"nan", []float64{math.NaN()}, []float64{1}, 0, 1, 10, "positive value 0 is NaN"},
		{"inf", []float64{1}, []float64{1, math.Inf(1)}, 0, 1, 10, "negative value 1 is +Inf"},
		{"bins", []float64{1}, []float64{1}, 0, 1, 0, "invalid bins"},
		{"range", []float64{1}, []float64{1}, 1, 1, 10, "invalid bins"},
	} {
		_, err := PairStats(c.pos, c.neg, c.lo, c.hi, c.bins)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want one containing %q", c.name, err, c.want)
		}
	}
}

// pairCode encodes a pair as a float so the test can see which pairs
// pairSimilarities picked.
func pairCode(i, j int) float64 {
	if i > j {
		i, j = j, i
	}
	return float64(i*100000 + j)
}

func decode(v float64) (int, int) { c := int(v); return c / 100000, c % 100000 }

func TestPairEnumerationExact(t *testing.T) {
	labels := []int{0, 1, 0, 2, 1, 0, 2, 2, 2, 5}
	pos, neg, err := pairSimilarities(len(labels), labels, 1000, 1, pairCode)
	if err != nil {
		t.Fatal(err)
	}
	wantPos, wantNeg := map[float64]bool{}, map[float64]bool{}
	for i := range labels {
		for j := i + 1; j < len(labels); j++ {
			if labels[i] == labels[j] {
				wantPos[pairCode(i, j)] = true
			} else {
				wantNeg[pairCode(i, j)] = true
			}
		}
	}
	same := func(got []float64, want map[float64]bool) bool {
		if len(got) != len(want) {
			return false
		}
		seen := map[float64]bool{}
		for _, v := range got {
			if !want[v] || seen[v] {
				return false
			}
			seen[v] = true
		}
		return true
	}
	if !same(pos, wantPos) {
		t.Errorf("positive pairs: got %d, want each of the %d same-label pairs once", len(pos), len(wantPos))
	}
	if !same(neg, wantNeg) {
		t.Errorf("negative pairs: got %d, want each of the %d different-label pairs once", len(neg), len(wantNeg))
	}
}

// TestPairSamplingUniform checks that sampled pairs are valid and uniform:
// the share of pairs falling in each class (positives) and each class
// pair (negatives) matches its share of all pairs.
func TestPairSamplingUniform(t *testing.T) {
	sizes := []int{400, 150, 40, 10, 1}
	var labels []int
	for c, n := range sizes {
		for i := 0; i < n; i++ {
			labels = append(labels, c)
		}
	}
	// shuffle so classes are not contiguous
	r := rand.New(rand.NewPCG(5, 6))
	r.Shuffle(len(labels), func(i, j int) { labels[i], labels[j] = labels[j], labels[i] })
	const m = 60000
	pos, neg, err := pairSimilarities(len(labels), labels, m, 7, pairCode)
	if err != nil {
		t.Fatal(err)
	}
	if len(pos) != m || len(neg) != m {
		t.Fatalf("got %d/%d pairs, want %d each (the cap)", len(pos), len(neg), m)
	}
	N := float64(len(labels))
	var totPos float64
	for _, n := range sizes {
		totPos += float64(n * (n - 1) / 2)
	}
	totNeg := N*(N-1)/2 - totPos
	posCount := map[int]float64{}
	negCount := map[[2]int]float64{}
	for _, v := range pos {
		i, j := decode(v)
		if i == j || labels[i] != labels[j] {
			t.Fatalf("positive pair (%d, %d) has labels %d, %d", i, j, labels[i], labels[j])
		}
		posCount[labels[i]]++
	}
	for _, v := range neg {
		i, j := decode(v)
		a, b := labels[i], labels[j]
		if a == b {
			t.Fatalf("negative pair (%d, %d) has label %d twice", i, j, a)
		}
		if a > b {
			a, b = b, a
		}
		negCount[[2]int{a, b}]++
	}
	// Binomial standard error; allow 5 sigma.
	checkShare := func(what string, got, p float64) {
		t.Helper()
		sd := math.Sqrt(p * (1 - p) / m)
		if math.Abs(got/m-p) > 5*sd+1e-9 {
			t.Errorf("%s: share %.4f, want %.4f ± %.4f", what, got/m, p, 5*sd)
		}
	}
	for c, n := range sizes {
		checkShare("positives of class "+itoa(c), posCount[c], float64(n*(n-1)/2)/totPos)
	}
	for a := range sizes {
		for b := a + 1; b < len(sizes); b++ {
			checkShare("negatives of classes "+itoa(a)+","+itoa(b), negCount[[2]int{a, b}], float64(sizes[a]*sizes[b])/totNeg)
		}
	}
	// Same seed, same pairs.
	pos2, neg2, _ := pairSimilarities(len(labels), labels, m, 7, pairCode)
	for i := range pos {
		if pos[i] != pos2[i] || neg[i] != neg2[i] {
			t.Fatal("same seed gave different pairs")
		}
	}
}

func TestPairSimilaritiesErrors(t *testing.T) {
	sim := func(i, j int) float64 { return 0 }
	for _, c := range []struct {
		labels []int
		n      int
		want   string
	}{
		{[]int{0, 1, 2}, 3, "no positive pairs"},
		{[]int{4, 4, 4}, 3, "no negative pairs"},
		{[]int{0, 0}, 3, "2 labels for 3"},
	} {
		_, _, err := pairSimilarities(c.n, c.labels, 0, 0, sim)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("labels %v: error %v, want %q", c.labels, err, c.want)
		}
	}
}

func TestNormalizedRows(t *testing.T) {
	z, _ := blobs(5, 2, 3, 1, 1)
	z.Data[3], z.Data[4], z.Data[5] = 0, 0, 0 // a zero row stays zero, as F.normalize
	rows, n, d, err := normalizedRows(z)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < n; i++ {
		var ss float64
		for _, v := range rows[i*d : (i+1)*d] {
			ss += float64(v) * float64(v)
		}
		want := 1.0
		if i == 1 {
			want = 0
		}
		if math.Abs(ss-want) > 1e-6 {
			t.Errorf("row %d: squared norm %v, want %v", i, ss, want)
		}
	}
	z.Data[7] = float32(math.NaN())
	if _, _, _, err := normalizedRows(z); err == nil || !strings.Contains(err.Error(), "row 2") {
		t.Errorf("NaN: error %v, want one naming row 2", err)
	}
}

// TestSimilarityHistNumbers checks the figure's statistics against a
// direct computation over all pairs (N small enough to enumerate).
func TestSimilarityHistNumbers(t *testing.T) {
	z, labels := blobs(120, 4, 8, 0.7, 11)
	rows, n, d, err := normalizedRows(z)
	if err != nil {
		t.Fatal(err)
	}
	var pos, neg []float64
	for i := 0; i < n; i++ {
		for j := i + 1; j < n; j++ {
			var s float64
			for k := 0; k < d; k++ {
				s += float64(rows[i*d+k]) * float64(rows[j*d+k])
			}
			if labels[i] == labels[j] {
				pos = append(pos, s)
			} else {
				neg = append(neg, s)
			}
		}
	}
	want, err := PairStats(pos, neg, cosineLo(pos, neg), 1, 100)
	if err != nil {
		t.Fatal(err)
	}
	f := SimilarityHist(z, labels)
	if f.Err() != nil {
		t.Fatal(f.Err())
	}
	if !strings.Contains(f.String(), "AUC "+ftoa3(want.AUC)) || !strings.Contains(f.String(), "overlap "+ftoa3(want.Overlap)) {
		t.Errorf("description %q, want AUC %.3f and overlap %.3f", f.String(), want.AUC, want.Overlap)
	}
	if !strings.Contains(f.String(), thousands(len(pos))+" positive") {
		t.Errorf("description %q, want %d positive pairs", f.String(), len(pos))
	}
}

// TestCosineLo pins the left end of the similarity histograms: -1 when
// similarities span the range, zoomed in (regression: the features of a
// ReLU encoder, all within 0.02 of 1, filled two of 100 bins over [-1, 1]).
func TestCosineLo(t *testing.T) {
	for _, tc := range []struct {
		samples [][]float64
		want    float64
	}{
		{[][]float64{{-0.97, 0.5}, {0.1}}, -1},
		{[][]float64{{-0.3, 1}}, -0.3},                // range 1.3: step 0.1
		{[][]float64{{-0.05, 0.9}}, -0.1},             // range 1.05: step 0.1
		{[][]float64{{0.2, 0.9}}, 0.2},                // range 0.8: step 0.1
		{[][]float64{{0.9834, 0.999}, {0.99}}, 0.983}, // range 0.0166: step 0.001
		{[][]float64{{0.85, 0.95}}, 0.85},             // range 0.15: step 0.01
		{[][]float64{{0.7, 0.95}}, 0.7},               // range 0.3: step 0.05
		{[][]float64{{1, 1}}, 0.99},
	} {
		if got := cosineLo(tc.samples...); math.Abs(got-tc.want) > 1e-9 {
			t.Errorf("cosineLo(%v) = %v, want %v", tc.samples, got, tc.want)
		}
	}
}
