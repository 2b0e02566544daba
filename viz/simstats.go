package viz

import (
	"fmt"
	"math"
	"math/rand/v2"
	"sort"

	"github.com/gocontrast/contrast/recipes/nn"
)

// DefaultMaxPairs is how many positive and how many negative pairs
// SimilarityHist uses at most. When a kind has more pairs than this, that
// many are drawn uniformly at random (with replacement, seeded); when it
// has fewer, all are used. 200,000 pairs put the histogram's sampling error
// far below a bin's height and keep the figure under a second for any N.
const DefaultMaxPairs = 200000

// Stats summarises two samples of similarities, positives and negatives.
type Stats struct {
	NPos, NNeg int
	// PosMean and NegMean are the sample means.
	PosMean, NegMean float64
	// AUC is the probability that a random positive's similarity exceeds
	// a random negative's, ties counting one half: the area under the ROC
	// curve of the similarity as a same-class detector, computed exactly
	// (the Mann-Whitney U statistic divided by NPos*NNeg).
	AUC float64
	// Overlap is the overlap coefficient of the two density histograms on
	// the shared bins: the sum over bins of min(pos density, neg
	// density) times the bin width. 0 means separated, 1 identical.
	Overlap float64
	// Lo, Hi and Bins are the shared bins Overlap was computed on.
	Lo, Hi float64
	Bins   int
}

// String formats the statistics as a legend line.
func (s Stats) String() string {
	return fmt.Sprintf("AUC %.3f, overlap %.3f", s.AUC, s.Overlap)
}

// PairStats computes Stats for pos and neg on bins equal-width bins over
// [lo, hi] (values outside are clamped into the end bins). It returns an
// error when a sample is empty or holds NaN or ±Inf, or the bins are
// invalid.
func PairStats(pos, neg []float64, lo, hi float64, bins int) (Stats, error) {
	if len(pos) == 0 || len(neg) == 0 {
		return Stats{}, fmt.Errorf("need both positive and negative values (got %d and %d)", len(pos), len(neg))
	}
	if err := checkFinite("positive", pos); err != nil {
		return Stats{}, err
	}
	if err := checkFinite("negative", neg); err != nil {
		return Stats{}, err
	}
	if bins <= 0 || !(hi > lo) || !finite(lo) || !finite(hi) {
		return Stats{}, fmt.Errorf("invalid bins: %d over [%g, %g]; want at least one bin over a finite range with hi > lo", bins, lo, hi)
	}
	s := Stats{NPos: len(pos), NNeg: len(neg), Lo: lo, Hi: hi, Bins: bins}
	s.PosMean, s.NegMean = mean(pos), mean(neg)
	s.AUC = aucExact(pos, neg)
	dp, dn := density(pos, lo, hi, bins), density(neg, lo, hi, bins)
	w := (hi - lo) / float64(bins)
	for k := range dp {
		s.Overlap += math.Min(dp[k], dn[k]) * w
	}
	return s, nil
}

func checkFinite(what string, v []float64) error {
	for i, x := range v {
		if !finite(x) {
			return fmt.Errorf("%s value %d is %g; similarities must be finite (a NaN usually means the model diverged)", what, i, x)
		}
	}
	return nil
}

func mean(v []float64) float64 {
	var s float64
	for _, x := range v {
		s += x
	}
	return s / float64(len(v))
}

// aucExact returns P(pos > neg) + P(pos == neg)/2 over all pairs, by
// sorting both samples and walking them together: O((P+N) log(P+N)).
func aucExact(pos, neg []float64) float64 {
	p := append([]float64(nil), pos...)
	n := append([]float64(nil), neg...)
	sort.Float64s(p)
	sort.Float64s(n)
	var u float64  // twice the Mann-Whitney U
	lt, le := 0, 0 // negatives < v and <= v
	for _, v := range p {
		for lt < len(n) && n[lt] < v {
			lt++
		}
		if le < lt {
			le = lt
		}
		for le < len(n) && n[le] <= v {
			le++
		}
		u += float64(lt + le) // 2*lt + (le-lt)
	}
	return u / 2 / (float64(len(p)) * float64(len(n)))
}

// binOf returns the bin of v among bins equal bins over [lo, hi]; values
// outside go to the end bins and hi itself to the last, as numpy.histogram
// does. Bin k is [lo + k*w, lo + (k+1)*w) with w = (hi-lo)/bins, the
// edges computed as numpy.linspace does, so values on an edge land where
// numpy puts them.
func binOf(v, lo, hi float64, bins int) int {
	w := (hi - lo) / float64(bins)
	k := int((v - lo) / w)
	if k < 0 {
		return 0
	}
	if k >= bins {
		return bins - 1
	}
	if v < float64(k)*w+lo && k > 0 {
		k--
	} else if k < bins-1 && v >= float64(k+1)*w+lo {
		k++
	}
	return k
}

// density returns the histogram of v on the bins, normalised so that it
// integrates to one (count / (len(v) * width)).
func density(v []float64, lo, hi float64, bins int) []float64 {
	d := make([]float64, bins)
	for _, x := range v {
		d[binOf(x, lo, hi, bins)]++
	}
	w := (hi - lo) / float64(bins)
	for k := range d {
		d[k] /= float64(len(v)) * w
	}
	return d
}

// normalizedRows returns z's rows scaled to unit L2 norm, as
// torch.nn.functional.normalize does (norm clamped at 1e-12, so a zero row
// stays zero and has similarity 0 with everything). It rejects non-finite
// values.
func normalizedRows(z *nn.Tensor) (rows []float32, n, d int, err error) {
	if z == nil {
		return nil, 0, 0, fmt.Errorf("embeddings tensor is nil")
	}
	if len(z.Shape) < 2 {
		return nil, 0, 0, fmt.Errorf("embeddings have shape %v; want [N, D]", z.Shape)
	}
	n, d = z.Rows(), z.Cols()
	if n*d != len(z.Data) || d == 0 {
		return nil, 0, 0, fmt.Errorf("embeddings have shape %v but %d values", z.Shape, len(z.Data))
	}
	rows = make([]float32, n*d)
	for i := 0; i < n; i++ {
		var ss float64
		src := z.Data[i*d : (i+1)*d]
		for j, v := range src {
			if f := float64(v); math.IsNaN(f) || math.IsInf(f, 0) {
				return nil, 0, 0, fmt.Errorf("embedding row %d has %g at column %d; embeddings must be finite (a NaN usually means the model diverged)", i, f, j)
			}
			ss += float64(v) * float64(v)
		}
		inv := 1 / math.Max(math.Sqrt(ss), 1e-12)
		dst := rows[i*d : (i+1)*d]
		for j, v := range src {
			dst[j] = float32(float64(v) * inv)
		}
	}
	return rows, n, d, nil
}

func dot32(a, b []float32) float64 {
	b = b[:len(a)]
	var s0, s1, s2, s3 float32
	i := 0
	for ; i+4 <= len(a); i += 4 {
		s0 += a[i] * b[i]
		s1 += a[i+1] * b[i+1]
		s2 += a[i+2] * b[i+2]
		s3 += a[i+3] * b[i+3]
	}
	for ; i < len(a); i++ {
		s0 += a[i] * b[i]
	}
	return float64(s0 + s1 + s2 + s3)
}

// pairSimilarities returns sim(i, j) for positive pairs (same label,
// i != j, each unordered pair once) and negative pairs (different labels)
// of n samples. Each kind is enumerated completely when it has at most
// maxPairs pairs, otherwise maxPairs pairs are drawn uniformly with
// replacement using seed. It returns an error when a kind has no pairs at
// all.
func pairSimilarities(n int, labels []int, maxPairs int, seed uint64, sim func(i, j int) float64) (pos, neg []float64, err error) {
	if len(labels) != n {
		return nil, nil, fmt.Errorf("%d labels for %d embeddings; pass one label per row", len(labels), n)
	}
	if maxPairs <= 0 {
		maxPairs = DefaultMaxPairs
	}
	// Group indices by class, sorted by label.
	byClass := make(map[int][]int)
	for i, l := range labels {
		byClass[l] = append(byClass[l], i)
	}
	classes := uniqueLabels(labels)
	sorted := make([]int, 0, n)
	start := make([]int, len(classes))
	var nPos, nAll int64
	for k, l := range classes {
		start[k] = len(sorted)
		sorted = append(sorted, byClass[l]...)
		m := int64(len(byClass[l]))
		nPos += m * (m - 1) / 2
	}
	nAll = int64(n) * int64(n-1) / 2
	nNeg := nAll - nPos
	if nPos == 0 {
		return nil, nil, fmt.Errorf("no positive pairs: every class has a single sample; pass more samples per class")
	}
	if nNeg == 0 {
		return nil, nil, fmt.Errorf("no negative pairs: all %d samples have label %d; pass samples of at least two classes", n, labels[0])
	}
	r := rand.New(rand.NewPCG(seed, 0x51a1))

	// Positive pairs.
	if nPos <= int64(maxPairs) {
		pos = make([]float64, 0, nPos)
		for _, l := range classes {
			m := byClass[l]
			for a := 0; a < len(m); a++ {
				for b := a + 1; b < len(m); b++ {
					pos = append(pos, sim(m[a], m[b]))
				}
			}
		}
	} else {
		cum := make([]float64, len(classes))
		var acc float64
		for k, l := range classes {
			m := float64(len(byClass[l]))
			acc += m * (m - 1) / 2
			cum[k] = acc
		}
		pos = make([]float64, maxPairs)
		for t := range pos {
			m := byClass[classes[pick(cum, r.Float64()*acc)]] // has >= 2 members
			a := r.IntN(len(m))
			b := r.IntN(len(m) - 1)
			if b >= a {
				b++
			}
			pos[t] = sim(m[a], m[b])
		}
	}

	// Negative pairs.
	if nNeg <= int64(maxPairs) {
		neg = make([]float64, 0, nNeg)
		for i := 0; i < n; i++ {
			for j := i + 1; j < n; j++ {
				if labels[i] != labels[j] {
					neg = append(neg, sim(i, j))
				}
			}
		}
	} else {
		cum := make([]float64, len(classes))
		var acc float64
		for k, l := range classes {
			m := float64(len(byClass[l]))
			acc += m * (float64(n) - m)
			cum[k] = acc
		}
		neg = make([]float64, maxPairs)
		for t := range neg {
			k := pick(cum, r.Float64()*acc) // not every sample is in class k
			m := byClass[classes[k]]
			i := m[r.IntN(len(m))]
			u := r.IntN(n - len(m))
			if u >= start[k] {
				u += len(m)
			}
			neg[t] = sim(i, sorted[u])
		}
	}
	return pos, neg, nil
}

// pick returns the least k with cum[k] > x, for x in [0, cum[len-1]): the
// index drawn with probability proportional to cum[k] - cum[k-1], never
// one of weight zero.
func pick(cum []float64, x float64) int {
	k := sort.Search(len(cum), func(k int) bool { return cum[k] > x })
	if k == len(cum) {
		k--
	}
	return k
}
