package probe

import (
	"cmp"
	"fmt"
	"math"
	"slices"

	"github.com/gocontrast/contrast/blas"
	"github.com/gocontrast/contrast/display"
	"github.com/gocontrast/contrast/recipes/nn"
)

// KNNConfig holds the weighted kNN classifier's parameters.
type KNNConfig struct {
	K           int     // neighbours; 20 (InstDisc, DINO)
	Temperature float64 // vote weight exp(sim/T); 0.07 (InstDisc, DINO)
	// Classes is the number of classes; 0 means the largest label + 1.
	Classes int
}

// DefaultKNN returns k = 20, T = 0.07, InstDisc's setting (arXiv
// 1805.01978, sec. 3.4) that DINO's eval_knn.py uses too.
func DefaultKNN() KNNConfig { return KNNConfig{K: 20, Temperature: 0.07} }

// KNNResult is a weighted kNN evaluation.
type KNNResult struct {
	Top1, Top5 float64 // accuracies in [0, 1]; 0 without test labels
	Pred       []int   // predicted class of each test row
	K          int
	N          int // test rows
}

// String summarises the result.
func (r *KNNResult) String() string {
	return fmt.Sprintf("weighted %d-NN: top-1 %.4f, top-5 %.4f on %d samples", r.K, r.Top1, r.Top5, r.N)
}

// KNN classifies test [M, D] by a weighted vote of its DefaultKNN
// neighbours in train [N, D]; see KNNWith.
func KNN(train *nn.Tensor, trainLabels []int, test *nn.Tensor, testLabels []int) (*KNNResult, error) {
	return KNNWith(train, trainLabels, test, testLabels, DefaultKNN())
}

// KNNWith is the weighted kNN classifier of InstDisc and DINO: with
// features L2-normalised, each test row's K most cosine-similar training
// rows vote for their class with weight exp(sim/T), and the class with the
// largest total wins (top-5: the true class among the five largest).
// testLabels may be nil to only predict. Similarities are computed with
// blas.Sgemm in chunks of test rows (about 32 MB each), so that 60,000 x
// 10,000 fits in memory; the search runs on all CPUs, shows progress on
// large inputs, and stops with display.Context()'s error on interrupt.
func KNNWith(train *nn.Tensor, trainLabels []int, test *nn.Tensor, testLabels []int, cfg KNNConfig) (*KNNResult, error) {
	n, d, err := features("train features", train)
	if err != nil {
		return nil, err
	}
	m, td, err := features("test features", test)
	if err != nil {
		return nil, err
	}
	if td != d {
		return nil, fmt.Errorf("probe: train features have %d dimensions, test features %d", d, td)
	}
	classes, err := checkLabels("train labels", trainLabels, n)
	if err != nil {
		return nil, err
	}
	if testLabels != nil {
		c, err := checkLabels("test labels", testLabels, m)
		if err != nil {
			return nil, err
		}
		classes = max(classes, c)
	}
	if cfg.Classes > 0 {
		if cfg.Classes < classes {
			return nil, fmt.Errorf("probe: %d classes configured but labels go up to %d", cfg.Classes, classes-1)
		}
		classes = cfg.Classes
	}
	if cfg.K < 1 {
		return nil, fmt.Errorf("probe: kNN needs K >= 1, got %d", cfg.K)
	}
	if !(cfg.Temperature > 0) {
		return nil, fmt.Errorf("probe: kNN temperature must be positive, got %v", cfg.Temperature)
	}
	k := min(cfg.K, n)
	xt, xq := unit(train), unit(test)
	res := &KNNResult{Pred: make([]int, m), K: cfg.K, N: m}
	hit1 := make([]bool, m)
	hit5 := make([]bool, m)
	chunk := min(m, chunkRows(n))
	sim := make([]float32, chunk*n)
	ctx := display.Context()
	p := newProgress(n*m, m, "kNN")
	defer p.Done()
	invT := 1 / cfg.Temperature
	for lo := 0; lo < m; lo += chunk {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		hi := min(m, lo+chunk)
		blas.Sgemm(false, true, hi-lo, n, d, 1, xq[lo*d:hi*d], d, xt, d, 0, sim, n)
		parallel(hi-lo, func(r int) {
			i := lo + r
			top := topK(sim[r*n:(r+1)*n], k)
			votes := make([]float64, classes)
			for _, e := range top {
				votes[trainLabels[e.i]] += math.Exp(float64(e.v) * invT)
			}
			order := make([]int, classes)
			for c := range order {
				order[c] = c
			}
			slices.SortStableFunc(order, func(a, b int) int { return cmp.Compare(votes[b], votes[a]) })
			res.Pred[i] = order[0]
			if testLabels != nil {
				hit1[i] = order[0] == testLabels[i]
				hit5[i] = slices.Contains(order[:min(5, classes)], testLabels[i])
			}
		})
		p.Add(hi - lo)
	}
	if testLabels != nil {
		for i := range hit1 {
			if hit1[i] {
				res.Top1++
			}
			if hit5[i] {
				res.Top5++
			}
		}
		res.Top1 /= float64(m)
		res.Top5 /= float64(m)
	}
	return res, nil
}

type scored struct {
	v float32
	i int32
}

// topK returns the k largest entries of row (unordered), ties to the
// smaller index.
func topK(row []float32, k int) []scored {
	h := make([]scored, 0, k)
	less := func(a, b scored) bool { return a.v < b.v || (a.v == b.v && a.i > b.i) }
	for j, v := range row {
		e := scored{v, int32(j)}
		if len(h) < k {
			h = append(h, e)
			for i := len(h) - 1; i > 0; {
				p := (i - 1) / 2
				if !less(h[i], h[p]) {
					break
				}
				h[i], h[p] = h[p], h[i]
				i = p
			}
			continue
		}
		if !less(h[0], e) {
			continue
		}
		h[0] = e
		for i := 0; ; {
			c := 2*i + 1
			if c >= len(h) {
				break
			}
			if c+1 < len(h) && less(h[c+1], h[c]) {
				c++
			}
			if !less(h[c], h[i]) {
				break
			}
			h[i], h[c] = h[c], h[i]
			i = c
		}
	}
	return h
}
